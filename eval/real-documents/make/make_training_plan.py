"""Make generated/auto-repair-training-plan.pdf: 桐溪县职业教育中心汽车运用与维修专业人才培养方案（2024级）.

Everything in it is invented (the county of 桐溪, the school, its teachers, partner firms, rooms, hours, dates and
names); only the layout follows the 专业人才培养方案 Chinese secondary vocational schools publish: a cover with no
footer, then portrait pages whose footer prints "第 N 页 共 M 页" (M counts the cover too, as Word's NUMPAGES does),
a 职业面向 table with 专业大类/职业 codes, course tables with 学时 ranges ("72~90"), a landscape 教学进程安排表 over
two pages (header rows repeated, a footnote mark ① under it), a 学时分配 table, and the approval dates at the end.
Written in Word's way with python-docx, converted with LibreOffice:

    .venv/bin/python eval/real-documents/make/make_training_plan.py
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_common import (HEI, YAHEI, a4, add_field, caption, convert, font, margins, new_section, note,  # noqa: E402
                         page_number_start, para, set_normal, table, use_fonts)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "generated" / "auto-repair-training-plan.pdf"
SCHOOL = "桐溪县职业教育中心"
WEEKS = 18  # teaching weeks per semester

# category, name, weekly hours per semester (6), practice share, assessment, core range
COURSES = [
    ("公共基础课程", "中国特色社会主义", [2, 0, 0, 0, 0, 0], 0.0, "考试", None),
    ("公共基础课程", "心理健康与职业生涯", [0, 2, 0, 0, 0, 0], 0.0, "考查", None),
    ("公共基础课程", "哲学与人生", [0, 0, 2, 0, 0, 0], 0.0, "考查", None),
    ("公共基础课程", "职业道德与法治", [0, 0, 0, 2, 0, 0], 0.0, "考试", None),
    ("公共基础课程", "语文", [3, 3, 2, 2, 1, 0], 0.0, "考试", None),
    ("公共基础课程", "数学", [2, 2, 2, 2, 0, 0], 0.0, "考试", None),
    ("公共基础课程", "英语", [2, 2, 2, 2, 0, 0], 0.0, "考试", None),
    ("公共基础课程", "信息技术", [3, 3, 0, 0, 0, 0], 0.5, "考试", None),
    ("公共基础课程", "体育与健康", [2, 2, 2, 2, 2, 0], 0.9, "考查", None),
    ("公共基础课程", "艺术", [0, 0, 0, 0, 2, 0], 0.5, "考查", None),
    ("公共基础课程", "历史", [2, 2, 0, 0, 0, 0], 0.0, "考查", None),
    ("公共基础课程", "劳动教育", [1, 1, 0, 0, 0, 0], 0.5, "考查", None),
    ("公共基础课程", "公共选修课", [0, 0, 2, 2, 0, 0], 0.0, "考查", None),
    ("专业基础课程", "汽车文化", [2, 0, 0, 0, 0, 0], 0.0, "考查", None),
    ("专业基础课程", "机械识图", [4, 0, 0, 0, 0, 0], 0.25, "考试", None),
    ("专业基础课程", "汽车机械基础", [0, 4, 0, 0, 0, 0], 0.25, "考试", None),
    ("专业基础课程", "汽车电工电子基础", [0, 4, 0, 0, 0, 0], 0.5, "考试", None),
    ("专业核心课程", "汽车维护与保养", [0, 4, 0, 0, 0, 0], 0.75, "考试", "72~108"),
    ("专业核心课程", "汽车发动机构造与维修", [0, 0, 6, 0, 0, 0], 0.5, "考试", "108~126"),
    ("专业核心课程", "汽车电气设备构造与维修", [0, 0, 5, 0, 0, 0], 0.6, "考试", "90~108"),
    ("专业核心课程", "汽车底盘构造与维修", [0, 0, 0, 7, 0, 0], 0.5, "考试", "126~144"),
    ("专业核心课程", "汽车发动机电控系统检修", [0, 0, 0, 4, 0, 0], 0.5, "考试", "72~90"),
    ("专业核心课程", "汽车空调系统检修", [0, 0, 0, 0, 3, 0], 0.6, "考试", "54~72"),
    ("专业核心课程", "新能源汽车技术基础", [0, 0, 0, 0, 4, 0], 0.5, "考试", "60~72"),
    ("专业拓展课程", "汽车美容与装潢", [0, 0, 0, 2, 0, 0], 0.75, "考查", None),
    ("专业拓展课程", "汽车钣金与涂装", [0, 0, 0, 0, 4, 0], 0.75, "考查", None),
    ("专业拓展课程", "汽车营销与服务接待", [0, 0, 0, 0, 3, 0], 0.5, "考查", None),
    ("专业拓展课程", "二手车鉴定与评估", [0, 0, 0, 0, 2, 0], 0.5, "考查", None),
    ("专业拓展课程", "汽车故障诊断综合实训", [0, 0, 0, 0, 6, 0], 1.0, "考查", None),
]
# practice blocks: name, weeks, semester, hours per week
PRACTICE = [("军事训练与入学教育", 1, 1, 30), ("汽车企业认识实习", 1, 2, 30), ("综合技能考核", 2, 5, 30),
            ("岗位实习", 20, 6, 30)]
CORE_TEXT = {
    "汽车维护与保养": "掌握汽车日常维护、一级维护和二级维护的作业项目与技术要求；能规范使用举升机、扭力扳手等工具"
                "完成机油、滤清器、轮胎、制动液等项目的检查与更换，养成“7S”现场管理习惯。",
    "汽车发动机构造与维修": "理解曲柄连杆机构、配气机构、冷却系统和润滑系统的结构与工作原理；能按维修手册完成发动机"
                      "拆装、气缸磨损测量、正时校对等作业。",
    "汽车电气设备构造与维修": "掌握蓄电池、起动系统、充电系统、照明与信号系统的结构原理；能识读汽车电路图，使用"
                        "万用表、试灯排除常见电气故障。",
    "汽车底盘构造与维修": "掌握离合器、手动与自动变速器、传动轴、转向系统、行驶系统和制动系统的结构原理；能完成"
                    "底盘主要总成的拆装、检测与调整，完成四轮定位作业。",
    "汽车发动机电控系统检修": "理解燃油喷射、点火控制、怠速控制和排放控制系统的组成；能使用故障诊断仪读取故障码和"
                        "数据流，完成传感器、执行器的检测与更换。",
    "汽车空调系统检修": "掌握汽车空调制冷循环、暖风与通风系统的组成；能完成制冷剂回收、抽真空与加注作业，排除空调"
                  "不制冷、制冷不足等常见故障。",
    "新能源汽车技术基础": "了解纯电动、混合动力汽车的结构特点，掌握高压安全防护与绝缘检测方法；能完成动力电池、"
                    "驱动电机的外观检查和低压部件的常规维护。",
}
ROOMS = [
    ("汽车发动机实训室", "发动机拆装台架、发动机运行台架、气缸压力表", 40, 320),
    ("汽车底盘实训室", "手动变速器、自动变速器拆装台架，转向与制动系统实训台", 40, 360),
    ("汽车电气实训室", "全车电器实训台、示波器、数字万用表", 36, 240),
    ("汽车维护实训车间", "双柱举升机12台、四轮定位仪2台、轮胎拆装机", 48, 680),
    ("新能源汽车实训室", "纯电动汽车整车2辆、动力电池实训台、绝缘检测仪", 24, 210),
    ("汽车钣金涂装实训室", "车身校正仪、烤漆房、钣金工具组", 20, 290),
]


def hours(c):
    return sum(c[2]) * WEEKS


def practice_hours(c):
    return int(round(hours(c) * c[3] / 2)) * 2


def P(doc, text, **kw):
    kw.setdefault("indent", True)
    kw.setdefault("size", 12)
    kw.setdefault("line", 1.5)
    return para(doc, text, **kw)


def H1(doc, text):
    return para(doc, text, size=14, east=HEI, bold=True, align="l", line=1.5, before=8, after=2, keep_next=True)


def H2(doc, text):
    return para(doc, text, size=12, east=HEI, align="l", line=1.5, before=2, after=0, keep_next=True, indent=True)


def footer(section):
    section.footer.is_linked_to_previous = False
    fp = section.footer.paragraphs[0]
    fp.paragraph_format.alignment = 1
    font(fp.add_run("第 "), YAHEI, 9)
    add_field(fp, "PAGE", east=YAHEI, size=9)
    font(fp.add_run(" 页 共 "), YAHEI, 9)
    add_field(fp, "NUMPAGES", east=YAHEI, size=9)
    font(fp.add_run(" 页"), YAHEI, 9)


def build(path: Path):
    use_fonts(YAHEI, HEI)
    doc = Document()
    set_normal(doc, 12)
    s0 = doc.sections[0]
    a4(s0)
    margins(s0, 2.5, 2.5, 2.8, 2.6, 1.5, 1.5)
    for _ in range(4):
        para(doc, "")
    para(doc, SCHOOL, size=22, east=HEI, bold=True, align="c", line=1.5, after=30)
    para(doc, "汽车运用与维修专业", size=26, east=HEI, bold=True, align="c", line=1.5)
    para(doc, "人才培养方案", size=26, east=HEI, bold=True, align="c", line=1.5)
    para(doc, "（2024级）", size=18, east=HEI, align="c", line=1.5, after=120)
    for t in ("专业名称：汽车运用与维修", "专业代码：700206", "适用年级：2024级（三年制）", "制订部门：交通运输专业部"):
        para(doc, t, size=15, align="l", left_cm=4.2, line=1.8)
    para(doc, "2024年7月", size=15, align="c", line=1.5, before=60)

    s1 = new_section(doc, landscape=False)
    margins(s1, 2.5, 2.5, 2.8, 2.6, 1.5, 1.5)
    footer(s1)
    page_number_start(s1, 1)
    para(doc, "桐溪县职业教育中心汽车运用与维修专业人才培养方案（2024级）", size=16, east=HEI, bold=True, align="c",
         line=1.5, after=8)
    H1(doc, "一、专业名称及代码")
    P(doc, "专业名称：汽车运用与维修。专业代码：700206。")
    H1(doc, "二、入学基本要求")
    P(doc, "初级中等学校毕业或具备同等学力。")
    H1(doc, "三、基本修业年限")
    P(doc, "三年。")
    H1(doc, "四、职业面向")
    caption(doc, "表1  汽车运用与维修专业职业面向")
    rows = [
        ["所属专业大类（代码）", "交通运输大类（70）"],
        ["所属专业类（代码）", "道路运输类（7002）"],
        ["对应行业（代码）", "机动车、电子产品和日用产品修理业（81）；汽车、摩托车、零配件和燃料及其他动力销售（526）"],
        ["主要职业类别（代码）", "汽车维修工（4-12-01-01）；汽车维修检验工（4-12-01-02）；二手车经纪人（4-07-02-05）"],
        ["主要岗位（群）或技术领域", "汽车机电维修、汽车维护保养、汽车性能检测、汽车售后服务接待"],
        ["职业类证书", "汽车维修工（四级/中级工）；汽车运用与维修（含智能新能源汽车）职业技能等级证书（初级）"],
    ]
    table(doc, ["项目", "内容"], rows, [4.6, 11.0], size=10.5, aligns="lj")
    H1(doc, "五、培养目标与培养规格")
    H2(doc, "（一）培养目标")
    P(doc, "本专业培养能够践行社会主义核心价值观，德智体美劳全面发展，具有一定的科学文化水平，良好的人文素养、职业"
           "道德和创新意识，精益求精的工匠精神，较强的就业能力和可持续发展的能力，掌握汽车构造、汽车维护与修理等知识"
           "和技术技能，面向桐溪县及周边地区汽车维修、汽车销售服务等行业的汽车维修工、汽车维修检验工等职业，能够从事"
           "汽车维护保养、汽车机电维修、汽车性能检测等工作的技术技能人才。")
    H2(doc, "（二）培养规格")
    for t in ("1．坚定拥护中国共产党领导和中国特色社会主义制度，具有深厚的爱国情感和中华民族自豪感；",
              "2．具有安全生产、节能环保和规范操作意识，严格执行汽车维修作业安全规程；",
              "3．能识读汽车零部件图和电路图，能正确使用常用工量具、检测仪器和诊断设备；",
              "4．能完成汽车定期维护作业，能对发动机、底盘、电气和空调系统的常见故障进行诊断与排除；",
              "5．具备新能源汽车高压安全防护的基本知识，能在指导下完成新能源汽车的常规维护；",
              "6．具有良好的语言表达和沟通能力，能完成售后服务接待和维修质量检验的基本工作。"):
        P(doc, t)

    H1(doc, "六、课程设置及要求")
    P(doc, "本专业课程设置分为公共基础课程、专业课程（含专业基础课程、专业核心课程和专业拓展课程）和实践性教学环节。")
    H2(doc, "（一）公共基础课程")
    P(doc, "按照国家规定开齐开足思想政治、语文、历史、数学、英语、信息技术、体育与健康、艺术等公共基础课程，将劳动教育、"
           "心理健康教育、职业素养教育融入课程教学。公共选修课设汽车英语、中华优秀传统文化、职业礼仪等模块，学生任选"
           "其中两个模块修习。")
    H2(doc, "（二）专业核心课程")
    caption(doc, "表2  专业核心课程主要教学内容与要求")
    rows = []
    for i, c in enumerate([c for c in COURSES if c[5]], 1):
        rows.append([str(i), c[1], CORE_TEXT[c[1]], c[5]])
    table(doc, ["序号", "课程名称", "主要教学内容与要求", "参考学时"], rows, [1.1, 3.6, 9.0, 1.9], size=10,
          aligns="cljc")
    note(doc, "注：参考学时为区间，各学期可根据实训设备轮转情况在区间内调整；本方案按区间内的学时编排教学进程。")
    H2(doc, "（三）专业拓展课程")
    P(doc, "专业拓展课程包括汽车美容与装潢、汽车钣金与涂装、汽车营销与服务接待、二手车鉴定与评估和汽车故障诊断综合实训，"
           "对接区域汽车后市场的岗位需求，学生须修满全部拓展课程学分。")
    H2(doc, "（四）实践性教学环节")
    P(doc, "实践性教学环节主要包括实训、实习、综合技能考核和社会实践等。岗位实习安排在第6学期，时间为20周，由学校与"
           "合作企业共同制订实习计划、共同管理和考核。合作企业主要包括桐溪顺达汽车销售服务有限公司、桐溪县公交集团"
           "汽车修理厂和溪南途安汽车维修连锁有限公司。")

    H1(doc, "七、教学进程总体安排")
    H2(doc, "（一）基本要求")
    total = sum(hours(c) for c in COURSES) + sum(w * h for _, w, _, h in PRACTICE)
    P(doc, f"每学年为52周，其中教学时间40周（含复习考试），累计假期12周。课程教学每学期按{WEEKS}周计，周学时一般为28"
           "学时；岗位实习按每周30学时计。课程学分按18学时折合1学分，实践性教学环节按1周折合1学分。三年总学时不低于"
           "3000学时，公共基础课程学时一般占总学时的三分之一以上。")

    # landscape: the 教学进程安排表 over two pages
    s2 = new_section(doc, landscape=True)
    margins(s2, 2.0, 2.0, 2.2, 2.2, 1.2, 1.2)
    for e in s2._sectPr.findall(qn("w:pgNumType")):
        s2._sectPr.remove(e)
    H2(doc, "（二）教学进程安排表")
    caption(doc, "表3  汽车运用与维修专业教学进程安排表（2024级）")
    rows = []
    n = 0
    for c in COURSES:
        n += 1
        h = hours(c)
        pr = practice_hours(c)
        name = c[1] + ("*" if c[5] else "")
        rows.append([c[0], str(n), name, str(h // 18), str(h), str(h - pr), str(pr),
                     *(str(x) if x else "" for x in c[2]), c[4]])
    for name, w, sem, hw in PRACTICE:
        n += 1
        wk = [""] * 6
        wk[sem - 1] = f"{w}周"
        rows.append(["实践性教学环节", str(n), name, str(w), str(w * hw), "0", str(w * hw), *wk, "考查"])
    sem_tot = [sum(c[2][i] for c in COURSES) for i in range(6)]
    credits = sum(hours(c) // 18 for c in COURSES) + sum(w for _, w, _, _ in PRACTICE)
    theory = sum(hours(c) - practice_hours(c) for c in COURSES)
    rows.append(["合计", "", "", str(credits), str(total), str(theory), str(total - theory),
                 *(str(x) if x else "" for x in sem_tot), ""])
    table(doc, [["课程类别", "序号", "课程名称", "学分", "学时", "", "", "各学期周学时分配", "", "", "", "", "", "考核方式"],
                ["", "", "", "", "总学时", "理论", "实践", "一", "二", "三", "四", "五", "六", ""]],
          rows, [2.6, 1.0, 5.2, 1.2, 1.5, 1.3, 1.3, 1.2, 1.2, 1.2, 1.2, 1.2, 1.4, 1.6], size=9.5,
          aligns="lclccccccccccc", line_exact=13.5, bold_rows={len(rows) - 1},
          merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 6), (0, 7, 0, 12),
                  (0, 13, 1, 13)])
    note(doc, "注：① 课程名称后标“*”的为专业核心课程；② 第6学期为岗位实习，周学时栏填写实习周数；③ 公共选修课学时"
              "计入公共基础课程。")

    s3 = new_section(doc, landscape=False)
    margins(s3, 2.5, 2.5, 2.8, 2.6, 1.5, 1.5)
    for e in s3._sectPr.findall(qn("w:pgNumType")):
        s3._sectPr.remove(e)
    H2(doc, "（三）学时分配")
    caption(doc, "表4  学时与学分分配表")
    cats = ["公共基础课程", "专业基础课程", "专业核心课程", "专业拓展课程"]
    rows = []
    for cat in cats:
        h = sum(hours(c) for c in COURSES if c[0] == cat)
        rows.append([cat, str(h // 18), str(h), f"{h / total * 100:.2f}"])
    ph = sum(w * hw for _, w, _, hw in PRACTICE)
    rows.append(["实践性教学环节", str(sum(w for _, w, _, _ in PRACTICE)), str(ph), f"{ph / total * 100:.2f}"])
    rows.append(["合计", str(credits), str(total), "100.00"])
    table(doc, ["课程类别", "学分", "学时", "占总学时比例（%）"], rows, [4.6, 2.4, 2.6, 4.0], size=10.5,
          aligns="lccc", bold_rows={len(rows) - 1})
    P(doc, f"全部课程及实践性教学环节中，实践教学学时为{total - theory}学时，占总学时的"
           f"{(total - theory) / total * 100:.2f}%。", before=6)

    H1(doc, "八、实施保障")
    H2(doc, "（一）师资队伍")
    P(doc, "本专业现有专任教师22人，其中“双师型”教师17人，具有高级专业技术职务的教师7人，具有研究生学历或硕士学位的"
           "教师4人；聘请企业兼职教师5人。专业带头人由汽车维修高级技师、县级骨干教师担任。本专业2024年在校生为"
           "386人，生师比为17.55：1。")
    H2(doc, "（二）教学设施")
    P(doc, "本专业校内实训室6个，实训设备总值683.40万元，可同时容纳208名学生开展实训。主要实训室见表5。")
    caption(doc, "表5  校内实训室配置")
    rows = [[str(i), a, b, str(c), str(d)] for i, (a, b, c, d) in enumerate(ROOMS, 1)]
    table(doc, ["序号", "实训室名称", "主要设备", "工位数（个）", "面积（m²）"], rows, [1.1, 3.6, 6.8, 2.1, 2.1],
          size=10, aligns="cljcc")
    H2(doc, "（三）教学资源与方法")
    P(doc, "优先选用国家规划教材和职业教育国家在线精品课程资源，专业核心课程采用“理实一体化”教学，推行项目教学、"
           "案例教学和工作过程导向教学；与合作企业共同开发活页式教材3部。")
    H2(doc, "（四）质量管理")
    P(doc, "建立专业建设指导委员会、教学督导和学生评教相结合的质量监控机制，每学期开展一次教学检查，每年对毕业生和"
           "用人单位开展跟踪调查，根据调查结果对人才培养方案进行动态调整。")

    H1(doc, "九、毕业要求")
    P(doc, f"学生在规定修业年限内，思想品德评价合格，修满本方案规定的全部课程和实践性教学环节，取得{credits}学分，"
           "体质健康测试达到合格标准，并取得至少1个与本专业相关的职业类证书，准予毕业。")

    H1(doc, "十、附录")
    P(doc, "（一）本方案由交通运输专业部组织编制，主要编制人员：韦晓峰（专业负责人）、覃丽华、陆家明；企业专家：桐溪"
           "顺达汽车销售服务有限公司技术总监黄志坚。")
    P(doc, "（二）本方案于2024年6月18日经学校汽车运用与维修专业建设指导委员会论证，2024年7月5日经学校党组织会议"
           "审定，自2024年9月起在2024级学生中执行。")
    caption(doc, "表6  方案审定记录")
    table(doc, ["环节", "组织", "日期", "结论"],
          [["专业论证", "汽车运用与维修专业建设指导委员会", "2024年6月18日", "同意提交审定"],
           ["校长办公会审议", "桐溪县职业教育中心校长办公会", "2024年6月27日", "修改后通过"],
           ["审定", "学校党组织会议", "2024年7月5日", "审定通过"],
           ["备案", "桐溪县教育局", "2024年8月20日", "已备案"]],
          [3.2, 6.2, 3.2, 3.0], size=10.5, aligns="llcc")
    doc.save(str(path))
    return total, credits


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docx = tmp / "auto-repair-training-plan.docx"
        total, credits = build(docx)
        pdf = convert(docx, tmp)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, OUT)
    print(OUT, OUT.stat().st_size, "bytes", total, "hours", credits, "credits")


if __name__ == "__main__":
    main()
