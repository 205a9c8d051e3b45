"""English answers: figures rendered in code beside the figure as printed, names kept whole, the kind of thing
asked checked, and the extractive answer to an English question framed in English around its figure."""
from __future__ import annotations

import pytest

from rag.answer.english import figures_given, in_english, lead, mask, names_line, unmask
from rag.answer.glossary import glossary
from rag.answer.grounding import Citer
from rag.passage import Passage
from rag.text.english import asked_unit, render_printed
from rag.text.figures import answers_kind


@pytest.mark.parametrize("printed, english", [
    ("200万元", "2 million yuan (200万元)"),
    ("1 200 余家", "over 1,200 (1 200 余家)"),
    ("近 6 亿元", "nearly 600 million yuan (近 6 亿元)"),
    ("3.5万人次", "35,000 person-times (3.5万人次)"),
    ("超 40%", "over 40% (超 40%)"),
    ("110余次", "over 110 times (110余次)"),
    ("131.74亿元", "13.174 billion yuan (131.74亿元)"),
])
def test_a_figure_is_given_in_english_beside_the_figure_as_printed(printed, english):
    assert render_printed(printed) == english  # 200万元 is 2 million, never "200 million"


@pytest.mark.parametrize("question, unit", [
    ("How many enterprises did the consortium serve with technical upgrades?", "家"),
    ("How much money does the city allocate each year?", "元"),
    ("How many person-times of on-the-job employees has the consortium trained?", "人次"),
    ("How many training sessions were held?", "场"),
    ("What share of graduates stay to work locally?", "%"),
    ("Which two institutions lead the consortium?", None),
])
def test_the_kind_an_english_question_asks_for(question, unit):
    assert asked_unit(question) == unit


def test_a_figure_of_another_kind_does_not_answer():
    assert not answers_kind("场", "家")  # 80余场 is no count of enterprises
    assert answers_kind("家", "家") and answers_kind("人次", "人") and answers_kind("万元", "元") is False
    assert answers_kind("元", "元") and answers_kind("%", "%")


def test_a_sentence_giving_another_kind_of_figure_is_dropped(report):
    passages = [p for p in report.passages() if "80 余场" in p.text and "1 200 余家" in p.text]
    assert passages, "the 常州 passage printing 80 余场 and 1 200 余家"
    citer = Citer(passages, unit="家")
    assert citer.check("The consortium ran 80 余场 training sessions [1].") is None
    assert citer.check("It served 1 200 余家 enterprises [1].") is not None


def test_figures_and_names_go_through_the_translation_in_slots():
    masked = mask("常州新能源产教联合体培训了3.5万人次的在岗人员[1]。由泉州职业技术大学、福建盼盼食品有限公司牵头[1]。")
    assert "3.5万" not in masked.text and "泉州职业技术大学" not in masked.text
    filled = unmask("The {N1} trained {F1} on-the-job employees [1]. It is led by {N2} and {N3} [1].", masked)
    assert filled == ("The 常州新能源产教联合体 (Changzhou New Energy Industry-Education Consortium) trained "
                      "35,000 person-times (3.5万人次) on-the-job employees [1]. It is led by 泉州职业技术大学 "
                      "(Quanzhou University of Vocational Technology) and 福建盼盼食品有限公司 (Fujian Panpan Foods "
                      "Co., Ltd.) [1].")
    assert unmask("The {N1} trained employees [1].", masked) is None  # the figure lost
    assert unmask("The {N1} trained {F7} employees [1].", masked) is None  # a figure made up


PASSAGE = [Passage(id="a", kind="text", text="联合体内学校与理想汽车有限公司、宁德时代新能源科技股份有限公司共建。"
                                               "常州新能源产教联合体依托武进国家高新技术产业开发区成立。")]


