"""The printed page behind a citation (positions recorded at ingestion, pages rendered with the real pypdfium2 and
cached per index version) and answers taken away (Markdown, DOCX read back with python-docx)."""
from __future__ import annotations

import io
import shutil

import docx
import pdfplumber
import pytest
from PIL import Image

import rag
from rag import PageError, Report
from rag.answer.types import Answer
from rag.index.pages import CACHE_DIR
from rag.passage import Passage

from helpers import ROOT

PDF = ROOT / "tests" / "documents" / "word" / "school-quality-report.pdf"
FIGURE = "4,296"  # printed on page 2 (PDF page 4): 实际录取4,296人


@pytest.fixture(scope="module")
def pdf_report(tmp_path_factory) -> Report:
    folder = tmp_path_factory.mktemp("pages")
    (folder / "corpus").mkdir()
    shutil.copy(PDF, folder / "corpus")
    (folder / "corpus" / "note.txt").write_text("# 说明\n\n本文件是文字材料，没有页面。\n", encoding="utf-8")
    report = Report(folder / "corpus", folder / "index")
    report.build()
    return report


def _passage_with(report: Report, text: str) -> Passage:
    return next(p for p in report.passages() if text in p.text and p.source.endswith(".pdf"))


def test_positions_lie_over_the_passage_characters(pdf_report):
    """Every character pdfplumber reads inside the recorded boxes is the passage's, and all of them are there."""
    p = _passage_with(pdf_report, FIGURE)
    assert p.page_index is not None and p.boxes and p.printed_page == "第2页"
    with pdfplumber.open(PDF) as pdf:
        chars = pdf.pages[p.page_index].chars
        inside = "".join(c["text"] for c in chars if any(
            b[0] - 1 <= (c["x0"] + c["x1"]) / 2 <= b[2] + 1 and b[1] - 1 <= (c["top"] + c["bottom"]) / 2 <= b[3] + 1
            for b in p.boxes))
    assert "".join(inside.split()) == "".join(p.text.split())


def test_page_image_is_a_png_with_the_highlight_and_is_cached(pdf_report):
    p = _passage_with(pdf_report, FIGURE)
    png = pdf_report.page_image(p.id, width=600)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and 599 <= image.width <= 601
    scale = image.width / 595.3
    x0, top, x1, bottom = p.boxes[0]
    inside = image.getpixel((int((x0 + x1) / 2 * scale), int((top - 1) * scale)))  # above the glyphs, in the mark
    outside = image.getpixel((5, 5))
    assert outside == (255, 255, 255) and inside[2] < 200 < inside[0]  # yellow over white, not white
    cache = pdf_report.retriever().index.folder / CACHE_DIR / f"{p.id}-600.png"
    assert cache.read_bytes() == png and pdf_report.page_image(p.id, width=600) == png
    assert p.page_image(pdf_report, 600) == png  # the same through the passage


def test_bad_requests_get_one_line_messages(pdf_report):
    with pytest.raises(PageError, match="unknown passage id"):
        pdf_report.page_image("0000000000000000")
    text = next(p for p in pdf_report.passages() if p.source == "note.txt")
    with pytest.raises(PageError, match="不是 PDF.*not a PDF"):
        pdf_report.page_image(text.id)
    assert "not a PDF" in pdf_report.page_problem(text)
    escaped = Passage("x", "t", source="../../etc/passwd.pdf", page_index=0)
    assert "outside the corpus" in pdf_report.page_problem(escaped)


def test_a_pdf_removed_after_indexing_is_said_so(tmp_path):
    (tmp_path / "corpus").mkdir()
    shutil.copy(PDF, tmp_path / "corpus")
    report = Report(tmp_path / "corpus", tmp_path / "index")
    report.build()
    p = _passage_with(report, FIGURE)
    report.page_image(p.id, 300)  # cached: the file must still not be shown once gone
    (tmp_path / "corpus" / PDF.name).unlink()
    with pytest.raises(PageError, match="已不在语料目录中.*removed") as err:
        report.page_image(p.id, 300)
    assert "\n" not in str(err.value)


