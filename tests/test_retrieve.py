"""Retrieval on the real corpus with the real model: paraphrased questions find their facts."""
from pathlib import Path

import pytest

from rag import QueryError
from rag.evaluate.metrics import evidence_rank, load_questions, summarise

ROOT = Path(__file__).resolve().parent.parent

# (question in the words of a user, a span of the passage that answers it). None is a copy of its sentence.
FACTS = [
    ("市政府每年拿出多少钱维持联合体的日常运转？", "200万元日常运行经费"),
    ("联合体每年的专项建设资金有多少？", "2000万元专项建设经费"),
    ("联合体的理事长由谁担任？", "分管副市长担任理事长"),
    ("有多少企业技术人员到学校当兼职老师？", "1000余名技术骨干"),
    ("学校老师有多少人被企业聘为工程师？", "600余名院校教师"),
    ("联合体一共新开了几个专业？", "专业18个"),
    ("为新增专业，常州市政府配套了多少钱？", "近400万元"),
    ("课程开发引进了多少份产业前沿技术资料？", "320余份"),
    ("岗位能力标准引入了多少份？", "140余份"),
    ("现场工程师项目一共有几个？", "现场工程师项目12项"),
    ("累计培养了多少名适应新能源制造的学生？", "3200余名"),
    ("联合体和企业科研机构共建了多少个协同创新平台？", "20个协同创新平台"),
    ("“企业出题—院校解题”这类活动办了多少场？", "20余场活动"),
    ("校企团队梳理出多少项技术需求？", "400 余项"),
    ("攻关解决了多少项技术难题？", "攻关解决 240 余项"),
    ("获得了多少项江苏省科学技术奖？", "13 项"),
    ("技术合同登记金额大概是多少？", "近 6 亿元"),
    ("带动了多少新增产值？", "超 200 亿元"),
    ("给企业做了多少场智改数转网联培训？", "80 余场"),
    ("帮助多少家本地新能源企业做技术改造和产品升级？", "1 200 余家"),
    ("帮企业解决了多少转型技术难题？", "1 369 项"),
    ("工艺创新或改造有多少项？", "938 项"),
    ("人才供给清单平台收集到多少岗位需求？", "3.5 万个岗位需求"),
    ("新能源人才供需洽谈会开了多少场？", "60 余场"),
    ("毕业生在本地就业的比例是多少？", "就业率超40%"),
    ("联合体负责人在外面作了多少次交流发言？", "交流发言 10 余次"),
    ("有多少批次的领导来访调研？", "100 余批次"),
    ("媒体一共报道了多少次？", "110 余次"),
    ("哪些央视栏目报道过常州联合体？", "《朝闻天下》《新闻调查》"),
    ("常州联合体由哪两家单位牵头成立？", "常州工业职业技术学院和万帮数字能源股份有限公司"),
    ("理想汽车的人才项目叫什么名字？", "理想汽车“扬帆计划”"),
    ("中联重科有多大比例的员工来自职业学校？", "超过40%来自职业学校"),
    ("晋江联合体是由哪两家单位牵头的？", "泉州职业技术大学、福建盼盼食品有限公司牵头"),
    ("常州的案例从报告第几页开始？", "第71页"),
    ("第四章收录了哪些案例？", "金教材浙金院样板"),
    ("这份报告是哪个单位编写的？", "中国教育科学研究院 编著"),
    ("How much does the city government provide each year for the consortium's daily operation?", "200万元日常运行经费"),
    ("How many new majors did the Changzhou consortium set up?", "专业18个"),
    ("What share of Changzhou graduates stay to work locally?", "就业率超40%"),
    ("Which TV programmes of CCTV reported on the consortium?", "《朝闻天下》《新闻调查》"),
    ("Who is Zheng Yangpeng?", "郑养鹏"),
]


@pytest.mark.parametrize("question,evidence", FACTS, ids=[q for q, _ in FACTS])
def test_paraphrased_question_finds_its_fact(report, question, evidence):
    hits = report.search(question, k=5)
    rank = evidence_rank(hits, (evidence,))
    assert rank is not None, [h.text[:40] for h in hits]
    assert hits[rank - 1].citation  # every hit can be traced to a page


