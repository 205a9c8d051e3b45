"""A sentence that states a relation between figures (相同, 都为, 一共, 多, 少, 倍, 超过, 最多) must state one that
holds for the figures the report prints: checked in code, or the sentence is dropped."""
from __future__ import annotations

import itertools
import re
from decimal import Decimal

from rag.ingest.facts import Figure as Row
from rag.text.figures import QUANTITY, Figure, extract_figures, units_compatible
from rag.text.normalize import for_search

_SAME = re.compile(r"相同|一样|相等|持平|都为|都是|均为|均是|皆为|同为|\bthe same\b|\bequal\b|\bboth\b", re.I)
_TOTAL = re.compile(r"一共|合计|总共|总计|共计|加起来|总和|\bin total\b|\baltogether\b|\bcombined\b", re.I)
_DIFFERENCE = re.compile(r"相差|差距|差额|多出|高出|多了|少了|比[^，。；]{1,30}(?:多|少|高|低)|more than|fewer than|less than", re.I)
_TIMES = re.compile(r"(\d+(?:\.\d+)?)\s*倍|(\d+(?:\.\d+)?)\s*times", re.I)
_MORE = re.compile(r"超过|多于|高于|大于|领先|more than|greater than|exceeds?", re.I)
_FEWER = re.compile(r"少于|低于|小于|不及|不如|fewer than|less than", re.I)
_MOST = re.compile(r"最多|最高|最大|最少|最低|最小|\bmost\b|\bhighest\b|\blargest\b|\bfewest\b|\blowest\b", re.I)
TOLERANCE = Decimal("0.02")  # relative: rounding in the sentence (约2.3倍 of 2.31) is not a false relation


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), Decimal(1))


def _quantities(sentence: str) -> list[Figure]:
    return [f for f in extract_figures(sentence) if f.kind == QUANTITY and f.unit not in ("倍",)]


def _named(sentence: str, rows: list[Row]) -> dict[str, set[Decimal]]:
    """The labels of cited rows the sentence names, each with the values the report prints under it (a label
    printed twice, as 专项建设经费 is, has two: a relation holds if it holds for either)."""
    key = for_search(re.sub(r"[\s“”\"]", "", sentence))
    named: dict[str, set[Decimal]] = {}
    for row in rows:
        bare = re.sub(r"[（(].*?[）)]", "", row.label)
        # “智改数转网联”专项培训 is named as such, or as 专项培训
        for label in (for_search(re.sub(r"[“”\"]", "", bare)), for_search(re.sub(r"“[^”]*”", "", bare))):
            if len(label) >= 2 and label in key:
                named.setdefault(label, set()).add(Decimal(str(row.value)))
                break
    for label in list(named):  # 培训 inside 企业定制培训: the longer label is the one named
        if any(label != other and label in other for other in named):
            del named[label]
    return named


def _choices(named: dict[str, set[Decimal]]) -> list[tuple[Decimal, ...]]:
    return list(itertools.product(*named.values()))


def _any(named: dict[str, set[Decimal]], holds) -> bool:
    return any(holds(choice) for choice in _choices(named))


