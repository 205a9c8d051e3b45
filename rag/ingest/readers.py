"""Which reader reads which file type; each returns a ReadText (lines, the page of each line, tables)."""
from __future__ import annotations

from rag.ingest.docx import read_docx
from rag.ingest.pdf import read_pdf
from rag.ingest.plain import ReadText, read_text

__all__ = ["READERS", "ReadText"]

READERS = {".txt": read_text, ".md": read_text, ".markdown": read_text, ".pdf": read_pdf, ".docx": read_docx}
