"""Questions that ask several things at once: split into parts (one per case named, one per question put), each
answered on its own by the real pipeline on the real excerpt, then put together with every part cited."""
from __future__ import annotations

import pytest

from rag import Answerer
from rag.answer import numeric
from rag.answer.decompose import parts

CHANGZHOU, JINJIANG = "常州：新能源产教联合体的“破壁·共生·赋能”", "晋江：市域产教联合体的“下沉县域样板”"
ALIASES = {CHANGZHOU: {"常州", "常州新能源产教联合体", "changzhou"}, JINJIANG: {"晋江", "晋江市域产教联合体", "jinjiang"}}


@pytest.mark.parametrize("question,expected", [
    ("常州和晋江两个联合体分别由哪些单位牵头？",  # the same thing asked of each
     [("常州联合体由哪些单位牵头？", CHANGZHOU), ("晋江联合体由哪些单位牵头？", JINJIANG)]),
    ("常州联合体和晋江联合体各自依托哪个园区？",
     [("常州联合体依托哪个园区？", CHANGZHOU), ("晋江联合体依托哪个园区？", JINJIANG)]),
    ("常州联合体的运行理念与晋江联合体的协同驱动机制各是什么？",  # each its own thing
     [("常州联合体的运行理念是什么？", CHANGZHOU), ("晋江联合体的协同驱动机制是什么？", JINJIANG)]),
    ("常州联合体实施了几项现场工程师项目？拿了几项省科技奖？请分别说明。",  # two questions; the second named
     [("常州联合体实施了几项现场工程师项目？", None), ("常州拿了几项省科技奖？", CHANGZHOU)]),
])
def test_a_question_asking_several_things_is_split(question, expected):
    assert [(p.question, p.case) for p in parts(question, ALIASES)] == expected


@pytest.mark.parametrize("question", [
    "常州联合体比晋江联合体多多少家企业？",  # one relation between two cases: asked whole
    "特色做法和成果成效两部分给出的企业培训数量和培训在岗人员人次是否一致？各是多少？",  # 各是多少 asks nothing new
    "联合体的日常运行经费和新增专业的配套经费，哪一笔更多？各是多少？",
    "常州联合体每年的日常运行经费是多少？",
])
def test_a_question_asking_one_thing_is_not_split(question):
    assert parts(question, ALIASES) == []


def test_each_case_is_answered_from_its_own_passages_and_cited(report):
    answer = Answerer(report).ask("常州联合体的运行理念与晋江联合体的协同驱动机制各是什么？", backend="extractive")
    assert answer.found and answer.backend == "extractive"
    first, second = answer.text.split("\n\n")
    assert first.startswith("（1）常州联合体的运行理念是什么？") and "政府主导、市场运作、生态赋能" in first
    assert second.startswith("（2）晋江联合体的协同驱动机制是什么？") and "政府统筹+民企民校双牵头+财政保障" in second
    # Each part's [n] numbered anew into one list: [1] is 常州's passage, [2] 晋江's.
    assert "[1]" in first and "[2]" in second and "[2]" not in first
    assert [c.case for c in answer.citations] == [CHANGZHOU, JINJIANG]


def test_a_part_the_report_does_not_answer_says_so_and_the_rest_stands(report):
    answer = Answerer(report).ask("常州联合体每年的日常运行经费是多少？晋江联合体新增了多少个专业？", backend="extractive")
    assert answer.found and "200万元" in answer.text
    assert "（2）晋江联合体新增了多少个专业？\n报告中没有找到相关内容。" in answer.text
    nothing = Answerer(report).ask("常州和晋江两个联合体分别有多少名来华留学生？", backend="extractive")
    assert not nothing.found  # no part answered: refused whole, as before


def test_a_quoted_figure_is_found_wherever_it_is_printed(report):
    found = numeric.answer(report.retriever().figures, "报告里两处“超过40%”分别指什么？")
    assert found.kind == numeric.WHERE and found.text.startswith("报告中“超过40%”共出现2处")
    assert "超过40%来自职业学校" in found.text and "毕业生留在当地就业率超 40%" in found.text
    assert len(found.passage_ids) == 2 and "[1]" in found.text and "[2]" in found.text
    assert numeric.answer(report.retriever().figures, "报告里“超过90%”指什么？") is None  # printed nowhere
