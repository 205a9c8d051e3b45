"""Printed page number of each PDF page of the test documents, read from what the page itself prints (footer) or from /PageLabels."""
from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdf

ROOT = Path(__file__).resolve().parents[1]


def _footer(pattern: str):
    rx = re.compile(pattern)

    def label(index: int, text: str, labels: list[str]) -> str | None:
        tail = "\n".join(text.strip().splitlines()[-2:])
        m = rx.search(tail)
        return m.group(1) if m else None
    return label


# One rule per family: how a reader sees the page number on the page.
RULES = {
    "word": _footer(r"第\s*(\d+)\s*页\s*共\s*\d+\s*页"),
    "financial": _footer(r"(\d+)\s*/\s*\d+\s*$"),
    "two-column": _footer(r"(\d+)\s*/\s*\d+\s*$"),
    "traditional": _footer(r"-\s*(\d+)\s*-\s*$"),
    # slide numbers sit in the bottom-right corner as the last text line; title slides print none
    "slides": _footer(r"(?:^|\n)(\d+)\s*$"),
    # the book prints arabic/roman folios centred; /PageLabels carries the same numbers
    "book": lambda index, text, labels: labels[index],
}


def page_texts(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [(p.extract_text() or "") for p in doc.pages]


def printed_labels(pdf: Path, family: str) -> list[str | None]:
    texts = page_texts(pdf)
    labels = list(pypdf.PdfReader(pdf).page_labels)
    return [RULES[family](i, t, labels) for i, t in enumerate(texts)]
