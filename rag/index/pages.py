"""The printed page of a PDF passage as a PNG with the passage's lines highlighted: rendered with pypdfium2
(Apache/BSD) from the corpus file only, once per passage and width, cached in the index version's pages/ folder."""
from __future__ import annotations

import io
import os
import re
import uuid
from pathlib import Path

from rag.errors import PageError
from rag.passage import Passage

CACHE_DIR = "pages"  # inside the index version folder: removed with its version, never served as a folder
MIN_WIDTH, MAX_WIDTH = 200, 2400  # pixels: below, no character is legible; above, a page is megabytes
HIGHLIGHT = (250, 204, 21, 96)  # translucent yellow over the cited lines
OUTLINE = (217, 119, 6, 255)
PAD = 1.5  # points around each line box, so the mark does not touch the glyphs
_SAFE_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def pdf_path(corpus_dir: Path, passage: Passage) -> Path:
    """The corpus file that prints the passage; PageError when it is no PDF, lies outside the corpus or is gone."""
    if not passage.source.lower().endswith(".pdf"):
        raise PageError(f"这段原文来自 {passage.source or '非 PDF 文件'}，不是 PDF，没有原页图像，请查看整节原文"
                        "（not a PDF source: no page image）")
    root = corpus_dir.resolve()
    path = (root / passage.source).resolve()
    if not path.is_relative_to(root):  # a source name with .. or a link out of the corpus is never opened
        raise PageError(f"原文文件不在语料目录内，拒绝读取：{passage.source}（outside the corpus folder: refused）")
    if not path.is_file():
        raise PageError(f"原文 PDF 已不在语料目录中：{passage.source}，无法显示原页（the PDF was removed from the corpus "
                        "after indexing）")
    return path


def check(corpus_dir: Path, passage: Passage) -> None:
    """Raises PageError when the passage has no page to show (see pdf_path), or no recorded place on one."""
    pdf_path(corpus_dir, passage)
    if passage.page_index is None:
        raise PageError("索引中没有这段原文在 PDF 中的位置，请重建索引：python -m rag index"
                        "（no page position recorded: rebuild the index）")


def clamp_width(width: int | None, default: int) -> int:
    """The width asked for, within MIN_WIDTH..MAX_WIDTH; None: the configured default."""
    try:
        wanted = int(default if width is None else width)
    except (TypeError, ValueError):
        raise PageError(f"图像宽度应为整数像素，收到 {width!r}（width must be an integer）") from None
    return min(max(wanted, MIN_WIDTH), MAX_WIDTH)


def render(path: Path, page_index: int, boxes: tuple, width: int) -> bytes:
    """PNG of one page at width pixels with each box (PDF points from the top-left) marked."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise PageError(f"原文 PDF 无法打开：{path.name}（cannot open the PDF: {err}）") from None
    try:
        if not 0 <= page_index < len(pdf):
            raise PageError(f"原文 PDF 在建立索引后已改动（没有第 {page_index + 1} 页），请重建索引：python -m rag index"
                            "（the PDF changed after indexing）")
        page = pdf[page_index]
        scale = width / page.get_width()
        image = page.render(scale=scale, draw_annots=True).to_pil().convert("RGBA")
    finally:
        pdf.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, top, x1, bottom in boxes:
        draw.rectangle([(x0 - PAD) * scale, (top - PAD) * scale, (x1 + PAD) * scale, (bottom + PAD) * scale],
                       fill=HIGHLIGHT, outline=OUTLINE, width=max(1, round(scale)))
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def cached_page(version: Path, corpus_dir: Path, passage: Passage, width: int) -> bytes:
    """The passage's page at that width: from the version's cache, else rendered and stored there (an index
    folder that cannot be written to only means rendering again next time)."""
    check(corpus_dir, passage)
    path = pdf_path(corpus_dir, passage)
    name = f"{passage.id}-{width}.png" if _SAFE_ID.match(passage.id) else None
    target = version / CACHE_DIR / name if name else None
    if target is not None and target.is_file():
        return target.read_bytes()
    data = render(path, passage.page_index, passage.boxes, width)
    if target is not None:
        try:
            target.parent.mkdir(exist_ok=True)
            partial = target.with_name(f".{uuid.uuid4().hex}.partial")
            partial.write_bytes(data)
            os.replace(partial, target)  # whole or absent, even with two visitors opening the page at once
        except OSError:
            pass
    return data
