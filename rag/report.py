"""Report: one corpus folder and its index folder — build the index, open its current version, search it."""
from __future__ import annotations

import dataclasses
import logging
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rag.config import Settings, load_settings
from rag.errors import CorpusError, IndexStaleError, PageError, RagError
from rag.index import artefacts as index_io, dense as dense_stores, pages
from rag.index.embed import Embedder, make_embedder
from rag.index.manifest import FORMAT, Manifest, read_manifest
from rag.index.versions import CURRENT, build_lock, current_version, new_version
from rag.ingest.chunk import CHUNKER_VERSION
from rag.ingest.corpus import Skipped, corpus_hash
from rag.ingest.facts import Figure
from rag.ingest.pipeline import OutlineEntry, ingest
from rag.ingest.registry import DocumentAudit, DocumentRecord, audit
from rag.passage import Passage
from rag.retrieve.retriever import Filters, Hit, Retriever

log = logging.getLogger("rag.report")

_embedders: dict[tuple, Embedder] = {}
_embedders_lock = threading.Lock()


def shared_embedder(settings: Settings) -> Embedder:
    """One model per process and configuration: loading it twice only costs memory."""
    key = (settings.embed_backend, settings.embed_model)
    with _embedders_lock:
        if key not in _embedders:
            _embedders[key] = make_embedder(settings.embed_backend, settings.embed_model)
        return _embedders[key]


@dataclass(frozen=True)
class BuildResult:
    passages: int
    seconds: float
    model: str
    skipped: tuple[Skipped, ...]
    folder: Path
    # Against the version it replaces, by passage id: new, text changed, gone; and vectors reused / computed.
    added: int = 0
    changed: int = 0
    removed: int = 0
    reused: int = 0
    embedded: int = 0


