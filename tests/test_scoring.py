"""The evaluation scorer on real passages: number notations, wrong figures, wrong citations, refusals."""
from __future__ import annotations

import pytest

from rag import Answer
from rag.evaluate.metrics import Question
from rag.evaluate.scoring import (ANSWERED_UNCOVERED, FALSE_REFUSAL, REFUSED, RIGHT, WRONG_CITATION, WRONG_ITEMS,
                         missing_items, score, variant_present)

FUNDS = Question("fig-001", "figure", "市政府每年拿出多少钱保障联合体日常运转？", ("每年安排200万元日常运行经费",),
                 (("200万元", "200 万元", "两百万元"),), case="常州")
UNCOVERED = Question("nc-001", "not_covered", "晋江联合体2023年培训了多少人？", (), ())


@pytest.fixture(scope="module")
def passages(report):
    every = report.passages()
    funds = next(p for p in every if "200万元日常运行经费" in p.text)
    other = next(p for p in every if p.case == funds.case and "200万元" not in p.text and "成果成效" in p.section)
    return funds, other


def _answer(text, citations, found=True, question=FUNDS.question):
    return Answer(text=text, citations=list(citations), found=found, backend="extractive", question=question,
                  retrieval_query=question)


@pytest.mark.parametrize("said", [
    "每年安排200万元日常运行经费[1]。",
    "每年安排 200 万元[1]。",          # spaces inside the figure
    "每年拿出两百万元[1]。",           # Chinese numerals
    "每年拿出2,000,000元[1]。",        # thousands separators, no 万
    "每年拿出２００万元[1]。",          # full-width digits
    "The city provides 2 million yuan a year [1].",  # English notation
])
def test_number_notations_count_as_the_required_figure(passages, said):
    assert variant_present("200万元", said)
    assert score(FUNDS, _answer(said, [passages[0]])).outcome == RIGHT


@pytest.mark.parametrize("said", ["每年安排300万元[1]。", "每年安排2000万元[1]。", "每年安排200元[1]。", "每年安排200万人[1]。"])
def test_a_wrong_figure_is_scored_wrong(passages, said):
    result = score(FUNDS, _answer(said, [passages[0]]))
    assert result.outcome == WRONG_ITEMS
    assert result.missing == ("200万元",)


def test_every_required_item_is_needed():
    both = Question("fig-003", "figure", "两笔经费各是多少？", ("x",), (("200万元",), ("2000万元", "两千万元")))
    assert missing_items(both, "日常运行经费200万元。") == ["2000万元"]
    assert missing_items(both, "日常运行经费200万元，专项建设经费两千万元。") == []


def test_names_match_literally_ignoring_spaces():
    assert variant_present("万帮数字能源", "由万帮 数字能源牵头")
    assert not variant_present("万帮数字能源", "由星星充电牵头")


def test_right_figure_with_wrong_citation_is_scored_wrong(passages):
    result = score(FUNDS, _answer("每年安排200万元日常运行经费[1]。", [passages[1]]))
    assert result.outcome == WRONG_CITATION
    assert result.evidence_cited is False
    assert result.grounded == 0 and result.figures == 1  # the cited passage does not state 200万元


def test_refusing_an_answerable_question_is_a_false_refusal(passages):
    refusal = _answer("报告（当前索引）中没有找到这个问题的答案。", [], found=False)
    result = score(FUNDS, refusal)
    assert result.outcome == FALSE_REFUSAL
    assert result.missing == ("200万元",)


def test_not_covered_questions_must_be_refused(passages):
    assert score(UNCOVERED, _answer("没有找到。", [], found=False, question=UNCOVERED.question)).outcome == REFUSED
    answered = _answer("晋江培训了200万元[1]。", [passages[0]], question=UNCOVERED.question)
    assert score(UNCOVERED, answered).outcome == ANSWERED_UNCOVERED


def test_comparison_needs_every_evidence_span_cited(passages):
    funds, other = passages
    span = other.text.strip()[:12]
    question = Question("cmp-x", "comparison", "比较", ("每年安排200万元日常运行经费", span), (("200万元",),))
    assert score(question, _answer("200万元[1]。", [funds])).outcome == WRONG_CITATION
    assert score(question, _answer("200万元[1]，另见[2]。", [funds, other])).outcome == RIGHT


def test_grounding_counts_each_figure_against_its_own_sentence(passages):
    funds, other = passages
    invented = _answer("每年安排200万元[1]。另有999万元用于奖励[1]。", [funds])
    result = score(FUNDS, invented)
    assert (result.figures, result.grounded) == (2, 1)
