"""Make generated/college-quality-report.pdf: 岚州职业技术学院高等职业教育质量年度报告（2024年度）.

Everything in it is invented (the college, the city of 岚州, its schools, majors, enterprises, counts, amounts and
rates); only the layout follows the annual quality reports Chinese higher vocational colleges publish each year:
a text cover and a 目录 page with no page number, then the body, whose footer counts 1, 2, 3... from the third PDF
page under a running head; a 计分卡 table (指标 | 单位 | 2023年 | 2024年), body tables (one continued onto the next
page with its header row repeated), shaded case boxes (案例1...), a bar chart drawn as a picture whose caption repeats a
figure of the 计分卡, and numbered notes under tables. Written in Word's way with python-docx, converted with
LibreOffice:

    .venv/bin/python eval/real-documents/make/make_quality_report.py

Two passes: the first renders the PDF to learn on which printed page each heading lands, the second writes those
numbers into the 目录.
"""
from __future__ import annotations

import io
import shutil
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_common import (GB_SONG, HEI, a4, add_field, bottom_border, caption, convert, font, margins,  # noqa: E402
                         new_section, note, page_number_start, page_texts, para, set_normal, table, use_fonts)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "generated" / "college-quality-report.pdf"
SCHOOL = "岚州职业技术学院"
TITLE = "高等职业教育质量年度报告（2024年度）"
FONT_SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

# ----------------------------------------------------------------------------------------------------------- data
# 计分卡: 指标, 单位, 2023年, 2024年
SCORECARD = [
    ("全日制在校生总数", "人", "13105", "13698"),
    ("其中：全日制高职在校生数", "人", "11862", "12437"),
    ("毕业生人数", "人", "3714", "3986"),
    ("毕业去向落实率", "%", "92.37", "93.15"),
    ("专业相关度", "%", "71.84", "73.62"),
    ("生师比", "—", "17.26", "16.81"),
    ("“双师型”教师占专业课教师比例", "%", "63.50", "68.72"),
    ("生均教学科研仪器设备值", "元", "11436.27", "12508.93"),
    ("生均财政拨款水平", "元", "15870.00", "16342.50"),
    ("横向技术服务到款额", "万元", "986.40", "1386.52"),
    ("非学历培训到账额", "万元", "612.75", "743.18"),
    ("公益性培训服务", "人日", "28640", "31275"),
    ("订单（定向）培养学生数", "人", "826", "1043"),
    ("学生获省级及以上技能大赛奖项", "项", "47", "62"),
]
# 二级学院: 毕业生, 落实人数, 专业相关度
SCHOOLS = [
    ("智能制造学院", 842, 791, "78.35"),
    ("汽车工程学院", 615, 578, "80.12"),
    ("电子信息学院", 736, 684, "72.46"),
    ("财经商贸学院", 894, 826, "66.27"),
    ("建筑工程学院", 521, 483, "75.90"),
    ("文化旅游学院", 378, 351, "63.58"),
]
# 专业代码, 专业名称, 所属学院, 招生计划, 实际录取, 实际报到
MAJORS = [
    ("460103", "数控技术", "智能制造学院", 160, 158, 151),
    ("460104", "机械制造及自动化", "智能制造学院", 180, 182, 171),
    ("460301", "机电一体化技术", "智能制造学院", 240, 243, 232),
    ("460305", "工业机器人技术", "智能制造学院", 150, 149, 143),
    ("460306", "电气自动化技术", "智能制造学院", 190, 188, 178),
    ("460701", "汽车制造与试验技术", "汽车工程学院", 110, 104, 97),
    ("460702", "新能源汽车技术", "汽车工程学院", 260, 267, 256),
    ("500211", "汽车检测与维修技术", "汽车工程学院", 170, 166, 157),
    ("530605", "汽车技术服务与营销", "汽车工程学院", 90, 86, 79),
    ("510101", "电子信息工程技术", "电子信息学院", 130, 127, 119),
    ("510201", "计算机应用技术", "电子信息学院", 230, 236, 224),
    ("510202", "计算机网络技术", "电子信息学院", 150, 146, 138),
    ("510203", "软件技术", "电子信息学院", 180, 181, 172),
    ("510205", "大数据技术", "电子信息学院", 120, 118, 112),
    ("510209", "人工智能技术应用", "电子信息学院", 100, 97, 92),
    ("530302", "大数据与会计", "财经商贸学院", 260, 262, 249),
    ("530301", "大数据与财务管理", "财经商贸学院", 120, 117, 109),
    ("530701", "电子商务", "财经商贸学院", 180, 178, 166),
    ("530802", "现代物流管理", "财经商贸学院", 140, 137, 128),
    ("530605", "市场营销", "财经商贸学院", 80, 76, 70),
    ("440301", "建筑工程技术", "建筑工程学院", 150, 146, 135),
    ("440501", "工程造价", "建筑工程学院", 130, 131, 123),
    ("440401", "建设工程管理", "建筑工程学院", 70, 68, 62),
    ("440106", "建筑室内设计", "建筑工程学院", 80, 79, 73),
    ("540101", "旅游管理", "文化旅游学院", 90, 84, 77),
    ("540106", "酒店管理与数字化运营", "文化旅游学院", 80, 77, 71),
    ("550102", "视觉传达设计", "文化旅游学院", 70, 69, 64),
    ("550116", "数字媒体艺术设计", "文化旅游学院", 60, 62, 58),
]
MAJORS[19] = ("530601", "市场营销", "财经商贸学院", 80, 76, 70)
TECH_INCOME = [("2020年", 412.30), ("2021年", 538.60), ("2022年", 731.85), ("2023年", 986.40), ("2024年", 1386.52)]
# 经费收入 (万元): 2023, 2024
FUNDS = [
    ("财政经常性补助收入", "18236.45", "19874.62"),
    ("财政专项补助收入", "4382.10", "5127.38"),
    ("学费收入", "6514.80", "6893.25"),
    ("社会捐赠收入", "126.00", "214.50"),
    ("其他收入", "1043.27", "987.69"),
]


