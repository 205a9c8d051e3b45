"""Keyword tokens for BM25: jieba words for Chinese, whole figures (1200, 3.5万, 40%) kept as tokens."""
from __future__ import annotations

import itertools
import logging
import re
import threading

from rag.text.normalize import for_search

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:%|万|亿)*")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
_UNITS = {"万": 10_000, "亿": 100_000_000}
# Question words and particles: they say nothing about which passage answers.
STOPWORDS = set(
    "的 了 是 在 和 与 及 等 有 为 中 对 把 被 从 到 也 都 而 或 之 其 这 那 哪 些 个 吗 呢 吧 啊 么 "
    "什么 多少 哪些 哪个 哪里 哪儿 怎么 怎样 如何 是否 请问 请 一下 我们 你们 他们 它 此 该 为此 对此 几 谁 "
    "报告 情况 介绍 一共 总共 共 给 说 讲 提到 了解 告诉 关于 方面 具体 主要 the a an of in on to and "
    "is are was were what which who how many much does did do for by with".split()
)

# Full names and the short forms officials ask with: the full name also gives the short one, so that 省科技奖 finds
# 江苏省科学技术奖 (jieba reads them as unrelated words: 科学技术 vs 科技).
ABBREVIATIONS = {"科学技术": "科技", "科学技术奖": "科技奖", "高新技术产业开发区": "高新区", "经济技术开发区": "经开区", "经济开发区": "经开区",
                 "职业技术学院": "职院", "职业技术大学": "职大"}

_jieba_lock = threading.Lock()
_jieba = None


def _segmenter():
    global _jieba
    with _jieba_lock:  # jieba builds its dictionary lazily and is not safe to initialise twice at once
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba = jieba
    return _jieba


def _number_tokens(raw: str) -> list[str]:
    tokens = [raw]
    value = raw.rstrip("%万亿")
    scale = 1
    for unit in raw[len(value):]:
        scale *= _UNITS.get(unit, 1)
    if scale > 1:
        # 3.5万 also as 35000, so that "35,000" in an English question finds it.
        number = float(value) * scale
        tokens.append(str(int(number)) if number.is_integer() else str(number))
    return tokens


def words(text: str) -> list[str]:
    """jieba's words of the text in order, as printed: nothing dropped, nothing normalised (the text is their join)."""
    return _segmenter().lcut(text) if text else []


def _words(text: str) -> list[str]:
    if not text.strip():
        return []
    out = [w for w in _segmenter().lcut_for_search(text) if w.strip() and _WORDLIKE.search(w) and w not in STOPWORDS]
    return out + [short for full, short in ABBREVIATIONS.items() if full in text and short not in out]


def tokens(text: str) -> list[str]:
    """Tokens of a passage or a question; both sides go through exactly this function."""
    text = for_search(text)
    out: list[str] = []
    pos, scale = 0, ""
    for match in _NUMBER.finditer(text):
        out += _scaled_unit(scale, _words(text[pos:match.start()]))
        out += _number_tokens(match.group())
        pos = match.end()
        joined = re.match(r"[\u3400-\u9fff]", text[pos:pos + 1])  # 万元, not 万，学生
        scale = match.group().lstrip("0123456789.%") if joined else ""
    out += _scaled_unit(scale, _words(text[pos:]))
    return out


def _scaled_unit(scale: str, words: list[str]) -> list[str]:
    """3,465万元 also gives 万元, the word a question asks with (多少万元, 多少万件, 多少万人次): the printed figure's
    own tokens are 3465万 and 元, so a real 统计公报's 3524.70万件 never matched 多少万件."""
    if scale and words and len(words[0]) <= 2 and words[0][0] not in "万亿":
        return [scale + words[0], *words]
    return words


def atoms(words: set[str]) -> set[str]:
    """Words without the compounds jieba's search mode also gives as parts: 媒体报道 is 媒体 + 报道 (a row printing
    媒体累计报道 holds both parts, not the compound), 技术骨干 is 技术 + 骨干."""
    return {w for w in words if not any(w[:i] in words and w[i:] in words for i in range(1, len(w)))}


def straddling(words: set[str]) -> dict[str, tuple[str, str]]:
    """The words jieba's search mode gives across a compound's two parts, with those parts: 村居 of 农村居民 (农村 +
    居民). A text holding both parts holds what the word was cut from, though not the word: 农村常住居民 (library
    evaluation: 农村居民人均可支配收入 fell below the coverage a figures-table answer needs)."""
    out = {}
    for w in words:
        for i in (i for i in range(1, len(w)) if w[:i] in words and w[i:] in words):
            for a, b in itertools.combinations(range(len(w) + 1), 2):
                if a < i < b and (a, b) != (0, len(w)) and w[a:b] in words:
                    out[w[a:b]] = (w[:i], w[i:])
    return out
