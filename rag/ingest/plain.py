"""What every reader returns (ReadText: lines, the page of each line, tables), and the plain text / Markdown reader."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rag.ingest.table import Table
from rag.ingest.titles import is_chinese


Progress = Callable[[int, int], None]  # pages read, pages in all: a long PDF reports as it goes


@dataclass(frozen=True)
class PageFacts:
    """One page of a file as read, for the audit: its characters, a text layer that is not text, its printed page."""
    chars: int
    garbage: bool = False
    label: str = ""  # the printed page ("17", "iii"); "" when none is known


@dataclass(frozen=True)
class ReadInfo:
    """What a reader saw of a document besides its lines: the title and issuer its first pages print, its
    metadata author, its pages (for the registry and the audit)."""
    printed_title: str = ""  # the largest text of the first pages (not a 目录 line, a label or a running head)
    printed_issuer: str = ""  # a by-line or an organisation named alone on the first pages
    running_head: str = ""  # the first pages' running head (PDF): a title only where nothing else prints one
    author: str = ""  # the metadata author, as stored
    pages: tuple[PageFacts, ...] = ()  # one per page of the file; () for formats without pages
    page_numbers: str = ""  # "printed", "labels" (/PageLabels), "file" (the PDF's index) or "" (no pages)
    chinese: bool = True  # most letters are Chinese characters


@dataclass(frozen=True)
class ReadText:
    text: str
    encoding: str  # "utf-8", "gb18030", "pdf" or "docx"
    line_pages: tuple[int | None, ...] = ()  # page of each line of text; empty when the format has no pages
    continued: frozenset[int] = frozenset()  # lines that continue the line before (wrapped at the margin)
    tables: dict[int, Table] = field(default_factory=dict)  # line index -> the table printed there (that line holds "")
    title: str = ""  # the metadata title (PDF /Title, Word core properties) when it is a real title, else ""
    page_labels: dict[int, str] = field(default_factory=dict)  # line index -> printed page that is no number (ii)
    breaks: frozenset[int] = frozenset()  # lines that start a new paragraph below one that stopped short of the margin
    info: ReadInfo = field(default_factory=ReadInfo)


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312) as Chinese PDFs often give."""
    if b"\0" in data[:8192]:
        raise ValueError("二进制文件，不是文本（binary file, not text）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls > len(text[:8192]) * 0.01:
            raise ValueError("含大量控制字符，不像文本（too many control characters）")
        return text, encoding.replace("-sig", "")
    raise ValueError("无法识别的文字编码，请转为 UTF-8（unknown encoding; convert to UTF-8）")


def read_text(data: bytes, progress: Progress | None = None) -> ReadText:
    """Plain text and Markdown: headings are already marked with #; no pages, so no progress to report."""
    text, encoding = decode(data)
    return ReadText(text, encoding, info=ReadInfo(chinese=is_chinese(text)))