def totals():
    plan = sum(m[3] for m in MAJORS)
    adm = sum(m[4] for m in MAJORS)
    reg = sum(m[5] for m in MAJORS)
    return plan, adm, reg


# --------------------------------------------------------------------------------------------------------- images
def bar_chart(title: str, labels: list[str], values: list[float], ymax: float) -> bytes:
    w, h = 1100, 520
    im = Image.new("RGB", (w, h), "#FFFFFF")
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(FONT_SANS, 28, index=2)
    ft = ImageFont.truetype(FONT_SANS_BOLD, 32, index=2)
    d.text(((w - d.textlength(title, font=ft)) / 2, 16), title, font=ft, fill="#222222")
    left, right, top, bottom = 120, w - 50, 100, h - 80
    d.line([(left, bottom), (right, bottom)], fill="#555555", width=2)
    for k in range(6):
        y = bottom - (bottom - top) * k / 5
        d.line([(left, y), (right, y)], fill="#DDDDDD", width=1)
        lab = f"{ymax * k / 5:.0f}"
        d.text((left - 12 - d.textlength(lab, font=f), y - 16), lab, font=f, fill="#555555")
    slot = (right - left) / len(values)
    for i, (lab, v) in enumerate(zip(labels, values)):
        x0, x1 = left + slot * i + slot * 0.25, left + slot * (i + 1) - slot * 0.25
        y = bottom - (bottom - top) * v / ymax
        d.rectangle([x0, y, x1, bottom], fill="#1F7A5C")
        s = f"{v:.2f}"
        d.text(((x0 + x1) / 2 - d.textlength(s, font=f) / 2, y - 38), s, font=f, fill="#222222")
        d.text(((x0 + x1) / 2 - d.textlength(lab, font=f) / 2, bottom + 16), lab, font=f, fill="#222222")
    buf = io.BytesIO()
    im.quantize(colors=16).save(buf, "PNG", optimize=True)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------------------- text
def P(doc, text, **kw):
    kw.setdefault("indent", True)
    kw.setdefault("size", 12)
    return para(doc, text, **kw)


