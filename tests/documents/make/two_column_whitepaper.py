"""Builds two-column/digital-vet-whitepaper.pdf: a two-column white paper (reportlab) with an unnumbered cover and contents, footer "N / M"."""
from __future__ import annotations

import json
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle, FrameBreak)

OUT = Path(__file__).resolve().parents[1] / "two-column"
NAME = "digital-vet-whitepaper"
TITLE = "职业教育数字化转型发展白皮书（2024）"
pdfmetrics.registerFont(TTFont("ZenHei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
pdfmetrics.registerFont(TTFont("MicroHei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0))

body = ParagraphStyle("body", fontName="ZenHei", fontSize=10, leading=16.5, firstLineIndent=19, alignment=TA_JUSTIFY,
                      wordWrap="CJK")
h1 = ParagraphStyle("h1", fontName="MicroHei", fontSize=12, leading=18, spaceBefore=8, spaceAfter=4, wordWrap="CJK")
h2 = ParagraphStyle("h2", fontName="MicroHei", fontSize=10.5, leading=16, spaceBefore=5, spaceAfter=2, wordWrap="CJK")
cap = ParagraphStyle("cap", fontName="MicroHei", fontSize=8.5, leading=12, alignment=TA_CENTER, spaceBefore=4, spaceAfter=3,
                     wordWrap="CJK")
cell = ParagraphStyle("cell", fontName="ZenHei", fontSize=8, leading=10.5, alignment=TA_CENTER, wordWrap="CJK")
small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=13, firstLineIndent=0)

P = lambda t: ("p", t)
H1 = lambda t: ("h1", t)
H2 = lambda t: ("h2", t)

CONTENT = [
    H1("1 发展背景"),
    P("当前，新一轮科技革命和产业变革深入发展，数字技术正在重塑教育的形态。职业教育与产业联系最为紧密，数字化转型既是产业升级对技术技能人才提出的新要求，也是职业教育自身提质培优的重要路径。"),
    H2("1.1 政策环境"),
    P("近年来，国家相继出台推进教育数字化的一系列政策文件，明确提出实施国家教育数字化战略行动。各省份结合实际制定了职业教育数字化专项规划，截至2024年6月，已有27个省份出台职业教育信息化或数字化相关实施方案，省级财政累计投入专项资金约186.4亿元。"),
    H2("1.2 产业需求"),
    P("数字经济规模持续扩大，企业对既懂专业技术又具备数字素养的人才需求旺盛。调查显示，制造业企业中开展数字化改造的比例已达到63.8%，其中有71.5%的企业反映“数字化技术技能人才短缺”是推进改造的主要障碍。"),
    H1("2 发展现状"),
    H2("2.1 基础设施"),
    P("本白皮书调查覆盖全国1,136所职业院校，其中高职院校512所、中职学校624所。调查显示，职业院校校园网络基本实现全覆盖，千兆到桌面的学校比例为58.7%，无线网络覆盖教学区域的比例为92.4%。各类院校的主要基础设施指标见表1。"),
    ("table", "表1 职业院校数字化基础设施主要指标", [
        ["指标", "高职院校", "中职学校"],
        ["出口带宽（Gbps）", "12.6", "3.2"],
        ["生均终端数（台）", "0.41", "0.27"],
        ["智慧教室占比（%）", "38.9", "21.6"],
        ["虚拟仿真实训室（个/校）", "7.3", "2.8"],
        ["数据中心覆盖率（%）", "81.2", "46.5"]]),
    P("从区域看，东部地区院校的数字化基础设施水平明显高于中西部地区。东部地区高职院校的平均出口带宽为17.9 Gbps，西部地区为8.4 Gbps，差距仍然较大。"),
    H2("2.2 数字资源"),
    P("国家职业教育智慧教育平台汇聚专业教学资源库1,173个、精品在线开放课程6,628门、视频公开课2,222门，累计访问量超过14.2亿人次。院校自建资源方面，平均每所高职院校建有在线课程186门，中职学校为47门。"),
    P("虚拟仿真实训资源的建设速度加快。2024年新立项的职业教育示范性虚拟仿真实训基地共有215个，覆盖装备制造、电子信息、医药卫生、交通运输等19个专业大类。"),
    H2("2.3 教师数字素养"),
    P("教师是数字化转型的关键力量。调查采用《教师数字素养》行业标准设计问卷，共回收有效问卷48,536份。结果显示，教师数字素养的平均得分为72.6分（满分100分），其中“数字化意识”维度得分最高，为81.3分，“数字化应用”维度得分较低，为66.9分。各年龄段教师的得分差异见表2。"),
    ("table", "表2 不同年龄段教师数字素养得分", [
        ["年龄段", "样本量", "平均得分"],
        ["30岁及以下", "9,847", "77.8"],
        ["31—40岁", "17,205", "74.1"],
        ["41—50岁", "13,962", "69.5"],
        ["51岁及以上", "7,522", "64.2"]]),
    P("数据表明，教师数字素养随年龄增长呈下降趋势，51岁及以上教师的得分比30岁及以下教师低13.6分，需要有针对性地加强培训。"),
    H2("2.4 区域比较"),
    P("为比较不同区域的发展水平，本白皮书构建了职业教育数字化发展指数，指数由基础设施、数字资源、应用水平和保障机制4个维度、21项指标合成，满分为100分。各区域的指数得分见表3。"),
    ("table", "表3 分区域职业教育数字化发展指数", [
        ["区域", "院校数", "指数得分"],
        ["东部地区", "421", "71.36"],
        ["中部地区", "318", "63.08"],
        ["西部地区", "305", "58.74"],
        ["东北地区", "92", "55.19"],
        ["全国", "1,136", "64.52"]]),
    P("东部地区指数得分最高，比东北地区高16.17分。从维度看，区域差距主要体现在基础设施和保障机制两个维度，数字资源维度的差距相对较小，这与国家平台资源的开放共享有关。"),
    P("在应用水平维度，部分中西部院校依托国家平台资源开展教学改革，取得了较好成效。例如，西部某高职院校利用国家平台的专业教学资源库，三年内建成混合式教学课程93门，学生满意度达到95.4%。这说明，在基础设施条件相对薄弱的情况下，通过资源共享和应用创新，同样可以推动数字化转型。"),
    H1("3 典型实践"),
    H2("3.1 数字化专业升级"),
    P("部分院校对接数字产业化和产业数字化需求，推动传统专业数字化改造。例如，将“机械制造与自动化”升级为“智能制造装备技术”，将“会计”升级为“大数据与会计”。调查院校中，已完成专业数字化升级改造的专业点共4,719个，占专业点总数的37.2%。"),
    H2("3.2 智慧教学"),
    P("智慧教学平台在院校中得到普遍应用。2023—2024学年，调查院校通过平台开展混合式教学的课程占比为54.3%，平台记录的师生互动数据达到3.8亿条。部分院校利用学习分析技术开展学业预警，学业预警学生的课程通过率提高了12.7个百分点。"),
    H2("3.3 数字化治理"),
    P("院校数据治理从“建系统”向“用数据”转变。已建成校级数据中台的高职院校有347所，实现“一网通办”的服务事项平均为68项。数据驱动的诊断与改进逐步常态化，院校质量年度报告中引用平台数据的比例超过九成。"),
    H2("3.4 校企协同"),
    P("数字化转型为校企合作提供了新的载体。部分院校与行业龙头企业共建数字化产业学院，共同开发数字化课程和实训项目。调查院校共建成数字化产业学院612个，企业投入设备和软件折合金额约27.3亿元，共同开发的数字化课程有3,845门。"),
    P("在实训教学中，“虚实结合”的模式逐步推广。学生先在虚拟仿真环境中完成高危险、高成本、难再现的操作训练，再进入真实设备开展实操训练。试点院校的数据显示，采用“虚实结合”模式后，实训设备损耗率下降了31.6%，实训安全事故数量下降了一半以上。"),
    H1("4 面临的挑战"),
    P("一是区域和校际发展不平衡。中西部地区和中职学校的基础设施与资源建设仍有较大差距。二是数据孤岛问题依然存在，院校平均有业务系统23.4个，但实现数据互联互通的比例仅为41.8%。三是数字化投入的可持续性不足，部分院校的运维经费占信息化经费的比例低于15%。四是数字安全风险上升，2023年调查院校中发生过网络安全事件的比例为8.9%。"),
    P("此外，数字化转型对院校治理方式提出了新的要求。不少院校的信息化部门仍定位为技术保障部门，缺少统筹数据标准、业务流程和系统建设的权限。调查显示，设立首席信息官（CIO）的高职院校仅占19.3%，中职学校不足5%。"),
    H1("5 发展建议"),
    H2("5.1 加强统筹规划"),
    P("建议各地将职业教育数字化纳入教育强省建设总体规划，建立省级职业教育数字化发展监测指标体系，每年发布监测报告，推动区域间均衡发展。"),
    H2("5.2 完善投入机制"),
    P("建议建立政府、院校、企业多元投入机制，将数字化运维经费纳入生均拨款核定范围。测算表明，若高职院校信息化运维经费按生均350元的标准保障，全国每年需新增投入约59.6亿元。"),
    H2("5.3 提升师生数字素养"),
    P("建议将数字素养纳入教师职称评审和考核评价体系，5年内实现职业院校教师数字素养培训全覆盖；面向学生开设数字素养通识课程，推动数字技能证书与学历证书互通衔接。"),
    H2("5.4 筑牢安全底线"),
    P("建议落实网络安全等级保护制度，定期开展数据安全风险评估，建立覆盖省、校两级的网络安全应急响应机制，确保数字化转型安全可控。"),
    ("end", "（本白皮书数据截至2024年6月30日，部分数据经四舍五入处理。）"),
]


class Doc(BaseDocTemplate):
    def __init__(self, path: str, total: int, **kw):
        super().__init__(path, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=2.0 * cm,
                         bottomMargin=2.0 * cm, title=TITLE, author="职业教育数字化研究中心", **kw)
        self.total = total
        self.heading_pages: dict[str, int] = {}
        w, h = A4
        gap = 0.7 * cm
        colw = (w - 3.6 * cm - gap) / 2
        full = Frame(1.8 * cm, 2.0 * cm, w - 3.6 * cm, h - 4.0 * cm, id="full")
        title_h = 5.4 * cm
        top = Frame(1.8 * cm, h - 2.0 * cm - title_h, w - 3.6 * cm, title_h, id="title")
        l1 = Frame(1.8 * cm, 2.0 * cm, colw, h - 4.0 * cm - title_h, id="l1")
        r1 = Frame(1.8 * cm + colw + gap, 2.0 * cm, colw, h - 4.0 * cm - title_h, id="r1")
        left = Frame(1.8 * cm, 2.0 * cm, colw, h - 4.0 * cm, id="left")
        right = Frame(1.8 * cm + colw + gap, 2.0 * cm, colw, h - 4.0 * cm, id="right")
        self.addPageTemplates([
            PageTemplate("cover", [full], onPage=self.cover_page),
            PageTemplate("front", [full]),
            PageTemplate("first", [top, l1, r1], onPage=self.numbered),
            PageTemplate("body", [left, right], onPage=self.numbered),
        ])

    def cover_page(self, canv, doc):
        w, h = A4
        canv.saveState()
        canv.setFillColor(colors.HexColor("#1F4E79"))
        canv.rect(0, h - 9 * cm, w, 9 * cm, fill=1, stroke=0)
        canv.restoreState()

    def numbered(self, canv, doc):
        n = doc.page - 2
        w, _ = A4
        canv.saveState()
        canv.setFont("ZenHei", 8)
        canv.drawString(1.8 * cm, A4[1] - 1.4 * cm, TITLE)
        canv.setLineWidth(0.4)
        canv.line(1.8 * cm, A4[1] - 1.55 * cm, w - 1.8 * cm, A4[1] - 1.55 * cm)
        canv.setFont("ZenHei", 9)
        canv.drawCentredString(w / 2, 1.2 * cm, f"{n} / {self.total}")
        canv.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            self.heading_pages.setdefault(flowable.getPlainText(), self.page - 2)


def story(toc: dict[str, int]) -> list:
    cover_title = ParagraphStyle("ct", fontName="MicroHei", fontSize=26, leading=38, textColor=colors.white,
                                 alignment=TA_CENTER, wordWrap="CJK")
    cover_sub = ParagraphStyle("cs", fontName="ZenHei", fontSize=14, leading=22, alignment=TA_CENTER, wordWrap="CJK")
    s: list = [Spacer(1, 2.2 * cm), Paragraph("职业教育数字化转型发展白皮书", cover_title),
               Paragraph("（2024）", cover_title), Spacer(1, 12 * cm),
               Paragraph("职业教育数字化研究中心", cover_sub), Paragraph("2024年9月", cover_sub),
               NextPageTemplate("front"), PageBreak()]
    toc_title = ParagraphStyle("tt", fontName="MicroHei", fontSize=18, leading=28, alignment=TA_CENTER, spaceAfter=14)
    s.append(Paragraph("目  录", toc_title))
    rows = []
    for kind, text, *_ in [c for c in CONTENT if c[0] in ("h1", "h2")]:
        style = ParagraphStyle("te", fontName="MicroHei" if kind == "h1" else "ZenHei", fontSize=11, leading=20,
                               leftIndent=0 if kind == "h1" else 18, wordWrap="CJK")
        rows.append([Paragraph(text, style), Paragraph(str(toc.get(text, 0)), ParagraphStyle("tp", parent=style, leftIndent=0, alignment=2))])
    t = Table(rows, colWidths=[14.5 * cm, 2.5 * cm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    s += [t, NextPageTemplate("first"), PageBreak()]
    # title block across both columns
    tb = ParagraphStyle("tb", fontName="MicroHei", fontSize=17, leading=26, alignment=TA_CENTER, spaceAfter=4)
    au = ParagraphStyle("au", fontName="ZenHei", fontSize=9.5, leading=15, alignment=TA_CENTER, spaceAfter=6)
    ab = ParagraphStyle("ab", fontName="ZenHei", fontSize=8.8, leading=14, alignment=TA_JUSTIFY, wordWrap="CJK",
                        leftIndent=14, rightIndent=14)
    s += [Paragraph(TITLE, tb), Paragraph("职业教育数字化研究中心 课题组", au),
          Paragraph("<font name='MicroHei'>摘要：</font>本白皮书基于对全国1,136所职业院校的问卷调查和32所院校的实地调研，"
                    "从基础设施、数字资源、教师数字素养、典型实践等方面系统分析了职业教育数字化转型的进展，指出了区域发展不平衡、"
                    "数据孤岛、投入可持续性不足和数字安全风险等挑战，并提出了加强统筹规划、完善投入机制、提升师生数字素养和筑牢安全底线等建议。", ab),
          Spacer(1, 4),
          Paragraph("<font name='MicroHei'>关键词：</font>职业教育；数字化转型；数字素养；智慧教学；数据治理", ab),
          NextPageTemplate("body"), FrameBreak()]
    for item in CONTENT:
        kind = item[0]
        if kind == "h1":
            s.append(Paragraph(item[1], h1))
        elif kind == "h2":
            s.append(Paragraph(item[1], h2))
        elif kind == "p":
            s.append(Paragraph(item[1], body))
        elif kind == "end":
            s.append(Spacer(1, 6)); s.append(Paragraph(item[1], small))
        elif kind == "table":
            s.append(Paragraph(item[1], cap))
            data = [[Paragraph(c, cell) for c in row] for row in item[2]]
            t = Table(data, colWidths=[3.6 * cm, 2.0 * cm, 2.0 * cm])
            t.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.0, colors.black),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                                   ("LINEBELOW", (0, -1), (-1, -1), 1.0, colors.black),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
            s += [t, Spacer(1, 6)]
    return s


def build() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{NAME}.pdf"
    first = Doc(str(path), 0)
    first.build(story({}))
    total = first.page - 2
    second = Doc(str(path), total)
    second.build(story(first.heading_pages))
    return path


if __name__ == "__main__":
    pdf = build()
    heads = [c[1] for c in CONTENT if c[0] in ("h1", "h2")]
    json.dump({"title": TITLE, "headings": heads}, open(OUT / f"{NAME}.meta.json", "w"), ensure_ascii=False, indent=1)
    print(pdf, pdf.stat().st_size)
