"""Small python-docx helpers shared by the Word-made test documents (fields, fonts, tab leaders, table borders)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Cm

SERIF = "Noto Serif CJK SC"   # stands in for 宋体 / 仿宋 on a machine without Windows fonts
SANS = "Noto Sans CJK SC"     # stands in for 黑体


def set_run_font(run, name: str = SERIF, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def base_document(font: str = SERIF, size: float = 12) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    for section in doc.sections:
        section.page_height = Cm(29.7)
        section.page_width = Cm(21.0)
        section.top_margin = Cm(2.54)
        section.bottom_margin = Cm(2.54)
        section.left_margin = Cm(2.8)
        section.right_margin = Cm(2.6)
    return doc


def para(doc_or_cell, text: str = "", *, size: float = 12, bold: bool = False, font: str = SERIF,
         align=None, indent: bool = True, spacing: float = 1.5, before: float = 0, after: float = 0, style=None):
    p = doc_or_cell.add_paragraph(style=style) if style else doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = spacing
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        set_run_font(p.add_run(text), font, size, bold)
    return p


def add_field(paragraph, instr: str, size: float = 10.5, font: str = SERIF) -> None:
    """A complex field (PAGE, NUMPAGES …) with a placeholder result that LibreOffice recomputes."""
    def run_with(child):
        r = paragraph.add_run()
        set_run_font(r, font, size)
        r._element.append(child)
        return r
    begin = OxmlElement("w:fldChar"); begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText"); code.set(qn("xml:space"), "preserve"); code.text = f" {instr} "
    sep = OxmlElement("w:fldChar"); sep.set(qn("w:fldCharType"), "separate")
    txt = OxmlElement("w:t"); txt.text = "1"
    end = OxmlElement("w:fldChar"); end.set(qn("w:fldCharType"), "end")
    for child in (begin, code, sep, txt, end):
        run_with(child)


def restart_numbering(section, start: int = 1, fmt: str | None = None) -> None:
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), str(start))
    if fmt:
        pg.set(qn("w:fmt"), fmt)
    section._sectPr.append(pg)


def toc_line(doc, text: str, page: int | str, level: int = 0, size: float = 12):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = 1.1
    fmt.left_indent = Pt(size * 2 * level)
    fmt.tab_stops.add_tab_stop(Cm(15.6), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    set_run_font(p.add_run(f"{text}\t{page}"), SERIF, size, level == 0)
    return p


def table(doc, rows: list[list[str]], widths_cm: list[float] | None = None, size: float = 10.5,
          header_rows: int = 1, repeat_header: bool = True, style: str = "Table Grid", first_col_left: bool = True):
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = doc.styles[style]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = t.cell(i, j)
            cell.text = ""
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing = 1.15
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if (j == 0 and first_col_left and i >= header_rows) else WD_ALIGN_PARAGRAPH.CENTER
            set_run_font(p.add_run(value), SERIF, size, i < header_rows)
            if widths_cm:
                cell.width = Cm(widths_cm[j])
        if i < header_rows and repeat_header:
            trpr = t.rows[i]._tr.get_or_add_trPr()
            h = OxmlElement("w:tblHeader"); h.set(qn("w:val"), "true")
            trpr.append(h)
    return t


def caption(doc, text: str, size: float = 10.5, bold: bool = True):
    return para(doc, text, size=size, bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, spacing=1.2, before=6)


def unit_line(doc, text: str, size: float = 10.5):
    return para(doc, text, size=size, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, spacing=1.2)


def to_pdf(docx: Path, outdir: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                   check=True, capture_output=True, timeout=300)
    return outdir / (docx.stem + ".pdf")


def heading_pages(pdf: Path, headings: list[str], label) -> dict[str, int]:
    """Printed page of each heading's first occurrence after the contents page (for the second, TOC-filling pass)."""
    import pdfplumber
    found: dict[str, int] = {}
    with pdfplumber.open(pdf) as doc:
        texts = [(page.extract_text() or "") for page in doc.pages]
    for h in headings:
        for i, text in enumerate(texts):
            if "......" in text:
                continue
            lines = [ln.replace(" ", "") for ln in text.splitlines()]
            if any(ln.startswith(h.replace(" ", "")) for ln in lines):
                found[h] = label(i, text)
                break
    return found
