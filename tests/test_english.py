"""English answers: figures rendered in code beside the figure as printed, names kept whole, the kind of thing
asked checked, each figure said in English with what it is, the glossary matched on word forms, and a document's
place and person names read from its pinyin."""
from __future__ import annotations

import pytest

from rag.answer.english import (figure_answer, figures_given, in_english, lead, mask, names_line, own_words, say,
                                translate_clause, unmask)
from rag.answer.glossary import Glossary, glossary, stem
from rag.answer.grounding import Citer
from rag.ingest.facts import Figure as Row
from rag.passage import Passage
from rag.text.english import Romanised, asked_measure, asked_unit, latin_names, render_printed
from rag.text.figures import answers_kind, extract_figures


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
    ("How many companies did the alliance help with technical upgrades?", "家"),
    ("How much money does the city allocate each year?", "元"),
    ("How many person-times of staff were trained?", "人次"),
    ("How many training sessions were held?", "场"),
    ("What share of graduates found work locally?", "%"),
    ("Which two institutions lead the alliance?", None),
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
    assert filled.startswith("The 常州新能源产教联合体") and "trained 35,000 person-times (3.5万人次) on-the-job" in filled
    assert "led by 泉州职业技术大学" in filled and "福建盼盼食品有限公司" in filled  # names whole, as printed
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


# -- an English answer says what its figure is ---------------------------------------------------------------------------
PLATFORM = Passage(id="b", kind="text", text="平台收集企业 3.5 万个岗位需求。开发企业定制培训265项，培训在岗人员3.5万人次。")
FUNDS = Passage(id="c", kind="text", text="由市政府分管副市长担任理事长，每年安排200万元日常运行经费和2000万元专项建设经费，"
                                          "保障联合体持续运转。")


def test_without_a_model_the_figure_is_said_by_the_question_s_own_words_for_what_is_asked():
    given = figures_given("平台收集企业3.5万个岗位需求[1]。", [PLATFORM], None,
                          "How many job vacancies did the talent platform gather?")
    assert given == ("The report gives 35,000 (3.5万个) for the number of job vacancies asked [1]. "
                     "Original text: “平台收集企业 3.5 万个岗位需求” [1].")
    # Not the kind asked: nothing given; no question: the figure alone, never a measure made up.
    assert figures_given("联合体培训在岗人员3.5万人次[1]。", [PLATFORM], "家") == ""
    assert figures_given("联合体培训在岗人员3.5万人次[1]。", [PLATFORM], "人次").startswith(
        "The report gives 35,000 person-times (3.5万人次) [1]. Original text: “开发企业定制培训265项，培训在岗人员3.5万人次”")


def test_a_figure_whose_label_the_glossary_knows_is_said_by_its_english():
    said = say(extract_figures(FUNDS.text)[0], FUNDS.text, 2)
    assert said.how == "glossary"
    assert said.text == "The report gives 2 million yuan (200万元) for daily operating funds (日常运行经费) [2]."


def test_the_figure_a_question_asks_is_the_one_its_clause_labels_with_the_asked_measure():
    # Issue 30: asked the daily running costs, the 1.5B model answered the construction fund printed beside them.
    question = "How much does the city government give the alliance each year for its daily running costs?"
    assert "日常运行经费" in glossary().chinese_terms(question)  # running costs = operating funds, by word forms
    given = figures_given("每年市政府给的运行成本是2000万元[1]。", [FUNDS], "元", question)
    assert given.startswith("The report gives 2 million yuan (200万元) for daily operating funds (日常运行经费) [1].")
    assert "20 million" not in given.split("Original text")[0]
    # The extract opens with the figure labelled with the asked measure, wherever it is printed.
    quoted = [(FUNDS.text.rstrip("。"), 1)]
    assert lead("元", quoted, "How much special construction funding is given each year?").startswith(
        "The report gives 20 million yuan (2000万元) for special construction funds")


def test_a_figure_labelled_with_another_measure_is_not_claimed_to_answer():
    budget = "部门预算支出5000万元，其中：办公费12万元、差旅费8万元"
    row = Row(raw="8万元", value=80000, unit="元", qualifier="", label="差旅费", subject="", sentence=budget,
              passage_id="d", citation="", kind="text")
    # The table's row is the travel expenses; the clause labels 12万元 with the office expenses asked.
    assert figure_answer(row, "What are the office expenses?").startswith(
        "The report gives 120,000 yuan (12万元) for office expenses (办公费) [1].")
    assert figure_answer(row, "What are the travel expenses?").startswith("The report gives 80,000 yuan (8万元) for "
                                                                            "travel expenses (差旅费) [1].")
    # An extract whose only figure is another measure opens without claiming it.
    assert lead("元", [("城镇居民人均可支配收入40867元", 1)], "What was the office expenses budget?") == "The report says"
    assert lead(None, [("本课程计划教学学时为：216学时，计 12 学分", 1), ("项目2 学时 8", 2)],
                "How many teaching hours does the course plan?").startswith("The report gives 216 class hours")


