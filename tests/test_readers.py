"""PDF, DOCX, Markdown and text ingestion: a real multi-page Chinese PDF made from the corpus text."""
import re
from pathlib import Path

import pytest

from rag import Report
from rag.ingest.chunk import chunk
from rag.ingest.corpus import read_corpus
from rag.ingest.docx import read_docx
from rag.ingest.pdf import read_pdf
from rag.ingest.structure import parse

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian: fonts-wqy-zenhei (TrueType outlines)
RUNNING_HEAD = "2024年度中国职业教育质量报告"
# Printed page numbers where the excerpt jumps, as in the book: chapter openers, the tail of 湖南, the cases.
STARTS = {"03": 55, "04": 93, "05": 117, "【点评】中联重科": 70, "常州：": 71, "晋江：": 76}
BODY, TOC_SIZE, HEAD_SIZES = 10.5, 9, {1: 20, 2: 16, 3: 13.5, 4: 12.5}
QUESTIONS = [
    ("常州联合体每年的日常运行经费是多少？", "200万元日常运行经费"),
    ("联合体面向企业提供了多少个培训项目？", None),
    ("晋江联合体依托哪个开发区？", None),
    ("常州联合体取得了哪些成果成效？", None),
]

needs_font = pytest.mark.skipif(not FONT.is_file(), reason=f"CJK font {FONT} absent: apt-get install fonts-wqy-zenhei")


def _pdf_lines(report_text: str):
    """(kind, size, text) in print order from the converted text: the book it was converted from."""
    for raw in report_text.splitlines():
        line = raw.strip().replace("**", "").replace("\t", " ")
        if not line or re.match(r"^[\s|]*-{3,}", line):
            continue
        head = re.match(r"^(#{1,6})\s*(.*)$", line)
        if head:
            title = re.sub(r"^[▶◎]\s*", "", head.group(2))
            yield ("chapter" if re.fullmatch(r"\d{2}", title) else "heading"), HEAD_SIZES[min(len(head.group(1)), 4)], title
        elif re.search(r"\.{3,}\s*\d+$", line):
            yield "toc", TOC_SIZE, line
        else:
            yield "body", BODY, line


