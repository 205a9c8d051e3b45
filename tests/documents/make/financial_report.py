"""Builds financial/annual-report-excerpt.pdf: a Word-made listed-company annual report excerpt (第一节…, bold body-size （一） headings, a balance sheet that runs over a page break without a repeated header, side-by-side tables)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

sys.path.insert(0, str(Path(__file__).parent))
from docx_util import SANS, SERIF, add_field, base_document, caption, para, set_run_font, table, to_pdf, unit_line

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "financial"
NAME = "annual-report-excerpt"
TITLE = "江川智造装备股份有限公司2024年年度报告"
UNIT = "单位：元  币种：人民币"

BS = [["项目", "附注", "2024年12月31日", "2023年12月31日"],
      ["流动资产：", "", "", ""],
      ["货币资金", "七、1", "1,284,615,372.08", "1,047,293,618.55"],
      ["交易性金融资产", "七、2", "350,000,000.00", "420,000,000.00"],
      ["应收票据", "七、4", "86,742,195.30", "73,518,264.91"],
      ["应收账款", "七、5", "912,437,860.17", "835,106,442.69"],
      ["应收款项融资", "七、7", "45,318,902.44", "38,720,115.06"],
      ["预付款项", "七、8", "27,604,318.95", "31,286,907.12"],
      ["其他应收款", "七、9", "12,958,471.20", "14,377,093.68"],
      ["存货", "七、10", "648,271,935.62", "702,846,127.33"],
      ["合同资产", "七、6", "58,406,713.29", "49,135,870.47"],
      ["其他流动资产", "七、13", "19,873,504.16", "22,614,389.70"],
      ["流动资产合计", "", "3,446,229,273.21", "3,234,898,830.19"],
      ["非流动资产：", "", "", ""],
      ["长期股权投资", "七、17", "163,520,448.73", "151,902,336.28"],
      ["其他权益工具投资", "七、18", "40,000,000.00", "40,000,000.00"],
      ["投资性房地产", "七、20", "21,375,906.52", "22,481,733.19"],
      ["固定资产", "七、21", "1,127,648,390.45", "1,036,275,148.81"],
      ["在建工程", "七、22", "236,914,057.68", "189,430,762.05"],
      ["使用权资产", "七、25", "18,462,731.90", "21,908,415.37"],
      ["无形资产", "七、26", "204,738,619.14", "211,057,394.62"],
      ["商誉", "七、28", "32,186,475.00", "32,186,475.00"],
      ["长期待摊费用", "七、29", "9,847,302.36", "11,293,586.45"],
      ["递延所得税资产", "七、30", "41,275,693.81", "36,918,204.57"],
      ["其他非流动资产", "七、31", "27,593,180.00", "44,716,250.00"],
      ["非流动资产合计", "", "1,923,542,805.59", "1,798,186,311.15"],
      ["资产总计", "", "5,369,772,078.80", "5,033,085,141.34"],
      ["流动负债：", "", "", ""],
      ["短期借款", "七、32", "315,000,000.00", "368,500,000.00"],
      ["应付票据", "七、35", "274,815,633.40", "241,608,927.15"],
      ["应付账款", "七、36", "683,209,457.91", "629,471,308.26"],
      ["合同负债", "七、38", "142,736,920.58", "167,305,481.93"],
      ["应付职工薪酬", "七、39", "98,461,275.34", "87,932,016.48"],
      ["应交税费", "七、40", "36,907,148.22", "29,584,613.07"],
      ["一年内到期的非流动负债", "七、43", "52,418,306.75", "48,270,195.64"],
      ["流动负债合计", "", "1,603,548,742.20", "1,572,672,542.53"],
      ["非流动负债：", "", "", ""],
      ["长期借款", "七、45", "260,000,000.00", "210,000,000.00"],
      ["租赁负债", "七、47", "11,836,594.28", "15,407,236.90"],
      ["递延收益", "七、51", "64,527,810.63", "58,916,402.17"],
      ["非流动负债合计", "", "336,364,404.91", "284,323,639.07"],
      ["负债合计", "", "1,939,913,147.11", "1,856,996,181.60"]]

DOC: list[tuple] = [
    ("h1", "第一节  重要提示"),
    ("p", "一、本公司董事会、监事会及董事、监事、高级管理人员保证年度报告内容的真实性、准确性、完整性，不存在虚假记载、误导性陈述或重大遗漏，并承担个别和连带的法律责任。"),
    ("p", "二、公司全体董事出席董事会会议。"),
    ("p", "三、天衡信会计师事务所（特殊普通合伙）为本公司出具了标准无保留意见的审计报告。"),
    ("p", "四、公司负责人王立新、主管会计工作负责人陈晓燕及会计机构负责人（会计主管人员）刘佳声明：保证年度报告中财务报告的真实、准确、完整。"),
    ("p", "五、董事会决议通过的本报告期利润分配预案或公积金转增股本预案：公司拟以实施权益分派股权登记日登记的总股本为基数，向全体股东每10股派发现金红利3.60元（含税）。截至2024年12月31日，公司总股本412,580,000股，以此计算合计拟派发现金红利148,528,800.00元（含税），占本年度归属于上市公司股东净利润的比例为35.27%。"),
    ("p", "六、前瞻性陈述的风险声明：本报告所涉及的未来计划、发展战略等前瞻性描述不构成公司对投资者的实质承诺，敬请投资者注意投资风险。"),
    ("h1", "第二节  公司简介和主要财务指标"),
    ("h2", "一、公司信息"),
    ("sidebyside",),
    ("h2", "二、近三年主要会计数据和财务指标"),
    ("h3", "（一）主要会计数据"),
    ("unit", UNIT),
    ("table", [["主要会计数据", "2024年", "2023年", "本期比上年同期增减(%)", "2022年"],
               ["营业收入", "3,862,417,095.36", "3,415,208,763.91", "13.09", "3,027,554,180.42"],
               ["归属于上市公司股东的净利润", "421,136,508.74", "376,290,415.28", "11.92", "318,742,906.15"],
               ["归属于上市公司股东的扣除非经常性损益的净利润", "389,705,216.33", "352,614,870.09", "10.52", "297,308,114.60"],
               ["经营活动产生的现金流量净额", "503,824,917.46", "462,375,108.83", "8.96", "287,915,433.27"],
               ["", "2024年末", "2023年末", "本期末比上年同期末增减(%)", "2022年末"],
               ["归属于上市公司股东的净资产", "3,385,264,109.52", "3,139,578,027.93", "7.83", "2,874,106,359.71"],
               ["总资产", "5,369,772,078.80", "5,033,085,141.34", "6.69", "4,618,340,275.06"]],
     [4.2, 3.0, 3.0, 2.2, 3.0], "repeat"),
    ("h3", "（二）主要财务指标"),
    ("table", [["主要财务指标", "2024年", "2023年", "本期比上年同期增减(%)", "2022年"],
               ["基本每股收益（元／股）", "1.02", "0.91", "12.09", "0.77"],
               ["稀释每股收益（元／股）", "1.01", "0.90", "12.22", "0.77"],
               ["扣除非经常性损益后的基本每股收益（元／股）", "0.94", "0.85", "10.59", "0.72"],
               ["加权平均净资产收益率（%）", "12.93", "12.48", "增加0.45个百分点", "11.57"],
               ["扣除非经常性损益后的加权平均净资产收益率（%）", "11.96", "11.69", "增加0.27个百分点", "10.79"]],
     [4.6, 2.4, 2.4, 3.4, 2.4], "repeat"),
    ("h3", "（三）2024年分季度主要财务数据"),
    ("unit", UNIT),
    ("table", [["项目", "第一季度（1-3月份）", "第二季度（4-6月份）", "第三季度（7-9月份）", "第四季度（10-12月份）"],
               ["营业收入", "802,316,475.19", "947,285,630.42", "918,602,741.88", "1,194,212,247.87"],
               ["归属于上市公司股东的净利润", "86,417,302.56", "108,925,614.30", "97,380,259.71", "128,413,332.17"],
               ["经营活动产生的现金流量净额", "-62,184,907.35", "135,702,418.64", "148,916,305.27", "281,391,100.90"]],
     [4.0, 2.8, 2.8, 2.8, 2.8], "repeat"),
    ("h3", "（四）非经常性损益项目和金额"),
    ("unit", UNIT),
    ("table", [["非经常性损益项目", "2024年金额", "2023年金额", "2022年金额"],
               ["非流动性资产处置损益", "-1,265,408.72", "835,190.46", "-412,306.18"],
               ["计入当期损益的政府补助", "27,384,615.20", "19,607,342.85", "17,253,908.64"],
               ["委托他人投资或管理资产的损益", "9,176,402.58", "8,542,117.30", "6,905,381.27"],
               ["除上述各项之外的其他营业外收入和支出", "2,047,836.19", "-1,126,570.34", "1,385,620.90"],
               ["减：所得税影响额", "5,618,270.64", "4,022,183.79", "3,655,217.48"],
               ["少数股东权益影响额（税后）", "293,886.20", "160,359.29", "32,593.80"],
               ["合计", "31,431,292.41", "23,675,545.19", "21,434,791.55"]],
     [6.4, 2.9, 2.9, 2.9], "repeat"),
    ("h1", "第三节  管理层讨论与分析"),
    ("h2", "一、报告期内公司所处行业情况"),
    ("p", "报告期内，国内制造业固定资产投资保持增长，高端装备、新能源装备等领域需求旺盛。根据行业协会统计，2024年我国智能制造装备产业规模约为3.2万亿元，细分市场分化明显：传统通用机床市场规模同比增长-12.34%，而工业机器人、智能检测装备等细分领域分别增长18.65%和21.37%。"),
    ("h2", "二、经营情况讨论与分析"),
    ("p", "报告期内，公司实现营业收入386,241.71万元，同比增长13.09%；实现归属于上市公司股东的净利润42,113.65万元，同比增长11.92%。公司研发投入合计23,618.47万元，占营业收入的比例为6.11%；报告期末研发人员862人，占公司员工总数的21.4%。"),
    ("p", "分产品看，智能产线业务实现收入178,426.35万元，同比增长19.76%；工业机器人业务实现收入95,307.12万元，同比增长24.58%；传统数控机床业务实现收入80,241.09万元，同比下降-6.73%。"),
    ("h2", "三、财务报表"),
    ("h3", "（一）合并资产负债表"),
    ("p", "编制单位：江川智造装备股份有限公司", "noindent"),
    ("unit", UNIT),
    ("table", BS, [5.6, 1.6, 3.6, 3.6], "norepeat"),
    ("p", "公司负责人：王立新        主管会计工作负责人：陈晓燕        会计机构负责人：刘佳", "noindent"),
]


def side_by_side(doc) -> None:
    """Two small tables on one row: company facts left, contact facts right (a borderless 1×2 layout table)."""
    outer = doc.add_table(rows=1, cols=2)
    outer.autofit = False
    left, right = outer.cell(0, 0), outer.cell(0, 1)
    for c in (left, right):
        c.width = Cm(7.8)
    specs = [(left, "表1  公司基本情况", [["项目", "内容"], ["股票简称", "江川智造"], ["股票代码", "603917"],
                                         ["上市交易所", "上海证券交易所"], ["法定代表人", "王立新"], ["注册资本（元）", "412,580,000.00"]]),
             (right, "表2  联系人和联系方式", [["项目", "董事会秘书"], ["姓名", "周明哲"], ["电话", "0571-86923418"],
                                             ["传真", "0571-86923400"], ["电子信箱", "ir@jczz-equip.com"], ["办公地址", "江川市高新区创业大道168号"]])]
    for cell, title, rows in specs:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_run_font(cell.paragraphs[0].add_run(title), SERIF, 10.5, True)
        inner = cell.add_table(rows=len(rows), cols=2)
        inner.style = doc.styles["Table Grid"]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                p = inner.cell(i, j).paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.LEFT
                set_run_font(p.add_run(v), SERIF, 10, i == 0)
                inner.cell(i, j).width = Cm(2.6 if j == 0 else 4.8)
        cell.add_paragraph()


def build() -> Path:
    doc = base_document(size=10.5)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.2)
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_run_font(hp.add_run("江川智造装备股份有限公司2024年年度报告"), SERIF, 9)
    pb = OxmlElement("w:pBdr"); bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    pb.append(bottom); hp._p.get_or_add_pPr().append(pb)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_field(fp, "PAGE", 9); set_run_font(fp.add_run(" / "), SERIF, 9); add_field(fp, "NUMPAGES", 9)
    # cover
    for _ in range(4):
        para(doc, "", indent=False)
    para(doc, "公司代码：603917                                  公司简称：江川智造", size=10.5, indent=False)
    for _ in range(6):
        para(doc, "", indent=False)
    para(doc, "江川智造装备股份有限公司", size=24, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "2024年年度报告", size=24, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "（摘录）", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for _ in range(12):
        para(doc, "", indent=False)
    para(doc, "二〇二五年四月", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    for item in DOC:
        kind = item[0]
        if kind == "h1":
            para(doc, item[1], size=14, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=12, after=6)
        elif kind == "h2":
            para(doc, item[1], size=10.5, bold=True, indent=False, before=4)
        elif kind == "h3":
            para(doc, item[1], size=10.5, bold=True, indent=True)
        elif kind == "p":
            para(doc, item[1], size=10.5, indent=len(item) < 3)
        elif kind == "unit":
            unit_line(doc, item[1], 9)
        elif kind == "sidebyside":
            side_by_side(doc)
        elif kind == "table":
            t = table(doc, item[1], item[2], size=9, repeat_header=item[3] == "repeat")
            if item[1] is BS:
                for i, row in enumerate(item[1]):
                    if row[0].endswith("：") or row[0].endswith("合计") or row[0].endswith("总计"):
                        for r in t.rows[i].cells[0].paragraphs[0].runs:
                            r.bold = True
    path = HERE / f"{NAME}.docx"
    doc.save(path)
    OUT.mkdir(parents=True, exist_ok=True)
    return to_pdf(path, OUT)


if __name__ == "__main__":
    pdf = build()
    heads = [i[1] for i in DOC if i[0] in ("h1", "h2", "h3")]
    json.dump({"title": TITLE, "headings": heads}, open(OUT / f"{NAME}.meta.json", "w"), ensure_ascii=False, indent=1)
    print(pdf, pdf.stat().st_size)
