"""Every kind of bad question and history through rag.search and the answerer: a clear message or a sound
answer, never a traceback or an invented figure."""
from __future__ import annotations

import pytest

from rag import Answerer, QueryError
from rag.retrieve.query import MAX_QUERY_CHARS

from helpers import answer_is_grounded


@pytest.fixture(scope="module")
def answerer(report):
    return Answerer(report)


def answer(answerer, question, history=None):
    return answerer.stream(question, history, backend="extractive").answer


@pytest.mark.parametrize("question", ["", "   \n\t  ", "？？！。，……", "\x00\x07\x1b", "🤔🤔"])
def test_empty_questions_get_a_clear_message(report, answerer, question):
    for call in (lambda: report.search(question), lambda: answer(answerer, question)):
        with pytest.raises(QueryError, match="问题为空"):
            call()


def test_a_question_of_20000_characters_is_refused_with_the_limit(report, answerer):
    question = "常州联合体的日常运行经费是多少？" * 1250
    for call in (lambda: report.search(question), lambda: answer(answerer, question)):
        with pytest.raises(QueryError, match=f"问题过长（20000 字）.*{MAX_QUERY_CHARS}"):
            call()


@pytest.mark.parametrize("question", ["常州\x00联合体每年的日常运行\u200b经费是多少？", "💰常州联合体每年的日常运行经费是多少？🤔",
                                      "常州联合体每年的 daily operating 日常运行经费是多少？"])
def test_control_characters_emoji_and_mixed_scripts_still_answer(answerer, question):
    result = answer(answerer, question)
    assert result.found and "200万元" in result.text and answer_is_grounded(result)


@pytest.mark.parametrize("question", ["钱", "'; DROP TABLE passages; --", "<script>alert(1)</script>",
                                      "<img src=x onerror=alert(1)>常州联合体有多少家企业？"])
def test_single_characters_and_code_snippets_are_harmless(report, answerer, question):
    hits = report.search(question, k=3)
    assert len(hits) <= 3
    result = answer(answerer, question)
    assert answer_is_grounded(result)
    assert "<script>" not in result.text and "onerror" not in result.text  # never echoed back as markup


@pytest.mark.parametrize("question", ["Сколько денег получает объединение в Чанчжоу?", "كم التمويل السنوي؟",
                                      "창저우 연합체의 예산은 얼마입니까?"])
def test_other_languages_are_told_which_languages_are_served(answerer, question):
    with pytest.raises(QueryError, match="中文或英文"):
        answer(answerer, question)


@pytest.mark.parametrize("history", ["abc", [["只有问题"]], [[1, 2]], [{"role": "user", "content": "x"}]])
def test_malformed_history_is_refused_clearly(answerer, history):
    with pytest.raises(QueryError, match="对话历史格式错误"):
        answer(answerer, "那专项建设经费呢？", history)


def test_enormous_history_is_trimmed_not_refused(answerer):
    turns = [["常州联合体新增了多少个专业？", "新增18个专业。" * 2000]] * 500
    result = answer(answerer, "常州联合体每年的日常运行经费是多少？", turns)
    assert result.found and "200万元" in result.text
