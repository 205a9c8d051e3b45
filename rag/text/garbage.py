"""Text layers that are not text: the share of characters no real Chinese or English page is made of, and
private-use glyphs (Wingdings bullets) removed."""
from __future__ import annotations

import re
import unicodedata
from functools import cache

# Above this share a page's text layer is garbage. Measured: corpus/ 0.000; every page of the six test PDFs
# (simplified, traditional, financial tables, two columns) 0.000, but for a slide of Wingdings bullets 0.111;
# random characters of U+4E00–U+9FFF (CID glyphs mapped to wrong characters) 0.57–0.59, of U+3400–U+9FFF
# 0.67–0.69; report text with every other character a private-use glyph 0.51; GBK bytes read as Latin-1 0.70,
# UTF-8 bytes read as GBK 0.57.
GARBAGE_SHARE = 0.25
# pdfminer writes a glyph it cannot map to Unicode (no ToUnicode table) as "(cid:1234)": all ASCII, all garbage.
_CID = re.compile(r"\(cid:\d+\)")

_PRIVATE_USE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PUA = re.compile(rf"(?P<before>[ \t\u3000]*)[{_PRIVATE_USE}]+(?P<after>[ \t\u3000]*)")
_PUA_LINE = re.compile(rf"^[ \t\u3000]*[{_PRIVATE_USE}]+[ \t\u3000]*(?:\r?\n|$)", re.M)
_KEPT_CONTROLS = "\t\n\r\f"


@cache
def _big5_common(ch: str) -> bool:
    """Big5's symbols and its level-1 (frequent) characters: traditional Chinese is real text too."""
    try:
        code = int.from_bytes(ch.encode("big5"), "big")
    except UnicodeEncodeError:
        return False
    return 0xA140 <= code <= 0xA3BF or 0xA440 <= code <= 0xC67E


@cache
def _ordinary(ch: str) -> bool:
    """A character real Chinese or English text is made of: ASCII, punctuation, full-width forms, and the
    characters (and symbols) of GB2312 or of Big5's frequent level, symbols such as ▶ ✓ ≥; not private use, U+FFFD or a control."""
    if ch.isascii():
        return ch.isprintable() or ch in _KEPT_CONTROLS
    category = unicodedata.category(ch)
    if "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or category.startswith("P"):  # 〇 、 full width
        return True
    if "\u2000" <= ch <= "\u2bff" and category.startswith("S"):  # arrows, shapes, dingbats: ▶ ✓ ① ≥
        return True
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return _big5_common(ch)


def garbage_share(text: str) -> float:
    """The share of the non-space characters that are not ordinary text: private-use glyphs, U+FFFD, controls,
    rare CJK characters (CID-mapped glyphs come out as random ones), mojibake letters, pdfminer's "(cid:N)";
    0.0 for no text. Above GARBAGE_SHARE the text is not worth indexing."""
    cids = sum(len(m) for m in _CID.findall(text))
    chars = [ch for ch in _CID.sub("", text) if not ch.isspace()]
    if not chars and not cids:
        return 0.0
    return (cids + sum(not _ordinary(ch) for ch in chars)) / (cids + len(chars))


def is_garbage(text: str) -> bool:
    """The text is mostly not text: a text layer to ignore (or to recognise again from the page image)."""
    return garbage_share(text) > GARBAGE_SHARE


def strip_private_use(text: str) -> str:
    """Private-use glyphs (Wingdings bullets \\uf06c \\uf0b7 \\uf0d8 …) removed with the space around them:
    a line of them alone goes, at a line's start or end nothing is left, between words one space; ordinary
    bullets (•) stay. Measured on tests/documents/slides: each bullet is a line of its own (\uf06c, \uf0a7)."""
    def gap(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        at_edge = (start == 0 or text[start - 1] in "\r\n") or (end == len(text) or text[end] in "\r\n")
        return " " if (match["before"] or match["after"]) and not at_edge else ""

    text = _PUA_LINE.sub("", text)
    return _PUA.sub(gap, text)
