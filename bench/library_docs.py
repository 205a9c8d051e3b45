"""Invented documents in the layouts of the library's real ones (bench/bench_library_scale.py makes them into /tmp):
school quality annual reports, graduate-employment reports, department budgets, statistical bulletins and enrolment
plans, each with its own invented place, school and figures, printed page numbers, running text and ruled tables.

reportlab in WenQuanYi Zen Hei, invariant: document i is the same bytes every run (seeded by i). Everything in them
is invented; the places are made of two characters that no real document of the library uses.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
KINDS = ("quality", "employment", "budget", "bulletin", "plan")
FIRST = "岚澜桐枫榕柘槐楠杉梓棠蘅芷蓉菁蔚琅琮璟珩"
SECOND = "川岭湾汀洲屿原坪塘堰峪岗垣陂圩埠墩渚沅泾"
SCHOOL_KIND = ("职业技术学院", "工业职业技术学院", "交通职业技术学院", "商贸职业学院", "信息职业技术学院", "卫生职业学院")
DEPTS = ("机电工程学院", "电子信息学院", "建筑工程学院", "经济管理学院", "艺术设计学院", "汽车工程学院", "护理学院",
         "智能制造学院", "现代服务学院", "财经学院")
MAJORS = ("机电一体化技术", "工业机器人技术", "电气自动化技术", "数控技术", "汽车检测与维修技术", "新能源汽车技术",
          "计算机网络技术", "软件技术", "大数据技术", "人工智能技术应用", "电子商务", "市场营销", "大数据与会计",
          "现代物流管理", "建筑工程技术", "工程造价", "护理", "药学", "学前教育", "旅游管理", "酒店管理与数字化运营",
          "环境艺术设计", "数字媒体技术", "物联网应用技术", "模具设计与制造", "智能控制技术", "城市轨道交通运营管理",
          "供用电技术", "化工生产技术", "食品检验检测技术")
PAGE_W, PAGE_H = 595, 842
LINE = 16.5  # running text: 10.5 pt, 1.57 line spacing
WIDTH = 38  # characters a line


def place(i: int) -> str:
    return FIRST[i % len(FIRST)] + SECOND[(i // len(FIRST)) % len(SECOND)]


def title_of(i: int) -> tuple[str, str, str]:
    """(file stem, title, issuer) of document i."""
    kind, city = KINDS[i % len(KINDS)], place(i)
    year = 2021 + (i // len(KINDS)) % 4
    school = city + SCHOOL_KIND[i % len(SCHOOL_KIND)]
    return {
        "quality": (f"quality-{i:03d}", f"{school}{year}年质量年度报告", school),
        "employment": (f"employment-{i:03d}", f"{school}{year}届毕业生就业质量年度报告", school),
        "budget": (f"budget-{i:03d}", f"{city}市教育局{year}年部门预算", f"{city}市教育局"),
        "bulletin": (f"bulletin-{i:03d}", f"{city}市{year}年国民经济和社会发展统计公报", f"{city}市统计局"),
        "plan": (f"plan-{i:03d}", f"{school}{year}年招生计划", school),
    }[kind]


# -- text ------------------------------------------------------------------------------------------
def _n(r: random.Random, lo: float, hi: float, digits: int = 0) -> str:
    v = r.uniform(lo, hi)
    return f"{v:.{digits}f}" if digits else str(int(v))


def sentences(kind: str, r: random.Random, name: str) -> list[str]:
    """A pool of one kind's sentences, each with its own random figures."""
    n = lambda lo, hi, d=0: _n(r, lo, hi, d)  # noqa: E731
    common = [
        f"全年共投入经费{n(800, 9000)}万元，比上年增长{n(1, 15, 1)}%。",
        f"全年开展社会培训{n(1, 20, 1)}万人日，技术服务到款额{n(200, 8000)}万元。",
        f"年内新建校内实训基地{n(2, 30)}个，新增实训工位{n(200, 3000)}个。",
        f"共有{n(20, 400)}家企业参与人才培养方案修订，企业兼职教师{n(50, 600)}人。",
    ]
    if kind in ("quality", "employment", "plan"):
        return common + [
            f"学校共有全日制在校生{n(5000, 30000)}人，毕业生{n(1500, 9000)}人。",
            f"毕业去向落实率为{n(85, 99, 1)}%，其中升学{n(100, 1500)}人。",
            f"学校现有专任教师{n(300, 1500)}人，其中具有高级职称的教师{n(80, 600)}人。",
            f"双师型教师占专业课教师的比例为{n(50, 90, 1)}%。",
            f"学校开设专业{n(20, 90)}个，其中省级高水平专业群{n(1, 8)}个。",
            f"毕业生月均收入{n(3500, 7000)}元，用人单位满意度{n(90, 99, 1)}%。",
            f"生均教学仪器设备值{n(1, 5, 2)}万元，生均财政拨款水平{n(1, 5, 2)}万元。",
            f"学生在省级以上技能大赛中获奖{n(10, 200)}项，其中一等奖{n(1, 40)}项。",
            f"订单班、现代学徒制班共培养学生{n(200, 3000)}人。",
            f"在本省就业的毕业生占{n(50, 95, 1)}%，到中小微企业就业的占{n(40, 80, 1)}%。",
            f"图书馆藏书{n(30, 200)}万册，电子图书{n(50, 500)}万种。",
            f"{name}与{n(5, 60)}所中职学校开展贯通培养，招收贯通培养学生{n(100, 2000)}人。",
        ]
    if kind == "budget":
        return common + [
            f"{name}{n(2021, 2025)}年收入预算{n(5000, 90000)}万元，其中一般公共预算拨款收入{n(3000, 80000)}万元。",
            f"基本支出{n(2000, 50000)}万元，项目支出{n(1000, 40000)}万元。",
            f"“三公”经费财政拨款支出预算{n(10, 300, 2)}万元，比上年减少{n(1, 30, 2)}万元。",
            f"政府采购预算{n(100, 9000, 2)}万元，其中货物类{n(50, 5000, 2)}万元。",
            f"机关运行经费财政拨款预算{n(50, 900, 2)}万元。",
            f"教育支出{n(1000, 60000, 2)}万元，占支出总额的{n(50, 95, 1)}%。",
            f"所属预算单位共{n(5, 60)}个，其中行政单位{n(1, 5)}个，事业单位{n(4, 55)}个。",
            f"公务用车购置及运行费{n(1, 80, 2)}万元，公务接待费{n(0, 20, 2)}万元。",
        ]
    return common + [
        f"全年地区生产总值{n(500, 9000, 2)}亿元，比上年增长{n(1, 9, 1)}%。",
        f"年末常住人口{n(100, 1200, 2)}万人，城镇化率{n(35, 75, 2)}%。",
        f"粮食总产量{n(50, 900, 2)}万吨，比上年增长{n(0, 5, 1)}%。",
        f"规模以上工业增加值比上年增长{n(1, 12, 1)}%。",
        f"全年社会消费品零售总额{n(100, 3000, 2)}亿元，增长{n(1, 10, 1)}%。",
        f"一般公共预算收入{n(20, 600, 2)}亿元，一般公共预算支出{n(100, 1200, 2)}亿元。",
        f"城镇居民人均可支配收入{n(25000, 60000)}元，农村居民人均可支配收入{n(10000, 30000)}元。",
        f"年末共有医院{n(30, 300)}个，卫生技术人员{n(5000, 90000)}人。",
        f"普通高中{n(10, 120)}所，幼儿园{n(100, 1500)}所，公共图书馆{n(3, 20)}个，博物馆{n(2, 30)}个。",
        f"年末民用汽车保有量{n(20, 300, 2)}万辆，其中私人汽车{n(15, 280, 2)}万辆。",
        f"人口出生率{n(5, 12, 2)}‰，死亡率{n(5, 10, 2)}‰。",
        f"参加城镇职工基本养老保险人数{n(20, 300, 2)}万人。",
        f"邮政行业业务总量{n(5, 90, 2)}亿元，快递业务量{n(1, 50, 2)}亿件。",
    ]


