"""Report: one corpus folder and its index folder, opened lazily, rebuilt when stale, searched."""
from __future__ import annotations

import dataclasses
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rag.index import artefacts as index_io
from rag.index import dense as dense_stores
from rag.ingest.chunk import CHUNKER_VERSION, chunk
from rag.config import Settings, load_settings
from rag.ingest.corpus import corpus_hash, read_corpus
from rag.index.embed import Embedder, make_embedder
from rag.errors import CorpusError, IndexStaleError, RagError
from rag.passage import Passage
from rag.retrieve.retriever import Retriever
from rag.index.versions import CURRENT, current_version, new_version, read_manifest
from rag.ingest.structure import Document, parse

_embedders: dict[tuple, Embedder] = {}
_embedders_lock = threading.Lock()


def shared_embedder(settings: Settings) -> Embedder:
    """One model per process and configuration: loading it twice only costs memory."""
    key = (settings.embed_backend, settings.embed_model)
    with _embedders_lock:
        if key not in _embedders:
            _embedders[key] = make_embedder(settings.embed_backend, settings.embed_model)
        return _embedders[key]


@dataclass
class BuildResult:
    passages: int
    seconds: float
    model: str
    skipped: list[dict]
    folder: Path
    # Against the version it replaces, by passage id: new, text changed, gone; and vectors reused / computed.
    added: int = 0
    changed: int = 0
    removed: int = 0
    reused: int = 0
    embedded: int = 0


def document_meta(doc: Document, sidecar: dict) -> dict:
    """title, year, publisher: the sidecar's where given, else read from the document's own cover."""
    title = sidecar.get("title") or doc.title or doc.source
    year = re.search(r"(?:19|20)\d{2}(?=年)", title) or re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", title)
    return {"title": title, "year": sidecar.get("year", int(year.group(0)) if year else None),
            "publisher": sidecar.get("publisher") or doc.publisher}


