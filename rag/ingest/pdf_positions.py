"""Where a PDF prints each of its passages: the file's page and the line boxes of the passage's characters, read
from pypdfium2's text layer at ingestion (the page view highlights them without reading the text again)."""
from __future__ import annotations

import dataclasses
import logging
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from dataclasses import dataclass

from rag.passage import Box, Passage

log = logging.getLogger("rag.ingest.positions")

GRAM = 3  # characters per n-gram that votes for a page: 3 CJK characters rarely repeat across pages by chance
MIN_BLOCK = 3  # a run of matched characters shorter than this is coincidence (one digit, 的), not the passage
MIN_SHARE = 0.3  # a page must hold this share of a passage's n-grams to be its page


@dataclass(frozen=True)
class PageText:
    """One page's text layer without white space: its characters, each one's index in pdfium's text page, and
    the character boxes of those (x0, top, x1, bottom from the top-left)."""
    text: str
    boxes: tuple[Box, ...]


def _fold(ch: str) -> str:
    # Full-width digits and compatibility forms print as their plain letters in the chunker's text.
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def squeeze(text: str) -> str:
    """A passage's text as it is compared with a page: no white space, compatibility forms folded."""
    return "".join(_fold(c) for c in text if not c.isspace())


def read_pages(data: bytes) -> list[PageText]:
    """Every page's printed characters with their boxes; a rotated page has none (its boxes would need turning)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    pages = []
    try:
        for page in pdf:
            height = page.get_height()
            if page.get_rotation():
                pages.append(PageText("", ()))
                continue
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            chars, boxes = [], []
            for i, ch in enumerate(raw[:textpage.count_chars()]):
                if ch.isspace() or ch == "\ufffe":
                    continue
                left, bottom, right, top = textpage.get_charbox(i, loose=True)
                chars.append(_fold(ch))
                boxes.append((left, height - top, right, height - bottom))
            pages.append(PageText("".join(chars), tuple(boxes)))
    finally:
        pdf.close()
    return pages


def _grams(text: str) -> set[str]:
    return {text[i:i + GRAM] for i in range(max(len(text) - GRAM + 1, 1))}


def best_page(text: str, votes: dict[str, set[int]], pages: int) -> int | None:
    """The page holding most of the passage's n-grams (at least MIN_SHARE of them), or None."""
    grams = _grams(text)
    count: Counter[int] = Counter()
    for gram in grams:
        count.update(votes.get(gram, ()))
    if not count:
        return None
    page, held = max(count.items(), key=lambda item: (item[1], -item[0]))
    return page if 0 <= page < pages and held >= max(1, MIN_SHARE * len(grams)) else None


def matched_chars(text: str, page: PageText) -> list[int]:
    """Indices of the page's characters that print the passage: the passage itself where the page has it whole,
    else the runs of MIN_BLOCK or more characters the two share in order (a table row re-written as a sentence)."""
    start = page.text.find(text)
    if start >= 0:
        return list(range(start, start + len(text)))
    blocks = SequenceMatcher(None, text, page.text, autojunk=False).get_matching_blocks()
    return [j for block in blocks if block.size >= MIN_BLOCK for j in range(block.b, block.b + block.size)]


def line_boxes(indices: list[int], boxes: tuple[Box, ...]) -> tuple[Box, ...]:
    """One box per printed line piece: consecutive characters on the same line merged (a new piece where the next
    character is not to the right on the same baseline)."""
    out: list[list[float]] = []
    last: Box | None = None
    for i in indices:
        x0, top, x1, bottom = boxes[i]
        if x1 <= x0 or bottom <= top:
            continue  # a character pdfium gives no extent
        middle = (top + bottom) / 2
        same_line = (last is not None and last[1] <= middle <= last[3] and x0 >= last[0] - 0.5
                     and x0 - last[2] <= 3 * (bottom - top))
        if same_line:
            box = out[-1]
            box[0], box[1], box[2], box[3] = min(box[0], x0), min(box[1], top), max(box[2], x1), max(box[3], bottom)
        else:
            out.append([x0, top, x1, bottom])
        last = (x0, top, x1, bottom)
    return tuple(tuple(round(v, 1) for v in box) for box in out)  # type: ignore[misc]


def locate(data: bytes, passages: list[Passage]) -> list[Passage]:
    """The passages of one PDF with page_index and boxes set where their text is found on a page (passages never
    run over a page break); the others as they were."""
    pages = read_pages(data)
    votes: dict[str, set[int]] = {}
    for number, page in enumerate(pages):
        for gram in _grams(page.text):
            votes.setdefault(gram, set()).add(number)
    out = []
    for p in passages:
        text = squeeze(p.text)
        number = best_page(text, votes, len(pages)) if len(text) >= GRAM else None
        if number is None:
            out.append(p)
            continue
        boxes = line_boxes(matched_chars(text, pages[number]), pages[number].boxes)
        out.append(dataclasses.replace(p, page_index=number, boxes=boxes) if boxes else p)
    return out