def chapters(kind: str) -> tuple[str, ...]:
    return {
        "quality": ("一、学校概况", "二、学生发展", "三、教育教学改革", "四、服务贡献", "五、政策保障", "六、国际合作",
                    "七、面临挑战"),
        "employment": ("一、毕业生规模和结构", "二、就业率及去向", "三、就业质量", "四、用人单位评价", "五、就业工作举措",
                       "六、发展趋势"),
        "budget": ("第一部分 部门概况", "第二部分 部门预算表", "第三部分 部门预算情况说明", "第四部分 名词解释"),
        "bulletin": ("一、综合", "二、农业", "三、工业和建筑业", "四、固定资产投资", "五、国内贸易", "六、财政金融",
                     "七、教育和科学技术", "八、卫生和社会保障"),
        "plan": ("一、招生计划说明", "二、分专业招生计划", "三、收费标准", "四、录取规则"),
    }[kind]


def table_rows(kind: str, r: random.Random, rows: int) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(header, rows) of one ruled table of the kind."""
    n = lambda lo, hi, d=0: _n(r, lo, hi, d)  # noqa: E731
    if kind == "plan":
        return (("专业代码", "专业名称", "学制", "计划数", "学费（元/年）"),
                [(f"{r.randint(41, 59)}{r.randint(1, 9):02d}{r.randint(1, 99):02d}", r.choice(MAJORS), r.choice(("三年", "五年")),
                  n(20, 300), r.choice(("5500", "6000", "6500", "7200", "8000"))) for _ in range(rows)])
    if kind == "employment":
        return (("学院", "专业", "毕业生数", "去向落实率（%）", "月均收入（元）"),
                [(r.choice(DEPTS), r.choice(MAJORS), n(30, 600), n(80, 100, 2), n(3200, 7500)) for _ in range(rows)])
    if kind == "budget":
        return (("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
                [(f"205{r.randint(1, 9):02d}{r.randint(1, 99):02d}", r.choice(("职业高中教育", "高等职业教育", "中等职业学校",
                                                                              "行政运行", "其他职业教育支出", "教育费附加安排的支出",
                                                                              "机关事业单位基本养老保险缴费支出", "住房公积金")),
                  n(10, 9000, 2), n(5, 5000, 2), n(0, 4000, 2)) for _ in range(rows)])
    if kind == "bulletin":
        return (("指标", "单位", "绝对数", "比上年增长（%）"),
                [(r.choice(("粮食", "油料", "蔬菜", "水果", "猪肉", "发电量", "水泥", "钢材", "汽车", "集成电路",
                            "服装", "化肥", "原煤", "家具", "塑料制品")), r.choice(("万吨", "亿千瓦时", "万辆", "万件", "亿块")),
                  n(1, 900, 2), n(-10, 30, 1)) for _ in range(rows)])
    measures = {"全日制在校生数（人）": (5000, 30000, 0), "毕业生数（人）": (1500, 9000, 0), "专任教师数（人）": (300, 1500, 0),
                "校企合作企业数（家）": (50, 900, 0), "专业点数（个）": (20, 90, 0), "生均财政拨款水平（万元）": (1, 5, 2),
                "生均教学仪器设备值（万元）": (1, 5, 2), "社会培训（人日）": (5000, 200000, 0),
                "技术服务到款额（万元）": (100, 8000, 0), "毕业去向落实率（%）": (85, 99, 1)}
    return (("指标", "数值"), [(label, n(*measures[label])) for label in r.sample(sorted(measures), min(rows, len(measures)))])


# -- the PDF ---------------------------------------------------------------------------------------
def write(i: int, pages: int, folder: Path) -> tuple[Path, int]:
    """Document i with about `pages` numbered pages (plus an unnumbered cover); returns (path, PDF pages)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    r = random.Random(i)
    kind = KINDS[i % len(KINDS)]
    stem, title, issuer = title_of(i)
    path = folder / f"{stem}.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    pdf.setTitle(title)
    footer = r.choice(("— {n} —", "- {n} -", "{n}", "第 {n} 页"))

    def text(x: float, y: float, s: str, size: float = 10.5) -> None:
        pdf.setFont("WQY", size)
        pdf.drawString(x, y, s)

    def finish(number: int) -> None:
        pdf.setFont("WQY", 8)
        pdf.drawString(72, PAGE_H - 40, title)  # running head
        pdf.line(72, PAGE_H - 44, PAGE_W - 72, PAGE_H - 44)
        pdf.setFont("WQY", 9)
        pdf.drawCentredString(PAGE_W / 2, 36, footer.format(n=number))
        pdf.showPage()

    def paragraph(y: float, count: int) -> float:
        body = "".join(r.choice(sentences(kind, r, issuer)) for _ in range(count))  # fresh figures every time
        lines, current = [], "　　"
        for clause in re.findall(r"[^，。；]+[，。；]?", body):
            if len(current) + len(clause) > WIDTH:
                lines.append(current)
                current = ""
            current += clause
        lines.append(current)
        for line in lines:
            if y < 70:
                break
            text(72, y, line)
            y -= LINE
        return y - 4

    pdf.setFont("WQY", 22)
    pdf.drawCentredString(PAGE_W / 2, 520, title)
    pdf.setFont("WQY", 14)
    pdf.drawCentredString(PAGE_W / 2, 300, issuer)
    year = int(re.search(r"20\d\d", title).group())
    pdf.drawCentredString(PAGE_W / 2, 276, f"{year + 1}年1月")
    pdf.showPage()
    heads = chapters(kind)
    per_chapter = max(1, pages // len(heads))
    number, table_no = 1, 1
    for c, head in enumerate(heads):
        for k in range(per_chapter if c < len(heads) - 1 else max(1, pages - per_chapter * (len(heads) - 1))):
            y = PAGE_H - 80
            if k == 0:
                text(72, y, head, 14)
                y -= 30
            table_page = kind in ("plan", "budget") and c == 1 or (number % 3 == 0)
            if table_page:
                header, rows = table_rows(kind, r, 28 if kind in ("plan", "budget") and c == 1 else 10)
                text(72, y, f"表{table_no} {issuer}{re.split(r'[、 ]', head)[-1]}主要数据", 11)
                table_no += 1
                y -= 14
                cols = len(header)
                weights = [2.2 if j == 1 and cols > 2 else 1 for j in range(cols)]  # the name column is wider
                xs = [72 + (PAGE_W - 144) * sum(weights[:j]) / sum(weights) for j in range(cols + 1)]
                height = 20
                pdf.setLineWidth(0.5)
                all_rows = [header, *rows]
                for j in range(len(all_rows) + 1):
                    pdf.line(72, y - j * height, PAGE_W - 72, y - j * height)
                for x in xs:
                    pdf.line(x, y, x, y - len(all_rows) * height)
                for j, row in enumerate(all_rows):
                    for x, cell in zip(xs, row):
                        text(x + 4, y - j * height - 14, cell, 8.5)
                y -= len(all_rows) * height + 24
            while y > 110:  # about a line a sentence; no paragraph runs into the footer
                y = paragraph(y, min(r.randint(2, 4), int((y - 80) / LINE)))
            finish(number)
            number += 1
    pdf.save()
    return path, number  # cover + number - 1 numbered pages