def test_a_number_the_question_states_is_not_its_answer():
    row = "院校专业组名称 江岭大学第07组，投档线 598，语数之和 201"
    table = Passage(id="t", kind="table", text=row + "。")
    question = "What was the cut-off score of group 07 of Jiangling University?"
    assert figures_given("江岭大学第07组的投档线为598[1]。", [table], None, question).startswith(
        "The report gives 598 (598) for cut-off score (投档线) [1].")
    assert lead(None, [(row, 1)], question) == "The report gives 598 (598) for cut-off score (投档线) [1]."


def test_a_figure_s_own_words_end_at_the_figures_beside_it():
    text = FUNDS.text
    first, second = [f for f in extract_figures(text) if f.unit == "元"]
    assert own_words(text, first) == "每年安排200万元日常运行经费"
    assert own_words(text, second) == "2000万元专项建设经费"


class FakeModel:
    def __init__(self, reply: str):
        self.reply, self.prompts = reply, []

    def complete(self, messages, max_tokens=512, temperature=0.2):
        self.prompts.append(messages[-1]["content"])
        return self.reply


def test_with_a_model_a_figure_whose_measure_the_glossary_knows_keeps_the_glossary_s_english():
    model = FakeModel("Each year {F1} is arranged for the running of daily things.")
    said = say(extract_figures(FUNDS.text)[0], FUNDS.text, 1, "How much?", model, [FUNDS])
    assert said.how == "glossary" and model.prompts == []  # fixed English, and no model call (seconds) spent


def test_with_a_model_the_figure_s_clause_is_translated_around_its_slot_and_checked():
    figure = extract_figures(PLATFORM.text)[0]
    model = FakeModel("The talent platform collected {F1} job vacancies from companies.")
    said = say(figure, PLATFORM.text, 1, "How many job vacancies were posted?", model, [PLATFORM])
    assert said.how == "model"
    assert said.text == "The talent platform collected 35,000 (3.5万个) job vacancies from companies [1]."
    assert "平台收集企业{F1}岗位需求" in model.prompts[0].replace(" ", "")  # the figure never reaches the model
    for reply in ("The platform collected job vacancies.",  # the slot lost
                  "The platform collected {F1} vacancies, {F1} in all.",  # copied twice
                  "The platform collected 35,000 job vacancies.",  # a figure typed by the model
                  "平台 collected {F1} 岗位.",  # Chinese left
                  "{F1}."):  # no English words
        assert translate_clause(FakeModel(reply), "平台收集企业 3.5 万个岗位需求", figure, [PLATFORM]) is None, reply
    # What the 1.5B model added on the dev documents: a hedge, a made-up name, the unit twice.
    for reply in ("The platform collected approximately {F1} job vacancies.",
                  "The Yiwu platform collected {F1} job vacancies."):
        assert translate_clause(FakeModel(reply), "平台收集企业 3.5 万个岗位需求", figure, [PLATFORM]) is None, reply
    hours = extract_figures("本课程计划教学学时为：216学时")[0]
    assert translate_clause(FakeModel("The plan allocates {F1} hours of teaching."), "本课程计划教学学时为：216学时",
                            hours) is None
    assert translate_clause(FakeModel("The course plan sets {F1} of teaching."), "本课程计划教学学时为：216学时",
                            hours) == "The course plan sets 216 class hours (216学时) of teaching"
    fallback = say(figure, PLATFORM.text, 1, "How many job vacancies were posted?", FakeModel("{F1}."), [PLATFORM])
    assert fallback.how == "question" and "for the number of job vacancies asked [1]" in fallback.text


def test_a_table_row_is_said_by_its_measure_or_by_the_question_never_by_an_invented_one():
    row = Row(raw="200万元", value=2e6, unit="元", qualifier="", label="日常运行经费", subject="", sentence=FUNDS.text,
              passage_id="c", citation="", kind="text")
    assert figure_answer(row).startswith("The report gives 2 million yuan (200万元) for daily operating funds "
                                         "(日常运行经费) [1]. Original text: “")
    cell = Row(raw="630", value=630, unit="", qualifier="", label="武汉大学 09组", column="最低分", subject="",
               sentence="武汉大学 09组 630 12345", passage_id="t", citation="", kind="table")
    assert figure_answer(cell).startswith("The report gives 630 (630) for lowest score (最低分) [1].")
    unknown = Row(raw="48个", value=48, unit="个", qualifier="", label="高职专业", subject="", sentence="高职专业 48个",
                  passage_id="t", citation="", kind="table")
    assert figure_answer(unknown, "How many vocational programmes are listed?").startswith(
        "The report gives 48 (48个) for the number of vocational programmes asked (“高职专业”) [1].")


