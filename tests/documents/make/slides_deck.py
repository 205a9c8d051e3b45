"""Builds slides/annual-report-briefing.pptx and .pdf: a landscape deck (python-pptx, exported by LibreOffice Impress) with Wingdings bullets, a labelled bar chart and a table."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "slides"
NAME = "annual-report-briefing"
TITLE = "江川职业技术学院2024年质量年度报告解读"
FONT = "Noto Sans CJK SC"
BLUE = RGBColor(0x1F, 0x4E, 0x79)

SLIDES = [
    ("title", TITLE, "学校质量办公室  2025年1月"),
    ("bullets", "汇报提纲", ["学校基本情况", "案例分享：产教融合", "办学规模与主要指标", "亮点成效", "问题与改进方向"]),
    ("bullets", "学校基本情况", ["省级“双高计划”建设单位，设7个二级学院、42个招生专业",
                               "全日制在校生12,358人，专任教师486人",
                               "教学科研仪器设备总值3.19亿元",
                               "校外实习基地267个，合作企业超过600家"]),
    ("bullets", "案例分享：产教融合", ["与区域龙头企业共建智能制造产业学院，企业投入设备1,850万元",
                                    "校企共同开发课程27门、活页式教材9部",
                                    "订单班学生312人，留任率达到86.5%",
                                    "入选省级产教融合实训基地"]),
    ("chart", "近五年全日制在校生规模（千人）", ["2020", "2021", "2022", "2023", "2024"], [10.64, 11.21, 11.73, 12.02, 12.36]),
    ("table", "主要办学指标对比", [["指标", "2023年", "2024年", "增减"],
                                ["生师比", "17.2", "16.9", "-0.3"],
                                ["“双师型”教师比例（%）", "67.4", "71.2", "+3.8"],
                                ["毕业去向落实率（%）", "93.06", "94.37", "+1.31"],
                                ["横向技术服务到款额（万元）", "1,047.18", "1,286.45", "+239.27"]]),
    ("bullets", "亮点成效：技能大赛", ["全国职业院校技能大赛获一等奖2项、二等奖5项",
                                    "省级技能大赛获奖63项，位居全省第4位",
                                    "学生获授权专利54件",
                                    "“互联网+”大赛获省级金奖3项"]),
    ("bullets", "经验总结：三教改革", ["教师：实施“青蓝工程”，企业实践1,904人日",
                                    "教材：新形态教材16部入选省级",
                                    "教法：混合式课程642门，占比40.5%"]),
    ("bullets", "问题与改进方向", ["高层次人才不足：博士仅42人，三年引育60名",
                                "产教融合深度不够：计划共建产业学院5个",
                                "国际化水平偏低：2025年留学生目标120人"]),
    ("title", "谢谢！", "敬请批评指正"),
]


def style_runs(tf, size: float, bold: bool = False, color=None) -> None:
    for p in tf.paragraphs:
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = bold
            r.font.name = FONT
            rpr = r._r.get_or_add_rPr()
            ea = rpr.find(qn("a:ea"))
            if ea is None:
                ea = etree.SubElement(rpr, qn("a:ea"))
            ea.set("typeface", FONT)
            if color is not None:
                r.font.color.rgb = color


def wingdings_bullet(paragraph, char: str = "\u006c") -> None:
    """A PowerPoint-style bullet: <a:buFont typeface="Wingdings"/><a:buChar char="l"/> (Wingdings 'l' is a filled circle)."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", "342900")
    ppr.set("indent", "-342900")
    for tag in ("a:buNone", "a:buChar", "a:buFont"):
        for el in ppr.findall(qn(tag)):
            ppr.remove(el)
    font = etree.SubElement(ppr, qn("a:buFont")); font.set("typeface", "Wingdings"); font.set("pitchFamily", "2")
    font.set("charset", "2")
    bu = etree.SubElement(ppr, qn("a:buChar")); bu.set("char", char)


def add_title(slide, prs, text: str) -> None:
    box = slide.shapes.add_textbox(Emu(600000), Emu(350000), prs.slide_width - Emu(1200000), Emu(800000))
    box.text_frame.text = text
    style_runs(box.text_frame, 30, True, BLUE)
    line = slide.shapes.add_connector(1, Emu(600000), Emu(1180000), prs.slide_width - Emu(600000), Emu(1180000))
    line.line.color.rgb = BLUE
    line.line.width = Pt(2)


