"""Heading numbering schemes (第N章 … 1.1.1, 壹、, 附件) and heading levels from the order in which styles nest."""
from __future__ import annotations

import re

_CN = "一二三四五六七八九十百零〇两"
_TRAD = "壹貳贰參叁肆伍陸陆柒捌玖拾"
_NOT_UNIT = r"(?!\s*[%％分万亿元个人倍年月日家项所度])"  # 72.6分 opens a sentence, not section 72.6
# (scheme, pattern): the scheme names a numbering style; its level comes from where it first appears.
SCHEMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第[{_CN}\d]+[部篇编](?:分)?(?=[\s\u3000]|$|[^\d{_CN}])")),
    ("chapter", re.compile(rf"^第[{_CN}\d]+章")),
    ("section", re.compile(rf"^第[{_CN}\d]+节")),
    ("trad", re.compile(rf"^[{_TRAD}]+[、.．]")),
    ("cn", re.compile(rf"^[{_CN}]+[、.．]")),
    ("cn-paren", re.compile(rf"^[（(][{_CN}]+[）)]")),
    ("d3", re.compile(rf"^\d{{1,2}}[.．]\d{{1,2}}[.．]\d{{1,2}}(?![.．\d]){_NOT_UNIT}")),
    ("d2", re.compile(rf"^\d{{1,2}}[.．]\d{{1,2}}(?![.．\d]){_NOT_UNIT}")),
    ("d1", re.compile(r"^\d{1,2}(?:[、]|[.．](?!\d))")),
    ("d0", re.compile(r"^\d{1,2}\s+(?=[\u3400-\u9fff])")),  # 1 发展背景 (papers and white papers)
    ("d-paren", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circled", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")),
    ("annex", re.compile(r"^(?:附件|附表|附录)[\s\d一二三四五六七八九十：:]*")),
)
_SENTENCE_END = re.compile(r"[。；;，,、：:]$")


def scheme(title: str) -> str | None:
    """The numbering scheme a heading's text starts with, or None."""
    text = title.strip()
    return next((name for name, pattern in SCHEMES if pattern.match(text)), None)


def looks_like_heading_text(text: str, limit: int = 40) -> bool:
    """Short, and not ending as a sentence or a clause does: a numbered list item that is a sentence is body text."""
    text = text.strip()
    return 0 < len(text) <= limit and not _SENTENCE_END.search(text) and not text.endswith(("。", "！", "？"))


class Levels:
    """Heading levels from nesting: a style seen for the first time nests under the heading open at that point.

    A style is a numbering scheme, else the typography (size, bold) of an unnumbered heading. 第N章 is always
    below a 第N部分 and above everything else; this is how readers of Word reports and typeset books read them.
    """

    def __init__(self) -> None:
        self.level_of: dict[str, int] = {}
        self.stack: list[str] = []  # styles of the headings open now, outermost first

    def level(self, style: str) -> int:
        if style in self.level_of:
            level = self.level_of[style]
        else:
            level = self._new_level(style)
            self.level_of[style] = level
        del self.stack[level - 1:]
        self.stack += [""] * (level - 1 - len(self.stack)) + [style]
        return level

    def _new_level(self, style: str) -> int:
        if style == "part":
            return 1
        if style == "chapter":
            return self.level_of.get("part", 0) + 1
        return len(self.stack) + 1
