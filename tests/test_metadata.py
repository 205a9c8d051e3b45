"""Document metadata (sidecar or title), document/year filters, citations naming the document."""
import pytest

from rag import QueryError, Report
from rag.answer.answerer import Answerer

REPORT_2024 = "vocational-education-quality-report-2024-excerpt"
REPORT_2023 = """# 2023年度

## 中国职业教育质量报告——提质培优

中国教育科学研究院 编著

# 01

## 第一章 职业教育发展概况

## 苏州：产教融合试点城市的“协同育人”

### 一、背景介绍

苏州联合体每年安排150万元日常运行经费，支持28所学校开展现场工程师培养。

### 二、成果成效

苏州联合体累计培训在岗人员1.2万人次，毕业生留在当地就业率超过50%。
"""
SIDECAR = 'title = "2024年度中国职业教育质量报告——生机与力量：职业教育的中国故事"\nyear = 2024\npublisher = "中国教育科学研究院"\n'


@pytest.fixture
def two_reports(mini_corpus, tmp_path):
    (mini_corpus / "jinjiang.meta.toml").write_text(SIDECAR, encoding="utf-8")
    (mini_corpus / "report-2023.md").write_text(REPORT_2023, encoding="utf-8")
    report = Report(mini_corpus, tmp_path / "index", auto_rebuild=False)
    report.build()
    return report


def test_metadata_comes_from_the_sidecar_else_from_the_title(two_reports):
    sources = {s.name: s for s in two_reports.manifest().sources}
    assert set(sources) == {"jinjiang.txt", "report-2023.md"}  # the sidecar is no document
    assert (sources["jinjiang.txt"].title, sources["jinjiang.txt"].year, sources["jinjiang.txt"].publisher) == (
        "2024年度中国职业教育质量报告——生机与力量：职业教育的中国故事", 2024, "中国教育科学研究院")
    assert (sources["report-2023.md"].title, sources["report-2023.md"].year, sources["report-2023.md"].publisher) == (
        "2023年度中国职业教育质量报告——提质培优", 2023, "中国教育科学研究院")


def test_the_real_corpus_has_its_sidecar(report):
    source = report.manifest().sources[0]
    assert (source.year, source.publisher) == (2024, "中国教育科学研究院")
    assert len(report.manifest().sources) == 1
    hit = report.search("常州联合体每年的日常运行经费是多少？", k=1)[0]
    assert hit.year == 2024 and hit.citation.startswith("第三章 · 常州")  # one document: not named


def test_search_filters_by_year_and_document(two_reports):
    question = "联合体每年安排多少日常运行经费？"
    assert {h.year for h in two_reports.search(question, k=5)} == {2023, 2024}
    only_2023 = two_reports.search(question, k=5, year=2023)
    assert only_2023 and {h.source for h in only_2023} == {"report-2023.md"}
    assert "150万元" in only_2023[0].text
    assert {h.year for h in two_reports.search(question, k=5, document="2024年度")} == {2024}
    assert {h.source for h in two_reports.search(question, k=5, document="report-2023.md")} == {"report-2023.md"}
    assert two_reports.search(question, k=5, year=2019) == []
    with pytest.raises(QueryError, match="year"):
        two_reports.search(question, year="2023")


def test_citations_name_the_document_when_there_are_several(two_reports):
    hit = two_reports.search("苏州联合体每年安排多少日常运行经费？", k=1)[0]
    assert hit.citation == "《2023年度中国职业教育质量报告——提质培优》 · 第一章 · 苏州：产教融合试点城市的“协同育人” · 一、背景介绍"
    jinjiang = two_reports.search("晋江联合体依托哪个开发区？", k=1, year=2024)[0]
    assert jinjiang.citation.startswith("《2024年度中国职业教育质量报告——生机与力量：职业教育的中国故事》 · 第三章 · 晋江")
    assert jinjiang.citation.endswith("第76页起 · （本案例在语料中不完整）")


def test_answers_pass_the_filters_through(two_reports):
    answer = Answerer(two_reports).stream("联合体每年安排多少日常运行经费？", backend="extractive", year=2023).answer
    assert answer.citations and {c.year for c in answer.citations} == {2023}


def test_sidecar_changes_change_the_corpus_and_bad_ones_are_reported(two_reports, mini_corpus):
    assert two_reports.stale_reasons(two_reports.manifest()) == []
    (mini_corpus / "jinjiang.meta.toml").write_text(SIDECAR.replace("2024\n", "2025\n"), encoding="utf-8")
    assert "语料文件已改变（corpus changed）" in two_reports.stale_reasons(two_reports.manifest())
    (mini_corpus / "jinjiang.meta.toml").write_text("title = [unclosed", encoding="utf-8")
    result = two_reports.build()
    assert [s.name for s in result.skipped] == ["jinjiang.meta.toml"]
    assert result.skipped[0].reason.startswith("元数据文件无法解析")
    source = next(s for s in two_reports.manifest().sources if s.name == "jinjiang.txt")
    assert source.year is None and source.title == "jinjiang.txt"  # no cover in the excerpt: the file name


def test_a_folder_of_sidecars_only_is_empty(tmp_path):
    (tmp_path / "a.meta.toml").write_text(SIDECAR, encoding="utf-8")
    from rag import CorpusError

    with pytest.raises(CorpusError, match="语料目录为空"):
        Report(tmp_path, tmp_path / "index", auto_rebuild=False).build()
