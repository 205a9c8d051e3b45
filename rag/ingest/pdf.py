"""Read a PDF's text layer page by page: running headers, footers and printed page numbers removed."""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter

from rag.ingest.plain import ReadText
from rag.ingest.structure import is_numbered_heading
from rag.text.normalize import clean_title

logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported as skipped, not logged

_FOLIO = re.compile(r"^(?:[-–—]\s*)?(?:第\s*)?(\d{1,4})(?:\s*页)?(?:\s*[-–—])?$")  # 71, - 71 -, 第71页
_EDGE = 2  # running headers and footers sit in the first or last two lines of a page
_HEADING_RATIO = 1.15  # a line this much larger than the body text is a heading



def read_pdf(data: bytes) -> ReadText:
    """PDF text layer, page by page: running headers, footers and printed page numbers removed."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not _unlock(reader)
        pages = [] if locked else [_page_lines(page) for page in reader.pages]
    except Exception as err:  # pypdf raises a dozen types on damaged files; all mean "cannot read"
        raise ValueError(f"无法读取 PDF，文件可能已损坏（corrupt PDF: {type(err).__name__}）") from None
    if locked:
        raise ValueError("PDF 已加密，需要密码（encrypted PDF）")
    if not any(text.strip() for page in pages for text, _ in page):
        raise ValueError("PDF 中没有文字层，可能是扫描件（no text layer: empty or scanned PDF）")
    numbers = printed_page_numbers([[text for text, _ in page] for page in pages])
    pages = _drop_running_lines(pages, numbers)
    lines: list[str] = []
    line_pages: list[int | None] = []
    for page, number in zip(_mark_headings(pages), numbers):
        lines += page
        line_pages += [number] * len(page)
    return ReadText("\n".join(lines), "pdf", tuple(line_pages), _wrapped(lines, [s for page in pages for _, s in page]))


def _width(text: str, size: float) -> float:
    # Wide and ambiguous characters (CJK, “”) take a full em in a Chinese font, Latin letters and digits about half.
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def _wrapped(lines: list[str], sizes: list[float]) -> frozenset[int]:
    """Body lines that follow a line filling the text width: the paragraph wraps there, whatever its last character."""
    body = [i for i, line in enumerate(lines) if not line.startswith("## ")]
    widths = sorted(_width(lines[i], sizes[i]) for i in body)
    if not widths:
        return frozenset()
    full = widths[int(len(widths) * 0.9)] * 0.93
    return frozenset(b for a, b in zip(body, body[1:]) if b == a + 1 and _width(lines[a], sizes[a]) >= full)


def _unlock(reader) -> bool:
    """Many PDFs are encrypted only against editing, with an empty user password: those open."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # AES without the cryptography package, or a malformed security handler
        return False


def _page_lines(page) -> list[tuple[str, float]]:
    """Lines of one page with the font size most of their characters are printed in."""
    pieces: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        pieces.append((text, float(size) * abs(tm[3] or 1.0) * abs(cm[3] or 1.0)))

    page.extract_text(visitor_text=visit)
    lines: list[tuple[str, Counter]] = [("", Counter())]
    for text, size in pieces:
        for n, part in enumerate(text.split("\n")):
            if n:
                lines.append(("", Counter()))
            line, sizes = lines[-1]
            sizes[round(size, 1)] += len(part.strip())
            lines[-1] = (line + part, sizes)
    return [(line.strip(), sizes.most_common(1)[0][0] if sizes else 0.0) for line, sizes in lines if line.strip()]


def printed_page_numbers(pages: list[list[str]]) -> list[int | None]:
    """The number printed on each page, else the one its neighbours imply, else the PDF page index.

    Citations use the printed number: it is what a reader finds in the book and what the table of contents
    lists; an excerpt may jump (55, 56, 71, 72). A number alone on the last (else first) lines of a page is
    its folio when at least half the pages carry one; pages without (cover, chapter openers) get the number
    their place in the run implies. A PDF without printed numbers is cited by page index, from 1.
    """
    printed: list[int | None] = []
    for lines in pages:
        edge = lines[::-1][:_EDGE] + lines[:_EDGE]  # footer first: headers more often hold other figures
        folios = [m.group(1) for m in map(_FOLIO.match, edge) if m and not m.group(1).startswith("0")]
        printed.append(int(folios[0]) if folios else None)
    if sum(n is not None for n in printed) < max(1, len(pages) / 2):
        return list(range(1, len(pages) + 1))
    first = next(i for i, n in enumerate(printed) if n is not None)
    for i in range(first - 1, -1, -1):
        printed[i] = printed[i + 1] - 1
    for i in range(first + 1, len(printed)):
        printed[i] = printed[i] if printed[i] is not None else printed[i - 1] + 1
    return [n if n > 0 else None for n in printed]


def _drop_running_lines(pages: list[list[tuple[str, float]]], numbers: list[int | None]) -> list[list[tuple[str, float]]]:
    """Remove page numbers and lines repeated at the top or bottom of several pages (running heads)."""
    def key(text: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))

    seen = Counter()
    for lines in pages:
        seen.update({key(text) for text, _ in lines[:_EDGE] + lines[-_EDGE:]})
    # Two pages suffice in a short document; a long one needs three, so a heading that happens to open
    # two pages is not taken for a running head.
    repeats = 2 if len(pages) <= 5 else 3
    cleaned = []
    for lines, number in zip(pages, numbers):
        edge = set(range(min(_EDGE, len(lines)))) | set(range(max(0, len(lines) - _EDGE), len(lines)))
        cleaned.append([
            (text, size) for i, (text, size) in enumerate(lines)
            if i not in edge or not (seen[key(text)] >= repeats or _is_folio(text, number))
        ])
    return cleaned


def _is_folio(text: str, number: int | None) -> bool:
    match = _FOLIO.match(text)
    return bool(match) and number is not None and int(match.group(1)) == number


def _mark_headings(pages: list[list[tuple[str, float]]]) -> list[list[str]]:
    """Lines printed larger than the body text become # headings; a heading wrapped over lines is rejoined."""
    sizes = Counter()
    for lines in pages:
        for text, size in lines:
            sizes[size] += len(text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    out = []
    for lines in pages:
        marked: list[str] = []
        previous_size = None
        for text, size in lines:
            heading = body > 0 and size >= body * _HEADING_RATIO and len(text) <= 80
            if heading and previous_size == size and not is_numbered_heading(clean_title(text)):
                marked[-1] += text  # the second line of a long heading
            else:
                marked.append(f"## {text}" if heading else text)
            previous_size = size if heading else None
        out.append(marked)
    return out