def H1(doc, text, toc, first=False):
    toc.append((1, text))
    return para(doc, text, size=16, east=HEI, bold=True, align="l", line=1.5, before=0 if first else 12, after=6,
                keep_next=True)


def H2(doc, text, toc):
    toc.append((2, text))
    return para(doc, text, size=14, east=HEI, align="l", line=1.5, before=6, after=3, keep_next=True, indent=True)


def TAB(doc, text):
    return caption(doc, text)


def case_box(doc, title: str, paras: list[str]):
    t = doc.add_table(rows=1, cols=1)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cell = t.rows[0].cells[0]
    cell.width = Cm(15.0)
    tcpr = cell._element.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "E8F3EE")
    tcpr.append(shd)
    p = cell.paragraphs[0]
    p.paragraph_format.alignment = 1
    p.paragraph_format.space_before = Pt(4)
    p.paragraph_format.space_after = Pt(4)
    font(p.add_run(title), HEI, 12, True)
    for text in paras:
        q = cell.add_paragraph()
        q.paragraph_format.first_line_indent = Pt(21)
        q.paragraph_format.line_spacing = 1.3
        font(q.add_run(text), GB_SONG, 10.5)
    cell.paragraphs[-1].paragraph_format.space_after = Pt(4)
    para(doc, "", line=1.0, after=4)


