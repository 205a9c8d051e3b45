"""Text clean-up shared by parsing, indexing and querying: spaces in numbers, sentence ends."""
from __future__ import annotations

import functools
import re
import unicodedata

CJK = "\u3400-\u9fff\uf900-\ufaff"
# Chinese sentence ends, with the closing quotes/brackets that belong to the sentence.
_SENTENCE = re.compile(r"[^。！？；]*[。！？；]+[”’」』）)]*|[^。！？；]+$")
_TERMINAL = tuple("。！？；…”’」』）):：")

_SPACE_RULES = [
    (re.compile(r"(?<=\d)[ \u00a0\u3000](?=\d{3}(?!\d))"), ""),  # 1 200 -> 1200 (thousands groups)
    (re.compile(rf"(?<=[\d%{CJK}])[ \u00a0\u3000]+(?=[{CJK}])"), ""),  # 400 余项, 建设 赋能
    (re.compile(rf"(?<=[{CJK}])[ \u00a0\u3000]+(?=[\d“”‘’《》（(])"), ""),  # 近 6 亿元, 的 “破壁
    (re.compile(r"(?<=\d),(?=\d{3}(?!\d))"), ""),  # 35,000 -> 35000 (English answers and queries)
]


def squeeze_spaces(text: str) -> str:
    """Remove the spaces a PDF conversion puts inside numbers and between Chinese characters."""
    for pattern, repl in _SPACE_RULES:
        text = pattern.sub(repl, text)
    return text


def clean_title(text: str) -> str:
    """A heading as printed: decorations (#, ▶, ◎, **) and conversion spaces removed."""
    text = squeeze_spaces(re.sub(r"\s+", " ", re.sub(r"^[#\s▶◎*]+|[\s*]+$", "", text)))
    return re.sub(r"^(第[一二三四五六七八九十百\d]+章)(?=\S)", r"\1 ", text)  # 第三章 “…” keeps its space


def title_key(text: str) -> str:
    """Key to match a heading with its table-of-contents line despite spacing differences."""
    return re.sub(r"[\s\"“”'‘’]+", "", unicodedata.normalize("NFKC", text))


@functools.cache
def _simplified():
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def _traditional():
    import opencc

    return opencc.OpenCC("s2t")


def is_traditional(text: str) -> bool:
    """Written in Traditional characters: at least two (or, in a short text, one) that t2s changes."""
    changed = sum(a != b for a, b in zip(text, _simplified().convert(text)))
    return changed >= 2 or (changed == 1 and len(text) <= 12)


def to_simplified(text: str) -> str:
    """Traditional characters written Simplified, nothing else changed (digits and punctuation stay as printed)."""
    return _simplified().convert(text)


def to_traditional(text: str) -> str:
    return _traditional().convert(text)


def for_search(text: str) -> str:
    """The form that is embedded and keyword-indexed: full-width folded, spaces in numbers gone, Traditional
    characters written Simplified (a Traditional handbook answers 节能奖励金 and 節能獎勵金 alike; the excerpt and
    every evaluation question are unchanged by it, measured)."""
    return _simplified().convert(squeeze_spaces(unicodedata.normalize("NFKC", text))).lower()


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


def split_sentences(text: str) -> list[str]:
    """Split at Chinese sentence ends (。！？；) only: '3.5' or 'e.g.' never split a sentence."""
    out = []
    for line in text.splitlines():
        out.extend(s for s in (m.group(0).strip() for m in _SENTENCE.finditer(line)) if s)
    return out
