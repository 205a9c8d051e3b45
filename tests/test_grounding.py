"""The figure check on real passages: false figures are caught, citations fixed and renumbered."""
import pytest

from rag.answer.grounding import Citer, split_answer


@pytest.fixture(scope="module")
def funds_and_training(report):
    funds = report.search("每年安排200万元日常运行经费", k=1)[0]
    training = report.search("联合体面向企业提供培训项目 265 个，累计培训在岗人员 3.5 万人次", k=1)[0]
    assert "200万元" in funds.text and "3.5 万人次" in training.text
    return [funds, training]


def test_an_injected_false_figure_drops_its_sentence(funds_and_training):
    citer = Citer(funds_and_training, "联合体每年的运行经费是多少？")
    assert citer.check("联合体每年安排300万元日常运行经费[1]。") is None
    assert citer.check("联合体共有成员企业5000家。") is None
    assert citer.dropped == ["联合体每年安排300万元日常运行经费[1]。", "联合体共有成员企业5000家。"]
    assert citer.citations == []


def test_a_year_that_no_passage_gives_is_dropped(funds_and_training):
    assert Citer(funds_and_training, "联合体哪年成立？").check("联合体成立于2019年[1]。") is None


def test_missing_and_wrong_citations_are_fixed(funds_and_training):
    citer = Citer(funds_and_training, "经费和培训各是多少？")
    assert citer.check("培训在岗人员3.5万人次。") == "培训在岗人员3.5万人次[1]。"  # attached: passage 2 -> shown as [1]
    assert citer.check("每年日常运行经费200万元[2]。") == "每年日常运行经费200万元[2]。"  # [2] was wrong: passage 1
    assert [p.id for p in citer.citations] == [funds_and_training[1].id, funds_and_training[0].id]


def test_number_notation_does_not_matter(funds_and_training):
    citer = Citer(funds_and_training, "How many person-times were trained?")
    assert citer.check("It trained 35,000 person-times.") == "It trained 35,000 person-times[1]."
    assert citer.check("每年日常运行经费两百万元[1]。") == "每年日常运行经费两百万元[2]。"


def test_figures_from_the_question_and_ordinals_need_no_source(funds_and_training):
    citer = Citer(funds_and_training, "第三章里2024年度的案例讲了什么？")
    assert citer.check("第三章收录了2024年度的案例。") == "第三章收录了2024年度的案例。"


def test_sentences_are_released_only_when_complete():
    done, rest = split_answer("每年安排200万元[1]。培训3.5万人次[2]；并且")
    assert done == ["每年安排200万元[1]。", "培训3.5万人次[2]；"] and rest == "并且"
    done, rest = split_answer("It trained 3.5 thousand people [1]. Then")
    assert done == ["It trained 3.5 thousand people [1]."] and rest == "Then"


def test_a_fact_stated_without_citation_gets_the_passage_it_came_from(funds_and_training):
    citer = Citer(funds_and_training, "理事长由谁担任？")
    assert citer.check("理事长由市政府分管副市长担任。") == "理事长由市政府分管副市长担任[1]。"
    assert citer.check("以上是报告的说法。") == "以上是报告的说法。"  # connecting text: nothing to cite
    invented = "联合体还获得过《中国青年报》《人民日报》等多家媒体的专题报道。"
    assert citer.check(invented) is None and invented in citer.dropped  # a claim nothing supports


def test_list_items_keep_their_lines(funds_and_training):
    done, _ = split_answer("经费如下：\n1. 日常运行经费200万元[1]\n2. 专项建设经费2000万元[1]\n")
    assert done == ["经费如下：\n", "1. 日常运行经费200万元[1]\n", "2. 专项建设经费2000万元[1]\n"]
    citer = Citer(funds_and_training, "经费有哪些？")
    assert "".join(citer.check(s) for s in done) == "经费如下：\n1. 日常运行经费200万元[1]\n2. 专项建设经费2000万元[1]\n"


def test_a_dropped_or_changed_qualifier_is_written_as_the_passage_prints_it(report):
    fairs = report.search("新能源人才供需洽谈会 60 余场", k=1)[0]
    teachers = report.search("600余名院校教师受聘为企业工程师", k=1)[0]
    citer = Citer([fairs, teachers], "洽谈会开了多少场？")
    assert citer.check("洽谈会共举办60场[1]。") == "洽谈会共举办60余场[1]。"
    assert citer.check("约600名院校教师受聘为企业工程师[2]。") == "600余名院校教师受聘为企业工程师[2]。"
    assert citer.check("毕业生留在当地就业率超40%[1]。") == "毕业生留在当地就业率超40%[1]。"  # already as printed
    assert citer.check("It held 60 job fairs [1].") == "It held 60 job fairs [1]."  # English keeps its words


def test_a_sentence_about_one_case_citing_another_cases_passage_is_dropped(report):
    # What the 1.5B model wrote when asked who leads each consortium: 晋江's leaders given to 常州.
    jinjiang = report.search("由泉州职业技术大学、福建盼盼食品有限公司牵头", k=1, case="晋江")[0]
    assert "福建盼盼食品有限公司" in jinjiang.text and "常州" not in jinjiang.text
    citer = Citer([jinjiang], "常州和晋江两个联合体分别由哪些单位牵头？", report.retriever().aliases)
    wrong = "常州联合体由泉州职业技术大学牵头，福建盼盼食品有限公司牵头[1]。"
    assert citer.check(wrong) is None and citer.dropped == [wrong]
    right = "晋江联合体由泉州职业技术大学、福建盼盼食品有限公司牵头[1]。"
    assert citer.check(right) == right
    # English names count too, and a sentence naming no case is not checked against cases.
    assert citer.check("The Changzhou consortium is led by Panpan Foods [1].") is None
    assert citer.check("福建盼盼食品有限公司是牵头单位[1]。") == "福建盼盼食品有限公司是牵头单位[1]。"


def test_an_organisation_no_passage_names_drops_its_sentence(report):
    # What the 1.5B model wrote when asked who leads the 常州 consortium, citing a passage that names neither.
    leads = report.search("由常州工业职业技术学院和万帮数字能源股份有限公司共同牵头", k=1)[0]
    citer = Citer([leads], "常州联合体由哪两家单位牵头？")
    invented = "常州联合体由常州大学和常州供电公司牵头[1]。"
    assert citer.check(invented) is None and citer.dropped == [invented]
    printed = "常州联合体由常州工业职业技术学院和万帮数字能源股份有限公司牵头[1]。"
    assert citer.check(printed) == printed
    assert citer.check("联合体与多所职业学校合作[1]。") is not None  # a common noun, not a name
    asked = Citer([leads], "常州大学参与了联合体吗？")  # a name the question gives may be said back
    assert asked.check("报告未提及常州大学参与联合体[1]。") is not None
