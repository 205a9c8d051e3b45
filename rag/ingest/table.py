"""A table as data (caption, unit, header rows, body rows, the page of each row), shared by the PDF and DOCX readers."""
from __future__ import annotations

from dataclasses import dataclass


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


def row_text(row: tuple[str, ...], names: list[str]) -> str:
    """营业收入：2024年 1,234.5；2023年 1,100.2 — the row's label, then each value with its column's name."""
    label, values = (row[0], row[1:]) if len(row) > 1 else ("", row)
    cells = []
    for c, value in enumerate(values, start=1):
        if not value or value == label:
            continue
        name = names[c] if c < len(names) else ""
        cells.append(f"{name} {value}" if name and name != value else value)
    return f"{label}：{'；'.join(cells)}" if label else "；".join(cells)


def table_parts(table: Table, max_chars: int) -> list[tuple[str, int | None]]:
    """The table as passages of whole rows, each opening with its caption and unit, never across a page break."""
    names = column_names(table)
    head = table.caption + (f"（{table.unit}）" if table.unit else "")
    if not table.header and not table.caption and not table.unit:
        head = ""
    pages = list(table.row_pages) + [None] * (len(table.rows) - len(table.row_pages))
    parts: list[tuple[str, int | None]] = []
    lines: list[str] = []
    page: int | None = None
    for row, row_page in zip(table.rows, pages):
        text = row_text(row, names)
        if not text.strip("：；"):
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
