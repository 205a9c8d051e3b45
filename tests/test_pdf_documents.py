"""PDF ingestion on the six layout families of tests/documents (made with LibreOffice, XeLaTeX, reportlab; not by the parser's authors' rules)."""
import re
from pathlib import Path

import pytest

from rag.ingest.chunk import chunk
from rag.ingest.pdf import read_pdf
from rag.ingest.structure import parse

DOCS = Path(__file__).parent / "documents"
FILES = {
    "word": "word/school-quality-report.pdf",
    "book": "book/quality-monitoring-chapter.pdf",
    "two-column": "two-column/digital-vet-whitepaper.pdf",
    "slides": "slides/annual-report-briefing.pdf",
    "financial": "financial/annual-report-excerpt.pdf",
    "traditional": "traditional/energy-saving-handbook.pdf",
}


def passages(family: str):
    path = DOCS / FILES[family]
    read = read_pdf(path.read_bytes())
    doc = parse(read.text, path.name, read.line_pages, read.continued, read.tables, read.page_labels, read.breaks)
    return read, chunk(doc, 200)


@pytest.mark.parametrize("family", FILES)
def test_no_cover_collapse_and_every_body_passage_cites_its_page(family):
    read, ps = passages(family)
    body = [p for p in ps if p.kind not in ("cover", "toc")]
    assert len(body) >= 8 and sum(len(p.text) for p in ps if p.kind == "cover") <= 400
    # Every passage cites its printed page; only roman-numbered front matter (the book's 前言, pages i–ii) is
    # cited without one, and it comes before everything else.
    unpaged = [i for i, p in enumerate(body) if p.page is None or not p.page_exact]
    assert unpaged == list(range(len(unpaged))) and len(unpaged) <= (4 if family == "book" else 0), unpaged
    assert max(len(p.text) for p in ps) <= 1000
    assert not any(re.search(r"[\ue000-\uf8ff]", p.text) for p in ps)  # Wingdings bullets never reach passages


@pytest.mark.parametrize("family", FILES)
def test_no_figure_is_split_between_passages(family):
    _, ps = passages(family)
    for a, b in zip(ps, ps[1:]):
        if (a.kind, a.section, a.page) != (b.kind, b.section, b.page) or a.kind != "text":
            continue  # only one section's text on one page is ever cut inside a sentence
        assert not (re.search(r"\d[.,]?$", a.text) and re.match(r"[.,]?\d", b.text)), (a.text[-20:], b.text[:20])


def test_word_report_numbered_bold_headings_at_body_size_nest():
    _, ps = passages("word")
    staff = next(p for p in ps if "专任教师486人" in p.text)
    assert staff.section.split(" / ")[-2:] == ["（一）办学基础", "2.专任教师"] and staff.page == 1
    assert staff.citation.endswith("第1页")


def test_word_table_rows_keep_their_column_names_caption_and_page():
    _, ps = passages("word")
    table = next(p for p in ps if p.kind == "table" and "财政经常性补助" in p.text)
    assert table.text.startswith("表1 2022—2024年办学经费收入情况") and table.page == 2
    assert "财政经常性补助：2022年 28,615.30万元，2023年 30,247.86万元，2024年 32,519.44万元。" in table.text


def test_book_three_line_table_and_printed_pages_from_37():
    read, ps = passages("book")
    cell = next(p for p in ps if p.kind == "table" and "用人单位评价" in p.text)
    assert "平均缺失率 11.57%" in cell.text and cell.page == 39 and cell.text.startswith("表 3-1")
    assert {p.page for p in ps if p.kind == "text"} >= {37, 38, 39, 40, 41}


def test_two_column_paper_reads_each_column_whole():
    _, ps = passages("two-column")
    policy = next(p for p in ps if "186.4亿元" in p.text)
    assert "截至2024年6月，已有27个省份出台职业教育信息化或数字化相关实施方案" in policy.text
    assert policy.section == "1.1政策环境" and policy.page == 1  # "6 / 26"-style footers: printed 1 on PDF page 3


def test_slide_titles_with_a_colon_are_sections_not_cases():
    _, ps = passages("slides")
    case = next(p for p in ps if "1,850万元" in p.text.replace(" ", ""))
    assert case.case == "" and "案例分享：产教融合" in case.section + case.chapter


def test_financial_table_across_a_page_break_keeps_its_header():
    _, ps = passages("financial")
    parts = [p for p in ps if p.kind == "table" and "合并资产负债表" in p.section]
    assert {p.page for p in parts} >= {4, 5}
    loan = next(p for p in parts if "长期借款" in p.text)
    assert "260,000,000.00" in loan.text and loan.page == 5