class Report:
    """The object API; rag.search/rag.build use a default one over ./corpus and ./index.

    Opening a missing or stale index raises IndexStaleError, unless the caller asked for a rebuild
    with auto_rebuild=True (the command line and the web app do; a library search never re-embeds by surprise).
    """

    def __init__(self, corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
                 settings: Settings | None = None, embedder: Embedder | None = None,
                 auto_rebuild: bool = False):
        settings = settings or load_settings()
        if corpus_dir is not None:
            settings = dataclasses.replace(settings, corpus_dir=Path(corpus_dir))
        if index_dir is not None:
            settings = dataclasses.replace(settings, index_dir=Path(index_dir))
        self.settings = settings
        self.auto_rebuild = auto_rebuild
        self._embedder = embedder
        self._lock = threading.RLock()
        self._retriever: Retriever | None = None
        self._current_stamp = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = shared_embedder(self.settings)
        return self._embedder

    # -- building --------------------------------------------------------------
    def build(self, progress: bool = False, reuse_from: tuple[Path, ...] = ()) -> BuildResult:
        """Write a new index version, embedding only passages whose embedded text is not in the current one (nor in
        the current versions of the index folders reuse_from: a library built of documents indexed alone before)."""
        started = time.perf_counter()
        corpus = ingest(self.settings.corpus_dir, self.settings.chunk_max_chars, progress)
        passages = list(corpus.passages)
        manifest = Manifest.of(corpus, CHUNKER_VERSION, self.settings.chunk_max_chars)
        previous = current_version(self.settings.index_dir)
        old_ids, reuse, known_figures = {}, {}, {}
        if previous is not None and not self._model_reasons(read_manifest(previous)):
            old_ids, reuse = index_io.previous_vectors(previous, self.address)
            known_figures = index_io.previous_figures(previous, self.address)
        for other in reuse_from:  # the same model's vectors only, by the embedded text's hash
            version = current_version(Path(other))
            if version is not None and not self._model_reasons(read_manifest(version)):
                reuse = {**index_io.previous_vectors(version, self.address)[1], **reuse}
        options = index_io.WriteOptions(batch=self.settings.embed_batch, progress=progress,
                                        vector_store=self.settings.vector_store, pg_dsn=self.settings.pg_dsn,
                                        workers=self.settings.embed_workers, engine=self.settings.embed_engine,
                                        ray_address=self.settings.ray_address)
        with new_version(self.settings.index_dir, release=self._release) as folder:
            manifest = index_io.write(passages, self.embedder, folder, manifest, reuse=reuse, options=options,
                                      known_figures=known_figures, where=self.address)
        self._publish()
        with self._lock:
            self._retriever = None  # next search opens the new version
        new_ids = {p.id: index_io.text_hash(p) for p in passages}
        return BuildResult(
            len(passages), round(time.perf_counter() - started, 2), manifest.embedding.name, manifest.skipped,
            current_version(self.settings.index_dir) or folder,
            added=len(new_ids.keys() - old_ids.keys()),
            changed=sum(1 for i, h in new_ids.items() if i in old_ids and old_ids[i] != h),
            removed=len(old_ids.keys() - new_ids.keys()),
            reused=manifest.reused, embedded=manifest.embedded,
        )

    @property
    def address(self) -> dense_stores.StoreAddress:
        """Where the stores outside the index folder are (pgvector, Milvus), secrets included, never printed."""
        return dense_stores.StoreAddress(self.settings.pg_dsn, self.settings.milvus_uri, self.settings.milvus_token)

    def _release(self, folder: Path) -> None:
        dense_stores.release(folder, self.address)

    def _publish(self) -> None:
        """Point the engine's alias (Milvus) at the version CURRENT names, under the build lock: a build that
        finished later has its own version published, never an older one. The product's readers follow CURRENT;
        the alias is for other readers of the engine. A failure leaves the alias on the previous complete version
        (the next build moves it) and is logged, not raised: the new version is already current."""
        index_dir = self.settings.index_dir
        try:
            with build_lock(index_dir):
                dense_stores.publish(index_dir, current_version(index_dir), self.address)
        except RagError as err:
            log.warning("Milvus 别名未切换，仍指向上一版本：%s", err)

    # -- opening ---------------------------------------------------------------
    def stale_reasons(self, manifest: Manifest | None) -> list[str]:
        """Why the index on disk cannot serve this corpus and model; empty when it can."""
        if manifest is None:
            return ["尚未建立索引（no index yet）"]
        reasons = self._model_reasons(manifest)
        if manifest.corpus_hash != corpus_hash(self.settings.corpus_dir):
            reasons.append("语料文件已改变（corpus changed）")
        if manifest.store_kind != self.settings.vector_store:
            reasons.append(f"向量库设置已改变：索引在 {manifest.store_kind}，当前为 "
                           f"{self.settings.vector_store}（vector store changed）")
        return reasons

    def _model_reasons(self, manifest: Manifest | None) -> list[str]:
        """Why vectors and passages of that index cannot be reused at all (a full rebuild), whatever the corpus."""
        if manifest is None:
            return ["尚未建立索引（no index yet）"]
        reasons = []
        if manifest.format != FORMAT or manifest.chunker_version != CHUNKER_VERSION:
            reasons.append("切分程序版本已更新（chunker changed）")
        if manifest.chunk_max_chars != self.settings.chunk_max_chars:
            reasons.append("段落长度设置已改变（chunk size changed）")
        if manifest.embedding.name != self.embedder.name or manifest.embedding.dim != self.embedder.dim:
            reasons.append(f"嵌入模型不同：索引用 {manifest.embedding.name}，当前为 {self.embedder.name}（embedding model changed）")
        return reasons

    def _stamp(self):
        try:
            stat = (self.settings.index_dir / CURRENT).stat()
            return (stat.st_mtime_ns, stat.st_ino, stat.st_size)
        except OSError:
            return None

    def _open(self) -> Retriever:
        version = current_version(self.settings.index_dir)
        loaded = None
        try:
            # The manifest is checked before any artefact is read: a mismatched index is never used.
            reasons = self.stale_reasons(read_manifest(version) if version else None)
        except CorpusError as err:
            raise IndexStaleError(f"索引无法核对也无法重建：{err}") from None
        if not reasons:
            try:
                loaded = index_io.load(version, self.address)
            except IndexStaleError as err:
                reasons = [str(err)]
        if reasons:
            if not self.auto_rebuild:
                raise IndexStaleError(f"索引需要重建：{'；'.join(reasons)}。请运行 python -m rag index（index is stale）")
            log.warning("正在重建索引：%s", "；".join(reasons))
            self.build(progress=sys.stderr.isatty())
            loaded = index_io.load(current_version(self.settings.index_dir), self.address)
        return Retriever(loaded, self.embedder, self.settings.rrf_k, self.settings.candidates)

    def retriever(self) -> Retriever:
        """A snapshot of the current index version: use one for everything one request does. The next call
        returns a newer snapshot as soon as a newer complete version is published."""
        stamp = self._stamp()
        with self._lock:
            if self._retriever is None or stamp != self._current_stamp:
                self._retriever = self._open()
                self._current_stamp = self._stamp()
            return self._retriever

    # -- reading -----------------------------------------------------------------
    def search(self, query: str, k: int = 5, case: str | None = None, chapter: str | None = None,
               kind: str | None = None, mode: str = "hybrid", document: str | None = None,
               year: int | None = None, sources: tuple[str, ...] | None = None) -> list[Hit]:
        """Passages that answer the question, best first: each Hit is its passage (citation, text…) and scores;
        sources keeps only the passages of those corpus files (Passage.source, exactly)."""
        filters = Filters(case=case, chapter=chapter, kind=kind, document=document, year=year, sources=sources)
        return self.retriever().search(query, k=k, filters=filters, mode=mode)

    def figures(self, query: str | None = None, case: str | None = None, chapter: str | None = None,
                document: str | None = None, year: int | None = None,
                sources: tuple[str, ...] | None = None) -> list[Figure]:
        """Rows of the figures table: every figure printed in the index, with its label, subject, period and
        citation; query keeps the rows whose label, sentence or headings hold all its words."""
        return self.retriever().figures.select(query, case=case, chapter=chapter, document=document, year=year,
                                               sources=sources)

    def passages(self) -> list[Passage]:
        return list(self.retriever().passages)

    def outline(self) -> list[OutlineEntry]:
        """Chapters and cases with their start pages, from the tables of contents."""
        return list(self.retriever().outline)

    def manifest(self) -> Manifest:
        return self.retriever().index.manifest

    def documents(self) -> list[DocumentRecord]:
        """The document registry of the current version: per file its title, issuer, kind, year, region, short
        names and pages, and where each came from (rag.ingest.registry.DocumentRecord)."""
        return list(self.manifest().registry())

    def audit(self) -> list[DocumentAudit]:
        """Per document what ingestion found (pages, printed page numbers, headings, tables, passages), its rows
        of the figures table, and what looks wrong (rag.ingest.registry.problems)."""
        snapshot = self.retriever()
        return audit(snapshot.index.manifest.registry(), snapshot.index.figures)

    def index_version(self) -> str:
        """The version answering now and when it was built: v-20261201-101500-… · 2026-12-01T10:15:00+0800."""
        index = self.retriever().index
        return f"{index.folder.name} · {index.manifest.built_at}"

    # -- printed pages -------------------------------------------------------------
    def passage(self, passage_id: str) -> Passage:
        """The passage with that id in the current version; PageError (one line) when there is none."""
        try:
            return self.retriever().passage(str(passage_id))
        except KeyError:
            raise PageError(f"找不到编号为 {str(passage_id)[:80]!r} 的段落：索引中没有它，或索引已更新"
                            "（unknown passage id）") from None

    def page_problem(self, passage: Passage) -> str:
        """Why the passage's printed page cannot be shown (its one-line message), or "" when it can."""
        try:
            pages.check(self.settings.corpus_dir, passage)
        except PageError as err:
            return str(err)
        return ""

    def pdf_file(self, passage_id: str) -> Path:
        """The corpus PDF that prints the passage (never a file outside the corpus); PageError when there is none."""
        passage = self.passage(passage_id)
        pages.check(self.settings.corpus_dir, passage)
        return pages.pdf_path(self.settings.corpus_dir, passage)

    def page_image(self, passage_id: str, width: int | None = None) -> bytes:
        """PNG of the page that prints the passage, its lines highlighted, width pixels wide (default page_width),
        rendered once per version and width; PageError when it has none (not a PDF, the PDF removed, …)."""
        snapshot = self.retriever()
        passage = self.passage(passage_id)
        size = pages.clamp_width(width, self.settings.page_width)
        return pages.cached_page(snapshot.index.folder, self.settings.corpus_dir, passage, size)


__all__ = ["Report", "BuildResult", "RagError", "DocumentRecord", "DocumentAudit"]
