"""Read a Word document: paragraphs and tables in the order they stand, heading styles and bold numbered lines as
# headings, each table as a Table with its caption and unit."""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

from rag.ingest.headings import looks_like_heading_text, scheme
from rag.ingest.plain import Progress, ReadInfo, ReadText
from rag.ingest.table import CAPTION, UNIT, Table
from rag.ingest.titles import TitleLine, TitlePage, is_chinese, metadata_title, printed_issuer, printed_title

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# 表1 / 表 1-2 / 续表3 / 附表2: a table's caption (a paragraph just above the table, or just below it).
_PAGE_NUMBER = re.compile(r"(?:\t|\.{2,}|…+|·{2,}|\s{2,})\s*\d+$")  # 一、学校概况<tab>1: a contents line
HEADING_MAX_CHARS = 40  # a bold numbered line longer than this is a lead-in sentence, not a heading


@dataclass(frozen=True)
class _Para:
    text: str
    heading: str = ""  # "# 标题" when the paragraph is a heading


def read_docx(data: bytes, progress: Progress | None = None) -> ReadText:
    """Word: paragraphs and tables in body order; "Heading N" / "标题 N" styles, and bold numbered lines at body
    size or larger, become # headings; a table is a "" line with its Table (caption and unit lines taken in)."""
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document))
        title = metadata_title(document.core_properties.title or "")
        author = (document.core_properties.author or "").strip()
        first = _first_page(document)
    except Exception as err:  # python-docx raises zipfile, lxml and KeyError alike on damaged files
        raise ValueError(f"无法读取 DOCX，文件可能已损坏（corrupt DOCX: {type(err).__name__}）") from None
    lines, tables = _lay_out(blocks)
    text = "\n".join(lines)
    if not text.strip() and not tables:
        raise ValueError("DOCX 中没有文字（no text in DOCX）")
    printed = printed_title([first], _body_size(list(document.paragraphs)) or 0.0)
    info = ReadInfo(printed_title=printed, printed_issuer=printed_issuer([first], title or printed), author=author,
                    chinese=is_chinese(text))
    return ReadText(text, "docx", tables=tables, title=title, info=info)


_FIRST_PARAGRAPHS = 20  # a Word document's "first page" for its title: its first paragraphs with text


