"""Make generated/county-education-final-accounts.pdf: 溪川县教育局2024年度部门决算.

Everything in it is invented (the county of 溪川, the bureau, its units, every amount, count and date); only the
layout follows the 部门决算 documents county departments publish each summer: a cover with no page number, then
portrait pages (目录, 第一部分 部门概况), landscape pages with the 公开表 (收入支出决算总表, 收入决算表, 支出决算表,
the 一般公共预算财政拨款支出决算表 by 功能分类科目 code over two pages with its header repeated, 基本支出 by 经济分类,
“三公”经费, an empty 政府性基金 table), then portrait pages again (第三部分 情况说明 with 比上年增加/减少 and
年初预算 vs 决算 figures, 第四部分 名词解释). The footer prints "— N —" from the second PDF page on.
Written in Word's way with python-docx, converted with LibreOffice:

    .venv/bin/python eval/real-documents/make/make_final_accounts.py
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_common import (GB_SONG, HEI, a4, add_field, caption, convert, font, margins, new_section,  # noqa: E402
                         note, page_break, page_number_start, para, set_normal, table, use_fonts)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "generated" / "county-education-final-accounts.pdf"
D = Decimal
DEPT = "溪川县教育局"

# 一般公共预算财政拨款支出 by 功能分类 (项): code, name, 基本支出, 项目支出
LEAVES = [
    ("2050101", "行政运行", "612.48", "0"),
    ("2050102", "一般行政管理事务", "0", "186.35"),
    ("2050199", "其他教育管理事务支出", "0", "94.20"),
    ("2050201", "学前教育", "1836.27", "642.50"),
    ("2050202", "小学教育", "11284.63", "1573.84"),
    ("2050203", "初中教育", "8127.95", "1286.42"),
    ("2050204", "高中教育", "4365.18", "967.35"),
    ("2050299", "其他普通教育支出", "0", "318.60"),
    ("2050302", "中等职业教育", "2146.72", "835.19"),
    ("2050701", "特殊学校教育", "387.56", "72.40"),
    ("2050801", "教师进修", "0", "156.83"),
    ("2050901", "农村中小学校舍建设", "0", "845.27"),
    ("2050999", "其他教育费附加安排的支出", "0", "213.66"),
    ("2080501", "行政单位离退休", "38.64", "0"),
    ("2080502", "事业单位离退休", "486.21", "0"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "2317.40", "0"),
    ("2080506", "机关事业单位职业年金缴费支出", "1158.70", "0"),
    ("2101101", "行政单位医疗", "21.37", "0"),
    ("2101102", "事业单位医疗", "1294.85", "0"),
    ("2210201", "住房公积金", "1742.09", "0"),
]
NAMES = {
    "205": "教育支出", "20501": "教育管理事务", "20502": "普通教育", "20503": "职业教育", "20507": "特殊教育",
    "20508": "进修及培训", "20509": "教育费附加安排的支出", "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出", "210": "卫生健康支出", "21011": "行政事业单位医疗", "221": "住房保障支出",
    "22102": "住房改革支出",
}
# spending from 事业收入 and 其他收入 (项目支出): code -> amount
OTHER_SPEND = {"2050204": D("1198.45"), "2050302": D("187.52")}
INCOME_OTHER = {"事业收入": D("1236.80"), "其他收入": D("214.36")}
CARRY_IN = {"财政拨款": D("1203.45"), "其他资金": D("383.77")}
FISCAL_INCOME_EXTRA = D("112.30")  # 财政拨款收入 above 财政拨款支出 (the fiscal carry-over grows)
LAST_YEAR = {"收入合计": D("38764.19"), "支出合计": D("38512.06"), "财政拨款支出": D("37406.88")}
# 年初预算 of some 项 (explained in 情况说明)
BUDGET = {"2050202": D("13215.80"), "2050204": D("5587.30"), "2050302": D("2731.60"), "2050901": D("1200.00"),
          "2080505": D("2250.00")}
# 基本支出 economic items: (code, name, amount); the last 人员经费 item takes the remainder
PERSONNEL = [("30101", "基本工资", "9764.32"), ("30102", "津贴补贴", "3127.85"), ("30103", "奖金", "1286.40"),
             ("30108", "机关事业单位基本养老保险缴费", "2317.40"), ("30109", "职业年金缴费", "1158.70"),
             ("30110", "职工基本医疗保险缴费", "1316.22"), ("30113", "住房公积金", "1742.09"),
             ("30302", "退休费", "524.85"), ("30305", "生活补助", "86.17"), ("30308", "助学金", "412.60"),
             ("30107", "绩效工资", None)]
PUBLIC = [("30201", "办公费", "418.36"), ("30205", "水费", "236.84"), ("30206", "电费", "681.27"),
          ("30207", "邮电费", "58.43"), ("30209", "物业管理费", "392.15"), ("30211", "差旅费", "97.62"),
          ("30213", "维修（护）费", "514.38"), ("30216", "培训费", "83.90"), ("30217", "公务接待费", "7.72"),
          ("30228", "工会经费", "204.66"), ("30231", "公务用车运行维护费", "24.15"),
          ("30239", "其他交通费用", "146.80"), ("31002", "办公设备购置", "173.54")]
SANGONG_BUDGET = {"因公出国（境）费": D("0"), "公务用车购置费": D("0"), "公务用车运行维护费": D("28.40"),
                  "公务接待费": D("14.20")}
SANGONG = {"因公出国（境）费": D("0"), "公务用车购置费": D("0"), "公务用车运行维护费": D("24.15"),
           "公务接待费": D("7.72")}
SANGONG_LAST = D("35.46")


def m(x) -> str:
    return f"{D(x):.2f}"


def pct(a, b) -> str:
    return str((D(a) / D(b) * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP))


def change(now, last) -> str:
    diff = D(now) - D(last)
    word = "增加" if diff >= 0 else "减少"
    grow = "增长" if diff >= 0 else "下降"
    return f"比上年{word}{m(abs(diff))}万元，{grow}{pct(abs(diff), last)}%"


def sums():
    leaves = [(c, n, D(b), D(p)) for c, n, b, p in LEAVES]
    basic = sum(x[2] for x in leaves)
    proj = sum(x[3] for x in leaves)
    fiscal = basic + proj
    other = sum(OTHER_SPEND.values())
    spend = fiscal + other
    income = fiscal + FISCAL_INCOME_EXTRA + sum(INCOME_OTHER.values())
    carry_in = sum(CARRY_IN.values())
    carry_out = income + carry_in - spend
    return leaves, basic, proj, fiscal, other, spend, income, carry_in, carry_out


def tree_rows(leaves, extra: dict | None = None):
    """Rows 科目编码, 科目名称, 合计, 基本支出, 项目支出 for 类, 款 and 项 (extra: 项目支出 added per 项)."""
    extra = extra or {}
    agg: dict[str, list[Decimal]] = {}
    order: list[str] = []
    for c, n, b, p in leaves:
        p = p + extra.get(c, D(0))
        for key in (c[:3], c[:5], c):
            if key not in agg:
                agg[key] = [D(0), D(0)]
                order.append(key)
            agg[key][0] += b
            agg[key][1] += p
    names = {**NAMES, **{c: n for c, n, _, _ in leaves}}
    rows = []
    for key in order:
        b, p = agg[key]
        rows.append([key, names[key], m(b + p), m(b) if b else "", m(p) if p else ""])
    return rows, agg


def P(doc, text, **kw):
    kw.setdefault("indent", True)
    kw.setdefault("size", 14)
    kw.setdefault("exact", 28)
    kw.setdefault("line", None)
    return para(doc, text, **kw)


def H(doc, text, size=16, east=HEI, align="l", indent=True, before=0):
    return para(doc, text, size=size, east=east, align=align, indent=indent, exact=30, line=None, keep_next=True,
                before=before)


def continue_numbering(section):
    """add_section copies the previous section's w:pgNumType (start=1); drop it so that the count goes on."""
    for e in section._sectPr.findall(qn("w:pgNumType")):
        section._sectPr.remove(e)


