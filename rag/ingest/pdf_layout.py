"""One PDF page as positioned lines in reading order (columns found by their gutter) and its ruled tables as cells."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace

from rag.ingest.table import Table, is_figure

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|[-,]b$|黑体|粗", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z0-9%.,:;)\]]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")  # Wingdings / Symbol bullets mapped to the private-use area
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Line:
    """A printed line (one column's width) with the typography the heading finder measures."""
    text: str
    size: float  # the size most of its characters are printed in, in points
    bold: bool  # most of its characters come from a bold font
    x0: float
    x1: float
    top: float
    bottom: float
    column: int = 0  # 0 for full-width or single-column text, 1 / 2 for the left / right column


@dataclass(frozen=True)
class TableAt:
    """A table found on the page, where it stands."""
    table: Table
    top: float
    bottom: float
    x0: float
    x1: float
    column: int = 0


Item = Line | TableAt


@dataclass(frozen=True)
class PageLayout:
    items: tuple[Item, ...]  # reading order
    width: float
    height: float
    chars: int  # characters on the page (tables included)
    private_use: int  # private-use glyphs among them (dropped from the text)


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed rows by their baseline, each row left to right."""
    rows: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["bottom"], 1), c["x0"])):
        if rows:
            last = rows[-1][-1]
            tolerance = max(1.0, 0.35 * min(ch["size"], last["size"]))
            if abs(ch["bottom"] - last["bottom"]) <= tolerance:
                rows[-1].append(ch)
                continue
        rows.append([ch])
    return [sorted(row, key=lambda c: c["x0"]) for row in rows]


def _segments(row: list[dict], gap: float = 1.2) -> list[list[dict]]:
    """A row cut where characters stand more than `gap` em apart: columns (a gutter can be 1.5 em), side-by-side items."""
    parts = [[row[0]]]
    for a, b in zip(row, row[1:]):
        if b["x0"] - a["x1"] > gap * max(a["size"], b["size"]):
            parts.append([])
        parts[-1].append(b)
    return parts


def _rows(items: list[Item]) -> list[Item]:
    """Pieces of one printed row in one column are one line, a space between them: a label and its values, a
    contents line and its page, tab-separated cells. Figures standing alone after figures stay apart: chart
    labels are paired with their axis by position (pdf.chart_values)."""
    out: list[Item] = []
    for it in items:
        last = out[-1] if out else None
        if (isinstance(it, Line) and isinstance(last, Line) and it.column == last.column
                and abs(it.bottom - last.bottom) <= 0.4 * min(it.size, last.size) and it.x0 > last.x1
                and not (is_figure(it.text) and is_figure(last.text))):
            out[-1] = replace(last, text=f"{last.text} {it.text}", x1=it.x1)
        else:
            out.append(it)
    return out


def _text(chars: list[dict]) -> str:
    out = []
    for prev, ch in zip([None, *chars], chars):
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = max(prev["size"], ch["size"])
            # A visible gap is a space: between Latin words, and between chart labels or table figures
            # that would otherwise glue (12.513.8). Justified Chinese is spaced less than a quarter em.
            if gap > 0.25 * size or (gap > 0.12 * size and _LATIN.match(prev["text"]) and _LATIN.match(ch["text"])):
                out.append(" ")
        out.append(ch["text"])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _line(chars: list[dict], column: int = 0) -> Line:
    sizes: dict[float, int] = {}
    bold = 0
    for ch in chars:
        sizes[round(ch["size"], 1)] = sizes.get(round(ch["size"], 1), 0) + 1
        bold += bool(_BOLD.search(ch.get("fontname", "").split("+")[-1]))
    return Line(_text(chars), max(sizes, key=sizes.get), bold * 2 > len(chars),
                min(c["x0"] for c in chars), max(c["x1"] for c in chars),
                min(c["top"] for c in chars), max(c["bottom"] for c in chars), column)


def _gutter(segments: list[Line], width: float) -> float | None:
    """The x of a white band near the middle of the page that nearly no text line crosses, with columns of text of
    like width on both sides. Two-column papers read left column first; without this, rows of both columns were
    read as one text. A title block or a wide table crosses the band: up to a tenth of the lines may. Labels and
    values set in two columns (股票简称 平安银行) are not columns of running text: their lines are short.
    """
    allowed = max(2, len(segments) // 10)
    best = None
    for x in range(int(width * 0.4), int(width * 0.6), 2):
        crossing = sum(1 for s in segments if s.x0 < x < s.x1)
        if crossing > allowed:
            continue
        # Lines of running text, a third of the page wide or more, on both sides.
        left = sum(1 for s in segments if s.x1 <= x and s.x1 - s.x0 >= width * 0.3)
        right = sum(1 for s in segments if s.x0 >= x and s.x1 - s.x0 >= width * 0.3)
        if left >= 6 and right >= 6:
            score = (-crossing, min(left, right))
            if best is None or score > best[0]:
                best = (score, x)
    return float(best[1]) if best else None


def _size(item: Item) -> float:
    return item.size if isinstance(item, Line) else 10.0


def _by_row(items: list[Item]) -> list[Item]:
    """Top to bottom by printed row, left to right within one: pieces of a row share a baseline (bottom) within
    0.4 em, while their tops differ with the font (digits stand lower than Chinese), so sorting by top put a
    section number after its title and a row's figures after the next row's label."""
    rows: list[list[Item]] = []
    for it in sorted(items, key=lambda it: it.bottom):
        if rows and it.bottom - rows[-1][-1].bottom <= 0.4 * min(_size(it), _size(rows[-1][-1])):
            rows[-1].append(it)
        else:
            rows.append([it])
    return [it for row in rows for it in sorted(row, key=lambda it: it.x0)]


def _reading_order(lines: list[Line], tables: list[TableAt], width: float) -> list[Item]:
    """Top to bottom; on a two-column page, full-width bands in place and each band's left column before its right."""
    # Full-width lines (title block, wide tables) may cross the gutter: look for it among the narrower lines.
    narrow = [s for s in lines if s.x1 - s.x0 < width * 0.55]
    gutter = _gutter(narrow, width) if len(narrow) >= 12 else None
    items: list[Item] = _by_row([*lines, *tables])
    if gutter is None:
        return _rows(items)

    def side(it: Item) -> int:
        return 1 if it.x1 <= gutter + 1 else 2 if it.x0 >= gutter - 1 else 0

    ordered: list[Item] = []
    band: list[Item] = []
    for it in items:
        if side(it) == 0:  # a full-width item closes the band above it
            ordered += sorted(band, key=side)  # stable: each side keeps its row order
            band = []
            ordered.append(it)
        else:
            band.append(it)
    ordered += sorted(band, key=side)
    return _rows([replace(it, column=side(it)) for it in ordered])


def _mid(ch: dict) -> tuple[float, float]:
    """A character's centre."""
    return (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2


def _inside(ch: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = _mid(ch)
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _cells(rows: list[list[str | None]]) -> list[list[str]]:
    """Merged cells (None) take the text of the cell they merge with: left in a row, above in the first column."""
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        cells: list[str] = []
        for c, cell in enumerate(row):
            text = re.sub(r"\s+", "", cell) if cell is not None and _CJK.search(cell) else re.sub(r"\s+", " ", cell or "").strip()
            if cell is None:
                left = cells[c - 1] if c > 0 else ""
                # A merged label or heading repeats; a figure never does (copied, it would be a value not printed).
                text = (left if not is_figure(left) else "") if c > 0 else (
                    out[r - 1][0] if r > 0 and out[r - 1] else "")
            cells.append(_PRIVATE_USE.sub("", text))
        out.append(cells)
    return [row for row in out if any(row)]


def _plausible(rows: list[list[str]]) -> bool:
    """Rules around running text (a boxed paragraph, rules of two tables in one column) are no table."""
    cells = [c for row in rows for c in row if c]
    return bool(cells) and not any(len(c) > 80 for c in cells) and sum(map(len, cells)) <= 30 * len(cells)


def _numeric(cell: str) -> bool:
    return is_figure(cell) or cell in ("-", "—", "--")


def split_header(rows: list[list[str]]) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Header rows: those above the first row with a figure in a value cell (at most three), else the first row."""
    first_data = next((i for i, row in enumerate(rows) if any(_numeric(c) for c in row[1:] if c)), None)
    n = first_data if first_data is not None and 0 < first_data <= 3 else (1 if len(rows) > 1 else 0)
    return tuple(map(tuple, rows[:n])), tuple(map(tuple, rows[n:]))


_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                   "intersection_tolerance": 3}


@dataclass(frozen=True)
class _Rules:
    """A three-line table (三线表): rules above and below the header and at its foot, and no vertical rules."""
    x0: float
    x1: float
    tops: tuple[float, ...]  # the rules' heights, top to bottom


def _rules(page) -> list[_Rules]:
    """Groups of two or more horizontal rules of one width, one under another: each group frames a table."""
    rules = [(round(o["x0"]), round(o["x1"]), o["top"]) for o in (*page.lines, *page.rects)
             if o["bottom"] - o["top"] < 2 and o["x1"] - o["x0"] > 80]
    groups: dict[tuple[int, int], list[float]] = {}
    for x0, x1, top in rules:
        key = next((k for k in groups if abs(k[0] - x0) <= 2 and abs(k[1] - x1) <= 2), (x0, x1))
        groups.setdefault(key, []).append(top)
    found = []
    for (x0, x1), tops in groups.items():
        tops = sorted(tops)
        i = 0
        while i + 2 < len(tops):
            # top rule, the rule under the header (one or two printed rows below it), then the foot rule
            if tops[i + 1] - tops[i] < 60:
                found.append(_Rules(x0, x1, (tops[i], tops[i + 1], tops[i + 2])))
                i += 3
            else:
                i += 1
    return found


def _columns(rows: list[list[dict]]) -> list[float]:
    """Column borders: x positions where every body row leaves a gap wider than an em."""
    covered: list[tuple[float, float]] = sorted((c["x0"], c["x1"]) for row in rows for c in row)
    borders: list[float] = []
    end = covered[0][1] if covered else 0.0
    size = statistics.median([c["size"] for row in rows for c in row]) if rows else 10.0
    for x0, x1 in covered[1:]:
        if x0 - end > 0.9 * size:
            borders.append((x0 + end) / 2)
        end = max(end, x1)
    return borders


def _ruled_table(chars: list[dict], rules: _Rules, page_number: int | None) -> TableAt | None:
    """The cells of a three-line table: rows by baseline, columns by the gaps the body rows share."""
    top, bottom = rules.tops[0], rules.tops[-1]
    inside = [c for c in chars if rules.x0 - 2 <= _mid(c)[0] <= rules.x1 + 2 and top < _mid(c)[1] < bottom]
    header_chars = [c for c in inside if c["bottom"] <= rules.tops[1] + 1]
    body_rows = _char_lines([c for c in inside if c["bottom"] > rules.tops[1] + 1])
    if len(body_rows) < 2:
        return None
    borders = _columns(body_rows)
    if not borders:
        return None

    def cells(row: list[dict]) -> tuple[str, ...]:
        out = [[] for _ in range(len(borders) + 1)]
        for c in row:
            out[sum(1 for b in borders if _mid(c)[0] > b)].append(c)
        return tuple(_text(cell).replace(" ", "") if any(_CJK.search(ch["text"]) for ch in cell) else _text(cell)
                     for cell in out)

    def header_cells(row: list[dict]) -> tuple[str, ...]:
        # A heading is often wider than its column: place each run of heading text by its centre.
        out = [""] * (len(borders) + 1)
        for run in _segments(sorted(row, key=lambda c: c["x0"]), gap=0.9):
            centre = (run[0]["x0"] + run[-1]["x1"]) / 2
            out[sum(1 for b in borders if centre > b)] += _text(run).replace(" ", "")
        return tuple(out)

    header = tuple(header_cells(row) for row in _char_lines(header_chars))
    if not _plausible([list(r) for r in (*header, *map(cells, body_rows))]):
        return None
    if len(header) > 1:  # a heading wrapped over two printed rows is one header row
        header = (tuple("".join(parts) for parts in zip(*header)),)
    body = tuple(cells(row) for row in body_rows)
    return TableAt(Table(header, body, row_pages=(page_number,) * len(body)), top, bottom, rules.x0, rules.x1)


def _find_tables(page) -> list:
    if not (page.lines or page.rects):
        return []
    return [t for t in page.find_tables(_TABLE_SETTINGS) if len(t.rows) >= 2 and len(t.rows[0].cells) >= 2]


def _stacked(rows: list[list[str | None]]) -> bool:
    """Body cells holding a column of figures one per line: the rules frame the body but do not part its rows."""
    return any(sum(is_figure(v) for v in (cell or "").split("\n")) >= 2 for row in rows[1:] for cell in row)


def _read_rows(chars: list[dict], columns: list[tuple[float, float]]) -> list[list[str]]:
    """Characters as rows (by baseline) of cells (the column whose span is nearest each character)."""
    rows: list[list[str]] = []
    for line in _char_lines(chars):
        cells: list[list[dict]] = [[] for _ in columns]
        for ch in line:
            centre = _mid(ch)[0]
            k = min(range(len(columns)), key=lambda i: 0 if columns[i][0] <= centre <= columns[i][1]
                    else min(abs(centre - columns[i][0]), abs(centre - columns[i][1])))
            cells[k].append(ch)
        rows.append([_text(cell).replace(" ", "") if any(_CJK.search(c["text"]) for c in cell) else _text(cell)
                     for cell in cells])
    return rows


def _beside(chars: list[dict], box: tuple[float, float, float, float], body_top: float,
            body: list[dict]) -> list[tuple[float, float]]:
    """Columns printed beside a table's rules, on its body rows: a 统计公报's 产品名称 and 比上年增长 columns stand
    outside the rules that frame only 单位 and 产量 (周口 2023, table 5: the products' names were lost, leaving
    "吨：产量 1577693"). Empty when nothing, or running text, stands there."""
    x0, top, x1, bottom = box
    outside = [c for c in chars if top <= _mid(c)[1] <= bottom and not x0 - 6 <= _mid(c)[0] <= x1 + 6]
    if not outside:
        return []
    baselines = [line[0]["bottom"] for line in _char_lines(body)]
    spans: list[list[float]] = []
    aligned = set()
    for line in _char_lines(outside):
        for seg in _segments(line):
            if len(seg) > 20:
                return []  # prose beside the table, not a column of it
            row = next((n for n, b in enumerate(baselines) if abs(seg[0]["bottom"] - b) <= 0.35 * seg[0]["size"]), None)
            if row is None and _mid(seg[0])[1] > body_top:
                continue
            if row is not None:
                aligned.add(row)
            spans.append([min(c["x0"] for c in seg), max(c["x1"] for c in seg)])
    if len(aligned) * 2 < len(baselines):
        return []
    merged: list[list[float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _by_columns(found, chars: list[dict]) -> tuple[list[list[str]], float, float]:
    """The rows of a table whose body rows have no rules between them, rebuilt from its characters: rows by
    baseline, columns where the header's cells stand, with the columns printed beside its rules; and the table's
    left and right edges so widened. pdfplumber gives such a body as one cell a column (a column of figures, the
    labels lost) — read as cells, values landed in the wrong columns."""
    heads = [c for c in found.rows[0].cells if c is not None]
    columns = [(c[0], c[2]) for c in heads]
    body_top = max(c[3] for c in heads)
    x0, top, x1, bottom = found.bbox
    inside = [c for c in chars if x0 <= _mid(c)[0] <= x1 and body_top < _mid(c)[1] < bottom]
    side = _beside(chars, found.bbox, body_top, inside)
    if not side:
        return _cells(found.extract()[:1]) + _read_rows(inside, columns), x0, x1
    columns = sorted(columns + side)
    x0, x1 = min(x0, columns[0][0]), max(x1, columns[-1][1])
    region = [c for c in chars if x0 - 1 <= _mid(c)[0] <= x1 + 1 and top <= _mid(c)[1] < bottom]
    head = [[" ".join(filter(None, cells)) for cells in zip(*_read_rows(
        [c for c in region if _mid(c)[1] <= body_top], columns))]]
    return head + _read_rows([c for c in region if _mid(c)[1] > body_top], columns), x0, x1


def _table_at(found, page_number: int | None, chars: list[dict]) -> TableAt | None:
    raw = found.extract()
    x0, top, x1, bottom = found.bbox
    if _stacked(raw):
        rows, x0, x1 = _by_columns(found, chars)
    else:
        rows = _cells(raw)
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    if not _plausible(rows):
        return None
    header, body = split_header(rows)
    return TableAt(Table(header, body, row_pages=(page_number,) * len(body)), top, bottom, x0, x1)


def page_layout(page, page_number: int | None = None) -> PageLayout:
    """Lines and tables of a pdfplumber page, in reading order. Rotated text (watermarks) is left out."""
    chars = [c for c in page.chars if c.get("upright", True) and c["text"].strip()]
    private = sum(1 for c in chars if _PRIVATE_USE.match(c["text"]))
    tables = [t for t in (_table_at(f, page_number, chars) for f in _find_tables(page)) if t is not None]
    if not tables:
        tables = [t for t in (_ruled_table(chars, r, page_number) for r in _rules(page)) if t is not None]
    # A heading cell may overhang the rules by a glyph (the ）of 平均缺失率（%）): half an em either side is the table's.
    boxes = [(t.x0 - 6, t.top - 1, t.x1 + 6, t.bottom + 1) for t in tables]
    text_chars = [c for c in chars if not _PRIVATE_USE.match(c["text"]) and not _inside(c, boxes)]
    lines = [_line(seg) for row in _char_lines(text_chars) for seg in _segments(row)]
    lines = [ln for ln in lines if ln.text]
    items = _text_tables(_reading_order(lines, tables, float(page.width)))
    return PageLayout(tuple(items), float(page.width), float(page.height), len(chars), private)


_VALUE = r"(?:[-+]?\(?[\d,]*\d(?:\.\d+)?%?\)?|[-—–]{1,2})"
_ROW = re.compile(rf"^(?P<label>.*?[^\d\s,.%()（）+\-—–].*?)(?P<values>(?:\s+{_VALUE})+)$")
_PROSE = re.compile(r"[，。；：:！？]")


def _row(line: Line) -> tuple[str, tuple[str, ...]] | None:
    """'中期借贷便利 32,720 124,800' -> ('中期借贷便利', ('32,720', '124,800')): a label, then figures apart."""
    match = _ROW.match(line.text)
    label = re.sub(r"^(?:加|减|其中|包括|含)[:：]", "", match.group("label")) if match else ""
    if not match or _PROSE.search(label) or len(label) > 40:  # 加：应计利息 is a row; a clause is prose
        return None
    return match.group("label").strip(), tuple(match.group("values").split())


def _text_tables(items: list[Item]) -> list[Item]:
    """Tables printed without rules: three or more lines in a row of one column, each a label and figures set
    apart, become a Table; the line above them names the columns when it has as many words as they have
    values. Read as text, the last value of one row ran into the label of the next."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and isinstance(items[j], Line) and _row(items[j]) and items[j].column == items[i].column:
            j += 1
        if j - i < 3:
            out.append(items[i])
            i += 1
            continue
        rows = [_row(it) for it in items[i:j]]
        width = max(len(values) for _, values in rows)
        pages = [values[0] for _, values in rows if len(values) == 1 and values[0].isdigit()]
        if len(pages) == len(rows) and [int(p) for p in pages] == sorted(int(p) for p in pages):
            out += items[i:j]  # a contents list: titles and the pages they start on, in order
            i = j
            continue
        header: tuple[tuple[str, ...], ...] = ()
        above = out[-1] if out and isinstance(out[-1], Line) else None
        if above is not None and not _PROSE.search(above.text) and len(above.text) <= 60:
            words = above.text.split()
            if len(words) in (width, width + 1) and len(words) >= 2:
                header = ((("",) if len(words) == width else ()) + tuple(words),)
                out.pop()
        body = tuple((label, *values) for label, values in rows)
        first, last = items[i], items[j - 1]
        top = min(first.top, above.top) if header and above is not None else first.top
        out.append(TableAt(Table(header, body), top, last.bottom, min(it.x0 for it in items[i:j]),
                           max(it.x1 for it in items[i:j]), first.column))
        i = j
    return out


def body_size(lines: list[Line]) -> float:
    """The size most characters of these lines are printed in (0 without lines)."""
    weights: dict[float, int] = {}
    for ln in lines:
        weights[ln.size] = weights.get(ln.size, 0) + len(ln.text)
    return max(weights, key=weights.get) if weights else 0.0

