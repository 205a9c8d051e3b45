"""Make generated/employment-quality-report.pdf: 江岭科技大学2024届毕业生就业质量年度报告.

Everything in it is invented (the university, its schools, programmes, counts, rates, salaries, surveys and the
third-party survey body); only the layout follows the real reports Chinese universities publish every December:
a picture-only cover, unnumbered 学校简介 / 前言 / 目录 pages, then the body, whose footer counts 1, 2, 3... from
the ninth PDF page. Written in Word's way with python-docx, converted with LibreOffice:

    .venv/bin/python eval/real-documents/make/make_employment_report.py

Two passes: the first renders the PDF to learn on which printed page each heading lands, the second writes those
numbers into the table of contents (dot leaders, right-aligned page numbers).
"""
from __future__ import annotations

import io
import shutil
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_common import (HEI, YAHEI, a4, add_field, use_fonts, bottom_border, caption, convert, font, margins, new_section,  # noqa: E402
                         note, page_break, page_number_start, page_texts, para, set_normal, table)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "generated" / "employment-quality-report.pdf"
SCHOOL = "江岭科技大学"
TITLE = "2024届毕业生就业质量年度报告"
RUNNING = SCHOOL + TITLE
FONT_SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_SERIF_BOLD = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"

# ----------------------------------------------------------------------------------------------------------- data
LEVELS = ["博士", "硕士", "本科", "专科"]
GRADS = {"博士": 18, "硕士": 574, "本科": 4216, "专科": 1437}
# destination counts per level: 落实 (placed) = 就业 (employed) + 升学 (further study in China) + 出国（境）
PLACED = {"博士": 18, "硕士": 550, "本科": 3852, "专科": 1337}
STUDY = {"博士": 0, "硕士": 16, "本科": 659, "专科": 178}
ABROAD = {"博士": 1, "硕士": 5, "本科": 122, "专科": 7}
SALARY = {"博士": "13860", "硕士": "8927", "本科": "6356", "专科": "5271.4"}

# school: (博士, 硕士, 本科, 专科 graduates), (硕士, 本科, 专科 not placed)
SCHOOLS = {
    "机电工程学院": ((5, 98, 612, 318), (4, 44, 20)),
    "电气与信息工程学院": ((4, 86, 547, 205), (3, 37, 13)),
    "计算机学院": ((0, 72, 498, 262), (2, 40, 16)),
    "土木与建筑工程学院": ((3, 64, 521, 236), (3, 54, 19)),
    "化学与材料工程学院": ((6, 91, 436, 0), (5, 37, 0)),
    "经济与管理学院": ((0, 78, 689, 294), (3, 65, 21)),
    "外国语学院": ((0, 31, 342, 0), (2, 34, 0)),
    "艺术设计学院": ((0, 25, 367, 122), (1, 39, 11)),
    "数理学院": ((0, 29, 204, 0), (1, 14, 0)),
}
# programme, level, graduates, not placed (in the order of the schools above)
PROGRAMMES = [
    ("机械设计制造及其自动化", "本科", 246, 17), ("机械电子工程", "本科", 188, 12), ("车辆工程", "本科", 178, 15),
    ("机电一体化技术", "专科", 173, 9), ("数控技术", "专科", 145, 11),
    ("电气工程及其自动化", "本科", 231, 13), ("电子信息工程", "本科", 174, 11), ("自动化", "本科", 142, 13),
    ("电气自动化技术", "专科", 205, 13),
    ("计算机科学与技术", "本科", 215, 14), ("软件工程", "本科", 168, 10), ("数据科学与大数据技术", "本科", 115, 16),
    ("计算机应用技术", "专科", 139, 9), ("软件技术", "专科", 123, 7),
    ("土木工程", "本科", 263, 27), ("建筑学", "本科", 96, 11), ("工程管理", "本科", 162, 16),
    ("建筑工程技术", "专科", 147, 12), ("工程造价", "专科", 89, 7),
    ("化学工程与工艺", "本科", 178, 14), ("材料科学与工程", "本科", 142, 11), ("应用化学", "本科", 116, 12),
    ("会计学", "本科", 254, 19), ("财务管理", "本科", 163, 15), ("市场营销", "本科", 118, 14),
    ("国际经济与贸易", "本科", 154, 17), ("大数据与会计", "专科", 186, 12), ("电子商务", "专科", 108, 9),
    ("英语", "本科", 198, 21), ("商务英语", "本科", 144, 13),
    ("视觉传达设计", "本科", 139, 15), ("环境设计", "本科", 127, 14), ("产品设计", "本科", 101, 10),
    ("数字媒体艺术设计", "专科", 122, 11),
    ("数学与应用数学", "本科", 118, 6), ("应用物理学", "本科", 86, 8),
]
REGIONS = [("湖南省（省内）", 2931), ("广东省", 812), ("浙江省", 236), ("上海市", 158), ("江苏省", 149),
           ("湖北省", 126), ("北京市", 97), ("其他省（区、市）", 260)]
CITIES = [("江岭市", 1208), ("长沙市", 893), ("株洲市", 246), ("湘潭市", 198), ("衡阳市", 131), ("其他市州", 255)]
INDUSTRIES = [("制造业", 1286), ("信息传输、软件和信息技术服务业", 742), ("建筑业", 615), ("教育", 398),
              ("批发和零售业", 312), ("金融业", 276), ("科学研究和技术服务业", 241), ("租赁和商务服务业", 187),
              ("电力、热力、燃气及水生产和供应业", 164), ("公共管理、社会保障和社会组织", 133), ("其他行业", 415)]