def broken(sentence: str, rows: list[Row]) -> str | None:
    """Why the relation the sentence states does not hold for its figures (or for the rows it names), else None.

    rows: the figures-table rows of the passages the sentence cites."""
    figures = _quantities(sentence)
    values = [f.value for f in figures]
    named = _named(sentence, rows)
    pair = len(named) == 2
    said = figures[0].value if len(figures) == 1 else None
    same = _SAME.search(sentence)
    # 相同/一样 claim equal numbers; 都为/均为 only when a figure follows (都为80余场), not 两者都是常态化活动.
    explicit = same is not None and same.group(0) in ("相同", "一样", "相等", "持平")
    if same and (explicit or re.match(r"\s*[约近超逾]?\s*[\d一二三四五六七八九十两]", sentence[same.end():])):
        if len(set(values)) > 1 and explicit:
            return "称两数相同，但句中数字不同"
        if pair and not _any(named, lambda c: c[0] == c[1] and (said is None or said == c[0])):
            return "称两数相同，但报告中的数字不同"
    total = _TOTAL.search(sentence)
    if total and len(figures) >= 3:
        terms = list(values)
        terms.remove(max(values))
        if not _close(sum(terms), max(values)):
            return "合计与各项之和不符"
    if total and said is not None and len(named) >= 2 and not _any(named, lambda c: _close(sum(c), said)):
        return "合计与报告中各项之和不符"  # 日常运行经费和专项建设经费一共200万元
    times = _TIMES.search(sentence)
    if times:
        n = Decimal(times.group(1) or times.group(2))
        if len(figures) >= 2:
            if min(values) and not _close(n, max(values) / min(values)):
                return "倍数与原文数字不符"
        elif pair and not _any(named, lambda c: min(c) > 0 and _close(n, max(c) / min(c))):
            return "倍数与报告中的数字不符"
    if len(figures) == 3 and _DIFFERENCE.search(sentence) and not total:
        a, b, c = values
        if all(units_compatible(f.unit, figures[0].unit) for f in figures) and not any(
                _close(x, abs(y - z)) for x, y, z in ((a, b, c), (b, a, c), (c, a, b))):
            return "差值与原文数字不符"
    if said is not None and pair and _DIFFERENCE.search(sentence) and not times and not total:
        # 专项建设经费比日常运行经费多2000万元: a difference is never one of its two sides.
        if not _any(named, lambda c: said not in c and _close(said, abs(c[0] - c[1]))) and not _any(
                named, lambda c: said in c and not re.search(r"多出|高出|相差|差距|差额|多了|少了|比[^，。；]{1,30}[多少高低]\S{0,3}\d", sentence)):
            return "差值与报告中的数字不符"
    if len(figures) == 2 and figures[0].start < figures[1].start:
        between = sentence[figures[0].end:figures[1].start]
        first, second = values
        if _MORE.search(between) and not _FEWER.search(between) and first <= second:
            return "称前者多于后者，但原文数字相反"
        if _FEWER.search(between) and first >= second:
            return "称前者少于后者，但原文数字相反"
    if _MOST.search(sentence) and said is not None and len(named) >= 2:
        fewest = re.search(r"最少|最低|最小|fewest|lowest", sentence, re.I) is not None
        if not _any(named, lambda c: said == (min(c) if fewest else max(c))):
            return "称“最”，但另有更大（或更小）的数字"
    return None


# A figure the answer computes (rag.answer.numeric): 相差：2000万元 − 200万元 = 1800万元，据[1]计算。
_COMPUTED = re.compile(r"(?P<terms>[^：:]+?)\s*(?P<sign>[=≈])\s*约?(?P<result>-?[\d,]+(?:\.\d+)?)[^，,]*，据(?:\[\d+\])+计算")
_TERM = re.compile(r"-?[\d,]+(?:\.\d+)?")
_OPS = {"+": lambda a, b: a + b, "−": lambda a, b: a - b, "÷": lambda a, b: a / b}


def computed_result(sentence: str) -> str | None:
    """The result of the arithmetic the sentence shows, when that arithmetic is right: it is computed, not
    printed, so no passage holds it; None when the sentence shows none (or shows it wrong)."""
    m = _COMPUTED.search(sentence)
    if m is None:
        return None
    numbers = [Decimal(t.replace(",", "")) for t in _TERM.findall(m.group("terms"))]
    ops = re.findall(r"\s([+−÷])\s", m.group("terms"))
    if not numbers or len(ops) != len(numbers) - 1:
        return None
    value = numbers[0]
    for op, number in zip(ops, numbers[1:]):
        if op == "÷" and not number:
            return None
        value = _OPS[op](value, number)
    result = Decimal(m.group("result").replace(",", ""))
    exact = m.group("sign") == "="
    return m.group("result") if (value == result if exact else _close(value, result)) else None
