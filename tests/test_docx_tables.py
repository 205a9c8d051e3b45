"""Word documents built with python-docx: tables stay where they stand, with header rows, merged cells, caption
and unit; bold numbered lines are headings; the core-properties title is the document's title."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from rag.ingest.docx import read_docx
from rag.ingest.table import Table

FUNDS = [["项目", "2023年", "2024年"], ["财政拨款", "30,247.86", "32,519.44"], ["学费收入", "7,688.95", "8,102.33"]]


def add_table(document, rows: list[list[str]], header_rows: int = 0):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
        if i < header_rows:  # Word's "repeat as header row at the top of each page"
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), "true")
            table.rows[i]._tr.get_or_add_trPr().append(mark)
    return table


def bold(document, text: str, size: float | None = None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    if size:
        run.font.size = Pt(size)
    return paragraph


def body(document, text: str):
    paragraph = document.add_paragraph()
    paragraph.add_run(text).font.size = Pt(12)
    return paragraph


def read(document, tmp_path: Path):
    path = tmp_path / "report.docx"
    document.save(str(path))
    result = read_docx(path.read_bytes())
    lines = result.text.split("\n")
    assert all(lines[i] == "" for i in result.tables)  # a table's line holds ""
    return result, lines


def test_tables_stay_between_the_paragraphs_they_stand_between(tmp_path):
    document = docx.Document()
    body(document, "学校经费收入继续增长，见表1。")
    body(document, "单位：万元")
    body(document, "表1  2023—2024年办学经费收入情况")
    add_table(document, FUNDS)
    body(document, "生均财政拨款水平达到2.41万元。")
    add_table(document, [["专业群", "毕业生数（人）"], ["智能制造", "1,106"], ["电子信息", "884"]])
    body(document, "表 2-1  毕业生就业情况")
    body(document, "毕业生满意度为96.2%。")
    result, lines = read(document, tmp_path)
    assert [line for line in lines if line] == ["学校经费收入继续增长，见表1。", "生均财政拨款水平达到2.41万元。",
                                                  "毕业生满意度为96.2%。"]  # caption and unit lines are taken in
    first, second = sorted(result.tables)
    assert lines[first - 1] == "学校经费收入继续增长，见表1。" and lines[first + 1] == "生均财政拨款水平达到2.41万元。"
    assert lines[second - 1] == "生均财政拨款水平达到2.41万元。" and lines[second + 1] == "毕业生满意度为96.2%。"
    assert result.tables[first] == Table(header=(("项目", "2023年", "2024年"),),
                                         rows=(("财政拨款", "30,247.86", "32,519.44"), ("学费收入", "7,688.95", "8,102.33")),
                                         caption="表1  2023—2024年办学经费收入情况", unit="单位：万元")
    assert result.tables[second].caption == "表 2-1  毕业生就业情况"  # printed under its table
    assert result.tables[second].header == (("专业群", "毕业生数（人）"),) and len(result.tables[second].rows) == 2


def test_merged_cells_are_repeated_and_header_rows_follow_the_merge(tmp_path):
    document = docx.Document()
    table = add_table(document, [["项目", "2024年", ""], ["", "金额", "占比"], ["营业收入", "1,200", "60%"],
                                 ["营业成本", "800", "40%"]])
    table.cell(0, 1).merge(table.cell(0, 2))  # 2024年 over two columns
    table.cell(0, 0).merge(table.cell(1, 0))  # 项目 over two header rows
    table.cell(0, 1).text = "2024年"
    table.cell(0, 0).text = "项目"
    result, _ = read(document, tmp_path)
    (only,) = result.tables.values()
    assert only.header == (("项目", "2024年", "2024年"), ("项目", "金额", "占比"))
    assert only.rows == (("营业收入", "1,200", "60%"), ("营业成本", "800", "40%"))


def test_rows_marked_as_repeating_header_are_the_header(tmp_path):
    document = docx.Document()
    add_table(document, [["指标", "目标", "完成"], ["", "（人日）", "（人日）"], ["社会培训", "40,000", "45,612"]],
              header_rows=2)
    result, _ = read(document, tmp_path)
    (only,) = result.tables.values()
    assert len(only.header) == 2 and only.rows == (("社会培训", "40,000", "45,612"),)


def test_a_unit_in_the_caption_or_in_the_first_row(tmp_path):
    document = docx.Document()
    body(document, "表3  主要会计数据（单位：元）")
    add_table(document, FUNDS)
    body(document, "正文。")
    body(document, "表4  分季度数据")
    table = add_table(document, [["单位：万元", "", ""], *FUNDS])
    table.cell(0, 0).merge(table.cell(0, 2))
    table.cell(0, 0).text = "单位：万元"
    result, lines = read(document, tmp_path)
    third, fourth = (result.tables[i] for i in sorted(result.tables))
    assert (third.caption, third.unit) == ("表3  主要会计数据", "单位：元")
    assert (fourth.caption, fourth.unit) == ("表4  分季度数据", "单位：万元")
    assert fourth.header == (tuple(FUNDS[0]),) and len(fourth.rows) == 2
    assert [line for line in lines if line] == ["正文。"]


def test_a_caption_between_two_tables_belongs_to_the_table_below(tmp_path):
    document = docx.Document()
    add_table(document, FUNDS)
    body(document, "表2  学生资助情况")
    add_table(document, [["资助项目", "人次"], ["国家奖学金", "26"]])
    result, _ = read(document, tmp_path)
    first, second = (result.tables[i] for i in sorted(result.tables))
    assert first.caption == "" and second.caption == "表2  学生资助情况"


def test_bold_numbered_lines_at_body_size_are_headings(tmp_path):
    document = docx.Document()
    body(document, "江川智造装备股份有限公司2024年年度报告摘要")
    bold(document, "一、公司信息", 12)
    body(document, "公司主要从事智能装备的研发与制造。")
    bold(document, "（一）主要会计数据", 12)
    bold(document, "第二节 管理层讨论与分析", 16)  # bigger than the body: a heading too
    bold(document, "表1  公司基本情况", 10.5)  # a caption, smaller and bold: not a heading
    bold(document, "1. 本公司董事会保证年度报告内容的真实性。", 12)  # a sentence: not a heading
    body(document, "二、不加粗的编号行")
    bold(document, "三、经营情况\t5", 12)  # a contents line with its page
    document.add_heading("四、财务报告", level=1)
    result, lines = read(document, tmp_path)
    headings = [line for line in lines if line.startswith("#")]
    assert headings == ["## 一、公司信息", "## （一）主要会计数据", "## 第二节 管理层讨论与分析", "# 四、财务报告"]
    assert "表1  公司基本情况" in lines and "二、不加粗的编号行" in lines


def test_the_core_properties_title_is_the_documents_title(tmp_path):
    document = docx.Document()
    document.core_properties.title = "江川职业技术学院2024年质量年度报告"
    body(document, "正文。")
    assert read(document, tmp_path)[0].title == "江川职业技术学院2024年质量年度报告"
    untitled = docx.Document()
    body(untitled, "正文。")
    assert read(untitled, tmp_path)[0].title == ""
    untitled.core_properties.title = "Microsoft Word - 年度报告.docx"  # left by a conversion: a file's name, no title
    assert read(untitled, tmp_path)[0].title == ""


def test_a_one_cell_frame_is_text_in_place_and_side_by_side_tables_are_tables(tmp_path):
    document = docx.Document()
    body(document, "前文。")
    frame = document.add_table(rows=1, cols=1)
    frame.cell(0, 0).text = "案例：产教融合"
    frame.cell(0, 0).add_paragraph("学校与企业共建产业学院4个。")
    pair = document.add_table(rows=1, cols=2)  # two tables set side by side in a layout table
    for cell, caption, rows in ((pair.cell(0, 0), "表1  公司基本情况", [["项目", "内容"], ["股票简称", "江川智造"]]),
                                (pair.cell(0, 1), "表2  联系方式", [["项目", "董事会秘书"], ["姓名", "周明哲"]])):
        cell.text = caption
        inner = cell.add_table(rows=2, cols=2)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                inner.cell(i, j).text = value
    body(document, "后文。")
    result, lines = read(document, tmp_path)
    assert [line for line in lines if line] == ["前文。", "案例：产教融合", "学校与企业共建产业学院4个。", "后文。"]
    assert [t.caption for _, t in sorted(result.tables.items())] == ["表1  公司基本情况", "表2  联系方式"]
    assert [t.rows for _, t in sorted(result.tables.items())] == [(("股票简称", "江川智造"),), (("姓名", "周明哲"),)]


def test_a_damaged_file_is_refused_with_a_message():
    with pytest.raises(ValueError, match="无法读取 DOCX"):
        read_docx(b"PK\3\4 not a zip")
