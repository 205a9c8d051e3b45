"""English made in code for the report's Chinese: a figure in English beside the figure as printed (200万元 → 2 million
yuan (200万元)), the kind of thing an English question asks for, and the text outside quotes and brackets."""
from __future__ import annotations

import re
from decimal import Decimal

from rag.text.figures import QUANTITY, Figure, extract_figures

# 余/多 after the figure, 超/近/约 before it: the English qualifier written before the number.
_QUALIFIERS = {"余": "over", "多": "over", "+": "over", "超": "over", "超过": "over", "逾": "over", "以上": "over",
               "之多": "as many as", "高达": "as much as", "多达": "as many as", "近": "nearly", "将近": "nearly",
               "接近": "nearly", "约": "about", "大约": "about", "左右": "about", "不足": "under", "不到": "under",
               "以下": "up to", "至少": "at least", "最多": "at most"}
# Units that name what is counted, in English (plural; the singular where the figure is 1). A classifier
# (家, 名, 个, 项) names nothing: the English noun after the figure does (over 1,200 (1 200 余家) enterprises).
_UNITS = {"元": ("yuan", "yuan"), "美元": ("US dollars", "US dollar"), "港元": ("HK dollars", "HK dollar"),
          "欧元": ("euros", "euro"), "日元": ("yen", "yen"), "英镑": ("pounds", "pound"), "澳元": ("A$", "A$"),
          "USD": ("US dollars", "US dollar"), "人次": ("person-times", "person-time"), "人": ("people", "person"),
          "场": ("sessions", "session"), "次": ("times", "time"), "个百分点": ("percentage points", "percentage point"),
          "百分点": ("percentage points", "percentage point"), "亩": ("mu", "mu"), "吨": ("tonnes", "tonne"),
          "公里": ("km", "km"), "平方公里": ("km²", "km²"), "平方米": ("m²", "m²"), "立方米": ("m³", "m³"),
          "吨公里": ("tonne-km", "tonne-km"), "人公里": ("passenger-km", "passenger-km"), "千瓦时": ("kWh", "kWh"),
          "千瓦": ("kW", "kW"), "公顷": ("hectares", "hectare"), "米": ("metres", "metre"),
          "小时": ("hours", "hour"), "学时": ("class hours", "class hour"), "课时": ("class hours", "class hour"),
          "天": ("days", "day"), "周": ("weeks", "week"), "个月": ("months", "month"), "年": ("years", "year"),
          "岁": ("years old", "year old"), "倍": ("times", "time"), "批次": ("batches", "batch"),
          "门": ("courses", "course")}
_PERCENT = {"%": "%", "‰": "‰"}


def _number(value: Decimal) -> str:
    """1200 → 1,200; 2000000 → 2 million; 17526000000 → 17.526 billion (no trailing zeros)."""
    for scale, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(value) >= scale:
            return f"{_plain(value / scale)} {word}"
    return _plain(value)


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():,f}" if value != value.to_integral_value() else f"{int(value):,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def render(figure: Figure) -> str:
    """The figure in English words: 1 200 余家 → over 1,200; 近 6 亿元 → nearly 600 million yuan; 超40% → over 40%."""
    qualifier = _QUALIFIERS.get(figure.qualifier or "", "")
    number = _number(figure.value)
    unit = figure.unit or ""
    if unit in _PERCENT:
        words = f"{number}{_PERCENT[unit]}"
    elif unit in _UNITS:
        plural, singular = _UNITS[unit]
        words = f"{number} {singular if figure.value == 1 and not qualifier else plural}"
    else:
        words = number
    return f"{qualifier} {words}".strip()


def render_printed(printed: str) -> str:
    """A figure as printed, in English beside it: 200万元 → 2 million yuan (200万元)."""
    found = [f for f in extract_figures(printed) if f.kind == QUANTITY]
    return f"{render(found[0])} ({printed.strip()})" if found else printed


# What an English question counts, as the unit the report counts it in: enterprises → 家, sessions → 场.
_KINDS = (
    (re.compile(r"\bperson[- ]times?\b|\bman[- ]times?\b|\btrainee[- ]times?\b", re.I), "人次"),
    (re.compile(r"\bhow much\b|\bmoney\b|\bfund(?:s|ing)?\b|\bbudget\b|\binvest(?:ment|ed)?\b|\byuan\b|\bRMB\b"
                r"|\bspend(?:ing)?\b|\bvalue\b|\bincome\b|\brevenue\b|\bcost\b", re.I), "元"),
    (re.compile(r"\b(?:share|percentage|proportion|rate|per ?cent)\b", re.I), "%"),
    (re.compile(r"\b(?:enterprises?|compan(?:y|ies)|firms?|businesses|employers|organi[sz]ations)\b", re.I), "家"),
    (re.compile(r"\b(?:schools?|colleges?|universit(?:y|ies)|institutions?)\b", re.I), "所"),
    (re.compile(r"\b(?:sessions?|events?|fairs?|meetings?|activities|trainings?|courses held)\b", re.I), "场"),
    (re.compile(r"\b(?:people|persons?|teachers?|students?|trainees?|graduates?|staff|employees|workers|experts?"
                r"|engineers?|technicians?|members|instructors?)\b", re.I), "人"),
    (re.compile(r"\b(?:majors?|programmes?|programs?|specialties|specialities)\b", re.I), "个"),
    (re.compile(r"\b(?:projects?|patents?|items?|problems?|achievements?|awards?|prizes?)\b", re.I), "项"),
    (re.compile(r"\btimes\b|\breports?\b", re.I), "次"),
)
_ASKS_COUNT = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:is|was|were) the (?:number|amount|total|value|share)\b"
                         r"|\bwhat (?:share|percentage|proportion)\b|\bnumber of\b|\bamount of\b", re.I)


def asks_count(question: str) -> bool:
    """How many / how much / what share: the question asks for a figure."""
    return bool(_ASKS_COUNT.search(question))


def asked_unit(question: str) -> str | None:
    """The unit an English question asks for (How many enterprises → 家, How much money → 元); None when it asks
    for no figure or does not say of what."""
    if not _ASKS_COUNT.search(question):
        return None
    asked = question[_ASKS_COUNT.search(question).start():]
    hits = [(m.start(), -len(m.group()), unit) for pattern, unit in _KINDS for m in [pattern.search(asked)] if m]
    return min(hits)[2] if hits else None  # the first named, the longest there: person-times, not person


def outside_brackets(text: str) -> str:
    """The text outside quotes and brackets, nested ones too: “建立“理事会”…” is one quotation."""
    out, depth = [], 0
    for ch in text:
        if ch in "“《(（「":
            depth += 1
        elif ch in "”》)）」" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


__all__ = ["render", "render_printed", "asks_count", "asked_unit", "outside_brackets"]
