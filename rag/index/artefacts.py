"""Write and load every artefact of one index version: passages, dense vectors (FAISS or pgvector), the
BM25 keyword index and the manifest; a version that does not load whole is reported stale."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import IndexStaleError
from rag.index import dense as dense_stores
from rag.index.dense import DenseStore
from rag.index.embed import Embedder, embed_batches
from rag.index.keyword import KeywordIndex
from rag.index.manifest import MANIFEST, Embedding, Manifest, read_manifest, write_manifest
from rag.ingest.facts import FACTS_VERSION, Figure, table_of
from rag.passage import Passage

PASSAGES = "passages.jsonl"
BM25_DIR = "bm25"
FIGURES = "figures.jsonl"  # the figures table; its first line names the extractor version that wrote it


def embed_text(p: Passage) -> str:
    """What is embedded and keyword-indexed: the heading path first, so a question naming a case finds it."""
    return f"{p.heading_path()}\n{p.text}"


def text_hash(p: Passage) -> str:
    """Identity of what is embedded: the same text gives the same vector under the same model."""
    return hashlib.sha1(embed_text(p).encode("utf-8")).hexdigest()


def _read_passages(folder: Path) -> list[Passage]:
    with open(folder / PASSAGES, encoding="utf-8") as f:
        return [Passage.from_dict(json.loads(line)) for line in f if line.strip()]


def previous_vectors(folder: Path, pg_dsn: str = "") -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """Of a complete index version: passage id -> text hash, and text hash -> vector; empty when unreadable."""
    try:
        passages = _read_passages(folder)
        manifest = read_manifest(folder)
        vectors = dense_stores.open_store(folder, manifest.store_kind if manifest else "faiss", pg_dsn).vectors()
    except Exception:  # a damaged or unreachable previous version only means embedding everything again
        return {}, {}
    if len(passages) != len(vectors):
        return {}, {}
    hashes = [text_hash(p) for p in passages]
    return dict(zip((p.id for p in passages), hashes)), dict(zip(hashes, vectors))


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


def previous_figures(folder: Path) -> dict[str, list[Figure]]:
    """Of a complete index version: text hash -> the figures extracted from that text (empty when unreadable)."""
    try:
        passages = {p.id: text_hash(p) for p in _read_passages(folder)}
    except (OSError, ValueError):
        return {}
    rows = _read_figures(folder) or []
    known: dict[str, list[Figure]] = {h: [] for h in passages.values()} if rows else {}
    for row in rows:
        if row.passage_id in passages:
            known[passages[row.passage_id]].append(row)
    return known


def _write_figures(folder: Path, figures: list[Figure]) -> None:
    with open(folder / FIGURES, "w", encoding="utf-8") as f:
        f.write(json.dumps({"facts_version": FACTS_VERSION}) + "\n")
        for row in figures:
            f.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")


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


@dataclass(frozen=True)
class WriteOptions:
    batch: int = 16
    progress: bool = False
    vector_store: str = "faiss"
    pg_dsn: str = ""
    workers: int = 0


def write(passages: list[Passage], embedder: Embedder, folder: Path, manifest: Manifest,
          reuse: dict[str, np.ndarray] | None = None, options: WriteOptions = WriteOptions(),
          known_figures: dict[str, list[Figure]] | None = None) -> Manifest:
    """Embed (or reuse the vectors of unchanged texts) and write every artefact of one index version."""
    started = time.perf_counter()
    vectors, reused = _vectors(passages, embedder, reuse or {}, options.batch, options.progress, options.workers)

    # Row i of the dense store and of the keyword index is passage i of passages.jsonl.
    dense = dense_stores.create(options.vector_store, folder, embedder.dim, len(passages), options.pg_dsn)
    dense.add(vectors)
    store_entry = dense.persist(folder)

    (folder / BM25_DIR).mkdir()
    KeywordIndex.build([embed_text(p) for p in passages]).save(folder / BM25_DIR)

    with open(folder / PASSAGES, "w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    _write_figures(folder, table_of(passages, known_figures or {}, text_hash))
    manifest = manifest.built(passages=len(passages), embedding=Embedding(embedder.name, embedder.dim),
                              vector_store=store_entry, reused=reused, embedded=len(passages) - reused,
                              build_seconds=round(time.perf_counter() - started, 3))
    write_manifest(folder, manifest)
    return manifest


@dataclass(frozen=True)
class LoadedIndex:
    """One complete index version in memory; never changes once loaded (a new version is a new object)."""
    folder: Path
    manifest: Manifest
    passages: tuple[Passage, ...]
    dense: DenseStore
    keyword: KeywordIndex
    figures: tuple[Figure, ...] = ()  # the figures table (rag.ingest.facts)

    def dense_ranking(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        return self.dense.search(query_vector, n)

    def bm25_ranking(self, query: str, n: int) -> list[tuple[int, float]]:
        return self.keyword.ranking(query, n)


def load(folder: Path, pg_dsn: str = "") -> LoadedIndex:
    """Load one version; any missing or corrupt artefact raises IndexStaleError naming it."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise IndexStaleError(f"索引清单缺失或损坏：{folder / MANIFEST}（manifest missing or corrupt）")
    try:
        passages = tuple(_read_passages(folder))
        keyword = KeywordIndex.load(folder / BM25_DIR)
    except IndexStaleError:
        raise
    except Exception as err:  # json raises ValueError, files OSError: both mean "rebuild"
        raise IndexStaleError(f"索引文件损坏或不完整：{folder}（{type(err).__name__}）（index files damaged）") from None
    dense = dense_stores.open_store(folder, manifest.store_kind, pg_dsn)
    if not (len(passages) == manifest.passages == len(dense) == len(keyword)):
        raise IndexStaleError(f"索引文件互不一致：{folder}（index files disagree）")
    if dense.dim != manifest.embedding.dim:
        raise IndexStaleError(f"向量维度与清单不符：{folder}（vector dimension mismatch）")
    # A version written before the figures table (or by an older extractor) gets its table read now: 0.7 s for
    # 146 passages, far less than the rebuild an IndexStaleError would cause.
    figures = _read_figures(folder)
    if figures is None:
        figures = table_of(list(passages))
    return LoadedIndex(folder, manifest, passages, dense, keyword, tuple(figures))
