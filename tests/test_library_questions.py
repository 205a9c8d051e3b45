"""A library of reports (real components, small generated documents): a question is restricted to the documents it
names by the registry's names (issuer, short name, region, kind, a document's year); a measure several documents
print is answered per document, never from one chosen silently, and so are look-alike cases inside one document;
ranking, listing, totalling and comparing with the year before across documents is done in code, every row cited on
its page."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from rag.answer import library
from rag.answer.answerer import Answerer
from rag.ingest.facts import Figure
from rag.ingest.registry import DocumentRecord
from rag.report import Report
from rag.retrieve.scope import Library

ROOT = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

# Look-alike cases of three cities in one document: the 常州 case as the report prints it, 苏州 and 无锡 made up.
CASES = """# 第三章 产教联合体

## 常州：新能源产教联合体的“破壁·共生·赋能”

### 一、特色做法

由市政府分管副市长担任理事长，每年安排200万元日常运行经费，保障联合体持续运转。

## 苏州：市域产教联合体的“融合·共享”

### 一、特色做法

由市政府牵头组建理事会，每年安排150万元日常运行经费，保障联合体持续运转。

## 无锡：物联网产教联合体的“协同·创新”

### 一、特色做法

由市工信局牵头组建理事会，每年安排120万元日常运行经费，保障联合体持续运转。
"""


def _schools():
    spec = importlib.util.spec_from_file_location("make_schools", ROOT / "eval" / "library" / "make_schools.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shelf(tmp_path_factory) -> Report:
    """Four school reports (常州工院 2023 and 2024, 深职院, 浙金院 printing 毕业去向落实率 in a table) and a document of
    three look-alike cases, indexed together."""
    if not FONT.is_file():
        pytest.skip("apt-get install fonts-wqy-zenhei")
    make = _schools()
    folder = tmp_path_factory.mktemp("library")
    for school in make.SCHOOLS:
        make.write(school, folder / school.file)
    (folder / "cases.md").write_text(CASES, encoding="utf-8")
    (folder / "cases.meta.toml").write_text('title = "产教联合体典型案例汇编"\nyear = 2024\n', encoding="utf-8")
    report = Report(folder, tmp_path_factory.mktemp("index"), auto_rebuild=False)
    report.build()
    return report


def _ask(report: Report, question: str):
    return Answerer(report).ask(question, backend="extractive")


# ---------------------------------------------------------------- 1. questions find their document
def _record(source, title, issuer="", kind="", year=None, region="", short=()):
    return DocumentRecord(source=source, title=title, title_from="first page", issuer=issuer, kind=kind, year=year,
                          region=region, short_names=short)


SHELF = Library((
    _record("cz23.pdf", "常州工业职业技术学院2023年质量年度报告", "常州工业职业技术学院", "质量年度报告", 2023, "常州",
            ("常州工院", "常工院")),
    _record("cz24.pdf", "常州工业职业技术学院2024年质量年度报告", "常州工业职业技术学院", "质量年度报告", 2024, "常州",
            ("常州工院", "常工院")),
    _record("sz.pdf", "深圳职业技术学院2024年质量年度报告", "深圳职业技术学院", "质量年度报告", 2024, "深圳", ("深职院",)),
    _record("zk.pdf", "2023年周口市国民经济和社会发展统计公报", "周口市统计局", "统计公报", 2023, "周口市"),
    _record("sh.pdf", "上海市财政局2025年部门预算", "上海市财政局", "预算", 2025, "上海市"),
), {})


@pytest.mark.parametrize("question, sources", [
    ("常州工院的专任教师有多少人？", {"cz23.pdf", "cz24.pdf"}),  # the registry's short name
    ("常州工业职业技术学院2023年的报告中专任教师有多少人？", {"cz23.pdf"}),  # issuer and a document's year
    ("2024年的报告里毕业去向落实率是多少？", {"cz24.pdf", "sz.pdf"}),  # a year said of a report
    ("深圳的学校毕业去向落实率是多少？", {"sz.pdf"}),  # a region
    ("统计公报里的常住人口是多少？", {"zk.pdf"}),  # a kind said as the document
    ("周口2023年末常住人口是多少？", {"zk.pdf"}),  # 2023年末 is a period, not a document's year
    ("江苏的学校毕业去向落实率是多少？", set()),  # no document of 江苏: restricts nothing
    ("上海交通大学的投档线是多少？", set()),  # a university, not the place 上海
    ("一般公共预算收入是多少？", set()),  # 预算 as a measure's word names no budget
    ("常州工院2024年的报告与上一年的报告相比，专任教师增加了多少？", {"cz23.pdf", "cz24.pdf"}),
])
def test_a_question_names_documents_by_the_registry(question, sources):
    assert set(SHELF.named(question).sources) == sources


def test_a_named_document_is_the_only_one_cited(shelf):
    answer = _ask(shelf, "深职院的专任教师有多少人？")
    assert answer.found and "1205" in answer.text
    assert {p.source for p in answer.citations} == {"shenzhen-2024.pdf"}
    year = _ask(shelf, "常州工院2023年的报告中专任教师有多少人？")
    assert "587" in year.text and "612" not in year.text
    assert {p.source for p in year.citations} == {"changzhou-2023.pdf"}


# ---------------------------------------------------------------- 2. never silently choose between documents
def test_a_measure_several_documents_print_is_answered_per_document(shelf):
    answer = _ask(shelf, "毕业去向落实率是多少？")
    assert answer.found and answer.backend == "figures"
    rows = {line for line in answer.text.splitlines() if line.startswith("| 《")}
    expected = {("changzhou-2023", "94.1%", 1), ("changzhou-2024", "95.2%", 1), ("shenzhen-2024", "96.8%", 1),
                ("zhejiang-finance-2024", "97.3%", 2)}
    assert len(rows) == 4, answer.text
    for stem, figure, page in expected:
        line = next(line for line in rows if figure in line)
        n = int(line.split(figure + "[")[1].split("]")[0])
        assert answer.citations[n - 1].source == f"{stem}.pdf" and answer.citations[n - 1].page == page
        assert f"第{page}页" in line


def test_look_alike_cases_in_one_document_are_each_shown(shelf):
    answer = _ask(shelf, "联合体每年的日常运行经费是多少？")
    assert answer.found
    assert all(figure in answer.text for figure in ("200万元", "150万元", "120万元")), answer.text
    named = _ask(shelf, "苏州联合体每年的日常运行经费是多少？")
    assert "150万元" in named.text and "200万元" not in named.text and "120万元" not in named.text


def _figure(source: str, label: str, raw: str, value: float, unit: str, page: int = 1) -> Figure:
    return Figure(raw=raw, value=value, unit=unit, qualifier="", label=label, subject=source, sentence=f"{label}{raw}",
                  passage_id=f"{source}-p", citation=f"《{source}》 · 第{page}页", document=source, source=source,
                  page=page, page_exact=True)


def _answer(source: str, row: Figure, year: int = 2024, issuer: str = "") -> library.DocumentAnswer:
    return library.DocumentAnswer(source, source, year, issuer or source, "lookup", (row,), "", (row.passage_id,))


def test_more_documents_than_a_table_holds_are_counted_and_listed():
    answers = [_answer(f"校{n}", _figure(f"校{n}", "专任教师", f"{500 + n}人", 500 + n, "人")) for n in range(9)]
    text = library._per_document(answers, library._Cite())
    assert text.startswith("共有 9 份文档印有与问题相符的数字") and text.count("\n") == 9
    assert "《校8》[9]" in text


# ---------------------------------------------------------------- 3. across documents, in code
def test_which_school_ranks_highest_across_reports(shelf):
    answer = _ask(shelf, "哪所学校的毕业去向落实率最高？")
    assert answer.backend == "figures"
    assert answer.text.startswith("毕业去向落实率最高的是《浙江金融职业学院2024年质量年度报告》：97.3%"), answer.text
    assert "排序：97.3% > 96.8% > 95.2%。" in answer.text  # the latest report of 常州工院 only, and said so
    assert "常州工业职业技术学院取2024年的报告（另有2023年的报告）" in answer.text
    assert {p.source for p in answer.citations} == {"zhejiang-finance-2024.pdf", "shenzhen-2024.pdf",
                                                     "changzhou-2024.pdf"}


def test_each_school_listed_and_totalled(shelf):
    each = _ask(shelf, "各校专任教师数分别是多少？")
    assert all(f in each.text for f in ("612人", "1205人", "498人")) and "587人" not in each.text
    total = _ask(shelf, "各校技术服务到款额合计多少万元？")
    assert "合计：1865万元 + 6230万元 + 980万元 = 9075万元" in total.text, total.text


def test_compared_with_the_report_of_the_year_before(shelf):
    answer = _ask(shelf, "常州工院与上一年的报告相比，专任教师增加了多少？")
    assert "2024年的报告612人" in answer.text and "2023年的报告587人" in answer.text
    assert "计算：612人 − 587人 = 25人" in answer.text
    assert {p.source for p in answer.citations} == {"changzhou-2024.pdf", "changzhou-2023.pdf"}


def test_rows_whose_measure_does_not_align_are_left_out_and_said():
    rate = [_answer("甲", _figure("甲", "毕业去向落实率", "95.2%", 95.2, "%")),
            _answer("乙", _figure("乙", "去向落实率", "96.8%", 96.8, "%")),
            _answer("丙", _figure("丙", "毕业去向落实率（%）", "97.3%", 97.3, "%", page=2)),
            _answer("丁", _figure("丁", "专业对口率", "81.5%", 81.5, "%"))]
    kept, left = library._aligned(rate)
    assert [a.source for a, _ in kept] == ["甲", "乙", "丙"]
    text = library._ranked("哪所学校的毕业去向落实率最高", kept, left, [], library._Cite())
    assert "未计入：《丁》所印“专业对口率”与" in text and "不是同一指标" in text
    assert "排序：97.3% > 96.8% > 95.2%。" in text


def test_the_measure_asked_of_each_document():
    assert library.measure_question("哪所学校的毕业去向落实率最高？") == "毕业去向落实率是多少"
    assert library.measure_question("各校专任教师数") == "专任教师数是多少"
    assert library.measure_question("常州工院与上一年的报告相比，专任教师增加了多少？") == "常州工院专任教师是多少"


# ---------------------------------------------------------------- 4. the library evaluation
def test_the_unnamed_questions_are_answered_by_several_documents():
    from rag.evaluate.library import LIBRARY_DIR, UNNAMED_FILE, load_unnamed

    questions = load_unnamed(LIBRARY_DIR / UNNAMED_FILE)
    assert len(questions) >= 30 and all(len({a.file for a in q.answers}) >= 2 for q in questions)


def test_an_unnamed_question_is_right_only_with_every_document_on_its_page(shelf):
    from rag.evaluate.library import Expected, UnnamedQuestion, ask_unnamed

    answerer = Answerer(shelf)
    every = UnnamedQuestion("专任教师有多少人？", "per-document", (
        Expected("changzhou-2024.pdf", "612", 1), Expected("changzhou-2023.pdf", "587", 1),
        Expected("shenzhen-2024.pdf", "1205", 1), Expected("zhejiang-finance-2024.pdf", "498", 1)))
    result = ask_unnamed(answerer, every, "extractive")
    assert result.right and result.answered == 4, result.text
    wrong_page = UnnamedQuestion("专任教师有多少人？", "per-document", (
        Expected("changzhou-2024.pdf", "612", 2), Expected("shenzhen-2024.pdf", "1205", 1)))
    assert ask_unnamed(answerer, wrong_page, "extractive").answered == 1


def test_extra_documents_join_the_library_under_extra(tmp_path):
    from rag.evaluate.library import DISTRACTORS, LIBRARY_DIR, EXTRA, library_files

    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "notes.txt").write_text("not a PDF")
    before = library_files(tmp_path, [], LIBRARY_DIR / EXTRA)
    after = library_files(tmp_path, [], LIBRARY_DIR / EXTRA, tmp_path)
    assert after == before + [(f"{DISTRACTORS}/a.pdf", tmp_path / "a.pdf")]
    with pytest.raises(ValueError):
        library_files(tmp_path, [], None, tmp_path / "missing")


@pytest.mark.parametrize("question, sources", [
    ("How many people lived in Zhoukou at the end of 2023?", {"zk.pdf"}),  # the region's pinyin, as a word
    ("What did the Shanghai finance bureau budget for 2025?", {"sh.pdf"}),
    ("深圳职业技术学院2024年一般公共预算收入是多少？", {"sz.pdf"}),  # 2024年一般公共预算 is a measure, not a budget
])
def test_english_names_and_measures_of_a_year(question, sources):
    assert set(SHELF.named(question).sources) == sources


def test_what_a_document_says_of_every_sentence_is_its_year_only_where_the_sentence_prints_none():
    """A 2024 work report's 一、2023年工作回顾 is 2023's: neither the registry's year nor a year in its title (a file
    name, beijing-2024-…) is said of a sentence or heading printing a year (its 1730条 had answered the 2024 plan)."""
    shelf = Library((_record("bj.pdf", "beijing-2024-government-work-report.pdf", "", "", 2024, "北京市"),), {})
    assert "2024" in shelf.context("bj.pdf", "精细治理背街小巷 1650 条 二、重点任务")
    said = shelf.context("bj.pdf", "精细化治理提升背街小巷 1730条 一、2023年工作回顾")
    assert "2024" not in said and "北京" in said
