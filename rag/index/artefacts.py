"""Write and load every artefact of one index version: passages, dense vectors (FAISS or pgvector), the
BM25 keyword index and the manifest, or for Milvus one collection holding passages, vectors and BM25; the
seam the retriever searches through (RowFilter, Candidate); a version that does not load whole is stale."""
from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.errors import IndexStaleError
from rag.index import dense as dense_stores
from rag.index.dense import DenseStore, StoreAddress
from rag.index.embed import Embedder, embed_batches
from rag.index.keyword import KeywordIndex
from rag.index.manifest import MANIFEST, Embedding, Manifest, read_manifest, write_manifest
from rag.index.rows import Candidate, RowFilter  # noqa: F401  the retriever's seam, re-exported
from rag.ingest.facts import FACTS_VERSION, Figure, table_of
from rag.passage import Passage

if TYPE_CHECKING:
    from rag.index.milvus import MilvusIndex

PASSAGES = "passages.jsonl"
BM25_DIR = "bm25"
FIGURES = "figures.jsonl"  # the figures table; its first line names the extractor version that wrote it
FACETS = "facets.json"  # the distinct cases, chapters and documents: what filters and case names resolve against


def embed_text(p: Passage) -> str:
    """What is embedded and keyword-indexed: the heading path first, so a question naming a case finds it."""
    return f"{p.heading_path()}\n{p.text}"


def text_hash(p: Passage) -> str:
    """Identity of what is embedded: the same text gives the same vector under the same model."""
    return hashlib.sha1(embed_text(p).encode("utf-8")).hexdigest()


def _read_passages(folder: Path) -> list[Passage]:
    with open(folder / PASSAGES, encoding="utf-8") as f:
        return [Passage.from_dict(json.loads(line)) for line in f if line.strip()]


def _store_kind(folder: Path) -> str:
    manifest = read_manifest(folder)
    return manifest.store_kind if manifest else "faiss"


def _hashes(folder: Path, where: str | StoreAddress) -> list[tuple[str, str]]:
    """(passage id, text hash) of every passage of a version, in row order: Milvus keeps them in its collection."""
    if _store_kind(folder) == "milvus":
        return dense_stores.open_store(folder, "milvus", where).hashes()
    return [(p.id, text_hash(p)) for p in _read_passages(folder)]


def previous_vectors(folder: Path, where: str | StoreAddress = "") -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """Of a complete index version: passage id -> text hash, and text hash -> vector; empty when unreadable.
    where: the pg_dsn, or the StoreAddress of every store."""
    try:
        kind = _store_kind(folder)
        store = dense_stores.open_store(folder, kind, where)
        if kind == "milvus":  # ids, hashes and vectors read together, page by page, from the previous collection
            ids, hashes, vectors = store.hashed_vectors()
        else:
            passages = _read_passages(folder)
            ids, hashes, vectors = [p.id for p in passages], [text_hash(p) for p in passages], store.vectors()
    except Exception:  # a damaged or unreachable previous version only means embedding everything again
        return {}, {}
    if len(ids) != len(vectors):
        return {}, {}
    return dict(zip(ids, hashes)), dict(zip(hashes, vectors))


def _read_figures(folder: Path) -> list[Figure] | None:
    """The figures table of a version, or None when it is missing or was written by another extractor version."""
    try:
        with open(folder / FIGURES, encoding="utf-8") as f:
            head = json.loads(f.readline() or "{}")
            if head.get("facts_version") != FACTS_VERSION:
                return None
            return [Figure.from_dict(json.loads(line)) for line in f if line.strip()]
    except (OSError, ValueError, TypeError):
        return None


def previous_figures(folder: Path, where: str | StoreAddress = "") -> dict[str, list[Figure]]:
    """Of a complete index version: text hash -> the figures extracted from that text (empty when unreadable)."""
    try:
        passages = dict(_hashes(folder, where))
    except Exception:  # OSError, ValueError; for Milvus an unreachable engine: extract the figures again
        return {}
    rows = _read_figures(folder) or []
    # One passage's rows per text: two passages printing the same text (a table's header repeated on each page)
    # each held both one's rows, so every rebuild doubled them (8,192 copies of one row in a 296-page report after
    # 13 rebuilds, 709,600 rows, a minute a question).
    first: dict[str, str] = {}
    for passage_id, text in passages.items():
        first.setdefault(text, passage_id)
    known: dict[str, list[Figure]] = {h: [] for h in first} if rows else {}
    for row in rows:
        text = passages.get(row.passage_id)
        if text is not None and first[text] == row.passage_id:
            known[text].append(row)
    return known


def _write_figures(folder: Path, figures: list[Figure]) -> None:
    with open(folder / FIGURES, "w", encoding="utf-8") as f:
        f.write(json.dumps({"facts_version": FACTS_VERSION}) + "\n")
        for row in figures:
            f.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")


