"""The ingest pipeline: every corpus file read, parsed and chunked into passages, with what each document is
and which files were skipped and why; the index stage takes this result as it is."""
from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from rag.errors import CorpusError
from rag.ingest.chunk import chunk
from rag.ingest.corpus import Skipped, SourceText, corpus_hash, read_corpus
from rag.ingest.pdf_positions import locate
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


def document_meta(doc: Document, sidecar: dict, own_title: str = "") -> DocumentMeta:
    """title, year, publisher: the sidecar's where given, else the document's own (metadata, cover)."""
    title = sidecar.get("title") or own_title or doc.title or doc.source
    cover = "\n".join(b.text for b in doc.blocks if b.kind == "cover")
    year = next((y for text in (title, cover) if (y := printed_year(text))), None)
    return DocumentMeta(title, sidecar.get("year", year), sidecar.get("publisher") or doc.publisher)


_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_CN_NUMBER = {"十": 10, "百": 100}


def _cn_int(text: str) -> int | None:
    """一百十三 -> 113, 二〇二四 -> 2024 (digit by digit when there is no 十/百)."""
    if not any(c in _CN_NUMBER for c in text):
        digits = "".join(_CN_DIGITS.get(c, "") for c in text)
        return int(digits) if len(digits) == len(text) else None
    total, current = 0, 0
    for c in text:
        if c in _CN_NUMBER:
            total += (current or 1) * _CN_NUMBER[c]
            current = 0
        elif c in _CN_DIGITS:
            current = int(_CN_DIGITS[c])
        else:
            return None
    return total + current


def printed_year(text: str) -> int | None:
    """The year a title or cover prints: 2024年, 二〇二四年, 中華民國113年 / 民國一百十三年 (+1911), else a bare 2024."""
    roc = re.search(r"民[國国]\s*([\d一二三四五六七八九十百〇零]{2,5})\s*年", text)
    if roc:
        value = int(roc.group(1)) if roc.group(1).isdigit() else _cn_int(roc.group(1))
        return value + 1911 if value else None
    for pattern in (r"((?:19|20)\d{2})(?=\s*年)", r"([一二][〇零一二三四五六七八九]{3})(?=年)", r"(?<!\d)((?:19|20)\d{2})(?!\d)"):
        m = re.search(pattern, text)
        if m:
            return int(m.group(1)) if m.group(1).isdigit() else _cn_int(m.group(1))
    return None


def _ingest_one(src: SourceText, max_chars: int) -> tuple[Document, DocumentMeta, list[Passage]]:
    doc = parse(src.text, src.name, src.line_pages, src.continued, src.tables, src.page_labels, src.breaks)
    meta = document_meta(doc, src.meta, src.title)
    doc.title = meta.title
    return doc, meta, chunk(doc, max_chars, year=meta.year)


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
    outline: list[OutlineEntry] = []
    for src in texts:
        try:
            doc, meta, doc_passages = _ingest_one(src, max_chars)
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
        sources.append(SourceInfo(src.name, src.encoding, meta.title, meta.year, meta.publisher,
                                  bool(src.line_pages), len(doc_passages), tuple(doc.incomplete_cases)))
    if not passages:
        raise CorpusError(f"语料中没有可索引的文字：{corpus_dir}（nothing to index）")
    for i, p in enumerate(passages):
        p.ordinal = i
        if len(sources) > 1:
            p.extra["cite_document"] = True
    return Corpus(corpus_dir, digest, tuple(passages), tuple(sources), tuple(skipped), tuple(outline))
