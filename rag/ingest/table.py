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
