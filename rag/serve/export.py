"""Figures-table rows as files to open in Excel: CSV (UTF-8 with a BOM) and XLSX, written to a temporary folder."""
from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from rag.ingest.facts import Figure

FILE_STEM = "数据一览"
FORMATS = ("csv", "xlsx")
KEEP_EXPORTS = 100  # distinct exports kept in the folder; older ones have long been handed to the browser


def _number(value: float) -> int | float:
    # 2000000.0 reads as 2000000 in a spreadsheet; 3.5 stays 3.5.
    return int(value) if float(value).is_integer() else value


# (heading, value of a row): what a researcher needs to check a figure without opening the report.
COLUMNS: tuple[tuple[str, Callable[[Figure], object]], ...] = (
    ("指标", lambda f: f.measure),
    ("所属", lambda f: f.subject),
    ("时期", lambda f: f.period),
    ("数值", lambda f: f.printed),
    ("换算值", lambda f: _number(f.value)),
    ("单位", lambda f: f.unit),
    ("限定词", lambda f: f.qualifier),
    ("出处", lambda f: f.citation),
    ("页码", lambda f: f.page if f.page is not None else ""),
    ("原句", lambda f: f.sentence),
    ("文档", lambda f: f.document),
    ("编号", lambda f: f.id),
)
HEADINGS = [heading for heading, _ in COLUMNS]


# Excel runs a CSV cell that starts with = + - @ as a formula, and any document in the corpus may print one:
# such text gets a leading ' (Excel shows it as text). A signed number (-5%, +3.5) is left as it is. The XLSX
# file needs none: its cells are typed (strings_to_formulas off).
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_SIGNED_NUMBER = re.compile(r"^[+\-]\d[\d.,]*%?$")


def _safe(cell: object) -> object:
    if isinstance(cell, str) and _FORMULA_START.match(cell) and not _SIGNED_NUMBER.match(cell):
        return "'" + cell
    return cell


def table(rows: Iterable[Figure]) -> list[list]:
    """One list of cell values per row, in COLUMNS order (numbers stay numbers)."""
    return [[value(f) for _, value in COLUMNS] for f in rows]


def csv_bytes(rows: Iterable[Figure]) -> bytes:
    """The rows as CSV with a heading row; the BOM makes Excel read the Chinese as UTF-8 rather than GBK."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # \r\n line ends, as Excel writes them
    writer.writerow(HEADINGS)
    writer.writerows([_safe(cell) for cell in values] for values in table(rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[Figure], path: Path) -> Path:
    """The rows as one worksheet with a bold, frozen heading row; 换算值 and 页码 are numbers Excel can sum."""
    import xlsxwriter  # only the Excel export needs it

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})  # a sentence is text, never a formula
    sheet = workbook.add_worksheet(FILE_STEM)
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, HEADINGS, bold)
    for r, values in enumerate(table(rows), 1):
        sheet.write_row(r, 0, values)
    sheet.freeze_panes(1, 0)
    for c, width in enumerate((24, 8, 10, 12, 12, 6, 6, 60, 6, 60, 30, 20)):
        sheet.set_column(c, c, width)
    workbook.close()
    return path


def write(rows: list[Figure], fmt: str, folder: Path) -> Path:
    """数据一览.csv or .xlsx of these rows under folder (a temporary one: never the corpus or the index).
    Each distinct set of rows gets its own subfolder, so two visitors never overwrite each other's file and the
    same rows asked again are not written again."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    data = csv_bytes(rows)
    target = folder / hashlib.sha256(data).hexdigest()[:16] / f"{FILE_STEM}.{fmt}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Whole or absent, even with two visitors exporting the same rows at once.
        partial = target.with_name(f".{uuid.uuid4().hex}.{fmt}.partial")
        if fmt == "csv":
            partial.write_bytes(data)
        else:
            write_xlsx(rows, partial)
        partial.replace(target)
        prune(folder)
    return target


def prune(folder: Path, keep: int = KEEP_EXPORTS) -> None:
    """Bounds the folder on a server that runs for months: the oldest exports go."""
    subfolders = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in subfolders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