def build(path: Path, pages: dict[str, str] | None) -> list:
    use_fonts(GB_SONG, HEI)
    doc = Document()
    set_normal(doc, 12)
    toc: list[tuple[int, str]] = []

    # ---- cover and 目录: one section without header or footer
    s0 = doc.sections[0]
    a4(s0)
    margins(s0, 2.8, 2.6, 3.0, 2.8, 1.5, 1.75)
    for _ in range(5):
        para(doc, "")
    para(doc, SCHOOL, size=26, east=HEI, bold=True, align="c", line=1.5, after=18)
    para(doc, "高等职业教育质量年度报告", size=24, east=HEI, bold=True, align="c", line=1.5)
    para(doc, "（2024年度）", size=18, east=HEI, align="c", line=1.5, after=160)
    para(doc, "岚州职业技术学院", size=15, align="c", line=1.5)
    para(doc, "2025年1月", size=15, align="c", line=1.5)
    toc_anchor = para(doc, "目  录", size=18, east=HEI, bold=True, align="c", line=1.5, after=12,
                      page_break_before=True)

    # ---- body, numbered from 1
    s1 = new_section(doc, landscape=False)
    margins(s1, 2.8, 2.6, 3.0, 2.8, 1.5, 1.6)
    s1.header.is_linked_to_previous = False
    s1.footer.is_linked_to_previous = False
    hp = s1.header.paragraphs[0]
    hp.paragraph_format.alignment = 2
    font(hp.add_run(SCHOOL + TITLE), GB_SONG, 9)
    bottom_border(hp)
    fp = s1.footer.paragraphs[0]
    fp.paragraph_format.alignment = 1
    add_field(fp, "PAGE", size=10.5)
    page_number_start(s1, 1)
    body(doc, toc)

    anchor = toc_anchor
    for lv, text in toc:
        q = doc.add_paragraph()
        anchor._p.addnext(q._p)
        anchor = q
        pf = q.paragraph_format
        pf.line_spacing = 1.6
        pf.left_indent = Cm(0 if lv == 1 else 0.85)
        pf.tab_stops.add_tab_stop(Cm(15.2), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        font(q.add_run(text), HEI if lv == 1 else GB_SONG, 12, lv == 1)
        font(q.add_run("\t" + (pages or {}).get(text, "1")), GB_SONG, 12)
    doc.save(str(path))
    return toc


def body(doc, toc):
    plan, adm, reg = totals()
    sc = {r[0]: r for r in SCORECARD}
    H1(doc, "学校概况", toc, first=True)
    P(doc, "岚州职业技术学院是岚州市人民政府举办的全日制公办高等职业院校，2003年由岚州工业学校和岚州市商业学校合并"
           "组建，2019年入选省高水平高职学校建设单位。学校现有城南、滨江两个校区，占地面积1047亩，校舍建筑面积"
           "46.8万平方米，纸质图书86.3万册。学校设有智能制造学院、汽车工程学院、电子信息学院、财经商贸学院、建筑工程"
           "学院、文化旅游学院6个二级学院，开设高职专科专业28个，其中省级高水平专业群2个。")
    P(doc, "学校现有教职工734人，其中专任教师598人，具有高级专业技术职务的教师214人，具有硕士及以上学位的教师"
           "387人；聘请行业企业兼职教师156人。学校坚持“立足岚州、服务产业、工学结合、以技立身”的办学理念，与区域"
           "装备制造、新能源汽车、数字经济等产业深度对接，办学综合实力稳步提升。")
    P(doc, "表1为学校2024年度质量报告计分卡，反映学校在学生发展、教学资源、服务贡献和政策落实等方面的主要指标。")
    TAB(doc, "表1  岚州职业技术学院2024年度质量报告计分卡")
    rows = [[str(i), a, b, c, d] for i, (a, b, c, d) in enumerate(SCORECARD, 1)]
    table(doc, ["序号", "指标", "单位", "2023年", "2024年"], rows, [1.2, 6.6, 1.6, 2.6, 2.6], size=10.5,
          aligns="clccc")
    note(doc, "注：①全日制在校生总数含五年一贯制前三年学生；②生均财政拨款水平按全日制高职在校生数计算；"
              "③数据来源于全国职业院校教学工作状态数据采集与管理系统。")

    H1(doc, "一、学生发展", toc)
    H2(doc, "（一）招生与生源", toc)
    P(doc, f"2024年，学校高职专科招生计划{plan}人，实际录取{adm}人，实际报到{reg}人，报到率为"
           f"{reg / adm * 100:.2f}%。其中，普通高考招生录取2513人，单独招生录取1326人，中高职贯通转段录取"
           f"{adm - 2513 - 1326}人。省内生源占录取总数的91.06%，省外生源主要来自贵州、广西、江西等省份。"
           "各专业招生情况见表2。")
    TAB(doc, "表2  2024年各专业招生情况")
    rows = [[str(i), c, n, s, str(p), str(a), str(r)] for i, (c, n, s, p, a, r) in enumerate(MAJORS, 1)]
    rows.append(["", "", "合计", "", str(plan), str(adm), str(reg)])
    table(doc, [["序号", "专业代码", "专业名称", "所属学院", "招生计划（人）", "实际录取（人）", "实际报到（人）"]], rows,
          [1.0, 1.8, 4.0, 2.8, 2.0, 2.0, 2.0], size=10, aligns="cclcccc", line_exact=14,
          bold_rows={len(rows) - 1})
    note(doc, "注：招生计划为省教育考试院下达的分专业计划数；实际报到人数统计截至2024年10月15日。")

    H2(doc, "（二）毕业去向与就业质量", toc)
    grads = sum(s[1] for s in SCHOOLS)
    placed = sum(s[2] for s in SCHOOLS)
    P(doc, f"学校2024届毕业生共{grads}人，截至2024年8月31日已落实毕业去向{placed}人。其中，协议和合同就业2917人，"
           "灵活就业287人，自主创业26人，升入本科院校就读483人。毕业生在岚州市本地就业的比例为58.42%，在省内就业的"
           "比例为84.37%。各二级学院毕业去向落实情况见表3。")
    TAB(doc, "表3  2024届毕业生分学院毕业去向落实情况")
    rows = [[n, str(g), str(p), f"{p / g * 100:.2f}", r] for n, g, p, r in SCHOOLS]
    rows.append(["合计", str(grads), str(placed), f"{placed / grads * 100:.2f}", "73.62"])
    table(doc, ["二级学院", "毕业生数（人）", "落实人数（人）", "毕业去向落实率（%）", "专业相关度（%）"], rows,
          [3.6, 2.6, 2.6, 3.2, 3.0], size=10.5, aligns="lcccc", bold_rows={len(rows) - 1})
    P(doc, "第三方调查显示，2024届毕业生毕业半年后的平均月收入为4867元，较2023届增加312元；毕业生对母校的总体"
           "满意度为95.28%，用人单位对毕业生的满意度为96.05%。", before=6)
    H2(doc, "（三）技能成长", toc)
    P(doc, "学校构建“课程—证书—竞赛”融通的技能培养体系，2024年学生参加各级各类职业技能竞赛获奖218项，其中国家级"
           "一等奖3项、二等奖7项。全年组织1+X职业技能等级证书考核28个批次，参加考核学生3562人次，通过2947人次，"
           "通过率为82.73%。")
    case_box(doc, "案例1  “三段进阶”技能培养让学生在赛场上脱颖而出", [
        "智能制造学院围绕工业机器人应用编程赛项，推行“基础训练—项目攻关—赛场实战”三段进阶培养模式，组建由4名"
        "校内教师和2名企业工程师组成的教练团队。2024年，该学院学生在全国职业院校技能大赛中获一等奖1项，在省赛"
        "中获一等奖4项。",
        "参赛学生毕业后全部被岚州重型机械集团、华岚智能装备有限公司等企业录用，起薪平均高出同专业毕业生1260元。",
    ])

    H1(doc, "二、教育教学", toc)
    H2(doc, "（一）专业与课程建设", toc)
    P(doc, "学校紧密对接岚州市“3+2”现代产业体系，2024年新增人工智能技术应用、酒店管理与数字化运营2个专业，撤销"
           "会计信息管理等3个供需匹配度较低的专业。全年立项建设校级精品在线开放课程24门，其中11门入选省级职业教育"
           "在线精品课程；与企业合作开发新形态教材19部，其中活页式、工作手册式教材13部。")
    H2(doc, "（二）师资队伍建设", toc)
    P(doc, "学校实施“名师引领、双师提升”工程，2024年引进高层次人才9人，新增“双师型”教师37人，选派专业教师到企业"
           "实践锻炼268人次。学校现有省级教学名师5人、省级职业教育教师教学创新团队3个，教师在省级及以上教学能力比赛"
           "中获奖14项。")
    H2(doc, "（三）教学条件", toc)
    P(doc, "学校持续改善实践教学条件，现有校内实训基地86个，实训工位7452个；校外实习基地213个，其中紧密型实习基地"
           "64个。2024年新增教学科研仪器设备值2318.64万元，教学科研仪器设备总值达到15557.48万元。")
    case_box(doc, "案例2  “厂中校”共建新能源汽车实训中心", [
        "汽车工程学院与岚州新能源汽车产业园管委会、岚驰新能源汽车有限公司三方共建新能源汽车实训中心，企业投入"
        "设备价值486.30万元，学校提供场地3200平方米，共同开发实训项目42个。",
        "中心实行“企业标准、学校管理”，2024年承担学生实训教学5.6万人时，面向企业员工开展培训1840人次。",
    ])

    H1(doc, "三、服务贡献", toc)
    H2(doc, "（一）技术服务", toc)
    tech = TECH_INCOME[-1][1]
    P(doc, f"学校依托省级工程技术研究中心和8个校企协同创新平台，面向中小微企业开展技术研发、工艺改进和产品检测服务。"
           f"2024年，学校横向技术服务到款额较上年增长{(tech / TECH_INCOME[-2][1] - 1) * 100:.2f}%，纵向科研经费到款"
           "427.35万元；授权发明专利16件、实用新型专利94件，专利转让及许可21项，转化收入68.40万元。")
    doc.add_picture(io.BytesIO(bar_chart("2020—2024年横向技术服务到款额（万元）", [y for y, _ in TECH_INCOME],
                                         [v for _, v in TECH_INCOME], 1500)), width=Cm(13.5))
    doc.paragraphs[-1].paragraph_format.alignment = 1
    caption(doc, f"图1  2020—2024年横向技术服务到款额（2024年达{tech:.2f}万元）", before=2, after=8)
    H2(doc, "（二）社会培训", toc)
    P(doc, "学校面向产业工人、退役军人、农村转移劳动力等群体开展职业技能培训。2024年共开展各类培训班186期，培训"
           "23870人次，其中退役军人适应性培训1126人次、高素质农民培训2385人次。学校被认定为岚州市首批高技能人才"
           "培训基地。")
    H2(doc, "（三）服务地方产业", toc)
    P(doc, "学校牵头组建岚州市装备制造产教联合体，成员单位78家，其中企业56家、学校14所、科研机构8家。2024年，学校"
           "与企业共建产业学院4个，开设订单班37个，为区域企业输送技术技能人才2146人。")
    case_box(doc, "案例3  “科技特派员”助力乡村产业振兴", [
        "学校选派12名教师担任省级科技特派员，对口服务岚州市清河县、白石县的特色农产品加工企业。团队帮助企业改造"
        "生产线3条，开发电商直播课程8门，2024年帮助服务对象新增销售收入1580万元。",
    ])

    H1(doc, "四、政策落实", toc)
    H2(doc, "（一）经费投入", toc)
    P(doc, "岚州市人民政府全面落实高职生均拨款制度，2024年市财政安排学校生均拨款资金较上年有所增长。学校2024年经费"
           "总收入33097.44万元，各项收入情况见表4。")
    TAB(doc, "表4  2023—2024年学校经费收入情况（单位：万元）")
    rows = [[a, b, c] for a, b, c in FUNDS]
    rows.append(["合计", "30302.62", "33097.44"])
    table(doc, ["收入项目", "2023年", "2024年"], rows, [6.0, 3.5, 3.5], size=10.5, aligns="lcc",
          bold_rows={len(rows) - 1})
    H2(doc, "（二）落实办学自主权", toc)
    P(doc, "学校制定《岚州职业技术学院章程》修订案，2024年6月28日经省教育厅核准。学校深化内部治理改革，完成"
           "二级学院综合改革试点，向二级学院下放人事、经费、教学管理等权限17项；落实教师绩效工资分配自主权，绩效工资"
           "总量向一线教学和“双师型”教师倾斜。")
    H2(doc, "（三）质量保证体系", toc)
    P(doc, "学校持续完善教学工作诊断与改进制度，建立学校、专业、课程、教师、学生五个层面的质量保证体系，2024年完成"
           "28个专业的年度诊断报告，发布专业预警3个。")

    H1(doc, "五、面临挑战", toc)
    P(doc, "挑战一：产教融合深度有待加强。部分校企合作仍停留在实习就业层面，企业参与人才培养方案制订、课程开发的"
           "积极性不高，产业学院的运行机制尚需完善。")
    P(doc, "挑战二：高水平师资不足。学校具有企业工作经历的高层次技术技能人才偏少，专业带头人中具有行业影响力的领军人才"
           "不足，教师技术服务能力与区域产业转型升级需求存在差距。")
    P(doc, "挑战三：办学空间趋紧。随着办学规模扩大，学校生均教学行政用房面积接近国家基本办学条件标准下限，实训场地"
           "紧张的问题较为突出，滨江校区二期工程建设需加快推进。")
    P(doc, "下一步，学校将以省高水平高职学校建设验收为契机，深化产教融合、强化内涵建设，努力建成特色鲜明、国内一流"
           "的高等职业院校。")


def heading_pages(pdf: Path, toc) -> dict[str, str]:
    texts = page_texts(pdf)
    start = 2  # PDF page 3 is printed page 1
    out = {}
    for _, item in toc:
        key = item.replace(" ", "")
        for i in range(start, len(texts)):
            lines = [ln.replace(" ", "") for ln in texts[i].splitlines()]
            if any(ln.startswith(key) for ln in lines):
                out[item] = str(i - start + 1)
                break
        else:
            raise SystemExit(f"heading not found in the PDF: {item}")
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docx = tmp / "college-quality-report.docx"
        toc = build(docx, None)
        pdf = convert(docx, tmp)
        pages = heading_pages(pdf, toc)
        build(docx, pages)
        pdf = convert(docx, tmp)
        if heading_pages(pdf, toc) != pages:
            raise SystemExit("the table of contents moved the body; run again")
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, OUT)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