def _wrap(text: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, current = [], ""
    for ch in text:
        if current and stringWidth(current + ch, "WQY", size) > width:
            lines.append(current)
            current = ""
        current += ch
    return lines + [current] if current else lines


def make_pdf(report_text: str, path: Path) -> tuple[dict[int, str], list[str]]:
    """A4 pages with a running head and a printed page number; chapters start a page.

    Returns page -> text printed on it, and the sentences the page breaks cut (last and first characters).
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pages: dict[int, str] = {}
    cut: list[str] = []
    state = {"y": 770.0, "page": 0}

    def new_page(number=None):
        pdf.showPage()
        state["y"] = 770.0
        number = number or state["page"] + 1
        state["page"] = number
        pdf.setFont("WQY", 9)
        pdf.drawString(72, 805, RUNNING_HEAD)
        pdf.drawCentredString(297, 40, str(number))
        pages[number] = ""

    lines = list(_pdf_lines(report_text))
    for n, (kind, size, text) in enumerate(lines):
        jump = kind != "toc" and next((number for start, number in STARTS.items() if text.startswith(start)), None)
        if jump:
            new_page(jump)
        parts = [text] if kind == "toc" else _wrap(text, size, 451)
        for j, part in enumerate(parts):
            if state["y"] < 400:  # short pages: more of them, and more sentences cut by a page break
                new_page()
                if j:
                    cut.append(parts[j - 1][-6:] + part[:6])
            pdf.setFont("WQY", size)
            pdf.drawString(72, state["y"], part)
            state["y"] -= size * 1.7
            if pages:
                pages[state["page"]] += part
    pdf.save()
    return pages, cut


@pytest.fixture(scope="module")
def pdf_corpus(tmp_path_factory, report_text) -> tuple[Path, dict[int, str], list[str]]:
    if not FONT.is_file():
        pytest.skip(f"CJK font {FONT} absent: apt-get install fonts-wqy-zenhei")
    folder = tmp_path_factory.mktemp("pdf_corpus")
    pages, cut = make_pdf(report_text, folder / "report.pdf")
    return folder, pages, cut


def _structure(passages):
    return [(p.kind, p.chapter, p.case, p.section, p.text) for p in passages]


def _sections(passages):
    """Each section's text, whatever the passages it is cut into (a PDF's page breaks cut more often)."""
    out: dict[tuple, str] = {}
    for p in passages:
        key = (p.kind, p.chapter, p.case, p.section)
        out[key] = out.get(key, "") + p.text.replace("\n", "")
    return out


def _printed_page(pages: dict[int, str], text: str) -> int:
    """The page a passage starts on in the generated book, found from its first characters."""
    joined, starts = "", []
    for number, body in pages.items():  # in print order: the excerpt's numbers jump
        starts.append((len(joined), number))
        joined += body
    at = joined.find(text[:20])
    assert at >= 0, text[:20]
    return [number for start, number in starts if start <= at][-1]


@needs_font
def test_pdf_loses_running_heads_and_page_numbers_and_joins_broken_sentences(pdf_corpus):
    folder, pages, cut = pdf_corpus
    read = read_pdf((folder / "report.pdf").read_bytes())
    lines = read.text.splitlines()
    assert len(pages) > 5 and len(lines) == len(read.line_pages)
    assert RUNNING_HEAD not in lines and not any(re.fullmatch(r"\d{2,3}", line) and int(line) in pages for line in lines[-3:])
    passages = chunk(parse(read.text, "report.pdf", read.line_pages, read.continued))
    assert not any(RUNNING_HEAD in p.text for p in passages if p.kind != "cover")
    # A sentence the generated book's page breaks cut continues in the next passage, which cites the next page:
    # a passage never spans a page break, so each part cites the page that prints it.
    assert len(cut) >= 2
    pairs = list(zip(passages, passages[1:]))
    for joined in cut:
        at = [(a, b) for a, b in pairs if joined in a.text + b.text and joined not in a.text and joined not in b.text]
        assert at and all(b.page == a.page + 1 for a, b in at), joined
    assert any("实施万帮数字能源“种子计划”" in p.text for p in passages)  # the conversion's own break, too


@needs_font
def test_pdf_has_the_same_structure_and_passages_as_the_text(pdf_corpus, report_text):
    folder, _, _ = pdf_corpus
    read = read_pdf((folder / "report.pdf").read_bytes())
    pdf_doc, txt_doc = parse(read.text, "report.pdf", read.line_pages, read.continued), parse(report_text, "report.txt")
    assert pdf_doc.toc == txt_doc.toc and pdf_doc.title == txt_doc.title
    assert _sections(chunk(pdf_doc)) == _sections(chunk(txt_doc))


@needs_font
def test_pdf_passages_cite_the_page_they_are_printed_on(pdf_corpus):
    folder, pages, _ = pdf_corpus
    read = read_pdf((folder / "report.pdf").read_bytes())
    passages = chunk(parse(read.text, "report.pdf", read.line_pages, read.continued))
    body = [p for p in passages if p.kind in ("text", "commentary", "epigraph", "caption")]
    for p in body:
        assert p.page_exact and p.page == _printed_page(pages, p.text), p.text[:30]
        assert p.citation.endswith(f"第{p.page}页") or "不完整" in p.citation
    changzhou = [p for p in body if p.case.startswith("常州")]
    assert {p.case_page for p in changzhou} == {71} and len({p.page for p in changzhou}) > 2


@needs_font
def test_same_questions_retrieve_the_same_passages_with_exact_pages(pdf_corpus, report, tmp_path):
    folder, pages, _ = pdf_corpus
    pdf_report = Report(folder, tmp_path / "index", auto_rebuild=False)
    result = pdf_report.build()
    assert result.skipped == ()
    for question, expected in QUESTIONS:
        from_txt, from_pdf = report.search(question, k=3), pdf_report.search(question, k=3)
        # The same sections answer (passages differ only where a page break cuts a PDF's).
        assert from_pdf[0].case == from_txt[0].case and from_pdf[0].chapter == from_txt[0].chapter, question
        assert all(p.page_exact for p in from_pdf if p.kind != "toc")
        if expected:
            hit = next(p for p in from_pdf if expected in p.text)
            page = _printed_page(pages, hit.text)
            assert hit.citation == f"第三章 · 常州：新能源产教联合体的“破壁·共生·赋能” · 二、特色做法 · （一）政府主导联合体实体运行，破除体制机制壁垒 · 第{page}页"
            assert hit.case_page == 71 and 71 <= page < 76
            assert next(p for p in from_txt if expected in p.text).citation.endswith("第71页起")


def _toc_and_jinjiang(report_text: str) -> str:
    return report_text[report_text.index("# 03"):report_text.index("【点评】中联重科")] + report_text[report_text.index("## 晋江："):]


def make_docx(report_text: str, path: Path) -> None:
    """The table of contents and the 晋江 case as a Word file: headings in Word's heading styles."""
    import docx

    document = docx.Document()
    for raw in _toc_and_jinjiang(report_text).splitlines():
        head = re.match(r"^(#{1,6})\s*[◎▶]?\s*(.*)$", raw.strip())
        if head:
            document.add_heading(head.group(2), level=min(len(head.group(1)), 4))
        elif raw.strip():
            document.add_paragraph(raw.strip())
    document.save(str(path))


