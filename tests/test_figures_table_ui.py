"""数据一览's downloads: the real figures table written as CSV and XLSX, each read back the way Excel would."""
from __future__ import annotations

import csv
import dataclasses
import io
import re
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from rag.serve import export

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode("utf-8"))  # the BOM: Excel reads UTF-8, not GBK
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(path: Path) -> tuple[str, list[list]]:
    """(sheet name, rows) from the file's own XML (openpyxl is not installed): numbers as floats, text as str."""
    with zipfile.ZipFile(path) as book:
        sheet_name = ElementTree.fromstring(book.read("xl/workbook.xml")).find("m:sheets/m:sheet", NS).get("name")
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
                      for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.findall("m:sheetData/m:row", NS):
        values: dict[int, object] = {}
        for cell in row.findall("m:c", NS):
            assert cell.find("m:f", NS) is None  # no cell is a formula
            letters = re.match(r"[A-Z]+", cell.get("r")).group(0)
            column = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters))) - 1
            kind, value = cell.get("t"), cell.findtext("m:v", default="", namespaces=NS)
            if kind == "s":
                values[column] = shared[int(value)]
            elif kind == "inlineStr":
                values[column] = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
            else:
                values[column] = float(value)
        rows.append([values.get(c, "") for c in range(max(values) + 1 if values else 0)])
    return sheet_name, rows


@pytest.fixture(scope="module")
def rows(report):
    return report.figures()


def test_csv_holds_every_row_with_its_heading_and_the_figure_as_printed(rows):
    table = read_csv(export.csv_bytes(rows))
    assert table[0] == export.HEADINGS
    assert export.HEADINGS[:4] == ["指标", "所属", "时期", "数值"] and export.HEADINGS[-1] == "编号"
    assert len(table) == len(rows) + 1 and [r[-1] for r in table[1:]] == [f.id for f in rows]
    funds = next(r for r in table if r[0] == "日常运行经费")
    heading = export.HEADINGS.index
    assert (funds[heading("所属")], funds[heading("时期")], funds[heading("数值")]) == ("常州", "每年", "200万元")
    assert (funds[heading("换算值")], funds[heading("单位")], funds[heading("页码")]) == ("2000000", "元", "71")
    assert funds[heading("出处")].endswith("第71页起") and "200万元日常运行经费" in funds[heading("原句")]
    assert any(r[heading("数值")] == "1200余家" and r[heading("限定词")] == "余" for r in table)
    assert any(r[heading("换算值")] == "35000" and r[heading("数值")] == "3.5万人次" for r in table)
    assert export.csv_bytes(rows).count(b"\r\n") == len(rows) + 1  # Excel's line ends


def test_a_cell_excel_would_run_as_a_formula_is_written_as_text(rows):
    hostile = dataclasses.replace(rows[0], sentence='=HYPERLINK("http://x.example","点击")', label="@SUM(A1)",
                                  raw="-5%")
    table = read_csv(export.csv_bytes([hostile]))
    heading = export.HEADINGS.index
    assert table[1][heading("原句")] == "'=HYPERLINK(\"http://x.example\",\"点击\")"
    assert table[1][heading("指标")] == "'@SUM(A1)" and table[1][heading("数值")] == "-5%"  # a signed number stays


def test_xlsx_reads_back_with_numbers_as_numbers(rows, tmp_path):
    path = export.write_xlsx(rows, tmp_path / "figures.xlsx")
    sheet, table = read_xlsx(path)
    assert sheet == "数据一览" and table[0] == export.HEADINGS and len(table) == len(rows) + 1
    heading = export.HEADINGS.index
    funds = next(r for r in table if r[0] == "日常运行经费")
    assert funds[heading("数值")] == "200万元" and funds[heading("换算值")] == 2000000.0
    assert funds[heading("页码")] == 71.0 and funds[heading("出处")].endswith("第71页起")
    assert [r[heading("编号")] for r in table[1:]] == [f.id for f in rows]
    hostile = dataclasses.replace(rows[0], sentence="=1+1")
    _, written = read_xlsx(export.write_xlsx([hostile], tmp_path / "hostile.xlsx"))
    assert written[1][heading("原句")] == "=1+1"  # stored as text (no formula element), shown as typed


def test_write_puts_each_set_of_rows_in_its_own_folder_once(rows, tmp_path):
    csv_path = export.write(rows, "csv", tmp_path)
    xlsx_path = export.write(rows, "xlsx", tmp_path)
    assert csv_path.name == "数据一览.csv" and xlsx_path.name == "数据一览.xlsx"
    assert csv_path.parent == xlsx_path.parent and csv_path.parent.parent == tmp_path
    assert csv_path.read_bytes() == export.csv_bytes(rows) and read_xlsx(xlsx_path)[1][0] == export.HEADINGS
    written = csv_path.stat().st_mtime_ns
    assert export.write(list(rows), "csv", tmp_path) == csv_path and csv_path.stat().st_mtime_ns == written
    fewer = export.write(rows[:3], "csv", tmp_path)
    assert fewer.parent != csv_path.parent and len(read_csv(fewer.read_bytes())) == 4
    assert not list(tmp_path.rglob("*.partial"))
    with pytest.raises(ValueError, match="unknown export format"):
        export.write(rows, "pdf", tmp_path)


def test_old_exports_are_pruned(rows, tmp_path):
    for n in range(1, 5):
        export.write(rows[:n], "csv", tmp_path)
        time.sleep(0.01)  # distinct modification times
    newest = export.write(rows[:5], "csv", tmp_path)
    export.prune(tmp_path, keep=2)
    kept = sorted(p for p in tmp_path.iterdir())
    assert len(kept) == 2 and newest.parent in kept
