"""Build and load the two indexes over passages: dense vectors (FAISS or pgvector) and jieba-segmented BM25."""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.text import keywords
from rag.index import dense as dense_stores
from rag.index.embed import Embedder, embed_batches
from rag.errors import IndexStaleError
from rag.passage import Passage
from rag.index.versions import MANIFEST, read_manifest
from rag.index.dense import DenseStore

logging.getLogger("bm25s").setLevel(logging.WARNING)

FORMAT = 1
PASSAGES = "passages.jsonl"
BM25_DIR = "bm25"


def embed_text(p: Passage) -> str:
    """What is embedded: the heading path first, so a question naming a case finds its passages."""
    return f"{p.heading_path()}\n{p.text}"


def _keyword_text(p: Passage) -> str:
    return " ".join(keywords.tokens(embed_text(p)))


def _bm25_retriever(nodes):
    from llama_index.retrievers.bm25 import BM25Retriever

    # Text is pre-segmented by jieba and joined by spaces: BM25 must split on spaces only,
    # since its default \w\w+ pattern sees a whole Chinese sentence as one token.
    return BM25Retriever(nodes=nodes, skip_stemming=True, token_pattern=r"[^ ]+",
                         similarity_top_k=len(nodes))


def text_hash(p: Passage) -> str:
    """Identity of what is embedded: the same text gives the same vector under the same model."""
    return hashlib.sha1(embed_text(p).encode("utf-8")).hexdigest()


def previous_vectors(folder: Path, pg_dsn: str = "") -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """Of a complete index version: passage id -> text hash, and text hash -> vector; empty when unreadable."""
    try:
        with open(folder / PASSAGES, encoding="utf-8") as f:
            passages = [Passage.from_dict(json.loads(line)) for line in f if line.strip()]
        vectors = dense_stores.open_store(folder, read_manifest(folder) or {}, pg_dsn).vectors()
    except Exception:  # a damaged or unreachable previous version only means embedding everything again
        return {}, {}
    if len(passages) != len(vectors):
        return {}, {}
    hashes = [text_hash(p) for p in passages]
    return dict(zip((p.id for p in passages), hashes)), dict(zip(hashes, vectors))


def _vectors(passages: list[Passage], embedder: Embedder, reuse: dict[str, np.ndarray],
             batch: int, progress: bool, workers: int = 0) -> tuple[np.ndarray, int]:
    """One vector per passage, taken from reuse where its text hash is there; returns how many were reused."""
    vectors = np.zeros((len(passages), embedder.dim), np.float32)
    todo = []
    for i, p in enumerate(passages):
        known = reuse.get(text_hash(p))
        if known is None or len(known) != embedder.dim:
            todo.append(i)
        else:
            vectors[i] = known
    rows = [todo[start:start + batch] for start in range(0, len(todo), batch)]
    done = embed_batches(embedder, [[embed_text(passages[i]) for i in chunk] for chunk in rows], workers)
    if progress:
        from tqdm import tqdm

        done = tqdm(done, desc="嵌入段落 embedding", unit="批", total=len(rows))
    for chunk, embedded in zip(rows, done):
        vectors[chunk] = embedded
    return vectors, len(passages) - len(todo)


def write(passages: list[Passage], embedder: Embedder, folder: Path, manifest: dict,
          batch: int = 16, progress: bool = False, reuse: dict[str, np.ndarray] | None = None,
          vector_store: str = "faiss", pg_dsn: str = "", workers: int = 0) -> dict:
    """Embed (or reuse the vectors of unchanged texts) and write every artefact of one index version."""
    from llama_index.core.schema import TextNode

    started = time.perf_counter()
    vectors, reused = _vectors(passages, embedder, reuse or {}, batch, progress, workers)

    # Row i of the dense store is passage i of passages.jsonl.
    dense = dense_stores.create(vector_store, folder, embedder.dim, len(passages), pg_dsn)
    dense.add(vectors)
    store_entry = dense.persist(folder)

    bm25 = _bm25_retriever([TextNode(id_=p.id, text=_keyword_text(p)) for p in passages])
    (folder / BM25_DIR).mkdir()
    bm25.persist(str(folder / BM25_DIR), show_progress=False)

    with open(folder / PASSAGES, "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    manifest = dict(manifest, format=FORMAT, passages=len(passages),
                    embedding={"name": embedder.name, "dim": embedder.dim},
                    vector_store=store_entry, reused=reused, embedded=len(passages) - reused,
                    build_seconds=round(time.perf_counter() - started, 3))
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict
    passages: list[Passage]
    dense: DenseStore
    bm25: object  # BM25Retriever

    def __post_init__(self) -> None:
        self.position = {p.id: i for i, p in enumerate(self.passages)}  # BM25 returns ids, fusion needs rows
        self._bm25_rows = np.array([self.position[d["node_id"]] for d in self.bm25.corpus])

    def dense_ranking(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        return self.dense.search(query_vector, n)

    def bm25_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        """The n best keyword matches, scored by bm25s's vectorised scorer.

        BM25Retriever.retrieve turns every ranked hit into a llama-index node, which costs more than the
        scoring itself on large corpora: only the top n are taken, with argpartition.
        """
        import bm25s

        query_tokens = keywords.tokens(query)
        if not query_tokens:
            return []
        # Same tokenizer settings as the retriever's own (space-separated jieba tokens, no stemming).
        tokens = bm25s.tokenize(" ".join(query_tokens), token_pattern=self.bm25.token_pattern, stopwords="en",
                                stemmer=None, return_ids=False, show_progress=False)[0]
        if not tokens:
            return []
        scores = self.bm25.bm25.get_scores(tokens)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]  # best first; ties in corpus order, so rankings are reproducible
        return [(int(self._bm25_rows[i]), float(scores[i])) for i in top if scores[i] > 0]


def load(folder: Path, pg_dsn: str = "") -> LoadedIndex:
    """Load one version; any missing or corrupt artefact raises IndexStaleError naming it."""
    from llama_index.retrievers.bm25 import BM25Retriever

    manifest = read_manifest(folder)
    if manifest is None:
        raise IndexStaleError(f"索引清单缺失或损坏：{folder / MANIFEST}（manifest missing or corrupt）")
    try:
        with open(folder / PASSAGES, encoding="utf-8") as f:
            passages = [Passage.from_dict(json.loads(line)) for line in f if line.strip()]
        bm25 = BM25Retriever.from_persist_dir(str(folder / BM25_DIR), show_progress=False)
    except Exception as err:  # json raises ValueError, files OSError: both mean "rebuild"
        raise IndexStaleError(f"索引文件损坏或不完整：{folder}（{type(err).__name__}）（index files damaged）") from None
    dense = dense_stores.open_store(folder, manifest, pg_dsn)
    if not (len(passages) == manifest.get("passages") == len(dense)):
        raise IndexStaleError(f"索引文件互不一致：{folder}（index files disagree）")
    if dense.dim != manifest.get("embedding", {}).get("dim"):
        raise IndexStaleError(f"向量维度与清单不符：{folder}（vector dimension mismatch）")
    return LoadedIndex(folder, manifest, passages, dense, bm25)
