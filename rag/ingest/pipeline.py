"""The ingest pipeline: every corpus file read, parsed and chunked into passages, with what each document is
and which files were skipped and why; the index stage takes this result as it is."""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from rag.errors import CorpusError
from rag.ingest.chunk import chunk
from rag.ingest.corpus import Skipped, SourceText, corpus_hash, read_corpus
from rag.ingest.pdf_positions import locate
from rag.ingest.registry import DocumentRecord, printed_year, record_of  # noqa: F401  printed_year: moved there
from rag.ingest.structure import Document, parse
from rag.passage import Passage

log = logging.getLogger("rag.ingest")


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    year: int | None
    publisher: str


@dataclass(frozen=True)
class SourceInfo:
    """One indexed document: its file, how it was decoded, what it is, and how many passages it gave."""
    name: str
    encoding: str
    title: str
    year: int | None
    publisher: str
    pages: bool  # its passages cite the page they are printed on (PDF)
    passages: int
    incomplete_cases: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutlineEntry:
    """One table-of-contents line: a case, its chapter and the page it starts on."""
    chapter: str
    title: str
    page: int
    chapter_page: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Corpus:
    """What ingestion made of a corpus folder."""
    folder: Path
    digest: str  # hash of every file, taken before reading: a file edited meanwhile makes the index stale
    passages: tuple[Passage, ...]
    sources: tuple[SourceInfo, ...]
    skipped: tuple[Skipped, ...]
    outline: tuple[OutlineEntry, ...]
    documents: tuple[DocumentRecord, ...] = ()  # the registry: one record per indexed file, in source order


def document_meta(doc: Document, sidecar: dict, own_title: str = "") -> DocumentMeta:
    """title, year, publisher: the sidecar's where given, else the document's own (metadata, first pages), else
    the file name (rag.ingest.registry.record_of says where each came from)."""
    record = record_of(SourceText(doc.source, "", "", meta=sidecar, title=own_title), doc)
    return DocumentMeta(record.title, record.year, record.issuer)


def _ingest_one(src: SourceText, max_chars: int) -> tuple[Document, DocumentRecord, list[Passage]]:
    doc = parse(src.text, src.name, src.line_pages, src.continued, src.tables, src.page_labels, src.breaks)
    record = record_of(src, doc)
    doc.title = record.title
    passages = chunk(doc, max_chars, year=record.year)
    return doc, dataclasses.replace(record, findings=dataclasses.replace(record.findings, passages=len(passages))), passages


def _with_positions(path: Path, passages: list[Passage]) -> list[Passage]:
    """Each passage's page of the file and its line boxes, for the page view; without them (an unreadable text
    layer for pdfium) the passages are indexed all the same and their card shows no page."""
    try:
        return locate(path.read_bytes(), passages)
    except Exception as err:  # pdfium raises its own error types; positions are never worth losing a document
        log.warning("positions of %s not recorded: %s", path.name, err)
        return passages


def ingest(corpus_dir: Path, max_chars: int, progress: bool = False) -> Corpus:
    """Every file of the corpus folder, parsed and chunked; a file that fails is skipped with its reason."""
    digest = corpus_hash(corpus_dir)
    texts, skipped = read_corpus(corpus_dir, progress)
    passages: list[Passage] = []
    sources: list[SourceInfo] = []
    records: list[DocumentRecord] = []
    outline: list[OutlineEntry] = []
    for src in texts:
        try:
            doc, record, doc_passages = _ingest_one(src, max_chars)
        except Exception as err:  # one malformed document must not stop the others
            log.warning("parsing %s failed", src.name, exc_info=True)
            skipped.append(Skipped(src.name, f"解析失败（parse error: {type(err).__name__}: {err}）"))
            continue
        if not doc_passages:
            skipped.append(Skipped(src.name, "没有可索引的文字（no text to index）"))
            continue
        if src.encoding == "pdf":
            doc_passages = _with_positions(corpus_dir / src.name, doc_passages)
        passages += doc_passages
        outline += [OutlineEntry(**dataclasses.asdict(e), source=src.name) for e in doc.toc]
        sources.append(SourceInfo(src.name, src.encoding, record.title, record.year, record.issuer,
                                  bool(src.line_pages), len(doc_passages), tuple(doc.incomplete_cases)))
        records.append(record)
    if not passages:
        raise CorpusError(f"语料中没有可索引的文字：{corpus_dir}（nothing to index）")
    for i, p in enumerate(passages):
        p.ordinal = i
        if len(sources) > 1:
            p.extra["cite_document"] = True
    return Corpus(corpus_dir, digest, tuple(passages), tuple(sources), tuple(skipped), tuple(outline), tuple(records))
