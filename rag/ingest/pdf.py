"""Read a PDF into lines with the printed page of each, headings marked with their level, and tables as tables.

Structure comes from what the document says, in order of trust: its outline (bookmarks), its own table of
contents, numbering schemes, then typography measured against the body text of the same page.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field, replace

from rag.ingest.folios import PageLine, PageLines, furniture
from rag.ingest.headings import Levels, looks_like_heading_text, scheme
from rag.ingest.pdf_layout import Line, PageLayout, TableAt, body_size, page_layout
from rag.ingest.plain import PageFacts, Progress, ReadInfo, ReadText
from rag.ingest.table import CAPTION, UNIT, Table, is_figure
from rag.ingest.titles import (TitleLine, TitlePage, is_chinese, metadata_title, printed_issuer, printed_title,
                               running_head)
from rag.text.garbage import is_garbage
from rag.text.normalize import title_key

logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported as skipped, not logged
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_TOC_LINE = re.compile(r"^(?P<title>.+?)\s*(?:[.…·．_\-—]{3,}|\s{2,}|(?<=[\u3400-\u9fff）)])\s?)\s*(?P<page>\d{1,4})$")
_TOC_TITLE = re.compile(r"^(?:目\s*录|目\s*次|CONTENTS|Contents)$")
_BYLINE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[二〇一]{4}年[一二三四五六七八九十]{1,3}月")
_HEADING_RATIO = 1.15  # a line this much larger than its page's body text is a heading
_COVER_CHARS = 400  # a first page with less text than this is a cover: its large lines are the title, not headings
_HEAD_PAGES = 30  # pages whose running heads may name the document where nothing else prints its title



@dataclass(frozen=True)
class _Outline:
    key: str  # title_key of the bookmark's title
    page: int  # PDF page index
    depth: int


def read_pdf(data: bytes, progress: Progress | None = None) -> ReadText:
    """The PDF's text as lines with their printed pages; raises ValueError naming why a file cannot be used."""
    meta = _document_info(data)
    layouts = _layouts(data, progress)
    _check_text(layouts)
    physical = [sorted((it for it in lay.items if isinstance(it, Line)), key=lambda ln: (ln.top, ln.x0)) for lay in layouts]
    found = furniture([PageLines(tuple(PageLine(ln.text, ln.top, ln.bottom) for ln in lines), lay.height)
                       for lines, lay in zip(physical, layouts)], meta.labels)
    pages = [_without(lay, {id(lines[i]) for i in drop}) for lay, lines, drop in zip(layouts, physical, found.drop)]
    numbers = [f.number for f in found.folios]
    facts = tuple(PageFacts(lay.chars, _garbage_page(lines), folio.label)
                  for lay, lines, folio in zip(layouts, physical, found.folios))
    read = _assemble(pages, numbers, [f.label for f in found.folios], meta)
    head = running_head([[lines[k].text for k in sorted(drop) if lines[k].top < 0.15 * lay.height]
                         for lay, lines, drop in zip(layouts[:_HEAD_PAGES], physical, found.drop)])
    return replace(read, info=replace(read.info, pages=facts, page_numbers=found.basis, author=meta.author,
                                      chinese=is_chinese(read.text), running_head=head))


def _garbage_page(lines: list[Line]) -> bool:
    """The page's text layer is mostly not text (glyphs without a Unicode map), though the file as a whole is read."""
    text = "".join(ln.text for ln in lines)
    return len(text) >= 20 and is_garbage(text)


@dataclass(frozen=True)
class _Info:
    title: str  # the metadata title when it is a real title (titles.metadata_title), else ""
    labels: list[str] | None
    outline: tuple[_Outline, ...]
    author: str = ""


def _document_info(data: bytes) -> _Info:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _unlock(reader):
            raise PermissionError
        count = len(reader.pages)
        labels = list(reader.page_labels) if "/PageLabels" in reader.trailer["/Root"] else None
        outline = tuple(_outline(reader))
        title = str((reader.metadata or {}).get("/Title") or "").strip()
        author = str((reader.metadata or {}).get("/Author") or "").strip()
    except PermissionError:
        raise ValueError("PDF 已加密，需要密码（encrypted PDF）") from None
    except Exception as err:  # pypdf raises a dozen types on damaged files; all mean "cannot read"
        raise ValueError(f"无法读取 PDF，文件可能已损坏（corrupt PDF: {type(err).__name__}）") from None
    if count == 0:
        raise ValueError("PDF 没有页面（PDF has no pages）")
    return _Info(metadata_title(title), labels, outline, author)


