"""The printed page in the real browser (Debian's Chromium, headless): a PDF source card opens its page image with
the cited words under the highlight, links the PDF at that page, exports the answer as Word read back with
python-docx, and says so in the card once the PDF is removed from the corpus."""
from __future__ import annotations

import shutil
import time
from urllib.request import urlopen

import docx
import pdfplumber
import pytest

from rag import Report

from helpers import ROOT, running_app
from test_webapp_browser import CHROMEDRIVER, CHROMIUM, ask, chromium, shot, wait_for

PDF = ROOT / "tests" / "documents" / "word" / "school-quality-report.pdf"
QUESTION = "学校实际录取多少人？"
CITED = "4,296人，新生报到4,118人"  # words of the cited passage on one printed line of page 2 (the file's 4th page)
# The README's and the site's picture of the chat, refreshed by this test each time the page is checked (committed).
DOCS_SHOT = ROOT / "docs" / "img" / "chat.png"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)"),
]


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory):
    """app.py (extraction, the figures table on) over a corpus of one small PDF."""
    folder = tmp_path_factory.mktemp("page-site")
    (folder / "corpus").mkdir()
    shutil.copy(PDF, folder / "corpus")
    Report(folder / "corpus", folder / "index").build()
    downloads = folder / "downloads"
    downloads.mkdir()
    args = ("--backend", "extractive", "--corpus", str(folder / "corpus"))
    with running_app(folder / "index", folder, *args) as url, \
            chromium(url, tmp_path_factory.mktemp("chromium-profile"), downloads) as driver:
        yield url, folder, driver, downloads


def _yellow(pixel) -> bool:
    red, green, blue = pixel[:3]
    return red > 200 and green > 150 and blue < 215 and red - blue > 40


def _char_boxes(page_index: int, words: str) -> list[dict]:
    """pdfplumber's characters printing words on that page (top-left origin, points)."""
    with pdfplumber.open(PDF) as pdf:
        page = pdf.pages[page_index]
        chars = [c for c in page.chars if not c["text"].isspace()]
        text = "".join(c["text"] for c in chars)
        start = text.index(words)
        return chars[start:start + len(words)], float(page.width)


def test_source_card_opens_the_printed_page_with_the_cited_words_highlighted(pdf_site):
    from io import BytesIO

    from PIL import Image

    url, folder, driver, _ = pdf_site
    answer, _ = ask(driver, QUESTION)
    assert "4,296人" in answer and "[1]" in answer
    card = driver.find_element("css selector", "#sources #source-1")
    assert "第2页" in card.text
    card.find_element("css selector", ".source-page summary").click()
    image = card.find_element("css selector", ".source-page img")
    wait_for(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image), 30)
    driver.execute_script("arguments[0].scrollIntoView()", image)
    time.sleep(0.3)
    shot(driver, "11-printed-page")
    png = Image.open(BytesIO(image.screenshot_as_png)).convert("RGB")

    chars, page_width = _char_boxes(3, CITED)
    border = 1  # the image's CSS border is part of the element's screenshot
    scale = (png.width - 2 * border) / page_width
    x0, x1 = min(c["x0"] for c in chars) * scale + border, max(c["x1"] for c in chars) * scale + border
    top = min(c["top"] for c in chars) * scale + border
    y = int(top - 0.6 * scale)  # just above the glyphs: inside the mark's padding, no ink
    row = [png.getpixel((x, y)) for x in range(png.width)]
    middle = int((x0 + x1) / 2)
    assert _yellow(row[middle]), row[middle]
    left = middle
    while left > 0 and _yellow(row[left - 1]):
        left -= 1
    right = middle
    while right < png.width - 1 and _yellow(row[right + 1]):
        right += 1
    # The highlight's box on this row covers the cited words, with a few pixels of padding.
    assert left <= x0 + 2 and right >= x1 - 2, (left, right, x0, x1)
    heading, _ = _char_boxes(3, "二、学生发展")  # printed above the passage: not highlighted
    hx = int((heading[0]["x0"] + heading[-1]["x1"]) / 2 * scale) + border
    assert not _yellow(png.getpixel((hx, int((heading[0]["top"] - 0.6) * scale) + border)))
    # Checked: the answer, its [1] card and the highlighted page are what the README shows, at the window's size.
    size = driver.get_window_size()
    driver.set_window_size(1400, 1500)  # tall enough for the question, the answer and the whole page image
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.5)
    DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(DOCS_SHOT))
    driver.set_window_size(size["width"], size["height"])

    link = card.find_element("css selector", ".source-page a.page-pdf")
    href = link.get_attribute("href")
    assert href.startswith(url) and href.endswith("#page=4")
    with urlopen(href.split("#")[0], timeout=10) as response:
        assert response.headers["content-type"] == "application/pdf" and response.read() == PDF.read_bytes()


def test_answer_exported_as_word_keeps_its_footnotes(pdf_site):
    url, folder, driver, downloads = pdf_site
    if not driver.find_elements("css selector", "#sources #source-1"):
        ask(driver, QUESTION)
    answer_text = driver.find_elements("css selector", "#chat [data-testid='bot']")[-1].text
    wait_for(driver, lambda d: d.find_element("css selector", "#export-answer-docx").is_enabled(), 30)
    time.sleep(0.5)  # the buttons get their files right after the answer
    driver.find_element("css selector", "#export-answer-docx").click()
    saved = downloads / "问答导出.docx"
    wait_for(driver, lambda d: saved.exists() and not list(downloads.glob("*.crdownload")), 30)
    document = docx.Document(str(saved))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "4,296人" in body and "4,296人" in answer_text and QUESTION in body
    notes = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/footnotes.xml")
    text = notes.blob.decode("utf-8")
    assert "第2页" in text and "《江川职业技术学院" in text
    assert document.element.body.xpath(".//w:footnoteReference")


def test_page_endpoint_for_gradio_client(pdf_site):
    from gradio_client import Client
    from PIL import Image

    url, folder, _, _ = pdf_site
    passage = next(p for p in Report(folder / "corpus", folder / "index").passages() if "4,296" in p.text)
    path = Client(url, verbose=False).predict(passage.id, 500, api_name="/page")
    with Image.open(path) as image:
        assert image.format == "PNG" and 499 <= image.width <= 501


def test_a_pdf_removed_after_indexing_is_said_in_the_card(pdf_site):
    url, folder, driver, _ = pdf_site
    (folder / "corpus" / PDF.name).unlink()
    ask(driver, "新生报到多少人？")
    card = driver.find_element("css selector", "#sources #source-1")
    shot(driver, "12-pdf-removed")
    assert not card.find_elements("css selector", ".source-page img")
    assert "已不在语料目录中" in card.find_element("css selector", ".page-missing").text
