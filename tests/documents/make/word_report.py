"""Builds word/school-quality-report.docx and .pdf: a Word-made 高职 quality annual report (cover, 目录, Table Grid tables, 第 N 页 共 M 页 footer)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

sys.path.insert(0, str(Path(__file__).parent))
from docx_util import (SANS, SERIF, add_field, base_document, caption, heading_pages, para, restart_numbering,
                       set_run_font, table, to_pdf, toc_line, unit_line)

OUT = Path(__file__).resolve().parents[1] / "word"
NAME = "school-quality-report"
TITLE = "江川职业技术学院2024年质量年度报告"

# (level, text, style): level 1 uses the Word "Heading 1" style for some chapters only, as real reports mix them.
BODY: list[tuple] = [
    ("h1", "一、学校概况", "style"),
    ("p", "江川职业技术学院是经省人民政府批准、教育部备案的公办全日制高等职业院校，前身为1958年创办的江川工业学校。学校现为省级“双高计划”建设单位，设有智能制造学院、信息工程学院、商贸学院、建筑工程学院、健康护理学院等7个二级学院，开设招生专业42个。"),
    ("h2", "（一）办学基础"),
    ("h3", "1. 基本办学条件"),
    ("p", "学校占地面积1,026亩，校舍建筑面积38.6万平方米，教学科研仪器设备总值达到31,874.52万元，生均教学科研仪器设备值2.58万元。图书馆馆藏纸质图书98.7万册，电子图书142万册。建有校内实训基地46个、实训室318间，校外实习基地267个。"),
    ("h3", "2. 专任教师"),
    ("p", "截至2024年8月31日，学校有教职工652人，其中专任教师486人，具有高级职称的专任教师177人，占专任教师总数的36.4%；具有硕士及以上学位的专任教师341人。“双师型”教师占专业课教师的比例为71.2%，较上年提高3.8个百分点。学校聘请行业企业兼职教师213人，承担专业课教学任务的课时占比为27.9%。"),
    ("p", "学校实施“青蓝工程”和“名师培育计划”，本年度新增省级教学名师2人、省级技能大师工作室1个，组织教师赴企业实践累计1,904人日，教师参加国家级、省级培训386人次。"),
    ("h2", "（二）办学经费"),
    ("p", "2024年学校办学经费总收入继续增长，财政拨款仍是主要来源。学校严格执行预算管理制度，经费支出向教学一线和实训条件建设倾斜，办学经费收入情况见表1。"),
    ("unit", "单位：万元"),
    ("caption", "表1  2022—2024年办学经费收入情况"),
    ("table", [["项目", "2022年", "2023年", "2024年"],
               ["财政经常性补助", "28,615.30", "30,247.86", "32,519.44"],
               ["财政专项投入", "6,842.15", "7,910.62", "9,386.07"],
               ["学费收入", "7,354.20", "7,688.95", "8,102.33"],
               ["社会捐赠", "126.40", "208.75", "315.60"],
               ["其他收入", "1,497.68", "1,622.19", "1,745.91"],
               ["合计", "44,435.73", "47,678.37", "52,069.35"]], [4.6, 3.4, 3.4, 3.4]),
    ("p", "2024年生均财政拨款水平达到2.41万元，高于全省高职院校平均水平。"),
    ("h1", "二、学生发展", "style"),
    ("h2", "（一）招生与在校生"),
    ("p", "2024年学校面向全国15个省（自治区、直辖市）招生，计划招生4,350人，实际录取4,296人，新生报到4,118人，报到率为95.86%。其中，普通高考招生2,604人，单独招生和综合评价招生1,237人，中高职贯通转段277人。截至2024年9月，全日制在校生12,358人。"),
    ("h2", "（二）就业质量"),
    ("p", "学校坚持“一把手”工程，建立校院两级就业工作责任体系，2024届毕业生3,912人，去向落实率为94.37%，专业相关度为81.6%，毕业半年后月均收入4,826元。各专业群毕业生就业情况见表2。"),
    ("caption", "表2  2024届毕业生就业情况（分专业群）"),
    ("table", [["专业群", "毕业生数（人）", "去向落实率（%）", "省内就业比例（%）", "月均收入（元）"],
               ["智能制造专业群", "1,106", "96.12", "78.4", "5,137"],
               ["电子信息专业群", "884", "95.03", "69.7", "5,268"],
               ["现代商贸专业群", "731", "92.48", "83.5", "4,415"],
               ["智能建造专业群", "652", "93.25", "74.1", "4,702"],
               ["健康护理专业群", "539", "94.81", "88.9", "4,356"]], [4.2, 2.6, 2.8, 2.8, 2.6]),
    ("p", "毕业生对母校的总体满意度为96.2%，用人单位对毕业生的满意度为97.5%。学校通过第三方机构对2021届毕业生开展了三年后职业发展跟踪调查，调查样本覆盖2,437名毕业生，毕业三年后的职位晋升比例为58.3%，自主创业比例为3.9%。"),
    ("p", "学校持续推进“访企拓岗促就业”专项行动，校领导班子成员带队走访用人单位214家，新开发就业岗位6,380个，组织大型双选会4场、专场招聘会127场，为每名家庭经济困难毕业生提供不少于3个针对性岗位信息。"),
    ("h2", "（三）技能竞赛"),
    ("h3", "1. 竞赛成绩"),
    ("p", "学校构建“校赛—省赛—国赛”三级竞赛体系，2024年学生在全国职业院校技能大赛中获一等奖2项、二等奖5项、三等奖7项，在省级职业院校技能大赛中获奖63项，获奖数量位居全省高职院校第4位。"),
    ("h3", "2. 创新创业"),
    ("p", "学校建有大学生创新创业孵化园，面积5,600平方米，入驻学生创业团队38个。学生在中国国际大学生创新大赛中获省级金奖3项、银奖6项，学生获得授权专利54件。"),
    ("h2", "（四）学生资助"),
    ("p", "学校健全“奖、助、贷、勤、补、免”多元资助体系，落实国家奖助学金政策，资助育人工作情况见表4。"),
    ("unit", "单位：人次、万元"),
    ("caption", "表4  2024年学生资助情况"),
    ("table", [["资助项目", "资助人次", "资助金额"],
               ["国家奖学金", "26", "20.80"],
               ["国家励志奖学金", "418", "209.00"],
               ["国家助学金", "3,642", "1,202.86"],
               ["生源地信用助学贷款", "2,975", "2,356.41"],
               ["勤工助学", "1,184", "187.45"],
               ["学费减免及临时困难补助", "537", "96.73"]], [6.0, 3.6, 3.6]),
    ("p", "学校建立家庭经济困难学生认定数据库，全年认定家庭经济困难学生3,289人，资助覆盖率达到100%。学校设立“江川励志基金”，吸纳校友及社会捐赠资金用于奖励品学兼优的学生。"),
    ("h1", "三、教育教学改革", "manual"),
    ("h2", "（一）专业建设"),
    ("p", "学校围绕区域先进制造业集群和现代服务业发展需求，动态调整专业结构，2024年新增工业互联网技术、智慧健康养老服务与管理2个专业，停招专业3个。学校现有国家级骨干专业4个、省级高水平专业群3个，专业与区域主导产业匹配度达到92.9%。"),
    ("h2", "（二）课程与教材建设"),
    ("p", "学校推进“岗课赛证”综合育人，将职业技能等级证书标准融入课程内容。课程与教材建设成果见表3。"),
    ("caption", "表3  课程与教材建设主要成果"),
    ("table", [["指标", "国家级", "省级", "校级"],
               ["精品在线开放课程（门）", "3", "19", "64"],
               ["课程思政示范课程（门）", "1", "8", "47"],
               ["规划教材（部）", "11", "23", "35"],
               ["新形态教材（部）", "—", "16", "58"],
               ["教学资源库（个）", "1", "4", "12"]], [5.6, 2.8, 2.8, 2.8]),
    ("p", "学校开设课程1,587门，其中线上线下混合式课程642门，学生评教优良率为98.3%。"),
    ("h2", "（三）教学质量保证"),
    ("p", "学校完善“五纵五横一平台”内部质量保证体系，开展专业诊断与改进、课程诊断与改进工作，全年开展听课评课2,716人次，发布教学质量月报10期。"),
    ("h1", "四、服务贡献", "manual"),
    ("h2", "（一）技术服务"),
    ("p", "学校依托省级工程技术研究中心和协同创新中心，面向中小微企业开展技术攻关和产品研发。2024年横向技术服务到款额1,286.45万元，纵向科研经费到款额657.30万元，技术交易到款额213.80万元，获授权发明专利29件。"),
    ("h2", "（二）社会培训"),
    ("p", "学校面向企业职工、退役军人、农民工等群体开展职业技能培训，全年完成社会培训45,612人日，开展职业技能等级认定7,845人次，非学历培训到账经费1,094.26万元。"),
    ("h2", "（三）乡村振兴"),
    ("p", "学校派驻驻村第一书记2名，帮助对口帮扶村发展特色种植和农产品电商，全年帮助销售农产品金额为386.9万元，培训高素质农民1,352人次。"),
    ("p", "各类社会服务指标完成情况见表5，其中社会培训人日数、技术服务到款额等指标均超额完成年度目标。"),
    ("caption", "表5  2024年社会服务主要指标完成情况"),
    ("table", [["指标", "年度目标", "完成值", "完成率（%）"],
               ["社会培训（人日）", "40,000", "45,612", "114.03"],
               ["职业技能等级认定（人次）", "7,000", "7,845", "112.07"],
               ["横向技术服务到款额（万元）", "1,100.00", "1,286.45", "116.95"],
               ["授权发明专利（件）", "25", "29", "116.00"],
               ["共建产业学院（个）", "3", "4", "133.33"]], [5.8, 2.8, 2.8, 2.8]),
    ("h1", "五、国际合作与交流", "manual"),
    ("p", "学校积极服务“一带一路”建设，与泰国、马来西亚、德国等国家的19所院校和机构建立合作关系，与印度尼西亚合作共建海外“鲁班工坊”1个，全年开展境外员工培训1,726人日。学校招收来华留学生47人，派出教师赴境外研修访学23人次，引进国际优质课程标准14个。"),
    ("p", "学校主持开发的2项专业教学标准被境外院校采用，学生参加国际技能竞赛获奖4项，国际影响力稳步提升。"),
    ("h1", "六、政策保障", "manual"),
    ("p", "学校认真落实职业教育相关法律法规和省市支持政策，完善章程为核心的制度体系，2024年修订完善规章制度37项。学校生均财政拨款制度全面落实，专项资金重点支持“双高计划”建设，年度建设任务完成率为98.7%。"),
    ("h1", "七、面临挑战与改进措施", "manual"),
    ("h2", "（一）面临挑战"),
    ("p", "一是高层次领军人才数量不足，具有博士学位的专任教师仅42人；二是产教融合的深度有待提升，企业参与人才培养全过程的机制仍需完善；三是国际化办学水平较低，留学生规模偏小；四是信息化治理能力仍需加强，部分业务系统之间数据尚未完全贯通。"),
    ("h2", "（二）改进措施"),
    ("p", "学校将实施高层次人才引育计划，计划三年内引进和培养博士60名；深化与龙头企业合作，共建产业学院5个；拓展国际合作渠道，力争2025年来华留学生规模达到120人。"),
]


def build(toc_pages: dict[str, int]) -> Path:
    doc = base_document()
    # --- cover (section 1, no footer) ---
    for _ in range(5):
        para(doc, "", indent=False)
    para(doc, "江川职业技术学院", size=26, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "2024年质量年度报告", size=26, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=24)
    para(doc, "（高等职业教育）", size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for _ in range(9):
        para(doc, "", indent=False)
    para(doc, "江川职业技术学院", size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "二〇二四年十二月", size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    # --- contents ---
    para(doc, "目    录", size=18, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12)
    for item in BODY:
        if item[0] in ("h1", "h2"):
            toc_line(doc, item[1], toc_pages.get(item[1], 1), 0 if item[0] == "h1" else 1)
    # --- body: new section, numbering restarts at 1, footer 第 N 页 共 M 页 ---
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    restart_numbering(body, 1)
    body.footer.is_linked_to_previous = False
    fp = body.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"):
        if piece.isupper():
            add_field(fp, piece)
        else:
            set_run_font(fp.add_run(piece), SERIF, 10.5)
    doc.sections[0].footer.is_linked_to_previous = False
    para(doc, TITLE, size=18, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12)
    for item in BODY:
        kind = item[0]
        if kind == "h1":
            if item[2] == "style":
                p = doc.add_paragraph(style="Heading 1")
                p.paragraph_format.space_before = 6
                set_run_font(p.add_run(item[1]), SANS, 16, True)
                p.runs[0].font.color.rgb = None
            else:
                para(doc, item[1], size=16, bold=True, font=SANS, indent=False, before=6)
        elif kind == "h2":
            para(doc, item[1], size=12, bold=True, indent=True)
        elif kind == "h3":
            para(doc, item[1], size=12, bold=True, indent=True)
        elif kind == "p":
            para(doc, item[1])
        elif kind == "unit":
            unit_line(doc, item[1])
        elif kind == "caption":
            caption(doc, item[1])
        elif kind == "table":
            table(doc, item[1], item[2])
    OUT.mkdir(parents=True, exist_ok=True)
    path = Path(__file__).resolve().parent / f"{NAME}.docx"
    doc.save(path)
    return to_pdf(path, OUT)


def printed(i: int, text: str) -> int:
    m = re.search(r"第\s*(\d+)\s*页\s*共", text)
    return int(m.group(1)) if m else -1


def headings() -> list[str]:
    return [item[1] for item in BODY if item[0] in ("h1", "h2", "h3")]


if __name__ == "__main__":
    pdf = build({})
    pages = heading_pages(pdf, [i[1] for i in BODY if i[0] in ("h1", "h2")], printed)
    pdf = build(pages)
    json.dump({"title": TITLE, "headings": headings()}, open(OUT / f"{NAME}.meta.json", "w"), ensure_ascii=False, indent=1)
    print(pdf, pdf.stat().st_size, pages)