@pytest.mark.parametrize("question, measure", [
    ("How many job vacancies did the platform collect?", "the number of job vacancies"),
    ("How much money does the city allocate each year?", "the amount of money"),
    ("What was the total value of goods exports in 2023, in units of 100 million yuan?",
     "the total value of goods exports in 2023"),
    ("What floor area (in square metres) does the standard require for the lab?", "the floor area"),
    ("How much does the city give each year?", ""),
])
def test_what_an_english_question_asks_in_its_own_words(question, measure):
    assert asked_measure(question) == measure


# -- the glossary: general vocabulary, matched on word forms; names from the documents -----------------------------------
@pytest.mark.parametrize("a, b", [("running", "operating"), ("costs", "funds"), ("expenses", "funding"),
                                  ("operations", "operate"), ("enterprises", "companies"), ("every", "each")])
def test_glossary_wordings_match_on_word_forms(a, b):
    assert stem(a) == stem(b)


def test_a_document_s_place_and_person_names_are_read_from_its_pinyin():
    texts = ["江岭市2024年新建学校12所，接待台湾游客4371人次。", "负责人郑养鹏介绍，周口市空气质量优良天数254天。"]
    romanised = Romanised(texts)
    assert romanised.printed("Jiangling") == "江岭" and romanised.printed("Zhoukou") == "周口"
    assert romanised.printed("Li") is None  # one syllable names nothing reliably
    question = "How many schools did Jiangling City build, and who is Zheng Yangpeng?"
    assert [c for _, _, c in latin_names(question, romanised)] == ["江岭市", "郑养鹏"]  # City: 市, as printed
    assert [c for _, _, c in latin_names("Did Jiangling County build schools?", romanised)] == ["江岭"]  # no 江岭县
    words = Glossary(glossary([]).entries, romanised)
    assert {"江岭市", "郑养鹏"} <= set(words.chinese_terms(question))
    assert "Jiangling City = 江岭市" in words.hints(question)
    assert "江岭" not in glossary([]).chinese_terms(question)  # the glossary lists no document's names


def test_the_glossary_of_an_index_is_built_once_per_snapshot():
    passages = [Passage(id="x", kind="text", text="周口市统计局发布统计公报。")]
    assert glossary(passages) is glossary(passages)
    assert glossary(passages).chinese_terms("What does the Zhoukou statistical bulletin say?") == ["周口", "统计公报"]


def test_the_glossary_holds_general_vocabulary_not_the_report_s_names(report):
    """Names are read from the indexed documents: no entry is one of the report's cases' places or bodies, and one
    wording (by its word forms) names one Chinese term only, so that the search does not depend on file order. (The
    report's [[legacy]] names serve only a caller that passes no documents.)"""
    entries = glossary(report.retriever().passages).entries
    assert len(glossary().entries) > len(entries)  # the legacy names, without the documents
    places = {alias for aliases in report.retriever().aliases.values() for alias in aliases if not alias.isascii()}
    assert [e.zh for e in entries if any(place in e.zh for place in places if len(place) >= 2)] == []
    seen: dict[tuple[str, ...], str] = {}
    for entry in entries:
        for wording in entry.wordings:
            key = tuple(stem(w) for w in wording.replace("-", " ").split())
            assert seen.setdefault(key, entry.zh) == entry.zh, (wording, entry.zh, seen[key])


def test_the_glossary_gives_the_chinese_an_english_question_names(report):
    words = glossary(report.retriever().passages)
    terms = words.chinese_terms("How much does the Changzhou consortium spend on daily operations each year?")
    assert terms == ["常州", "产教联合体", "日常运行经费", "每年"]
    assert names_line("央视报道了联合体") == "Names: 央视 = CCTV."


# -- through the answerer (the report's index) -----------------------------------------------------------------------
def test_an_english_question_gets_an_english_answer_around_its_figure(report):
    from rag.answer.answerer import Answerer

    answer = Answerer(report).ask("How much money does the Changzhou government set aside every year for the "
                                  "consortium's daily running costs?", backend="extractive")
    assert answer.language == "en" and answer.found
    assert "2 million yuan (200万元)" in answer.text and answer.text.startswith("The report gives"), answer.text
    assert "20 million" not in answer.text.split("Original text")[0]
    assert in_english(answer.text, answer.citations)


def test_an_english_question_is_answered_from_the_figures_table_in_english(report):
    from rag.answer.answerer import Answerer

    answer = Answerer(report).ask("Each year, how much special construction funding goes to the consortium?",
                                  backend="extractive")
    assert answer.backend == "figures" and answer.language == "en"
    assert answer.text.startswith("The report gives 20 million yuan (2000万元) for special construction funds "
                                  "(专项建设经费) [1]."), answer.text
    assert "Original text: “" in answer.text and answer.citations[0].page == 71


def test_an_english_question_about_where_a_case_begins_is_answered_from_the_contents_in_english(report):
    from rag.answer.answerer import Answerer

    answer = Answerer(report).ask("On which page of the report does the Changzhou new energy consortium case begin?",
                                  backend="extractive")
    assert answer.backend == "contents" and in_english(answer.text, answer.citations)
    assert "is in Chapter 3 (第三章" in answer.text and "beginning on page 71 [1]." in answer.text