def test_most_facts_rank_first(report):
    ranks = [evidence_rank(report.search(q, k=5), (e,)) for q, e in FACTS]
    assert summarise(ranks)["hit@1"] >= 0.8


@pytest.mark.slow  # 12 s measured on 2 busy cores
def test_fusion_beats_each_retriever_alone_on_the_eval_set(report):
    questions = [q for q in load_questions(ROOT / "eval" / "questions.jsonl") if q.evidence and not q.history]
    scores = {mode: summarise([evidence_rank(report.search(q.question, k=5, mode=mode), q.evidence) for q in questions])
              for mode in ("bm25", "dense", "hybrid")}
    assert scores["hybrid"]["hit@5"] >= 0.95
    for alone in ("bm25", "dense"):
        assert scores["hybrid"]["mrr"] > scores[alone]["mrr"] and scores["hybrid"]["hit@5"] >= scores[alone]["hit@5"]


def test_spaced_and_unspaced_figures_match_alike(report):
    for question in ("服务了1200余家企业", "服务了1 200余家企业", "服务了 1 200 余家企业"):
        assert "1 200 余家" in report.search(question, k=1)[0].text


def test_keyword_search_scores_chinese(report):
    hits = report.search("日常运行经费", k=3, mode="bm25")
    assert hits and hits[0].bm25 > 0 and "日常运行经费" in hits[0].text


def test_a_named_case_ranks_first(report):
    for question, prefix in (("晋江的背景介绍", "晋江"), ("常州联合体的背景", "常州"), ("What did Jinjiang do?", "晋江")):
        hits = report.search(question, k=3)
        assert hits[0].case.startswith(prefix)
        # the table of contents line of the named case also counts as being about it
        assert all(h.case.startswith(prefix) or h.kind == "toc" for h in hits), [h.citation for h in hits]


def test_filters(report):
    hits = report.search("成果成效", k=10, case="常州")
    assert hits and all(h.case.startswith("常州") for h in hits)
    assert all(h.kind == "commentary" for h in report.search("评价", k=5, kind="commentary"))
    assert all(h.chapter.startswith("第三章") for h in report.search("案例", k=5, chapter="3"))
    assert report.search("案例", k=5, chapter="第四章")[0].kind == "toc"
    assert report.search("牵头", k=10, case="晋江")[0].incomplete
    assert report.search("经费", k=5, case="不存在的案例") == []


def test_results_are_deterministic_and_scored(report):
    first = report.search("联合体的市场化运作机制", k=5)
    second = report.search("联合体的市场化运作机制", k=5)
    assert [h.id for h in first] == [h.id for h in second]
    assert [h.score for h in first] == sorted((h.score for h in first), reverse=True)


@pytest.mark.parametrize("bad", ["", "   ", "？！。", "\0\0"])
def test_empty_questions_are_refused_clearly(report, bad):
    with pytest.raises(QueryError, match="问题为空"):
        report.search(bad)


def test_bad_arguments_are_refused_clearly(report):
    with pytest.raises(QueryError, match="k 必须"):
        report.search("经费", k=0)
    with pytest.raises(QueryError, match="未知的段落类型"):
        report.search("经费", kind="poem")
    with pytest.raises(QueryError, match="未知的检索方式"):
        report.search("经费", mode="magic")


@pytest.mark.parametrize("question, unit", [
    ("实践教学学时占比与岗位适应能力的相关系数约为多少？", None),  # a share names the subject, not the answer
    ("多少比例的制造业企业反映数字化技术技能人才短缺？", "%"),
    ("常州和晋江的经费各是多少？", "元"),
    ("每年安排多少万元日常运行经费？", "元"),
    ("学校有多少名专任教师？", None),
])
def test_the_unit_asked_for_is_read_from_what_the_question_asks(question, unit):
    from rag.retrieve.query import expected_unit

    assert expected_unit(question) == unit