def _vectors(passages: list[Passage], embedder: Embedder, reuse: dict[str, np.ndarray],
             batch: int, progress: bool, workers: int = 0, engine: str = "local", ray_address: str = "",
             work_dir: Path | None = None) -> tuple[np.ndarray, int]:
    """One vector per passage, taken from reuse where its text hash is there; returns how many were reused. The rest
    are embedded here (engine local) or by a Ray Data job (engine ray; its results cached under work_dir)."""
    vectors = np.zeros((len(passages), embedder.dim), np.float32)
    todo = []
    for i, p in enumerate(passages):
        known = reuse.get(text_hash(p))
        if known is None or len(known) != embedder.dim:
            todo.append(i)
        else:
            vectors[i] = known
    if engine == "ray" and todo:
        _embed_by_ray(passages, todo, vectors, embedder, batch, progress, workers, ray_address, work_dir)
        return vectors, len(passages) - len(todo)
    rows = [todo[start:start + batch] for start in range(0, len(todo), batch)]
    done = embed_batches(embedder, [[embed_text(passages[i]) for i in chunk] for chunk in rows], workers)
    if progress:
        from tqdm import tqdm

        done = tqdm(done, desc="嵌入段落 embedding", unit="批", total=len(rows))
    for chunk, embedded in zip(rows, done):
        vectors[chunk] = embedded
    return vectors, len(passages) - len(todo)


