"""Tests for figure extraction, normalisation and grounding, on sentences from the report."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from rag.text.figures import (
    DATE,
    LABEL,
    ORDINAL,
    QUANTITY,
    Figure,
    extract_figures,
    is_grounded,
    same_figure,
    units_compatible,
)


# Used only here: the product checks figures sentence by sentence (rag.answer.grounding.Citer).
def ignorable(figure: Figure, question: str = "") -> bool:
    """Ordinals, dates and labels, and figures the question itself gave, need no support."""
    if figure.kind != QUANTITY:
        return True
    return any(same_figure(figure, other) for other in extract_figures(question, include_all=True))


def check_answer(answer_text: str, cited_passages: Sequence[str], question: str = "") -> list[Figure]:
    """The answer's figures that no cited passage supports (empty list: all grounded)."""
    passage_figures = [f for p in cited_passages for f in extract_figures(p, include_all=True)]
    return [
        fig
        for fig in extract_figures(answer_text)
        if not ignorable(fig, question) and not any(same_figure(fig, other) for other in passage_figures)
    ]


_ROOT = Path(__file__).resolve().parents[1]
# The repo's corpus copy first; shared/ sits inside the checkout or beside it (CI).
REPORT = next(
    (p for p in (
        _ROOT / "corpus" / "vocational-education-quality-report-2024-excerpt.txt",
        _ROOT / "shared" / "report" / "000_0a86d21361c1391d.txt",
        _ROOT.parent / "shared" / "report" / "000_0a86d21361c1391d.txt",
    ) if p.is_file()),
    _ROOT / "corpus" / "missing.txt",
)

# Sentences copied from the report (常州新能源产教联合体 section).
FUNDING = "由市政府分管副市长担任理事长，每年安排200万元日常运行经费和2000万元专项建设经费，保障联合体持续运转。"
STAFF = "已有来自万帮数字能源等100余家成员企业的1000余名技术骨干担任院校兼职教师，600余名院校教师受聘为企业工程师，显著促进人才共享与能力融合。"
TECH = ("聚焦新能源产业链的智能网联、电池管理等创新技术，联合体校企团队累计挖掘梳理技术需求 400 余项，"
        "攻关解决 240 余项，获得江苏省科学技术奖一、二等奖共 13 项。实现技术合同登记额近 6 亿元，带动新增产值超 200 亿元。")
SERVICE = ("联合体为博世力士乐、时代上汽动力电池等企业提供“智改数转网联”专项培训 80 余场，服务常州当地新能源企业"
           "技术改造、工艺改进、产品升级 1 200 余家，解决企业转型技术难题 1 369 项，工艺创新或改造 938 项。")
JOBS = ("联合体“人才供给清单”平台收集企业 3.5 万个岗位需求，举办新能源人才供需洽谈会 60 余场，毕业生留在当地就业率超 40%。"
        "联合体面向企业提供培训项目 265 个，累计培训在岗人员 3.5 万人次，精准适配新能源智能制造领域产业人才需求。")
MAJORS = "新增新能源科学与工程、新能源汽车技术、光伏材料制备技术等专业18个，常州市政府配套近400万元专项建设经费。"
PRAISE = "中联重科现有员工中，超过40%来自职业学校，如今公司和职业学校的关系是“你中有我、我中有你”。"


def summary(text: str, include_all: bool = False) -> list[tuple[str, Decimal, str | None, str | None]]:
    return [(f.raw, f.value, f.unit, f.qualifier) for f in extract_figures(text, include_all)]