def test_traditional_handbook_numbering_and_its_last_table():
    _, ps = passages("traditional")
    assert any(p.chapter.startswith("參、") or p.section.startswith("參、") for p in ps)
    last = next(p for p in ps if "1,107,211" in p.text)
    assert last.kind == "table" and last.page == 4 and "單位：度" in last.text


def test_chart_data_labels_come_out_paired_with_their_years():
    _, ps = passages("slides")
    chart = next(p for p in ps if "2022年 11.73" in p.text)
    assert "2020年 10.64，2021年 11.21" in chart.text and chart.page == 5
    _, ps = passages("book")
    assert any("2023年 93.1" in p.text and p.page == 40 for p in ps)  # the value axis's 85/90/95 are not paired
    assert not any(re.search(r"\d{2}\.\d\d{2}\.\d", p.text) for p in ps)  # never 92.688.9: labels glued


def indexed(family: str, tmp_path_factory):
    """The family's document alone in a corpus, indexed by the project's own build."""
    from rag import Report

    folder = tmp_path_factory.mktemp(family)
    (folder / Path(FILES[family]).name).write_bytes((DOCS / FILES[family]).read_bytes())
    report = Report(folder, tmp_path_factory.mktemp("index"), auto_rebuild=False)
    report.build()
    return report


@pytest.fixture(scope="module")
def word_report(tmp_path_factory):
    return indexed("word", tmp_path_factory)


def test_answers_from_a_word_report_cite_the_printed_page_and_unanswerable_questions_are_refused(word_report):
    from rag import answerer

    ask = answerer(word_report).ask
    cell = ask("2023年学校学费收入是多少万元？", backend="extractive")
    assert cell.found and "7,688.95" in cell.text and cell.citations[0].page == 2
    assert cell.citations[0].citation.endswith("第2页")
    lines = ask("学校占地面积是多少亩？", backend="extractive")
    assert lines.found and "1,026" in lines.text and lines.text.rstrip("[]1234567890").endswith("。")
    for question in ("学校2024年的碳排放总量是多少吨？", "学校有多少名外籍院士？"):
        assert not ask(question, backend="extractive").found, question


@pytest.mark.parametrize("family, title, year, publisher", [
    ("word", "江川职业技术学院 2024年质量年度报告", 2024, "江川职业技术学院"),
    ("two-column", "职业教育数字化转型发展白皮书（2024）", 2024, "职业教育数字化研究中心"),
    ("traditional", "臺江市政府機關學校 節約能源執行手冊", 2024, "臺江市政府經濟發展局"),  # 中華民國一百十三年
])
def test_title_year_and_publisher_come_from_the_cover(tmp_path, family, title, year, publisher):
    from rag.ingest.pipeline import ingest

    (tmp_path / "doc.pdf").write_bytes((DOCS / FILES[family]).read_bytes())
    source = ingest(tmp_path, 200).sources[0]
    assert (source.title, source.year, source.publisher) == (title, year, publisher)


def _canvas(path: Path):
    """An A4 reportlab canvas writing in a CJK font (the statistical bulletins' tables are drawn on it)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if not font.is_file():
        pytest.skip("apt-get install fonts-wqy-zenhei")
    pdfmetrics.registerFont(TTFont("WQY", str(font), subfontIndex=0))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont("WQY", 10.5)
    return pdf


def _printed(pdf, path: Path, x: list[int], inset: int, lines: list[tuple[int, tuple[str, ...]]], folio: str):
    """Each line's cells written at its height, inset into the columns starting at x; the folio; then read back."""
    for y, cells in lines:
        for xi, text in zip(x, cells):
            pdf.drawString(xi + inset, y, text)
    pdf.drawCentredString(297, 40, folio)
    pdf.save()
    return read_pdf(path.read_bytes())


def _table_passage(read, path: Path) -> str:
    """The text of the first table passage the document's reading gives."""
    doc = parse(read.text, path.name, read.line_pages, read.continued, read.tables, read.page_labels, read.breaks)
    return next(p.text for p in chunk(doc) if p.kind == "table")


def test_a_ruled_table_whose_body_rows_have_no_rules_is_read_row_by_row(tmp_path):
    """As statistical bulletins print them (黔东南, 周口): rules around the header and the body, none between rows."""
    rows = [("农林牧渔业总产值", "481.96", "4.2"), ("#种植业", "282.41", "3.8"), ("林业", "86.95", "4.2"),
            ("畜牧业", "75.17", "5.1"), ("渔业", "15.49", "8.5")]
    path = tmp_path / "bulletin.pdf"
    pdf = _canvas(path)
    pdf.drawString(72, 760, "全年农林牧渔业增加值继续增长，主要指标见下表。")
    pdf.drawCentredString(297, 735, "表3 2023年农林牧渔业总产值")
    x = [72, 272, 402, 523]
    top, head, bottom = 725, 700, 700 - 20 * len(rows) - 10
    for y in (top, head, bottom):
        pdf.line(x[0], y, x[-1], y)
    for xi in x:
        pdf.line(xi, top, xi, bottom)
    read = _printed(pdf, path, x, 5, [(708, ("指标名称", "绝对数（亿元）", "比上年增长（%）"))]
                    + [(684 - 20 * k, row) for k, row in enumerate(rows)], "- 3 -")
    table = next(iter(read.tables.values()))
    assert table.rows == tuple(rows) and table.header == (("指标名称", "绝对数（亿元）", "比上年增长（%）"),)
    text = _table_passage(read, path)
    assert "林业：绝对数 86.95亿元，比上年增长 4.2%。" in text  # no value copied into a column it is not printed in