UNITS = [("其他企业（民营企业）", 2623), ("国有企业", 1042), ("三资企业", 287), ("机关", 74), ("高等教育单位", 96),
         ("中初教育单位", 183), ("医疗卫生单位", 31), ("其他事业单位", 142), ("部队", 19),
         ("城镇社区、农村建制村", 48), ("自主创业", 23), ("灵活就业", 201)]
SALARY_BANDS = [("3000元及以下", "3.12", "5.86"), ("3001～5000元", "21.47", "34.25"),
                ("5001～7000元", "41.36", "43.18"), ("7001～9000元", "22.08", "12.40"),
                ("9001元及以上", "11.97", "4.31")]
ABILITIES = [("专业知识与技能", "4.52", "95.14"), ("实践动手能力", "4.61", "93.86"), ("沟通表达能力", "4.37", "92.07"),
             ("团队协作能力", "4.48", "96.93"), ("学习能力", "4.66", "95.65"), ("创新能力", "4.29", "88.49"),
             ("职业素养与责任意识", "4.73", "97.18")]
TREND = [("2022届", "5812", "90.86", "12.84", "1.84", "5686"), ("2023届", "6037", "91.54", "13.21", "2.03", "5942")]


def pct(a: int, b: int) -> str:
    return f"{a / b * 100:.2f}"


def check_data():
    assert sum(c for _, c in REGIONS) == employed_total()
    assert sum(c for _, c in CITIES) == REGIONS[0][1]
    assert sum(c for _, c in INDUSTRIES) == employed_total()
    assert sum(c for _, c in UNITS) == employed_total()
    for i, lv in enumerate(LEVELS):
        assert sum(v[0][i] for v in SCHOOLS.values()) == GRADS[lv], lv
    for j, lv in enumerate(["硕士", "本科", "专科"]):
        assert sum(v[1][j] for v in SCHOOLS.values()) == GRADS[lv] - PLACED[lv], lv
    for lv in ("本科", "专科"):
        assert sum(p[2] for p in PROGRAMMES if p[1] == lv) == GRADS[lv]
        assert sum(p[3] for p in PROGRAMMES if p[1] == lv) == GRADS[lv] - PLACED[lv]


def employed(lv: str) -> int:
    return PLACED[lv] - STUDY[lv] - ABROAD[lv]


def employed_total() -> int:
    return sum(employed(lv) for lv in LEVELS)


def mean_salary() -> str:
    tot = sum(employed(lv) * float(SALARY[lv]) for lv in LEVELS)
    return f"{tot / employed_total():.1f}"


# --------------------------------------------------------------------------------------------------------- images
def cover_png() -> bytes:
    w, h = 1240, 1754  # A4 at 150 dpi
    im = Image.new("RGB", (w, h), "#FFFFFF")
    d = ImageDraw.Draw(im)
    blue, light, gold = "#0B4A8B", "#DCE8F5", "#C8A24A"
    d.rectangle([0, 0, w, 520], fill=blue)
    d.polygon([(0, 520), (w, 380), (w, 640), (0, 760)], fill=light)
    d.polygon([(0, 760), (w, 640), (w, 660), (0, 780)], fill=gold)
    for i in range(9):  # thin diagonal lines in the band, a common cover ornament
        x = 80 + i * 140
        d.line([(x, 0), (x + 260, 520)], fill="#1A5C9E", width=3)
    big = ImageFont.truetype(FONT_SERIF_BOLD, 86, index=2)
    mid = ImageFont.truetype(FONT_SANS_BOLD, 62, index=2)
    small = ImageFont.truetype(FONT_SANS, 40, index=2)
    # emblem: a ring with the founding year
    cx, cy, r = w // 2, 250, 120
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline="#FFFFFF", width=8)
    d.ellipse([cx - r + 22, cy - r + 22, cx + r - 22, cy + r - 22], outline=gold, width=4)
    t = "1958"
    tw = d.textlength(t, font=mid)
    d.text((cx - tw / 2, cy - 40), t, font=mid, fill="#FFFFFF")
    for text, f, y, color in ((SCHOOL, big, 930, blue), ("2024届毕业生", mid, 1100, "#222222"),
                              ("就业质量年度报告", big, 1190, "#222222"), ("江岭科技大学招生就业处", small, 1520, "#333333"),
                              ("二〇二四年十二月", small, 1590, "#333333")):
        tw = d.textlength(text, font=f)
        d.text(((w - tw) / 2, y), text, font=f, fill=color)
    d.rectangle([0, h - 60, w, h], fill=blue)
    buf = io.BytesIO()
    im = im.quantize(colors=16)
    im.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def bar_chart(title: str, labels: list[str], values: list[float], unit: str = "%", ymax: float = 100.0) -> bytes:
    w, h = 1100, 560
    im = Image.new("RGB", (w, h), "#FFFFFF")
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(FONT_SANS, 30, index=2)
    ft = ImageFont.truetype(FONT_SANS_BOLD, 34, index=2)
    d.text(((w - d.textlength(title, font=ft)) / 2, 20), title, font=ft, fill="#222222")
    left, right, top, bottom = 120, w - 60, 110, h - 90
    d.line([(left, bottom), (right, bottom)], fill="#555555", width=2)
    for k in range(0, 6):
        y = bottom - (bottom - top) * k / 5
        d.line([(left, y), (right, y)], fill="#DDDDDD", width=1)
        lab = f"{ymax * k / 5:.0f}"
        d.text((left - 15 - d.textlength(lab, font=f), y - 18), lab, font=f, fill="#555555")
    n = len(values)
    slot = (right - left) / n
    for i, (lab, v) in enumerate(zip(labels, values)):
        x0 = left + slot * i + slot * 0.28
        x1 = left + slot * (i + 1) - slot * 0.28
        y = bottom - (bottom - top) * v / ymax
        d.rectangle([x0, y, x1, bottom], fill="#2F6DB5")
        s = f"{v:.2f}{unit}"
        d.text(((x0 + x1) / 2 - d.textlength(s, font=f) / 2, y - 42), s, font=f, fill="#222222")
        d.text(((x0 + x1) / 2 - d.textlength(lab, font=f) / 2, bottom + 18), lab, font=f, fill="#222222")
    buf = io.BytesIO()
    im.quantize(colors=16).save(buf, "PNG", optimize=True)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------------------- text