def table_head(doc, title: str, no: str):
    caption(doc, title, size=15, before=0, after=4)
    p = para(doc, "", size=10.5, line=1.0, after=2)
    p.paragraph_format.tab_stops.add_tab_stop(__import__("docx.shared", fromlist=["Cm"]).Cm(24.4), 2)
    font(p.add_run(f"编制单位：{DEPT}"), GB_SONG, 10.5)
    font(p.add_run(f"\t{no}    单位：万元"), GB_SONG, 10.5)


def build(path: Path):
    use_fonts(GB_SONG, HEI)
    doc = Document()
    set_normal(doc, 12)
    leaves, basic, proj, fiscal, other, spend, income, carry_in, carry_out = sums()
    fiscal_income = fiscal + FISCAL_INCOME_EXTRA

    # ---- cover
    s0 = doc.sections[0]
    a4(s0)
    margins(s0, 3.7, 3.5, 2.8, 2.6, 1.5, 2.5)
    for _ in range(6):
        para(doc, "")
    para(doc, "溪川县教育局", size=28, east=HEI, bold=True, align="c", line=1.5, after=12)
    para(doc, "2024年度部门决算", size=28, east=HEI, bold=True, align="c", line=1.5, after=200)
    para(doc, "溪川县教育局编制", size=16, align="c", line=1.5)
    para(doc, "2025年8月", size=16, align="c", line=1.5)

    # ---- portrait: 目录, 部门概况; numbered from 1
    s1 = new_section(doc, landscape=False)
    margins(s1, 3.7, 3.5, 2.8, 2.6, 1.5, 2.5)
    s1.footer.is_linked_to_previous = False
    fp = s1.footer.paragraphs[0]
    fp.paragraph_format.alignment = 1
    font(fp.add_run("— "), GB_SONG, 14)
    add_field(fp, "PAGE", east=GB_SONG, size=14)
    font(fp.add_run(" —"), GB_SONG, 14)
    page_number_start(s1, 1)
    para(doc, "目    录", size=22, east=HEI, bold=True, align="c", line=1.5, after=12)
    for t in ("第一部分  溪川县教育局概况", "    一、部门主要职责", "    二、部门决算单位构成",
              "第二部分  溪川县教育局2024年度部门决算表", "    一、收入支出决算总表", "    二、收入决算表",
              "    三、支出决算表", "    四、一般公共预算财政拨款支出决算表", "    五、一般公共预算财政拨款基本支出决算表",
              "    六、一般公共预算财政拨款“三公”经费支出决算表", "    七、政府性基金预算财政拨款收入支出决算表",
              "第三部分  溪川县教育局2024年度部门决算情况说明", "第四部分  名词解释"):
        para(doc, t, size=14, east=HEI if t.startswith("第") else GB_SONG, align="l", exact=30, line=None)
    page_break(doc)
    para(doc, "第一部分  溪川县教育局概况", size=18, east=HEI, bold=True, align="c", line=1.5, after=12)
    H(doc, "一、部门主要职责")
    for t in (
        "（一）贯彻执行党和国家的教育方针、政策和法律法规，拟订全县教育事业发展规划和年度计划并组织实施。",
        "（二）负责全县各级各类教育的统筹规划和协调管理，指导学前教育、义务教育、普通高中教育、中等职业教育、"
        "特殊教育和继续教育工作。",
        "（三）负责本部门教育经费的管理，参与拟订全县教育经费筹措、教育拨款、教育基建投资的政策，统计全县教育经费"
        "投入情况；管理和监督局属单位的财务、资产和基本建设工作。",
        "（四）负责全县教师队伍建设和教师资格认定工作，指导教育系统人才队伍建设。",
        "（五）完成县委、县政府交办的其他任务。",
    ):
        P(doc, t)
    H(doc, "二、部门决算单位构成")
    P(doc, "从预算单位构成看，纳入溪川县教育局2024年度部门决算编制范围的单位共31个，包括：局机关本级、溪川县教育"
           "事业发展服务中心、溪川县教师发展中心、溪川县第一中学、溪川县第二中学、溪川县职业中等专业学校、溪川县"
           "特殊教育学校，以及初级中学9所、小学12所、幼儿园4所。其中，行政单位1个，参照公务员法管理的事业单位1个，"
           "其他事业单位29个。")
    P(doc, "截至2024年12月31日，溪川县教育局及所属单位共有在职人员3218人，离休人员2人，退休人员1467人；在校学生"
           "42615人。")

    # ---- landscape: the 公开表
    s2 = new_section(doc, landscape=True)
    continue_numbering(s2)
    margins(s2, 2.2, 2.0, 2.4, 2.4, 1.2, 1.1)
    para(doc, "第二部分  溪川县教育局2024年度部门决算表", size=20, east=HEI, bold=True, align="c", line=1.5,
         before=160)
    page_break(doc)

    W = [5.8, 3.2, 5.8, 3.2]
    table_head(doc, "收入支出决算总表", "公开01表")
    fund = dict(zip(("205", "208", "210", "221"), (D(0),) * 4))
    _, agg = tree_rows(leaves, OTHER_SPEND)
    for k in fund:
        fund[k] = agg[k][0] + agg[k][1]
    rows = [
        ["一、一般公共预算财政拨款收入", m(fiscal_income), "一、教育支出", m(fund["205"])],
        ["二、政府性基金预算财政拨款收入", "", "二、社会保障和就业支出", m(fund["208"])],
        ["三、国有资本经营预算财政拨款收入", "", "三、卫生健康支出", m(fund["210"])],
        ["四、事业收入", m(INCOME_OTHER["事业收入"]), "四、住房保障支出", m(fund["221"])],
        ["五、经营收入", "", "", ""],
        ["六、其他收入", m(INCOME_OTHER["其他收入"]), "", ""],
        ["本年收入合计", m(income), "本年支出合计", m(spend)],
        ["年初结转和结余", m(carry_in), "年末结转和结余", m(carry_out)],
        ["总计", m(income + carry_in), "总计", m(spend + carry_out)],
    ]
    table(doc, [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]], rows, [7.2, 4.6, 7.2, 4.6],
          size=11, aligns="lrlr", bold_rows={6, 7, 8}, merges=[(0, 0, 0, 1), (0, 2, 0, 3)], line_exact=18)
    note(doc, "注：本表反映部门本年度的总收支和年末结转结余情况。")
    page_break(doc)

    table_head(doc, "收入决算表", "公开02表")
    rows = []
    for k, name in (("205", "教育支出"), ("208", "社会保障和就业支出"), ("210", "卫生健康支出"), ("221", "住房保障支出")):
        f = agg[k][0] + agg[k][1] - (sum(OTHER_SPEND.values()) if k == "205" else 0)
        if k == "205":
            f += FISCAL_INCOME_EXTRA
            sy, qt = INCOME_OTHER["事业收入"], INCOME_OTHER["其他收入"]
        else:
            sy = qt = D(0)
        rows.append([k, name, m(f + sy + qt), m(f), m(sy) if sy else "", m(qt) if qt else ""])
    rows.insert(0, ["", "合计", m(income), m(fiscal_income), m(INCOME_OTHER["事业收入"]), m(INCOME_OTHER["其他收入"])])
    table(doc, ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "事业收入", "其他收入"], rows,
          [2.6, 7.0, 3.6, 3.6, 3.2, 3.2], size=11, aligns="clrrrr", bold_rows={0}, line_exact=18)
    para(doc, "", line=1.0, after=6)
    table_head(doc, "支出决算表", "公开03表")
    rows = [["", "合计", m(spend), m(basic), m(proj + other)]]
    for k, name in (("205", "教育支出"), ("208", "社会保障和就业支出"), ("210", "卫生健康支出"), ("221", "住房保障支出")):
        b, p = agg[k]
        rows.append([k, name, m(b + p), m(b), m(p) if p else ""])
    table(doc, ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"], rows, [2.6, 8.0, 4.2, 4.2, 4.2],
          size=11, aligns="clrrr", bold_rows={0}, line_exact=18)
    page_break(doc)

    table_head(doc, "一般公共预算财政拨款支出决算表", "公开04表")
    rows, _ = tree_rows(leaves)
    rows.insert(0, ["", "合计", m(fiscal), m(basic), m(proj)])
    table(doc, [["科目编码", "科目名称", "本年支出", "", ""], ["", "", "小计", "基本支出", "项目支出"]], rows,
          [3.0, 9.0, 4.0, 4.0, 4.0], size=11, aligns="clrrr", bold_rows={0}, line_exact=16,
          merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4)])
    note(doc, "注：本表反映部门本年度一般公共预算财政拨款实际支出情况，按支出功能分类科目的项级科目列示。")
    page_break(doc)

    table_head(doc, "一般公共预算财政拨款基本支出决算表", "公开05表")
    pers = [(c, n, D(a)) for c, n, a in PERSONNEL if a]
    pub = [(c, n, D(a)) for c, n, a in PUBLIC]
    rest = basic - sum(x[2] for x in pers) - sum(x[2] for x in pub)
    pers.append(("30107", "绩效工资", rest))
    pers.sort(key=lambda x: x[0])
    pers_total = sum(x[2] for x in pers)
    pub_total = sum(x[2] for x in pub)
    rows = []
    for i in range(max(len(pers), len(pub))):
        a = pers[i] if i < len(pers) else ("", "", None)
        b = pub[i] if i < len(pub) else ("", "", None)
        rows.append([a[0], a[1], m(a[2]) if a[2] is not None else "", b[0], b[1], m(b[2]) if b[2] is not None else ""])
    rows.append(["", "人员经费合计", m(pers_total), "", "公用经费合计", m(pub_total)])
    table(doc, [["人员经费", "", "", "公用经费", "", ""], ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"]],
          rows, [2.2, 6.0, 3.4, 2.2, 6.0, 3.4], size=10.5, aligns="clrclr", bold_rows={len(rows) - 1},
          line_exact=16, merges=[(0, 0, 0, 2), (0, 3, 0, 5)])
    page_break(doc)

    table_head(doc, "一般公共预算财政拨款“三公”经费支出决算表", "公开06表")
    keys = list(SANGONG)
    sb, sd = sum(SANGONG_BUDGET.values()), sum(SANGONG.values())
    table(doc, [["预算数", "", "", "", "", "决算数", "", "", "", ""],
                ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "公务接待费",
                 "合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "公务接待费"],
                ["", "", "小计", "公务用车运行维护费", "", "", "", "小计", "公务用车运行维护费", ""]],
          [[m(sb), m(SANGONG_BUDGET[keys[0]]), m(SANGONG_BUDGET[keys[1]] + SANGONG_BUDGET[keys[2]]),
            m(SANGONG_BUDGET[keys[2]]), m(SANGONG_BUDGET[keys[3]]),
            m(sd), m(SANGONG[keys[0]]), m(SANGONG[keys[1]] + SANGONG[keys[2]]), m(SANGONG[keys[2]]),
            m(SANGONG[keys[3]])]],
          [2.3] * 10, size=10, aligns="c" * 10, line_exact=15,
          merges=[(0, 0, 0, 4), (0, 5, 0, 9), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 1, 3), (1, 4, 2, 4),
                  (1, 5, 2, 5), (1, 6, 2, 6), (1, 7, 1, 8), (1, 9, 2, 9)])
    note(doc, "注：“三公”经费预算数为年初预算数。")
    para(doc, "", line=1.0, after=6)
    table_head(doc, "政府性基金预算财政拨款收入支出决算表", "公开07表")
    table(doc, [["科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余"]],
          [["", "合计", "", "", "", ""]], [2.6, 8.0, 3.4, 3.4, 3.4, 3.4], size=11, aligns="clrrrr",
          line_exact=18)
    note(doc, "注：溪川县教育局2024年度没有使用政府性基金预算财政拨款安排的支出，故本表为空表。")

    # ---- portrait: 情况说明, 名词解释
    s3 = new_section(doc, landscape=False)
    continue_numbering(s3)
    margins(s3, 3.7, 3.5, 2.8, 2.6, 1.5, 2.5)
    para(doc, "第三部分  溪川县教育局2024年度部门决算情况说明", size=18, east=HEI, bold=True, align="c", line=1.5,
         after=12)
    H(doc, "一、收入支出决算总体情况说明")
    P(doc, f"2024年度收入总计{m(income + carry_in)}万元、支出总计{m(spend + carry_out)}万元。其中，本年收入合计"
           f"{m(income)}万元，{change(income, LAST_YEAR['收入合计'])}；本年支出合计{m(spend)}万元，"
           f"{change(spend, LAST_YEAR['支出合计'])}。主要原因是教职工基本工资和绩效工资标准调整，以及新建城东幼儿园、"
           "县第二中学学生宿舍改造等项目支出增加。")
    H(doc, "二、收入决算情况说明")
    P(doc, f"本年收入合计{m(income)}万元，其中：一般公共预算财政拨款收入{m(fiscal_income)}万元，占"
           f"{pct(fiscal_income, income)}%；事业收入{m(INCOME_OTHER['事业收入'])}万元，占"
           f"{pct(INCOME_OTHER['事业收入'], income)}%，主要是县第一中学、县第二中学收取的普通高中学费、住宿费；其他收入"
           f"{m(INCOME_OTHER['其他收入'])}万元，占{pct(INCOME_OTHER['其他收入'], income)}%。")
    H(doc, "三、支出决算情况说明")
    P(doc, f"本年支出合计{m(spend)}万元，其中：基本支出{m(basic)}万元，占{pct(basic, spend)}%，主要用于保障机构正常"
           f"运转和完成日常工作任务；项目支出{m(proj + other)}万元，占{pct(proj + other, spend)}%，主要用于学前教育"
           "保教费补助、义务教育薄弱环节改善、农村中小学校舍建设和中等职业教育发展等方面。")
    H(doc, "四、财政拨款收入支出决算总体情况说明")
    P(doc, f"2024年度财政拨款收入总计{m(fiscal_income + CARRY_IN['财政拨款'])}万元，全部为一般公共预算财政拨款。"
           f"财政拨款支出{m(fiscal)}万元，{change(fiscal, LAST_YEAR['财政拨款支出'])}；年末财政拨款结转和结余"
           f"{m(CARRY_IN['财政拨款'] + FISCAL_INCOME_EXTRA)}万元。")
    H(doc, "五、一般公共预算财政拨款支出决算情况说明")
    P(doc, f"（一）总体情况。2024年度一般公共预算财政拨款支出{m(fiscal)}万元，占本年支出合计的{pct(fiscal, spend)}%。")
    P(doc, f"（二）结构情况。教育支出{m(agg['205'][0] + agg['205'][1] - sum(OTHER_SPEND.values()))}万元；社会保障和"
           f"就业支出{m(fund['208'])}万元；卫生健康支出{m(fund['210'])}万元；住房保障支出{m(fund['221'])}万元。")
    P(doc, "（三）具体情况。")
    lv = {c: (n, D(b) + D(p)) for c, n, b, p in LEAVES}
    for i, (code, why) in enumerate((
        ("2050202", "决算数小于年初预算数的主要原因是部分义务教育薄弱环节改善项目跨年度实施，资金结转下年使用。"),
        ("2050204", "决算数小于年初预算数的主要原因是县第二中学学生宿舍改造项目部分工程款按合同约定于2025年支付。"),
        ("2050302", "决算数大于年初预算数的主要原因是年中追加中职学校实训基地建设资金。"),
        ("2050901", "决算数小于年初预算数的主要原因是城东幼儿园新建项目工程进度滞后。"),
        ("2080505", "决算数大于年初预算数的主要原因是缴费基数调整。"),
    ), 1):
        n, amt = lv[code]
        kind = {"20502": "普通教育", "20503": "职业教育", "20509": "教育费附加安排的支出", "20805": "行政事业单位养老支出"}
        lei = "教育支出" if code.startswith("205") else "社会保障和就业支出"
        P(doc, f"{i}．{lei}（类）{kind[code[:5]]}（款）{n}（项）。年初预算为{m(BUDGET[code])}万元，支出决算为"
               f"{m(amt)}万元，完成年初预算的{pct(amt, BUDGET[code])}%。{why}")
    H(doc, "六、一般公共预算财政拨款基本支出决算情况说明")
    P(doc, f"2024年度一般公共预算财政拨款基本支出{m(basic)}万元，其中：人员经费{m(pers_total)}万元，主要包括基本工资、"
           "津贴补贴、奖金、绩效工资、社会保障缴费、住房公积金、退休费、助学金等；公用经费"
           f"{m(pub_total)}万元，主要包括办公费、水费、电费、物业管理费、维修（护）费、公务用车运行维护费、办公设备购置等。")
    H(doc, "七、一般公共预算财政拨款“三公”经费支出决算情况说明")
    P(doc, f"2024年度“三公”经费支出年初预算为{m(sb)}万元，支出决算为{m(sd)}万元，完成年初预算的{pct(sd, sb)}%，"
           f"{change(sd, SANGONG_LAST)}。决算数小于年初预算数的主要原因是严格落实过紧日子要求，压减公务接待和车辆"
           "运行支出。其中：")
    P(doc, "（一）因公出国（境）费支出决算为0万元，全年未安排因公出国（境）团组。")
    P(doc, f"（二）公务用车购置及运行维护费支出决算为{m(SANGONG['公务用车运行维护费'])}万元。其中，公务用车购置费0万元；"
           "公务用车运行维护费主要用于开展教育督导、校园安全检查等工作所需公务用车的燃料费、维修费、过路过桥费、"
           "保险费等支出。截至2024年12月31日，单位开支财政拨款的公务用车保有量为9辆。")
    P(doc, f"（三）公务接待费支出决算为{m(SANGONG['公务接待费'])}万元，全年国内公务接待48批次、396人次，主要用于"
           "接待上级部门教育督导检查和兄弟县（市、区）学习考察。")
    H(doc, "八、政府性基金预算支出决算情况说明")
    P(doc, "2024年度溪川县教育局没有使用政府性基金预算财政拨款安排的支出。")
    H(doc, "九、机关运行经费支出说明")
    P(doc, f"2024年度溪川县教育局（机关本级）机关运行经费支出186.43万元，{change('186.43', '172.18')}。主要原因是"
           "机关办公楼消防设施维修支出增加。")
    H(doc, "十、政府采购支出说明")
    P(doc, f"2024年度溪川县教育局政府采购支出总额2846.19万元，其中：政府采购货物支出1923.57万元、政府采购工程支出"
           f"614.20万元、政府采购服务支出308.42万元。授予中小企业合同金额2317.05万元，占政府采购支出总额的"
           f"{pct('2317.05', '2846.19')}%，其中授予小微企业合同金额1685.63万元。")
    H(doc, "十一、国有资产占用情况说明")
    P(doc, "截至2024年12月31日，溪川县教育局及所属单位共有车辆11辆，其中：副部（省）级及以上领导用车0辆、主要负责人"
           "用车0辆、机要通信用车0辆、应急保障用车1辆、执法执勤用车0辆、特种专业技术用车1辆、其他用车9辆，其他用车"
           "主要是用于教育督导、校园安全检查和送教下乡的车辆；单价100万元（含）以上设备（不含车辆）3台（套）。")
    H(doc, "十二、预算绩效管理情况说明")
    P(doc, "根据预算绩效管理要求，溪川县教育局组织对2024年度一般公共预算项目支出全面开展绩效自评，共涉及项目27个，"
           f"资金{m(proj)}万元，占一般公共预算项目支出总额的100%。从评价情况看，项目总体执行情况良好，但个别项目存在"
           "绩效目标设置不够细化、资金支付进度偏慢等问题。下一步，将加强绩效目标管理，强化评价结果应用。")
    para(doc, "第四部分  名词解释", size=18, east=HEI, bold=True, align="c", line=1.5, before=18, after=12,
         keep_next=True)
    for t in (
        "一、财政拨款收入：指本级财政当年拨付的资金。",
        "二、事业收入：指事业单位开展专业业务活动及辅助活动所取得的收入，如普通高中学费、住宿费等。",
        "三、年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
        "四、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。",
        "五、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
        "六、“三公”经费：指用一般公共预算财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
        "七、机关运行经费：指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务等的各项资金。",
    ):
        P(doc, t)
    doc.save(str(path))
    assert sum(D(x) for x in ("1923.57", "614.20", "308.42")) == D("2846.19")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docx = tmp / "county-education-final-accounts.docx"
        build(docx)
        pdf = convert(docx, tmp)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, OUT)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