def test_slide_bullets_are_not_glued_into_one_line():
    """A slide's lines stop where their text stops: no margin, no wrapping (the longest bullet was glued to the next)."""
    _, ps = passages("slides")
    problems = next(p for p in ps if "留学生目标120人" in p.text)
    assert "三年引育60名\n产教融合深度不够" in problems.text, problems.text
    staff = next(p for p in ps if "专任教师486人" in p.text)
    assert "42个招生专业全日制" not in staff.text


@pytest.fixture(scope="module")
def handbook(tmp_path_factory):
    return indexed("traditional", tmp_path_factory)


def test_a_figure_whose_clause_omits_the_subject_is_still_quoted(handbook):
    """…冷氣機…應優先汰換；一百十三年度編列汰換經費新臺幣3,465萬元: the subject is in the clause before the ；."""
    from rag import answerer

    answer = answerer(handbook).ask("一百十三年度編列多少萬元汰換冷氣機？", backend="extractive")
    assert answer.found and "3,465萬元" in answer.text and answer.citations[0].page == 2


@pytest.mark.slow
def test_the_local_model_answers_over_traditional_passages_in_traditional(handbook, model_path):
    """The model read the handbook as written and answered NOT_FOUND; it reads it in Simplified and the answer is
    given back in the question's characters."""
    import dataclasses

    from rag import Report, answerer

    settings = dataclasses.replace(handbook.settings, llm_model_path=str(model_path))
    answer = answerer(Report(settings=settings, auto_rebuild=False)).ask("節能績優獎勵金編列多少萬元？", backend="local")
    assert answer.found and answer.backend == "local" and "186" in answer.text, answer
    assert answer.citations[0].page == 3 and "萬元" in answer.text and "万元" not in answer.text


def test_columns_printed_beside_a_tables_rules_belong_to_it(tmp_path):
    """A 统计公报 table whose rules frame only its 单位 and 产量 columns (as 周口's 2023 bulletin, table 5): the
    product names to the left and the growth to the right are its columns, not a second table."""
    rows = [("钢材", "吨", "1577693", "48.8"), ("鲜、冷藏肉", "吨", "242158", "39.9"), ("糖果", "吨", "26073", "-3.3"),
            ("小麦粉", "吨", "2296205", "8.4"), ("服装", "万件", "7938", "0.3")]
    path = tmp_path / "products.pdf"
    pdf = _canvas(path)
    pdf.drawCentredString(297, 760, "表5 2023年规模以上工业主要产品产量及增速")
    x = [100, 240, 320, 400, 500]  # rules only from 240 to 400: around 单位 and 产量
    top, head, bottom = 750, 724, 750 - 30 - 19 * len(rows)
    for xi in x[1:4]:
        pdf.line(xi, top, xi, bottom)
    for y in (top, head, bottom):
        pdf.line(x[1], y, x[3], y)
    read = _printed(pdf, path, x, 8, [(732, ("产品名称", "单位", "产量", "比上年增长(%)"))]
                    + [(712 - 19 * k, row) for k, row in enumerate(rows)], "- 5 -")
    assert len(read.tables) == 1, read.text
    table = next(iter(read.tables.values()))
    assert table.rows == tuple(rows), table.rows
    text = _table_passage(read, path)
    # The 单位 column gives the row's count its unit; the growth column keeps its own %.
    assert "小麦粉：单位 吨，产量 2296205吨，比上年增长 8.4%" in text, text


def test_the_documents_title_names_what_each_passage_is_about(tmp_path_factory):
    """A question naming the school is answered by a slide that never names it (the title on the cover does), and
    the school's name alone answers nothing."""
    from rag import answerer

    ask = answerer(indexed("slides", tmp_path_factory)).ask
    answer = ask("江川职业技术学院博士有多少人？", backend="extractive")
    assert answer.found and "博士仅42人" in answer.text and answer.citations[0].page == 9, answer.text
    assert not ask("江川职业技术学院有多少名外籍院士？", backend="extractive").found
