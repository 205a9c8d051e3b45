"""Read a Word document: paragraphs and tables in the order they stand, heading styles as # headings."""
from __future__ import annotations

import io
import re

from rag.ingest.plain import ReadText


def read_docx(data: bytes) -> ReadText:
    """Word: paragraphs in order, "Heading N" / "标题 N" styles become # headings, table rows one line each."""
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines = [_docx_line(p) for p in document.paragraphs]
        lines += [" | ".join(cell.text.strip() for cell in row.cells) for table in document.tables for row in table.rows]
    except Exception as err:  # python-docx raises zipfile, lxml and KeyError alike on damaged files
        raise ValueError(f"无法读取 DOCX，文件可能已损坏（corrupt DOCX: {type(err).__name__}）") from None
    text = "\n".join(lines)
    if not text.strip():
        raise ValueError("DOCX 中没有文字（no text in DOCX）")
    return ReadText(text, "docx")


def _docx_line(paragraph) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    level = re.search(r"(?:Heading|标题)\s*(\d)", style)
    if level or style == "Title":
        return "#" * int(level.group(1) if level else 1) + " " + paragraph.text.strip()
    return paragraph.text
