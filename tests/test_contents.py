"""Questions about the report's structure answered from its contents and headings, in code, each line cited."""
from __future__ import annotations

import pytest

from rag import Answerer
from rag.answer import contents


@pytest.fixture(scope="module")
def snapshot(report):
    return report.retriever()


@pytest.mark.parametrize("question,expected", [
    ("第三章的标题是什么？", ["第三章的标题是““一体两翼”的探索与实践”（第55页起）[1]"]),
    ("第三章收录了哪些地方和行业的案例？", ["山东：", "常州：新能源产教联合体的“破壁·共生·赋能”（第71页）", "晋江：", "全国新能源行业"]),
    ("浙金院的教材案例在哪一章、从第几页开始？", ["收在第四章 “五金”新基建，从第103页开始[1]"]),
    ("常州案例正文分为哪几个部分？", ["1. 背景介绍[1]", "5. 社会影响[5]"]),
    ("常州案例总结了哪三条经验启示？", ["“政府主导”是联合体高效运行的核心保障[1]", "“市场运作”"]),
    ("这份报告的副标题是什么？", ["副标题是“生机与力量：职业教育的中国故事”[1]"]),
])
def test_structure_questions_are_read_from_the_contents(snapshot, question, expected):
    found = contents.answer(snapshot, question)
    assert found is not None and all(part in found.text for part in expected), found and found.text
    cited = {p.id: p for p in snapshot.passages}
    assert all(i in cited for i in found.passage_ids)


@pytest.mark.parametrize("question", [
    "晋江联合体的协同驱动机制由哪几部分构成？",  # what the case did, not how it is printed
    "常州联合体成果成效里按“项”统计的几个数字哪一个最大？",  # a figure: the figures table's
    "常州联合体每年的日常运行经费是多少？",
    "第二章讲的是什么？",  # a chapter the index holds nothing of: the usual refusal names it
])
def test_other_questions_are_left_to_the_table_or_the_passages(snapshot, question):
    assert contents.answer(snapshot, question) is None


def test_the_answerer_cites_the_contents_page(report):
    answer = Answerer(report).ask("第五章收录的是哪所学校的案例，在第几页？", backend="extractive")
    assert answer.backend == "contents" and "金华职业技术大学" in answer.text and "第119页" in answer.text
    assert answer.citations[0].kind == "toc" and answer.citations[0].chapter.startswith("第五章")