def _answer(report: Report) -> Answer:
    p = _passage_with(report, FIGURE)
    return Answer(text=f"学校实际录取{FIGURE}人[1]，新生报到4,118人[1]。", citations=[p], found=True,
                  backend="extractive", question="实际录取多少人？", index_version=report.index_version())


def test_markdown_export_has_footnotes_quotes_backend_and_version(pdf_report):
    answer = _answer(pdf_report)
    text = answer.to_markdown()
    assert f"实际录取{FIGURE}人[^1]" in text and "[^1]: 《江川职业技术学院" in text and "第2页" in text
    assert "> " in text and "原文摘录" in text and pdf_report.index_version().split(" · ")[0] in text


def test_docx_export_read_back_with_python_docx(pdf_report, tmp_path):
    answer = _answer(pdf_report)
    path = answer.to_docx(tmp_path / "answer.docx")
    document = docx.Document(str(path))
    body = "\n".join(p.text for p in document.paragraphs)
    assert f"学校实际录取{FIGURE}人，新生报到4,118人。" in body and "原文摘录" in body
    notes = [part for part in document.part.package.iter_parts() if str(part.partname) == "/word/footnotes.xml"]
    assert notes and "第2页" in notes[0].blob.decode("utf-8")
    references = document.element.body.xpath(".//w:footnoteReference")
    assert [r.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}id") for r in references] == ["1", "1"]


def test_conversation_export_numbers_footnotes_across_answers(pdf_report, tmp_path):
    from rag.answer import takeaway

    first, second = _answer(pdf_report), _answer(pdf_report)
    text = takeaway.to_markdown([first, second])
    assert "[^1]" in text and "[^2]" in text and text.count("[^2]:") == 1
    document = docx.Document(str(takeaway.write_docx([first, second], tmp_path / "chat.docx")))
    blob = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/footnotes.xml").blob
    assert blob.count(b'<w:footnote w:id="') == 2


def test_rag_page_image_uses_the_default_report(pdf_report, monkeypatch):
    monkeypatch.setattr(rag, "_default", pdf_report)
    p = _passage_with(pdf_report, FIGURE)
    assert rag.page_image(p.id, 400)[:4] == b"\x89PNG"


def test_cards_show_the_page_of_a_pdf_source_only(pdf_report, tmp_path):
    from rag.serve import webui

    pdf = _passage_with(pdf_report, FIGURE)
    text = next(p for p in pdf_report.passages() if p.source == "note.txt")
    answer = Answer(text="见[1]和[2]。", citations=[pdf, text], found=True, backend="extractive")
    view = webui.PageView(f"page-image/{pdf.id}.png", f"pdf/{pdf.id}#page=4", pdf.printed_page)
    cards = webui.source_cards(answer, pdf_report.passages(), pages={pdf.id: view})
    first, second = cards.split('id="source-2"')
    assert f'src="page-image/{pdf.id}.png"' in first and "#page=4" in first and "第2页" in first
    assert "source-page" not in second  # a text source keeps the whole-section view alone
    gone = webui.PageView("", "", "第2页", "原文 PDF 已不在语料目录中：x.pdf（the PDF was removed from the corpus after indexing）")
    assert '<div class="page-missing">原文 PDF 已不在语料目录中' in webui.page_view(gone) and "<img" not in webui.page_view(gone)


def test_question_log_lines_rotate_and_carry_no_identity_unless_asked(pdf_report, tmp_path):
    import json

    from rag.serve import question_log

    log = tmp_path / "log" / "questions.jsonl"
    answer = _answer(pdf_report)
    for _ in range(3):
        question_log.append(log, question_log.make_record(answer, []), max_bytes=500)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert lines and lines[-1]["index_version"] == answer.index_version and "user" not in lines[-1]
    assert lines[-1]["citations"][0]["citation"].endswith("第2页") and lines[-1]["backend"] == "extractive"
    assert (tmp_path / "log" / "questions.jsonl.1").exists()  # over 500 bytes: rotated before the next line
    record = question_log.make_record(answer, [], question_log.Asker("王老师", "10.0.0.7"))
    assert (record["user"], record["address"]) == ("王老师", "10.0.0.7")