def _first_page(document) -> TitlePage:
    """The first paragraphs with text (before the first table or page break), as lines with their size, weight and
    alignment; a paragraph in the Title style counts as the largest."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.text.paragraph import Paragraph

    lines: list[TitleLine] = []
    body = document.element.body
    for n, element in enumerate(body.iterchildren()):
        if element.tag == f"{W}tbl" or len(lines) >= _FIRST_PARAGRAPHS:
            break
        if element.tag != f"{W}p":
            continue
        paragraph = Paragraph(element, document._body)
        text = paragraph.text.strip()
        breaks = element.xpath(".//w:br[@w:type='page']") or element.xpath(".//w:pageBreakBefore")
        if re.fullmatch(r"目\s*[录錄次]|(?i:contents)", text):
            break  # the contents begin: the title page is over
        if text:
            runs = [r for r in paragraph.runs if r.text.strip()]
            sizes = [s for s in (_run_size(r, paragraph) for r in runs) if s]
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            size = max(sizes, default=0.0) + (100.0 if style in ("Title", "标题") else 0.0)
            alignment = paragraph.alignment if paragraph.alignment is not None else (
                paragraph.style.paragraph_format.alignment if paragraph.style is not None else None)
            bold = bool(runs) and all(_run_bold(r, paragraph) for r in runs)
            # Positions in points, a paragraph a line of 20 pt: paragraphs next to each other touch, an empty one
            # between them parts them.
            lines.append(TitleLine(text, size, bold, alignment == WD_ALIGN_PARAGRAPH.CENTER, 20.0 * n, 20.0 * n + 16))
        if breaks and lines:
            break
    return TitlePage(tuple(lines))


def _blocks(document) -> list[_Para | Table]:
    """The body in order, paragraphs and tables. A table of one row or one column is a frame around text (a text
    box, two tables set side by side): its paragraphs and tables stand in its place."""
    from docx.table import Table as DocxTable, _Cell
    from docx.text.paragraph import Paragraph

    items: list = []  # Paragraph, or (DocxTable, grid)

    def walk(element, parent) -> None:
        for child in element.iterchildren():
            if child.tag == f"{W}p":
                items.append(Paragraph(child, parent))
            elif child.tag == f"{W}tbl":
                table = DocxTable(child, parent)
                grid = _grid(table)
                if len(grid) < 2 or max(map(len, grid), default=0) < 2:
                    for row in table.rows:
                        for cell in _unique(row.cells):
                            walk(cell._tc, _Cell(cell._tc, table))
                else:
                    items.append((table, grid))
            elif child.tag == f"{W}sdt":  # a content control (a cover page, a form field) holds body text too
                content = child.find(f"{W}sdtContent")
                walk(content if content is not None else child, parent)

    walk(document.element.body, document._body)
    size = _body_size([item for item in items if isinstance(item, Paragraph)])
    return [_para(item, size) if isinstance(item, Paragraph) else _table(*item) for item in items]


def _para(paragraph, body_size: float | None) -> _Para:
    text = paragraph.text
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    level = re.search(r"(?:Heading|标题)\s*(\d)", style)
    if text.strip() and (level or style == "Title"):
        return _Para(text, "#" * int(level.group(1) if level else 1) + " " + text.strip())
    if _bold_heading(paragraph, body_size):
        return _Para(text, "## " + text.strip())
    return _Para(text)


def _bold_heading(paragraph, body_size: float | None) -> bool:
    """一、公司信息 printed bold at body size or larger, short, not ending as a clause: a heading without a style."""
    text = paragraph.text.strip()
    if not looks_like_heading_text(text, HEADING_MAX_CHARS) or scheme(text) is None:
        return False
    if _PAGE_NUMBER.search(text):
        return False
    if CAPTION.match(text) or UNIT.match(text):
        return False
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs or not all(_run_bold(r, paragraph) for r in runs):
        return False
    size = _run_size(runs[0], paragraph)
    return body_size is None or size is None or size >= body_size


def _style_value(style, attribute: str):
    """A font attribute as the style sets it, or as the style it is based on does."""
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def _run_bold(run, paragraph) -> bool:
    for value in (run.bold, _style_value(run.style, "bold") if run.style is not None else None,
                  _style_value(paragraph.style, "bold")):
        if value is not None:
            return bool(value)
    return False


def _run_size(run, paragraph) -> float | None:
    size = run.font.size or (_style_value(paragraph.style, "size") if paragraph.style is not None else None)
    return size.pt if size is not None else None


def _body_size(paragraphs: list) -> float | None:
    """The font size most characters of the document are printed in."""
    sizes: Counter[float] = Counter()
    for paragraph in paragraphs:
        for run in paragraph.runs:
            size = _run_size(run, paragraph)
            if size is not None and run.text.strip():
                sizes[size] += len(run.text.strip())
    return sizes.most_common(1)[0][0] if sizes else None


def _unique(cells) -> list:
    return list({id(c._tc): c for c in cells}.values())


def _cell_text(cell) -> str:
    return re.sub(r"\s+", " ", " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())).strip()


def _grid(table) -> list[list[str]]:
    """Rows of cell texts, a merged cell repeated over the columns and rows it spans, short rows padded."""
    grid = []
    for row in table.rows:
        cells = [""] * row.grid_cols_before + [_cell_text(c) for c in row.cells] + [""] * row.grid_cols_after
        grid.append(cells)
    width = max(map(len, grid), default=0)
    rows = [cells + [""] * (width - len(cells)) for cells in grid]
    return [r for r in rows if any(r)]


def _is_header_row(row) -> bool:
    trpr = row._tr.trPr
    mark = trpr.find(f"{W}tblHeader") if trpr is not None else None
    return mark is not None and mark.get(f"{W}val", "true") not in ("false", "0", "off")


def _table(table, grid: list[list[str]]) -> Table:
    """Header rows: those marked to repeat on every page, else the first row (and the rows its first cell spans
    down into); a first row that only says 单位：万元 gives the unit instead."""
    unit = ""
    first = {c for c in grid[0] if c}
    if len(first) == 1 and _unit_of(next(iter(first))):
        unit = _unit_of(next(iter(first)))
        grid = grid[1:]
    marked = 0
    for row in table.rows:
        if not _is_header_row(row):
            break
        marked += 1
    header = marked - (1 if unit and marked else 0)
    if header <= 0:
        header = 1
        trs = [r._tr for r in table.rows if any(_cell_text(c) for c in r.cells)][1 if unit else 0:]
        while header < len(trs) and trs[header].tc_lst and trs[header].tc_lst[0].vMerge == "continue":
            header += 1  # 项目 printed over two header rows: the second row is header too
    header = min(header, len(grid) - 1) if len(grid) > 1 else len(grid)
    return Table(header=tuple(map(tuple, grid[:header])), rows=tuple(map(tuple, grid[header:])), unit=unit)


def _unit_of(text: str) -> str:
    match = UNIT.fullmatch(text.strip())
    return re.sub(r"\s+", " ", match.group(1)) if match else ""


def _caption_and_unit(text: str) -> tuple[str, str]:
    """表1 主要会计数据（单位：万元） -> ("表1 主要会计数据", "单位：万元")."""
    text = text.strip()
    match = UNIT.search(text)
    if match and match.start() > 0:
        return text[:match.start()].strip(), re.sub(r"\s+", " ", match.group(1))
    return text, ""


def _lay_out(blocks: list) -> tuple[list[str], dict[int, Table]]:
    """Lines of text, a table's line "" with the table; the caption and unit lines a table takes are not repeated."""
    used: set[int] = set()
    found: dict[int, Table] = {}
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            found[i] = _dress(block, blocks, i, used)
    lines: list[str] = []
    tables: dict[int, Table] = {}
    for i, block in enumerate(blocks):
        if i in used:
            continue
        if i in found:
            tables[len(lines)] = found[i]
            lines.append("")
        else:
            lines.append(block.heading or block.text)
    return lines, tables