class Report:
    """The object API; rag.search/rag.build use a default one over ./corpus and ./index."""

    def __init__(self, corpus_dir: str | Path | None = None, index_dir: str | Path | None = None,
                 settings: Settings | None = None, embedder: Embedder | None = None,
                 auto_rebuild: bool = True):
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
    def parse_corpus(self) -> tuple[list[Passage], dict]:
        """Every file of the corpus folder, parsed and chunked; skipped files are listed, not fatal."""
        digest = corpus_hash(self.settings.corpus_dir)  # before reading: a file edited meanwhile means stale
        texts, skipped = read_corpus(self.settings.corpus_dir)
        passages: list[Passage] = []
        sources, outline = [], []
        skipped = [dataclasses.asdict(s) for s in skipped]
        for src in texts:
            try:
                doc = parse(src.text, src.name, src.line_pages, src.continued)
                meta = document_meta(doc, src.meta)
                doc.title = meta["title"]
                doc_passages = chunk(doc, self.settings.chunk_max_chars, year=meta["year"])
            except Exception as err:  # one malformed document must not stop the others
                skipped.append({"name": src.name, "reason": f"解析失败（parse error: {type(err).__name__}）"})
                continue
            if not doc_passages:
                skipped.append({"name": src.name, "reason": "没有可索引的文字（no text to index）"})
                continue
            passages += doc_passages
            outline += [dataclasses.asdict(e) | {"source": src.name} for e in doc.toc]
            sources.append({"name": src.name, "encoding": src.encoding, **meta, "pages": bool(src.line_pages),
                            "passages": len(doc_passages), "incomplete_cases": doc.incomplete_cases})
        if not passages:
            raise CorpusError(f"语料中没有可索引的文字：{self.settings.corpus_dir}（nothing to index）")
        for i, p in enumerate(passages):
            p.ordinal = i
            if len(sources) > 1:
                p.extra["cite_document"] = True
        manifest = {
            "chunker_version": CHUNKER_VERSION,
            "chunk_max_chars": self.settings.chunk_max_chars,
            "corpus_hash": digest,
            "corpus_dir": str(self.settings.corpus_dir),
            "sources": sources,
            "skipped": skipped,
            "outline": outline,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        return passages, manifest

    def build(self, progress: bool = False) -> BuildResult:
        """Write a new index version, embedding only passages whose embedded text is not in the current one."""
        started = time.perf_counter()
        passages, manifest = self.parse_corpus()
        previous = current_version(self.settings.index_dir)
        old_ids, reuse = {}, {}
        if previous is not None and not self._model_reasons(read_manifest(previous)):
            old_ids, reuse = index_io.previous_vectors(previous, self.settings.pg_dsn)
        with new_version(self.settings.index_dir, release=self._release) as folder:
            manifest = index_io.write(passages, self.embedder, folder, manifest, batch=self.settings.embed_batch,
                                      progress=progress, reuse=reuse, vector_store=self.settings.vector_store,
                                      pg_dsn=self.settings.pg_dsn, workers=self.settings.embed_workers)
        with self._lock:
            self._retriever = None  # next search opens the new version
        version = current_version(self.settings.index_dir) or folder
        new_ids = {p.id: index_io.text_hash(p) for p in passages}
        return BuildResult(
            len(passages), round(time.perf_counter() - started, 2), manifest["embedding"]["name"],
            manifest["skipped"], version,
            added=len(new_ids.keys() - old_ids.keys()),
            changed=sum(1 for i, h in new_ids.items() if i in old_ids and old_ids[i] != h),
            removed=len(old_ids.keys() - new_ids.keys()),
            reused=manifest["reused"], embedded=manifest["embedded"],
        )

    def _release(self, folder: Path) -> None:
        dense_stores.release(folder, self.settings.pg_dsn)

    # -- opening ---------------------------------------------------------------
    def stale_reasons(self, manifest: dict | None) -> list[str]:
        """Why the index on disk cannot serve this corpus and model; empty when it can."""
        if manifest is None:
            return ["尚未建立索引（no index yet）"]
        reasons = self._model_reasons(manifest)
        if manifest.get("corpus_hash") != corpus_hash(self.settings.corpus_dir):
            reasons.append("语料文件已改变（corpus changed）")
        if dense_stores.store_kind(manifest) != self.settings.vector_store:
            reasons.append(f"向量库设置已改变：索引在 {dense_stores.store_kind(manifest)}，当前为 "
                           f"{self.settings.vector_store}（vector store changed）")
        return reasons

    def _model_reasons(self, manifest: dict | None) -> list[str]:
        """Why vectors and passages of that index cannot be reused at all (a full rebuild), whatever the corpus."""
        if manifest is None:
            return ["尚未建立索引（no index yet）"]
        reasons = []
        if manifest.get("format") != index_io.FORMAT or manifest.get("chunker_version") != CHUNKER_VERSION:
            reasons.append("切分程序版本已更新（chunker changed）")
        if manifest.get("chunk_max_chars") != self.settings.chunk_max_chars:
            reasons.append("段落长度设置已改变（chunk size changed）")
        embedding = manifest.get("embedding", {})
        if embedding.get("name") != self.embedder.name or embedding.get("dim") != self.embedder.dim:
            reasons.append(f"嵌入模型不同：索引用 {embedding.get('name')}，当前为 {self.embedder.name}（embedding model changed）")
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
                loaded = index_io.load(version, self.settings.pg_dsn)
            except IndexStaleError as err:
                reasons = [str(err)]
        if reasons:
            if not self.auto_rebuild:
                raise IndexStaleError(f"索引需要重建：{'；'.join(reasons)}。请运行 python -m rag index（index is stale）")
            print(f"正在重建索引：{'；'.join(reasons)}", file=sys.stderr)
            self.build(progress=sys.stderr.isatty())
            loaded = index_io.load(current_version(self.settings.index_dir), self.settings.pg_dsn)
        return Retriever(loaded, self.embedder, self.settings.rrf_k, self.settings.candidates)

    def retriever(self) -> Retriever:
        """The open index; switches to a newer complete version as soon as one is published."""
        stamp = self._stamp()
        with self._lock:
            if self._retriever is None or stamp != self._current_stamp:
                self._retriever = self._open()
                self._current_stamp = self._stamp()
            return self._retriever

    # -- reading -----------------------------------------------------------------
    def search(self, query: str, k: int = 5, case: str | None = None, chapter: str | None = None,
               kind: str | None = None, mode: str = "hybrid", document: str | None = None,
               year: int | None = None) -> list[Passage]:
        return self.retriever().search(query, k=k, case=case, chapter=chapter, kind=kind, mode=mode,
                                       document=document, year=year)

    def passages(self) -> list[Passage]:
        return list(self.retriever().index.passages)

    def outline(self) -> list[dict]:
        """Chapters and cases with their start pages, from the tables of contents."""
        return list(self.retriever().index.manifest.get("outline", []))

    def manifest(self) -> dict:
        return dict(self.retriever().index.manifest)


__all__ = ["Report", "BuildResult", "RagError"]