def _unlock(reader) -> bool:
    """Many PDFs are encrypted only against editing, with an empty user password: those open."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # AES without the cryptography package, or a malformed security handler
        return False


def _outline(reader) -> list[_Outline]:
    out: list[_Outline] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a bookmark to nowhere is ignored
                continue
            if page is not None and page >= 0 and item.title:
                out.append(_Outline(title_key(str(item.title)), page, depth))

    try:
        walk(reader.outline, 0)
    except Exception:  # a malformed outline is no outline
        return []
    return out


def _layouts(data: bytes, progress: Progress | None) -> list[PageLayout]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data), password="") as pdf:
            total = len(pdf.pages)
            layouts = []
            for i, page in enumerate(pdf.pages):
                layouts.append(page_layout(page))
                page.close()  # drops the page's parsed objects: memory stays flat on a 1,000-page file
                if progress is not None:
                    progress(i + 1, total)
            return layouts
    except Exception as err:  # pdfminer raises its own types on damaged streams
        raise ValueError(f"无法读取 PDF，文件可能已损坏（corrupt PDF: {type(err).__name__}）") from None


def _check_text(layouts: list[PageLayout]) -> None:
    """No text layer, or one made of glyph codes without Unicode (CID fonts): reported, never indexed."""
    text = "".join(it.text for lay in layouts for it in lay.items if isinstance(it, Line))
    chars = sum(lay.chars for lay in layouts)
    if chars == 0:
        raise ValueError("PDF 中没有文字层，可能是扫描件（no text layer: empty or scanned PDF）")
    private = sum(lay.private_use for lay in layouts)
    if private > chars * 0.5 or (len(text) >= 50 and is_garbage(text)):
        raise ValueError("PDF 的文字层是乱码（字体缺少 Unicode 映射），无法索引（garbage text layer: fonts without a Unicode map）")


def _without(layout: PageLayout, dropped: set[int]) -> PageLayout:
    items = tuple(it for it in layout.items if id(it) not in dropped)
    return replace(layout, items=items)


# -- one document ---------------------------------------------------------------------------------------------------

def _assemble(pages: list[PageLayout], numbers: list[int | None], labels: list[str], info: _Info) -> ReadText:
    pages = _merge_continued_tables(pages, numbers)
    toc = _toc_keys(pages)
    outline: dict[int, list[_Outline]] = {}
    for entry in info.outline:
        outline.setdefault(entry.page, []).append(entry)
    doc_body = body_size([it for lay in pages for it in lay.items if isinstance(it, Line)])
    levels = Levels()
    lines: list[str] = []
    line_pages: list[int | None] = []
    continued: set[int] = set()
    breaks: set[int] = set()
    last: tuple[Line, _Edges] | None = None  # the last body line written, on whatever page, and its page's margins
    tables: dict[int, Table] = {}
    first_pages = [_title_page(lay) for lay in pages[:8]]
    printed = printed_title(first_pages, doc_body)
    title = info.title or printed
    page_labels: dict[int, str] = {}

    def emit(text: str, number: int | None) -> None:
        lines.append(text)
        line_pages.append(number)

    page_lines = [[it for it in lay.items if isinstance(it, Line)] for lay in pages]
    bodies = [body_size(ls) if sum(len(ln.text) for ln in ls) >= 200 else doc_body for ls in page_lines]
    page_edges = _page_edges(page_lines, bodies)
    for index, (lay, number) in enumerate(zip(pages, numbers)):
        first_line = len(lines)
        text_lines, body, edges = page_lines[index], bodies[index], page_edges[index]
        cover = index == 0 and lay.chars < _COVER_CHARS and not outline.get(0)
        contents = _is_contents(text_lines)
        charted = [ln for ln in text_lines if _only_figures(ln.text)]
        chart = chart_values(charted)
        legend = _chart_caption(text_lines, charted) if chart is not None else None
        if legend is not None:
            chart = f"{legend.text}：{chart}"
        previous: Line | None = None
        previous_heading = False
        skip: set[int] = set()
        for pos, item in enumerate(lay.items):
            if pos in skip:
                continue
            if isinstance(item, TableAt):
                caption, unit, used = _caption(lay.items, pos)
                skip |= used
                if used:
                    _unemit(lines, line_pages, (continued, breaks), [lay.items[u] for u in used if u < pos])
                if not any(isinstance(it, Line) for n, it in enumerate(lay.items[:pos]) if n not in used):
                    caption, unit = _caption_above(lines, line_pages, (continued, breaks), caption, unit)
                tables[len(lines)] = replace(item.table, caption=caption, unit=unit)
                emit("", number)
                previous, previous_heading, last = None, False, None
                continue
            if item is legend:
                continue  # printed with the chart's values
            text = item.text
            if _only_figures(text):
                # Chart data labels and axis ticks: printed as labelled values (2020年 10.64) when they line up
                # with a row of years, else left out — a run of figures with no label says nothing.
                if chart is not None:
                    emit(chart, number)
                    chart, previous, previous_heading, last = None, None, False, None
                continue
            wraps = previous is not None and not previous_heading and _wraps(previous, item, edges)
            if contents and scheme(text) not in ("chapter", "part"):
                # A contents page lists headings, its 目录 title included, and opens none (a 目录 section would hold
                # the whole document); only its chapter lines group the entries below them.
                style = None
            elif cover or (wraps and len(previous.text) >= 10 and scheme(text) is None):
                style = None  # the second line of a wrapped bold paragraph is that paragraph, however short
            else:
                full = item.x1 >= edges.right.get(item.column, item.x1) - 1.2 * item.size  # runs on to the margin
                style = _heading_style(item, body, toc, outline.get(index, ()), previous, full)
            if style is not None and title and title_key(text) == title_key(title):
                continue  # the title printed again over the first page's text: the document's name, not a section
            if style is not None:
                if previous_heading and lines and _continues_heading(previous, item, style):
                    lines[-1] += text
                    continue
                emit("#" * min(levels.level(style), 6) + " " + text, number)
                previous, previous_heading, last = item, True, None
                continue
            if wraps:
                continued.add(len(lines))
            elif last is not None and not _reaches(*last, text):
                breaks.add(len(lines))  # the paragraph above ended short of the margin, on this page or the last
            emit(text, number)
            last = (item, edges)
            previous, previous_heading = item, False
        if number is None and labels[index]:  # front matter numbered i, ii: cited by its printed label
            page_labels.update(dict.fromkeys(range(first_line, len(lines)), labels[index]))
    own = ReadInfo(printed_title=printed, printed_issuer=printed_issuer(first_pages, title))
    return ReadText("\n".join(lines), "pdf", tuple(line_pages), frozenset(continued), tables, info.title, page_labels,
                    frozenset(breaks), own)


def _title_page(layout: PageLayout) -> TitlePage:
    """A first page as the title finder reads it: its lines with size, weight and whether they are centred."""
    lines = [it for it in layout.items if isinstance(it, Line)]
    middle = layout.width / 2
    left = min((ln.x0 for ln in lines), default=0.0)

    width = max((ln.x1 for ln in lines), default=0.0) - left

    def centred(ln: Line) -> bool:  # centred on the page, and set in from the text's left edge
        return abs((ln.x0 + ln.x1) / 2 - middle) <= 0.06 * layout.width and ln.x0 - left >= 2 * ln.size

    return TitlePage(tuple(TitleLine(ln.text, ln.size, ln.bold, centred(ln), ln.top, ln.bottom,
                                     ln.x1 - ln.x0 >= max(0.85 * width, 0.6 * layout.width)) for ln in lines),
                     _is_contents(lines))


def _only_figures(text: str) -> bool:
    """A line of figures and nothing else: chart labels, axis ticks (a contents line has its title before them)."""
    return all(is_figure(word) for word in text.split()) and not _TOC_LINE.match(text)


_YEAR = re.compile(r"(?:19|20)\d\d")
_FIGURE_CAPTION = re.compile(r"^[图圖]\s*\d+(?:\s*[-－—–.．]\s*\d+)?[\s\u3000]*\S")


def _chart_caption(lines: list[Line], labels: list[Line]) -> Line | None:
    """The caption (图 3-1 …) printed nearest the chart's labels: their values' subject, which the labels never
    say (the generated book's "2023年 93.1" stood in a passage of its own, ranked 12th for 图3-1's question)."""
    captions = [ln for ln in lines if _FIGURE_CAPTION.match(ln.text)]
    if not captions or not labels:
        return None
    top, bottom = min(ln.top for ln in labels), max(ln.bottom for ln in labels)
    return min(captions, key=lambda c: min(abs(c.top - bottom), abs(top - c.bottom)))


def chart_values(numbers: list[Line]) -> str | None:
    """A chart's data labels paired with the years on its axis by position: '2019年 88.9，2020年 85。', or None.

    The axis is a row of three or more years; a label belongs to the year it stands above (within half the
    spacing of the axis). Labels that pair with nothing (the value axis's ticks) are left out.
    """
    tokens = []  # (x centre, row top, text)
    for ln in numbers:
        words = ln.text.split()
        offset = 0
        for word in words:
            start = ln.text.index(word, offset)
            offset = start + len(word)
            centre = ln.x0 + (ln.x1 - ln.x0) * (start + len(word) / 2) / max(len(ln.text), 1)
            tokens.append((centre, round(ln.top), word))
    rows: dict[int, list[tuple[float, str]]] = {}
    for x, top, word in tokens:
        if _YEAR.fullmatch(word):
            key = next((k for k in rows if abs(k - top) <= 2), top)
            rows.setdefault(key, []).append((x, word))
    axis = sorted(max(rows.values(), key=len, default=[]))
    if len(axis) < 3:
        return None
    spacing = min(b[0] - a[0] for a, b in zip(axis, axis[1:]))
    values: dict[str, list[str]] = {year: [] for _, year in axis}
    for x, top, word in tokens:
        if _YEAR.fullmatch(word) and (x, word) in axis:
            continue
        x_year, year = min(axis, key=lambda a: abs(a[0] - x))
        if abs(x_year - x) <= spacing / 2:
            values[year].append(word)
    pairs = [f"{year}年 {'/'.join(found)}" for year, found in values.items() if found]
    return "，".join(pairs) + "。" if len(pairs) >= 2 else None


def _unemit(lines: list[str], pages: list, marks: tuple[set[int], ...], items: list) -> None:
    """Take back caption or unit lines already written above a table: they belong to the table."""
    for item in reversed(items):
        if lines and lines[-1].lstrip("# ").strip() == item.text:
            for marked in marks:
                marked.discard(len(lines) - 1)
            lines.pop()
            pages.pop()


def _caption_above(lines: list[str], pages: list, marks: tuple[set[int], ...], caption: str,
                   unit: str) -> tuple[str, str]:
    """A table that opens a page takes the caption and unit line left at the foot of the page before."""
    for _ in range(2):
        last = lines[-1] if lines else ""
        if not caption and CAPTION.match(last) and len(last) <= 60:
            caption = last
        elif not unit and (m := UNIT.search(last)) and len(last) <= 40:
            unit = m.group(1)
        else:
            break
        for marked in marks:
            marked.discard(len(lines) - 1)
        lines.pop()
        pages.pop()
    return caption, unit


def _caption(items: tuple, pos: int) -> tuple[str, str, set[int]]:
    """The table's caption (表N …) and unit (单位：万元) from the two lines above it or the line below."""
    caption, unit, used = "", "", set()
    near = [p for p in (pos - 1, pos - 2, pos + 1) if 0 <= p < len(items) and isinstance(items[p], Line)]
    for p in near:
        text = items[p].text
        if p == pos - 2 and pos - 1 not in used:
            break  # the line two above counts only when the line between them does
        if not caption and CAPTION.match(text) and len(text) <= 60:
            caption, used = text, used | {p}
            m = UNIT.search(text)
            if m:
                caption, unit = text[:m.start()].strip(), m.group(1)
        elif not unit and (m := UNIT.search(text)) and len(text) <= 40:
            unit, used = m.group(1), used | {p}
    return caption, unit, used


def _merge_continued_tables(pages: list[PageLayout], numbers: list[int | None]) -> list[PageLayout]:
    """A table that runs over a page break is one table: rows keep their pages, the header stays the first part's."""
    out: list[PageLayout] = []
    pending: tuple[int, int] | None = None  # (page index in out, item index) of the last table of a page
    for index, lay in enumerate(pages):
        items = list(lay.items)
        items = [replace(it, table=replace(it.table, row_pages=(numbers[index],) * len(it.table.rows)))
                 if isinstance(it, TableAt) else it for it in items]
        first_table = next((i for i, it in enumerate(items) if isinstance(it, TableAt)), None)
        text_before = first_table is not None and any(isinstance(it, Line) and len(it.text) > 30 for it in items[:first_table])
        if pending is not None and first_table is not None and not text_before:
            prev_page, prev_item = pending
            head = out[prev_page].items[prev_item]
            tail = items[first_table]
            if _same_columns(head.table, tail.table) and not _new_header(head.table, tail.table):
                merged = _join_tables(head.table, tail.table)
                prev_items = list(out[prev_page].items)
                prev_items[prev_item] = replace(head, table=merged)
                out[prev_page] = replace(out[prev_page], items=tuple(prev_items))
                del items[first_table]
        out.append(replace(lay, items=tuple(items)))
        last = max((i for i, it in enumerate(items) if isinstance(it, TableAt)), default=None)
        ends_page = last is not None and not any(
            isinstance(it, Line) and (len(it.text) > 10 or CAPTION.match(it.text) or it.text.startswith("附"))
            for it in items[last + 1:])
        pending = (len(out) - 1, last) if ends_page else None
    return out


def _new_header(a: Table, b: Table) -> bool:
    """The next page's table opens with headings of its own (words, not figures): another table."""
    return bool(b.header) and b.header != a.header and not any(
        is_figure(c) for row in b.header for c in row if c)


def _width(table: Table) -> int:
    return max(len(r) for r in (*table.header, *table.rows)) if (table.header or table.rows) else 0


def _same_columns(a: Table, b: Table) -> bool:
    return _width(a) == _width(b) and _width(a) >= 2


def _join_tables(a: Table, b: Table) -> Table:
    # The continuation's own first rows: a repeated header is dropped; rows taken for a header are body rows.
    rows = b.rows if b.header == a.header else (*b.header, *b.rows)
    pages = b.row_pages if b.header == a.header else (b.row_pages[:1] * len(b.header)) + b.row_pages
    return replace(a, rows=(*a.rows, *rows), row_pages=(*a.row_pages, *pages))


def _is_contents(lines: list[Line]) -> bool:
    """A table-of-contents page: titled 目录, or most of its lines end in a page number."""
    listed = sum(1 for ln in lines if _TOC_LINE.match(ln.text))
    titled = any(_TOC_TITLE.match(ln.text.replace(" ", "")) for ln in lines[:5])
    return (titled and listed >= 3) or (listed >= 5 and listed >= len(lines) * 0.6)


def _toc_keys(pages: list[PageLayout]) -> set[str]:
    """Titles listed in the document's own table of contents (dotted leaders or a 目录 page of 'title  page')."""
    keys: set[str] = set()
    for lay in pages[:30]:
        lines = [it for it in lay.items if isinstance(it, Line)]
        on_toc_page = any(_TOC_TITLE.match(ln.text.replace(" ", "")) or _TOC_TITLE.match(ln.text) for ln in lines)
        for ln in lines:
            m = _TOC_LINE.match(ln.text)
            dotted = m and re.search(r"(?:[.…·．_]\s?){3,}", ln.text)
            if m and (dotted or on_toc_page):
                keys.add(title_key(m.group("title").rstrip(" .…·．_")))
    return keys


def _heading_style(line: Line, body: float, toc: set[str], outline, previous: Line | None,
                   full: bool = False) -> str | None:
    """The style a heading line is set in (its numbering scheme or its typography), or None for body text."""
    text = line.text
    if _TOC_LINE.match(text) and re.search(r"(?:[.…·．_]\s?){3,}", text):
        return None  # a contents line, not the heading it lists
    if CAPTION.match(text) or text.startswith(("□", "√", "☑", "■")):
        return None  # a table's caption belongs to its table; "□是 √否" answers a form's question
    key = title_key(text)
    numbered = scheme(text)
    if any(entry.key == key or (len(key) >= 4 and entry.key.startswith(key)) for entry in outline):
        return numbered or f"outline{min(e.depth for e in outline if e.key.startswith(key))}"
    larger = body > 0 and line.size >= body * _HEADING_RATIO
    if len(text) > 60 or not looks_like_heading_text(text, 60):
        return None
    if key in toc and len(key) >= 2 and line.size >= body - 0.5:
        return numbered or _typography(line)  # not a running head in small print that repeats the title
    if _BYLINE.search(text) and len(text) <= 30:
        return None  # 周口市统计局 2024年4月29日: who issued it and when, under the title
    # A numbered line in body type that runs on to the margin opens a paragraph ((５)美國履行…), not a section.
    if numbered and len(text) <= 40 and (line.bold or larger or (_stands_alone(line, previous) and not full)):
        return numbered
    if larger and len(text) <= 40:
        return _typography(line)
    if line.bold and len(text) <= 30 and _stands_alone(line, previous) and not re.search(r"\d[\d.,]*\s*(?:万|亿|元|%|人|个)", text):
        return _typography(line)
    return None


def _typography(line: Line) -> str:
    return f"size{line.size:.0f}{'b' if line.bold else ''}"


def _stands_alone(line: Line, previous: Line | None) -> bool:
    # A line alone on its row that the line before does not run into: 一、公司信息 in Word, bold at body size.
    return previous is None or previous.text.endswith(("。", "！", "？", "；", ":", "：")) or previous.bottom < line.top - 0.5 * line.size \
        or scheme(line.text) is not None


def _continues_heading(previous: Line | None, line: Line, style: str) -> bool:
    """The second line of a long heading: same type, directly below, not numbered itself."""
    return (previous is not None and scheme(line.text) is None and abs(previous.size - line.size) < 0.5
            and previous.bold == line.bold and 0 <= line.top - previous.bottom < line.size and style.startswith("size"))


@dataclass(frozen=True)
class _Edges:
    left: dict[int, float]
    right: dict[int, float]
    # Where lines wrap: the right margin where at least MARGIN_LINES body lines reach it, on this page or, failing
    # that, on the document's other pages of as many columns; absent, no line of that column wraps.
    wrap: dict[int, float] = field(default_factory=dict)
    reached: dict[int, int] = field(default_factory=dict)  # body lines that reach the right margin


# A right margin is one several lines stop at. A slide's bullets end where their text ends: the longest bullet set
# the "margin" and was glued to the next (高层次人才不足：博士仅42人，三年引育60名产教融合深度不够 on the generated slide
# deck, every page of which has one or two lines at its longest length, against 3-52 on pages of running text).
MARGIN_LINES = 3


def _edges(lines: list[Line], body: float) -> _Edges:
    """Each column's text margins, from its body lines (the 10th and 90th percentiles, so headings and short lines do not count)."""
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    reached: dict[int, int] = {}
    for column in {ln.column for ln in lines}:
        col = [ln for ln in lines if ln.column == column and abs(ln.size - body) < 1]
        col = col or [ln for ln in lines if ln.column == column]
        xs0 = sorted(ln.x0 for ln in col)
        xs1 = sorted(ln.x1 for ln in col)
        left[column] = xs0[len(xs0) // 10]
        right[column] = xs1[min(len(xs1) - 1, (len(xs1) * 9) // 10)]
        reached[column] = sum(ln.x1 >= right[column] - 1.2 * ln.size for ln in col)
    return _Edges(left, right, reached=reached)


def _page_edges(pages: list[list[Line]], bodies: list[float]) -> list[_Edges]:
    """Each page's margins, its wrap margin confirmed by its own lines or borrowed from its document's."""
    edges = [_edges(lines, body) for lines, body in zip(pages, bodies)]
    known: dict[tuple[int, int], list[float]] = {}
    for page in edges:
        for column, count in page.reached.items():
            if count >= MARGIN_LINES:
                known.setdefault((len(page.right), column), []).append(page.right[column])
    for page in edges:
        for column, count in page.reached.items():
            borrowed = sorted(known.get((len(page.right), column), []))
            if count >= MARGIN_LINES:
                page.wrap[column] = page.right[column]
            elif borrowed:
                page.wrap[column] = borrowed[len(borrowed) // 2]
    return edges


def _reaches(line: Line, edges: _Edges, following: str = "") -> bool:
    """The line runs on to its column's wrap margin, or stops where the next line's first word would not have fit
    (Word moves 3,912人 whole to the next line and leaves "…2024届毕业生" three characters short): its paragraph
    may go on below, or on the next page."""
    if line.column not in edges.wrap:
        return False
    word = re.match(r"[A-Za-z0-9.,%()（）\-]+", following)
    room = max(1.2, 0.6 * len(word.group()) + 1.0) if word else 1.2  # a digit or Latin letter is about 0.5em wide
    return line.x1 >= edges.wrap[line.column] - room * line.size


def _wraps(previous: Line, line: Line, edges: _Edges) -> bool:
    """The previous line reaches its column's right margin and this one starts at the left margin without indent."""
    if previous.column != line.column or abs(previous.size - line.size) > 0.6 or line.top < previous.top:
        return False
    full = _reaches(previous, edges, line.text)
    flush = line.x0 <= edges.left[line.column] + 0.6 * line.size
    return full and flush and line.top - previous.bottom < 1.5 * line.size