def P(doc, text, **kw):
    kw.setdefault("indent", True)
    return para(doc, text, **kw)


def H1(doc, text, toc):
    toc.append((1, text))
    return para(doc, text, size=16, east=HEI, bold=True, align="l", line=1.5, before=12, after=6, keep_next=True)


def H2(doc, text, toc):
    toc.append((2, text))
    return para(doc, text, size=14, east=HEI, bold=False, align="l", line=1.5, before=6, after=3, keep_next=True,
                indent=True)


def TAB(doc, text, tabs):
    tabs.append(text)
    return caption(doc, text)


def build(path: Path, pages: dict[str, str] | None) -> tuple[list, list]:
    check_data()
    use_fonts(YAHEI, HEI)
    doc = Document()
    set_normal(doc, 12)
    toc: list[tuple[int, str]] = []
    tabs: list[str] = []

    # ---- cover: one picture, no text layer
    s0 = doc.sections[0]
    a4(s0)
    margins(s0, 0, 0, 0, 0, 0, 0)
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    p.add_run().add_picture(io.BytesIO(cover_png()), width=Cm(21.0), height=Cm(29.6))

    # ---- front matter (no page numbers): blank back of the cover, 学校简介, 前言, 目录
    s1 = new_section(doc, landscape=False)
    margins(s1, 2.54, 2.54, 3.0, 2.8, 1.5, 1.75)
    para(doc, "")  # back of the cover, left blank for double-sided printing
    page_break(doc)
    para(doc, "学校简介", size=18, east=HEI, bold=True, align="c", line=1.5, after=12)
    for t in INTRO:
        P(doc, t)
    page_break(doc)
    para(doc, "前  言", size=18, east=HEI, bold=True, align="c", line=1.5, after=12)
    for t in PREFACE:
        P(doc, t)
    para(doc, "江岭科技大学招生就业处", size=12, align="r", line=1.5, before=12)
    para(doc, "2024年12月", size=12, align="r", line=1.5)
    page_break(doc)
    para(doc, "报告说明", size=16, east=HEI, bold=True, align="c", line=1.5, after=12)
    for t in NOTES:
        P(doc, t)
    page_break(doc)
    toc_anchor = para(doc, "目  录", size=18, east=HEI, bold=True, align="c", line=1.5, after=12)

    # ---- body (numbered from 1)
    s2 = new_section(doc, landscape=False)
    margins(s2, 2.54, 2.54, 3.0, 2.8, 1.5, 1.75)
    s2.header.is_linked_to_previous = False
    s2.footer.is_linked_to_previous = False
    hp = s2.header.paragraphs[0]
    hp.paragraph_format.alignment = 1
    font(hp.add_run(RUNNING), YAHEI, 9)
    bottom_border(hp)
    fp = s2.footer.paragraphs[0]
    fp.paragraph_format.alignment = 1
    add_field(fp, "PAGE", size=10.5)
    page_number_start(s2, 1)
    # the front-matter sections keep empty headers and footers
    body(doc, toc, tabs)

    # ---- the table of contents, written before the body's first paragraph's section break
    entries = [(lv, t, (pages or {}).get(t, "1")) for lv, t in toc]
    tab_entries = [(3, t, (pages or {}).get(t, "1")) for t in tabs]
    anchor = toc_anchor
    for lv, text, pg in entries + [(0, "表目录", "")] + tab_entries:
        q = doc.add_paragraph()
        anchor._p.addnext(q._p)
        anchor = q
        pf = q.paragraph_format
        pf.line_spacing = 1.5 if lv != 3 else 1.25
        if lv == 0:
            pf.alignment = 1
            pf.space_before = Pt(12)
            pf.space_after = Pt(6)
            font(q.add_run(text), HEI, 14, True)
            continue
        pf.left_indent = Cm({1: 0, 2: 0.85, 3: 0}[lv])
        pf.tab_stops.add_tab_stop(Cm(15.2), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        font(q.add_run(text), HEI if lv == 1 else YAHEI, 12 if lv != 3 else 10.5, lv == 1)
        font(q.add_run("\t" + pg), YAHEI, 12 if lv != 3 else 10.5)
    doc.save(str(path))
    return toc, tabs


INTRO = [
    "江岭科技大学是一所以工为主，工、理、管、经、文、艺等多学科协调发展的省属全日制普通高等学校，是省人民政府与"
    "国家有关部委共建高校，入选省“双一流”建设高校。学校始建于1958年，前身为江岭机械工业学校，1984年升格为江岭工学院，"
    "2004年经教育部批准更名为江岭科技大学。",
    "学校现有金水湖、桃岭两个校区，占地面积2136亩，校舍建筑面积86.4万平方米，教学科研仪器设备总值9.73亿元，图书馆"
    "馆藏纸质图书217万册。学校设有9个学院，开设本科专业56个、高职专科专业14个；现有博士学位授权一级学科4个、硕士学位"
    "授权一级学科11个、硕士专业学位授权类别9个。全日制在校生24300余人，其中研究生2160余人。",
    "学校现有教职工1682人，其中专任教师1147人，具有高级职称的教师589人，具有博士学位的教师713人。拥有国家级一流本科"
    "专业建设点12个、省级一流本科专业建设点23个，国家级职业教育教师教学创新团队1个，省部级重点实验室、工程技术研究"
    "中心等科研平台27个。",
    "学校坚持“立足江岭、服务湖南、面向全国”的办学定位，深化产教融合、校企合作，与省内外320余家企事业单位共建实习实践"
    "基地，牵头组建江岭装备制造职业教育集团（联合体）。建校以来，学校累计为社会输送各类毕业生19.8万余人，毕业生以"
    "“基础扎实、上手快、能吃苦、留得住”受到用人单位欢迎，一大批校友成长为装备制造、电力能源、土木建筑等行业的技术"
    "骨干和管理人才。",
    "近年来，学校把毕业生就业工作作为“一把手”工程，建立校、院两级就业工作责任体系，连续多年获评省普通高校毕业生就业"
    "工作先进单位。学校坚持就业与招生、培养联动，将毕业去向落实率、专业相关度和用人单位评价纳入专业动态调整和学院"
    "年度考核指标体系，推动人才培养质量持续提升。",
    "学校坚持以学生成长成才为中心，深入推进新工科建设和“三全育人”综合改革，构建了“通识教育＋专业教育＋实践创新”"
    "一体化的人才培养体系。近五年，学生在全国大学生机械创新设计大赛、全国大学生电子设计竞赛、“挑战杯”等高水平学科"
    "竞赛中获省级以上奖励1860余项；学校入选全国深化创新创业教育改革示范高校、全国高校实践育人创新创业基地。",
    "学校科研实力稳步增强。近五年承担国家重点研发计划课题、国家自然科学基金项目等国家级科研项目146项，科研经费总额"
    "累计8.6亿元；获省部级以上科技奖励53项，授权发明专利1032件，转化科技成果217项。学校与德国、英国、澳大利亚、"
    "马来西亚等14个国家和地区的46所高校及科研机构建立了合作关系，开展学生交换、联合培养和教师互访等项目。",
    "站在新的历史起点上，学校将以建设特色鲜明、国内一流的高水平科技大学为目标，坚持内涵发展、特色发展、创新发展，"
    "为区域经济社会高质量发展提供更加有力的人才支撑和智力支持。",
]
PREFACE = [
    "为全面反映学校毕业生就业状况和人才培养质量，健全就业状况反馈机制，根据《教育部办公厅关于编制发布高校毕业生就业"
    "质量年度报告的通知》（教学厅函〔2013〕25号）和省教育厅有关工作要求，学校编制并发布《江岭科技大学2024届毕业生就业"
    "质量年度报告》。",
    "报告共分七个部分，从毕业生规模与结构、毕业去向落实情况、就业流向、就业质量、用人单位评价、促进就业的主要举措以及"
    "发展趋势与反馈等方面，对学校2024届毕业生的就业情况进行了全面、客观的分析，力求为社会各界了解学校人才培养质量、"
    "为学校深化教育教学改革提供参考。",
    "2024年是实现“十四五”规划目标任务的关键一年，高校毕业生规模再创新高，就业形势总体稳定但结构性矛盾依然突出。"
    "面对复杂严峻的就业形势，学校深入贯彻落实党中央、国务院关于稳就业的决策部署和省委、省政府工作要求，坚持把促进"
    "毕业生高质量充分就业作为重大民生工程，实施“访企拓岗促就业”专项行动，持续开展精准化就业指导和精细化就业服务，"
    "2024届毕业生就业工作保持了总体稳定、质量提升的良好态势。",
    "总体来看，学校2024届毕业生毕业去向落实率较上届有所提高，在省内就业和到制造业等重点领域就业的毕业生比例保持"
    "较高水平，毕业生平均月收入稳步增长，用人单位对毕业生的总体满意度保持在95%以上。同时，部分专业毕业生专业相关度"
    "偏低、少数毕业生就业期望与市场需求不够匹配等问题仍然存在，需要在今后的工作中加以改进。",
    "本报告的编制得到了各学院、各职能部门以及广大毕业生和用人单位的大力支持，在此一并表示感谢。报告中如有疏漏和不妥"
    "之处，敬请批评指正。",
]
NOTES = [
    "1．数据来源。本报告毕业去向数据来源于学校就业管理系统，统计截止日期为2024年8月31日；毕业生就业质量、用人单位"
    "评价等数据来源于学校委托第三方机构湘中教育数据研究院于2024年9月至10月开展的毕业生跟踪调查和用人单位调查。"
    "毕业生调查共回收有效问卷3417份，有效回收率54.72%；用人单位调查共发放问卷426份，回收有效问卷391份。",
    "2．指标口径。毕业去向落实率＝（协议和合同就业人数＋灵活就业人数＋自主创业人数＋升学人数＋出国（境）人数）÷毕业生"
    "总人数×100%；就业率为不含升学和出国（境）的就业人数占毕业生总人数的比例；月收入指毕业生税前月收入，包括工资、"
    "奖金、各类补贴等。",
    "3．统计范围。本报告统计范围为学校2024届全日制博士、硕士研究生和本科、专科毕业生，不含留学生、成人高等教育和"
    "自学考试毕业生；延期毕业的学生计入其实际毕业的届别。",
    "4．学历层次。专科毕业生指学校举办的高职专科教育毕业生，主要分布在机电工程学院、电气与信息工程学院、计算机学院、"
    "土木与建筑工程学院、经济与管理学院和艺术设计学院。",
    "5．报告中部分比例数据因四舍五入，分项之和与合计可能略有差异。",
]


def body(doc, toc, tabs):
    g = GRADS
    total = sum(g.values())
    placed_total = sum(PLACED.values())
    emp_total = employed_total()

    H1(doc, "一、毕业生规模与结构", toc)
    H2(doc, "（一）总体规模", toc)
    P(doc, f"学校2024届毕业生共{total}人，分布在9个学院的36个专业（本科专业26个、专科专业10个）及11个硕士学位授权学科。"
           f"其中，博士毕业生{g['博士']}人，硕士毕业生{g['硕士']}人，本科毕业生{g['本科']}人，专科毕业生{g['专科']}人，"
           f"本科毕业生占毕业生总数的{pct(g['本科'], total)}%。与2023届相比，毕业生总数增加208人，其中专科毕业生增加"
           "较多，主要是2021年学校扩大了机电类、土建类高职专科招生规模。")
    H2(doc, "（二）学院分布", toc)
    P(doc, "从学院分布看，经济与管理学院、机电工程学院毕业生人数较多，均超过1000人；数理学院、外国语学院毕业生人数"
           "较少。各学院2024届毕业生人数及毕业去向落实情况见表1。")
    TAB(doc, "表1  2024届毕业生学院分布及毕业去向落实率", tabs)
    rows = []
    for i, (name, (gr, unp)) in enumerate(SCHOOLS.items(), 1):
        n = sum(gr)
        placed = n - sum(unp)
        rows.append([str(i), name, *(str(x) if x else "—" for x in gr), str(n), str(placed), pct(placed, n)])
    rows.append(["", "合计", *(str(g[lv]) for lv in LEVELS), str(total), str(placed_total), pct(placed_total, total)])
    table(doc, [["序号", "学院", "博士", "硕士", "本科", "专科", "合计", "落实人数", "落实率（%）"]], rows,
          [0.9, 3.8, 1.1, 1.2, 1.4, 1.4, 1.4, 1.8, 2.0], size=10, aligns="clccccccc", bold_rows={len(rows) - 1})
    note(doc, "注：“—”表示该学院无此学历层次毕业生。落实率即毕业去向落实率。")

    H2(doc, "（三）专业分布", toc)
    P(doc, "2024届本科毕业生人数最多的专业为土木与建筑工程学院的土木工程专业，专科毕业生人数最多的专业为电气自动化技术专业。"
           "各本科、专科专业毕业生人数及毕业去向落实情况见表2（研究生按学科统计，不在表中列出）。")
    TAB(doc, "表2  2024届本科、专科毕业生专业分布及毕业去向落实率", tabs)
    rows = []
    for i, (name, lv, n, unp) in enumerate(PROGRAMMES, 1):
        rows.append([str(i), name, lv, str(n), str(n - unp), pct(n - unp, n)])
    table(doc, [["序号", "专业名称", "层次", "毕业生人数", "落实人数", "毕业去向落实率（%）"]], rows,
          [1.2, 5.4, 1.5, 2.2, 2.2, 3.0], size=10, aligns="clcccc", line_exact=15)
    note(doc, "数据来源：江岭科技大学就业管理系统，统计截止日期为2024年8月31日。")

    H2(doc, "（四）性别与生源结构", toc)
    P(doc, "从性别看，2024届毕业生中男生3612人，女生2633人，男女比例为1.37：1；工科学院男生比例较高，外国语学院、"
           "艺术设计学院女生比例较高。从生源地看，省内生源毕业生4386人，占毕业生总数的70.23%；省外生源毕业生1859人，"
           "来自全国27个省（区、市），其中广西、贵州、江西生源人数位居前三。")

    H1(doc, "二、毕业去向落实情况", toc)
    H2(doc, "（一）毕业去向落实率", toc)
    P(doc, f"截至2024年8月31日，学校2024届毕业生已落实毕业去向{placed_total}人，毕业去向落实率为"
           f"{pct(placed_total, total)}%，较2023届提高0.65个百分点。分学历层次看，博士毕业生毕业去向落实率为100%，硕士"
           f"毕业生为{pct(PLACED['硕士'], g['硕士'])}%，本科毕业生为{pct(PLACED['本科'], g['本科'])}%，专科毕业生为"
           f"{pct(PLACED['专科'], g['专科'])}%。")
    doc.add_picture(io.BytesIO(bar_chart("图1  2024届各学历层次毕业生毕业去向落实率",
                                         ["博士", "硕士", "本科", "专科"],
                                         [100.0] + [PLACED[lv] / g[lv] * 100 for lv in ("硕士", "本科", "专科")])),
                    width=Cm(14.0))
    doc.paragraphs[-1].paragraph_format.alignment = 1
    P(doc, "从学院看，毕业去向落实率最高的是电气与信息工程学院，最低的是艺术设计学院；从专业看，机电一体化技术、"
           "软件技术等专科专业和材料科学与工程、数学与应用数学等本科专业毕业去向落实率较高。")

    H2(doc, "（二）就业率与升学、出国（境）情况", toc)
    P(doc, f"按不含升学和出国（境）的口径统计，2024届毕业生就业{emp_total}人，就业率为{pct(emp_total, total)}%。"
           f"其中，博士毕业生就业率为{pct(employed('博士'), g['博士'])}%，硕士毕业生就业率为"
           f"{pct(employed('硕士'), g['硕士'])}%，本科毕业生就业率为{pct(employed('本科'), g['本科'])}%，专科毕业生就业率为"
           f"{pct(employed('专科'), g['专科'])}%。")
    P(doc, f"升学方面，2024届本科毕业生中有{STUDY['本科']}人考取国内研究生，国内升学率为{pct(STUDY['本科'], g['本科'])}%，"
           "其中考入“双一流”建设高校216人，占本科升学人数的32.78%；专科毕业生中有"
           f"{STUDY['专科']}人通过专升本考试升入本科院校，升学率为{pct(STUDY['专科'], g['专科'])}%；硕士毕业生中有"
           f"{STUDY['硕士']}人考取博士研究生，升学率为{pct(STUDY['硕士'], g['硕士'])}%。")
    P(doc, f"出国（境）方面，2024届毕业生共有{sum(ABROAD.values())}人出国（境）深造或工作，其中本科毕业生"
           f"{ABROAD['本科']}人，出国（境）率为{pct(ABROAD['本科'], g['本科'])}%；硕士毕业生{ABROAD['硕士']}人，出国（境）"
           f"率为{pct(ABROAD['硕士'], g['硕士'])}%；专科毕业生{ABROAD['专科']}人，出国（境）率为"
           f"{pct(ABROAD['专科'], g['专科'])}%；另有1名博士毕业生赴新加坡国立大学从事博士后研究。出国（境）毕业生主要去往"
           "英国、澳大利亚、中国香港和新加坡等国家和地区。")

    H2(doc, "（三）未落实毕业去向原因", toc)
    unplaced = total - placed_total
    P(doc, f"截至统计截止日期，学校2024届毕业生中尚有{unplaced}人未落实毕业去向。跟踪调查显示，未落实毕业去向的主要原因"
           "如下：")
    for t in ("1．继续备考研究生或专升本，计划来年再次参加考试，占40.37%；",
              "2．准备参加公务员、事业单位、国有企业招聘考试，占27.66%；",
              "3．已有求职意向但尚未签约，仍在比较、选择用人单位，占19.88%；",
              "4．因创业准备、家庭原因等暂不打算就业，占12.09%。"):
        P(doc, t)
    P(doc, "学校已将未落实毕业去向的毕业生全部纳入“一人一档”帮扶台账，由学院就业工作专员持续跟踪，离校后继续提供岗位"
           "推送、求职指导等服务，帮扶工作持续到2024年12月31日。")

    H1(doc, "三、就业流向", toc)
    H2(doc, "（一）就业地区分布", toc)
    P(doc, f"2024届就业毕业生（{emp_total}人）中，在湖南省内就业的占{pct(REGIONS[0][1], emp_total)}%，省外就业主要集中在"
           "广东、浙江、上海、江苏等东部沿海省市（表3）。")
    TAB(doc, "表3  2024届就业毕业生就业地区分布", tabs)
    rows = [[name, str(c), pct(c, emp_total)] for name, c in REGIONS]
    rows.append(["合计", str(emp_total), "100.00"])
    table(doc, ["就业地区", "就业人数", "占比（%）"], rows, [6.0, 3.5, 3.5], size=10.5, aligns="lcc",
          bold_rows={len(rows) - 1})
    P(doc, "在省内就业的毕业生中，留在学校所在地江岭市就业的人数最多，其次为省会长沙市（表4）。", before=6)
    TAB(doc, "表4  2024届省内就业毕业生城市分布", tabs)
    rows = [[name, str(c), pct(c, REGIONS[0][1])] for name, c in CITIES]
    rows.append(["合计", str(REGIONS[0][1]), "100.00"])
    table(doc, ["城市", "就业人数", "占省内就业人数比例（%）"], rows, [4.5, 3.5, 5.0], size=10.5, aligns="lcc",
          bold_rows={len(rows) - 1})

    H2(doc, "（二）就业行业分布", toc)
    P(doc, "2024届就业毕业生主要集中在制造业，信息传输、软件和信息技术服务业以及建筑业，三个行业合计吸纳就业毕业生超过"
           "一半，与学校以工为主的学科专业布局相吻合（表5）。")
    TAB(doc, "表5  2024届就业毕业生行业分布", tabs)
    rows = [[str(i), name, str(c), pct(c, emp_total)] for i, (name, c) in enumerate(INDUSTRIES, 1)]
    rows.append(["", "合计", str(emp_total), "100.00"])
    table(doc, ["序号", "行业门类", "就业人数", "占比（%）"], rows, [1.2, 7.6, 2.6, 2.6], size=10.5, aligns="clcc",
          bold_rows={len(rows) - 1})

    H2(doc, "（三）就业单位性质", toc)
    P(doc, "从就业单位性质看，2024届就业毕业生以到企业就业为主，到民营企业、国有企业和三资企业就业的合计占"
           f"{pct(UNITS[0][1] + UNITS[1][1] + UNITS[2][1], emp_total)}%；到机关、事业单位就业的比例较上届有所提高"
           "（表6）。")
    TAB(doc, "表6  2024届就业毕业生就业单位性质分布", tabs)
    rows = [[name, str(c), pct(c, emp_total)] for name, c in UNITS]
    rows.append(["合计", str(emp_total), "100.00"])
    table(doc, ["单位性质", "就业人数", "占比（%）"], rows, [6.5, 3.2, 3.2], size=10.5, aligns="lcc",
          bold_rows={len(rows) - 1})

    H2(doc, "（四）基层就业与重点领域就业", toc)
    P(doc, "学校积极引导毕业生到基层和国家重点领域建功立业。2024届毕业生中，有37人参加“西部计划”“三支一扶”等中央和"
           "地方基层服务项目，有152人到省内县级及以下基层单位就业；到先进制造、新能源、新一代信息技术等战略性新兴产业"
           "就业的毕业生1314人，占就业毕业生总数的27.55%。")
    P(doc, "学校与湘岭重工装备集团、湘岭电力建设有限公司、江岭轨道交通装备有限公司等重点企业建立了人才供需对接机制，2024届"
           "毕业生中到上述三家企业就业的共286人，其中湘岭重工装备集团接收毕业生127人，为接收学校毕业生最多的用人单位。")

    H1(doc, "四、就业质量", toc)
    H2(doc, "（一）月收入", toc)
    growth = f"{(float(mean_salary()) / float(TREND[-1][5]) - 1) * 100:.2f}"
    P(doc, f"调查显示，2024届就业毕业生平均月收入为{mean_salary()}元，较2023届增长{growth}%。分学历层次看，博士毕业生平均月"
           f"收入为{SALARY['博士']}元，硕士毕业生平均月收入为{SALARY['硕士']}元，本科毕业生平均月收入为{SALARY['本科']}元，"
           f"专科毕业生平均月收入为{SALARY['专科']}元。在省外就业的本科毕业生平均月收入为7243元，高于在省内就业的本科"
           "毕业生。本科、专科毕业生月收入区间分布见表7。")
    TAB(doc, "表7  2024届本科、专科毕业生月收入区间分布", tabs)
    rows = [[a, b, c] for a, b, c in SALARY_BANDS] + [["合计", "100.00", "100.00"]]
    table(doc, ["月收入区间", "本科毕业生占比（%）", "专科毕业生占比（%）"], rows, [4.5, 4.2, 4.2], size=10.5,
          aligns="lcc", bold_rows={len(rows) - 1})
    H2(doc, "（二）专业相关度与就业满意度", toc)
    P(doc, "2024届本科毕业生工作与所学专业的相关度为78.64%，专科毕业生为74.19%；其中机电工程学院、土木与建筑工程学院"
           "毕业生的专业相关度均超过85%。本科毕业生对当前工作的满意度为89.53%，专科毕业生为87.26%；毕业生对工作不满意的"
           "主要原因集中在“收入偏低”和“发展空间不够”两个方面。")
    P(doc, "从职业期待吻合度看，2024届本科毕业生为71.82%，专科毕业生为69.45%。毕业半年内离职率本科为18.36%，专科为"
           "24.71%，离职类型以主动离职为主。")

    H2(doc, "（三）职业发展与自主创业", toc)
    P(doc, "调查显示，2024届本科毕业生中已有8.63%在毕业半年内获得职务晋升或岗位调整，专科毕业生为6.92%。毕业生认为"
           "对职业发展帮助最大的三项能力依次为专业技术能力、沟通协调能力和持续学习能力。")
    P(doc, "2024届毕业生中自主创业23人，创业领域主要集中在软件开发与信息技术服务、文化创意设计和电子商务等方面。学校"
           "大学生创新创业孵化园全年入驻学生创业团队42个，为创业毕业生提供场地、导师、融资对接等“一站式”服务。")

    H1(doc, "五、用人单位评价", toc)
    H2(doc, "（一）总体满意度", toc)
    P(doc, "学校委托第三方机构对招聘2024届毕业生的用人单位开展了满意度调查。调查显示，用人单位对学校2024届毕业生的总体"
           "满意度为96.42%，其中评价为“很满意”的占41.27%，“满意”的占43.80%，“比较满意”的占11.35%。有93.61%的用人单位"
           "表示愿意继续到学校招聘毕业生。")
    H2(doc, "（二）能力素质评价", toc)
    P(doc, "用人单位对毕业生各项能力素质的评价见表8。用人单位对毕业生职业素养与责任意识、团队协作能力评价最高，对创新"
           "能力的评价相对较低。")
    TAB(doc, "表8  用人单位对2024届毕业生能力素质的评价", tabs)
    rows = [[str(i), a, b, c] for i, (a, b, c) in enumerate(ABILITIES, 1)]
    table(doc, ["序号", "能力素质", "重要度（5分制）", "满意度（%）"], rows, [1.2, 5.6, 3.4, 3.4], size=10.5,
          aligns="clcc")

    H1(doc, "六、促进毕业生就业的主要举措", toc)
    for t in (
        "（一）压实就业工作责任。学校印发《江岭科技大学促进毕业生高质量就业十条措施》（江科大发〔2024〕18号），实行"
        "校领导联系学院、学院领导联系专业、教师联系毕业生的“三级联系”机制，每月通报各学院毕业去向落实进度。",
        "（二）拓展就业市场。2024年学校举办大型校园双选会6场、行业专场招聘会23场、专场宣讲会412场，累计邀请用人单位"
        "2187家，提供就业岗位3.86万个，岗位数与毕业生数之比达6.18：1。校领导带队走访用人单位134家，新增就业实习基地41个。",
        "（三）加强就业指导。开设《大学生职业生涯规划》《就业指导》必修课程，组建由校内教师和企业人力资源专家组成的就业"
        "指导团队，全年开展一对一职业咨询1260人次、简历门诊和模拟面试38场。",
        "（四）做好重点群体帮扶。为家庭经济困难、零就业家庭、残疾毕业生等重点群体建立帮扶台账，发放求职创业补贴"
        "合计68.4万元，重点群体毕业生毕业去向落实率达到95.37%。",
    ):
        P(doc, t)

    H1(doc, "七、发展趋势与反馈", toc)
    H2(doc, "（一）近三届毕业生就业情况对比", toc)
    P(doc, "近三届毕业生规模逐年扩大，毕业去向落实率稳中有升，国内升学率和出国（境）率持续提高，平均月收入保持增长"
           "（表9）。")
    TAB(doc, "表9  近三届毕业生就业主要指标", tabs)
    study_all = sum(STUDY.values())
    abroad_all = sum(ABROAD.values())
    rows = [list(r) for r in TREND] + [["2024届", str(total), pct(placed_total, total), pct(study_all, total),
                                        pct(abroad_all, total), mean_salary()]]
    table(doc, ["届别", "毕业生人数", "毕业去向落实率（%）", "国内升学率（%）", "出国（境）率（%）", "平均月收入（元）"], rows,
          [1.8, 2.2, 3.0, 2.6, 2.6, 2.8], size=10.5, aligns="cccccc")
    note(doc, "注：国内升学率、出国（境）率按各届全部毕业生（含研究生）计算。")
    doc.add_picture(io.BytesIO(bar_chart("图2  近三届毕业生毕业去向落实率", ["2022届", "2023届", "2024届"],
                                         [90.86, 91.54, placed_total / total * 100])), width=Cm(13.0))
    doc.paragraphs[-1].paragraph_format.alignment = 1
    H2(doc, "（二）对人才培养的反馈", toc)
    for t in (
        "一是优化专业结构。对毕业去向落实率和专业相关度连续两年偏低的专业实行预警，2025年暂停国际经济与贸易专业"
        "招生，新增智能制造工程、储能科学与工程两个本科专业。",
        "二是强化实践能力培养。针对用人单位反映的创新能力不足问题，将创新创业学分要求由2学分提高到4学分，"
        "推动毕业设计（论文）选题来源于企业生产实际的比例达到60%以上。",
        "三是完善就业质量评价。持续开展毕业生毕业一年、三年、五年跟踪调查，把调查结果作为修订人才培养方案的重要依据。",
    ):
        P(doc, t)


def heading_pages(pdf: Path, toc, tabs) -> dict[str, str]:
    texts = page_texts(pdf)
    # the first body heading is printed twice: in the table of contents and where the body begins
    start = max(i for i, t in enumerate(texts) if "一、毕业生规模与结构" in t.replace(" ", ""))
    out = {}
    for item in [t for _, t in toc] + tabs:
        key = item.replace(" ", "")
        for i in range(start, len(texts)):
            lines = [ln.replace(" ", "") for ln in texts[i].splitlines()]
            if any(ln.startswith(key[:12]) for ln in lines):
                out[item] = str(i - start + 1)
                break
        else:
            raise SystemExit(f"heading not found in the PDF: {item}")
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docx = tmp / "employment-quality-report.docx"
        toc, tabs = build(docx, None)
        pdf = convert(docx, tmp)
        pages = heading_pages(pdf, toc, tabs)
        build(docx, pages)
        pdf = convert(docx, tmp)
        if heading_pages(pdf, toc, tabs) != pages:
            raise SystemExit("the table of contents moved the body; run again")
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, OUT)
        if "--docx" in sys.argv:
            shutil.copyfile(docx, OUT.with_suffix(".docx"))
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