def test_docx_is_read_with_its_headings(report_text, tmp_path):
    make_docx(report_text, tmp_path / "jinjiang.docx")
    read = read_docx((tmp_path / "jinjiang.docx").read_bytes())
    passages = chunk(parse(read.text, "jinjiang.docx"))
    assert read.encoding == "docx" and read.line_pages == ()
    assert _structure(passages) == _structure(chunk(parse(_toc_and_jinjiang(report_text), "j.txt")))
    jinjiang = [p for p in passages if p.case.startswith("晋江") and p.kind == "text"]
    assert {p.section.split(" / ")[0] for p in jinjiang} == {"一、背景介绍", "二、特色做法"}
    assert all(p.citation.startswith("第三章 · 晋江") and "第76页起" in p.citation for p in jinjiang)


def _encrypted_pdf(path: Path, source: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with open(path, "wb") as f:
        writer.write(f)


def _blank_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as f:
        writer.write(f)


def _garbage_pdf(path: Path, seed: int, private: bool) -> None:
    """A text layer of glyph codes, as CID fonts without a Unicode map give: rare characters or private-use ones."""
    import random

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    rng = random.Random(seed)
    pdf = canvas.Canvas(str(path))
    pdf.setFont("WQY", 10)
    for row in range(30):
        line = "".join(chr(rng.randrange(0xE000, 0xF8FF) if private else rng.randrange(0x4E00, 0x9FFF)) for _ in range(30))
        pdf.drawString(60, 780 - 20 * row, line)
    pdf.save()


@needs_font
def test_bad_files_are_skipped_with_a_reason_and_the_rest_indexed(pdf_corpus, report_text, tmp_path, monkeypatch):
    good, _, _ = pdf_corpus
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sample = "## 常州：测试\n\n### 一、背景介绍\n\n联合体每年安排200万元日常运行经费。\n"
    (corpus / "good.pdf").write_bytes((good / "report.pdf").read_bytes())
    (corpus / "gbk.txt").write_bytes(sample.replace("常州", "溧阳").encode("gbk"))
    (corpus / "notes.md").write_text(sample.replace("常州", "金坛"), encoding="utf-8")
    (corpus / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    _encrypted_pdf(corpus / "locked.pdf", good / "report.pdf")
    _blank_pdf(corpus / "blank.pdf")
    _garbage_pdf(corpus / "cid.pdf", 1, private=False)
    _garbage_pdf(corpus / "symbols.pdf", 2, private=True)
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    (corpus / "broken.docx").write_bytes(b"PK\3\4 not a zip")
    (corpus / "gone.txt").write_text(sample, encoding="utf-8")

    import rag.ingest.corpus

    listed = rag.ingest.corpus.corpus_files

    def list_then_delete(folder):  # the file vanishes between listing the folder and reading it
        files = listed(folder)
        (folder / "gone.txt").unlink(missing_ok=True)
        return files

    monkeypatch.setattr(rag.ingest.corpus, "corpus_files", list_then_delete)
    texts, skipped = read_corpus(corpus)
    reasons = {s.name: s.reason for s in skipped}
    assert {t.name for t in texts} == {"good.pdf", "gbk.txt", "notes.md"}
    assert "溧阳" in next(t.text for t in texts if t.name == "gbk.txt")  # GBK decoded, not mojibake
    assert reasons["corrupt.pdf"].startswith("无法读取 PDF") and "corrupt PDF" in reasons["corrupt.pdf"]
    assert reasons["locked.pdf"].startswith("PDF 已加密")
    assert reasons["blank.pdf"].startswith("PDF 中没有文字层")
    assert reasons["cid.pdf"].startswith("PDF 的文字层是乱码") and reasons["symbols.pdf"].startswith("PDF 的文字层是乱码")
    assert "二进制" in reasons["binary.txt"]
    assert reasons["broken.docx"].startswith("无法读取 DOCX")
    assert "被删除" in reasons["gone.txt"]
    assert set(reasons) == {"corrupt.pdf", "locked.pdf", "blank.pdf", "cid.pdf", "symbols.pdf", "binary.txt", "broken.docx",
                            "gone.txt"}

    monkeypatch.undo()
    result = Report(corpus, tmp_path / "index", auto_rebuild=False).build()
    assert {s.name for s in result.skipped} == set(reasons) - {"gone.txt"}
    hits = Report(corpus, tmp_path / "index", auto_rebuild=False).search("溧阳每年的日常运行经费是多少？", k=3)
    assert any(h.source == "gbk.txt" for h in hits)
