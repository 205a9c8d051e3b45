"""Helpers shared by the two generators: Word (python-docx) paragraphs, tables and sections the way a school or a
government office sets them, and the LibreOffice conversion to PDF.

Needs: apt-get install -y libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-gbsn00lp
fonts-arphic-gkai00mp (the venv's python-docx, Pillow and pypdf). Each run writes a new creation date into the PDF, so
a remade PDF has a new sha256 (questions-generated.toml records the committed one).

The fonts named are the ones this machine has (Noto Serif/Sans CJK SC for 宋体/黑体, Times New Roman for Latin and
digits, which LibreOffice replaces by DejaVu Serif where it is missing), so the PDF looks the same wherever it is made.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

SONG = "Noto Serif CJK SC"  # stands in for 宋体
HEI = "Noto Sans CJK SC"  # stands in for 黑体
LATIN = "Times New Roman"
GB_SONG = "AR PL SungtiL GB"  # 文鼎简报宋 (apt fonts-arphic-gbsn00lp), a TrueType 宋体 for government documents
YAHEI = "WenQuanYi Zen Hei"  # stands in for 微软雅黑, the body font of designed university reports
# LibreOffice 7.4 embeds the CFF-outline Noto CJK fonts as Type 1 pieces of 256 glyphs (twice the bytes of a TrueType
# subset), so the long texts use the TrueType faces and Noto only the headings.
BODY = {"east": SONG, "head": HEI}


def use_fonts(body: str, head: str = HEI):
    """The East Asian font of body text and table cells, and of table headers and captions, for this document."""
    BODY["east"] = body
    BODY["head"] = head


ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT,
         "j": WD_ALIGN_PARAGRAPH.JUSTIFY}


def font(run, east: str | None = None, size: float = 12, bold: bool = False, latin: str = LATIN, color: str | None = None):
    east = east or BODY["east"]
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = latin
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def set_normal(doc, size: float = 12):
    st = doc.styles["Normal"]
    st.font.size = Pt(size)
    st.font.name = LATIN
    rpr = st.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), BODY["east"])
    # the document's defaults: Chinese text, 宋体/Times New Roman (python-docx's template says en-US and theme fonts)
    styles = doc.styles.element
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    dflt = styles.find(qn("w:docDefaults"))
    for rf in dflt.iter(qn("w:rFonts")):
        for k in list(rf.attrib):
            del rf.attrib[k]
        rf.set(qn("w:ascii"), LATIN)
        rf.set(qn("w:hAnsi"), LATIN)
        rf.set(qn("w:eastAsia"), BODY["east"])
    pf = st.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)


def para(container, text: str = "", *, size: float = 12, east: str | None = None, bold: bool = False, align: str = "j",
         indent: bool = False, line: float | None = 1.5, exact: float | None = None, before: float = 0,
         after: float = 0, left_cm: float = 0, keep_next: bool = False, color: str | None = None,
         page_break_before: bool = False):
    p = container.add_paragraph()
    pf = p.paragraph_format
    pf.alignment = ALIGN[align]
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if exact is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact)
    elif line is not None:
        pf.line_spacing = line
    if indent:
        pf.first_line_indent = Pt(size * 2)
    if left_cm:
        pf.left_indent = Cm(left_cm)
    if keep_next:
        pf.keep_with_next = True
    if page_break_before:
        pf.page_break_before = True
    if text:
        font(p.add_run(text), east, size, bold, color=color)
    return p


def runs(p, parts, size: float = 12):
    """parts: [(text, east, bold)] appended to paragraph p."""
    for text, east, bold in parts:
        font(p.add_run(text), east, size, bold)
    return p


def page_break(doc):
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)
    return p


def _shade(cell, fill: str):
    tcpr = cell._element.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _cell_margins(table, top=40, bottom=40, left=80, right=80):
    tblpr = table._element.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, v in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:w"), str(v))
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    tblpr.append(mar)


def table(doc, header: list[str] | list[list[str]], rows: list[list[str]], widths_cm: list[float], *,
          size: float = 10.5, aligns: str | None = None, header_fill: str = "D9D9D9", repeat_header: bool = True,
          bold_rows: set[int] = frozenset(), line_exact: float | None = None, cant_split: bool = True,
          merges: list[tuple[int, int, int, int]] = ()):
    """A bordered table (style Table Grid). header: one row or several rows of header cells; rows: body rows.
    aligns: one letter per column (l/c/r/j) for the body. merges: (row, col, row2, col2) in whole-table indices."""
    headers = header if header and isinstance(header[0], list) else [header]
    ncols = len(widths_cm)
    t = doc.add_table(rows=len(headers) + len(rows), cols=ncols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _cell_margins(t)
    aligns = aligns or "c" * ncols
    for r_i, row in enumerate(headers + rows):
        tr = t.rows[r_i]
        trpr = tr._tr.get_or_add_trPr()
        if r_i < len(headers) and repeat_header:
            h = OxmlElement("w:tblHeader")
            trpr.append(h)
        if cant_split:
            trpr.append(OxmlElement("w:cantSplit"))
        for c_i in range(ncols):
            cell = tr.cells[c_i]
            cell.width = Cm(widths_cm[c_i])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            text = row[c_i] if c_i < len(row) else ""
            p = cell.paragraphs[0]
            is_head = r_i < len(headers)
            p.paragraph_format.alignment = ALIGN["c" if is_head else aligns[c_i]]
            if line_exact:
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                p.paragraph_format.line_spacing = Pt(line_exact)
            else:
                p.paragraph_format.line_spacing = 1.0
            if text:
                bold = is_head or (r_i - len(headers)) in bold_rows
                font(p.add_run(text), BODY["head"] if is_head else BODY["east"], size, bold)
            if is_head and header_fill:
                _shade(cell, header_fill)
    for r1, c1, r2, c2 in merges:
        m = t.cell(r1, c1).merge(t.cell(r2, c2))
        # merging concatenates the cells' paragraphs; keep only the first cell's
        for extra in m.paragraphs[1:]:
            extra._element.getparent().remove(extra._element)
    # column widths for LibreOffice
    grid = t._tbl.tblGrid
    for i, gc in enumerate(grid.findall(qn("w:gridCol"))):
        gc.set(qn("w:w"), str(int(widths_cm[i] * 567)))
    return t


def caption(doc, text: str, size: float = 10.5, before: float = 6, after: float = 3):
    return para(doc, text, size=size, east=BODY["head"], bold=True, align="c", line=1.2, before=before, after=after,
                keep_next=True)


def note(doc, text: str, size: float = 9, after: float = 6):
    return para(doc, text, size=size, align="l", line=1.2, before=2, after=after)


def add_field(paragraph, instr: str, east: str | None = None, size: float = 10.5, latin: str = LATIN):
    """A complex field (PAGE, NUMPAGES) in a paragraph."""
    def r(tag, **attrs):
        run = paragraph.add_run()
        font(run, east, size, latin=latin)
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(k), v)
        if tag == "w:instrText":
            e.set(qn("xml:space"), "preserve")
            e.text = instr
        run._element.append(e)
        return run
    r("w:fldChar", **{"w:fldCharType": "begin"})
    r("w:instrText")
    r("w:fldChar", **{"w:fldCharType": "separate"})
    run = paragraph.add_run("1")
    font(run, east, size, latin=latin)
    r("w:fldChar", **{"w:fldCharType": "end"})


def page_number_start(section, start: int = 1, fmt: str | None = None):
    sectpr = section._sectPr
    pg = sectpr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        sectpr.append(pg)
    pg.set(qn("w:start"), str(start))
    if fmt:
        pg.set(qn("w:fmt"), fmt)


def bottom_border(paragraph, sz: int = 6, color: str = "000000"):
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    b = OxmlElement("w:bottom")
    b.set(qn("w:val"), "single")
    b.set(qn("w:sz"), str(sz))
    b.set(qn("w:space"), "1")
    b.set(qn("w:color"), color)
    bdr.append(b)
    ppr.append(bdr)


def margins(section, top=2.54, bottom=2.54, left=3.18, right=3.18, header=1.5, footer=1.75):
    section.top_margin = Cm(top)
    section.bottom_margin = Cm(bottom)
    section.left_margin = Cm(left)
    section.right_margin = Cm(right)
    section.header_distance = Cm(header)
    section.footer_distance = Cm(footer)


def a4(section, landscape: bool = False):
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width = Cm(29.7)
        section.page_height = Cm(21.0)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Cm(21.0)
        section.page_height = Cm(29.7)


def new_section(doc, landscape: bool | None = None):
    s = doc.add_section(WD_SECTION.NEW_PAGE)
    if landscape is not None:
        a4(s, landscape)
    return s


def convert(docx: Path, outdir: Path) -> Path:
    """docx -> PDF with LibreOffice (headless, a private profile so that it does not meet another instance)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice is needed: apt-get install -y libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([soffice, f"-env:UserInstallation=file://{prof}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(outdir), str(docx)], check=True, capture_output=True,
                       env={**os.environ, "HOME": prof})
    return outdir / (docx.stem + ".pdf")


def page_texts(pdf: Path) -> list[str]:
    import pypdf
    return [p.extract_text() or "" for p in pypdf.PdfReader(str(pdf)).pages]
