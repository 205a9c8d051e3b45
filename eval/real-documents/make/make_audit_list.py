"""Make generated/audit-rectification-list.pdf: 江岭市教育局关于2023年度部门预算执行和其他财政收支审计查出问题整改情况的报告,
with its attachment, the 整改情况清单 (one long landscape table continued over several pages).

Everything in it is invented (the city of 江岭, the bureau, its schools, the audit, the document numbers, every amount
and date); only the layout follows the rectification reports Chinese government departments send to the audit office
and publish: a red-headed 上行文 first page with 文号 and 签发人, a short text in 仿宋-sized type, then the 附件 table
with a repeated header row and a 合计 row, page numbers "— N —" on the outer side (odd pages right, even pages left).
Written in Word's way with python-docx, converted with LibreOffice:

    .venv/bin/python eval/real-documents/make/make_audit_list.py
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.shared import Cm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_common import (GB_SONG, HEI, SONG, a4, add_field, bottom_border, convert, font, margins,  # noqa: E402
                         new_section, para, set_normal, table, use_fonts)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "generated" / "audit-rectification-list.pdf"
KAI = "AR PL KaitiM GB"  # 楷体 for second-level headings (apt fonts-arphic-gkai00mp)
TITLE_FONT = SONG  # Noto Serif CJK SC Bold stands in for 方正小标宋
BUREAU = "江岭市教育局"
DOC_NO = "江教财〔2025〕9号"
REPORT_NO = "江审财报〔2024〕37号"
DECISION_NO = "江审财决〔2024〕15号"
TITLE = "江岭市教育局关于2023年度部门预算执行和其他财政收支审计查出问题整改情况的报告"
ATTACH = "江岭市教育局2023年度部门预算执行和其他财政收支审计查出问题整改情况清单"

# category, [(问题类型, 问题描述, 涉及金额, 整改措施, 责任单位, 整改时限, 整改情况, 已整改到位金额)]
D = Decimal
ISSUES: list[tuple[str, list[tuple]]] = [
    ("一、预算编制和执行方面", [
        ("预算编制不细化", "2023年局本级年初预算中“教育事业发展专项”1260.00万元未细化到具体项目和单位，年中多次调整，"
         "全年执行率为63.42%。", "1260.00",
         "严格执行预算项目库管理，2025年部门预算项目支出全部细化到具体项目和用款单位，未入库项目不安排预算。",
         "局计划财务科", "2025年3月31日", "已完成整改。2025年部门预算已按项目库细化编制，报市财政局审核批复。", "1260.00"),
        ("结转结余资金未交回", "局本级及所属3个单位结转两年以上的财政资金合计186.37万元，未按规定交回市财政统筹使用。",
         "186.37", "全面清理结转结余资金，按规定交回市财政。", "局计划财务科、相关单位", "2025年3月31日",
         "已完成整改。2025年1月20日已将186.37万元全部交回市财政。", "186.37"),
        ("无预算支出", "所属江岭市实验中学2023年在无预算的情况下支出校园文化建设费48.60万元。", "48.60",
         "补办预算调整手续；修订学校支出审批制度，对相关责任人进行约谈提醒。", "江岭市实验中学", "2025年3月31日",
         "已完成整改。已补办预算调整手续，修订《江岭市实验中学经费支出审批办法》。", "48.60"),
        ("专项资金支出进度缓慢", "2023年上级下达的职业教育提质培优专项资金2450.00万元，至年末仅支出1317.56万元，"
         "支出进度为53.78%。", "1132.44",
         "建立专项资金支出进度月通报制度，督促项目学校加快实施进度，按合同及时支付资金。",
         "局职业教育与成人教育科", "2025年6月30日",
         "正在整改。截至2025年3月31日，已支付894.20万元，剩余资金将于项目验收后支付。", "894.20"),
        ("“三公”经费超预算", "局本级2023年公务用车运行维护费实际支出27.93万元，超出年初预算3.27万元。", "3.27",
         "严格控制“三公”经费支出，从严核定公务用车运行维护费预算。", "局办公室", "立行立改",
         "已完成整改。2024年公务用车运行维护费支出控制在预算以内。", "3.27"),
    ]),
    ("二、非税收入管理方面", [
        ("违规收取培训费", "所属江岭市教师发展中心举办教师培训时向参训学校收取培训费152.80万元，未按规定上缴国库。",
         "152.80", "立即停止向参训学校收取培训费，已收取的培训费全额上缴国库；培训经费纳入部门预算保障。",
         "江岭市教师发展中心", "2025年6月30日",
         "正在整改。已上缴国库105.45万元，剩余部分分期上缴。", "105.45"),
        ("违规收取住宿管理费", "所属江岭市第二职业中等专业学校以“住宿管理费”名义向学生收费86.45万元，"
         "未经价格主管部门审批。", "86.45",
         "立即停止收费，已收费用全部清退学生；对相关责任人进行问责。", "江岭市第二职业中等专业学校",
         "2025年6月30日", "正在整改。已清退62.38万元，剩余24.07万元涉及已毕业学生，正通过学校公众号公告等方式联系清退。",
         "62.38"),
        ("非税收入未及时上缴", "局本级及所属5所学校收取的学费、住宿费等非税收入2318.64万元未及时上缴国库，平均滞留"
         "时间47天。", "2318.64", "严格执行非税收入“收缴分离”规定，收取的非税收入于次月10日前全额上缴国库。",
         "局计划财务科、相关学校", "立行立改", "已完成整改。滞留的非税收入已全部上缴国库。", "2318.64"),
        ("出租收入未纳入预算", "所属江岭市第三中学将校内门面房出租，2023年收取租金18.72万元，未纳入单位预算统一管理。",
         "18.72", "将出租收入纳入单位预算管理，出租事项按规定报批并公开招租。", "江岭市第三中学", "2025年6月30日",
         "已完成整改。已将租金收入纳入预算，门面房出租已报局审批并公开招租。", "18.72"),
        ("代收费结余未清退", "所属4所学校代收的校服费、作业本费结余9.86万元，未及时清退学生。", "9.86",
         "全面清理代收费结余，逐一清退到学生（家长）。", "相关学校", "立行立改",
         "已完成整改。9.86万元已全部清退。", "9.86"),
    ]),
    ("三、政府采购方面", [
        ("应采未采", "所属江岭市教育装备与勤工俭学管理中心采购化学、物理实验室设备163.50万元，未执行政府采购程序。",
         "163.50", "加强政府采购预算和计划管理，对相关责任人进行通报批评；组织政府采购业务培训。",
         "江岭市教育装备与勤工俭学管理中心", "立行立改", "已完成整改。已组织政府采购专题培训2次，修订采购管理办法。",
         "163.50"),
        ("化整为零规避公开招标", "所属江岭市第二职业中等专业学校将实训基地改造工程拆分为3个项目，合同金额分别为"
         "96.80万元、98.40万元和97.25万元，合计292.45万元，规避公开招标。", "292.45",
         "对工程进行专项审计，严禁将应当公开招标的项目化整为零；对相关责任人进行问责。",
         "江岭市第二职业中等专业学校", "2025年6月30日",
         "正在整改。已委托第三方开展工程结算审计，审计完成后按结果处理。", "0"),
        ("采购验收不规范", "局本级采购的智慧校园管理平台73.16万元，验收时未组织专家参与，验收报告内容不完整。", "73.16",
         "重新组织专家验收，完善履约验收资料。", "局办公室", "2025年3月31日",
         "已完成整改。2025年2月26日已重新组织专家验收。", "73.16"),
        ("采购意向公开不及时", "所属3所学校部分采购项目未按规定提前30日公开采购意向。", "—",
         "严格执行采购意向公开制度，将采购意向公开纳入采购流程审核。", "相关学校", "长期坚持",
         "已完成整改。已将采购意向公开纳入采购审批必经环节。", "0"),
    ]),
    ("四、资产管理方面", [
        ("资产账实不符", "局本级及所属6所学校固定资产账面价值与实物不符，盘亏资产价值326.08万元。", "326.08",
         "开展固定资产全面清查，查明原因后按规定程序报批处置并调整账务。", "局计划财务科、相关学校",
         "2025年12月31日", "正在整改。已完成资产清查，盘亏资产报废处置手续正在报批。", "0"),
        ("捐赠资产未入账", "所属江岭市实验中学接受社会捐赠的教学设备41.50万元，未登记入账。", "41.50",
         "补办资产入账手续，纳入资产管理系统管理。", "江岭市实验中学", "立行立改",
         "已完成整改。已登记入账并录入资产管理系统。", "41.50"),
        ("资产闲置", "江岭市教育装备与勤工俭学管理中心采购的录播教室设备128.90万元，长期闲置未使用。", "128.90",
         "统筹调剂到需要的学校使用，提高资产使用效益。", "江岭市教育装备与勤工俭学管理中心", "2025年6月30日",
         "正在整改。已调剂给2所学校使用，价值86.30万元。", "86.30"),
        ("无形资产未入账", "局本级购置的教育管理软件23.60万元，作为费用列支，未确认为无形资产。", "23.60",
         "调整会计账务，确认为无形资产。", "局计划财务科", "立行立改", "已完成整改。已调整账务。", "23.60"),
    ]),
    ("五、专项资金管理方面", [
        ("助学金发放不规范", "向已退学、休学的63名学生发放国家助学金12.60万元。", "12.60",
         "追回多发的助学金并退回原资金渠道；完善学生资助信息比对机制。", "江岭市学生资助管理中心",
         "2025年6月30日", "正在整改。已追回9.45万元，剩余部分正在追回。", "9.45"),
        ("挤占专项资金", "所属江岭市第二职业中等专业学校挤占中职免学费补助资金57.34万元，用于日常公用支出。",
         "57.34", "从学校公用经费中安排资金归还原渠道；对相关责任人进行问责。", "江岭市第二职业中等专业学校",
         "2025年3月31日", "已完成整改。2025年3月12日已归还原资金渠道。", "57.34"),
        ("改变资金用途", "所属江岭市第五中学将校舍维修改造资金34.28万元用于购置办公家具。", "34.28",
         "调整账务，归还原资金渠道，按规定用途使用资金。", "江岭市第五中学", "2025年3月31日",
         "已完成整改。已调整账务并归还原资金渠道。", "34.28"),
        ("资金拨付不及时", "学前教育发展专项资金215.00万元滞留局本级5个月未拨付到幼儿园。", "215.00",
         "建立专项资金拨付台账，收到资金后30日内拨付到位。", "局计划财务科、局基础教育科", "立行立改",
         "已完成整改。已全部拨付到位。", "215.00"),
        ("绩效目标未实现", "“义务教育薄弱环节改善与能力提升”项目计划改造薄弱学校12所，实际完成8所，绩效目标未实现。",
         "—", "加快剩余4所学校改造进度，加强项目绩效运行监控。", "局基础教育科", "2025年12月31日",
         "正在整改。剩余4所学校中2所已开工建设。", "0"),
    ]),
    ("六、财务管理和内部控制方面", [
        ("内部控制制度不健全", "局本级未建立预算绩效管理、合同管理等内部控制制度，内部控制评价流于形式。", "—",
         "修订完善内部控制制度，开展年度内部控制评价。", "局计划财务科", "2025年6月30日",
         "已完成整改。已印发《江岭市教育局内部控制管理手册（2025年修订）》。", "0"),
        ("公务卡结算执行不到位", "局本级应使用公务卡结算的差旅费、会议费等以现金支付6.42万元。", "6.42",
         "严格执行公务卡强制结算目录，杜绝现金支付。", "局计划财务科", "立行立改",
         "已完成整改。已纳入报销审核要点。", "6.42"),
        ("往来款长期挂账", "局本级其他应收款中账龄3年以上的款项88.63万元长期挂账未清理。", "88.63",
         "逐笔核实往来款形成原因，能收回的及时收回，确实无法收回的按规定程序核销。", "局计划财务科",
         "2025年12月31日", "正在整改。已清理收回37.16万元。", "37.16"),
        ("会计核算不规范", "局本级将专项资金支出19.75万元列入基本支出核算。", "19.75",
         "调整会计账务，规范专项资金核算。", "局计划财务科", "立行立改", "已完成整改。已调整账务。", "19.75"),
        ("合同管理不规范", "局本级部分合同未经法律顾问审核即签订，合同台账不完整。", "—",
         "建立合同审核和台账管理制度，重大合同须经法律顾问审核。", "局办公室", "长期坚持",
         "已完成整改。已建立合同管理台账和法律审核机制。", "0"),
    ]),
]


def amounts():
    rows = [r for _, rs in ISSUES for r in rs]
    total = sum(D(r[2]) for r in rows if r[2] != "—")
    done = sum(D(r[7]) for r in rows)
    finished = sum(1 for r in rows if r[6].startswith("已完成"))
    return rows, total, done, finished


def build(path: Path):
    use_fonts(GB_SONG, HEI)
    doc = Document()
    set_normal(doc, 16)
    doc.settings.odd_and_even_pages_header_footer = True
    s = doc.sections[0]
    a4(s)
    margins(s, top=3.7, bottom=3.5, left=2.8, right=2.6, header=1.5, footer=2.5)
    # page numbers: "— N —", 4号, odd pages right, even pages left (GB/T 9704)
    for footer, align in ((s.footer, 2), (s.even_page_footer, 0)):
        p = footer.paragraphs[0]
        p.paragraph_format.alignment = align
        p.paragraph_format.left_indent = Cm(0.5) if align == 0 else None
        p.paragraph_format.right_indent = Cm(0.5) if align == 2 else None
        font(p.add_run("— "), GB_SONG, 14)
        add_field(p, "PAGE", east=GB_SONG, size=14)
        font(p.add_run(" —"), GB_SONG, 14)

    rows, total, done, finished = amounts()
    n = len(rows)
    body = dict(size=16, exact=28.0, indent=True)

    # red head of a 上行文
    para(doc, "江岭市教育局文件", size=48, east=TITLE_FONT, bold=True, align="c", exact=72, before=18, color="E00000")
    p = para(doc, "", size=16, exact=28, before=24)
    p.paragraph_format.left_indent = Cm(0.3)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(15.2), 2)
    font(p.add_run(DOC_NO), GB_SONG, 16)
    font(p.add_run("\t签发人："), GB_SONG, 16)
    font(p.add_run("周立新"), KAI, 16)
    line = para(doc, "", size=6, exact=8, after=18)
    bottom_border(line, sz=18, color="E00000")
    para(doc, "江岭市教育局关于2023年度部门预算执行", size=22, east=TITLE_FONT, bold=True, align="c", exact=34)
    para(doc, "和其他财政收支审计查出问题整改情况的报告", size=22, east=TITLE_FONT, bold=True, align="c", exact=34,
         after=18)
    para(doc, "江岭市审计局：", size=16, exact=28, align="l")
    P = lambda t: para(doc, t, **body)  # noqa: E731
    H1 = lambda t: para(doc, t, size=16, east=HEI, exact=28, indent=True)  # noqa: E731
    H2 = lambda t: para(doc, t, size=16, east=KAI, exact=28, indent=True)  # noqa: E731

    P(f"2024年9月10日至11月22日，市审计局对我局2023年度部门预算执行和其他财政收支情况进行了审计，并于2024年12月18日"
      f"出具了《江岭市审计局关于江岭市教育局2023年度部门预算执行和其他财政收支情况的审计报告》（{REPORT_NO}）和"
      f"《审计决定书》（{DECISION_NO}）。审计报告共指出6个方面{n}个问题，涉及金额{total:.2f}万元。我局高度重视，"
      "坚持边审边改、立行立改，现将整改情况报告如下：")
    H1("一、整改工作的组织开展情况")
    H2("（一）提高政治站位，压实整改责任。")
    P("收到审计报告后，我局于2024年12月25日召开党组会议专题研究审计整改工作，成立了由局党组书记、局长任组长，"
      "分管财务工作的副局长任副组长，局机关各科室和所属各单位主要负责人为成员的审计整改工作领导小组，领导小组办公室"
      "设在局计划财务科，负责整改工作的统筹协调和督促检查。")
    H2("（二）建立整改台账，实行销号管理。")
    P("对照审计指出的问题，逐项制定整改措施，明确责任单位、责任人和整改时限，建立整改工作台账（见附件），实行"
      "“对账销号”管理。对已完成整改的问题，由责任单位提交整改佐证材料，经领导小组办公室审核后予以销号；对需要"
      "较长时间整改的问题，明确阶段性目标，定期调度推进。")
    H1("二、审计查出问题的整改情况")
    rate = f"{finished / n * 100:.2f}"
    P(f"截至2025年3月31日，审计指出的{n}个问题中，已完成整改{finished}个，正在整改{n - finished}个，整改完成率"
      f"{rate}%；涉及金额{total:.2f}万元，已整改到位{done:.2f}万元，其中上缴国库和交回财政2610.46万元，归还原资金渠道"
      "91.62万元，清退学生和追回资金81.69万元，调整账务和规范管理等其他方式整改" f"{done - D('2610.46') - D('91.62') - D('81.69'):.2f}"
      "万元。主要问题整改情况如下：")
    H2("（一）关于违规收取培训费的问题。")
    P("审计指出，所属江岭市教师发展中心2022年至2024年举办教师培训，向参训学校收取培训费，共收取152.80万元，其中"
      "2024年41.35万元，未按规定上缴国库。整改情况：中心已于2024年12月起停止向参训学校收取培训费，2025年教师培训"
      "经费全部纳入部门预算保障；已收取的培训费中105.45万元已上缴国库，其余部分按照与市财政局商定的计划于2025年"
      "6月30日前全部上缴。")
    H2("（二）关于违规收取住宿管理费的问题。")
    P("审计指出，所属江岭市第二职业中等专业学校2023年1月至2024年6月以“住宿管理费”名义向学生收费，共收取86.45万元，"
      "其中2023年55.25万元。整改情况：学校已全面停止收取住宿管理费，对在校学生已全部清退，已毕业学生正在逐一联系"
      "清退，对学校分管负责人、财务负责人分别给予诫勉谈话和批评教育处理。")
    H2("（三）关于专项资金支出进度缓慢的问题。")
    P("审计指出，2023年上级下达的职业教育提质培优专项资金支出进度慢。整改情况：我局建立了专项资金支出进度月通报制度，"
      "对支出进度低于序时进度的项目学校进行约谈，督促加快项目实施和资金支付。")
    H1("三、下一步工作打算")
    P("一是持续推进未完成事项整改。对正在整改的问题，紧盯整改时限，确保2025年12月31日前全部整改到位，整改结果"
      "及时报送市审计局。二是建立健全长效机制。举一反三，以审计整改为契机，进一步完善预算管理、非税收入管理、"
      "政府采购、资产管理等制度，从源头上防止问题重复发生。三是强化监督检查和问责。将审计整改情况纳入所属单位年度"
      "考核，对整改不力、敷衍整改的严肃追究责任。")
    P(f"附件：{ATTACH}")
    para(doc, "江岭市教育局", size=16, exact=28, align="r", before=28).paragraph_format.right_indent = Cm(1.6)
    para(doc, "2025年4月3日", size=16, exact=28, align="r").paragraph_format.right_indent = Cm(1.3)
    para(doc, "（联系人：刘敏，联系电话：0738-8216035）", size=16, exact=28, indent=True)

    # ---- 附件: landscape table
    s2 = new_section(doc, landscape=True)
    margins(s2, top=2.2, bottom=2.2, left=2.4, right=2.4, header=1.2, footer=1.3)
    para(doc, "附件", size=16, east=HEI, exact=28, align="l")
    para(doc, ATTACH, size=18, east=TITLE_FONT, bold=True, align="c", exact=30, after=8)
    p = para(doc, "", size=10.5, line=1.0, align="l", after=3)
    font(p.add_run("填报单位（盖章）：江岭市教育局"), GB_SONG, 10.5)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(24.8), 2)
    font(p.add_run("\t金额单位：万元    截止时间：2025年3月31日"), GB_SONG, 10.5)

    body_rows, merges = [], []
    k = 0
    for cat, rs in ISSUES:
        body_rows.append([cat] + [""] * 7)
        merges.append((len(body_rows), 0, len(body_rows), 7))  # header is row 0
        for r in rs:
            k += 1
            body_rows.append([str(k), r[0], r[1], r[2], r[3], r[4], r[5], r[6]])
    body_rows.append(["合计", "", f"{n}个问题", f"{total:.2f}", "", "", "", f"已完成整改{finished}个，正在整改{n - finished}个"])
    merges.append((len(body_rows), 0, len(body_rows), 1))
    table(doc, ["序号", "问题类型", "问题描述", "涉及金额（万元）", "整改措施", "责任单位", "整改时限", "整改情况"],
          body_rows, [1.0, 2.0, 6.3, 1.8, 5.1, 2.6, 2.2, 3.9], size=9.5, aligns="cllcllcl", line_exact=13,
          bold_rows={len(body_rows) - 1}, cant_split=True, merges=merges)
    # category rows: left-aligned, bold (after merging)
    t = doc.tables[-1]
    for r_i, (_, c, _, _) in [(m[0], m) for m in merges[:-1]]:
        cell = t.cell(r_i, 0)
        for p in cell.paragraphs:
            p.paragraph_format.alignment = 0
            for run in p.runs:
                run.font.bold = True
                font(run, HEI, 9.5, True)
    para(doc, "注：整改情况统计截至2025年3月31日；“—”表示该问题不涉及金额。", size=9, line=1.2, before=3)
    doc.save(str(path))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docx = tmp / "audit-rectification-list.docx"
        build(docx)
        pdf = convert(docx, tmp)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, OUT)
        if "--docx" in sys.argv:
            shutil.copyfile(docx, OUT.with_suffix(".docx"))
    rows, total, done, finished = amounts()
    print(OUT, OUT.stat().st_size, "bytes;", len(rows), "issues, total", total, "rectified", done, "finished", finished)


if __name__ == "__main__":
    main()