def _near(blocks: list, i: int, step: int, used: set[int]) -> list[int]:
    """The two text paragraphs nearest block i on one side (empty ones skipped), stopping at a table or heading."""
    out: list[int] = []
    j = i + step
    while 0 <= j < len(blocks) and len(out) < 2:
        block = blocks[j]
        if isinstance(block, Table) or j in used or block.heading:
            break
        if block.text.strip():
            out.append(j)
        j += step
    return out


def _kind(block: _Para) -> str:
    text = block.text.strip()
    return "caption" if CAPTION.match(text) else "unit" if _unit_of(text) else "text"


def _dress(table: Table, blocks: list, i: int, used: set[int]) -> Table:
    """The table with its caption and unit, the lines taken marked used. Above it: 表1 …, 单位：…, or both in
    either order; else a caption just below it (unless it stands over the next table), and a unit under that."""
    above = _near(blocks, i, -1, used)
    kinds = [_kind(blocks[j]) for j in above]
    if sorted(kinds) == ["caption", "unit"]:
        taken = above
    else:
        taken = above[:1] if kinds[:1] in (["caption"], ["unit"]) else []
    if "caption" not in kinds[:len(taken)]:
        below = _near(blocks, i, 1, used)
        if below and _kind(blocks[below[0]]) == "caption" and not _opens_a_table(blocks, below[0]):
            taken.append(below[0])
            if len(below) > 1 and _kind(blocks[below[1]]) == "unit" and "unit" not in kinds[:len(taken) - 1]:
                taken.append(below[1])
    caption, unit = "", table.unit
    for j in taken:
        if _kind(blocks[j]) == "caption":
            caption, inline = _caption_and_unit(blocks[j].text)
            unit = unit or inline
        else:
            unit = unit or _unit_of(blocks[j].text)
        used.add(j)
    return Table(header=table.header, rows=table.rows, caption=caption, unit=unit)


def _opens_a_table(blocks: list, j: int) -> bool:
    """The caption at j stands right above another table (perhaps with a unit line between): it is that table's."""
    for block in blocks[j + 1:j + 4]:
        if isinstance(block, Table):
            return True
        if block.heading or (block.text.strip() and _kind(block) != "unit"):
            return False
    return False
