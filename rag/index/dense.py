"""Dense vector stores behind one small interface: FAISS files in the index folder, pgvector tables, or a
Milvus collection (which also holds the passages and BM25: rag/index/milvus.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import IndexStaleError, VectorStoreError

FAISS_FILE = "dense.faiss"
# Exact search while it is cheap, HNSW past this many vectors (bench/bench_scale.py, docs/scaling.md): one
# IndexFlatIP query (k=100, one thread) took 2.6 ms at 31,000 vectors, 8 ms at 93,000 and 27 ms at 310,000,
# against 20-30 ms to embed the question. Below 50,000 exact search costs under 5 ms, so its perfect recall
# is worth keeping. On the real 31,000 vectors of the 1000x corpus (near-duplicate copies) HNSW with
# efConstruction 80 / efSearch 128 found only 0.84 of the exact top 10; 200 / 512 finds 0.99 in 0.7 ms.
HNSW_FROM = 50_000
HNSW_M = 32
HNSW_EF_SEARCH = 512
HNSW_EF_CONSTRUCTION = 200


@dataclass(frozen=True)
class StoreAddress:
    """Where the stores outside the index folder are; the secrets are never printed (not in repr)."""
    pg_dsn: str = field(default="", repr=False)
    milvus_uri: str = field(default="", repr=False)  # may hold user:password@
    milvus_token: str = field(default="", repr=False)

    @classmethod
    def of(cls, where: str | StoreAddress) -> StoreAddress:
        """A plain string is a pg_dsn, as callers passed before Milvus existed."""
        return where if isinstance(where, StoreAddress) else cls(pg_dsn=where)

    def milvus(self):
        from rag.index.milvus import MilvusAddress

        return MilvusAddress(self.milvus_uri, self.milvus_token)


class DenseStore(Protocol):
    """Vectors addressed by row (the passage's position in passages.jsonl), searched by inner product."""

    kind: str
    dim: int

    def add(self, vectors: np.ndarray) -> None: ...
    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]]: ...
    def persist(self, folder: Path) -> dict: ...
    def vectors(self) -> np.ndarray: ...
    def __len__(self) -> int: ...


def faiss_index_type(n: int) -> str:
    return "IndexHNSWFlat" if n >= HNSW_FROM else "IndexFlatIP"


class FaissDense:
    """A FAISS index held by llama-index's FaissVectorStore, persisted as dense.faiss in the version folder."""

    kind = "faiss"

    def __init__(self, store) -> None:
        import faiss

        self.store = store
        self.dim = int(store.client.d)
        index = faiss.downcast_index(store.client)
        self._hnsw = index if isinstance(index, faiss.IndexHNSW) else None
        if self._hnsw is not None:
            self._hnsw.hnsw.efSearch = HNSW_EF_SEARCH

    @classmethod
    def create(cls, dim: int, n: int) -> FaissDense:
        import faiss
        from llama_index.vector_stores.faiss import FaissVectorStore

        if faiss_index_type(n) == "IndexHNSWFlat":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            # Inner product over L2-normalised vectors is cosine similarity.
            index = faiss.IndexFlatIP(dim)
        return cls(FaissVectorStore(faiss_index=index))

    @classmethod
    def load(cls, folder: Path) -> FaissDense:
        from llama_index.vector_stores.faiss import FaissVectorStore

        return cls(FaissVectorStore.from_persist_path(str(folder / FAISS_FILE)))

    def add(self, vectors: np.ndarray) -> None:
        from llama_index.core.schema import TextNode

        start = len(self)
        self.store.add([TextNode(id_=str(start + i), text="", embedding=v.tolist()) for i, v in enumerate(vectors)])

    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]]:
        n = min(n, len(self))
        if self._hnsw is not None and n > HNSW_EF_SEARCH:
            # A filtered search ranks everything; the graph cannot, the flat storage beneath it can, exactly.
            import faiss

            scores, rows = faiss.downcast_index(self._hnsw.storage).search(query.reshape(1, -1).astype(np.float32), n)
            return [(int(i), float(s)) for i, s in zip(rows[0], scores[0]) if i >= 0]
        from llama_index.core.vector_stores.types import VectorStoreQuery

        result = self.store.query(VectorStoreQuery(query_embedding=query.tolist(), similarity_top_k=n))
        return [(int(i), float(s)) for i, s in zip(result.ids, result.similarities) if int(i) >= 0]

    def persist(self, folder: Path) -> dict:
        self.store.persist(persist_path=str(folder / FAISS_FILE))
        return {"kind": self.kind, "faiss_index": type(self._hnsw or self.store.client).__name__}

    def vectors(self) -> np.ndarray:
        return self.store.client.reconstruct_n(0, len(self))

    def __len__(self) -> int:
        return int(self.store.client.ntotal)


def create(kind: str, folder: Path, dim: int, n: int, where: str | StoreAddress = "") -> DenseStore:
    """An empty store for a new index version being written into folder."""
    address = StoreAddress.of(where)
    hnsw = {"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "ef_search": HNSW_EF_SEARCH}
    large = faiss_index_type(n) == "IndexHNSWFlat"
    if kind == "faiss":
        return FaissDense.create(dim, n)
    if kind == "pgvector":
        from rag.index.pgvector import PgDense

        return PgDense.create(folder, address.pg_dsn, dim, hnsw if large else None)
    if kind == "milvus":
        from rag.index.milvus import MilvusIndex

        return MilvusIndex.create(folder, address.milvus(), dim, hnsw if large else None)
    raise VectorStoreError(f"未知的向量库：{kind}（可选 faiss、pgvector 或 milvus；unknown vector store）")


def open_store(folder: Path, kind: str, where: str | StoreAddress = "") -> DenseStore:
    """The store (of that kind) of a complete version; damaged or missing vectors raise IndexStaleError."""
    address = StoreAddress.of(where)
    if kind == "pgvector":
        from rag.index.pgvector import PgDense

        return PgDense.load(folder, address.pg_dsn)
    if kind == "milvus":
        from rag.index.milvus import MilvusIndex

        return MilvusIndex.load(folder, address.milvus())
    try:
        return FaissDense.load(folder)
    except Exception as err:  # faiss raises RuntimeError for a damaged or missing file
        raise IndexStaleError(f"索引文件损坏或不完整：{folder}（{type(err).__name__}）（index files damaged）") from None


def release(folder: Path, where: str | StoreAddress = "") -> None:
    """Free what a removed version holds outside its folder (a pgvector table, a Milvus collection); FAISS
    holds nothing."""
    from rag.index import milvus, pgvector

    address = StoreAddress.of(where)
    if (folder / pgvector.POINTER).is_file():
        pgvector.drop(folder, address.pg_dsn)
    if (folder / milvus.POINTER).is_file():
        milvus.drop(folder, address.milvus())


def publish(index_dir: Path, folder: Path | None, where: str | StoreAddress = "") -> None:
    """Tell the engine which version is current, once its folder is: a Milvus alias moved to its collection.
    FAISS and pgvector versions are found through index_dir/CURRENT alone."""
    from rag.index import milvus

    if folder is not None and (folder / milvus.POINTER).is_file():
        milvus.publish(folder, index_dir, StoreAddress.of(where).milvus())
