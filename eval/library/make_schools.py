"""Make eval/library/schools/*.pdf: small invented 质量年度报告 of several schools that print the same measures under
slightly different names (毕业去向落实率 / 去向落实率 / 毕业去向落实率（%） in a table), one school in two years — the
documents the library evaluation and tests/test_library.py ask across. Everything in them is invented.

    .venv/bin/python eval/library/make_schools.py

reportlab, in WenQuanYi Zen Hei, invariant (the same bytes every run): an unnumbered cover, then two pages printed 1 and 2
(一、学校概况 in running text, 二、主要指标 a ruled table).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
OUT = Path(__file__).resolve().parent / "schools"


@dataclass(frozen=True)
class School:
    file: str
    name: str
    year: int
    intro: str  # page 1: running text
    table: tuple[tuple[str, str], ...]  # page 2: 指标 | 数值 rows
    closing: str  # page 2: running text under the table


SCHOOLS = (
    School("changzhou-2024.pdf", "常州工业职业技术学院", 2024,
           "学校坚持立德树人，深化产教融合。2024年学校共有全日制在校生13480人，毕业生3912人，"
           "毕业去向落实率为95.2%。学校现有专任教师612人，其中具有高级职称的教师218人。",
           (("生均财政拨款水平（万元）", "2.35"), ("校企合作企业数（家）", "326"), ("专业点数（个）", "46")),
           "全年开展社会培训4.6万人日，技术服务到款额1865万元。"),
    School("changzhou-2023.pdf", "常州工业职业技术学院", 2023,
           "学校坚持立德树人，服务区域发展。2023年学校共有全日制在校生12960人，毕业生3705人，"
           "毕业去向落实率为94.1%。学校现有专任教师587人，其中具有高级职称的教师203人。",
           (("生均财政拨款水平（万元）", "2.18"), ("校企合作企业数（家）", "301"), ("专业点数（个）", "44")),
           "全年开展社会培训4.1万人日，技术服务到款额1520万元。"),
    School("shenzhen-2024.pdf", "深圳职业技术学院", 2024,
           "学校面向粤港澳大湾区办学。2024年学校共有全日制在校生28650人，毕业生8215人，"
           "去向落实率达到96.8%。学校现有专任教师1205人，其中具有博士学位的教师486人。",
           (("生均财政拨款水平（万元）", "4.12"), ("校企合作企业数（家）", "782"), ("专业点数（个）", "92")),
           "全年开展社会培训12.3万人日，技术服务到款额6230万元。"),
    School("zhejiang-finance-2024.pdf", "浙江金融职业学院", 2024,
           "学校立足金融行业办学。2024年学校共有全日制在校生11240人，毕业生3560人。"
           "学校现有专任教师498人，其中双师型教师412人。",
           (("毕业去向落实率（%）", "97.3"), ("生均财政拨款水平（万元）", "2.76"), ("校企合作企业数（家）", "254"), ("专业点数（个）", "31")),
           "全年开展社会培训3.8万人日，技术服务到款额980万元。"),
)


def write(school: School, path: Path) -> Path:
    """One school's report: a cover, 一、学校概况 on page 1, 二、主要指标 (a ruled table) on page 2."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    title = f"{school.name}{school.year}年质量年度报告"
    pdf.setTitle(title)

    def line(y: float, text: str, size: float = 10.5, x: float = 72) -> None:
        pdf.setFont("WQY", size)
        pdf.drawString(x, y, text)

    def paragraph(y: float, text: str, size: float = 10.5, width: int = 40) -> float:
        """Lines of at most `width` characters broken after punctuation only: a figure or a measure's name is never
        cut between two lines (毕业\n生3912人 left the figure without its label)."""
        lines, current = [], ""
        for clause in re.findall(r"[^，。；]+[，。；]?", text):
            if current and len(current) + len(clause) > width:
                lines.append(current)
                current = ""
            current += clause
        lines.append(current)
        for text_line in lines:
            line(y, text_line, size)
            y -= size * 1.6
        return y - size

    pdf.setFont("WQY", 22)
    pdf.drawCentredString(297, 520, title)
    pdf.setFont("WQY", 14)
    pdf.drawCentredString(297, 300, f"{school.name}")
    pdf.drawCentredString(297, 276, f"{school.year + 1}年1月")
    pdf.showPage()
    line(770, "一、学校概况", 14)
    paragraph(740, school.intro)
    pdf.setFont("WQY", 9)
    pdf.drawCentredString(297, 40, "1")
    pdf.showPage()
    line(770, "二、主要指标", 14)
    line(740, f"表1 {school.name}{school.year}年主要办学指标", 11)
    rows = (("指标", "数值"), *school.table)
    top, height = 730, 24
    pdf.setLineWidth(0.6)
    for k in range(len(rows) + 1):  # a ruled table: pdfplumber finds its cells by the lines
        pdf.line(72, top - k * height, 480, top - k * height)
    for x in (72, 360, 480):
        pdf.line(x, top, x, top - len(rows) * height)
    for k, (label, value) in enumerate(rows):
        line(top - k * height - 16, label, x=78)
        line(top - k * height - 16, value, x=366)
    paragraph(top - len(rows) * height - 30, school.closing)
    pdf.setFont("WQY", 9)
    pdf.drawCentredString(297, 40, "2")
    pdf.showPage()
    pdf.save()
    return path


def main() -> None:
    for school in SCHOOLS:
        print(write(school, OUT / school.file))


if __name__ == "__main__":
    main()