def test_figure_is_frozen_and_offsets_point_into_text():
    figs = extract_figures(SERVICE)
    assert all(SERVICE[f.start:f.end] == f.raw for f in figs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        figs[0].value = Decimal(1)  # type: ignore[misc]
    assert figs[0].number == 80.0


def test_report_sentences_normalise():
    assert summary(FUNDING) == [("200万元", 2_000_000, "元", None), ("2000万元", 20_000_000, "元", None)]
    assert summary(STAFF) == [
        ("100余家", 100, "家", "余"), ("1000余名", 1000, "名", "余"), ("600余名", 600, "名", "余"),
    ]
    assert summary(TECH) == [
        ("400 余项", 400, "项", "余"), ("240 余项", 240, "项", "余"), ("13 项", 13, "项", None),
        ("近 6 亿元", 600_000_000, "元", "近"), ("超 200 亿元", 20_000_000_000, "元", "超"),
    ]
    assert summary(SERVICE) == [
        ("80 余场", 80, "场", "余"), ("1 200 余家", 1200, "家", "余"),
        ("1 369 项", 1369, "项", None), ("938 项", 938, "项", None),
    ]
    assert summary(JOBS) == [
        ("3.5 万个", 35_000, "个", None), ("60 余场", 60, "场", "余"), ("超 40%", 40, "%", "超"),
        ("265 个", 265, "个", None), ("3.5 万人次", 35_000, "人次", None),
    ]
    assert summary(MAJORS) == [("18个", 18, "个", None), ("近400万元", 4_000_000, "元", "近")]
    assert summary(PRAISE) == [("超过40%", 40, "%", "超过")]


def test_spaces_inside_numbers_do_not_matter():
    assert extract_figures("1 200余家")[0].value == extract_figures("1200余家")[0].value == 1200
    assert extract_figures("1 369 项")[0].value == 1369
    # Full-width digits and percent signs keep offsets into the original string.
    fig = extract_figures("培训３.５万人次，就业率超４０％")
    assert [(f.raw, f.value, f.unit) for f in fig] == [("３.５万人次", 35_000, "人次"), ("超４０％", 40, "%")]


def test_markdown_bold_does_not_split_number_and_unit():
    assert summary("培训**3.5**万人次，**1 200** 余家") == [
        ("3.5**万人次", 35_000, "人次", None), ("1 200** 余家", 1200, "家", "余"),
    ]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("投入两千万元", 20_000_000, "元"),
        ("新增专业十八个", 18, "个"),
        ("累计一亿二千万元", 120_000_000, "元"),
        ("十多万人", 100_000, "人"),
        ("百分之四十", 40, "%"),
        ("近六亿元", 600_000_000, "元"),
        ("两个市域产教联合体", 2, "个"),
        ("3千万元", 30_000_000, "元"),
        ("1.2万亿元", 1_200_000_000_000, "元"),
    ],
)
def test_chinese_numerals_and_magnitudes(text, value, unit):
    (fig,) = extract_figures(text)
    assert (fig.value, fig.unit) == (value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "获得江苏省科学技术奖一、二等奖",  # award grades, not amounts
        "唯一一个由民企民校双牵头",  # 一一 is prose
        "一体两翼的探索与实践",
        "构建一套产教联合组合拳",
        "二次开发",
        "十四五规划",
        "构建现代职教体系“三湘范式”",
        "万帮数字能源",
        "万亿级国家战略性新兴产业集群",
        "建立三级组织架构",
    ],
)
def test_prose_numerals_are_not_figures(text):
    assert extract_figures(text) == []


@pytest.mark.parametrize(
    "text, value, unit, qualifier",
    [
        ("It trained 35,000 person-times.", 35_000, "人次", None),
        ("served over 1,200 enterprises", 1200, "家", "over"),
        ("3.5 million", 3_500_000, None, None),
        ("20 million yuan", 20_000_000, "元", None),
        ("nearly 600 million yuan", 600_000_000, "元", "nearly"),
        ("RMB 0.6 billion", 600_000_000, "元", None),
        ("¥2,000万", 20_000_000, "元", None),
        ("more than 40 percent", 40, "%", "more than"),
        ("40 per cent", 40, "%", None),
        ("1,200+ companies", 1200, "家", "+"),
        ("about 3.5 thousand people", 3500, "人", "about"),
        ("US$ 5 million", 5_000_000, "USD", None),
    ],
)
def test_english_forms(text, value, unit, qualifier):
    (fig,) = extract_figures(text)
    assert (fig.value, fig.unit, fig.qualifier) == (value, unit, qualifier)
    assert fig.raw == text.strip(".").removeprefix("It trained ").removeprefix("served ")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("▶ 第三章 “一体两翼”的探索与实践", ORDINAL),
        ("排名第3名", ORDINAL),
        ("# 2024年度", DATE),
        ("入选教育部 2024 年度产教融合典型案例", DATE),
        ("二〇二四年", DATE),
        ("9月", DATE),
        ("1990年代", DATE),
        ("In 2024 the alliance grew", DATE),
        ("### （一）政府主导联合体实体运行", LABEL),
        ("体运行机制。一是搭建协同治理架构", LABEL),
        ("## ◎ 二、特色做法", LABEL),
        ("图5 常州工业职业技术学院老师", LABEL),
        ("见表 2", LABEL),
        ("据资料[1]", LABEL),
        ("据资料【3】", LABEL),
        ("see [1, 2]", LABEL),
        ("5G 网络", LABEL),
        ("Qwen2.5 模型", LABEL),
        ("1. 第一点", LABEL),
        ("电话 13800000000", LABEL),
    ],
)
def test_ordinals_dates_and_labels_are_classified(text, kind):
    figs = extract_figures(text, include_all=True)
    assert figs and figs[0].kind == kind
    assert all(f.kind != QUANTITY for f in figs)
    assert extract_figures(text) == []  # and skipped by default


def test_bracketed_amount_is_still_a_quantity():
    assert summary("（共 13 项）") == [("13 项", 13, "项", None)]