def _embed_by_ray(passages: list[Passage], todo: list[int], vectors: np.ndarray, embedder: Embedder, batch: int,
                  progress: bool, actors: int, ray_address: str, work_dir: Path | None) -> None:
    """Fill vectors[todo] from a Ray Data job; a text that several passages share is sent once."""
    from rag.index import embed_job

    hashes = [text_hash(passages[i]) for i in todo]
    texts = {h: embed_text(passages[i]) for h, i in zip(hashes, todo)}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc="嵌入段落 embedding (Ray)", unit="段", total=len(texts))
    try:
        found, _sent = embed_job.embed(embedder, texts, batch=batch, actors=actors, ray_address=ray_address,
                                       work_dir=work_dir, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    vectors[todo] = np.stack([found[h] for h in hashes])


@dataclass(frozen=True)
class WriteOptions:
    batch: int = 16
    progress: bool = False
    vector_store: str = "faiss"
    pg_dsn: str = ""
    workers: int = 0
    engine: str = "local"  # embed_engine: "ray" sends the texts to embed to a Ray Data job (rag.index.embed_job)
    ray_address: str = ""  # empty: RAY_ADDRESS, else a Ray started in this machine for the job


def write(passages: list[Passage], embedder: Embedder, folder: Path, manifest: Manifest,
          reuse: dict[str, np.ndarray] | None = None, options: WriteOptions = WriteOptions(),
          known_figures: dict[str, list[Figure]] | None = None, where: StoreAddress | None = None) -> Manifest:
    """Embed (or reuse the vectors of unchanged texts) and write every artefact of one index version.
    where: the stores outside the folder (pgvector, Milvus); by default the pg_dsn of options."""
    started = time.perf_counter()
    vectors, reused = _vectors(passages, embedder, reuse or {}, options.batch, options.progress, options.workers,
                               options.engine, options.ray_address, folder.parent)

    # Row i of the dense store and of the keyword index is passage i of passages.jsonl.
    where = where or StoreAddress(pg_dsn=options.pg_dsn)
    dense = dense_stores.create(options.vector_store, folder, embedder.dim, len(passages), where)
    if options.vector_store == "milvus":
        # One collection holds passages, vectors and the BM25 field the engine derives: no passages.jsonl and no
        # bm25/ here, so that nothing of the corpus is read from the folder when searching.
        dense.add_passages(passages, vectors, [embed_text(p) for p in passages], [text_hash(p) for p in passages])
        store_entry = dense.persist(folder)
    else:
        dense.add(vectors)
        store_entry = dense.persist(folder)
        (folder / BM25_DIR).mkdir()
        KeywordIndex.build([embed_text(p) for p in passages]).save(folder / BM25_DIR)
        with open(folder / PASSAGES, "w", encoding="utf-8") as f:
            for p in passages:
                f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    Facets.of(passages).write(folder)
    _write_figures(folder, table_of(passages, known_figures or {}, text_hash))
    manifest = manifest.built(passages=len(passages), embedding=Embedding(embedder.name, embedder.dim),
                              vector_store=store_entry, reused=reused, embedded=len(passages) - reused,
                              build_seconds=round(time.perf_counter() - started, 3))
    write_manifest(folder, manifest)
    return manifest


@dataclass(frozen=True)
class Facets:
    """The distinct metadata values of one version, small (a few KB), kept in memory by every store: filters by
    chapter or document name and the case names a question may use are resolved against them into exact values,
    so that an engine can filter on its own (rag/retrieve/retriever.py)."""
    cases: tuple[str, ...] = ()  # in passage order: the retriever's case names follow it
    chapters: tuple[str, ...] = ()
    documents: tuple[tuple[str, str], ...] = ()  # (source file, document title)

    @classmethod
    def of(cls, passages: Sequence[Passage]) -> Facets:
        first = lambda values: tuple(dict.fromkeys(values))  # noqa: E731  distinct, in order
        return cls(first(p.case for p in passages if p.case), first(p.chapter for p in passages),
                   first((p.source, p.document) for p in passages))

    def write(self, folder: Path) -> None:
        data = {"cases": self.cases, "chapters": self.chapters, "documents": self.documents}
        (folder / FACETS).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Facets:
        try:
            data = json.loads((folder / FACETS).read_text(encoding="utf-8"))
            return cls(tuple(map(str, data["cases"])), tuple(map(str, data["chapters"])),
                       tuple((str(s), str(d)) for s, d in data["documents"]))
        except (OSError, ValueError, KeyError, TypeError):
            raise IndexStaleError(f"索引文件损坏或不完整：{folder / FACETS}（index files damaged）") from None


class EnginePassages(Sequence[Passage]):
    """The passages of a Milvus version, not in memory: only a feature that reads the whole corpus (the
    answerer's word weights and contents, report.passages()) makes this fetch them, once, from the engine.
    Searches, passage(id) and filters never do."""

    def __init__(self, engine: MilvusIndex, n: int) -> None:
        self._engine, self._n = engine, n
        self._all: tuple[Passage, ...] | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._all is not None

    def _passages(self) -> tuple[Passage, ...]:
        with self._lock:
            if self._all is None:
                self._all = tuple(self._engine.all_passages())
            return self._all

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        return self._passages()[i]

    def __iter__(self) -> Iterator[Passage]:
        return iter(self._passages())


@dataclass(frozen=True)
class LoadedIndex:
    """One complete index version; never changes once loaded (a new version is a new object). FAISS and
    pgvector: passages and BM25 in memory, fused here by the retriever. Milvus: `engine` searches, passages stay
    in the collection (EnginePassages), keyword is None; what is kept in memory is the manifest (with the
    outline), the figures table and the facets."""
    folder: Path
    manifest: Manifest
    passages: Sequence[Passage]
    dense: DenseStore
    keyword: KeywordIndex | None
    figures: tuple[Figure, ...] = ()  # the figures table (rag.ingest.facts)
    facets: Facets = field(default_factory=Facets)
    engine: MilvusIndex | None = None  # hybrid search, fusion and filters in the engine

    def dense_ranking(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        return self.dense.search(query_vector, n)

    def bm25_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        return self.keyword.ranking(query, n)


def load(folder: Path, where: str | StoreAddress = "") -> LoadedIndex:
    """Load one version; any missing or corrupt artefact raises IndexStaleError naming it. where: the pg_dsn,
    or the StoreAddress of every store."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise IndexStaleError(f"索引清单缺失或损坏：{folder / MANIFEST}（manifest missing or corrupt）")
    if manifest.store_kind == "milvus":
        return _load_engine(folder, manifest, where)
    try:
        passages = tuple(_read_passages(folder))
        keyword = KeywordIndex.load(folder / BM25_DIR)
    except IndexStaleError:
        raise
    except Exception as err:  # json raises ValueError, files OSError: both mean "rebuild"
        raise IndexStaleError(f"索引文件损坏或不完整：{folder}（{type(err).__name__}）（index files damaged）") from None
    dense = dense_stores.open_store(folder, manifest.store_kind, where)
    if not (len(passages) == manifest.passages == len(dense) == len(keyword)):
        raise IndexStaleError(f"索引文件互不一致：{folder}（index files disagree）")
    if dense.dim != manifest.embedding.dim:
        raise IndexStaleError(f"向量维度与清单不符：{folder}（vector dimension mismatch）")
    # A version written before the figures table (or by an older extractor) gets its table read now: 0.7 s for
    # 146 passages, far less than the rebuild an IndexStaleError would cause.
    figures = _read_figures(folder)
    if figures is None:
        figures = table_of(list(passages))
    return LoadedIndex(folder, manifest, passages, dense, keyword, tuple(figures), Facets.of(passages))


def _load_engine(folder: Path, manifest: Manifest, where: str | StoreAddress) -> LoadedIndex:
    """A Milvus version: its collection checked whole (every row there), nothing of the corpus read."""
    engine = dense_stores.open_store(folder, "milvus", where)
    facets, figures = Facets.read(folder), _read_figures(folder)
    if figures is None:
        raise IndexStaleError(f"索引文件损坏或不完整：{folder / FIGURES}（index files damaged）")
    if len(engine) != manifest.passages:
        raise IndexStaleError(f"Milvus 集合与清单不一致：{folder}（collection and manifest disagree）")
    if engine.dim != manifest.embedding.dim:
        raise IndexStaleError(f"向量维度与清单不符：{folder}（vector dimension mismatch）")
    return LoadedIndex(folder, manifest, EnginePassages(engine, manifest.passages), engine, None, tuple(figures),
                       facets, engine)
