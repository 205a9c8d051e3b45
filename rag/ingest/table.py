"""A table as data (caption, unit, header rows, body rows, the page of each row), shared by the PDF and DOCX readers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.figures import Figure, extract_figures
from rag.text.normalize import for_search


@dataclass(frozen=True)
class Table:
    """One printed table. Cells are text as printed, merged cells repeated; empty cells are ""."""
    header: tuple[tuple[str, ...], ...]  # column heading rows, repeated on every part of the table
    rows: tuple[tuple[str, ...], ...]  # body rows; the first cell names the row
    caption: str = ""  # e.g. 表 3 主要会计数据
    unit: str = ""  # e.g. 单位：万元
    row_pages: tuple[int | None, ...] = ()  # printed page of each body row (a table may span pages); () without pages


def column_names(table: Table) -> list[str]:
    """Each column's heading: the header rows' cells joined top to bottom, a merged cell named once."""
    width = max((len(r) for r in (*table.header, *table.rows)), default=0)
    names = []
    for c in range(width):
        parts: list[str] = []
        for row in table.header:
            cell = row[c] if c < len(row) else ""
            if cell and cell not in parts:
                parts.append(cell)
        names.append("/".join(parts))
    return names


# A table's caption: 表1 …, 表 3-1 …, 续表2, 附表, Table 4 (not 表明 or 表示, not 表3%).
CAPTION = re.compile(r"^(?:[续續]?表\s*[\d一二三四五六七八九十]+(?:\s*[-－—–.．]\s*\d+)*(?![\d%])|附表|Table\s*\d+)")
# Its unit: 单位：万元 (金额单位: 元, （单位：人次、万元）, 單位：度；%), alone on a line or ending the caption line.
UNIT = re.compile(r"[（(]?\s*((?:金额|货币|计量|金額|貨幣|計量)?[单單]位\s*[：:]\s*[^（）()\s][^（）()]*?)\s*[）)]?\s*$")
# 月均收入（元）, 节电率（%）, 产量（万吨）: a unit word in brackets ending a heading — not 红薯（鲜薯）.
_UNIT_IN_NAME = re.compile(r"\s*[（(]((?=[^（）()\d]*[元吨人户%％个亩件次台辆米瓦度斤头只册所家项套升倍‰点日时])[^（）()\d]{1,6})[）)]$")
# 单位：万元 / 单位：人次、万元 / 單位：度；% / （货币单位：人民币百万元）
_UNIT_LINE = re.compile(r"(?:单位|單位)\s*[:：]\s*(?:人民币|新臺幣|新台币)?([^\s（）()]+)")
_RATE = re.compile(r"率|比例|占比|比重|增[减長长]|同比")
_BARE_UNIT = re.compile(r"[万亿千百]?(?:元|人次|人|个|家|所|项|件|台|辆|吨|吨公里|人公里|公里|千瓦时|千瓦|平方米|平方公里|立方米|"
                        r"公顷|亩|户|头|只|床|张|册|部|套|次|场)")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")  # a figure as a cell prints it: 1,234.56, -12.34%


def is_figure(text: str) -> bool:
    """A cell, a chart label or a word that is one figure and nothing else."""
    return bool(_NUMBER.fullmatch(text.replace(" ", "")))


def column_units(table: Table, names: list[str]) -> list[str]:
    """Each column's unit: its heading's （…）; else the table's 单位 line — one unit for all, one unit a value
    column in order, or a percentage for the rate columns and the other unit for the rest; else ""."""
    line = _UNIT_LINE.search(table.unit)
    listed = [u for u in re.split(r"[、，,；;/]", line.group(1)) if u] if line else []
    values = len(names) - 1
    units = []
    for c, name in enumerate(names):
        own = _UNIT_IN_NAME.search(name)
        if own or c == 0 or not listed:
            units.append(own.group(1) if own else "")
        elif len(listed) == 1:
            units.append("" if _RATE.search(name) and listed[0] != "%" else listed[0])  # a rate is no sum of 元
        elif len(listed) == values:
            units.append(listed[c - 1])
        elif "%" in listed and len(listed) == 2:
            other = next(u for u in listed if u != "%")
            units.append("%" if _RATE.search(name) else other)
        else:
            units.append("")
    return units


def row_text(row: tuple[str, ...], names: list[str], units: list[str] | None = None) -> str:
    """营业收入：2024年 1,234.5万元，2023年 1,100.2万元。 — the row's label, each value with its column's name and
    unit (a heading's own （%） wins): one sentence a row, so that a question about one cell finds its row, column
    and unit together."""
    label, values = (row[0], row[1:]) if len(row) > 1 else ("", row)
    own = _UNIT_IN_NAME.search(label)
    # A 单位 column (statistical bulletins: 旅客运输总量 | 万人 | 4448.38 | 110.6) gives the row's values their unit,
    # except a rate's (增长% 110.6 is no count of 万人).
    stated = next((v.strip() for c, v in enumerate(values, start=1)
                   if c < len(names) and names[c].strip() in ("单位", "计量单位") and _BARE_UNIT.fullmatch(v.strip())), "")
    cells = []
    for c, value in enumerate(values, start=1):
        if not value or value == label:
            continue
        column = _UNIT_IN_NAME.search(names[c]) if c < len(names) else None
        name = _UNIT_IN_NAME.sub("", names[c]) if c < len(names) else ""
        # A column's own （%） wins over the row's: 社会培训（人日）'s 完成率（%） is 114.03%, not 114.03人日.
        unit = (column or own).group(1) if column or own else units[c] if units and c < len(units) else ""
        if not unit and stated and not _RATE.search(name) and "%" not in name:
            unit = stated
        value = value + unit if unit and is_figure(value) and not value.endswith("%") else value
        cells.append(f"{name} {value}" if name and name != value else value)
    body = "，".join(cells)
    return (f"{label}：{body}" if label else body) + ("。" if body else "")


def _amount(row: tuple[str, ...]) -> float | None:
    """The row's first value as a number (1,577,693 / -3.3), None when it prints none."""
    for cell in row[1:]:
        if re.fullmatch(r"[-+]?[\d,]*\d(?:\.\d+)?", cell.strip()):
            return float(cell.replace(",", ""))
    return None


def _adds_up(rows: tuple[tuple[str, ...], ...], parent: int, start: int) -> int | None:
    """The last row of the run from `start` whose first values add up to the parent row's (within rounding)."""
    total, amount = 0.0, _amount(rows[parent])
    if amount is None:
        return None
    for k in range(start, len(rows)):
        value = _amount(rows[k])
        if value is None:
            return None
        total += value
        if abs(total - amount) <= max(0.006 * (k - start + 1), 0.002 * abs(amount)):
            return k
        if total > amount:
            return None
    return None


def row_labels(table: Table) -> list[str]:
    """Each row's label, a sub-item's with the row it is part of: a 统计公报 marks the first item of a breakdown
    with # (货物运输周转量 / #铁路 / 水运 / 公路), so "水运：175.26" said nothing of 周转量. The breakdown is the run of
    rows whose values add up to the row above it (or to the last such total: #男性 / 女性 after #城镇 / 乡村 both
    break down 总人口); a # row whose run adds up to nothing is given the row above it alone."""
    rows = table.rows
    labels = [row[0] if len(row) > 1 else "" for row in rows]
    out = list(labels)
    last_total: int | None = None
    i = 0
    while i < len(rows):
        if not labels[i].startswith("#") or i == 0:
            i += 1
            continue
        for parent in (i - 1, last_total):
            end = _adds_up(rows, parent, i) if parent is not None else None
            if end is not None:
                for k in range(i, end + 1):
                    out[k] = f"{labels[parent].lstrip('#')} {labels[k]}"
                last_total, i = parent, end + 1
                break
        else:
            if not labels[i - 1].startswith("#"):  # #税收收入 under #一般公共预算收入 only when they add up
                out[i] = f"{labels[i - 1].lstrip('#')} {labels[i]}"
            i += 1
    return out


def table_parts(table: Table, max_chars: int) -> list[tuple[str, int | None]]:
    """The table as passages of whole rows, each opening with its caption and unit, never across a page break."""
    names = column_names(table)
    units = column_units(table, names)
    unit = table.unit.strip().strip("（）()")
    head = table.caption + (f"（{unit}）" if unit else "")
    if not table.header and not table.caption and not table.unit:
        head = ""
    pages = list(table.row_pages) + [None] * (len(table.rows) - len(table.row_pages))
    parts: list[tuple[str, int | None]] = []
    lines: list[str] = []
    page: int | None = None
    for row, label, row_page in zip(table.rows, row_labels(table), pages):
        text = row_text((label, *row[1:]) if len(row) > 1 else row, names, units)
        if not text.strip("：。"):
            continue
        size = len(head) + sum(len(x) + 1 for x in lines) + len(text)
        if lines and (row_page != page or size > max_chars):
            parts.append(("\n".join(([head] if head else []) + lines), page))
            lines = []
        if not lines:
            page = row_page
        lines.append(text[: max(max_chars - len(head), 50)])
    if lines:
        parts.append(("\n".join(([head] if head else []) + lines), page))
    if not parts and head:
        parts.append((head, pages[0] if pages else None))
    return parts


# -- table rows read back from a passage -------------------------------------------------------
# A table row as the chunker writes it (rag.ingest.table.row_text): 营业收入：2024年 1,234.5万元，2023年 1,100.2万元。
_ROW = re.compile(r"^(?P<label>(?:(?:减|加|其中)：)?[^：\n]{1,40})：(?P<cells>[^\n]+?)。?$", re.M)  # 减：所得税影响额
_CELL = re.compile(r"^(?P<name>\S.*?)\s+(?P<value>[-+−]?[\d.,，%]+\S*)$")
_UNIT = re.compile(r"[（(][^）)]*[）)]")


@dataclass(frozen=True)
class Cell:
    row: str  # the row's label as printed
    column: str  # the column's name ("" when the row prints bare values)
    figure: Figure
    line: int  # which row line of the passage


def label_key(text: str) -> str:
    """A label as compared: unit brackets, quotes and spaces out (“双师型”教师比例（%） is 双师型教师比例)."""
    return re.sub(r"[\s“”\"'‘’《》]", "", for_search(_UNIT.sub("", text)))


def row_words(line: str, column: str) -> str:
    """A table row's line as said of one of its cells: its label, the cells that print words (names, codes that are
    no quantity) and the cell of `column`, without the other columns' names and figures."""
    row = _ROW.match(line.strip())
    if row is None:
        return line
    kept = [part for part in row.group("cells").split("，")
            if (named := _CELL.match(part.strip())) is None or named.group("name").strip() == column]
    return f"{row.group('label')}：{'，'.join(kept)}"


def cells(text: str) -> list[Cell]:
    """The named cells of the passage's table-row lines; lines of running text give none."""
    out: list[Cell] = []
    for line, row in enumerate(_ROW.finditer(text)):
        for part in row.group("cells").split("，"):
            named = _CELL.match(part.strip())
            if named is None:
                continue
            figures = extract_figures(named.group("value"), include_all=True)
            if figures:
                out.append(Cell(row.group("label").strip(), named.group("name").strip(), figures[0], line))
    return out
