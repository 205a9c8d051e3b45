"""Files a maintainer might upload, made in the test: a small real report (reportlab, an embedded CJK font), and the
bad ones the upload must refuse: encrypted, scanned (no text layer), truncated, garbage, a zip that is no Word file,
and bombs (a page, or a DOCX part, that inflates to hundreds of megabytes)."""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
TITLE = "青禾职业学院2025年质量年度报告"
ISSUER = "青禾职业学院"
# What the report prints, and a question only it answers (the excerpt of the national report has no 青禾).
TEACHERS = "2025年学院共有专任教师312人，其中双师型教师186人，在校生8,650人。"
QUESTION = "青禾职业学院有多少名专任教师？"
FIGURE = "312人"
FILLER = ("学院坚持立德树人根本任务，深化产教融合、校企合作，围绕区域主导产业优化专业布局，"
          "推进教师、教材、教法改革，人才培养质量稳步提升。")


def report_pdf(path: Path, encrypt: str | None = None, pages: int = 2) -> Path:
    """A small quality report: a cover page, then numbered sections with figures in sentences; pages > 2 adds
    pages of the same body (for the page limit)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    if not FONT.is_file():
        pytest.skip("apt-get install fonts-wqy-zenhei")
    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="WQY", fontSize=11, leading=18, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=body, fontSize=20, leading=30)
    h2 = ParagraphStyle("h2", parent=body, fontSize=14, leading=22)
    story = [Spacer(1, 200), Paragraph(TITLE, h1), Spacer(1, 40), Paragraph(f"{ISSUER}  2025年12月", body),
             PageBreak(),
             Paragraph("一、学校概况", h2), Paragraph(TEACHERS + FILLER, body),
             Paragraph("二、实践教学", h2), Paragraph("学院建成校内实训基地24个，全年开展社会培训1.2万人次。" + FILLER, body)]
    for n in range(pages - 2):
        story += [PageBreak(), Paragraph(f"附{n + 1}、补充说明", h2), Paragraph(FILLER * 3, body)]

    def footer(canvas, doc):
        canvas.setFont("WQY", 9)
        canvas.drawCentredString(A4[0] / 2, 30, str(doc.page))

    # The title in the file's properties too, as Word or WPS write it when a report is exported.
    SimpleDocTemplate(str(path), pagesize=A4, encrypt=encrypt, title=TITLE, author=ISSUER).build(
        story, onLaterPages=footer)
    return path


def scanned_pdf(path: Path) -> Path:
    """Pages that are pictures only: what a scanner makes (no text layer)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    for _ in range(2):
        pdf.setFillGray(0.3)
        pdf.rect(60, 80, 470, 680, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def truncated_pdf(good: Path, path: Path) -> Path:
    """The first half of a real PDF: an upload cut off."""
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def garbage_pdf(path: Path) -> Path:
    """A PDF header and trailer round bytes that are no PDF at all."""
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n")
    return path


def bomb_pdf(path: Path, megabytes: int) -> Path:
    """A valid one-page PDF whose content stream inflates to `megabytes` MB of spaces (about megabytes KB on disk)."""
    z = zlib.compressobj(6)
    chunk = b" " * (1 << 20)
    data = b"".join(z.compress(chunk) for _ in range(megabytes)) + z.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def bomb_docx(path: Path, megabytes: int) -> Path:
    """A .docx whose document part inflates to `megabytes` MB: a zip bomb with a Word file's name."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"<w:t>" + b" " * (1 << 20) + b"</w:t>"
            for _ in range(megabytes):
                part.write(chunk)
    return path