def test_units_compatible():
    assert units_compatible("元", None) and units_compatible(None, "人次")
    assert units_compatible("名", "人") and units_compatible("家", "所")
    assert units_compatible("个", "家") and units_compatible("个", "人次")
    assert not units_compatible("个", "元") and not units_compatible("个", "%")
    assert not units_compatible("人", "人次")
    assert not units_compatible("元", "%") and not units_compatible("元", "USD")
    assert not units_compatible("家", "项")


def test_grounding_across_notations():
    passage = JOBS + SERVICE + TECH
    for answer in [
        "35,000 person-times", "3.5万人次", "三万五千人次", "over 1,200 enterprises", "1200家",
        "nearly 600 million yuan", "6亿元", "0.6 billion yuan", "超40%", "40 percent", "1,369 项",
    ]:
        (fig,) = extract_figures(answer)
        assert is_grounded(fig, passage), answer


def test_grounding_rejects_wrong_value_or_unit():
    for answer in ["3.6万人次", "3.5万元", "1300家", "6千万元", "40人", "1 369 家"]:
        (fig,) = extract_figures(answer)
        assert not is_grounded(fig, SERVICE + TECH + "累计培训在岗人员 3.5 万人次"), answer
    (people,) = extract_figures("3.5万人")
    assert not is_grounded(people, "累计培训在岗人员 3.5 万人次")
    assert is_grounded(people, "收集企业 3.5 万个岗位需求")  # 个 is a generic count


def test_year_in_passage_does_not_ground_an_amount():
    (fig,) = extract_figures("2024家")
    assert not is_grounded(fig, "入选教育部 2024 年度产教融合")


def test_ignorable_question_figures_and_labels():
    question = "联合体收集了企业 3.5 万个岗位需求，举办了多少场洽谈会？"
    (echo,) = extract_figures("3.5万个岗位")
    assert ignorable(echo, question)
    (other,) = extract_figures("60余场")
    assert not ignorable(other, question)
    (chapter,) = extract_figures("第三章", include_all=True)
    assert ignorable(chapter, "")


def test_check_answer_flags_only_unsupported_figures():
    question = "常州新能源产教联合体每年安排多少运行经费？"
    good = "根据资料[1]，联合体每年安排200万元日常运行经费和2000万元专项建设经费（见第三章）。"
    assert check_answer(good, [FUNDING], question) == []
    bad = "联合体每年安排300万元日常运行经费和两千万元专项建设经费，带动产值超200亿元。"
    flagged = check_answer(bad, [FUNDING], question)
    assert [(f.raw, f.value) for f in flagged] == [("300万元", 3_000_000), ("超200亿元", 20_000_000_000)]
    # The second passage supports the 200亿 figure.
    assert [f.raw for f in check_answer(bad, [FUNDING, TECH], question)] == ["300万元"]


def test_check_answer_english_answer_against_chinese_passages():
    answer = ("The alliance trained 35,000 person-times [2], served over 1,200 enterprises and "
              "solved 1,369 technical problems; contracts reached nearly 600 million yuan in 2024.")
    assert check_answer(answer, [JOBS, SERVICE, TECH], "") == []
    wrong = "It served 1,500 enterprises and trained 35,000 person-times."
    assert [f.raw for f in check_answer(wrong, [JOBS, SERVICE], "")] == ["1,500 enterprises"]


def test_check_answer_skips_figures_from_the_question():
    question = "在收集 3.5 万个岗位需求之后，联合体举办了多少场洽谈会？"
    answer = "在收集3.5万个岗位需求后，联合体举办了60余场洽谈会。"
    assert check_answer(answer, ["举办新能源人才供需洽谈会 60 余场"], question) == []
    assert [f.raw for f in check_answer(answer, ["举办新能源人才供需洽谈会 60 余场"], "")] == ["3.5万个"]


@pytest.mark.skipif(not REPORT.is_file(), reason="shared report not present")
def test_every_quantity_in_the_report_grounds_against_the_report():
    text = REPORT.read_text(encoding="utf-8")
    figs = extract_figures(text)
    assert len(figs) > 40
    raws = {f.raw for f in figs}
    assert {"1 200 余家", "1 369 项", "3.5 万人次", "近 6 亿元", "200万元", "超 40%"} <= raws
    assert check_answer(text, [text], "") == []
    assert all(isinstance(f, Figure) and text[f.start:f.end] == f.raw for f in figs)


def test_foreign_currencies_are_money_of_their_own():
    from rag.text.figures import answers_unit, same_figure

    usd, jpy = extract_figures("總金額近 29.5 億美元，另有5000日元", include_all=True)
    assert (usd.unit, usd.qualifier, jpy.unit, jpy.kind) == ("美元", "近", "日元", "quantity")  # 5000日 is no date
    assert answers_unit(usd.unit, "元") and not answers_unit("人", "元")  # 多少亿美元 is asked as money
    assert not same_figure(usd, extract_figures("29.5亿元", include_all=True)[0])  # dollars are not yuan
