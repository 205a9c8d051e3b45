"""History handling and the detection of questions that point back to earlier turns."""
import pytest

from rag import QueryError
from rag.answer.followup import MAX_TURNS, clean_history, heuristic_standalone
from rag.retrieve.query import points_back


def test_questions_that_point_back():
    for question in ("市政府为此配套了多少经费？", "它的理事长是谁？", "这个联合体在哪里？", "那晋江呢？", "What about its budget?"):
        assert points_back(question), question
    for question in ("常州联合体每年的日常运行经费是多少？", "How many majors did Changzhou add?"):
        assert not points_back(question), question


def test_history_is_checked_and_trimmed():
    turns = [(f"问题{i}", f"回答{i}") for i in range(300)]
    assert clean_history(turns) == turns[-MAX_TURNS:]
    assert clean_history([["问", None]]) == [("问", "")]
    assert len(clean_history([("问" * 50_000, "答")])[0][0]) == 600
    for bad in ("not a list", [("only one",)], [(1, 2)], [{"q": "a"}]):
        with pytest.raises(QueryError, match="对话历史格式错误"):
            clean_history(bad)


def test_without_a_model_the_previous_question_gives_the_subject():
    history = [("常州联合体新增了多少个专业？", "18个")]
    assert heuristic_standalone("市政府为此配套了多少经费？", history) == "（接上一问：常州联合体新增了多少个专业？）市政府为此配套了多少经费？"


def test_the_follow_up_without_a_model_is_quoted_from_the_sentence_that_answers_it(report):
    """The marker's words (接上, 一问) and 为此 are no words of the report: they cost the quote its coverage."""
    from rag.answer.answerer import Answerer
    from rag.retrieve.query import unmarked

    assert unmarked("（接上一问：常州联合体新增了多少个专业？）市政府为此配套了多少经费？") == \
        "常州联合体新增了多少个专业？ 市政府为此配套了多少经费？"
    answer = Answerer(report).ask("市政府为此配套了多少经费？", [("常州联合体新增了多少个专业？", "18个")], backend="extractive")
    assert answer.found and "近400万元" in answer.text and answer.citations[0].page == 71, answer.text


def test_a_rewrite_must_still_be_a_question():
    from rag.answer.followup import acceptable_rewrite

    assert acceptable_rewrite("常州市政府为新增专业配套了多少经费？", "市政府为此配套了多少经费？")
    assert not acceptable_rewrite("常州新能源产教联合体依托常州工业职业技术学院牵头。", "它是依托哪个园区成立的？")
    assert not acceptable_rewrite("NOT_FOUND", "它呢？") and not acceptable_rewrite("", "它呢？")