@pytest.mark.parametrize("text, english", [
    ("The 常州新能源产教联合体 is based in 武进国家高新技术产业开发区 [1].", True),
    ("The report says (original Chinese): “常州新能源产教联合体依托武进国家高新技术产业开发区成立” [1].", True),
    ("It trained 35,000 person-times (3.5万人次) [1].", True),
    ("The companies are Ideal汽车有限公司 and 宁德时代新能源科技股份有限公司 [1].", False),  # glued to English
    ("The 常州新能 consortium was founded [1].", False),  # a name cut inside a word
    ("常州新能源产教联合体's 开发区是武进国家高新技术产业开发区 [1].", False),  # a Chinese clause
    ("常州新能 consortium培训了3.5万人次[1]。", False),
    ("[1].", False),  # says nothing
])
def test_an_english_answer_has_chinese_only_in_whole_names_figures_and_quotes(text, english):
    assert in_english(text, PASSAGE) is english


def test_a_figure_the_model_gave_is_put_in_english_beside_the_clause_that_prints_it():
    passage = Passage(id="b", kind="text", text="平台收集企业 3.5 万个岗位需求。开发企业定制培训265项，培训在岗人员3.5万人次。")
    given = figures_given("联合体培训在岗人员3.5万人次[1]。", [passage], "人次")
    assert given == ("The report gives 35,000 person-times (3.5万人次) [1]. Original text: “开发企业定制培训265项，"
                     "培训在岗人员3.5万人次” [1].")  # not the 3.5 万个岗位 clause
    assert figures_given("联合体培训在岗人员3.5万人次[1]。", [passage], "家") == ""  # not the kind asked


def test_the_extractive_answer_opens_with_an_english_sentence_around_the_figure_asked_for():
    quoted = [("联合体为企业提供专项培训 80 余场，服务常州当地新能源企业技术改造 1 200 余家", 1)]
    assert lead("家", quoted) == "The report gives over 1,200 (1 200 余家) [1]."
    assert lead("场", quoted) == "The report gives over 80 sessions (80 余场) [1]."
    assert names_line("由泉州职业技术大学牵头") == "Names: 泉州职业技术大学 = Quanzhou University of Vocational Technology."


def test_the_glossary_gives_the_chinese_an_english_question_names():
    terms = glossary().chinese_terms("How much does the Changzhou new energy consortium spend on daily operations?")
    assert terms[:2] == ["常州新能源产教联合体", "日常运行经费"]


def test_an_english_question_gets_an_english_extract_around_its_figure(report):
    from rag.answer.answerer import Answerer

    answer = Answerer(report).ask("How much money does the Changzhou city government allocate each year for the "
                                  "consortium's daily operations?", backend="extractive")
    assert answer.language == "en" and answer.found
    assert "2 million yuan (200万元)" in answer.text and answer.text.startswith("The report gives")
    assert in_english(answer.text, answer.citations)
    answer = Answerer(report).ask("How many enterprises did the Changzhou consortium serve with technical upgrades?",
                                  backend="extractive")
    assert "over 1,200 (1 200 余家)" in answer.text, answer.text


def test_every_name_of_the_glossary_is_printed_in_the_report_and_wordings_are_unique(report_text):
    """The glossary is data about this corpus: a name it renders that the report does not print is stale, and one
    English wording for two Chinese terms would make the search depend on file order."""
    printed = report_text.replace(" ", "")
    entries = glossary().entries
    assert [e.zh for e in entries if e.name and e.zh not in printed] == []
    wordings = [w.lower() for e in entries for w in e.wordings]
    assert len(wordings) == len(set(wordings)), sorted(w for w in wordings if wordings.count(w) > 1)


def test_an_english_question_is_answered_from_the_figures_table_in_english(report):
    from rag.answer.answerer import Answerer

    answer = Answerer(report).ask("How much special construction funding does the Changzhou consortium receive "
                                  "each year?", backend="extractive")
    assert answer.backend == "figures" and answer.language == "en"
    assert answer.text.startswith("The report gives 20 million yuan (2000万元) for “专项建设经费”"), answer.text
    assert "Original text: “" in answer.text and answer.citations[0].page == 71


def test_an_english_question_about_where_a_case_begins_is_answered_from_the_contents_in_english(report):
    from rag.answer.answerer import Answerer

    answer = Answerer(report).ask("On which page of the report does the Changzhou new energy consortium case begin?",
                                  backend="extractive")
    assert answer.backend == "contents" and in_english(answer.text, answer.citations)
    assert "is in Chapter 3 (第三章" in answer.text and "beginning on page 71 [1]." in answer.text