def add_number(slide, prs, n: int) -> None:
    box = slide.shapes.add_textbox(prs.slide_width - Emu(1300000), prs.slide_height - Emu(550000), Emu(900000), Emu(350000))
    box.text_frame.text = str(n)
    box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
    style_runs(box.text_frame, 12, False, RGBColor(0x70, 0x70, 0x70))


def build() -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    blank = prs.slide_layouts[6]
    for n, spec in enumerate(SLIDES, start=1):
        slide = prs.slides.add_slide(blank)
        kind = spec[0]
        if kind == "title":
            band = slide.shapes.add_shape(1, 0, Emu(2200000), prs.slide_width, Emu(2300000))
            band.fill.solid(); band.fill.fore_color.rgb = BLUE; band.line.fill.background()
            box = slide.shapes.add_textbox(Emu(600000), Emu(2600000), prs.slide_width - Emu(1200000), Emu(900000))
            box.text_frame.text = spec[1]
            box.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            style_runs(box.text_frame, 36, True, RGBColor(0xFF, 0xFF, 0xFF))
            sub = slide.shapes.add_textbox(Emu(600000), Emu(4900000), prs.slide_width - Emu(1200000), Emu(600000))
            sub.text_frame.text = spec[2]
            sub.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            style_runs(sub.text_frame, 20)
            continue
        add_title(slide, prs, spec[1])
        add_number(slide, prs, n)
        if kind == "bullets":
            box = slide.shapes.add_textbox(Emu(900000), Emu(1600000), prs.slide_width - Emu(1800000), Emu(4400000))
            tf = box.text_frame
            tf.word_wrap = True
            for i, line in enumerate(spec[2]):
                p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
                p.text = line
                p.space_after = Pt(14)
                wingdings_bullet(p, "\u006c" if i % 2 == 0 else "\u00a7")
            style_runs(tf, 22)
        elif kind == "chart":
            data = CategoryChartData()
            data.categories = spec[2]
            data.add_series("在校生（千人）", spec[3])
            frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Emu(1200000), Emu(1500000),
                                           prs.slide_width - Emu(2400000), Emu(4700000), data)
            chart = frame.chart
            chart.has_legend = False
            plot = chart.plots[0]
            plot.has_data_labels = True
            labels = plot.data_labels
            labels.number_format = "0.00"
            labels.number_format_is_linked = False
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            labels.font.size = Pt(16)
            plot.series[0].format.fill.solid()
            plot.series[0].format.fill.fore_color.rgb = BLUE
            chart.value_axis.maximum_scale = 14
            chart.value_axis.minimum_scale = 0
            chart.value_axis.has_major_gridlines = False
            chart.category_axis.tick_labels.font.size = Pt(16)
        elif kind == "table":
            rows = spec[2]
            shape = slide.shapes.add_table(len(rows), len(rows[0]), Emu(1200000), Emu(1700000),
                                           prs.slide_width - Emu(2400000), Emu(600000 * len(rows)))
            tbl = shape.table
            tbl.columns[0].width = Emu(4200000)
            for j in range(1, len(rows[0])):
                tbl.columns[j].width = Emu((prs.slide_width - Emu(2400000) - Emu(4200000)) // (len(rows[0]) - 1))
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    c = tbl.cell(i, j)
                    c.text = value
                    c.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT if j == 0 else PP_ALIGN.CENTER
                    style_runs(c.text_frame, 18, i == 0, RGBColor(0xFF, 0xFF, 0xFF) if i == 0 else None)
    OUT.mkdir(parents=True, exist_ok=True)
    path = HERE / f"{NAME}.pptx"
    prs.save(path)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(OUT), str(path)], check=True,
                   capture_output=True, timeout=300)
    return OUT / f"{NAME}.pdf"


if __name__ == "__main__":
    pdf = build()
    heads = [s[1] for s in SLIDES]
    json.dump({"title": TITLE, "headings": heads}, open(OUT / f"{NAME}.meta.json", "w"), ensure_ascii=False, indent=1)
    print(pdf, pdf.stat().st_size)
