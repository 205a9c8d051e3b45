"""Find numeric figures in Chinese/English text, normalise them, and check them against passages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

QUANTITY, ORDINAL, DATE, LABEL = "quantity", "ordinal", "date", "label"


@dataclass(frozen=True)
class Figure:
    """One figure: `value` is fully scaled (3.5万 -> 35000); `unit` is canonical (yuan -> 元)."""

    raw: str
    value: Decimal
    unit: str | None
    qualifier: str | None
    start: int
    end: int
    kind: str = QUANTITY

    @property
    def number(self) -> float:
        return float(self.value)


# Full-width forms map one-to-one so offsets into the original text stay valid.
# Full-width digits, and Traditional 萬/億 read as 万/亿 (one character each: positions stay those of the text).
_WIDTH = str.maketrans("０１２３４５６７８９％，．　萬億", "0123456789%,. 万亿")

# One separator throughout a number: "2,107 782,727 587,695" is three table cells, not 2107782727587695.
_ARABIC = (
    r"(?<![\d.])(?:\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3}(?!\d))+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?)"
)
_ZH_DIGITS = "〇零一二两三四五六七八九"
_ZH = rf"[〇一二两三四五六七八九十][{_ZH_DIGITS}十百千万亿]*"
_NUM = re.compile(rf"(?P<pct>百分之)?(?:(?P<ar>{_ARABIC})|(?P<zh>{_ZH}))")

_ZH_DIGIT_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ZH_MAG = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_EN_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9}

# Longest first, so 人次 wins over 人 and 个百分点 over 个.
_ZH_UNITS = sorted(
    ["个百分点", "百分点", "美元", "港元", "欧元", "日元", "英镑", "澳元", "人次", "批次", "平方公里", "平方米", "立方米", "吨公里", "人公里", "千瓦时", "千瓦", "公顷", "公里", "个月", "课时", "学时", "小时", "年度", "年代", "元", "人", "名", "位", "项", "家", "个", "场", "次", "所", "门", "份", "批", "届", "期", "篇", "部", "本", "册", "件", "度", "套", "台", "支", "种", "类", "条", "处", "座", "间", "亩", "米", "吨", "户", "倍", "天", "周", "年", "月", "日", "号", "岁", "%", "‰"],
    key=len, reverse=True,
)
_EN_UNITS = {
    "yuan": "元", "rmb": "元", "cny": "元", "renminbi": "元",
    "person-time": "人次", "person-times": "人次", "person time": "人次", "person times": "人次",
    "man-time": "人次", "man-times": "人次", "trainee-time": "人次", "trainee-times": "人次",
    "percent": "%", "per cent": "%", "pct": "%",
    "percentage point": "个百分点", "percentage points": "个百分点",
    "people": "人", "person": "人", "persons": "人", "individuals": "人", "students": "人",
    "teachers": "人", "trainees": "人", "graduates": "人", "staff": "人", "employees": "人",
    "workers": "人", "engineers": "人", "technicians": "人", "experts": "人", "members": "人",
    "enterprises": "家", "companies": "家", "firms": "家", "businesses": "家", "employers": "家",
    "schools": "所", "colleges": "所", "universities": "所", "institutions": "所",
    "items": "项", "projects": "项", "patents": "项", "achievements": "项", "problems": "项",
    "times": "次", "sessions": "场", "events": "场", "fairs": "场", "activities": "场",
    "meetings": "场", "batches": "批次", "delegations": "批次",
    "gbps": "Gbps", "mbps": "Mbps",
    "courses": "门", "hours": "小时", "days": "天", "weeks": "周", "months": "个月", "years": "年",
}
_EN_UNIT_RE = re.compile(
    r"\s?(" + "|".join(sorted((re.escape(u) for u in _EN_UNITS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_EN_SCALE_RE = re.compile(r"\s?(thousand|million|billion|trillion|bn)\b", re.IGNORECASE)

_UNIT_CLASS = {
    "元": "currency", "USD": "usd", "美元": "usd", "港元": "hkd", "欧元": "eur", "日元": "jpy", "英镑": "gbp",
    "澳元": "aud", "%": "percent", "‰": "permille",
    "个百分点": "points", "百分点": "points",
    "人": "people", "名": "people", "位": "people",
    "家": "organisation", "所": "organisation",
    "次": "occasion", "场": "occasion", "批": "occasion", "批次": "occasion", "届": "occasion",
    "期": "occasion", "项": "item", "件": "item", "册": "item", "个": "generic",
    "年": "years", "年度": "years", "个月": "months", "天": "days", "周": "weeks",
    "小时": "hours", "课时": "hours", "学时": "hours",
}
# Classes that measure something other than a head-count of things: never swap with 个.
_NON_COUNT = {
    "currency", "usd", "hkd", "eur", "jpy", "gbp", "aud", "percent", "permille", "points", "years", "months", "days", "weeks",
    "hours", "米", "公里", "平方公里", "平方米", "立方米", "吨公里", "人公里", "千瓦时", "千瓦", "公顷", "亩", "吨", "倍", "岁", "月", "日", "号", "年代",
}

_ZH_PREFIX_QUAL = sorted(
    ["将近", "接近", "近", "超过", "超", "逾", "约", "大约", "不足", "不到", "高达", "多达", "至少", "最多"], key=len, reverse=True
)
_EN_PREFIX_QUAL = re.compile(
    r"(?:^|(?<=[^A-Za-z]))(more than|over|nearly|almost|about|around|approximately|roughly|"
    r"some|up to|at least|less than|fewer than|under|close to|in excess of|exceeding)\s*$",
    re.IGNORECASE,
)
_SUFFIX_QUAL = ("以上", "以下", "左右", "之多")
_CURRENCY_PREFIX = {"¥": "元", "￥": "元", "RMB": "元", "CNY": "元", "US$": "USD", "$": "USD", "USD": "USD"}
_LABEL_BEFORE = re.compile(
    r"(第|图|表|附件|附表|附图|章|节|编号|序号|No\.|Fig\.|Figure|Table|Chapter|Section|"
    r"Appendix|Part|page|p\.|#|Top|TOP|top)\s*$"
)
# What a count in 万 leaves over, then its unit: 1 萬 5,705 人 (Taiwan writes counts so). The unit must follow:
# two table cells 3万 1200 are not one number.
_REMAINDER = re.compile(r"[ \u00a0]?(\d,\d{3}|\d{4})(?![\d.,])(?=[ \u00a0]?(?:余|多)?(?:人次|人|名|位|家|所|个|项|件|次|场|户|元))")
_BRACKETS = {"(": ")", "（": "）", "[": "]", "【": "】", "［": "］", "〔": "〕"}
_LIST_ONLY = re.compile(r"^[\d\s,，、\-–~～" + _ZH_DIGITS + r"十]*$")


def _parse_zh(s: str) -> Decimal | None:
    """Parse 两千万 / 十八 / 一亿二千万 / 二〇二四; None for non-numbers like 十四五."""
    if all(c in _ZH_DIGIT_VALUE for c in s):
        if len(s) == 1:
            return Decimal(_ZH_DIGIT_VALUE[s])
        # Digit-by-digit reading is for years (二〇二四); 一一 in 唯一一个 is prose.
        if len(s) < 3:
            return None
        return Decimal("".join(str(_ZH_DIGIT_VALUE[c]) for c in s))
    total, wan, small = Decimal(0), Decimal(0), Decimal(0)
    num: Decimal | None = None
    for c in s:
        if c in _ZH_DIGIT_VALUE:
            if num is not None:
                return None
            num = Decimal(_ZH_DIGIT_VALUE[c])
        elif c in "十百千":
            small += (num if num is not None else Decimal(1)) * _ZH_MAG[c]
            num = None
        elif c == "万":
            wan += (small + (num or 0)) * _ZH_MAG[c]
            small, num = Decimal(0), None
        else:  # 亿
            total = (total + wan + small + (num or 0)) * _ZH_MAG[c]
            wan, small, num = Decimal(0), Decimal(0), None
    return total + wan + small + (num or 0)


def _parse_arabic(s: str) -> Decimal:
    digits = re.sub(r"[,\s\u00a0\u2009\u202f]", "", s)
    return Decimal(digits)


def _apply_mags(value: Decimal, mags: str) -> Decimal:
    for c in mags:
        value *= _ZH_MAG[c]
    return value


def _skip_space(text: str, i: int) -> int:
    # Markdown bold around the digits ("**3.5**万人次") must not cut the unit off.
    m = re.match(r"(?:\*\*|__)?[ \u00a0]?(?:\*\*|__)?", text[i:i + 5])
    return i + m.end() if m else i


def _take(text: str, i: int, options: Iterable[str]) -> str | None:
    for opt in options:
        if text.startswith(opt, i):
            return opt
    return None


def _prefix(text: str, start: int) -> tuple[int, str | None, str | None]:
    """Walk left over a currency sign (¥, RMB) and a qualifier (近, more than); return new start."""
    i, unit, qualifier = start, None, None
    j = i - 1 if i > 0 and text[i - 1] == " " else i
    for sign, canon in sorted(_CURRENCY_PREFIX.items(), key=lambda kv: -len(kv[0])):
        if text.endswith(sign, 0, j):
            i, unit = j - len(sign), canon
            break
    j = i - 1 if i > 0 and text[i - 1] == " " else i
    zh = _take_before(text, j, _ZH_PREFIX_QUAL)
    if zh is not None:
        return j - len(zh), unit, zh
    window_start = max(0, i - 20)
    m = _EN_PREFIX_QUAL.search(text, window_start, i)
    if m:
        i, qualifier = m.start(1), m.group(1).lower()
    return i, unit, qualifier


def _take_before(text: str, end: int, options: Iterable[str]) -> str | None:
    for opt in options:
        if text.endswith(opt, 0, end):
            return opt
    return None


def _is_year(value: Decimal) -> bool:
    return value == value.to_integral_value() and 1900 <= value <= 2100


def _kind(text: str, fig_start: int, num_start: int, end: int, value: Decimal, unit: str | None,
          qualifier: str | None, scaled: bool, core: str, is_zh: bool) -> str:
    before = text[max(0, fig_start - 12):fig_start]
    after = text[end:end + 2]
    if before.rstrip().endswith("第"):
        return ORDINAL
    plain = qualifier is None and not scaled and "," not in core and " " not in core.strip()
    if plain and (unit in (None, "年", "年度", "届", "级") and _is_year(value) and len(core) == 4):
        return DATE
    if unit in ("年代", "日", "号") or (unit == "月" and plain and 1 <= value <= 12):
        return DATE
    if _LABEL_BEFORE.search(before):
        return LABEL
    if unit is None:
        # Glued to Latin letters: model names and codes such as 5G, H200, Qwen2.5.
        if (num_start > 0 and text[num_start - 1].isascii() and text[num_start - 1].isalpha()) or (
            end < len(text) and text[end].isascii() and text[end].isalpha()
        ):
            return LABEL
        if after[:1] in ("、", "是") or (after[:1] in (".", ")") and _at_line_start(text, fig_start)):
            return LABEL
        if _in_bracket_list(text, fig_start, end):
            return LABEL
        if plain and not is_zh and len(core) >= 7:
            return LABEL  # long bare digit strings are ids or phone numbers
    return QUANTITY


def _at_line_start(text: str, i: int) -> bool:
    line_start = text.rfind("\n", 0, i) + 1
    return text[line_start:i].strip(" \t*-#>") == ""


def _in_bracket_list(text: str, start: int, end: int) -> bool:
    """True for （一）, (3), [1], 【2】, [1, 3]: citations and enumerators, not amounts."""
    left = start - 1
    while left >= 0 and start - left <= 16 and text[left] not in _BRACKETS and text[left] != "\n":
        left -= 1
    if left < 0 or text[left] not in _BRACKETS:
        return False
    close = _BRACKETS[text[left]]
    right = text.find(close, end, end + 16)
    return right != -1 and bool(_LIST_ONLY.match(text[left + 1:right]))


def extract_figures(text: str, include_all: bool = False) -> list[Figure]:
    """All quantities in text; include_all adds ordinals, dates and labels (kind says which)."""
    norm = text.translate(_WIDTH)
    figures: list[Figure] = []
    for m in _NUM.finditer(norm):
        if figures and m.start() < figures[-1].end:
            continue  # the 5,705 of 1 萬 5,705 人, read with it
        fig = _figure_at(norm, text, m)
        if fig is not None and (include_all or fig.kind == QUANTITY):
            figures.append(fig)
    return figures


def _figure_at(norm: str, text: str, m: re.Match[str]) -> Figure | None:
    core = m.group("ar") or m.group("zh")
    is_zh = m.group("zh") is not None
    if is_zh:
        value = _parse_zh(core)
        if value is None:
            return None
    else:
        value = _parse_arabic(core)
    i = m.end()
    qualifier: str | None = None
    unit: str | None = "%" if m.group("pct") else None
    scaled = is_zh and any(c in "万亿" for c in core)
    # Suffix chain, each step optional: 余/多, 万/亿 (or million), 余/多, unit, 以上/左右.
    j = _skip_space(norm, i)
    if norm[j:j + 1] in ("余", "多", "+") and unit is None:
        qualifier, i = norm[j], j + 1
    j = _skip_space(norm, i) if not is_zh or qualifier else i
    mags = re.match(r"[十百千万亿]+", norm[j:]) if not is_zh or qualifier else None
    if mags and (not is_zh or qualifier) and unit is None:
        value, i, scaled = _apply_mags(value, mags.group()), j + mags.end(), True
        if mags.group()[-1] == "万" and qualifier is None and (rest := _REMAINDER.match(norm, i)):
            value, i = value + _parse_arabic(rest.group(1)), rest.end(1)  # 1 萬 5,705人 is 15705人
    elif not is_zh and (sm := _EN_SCALE_RE.match(norm, i)):
        value, i, scaled = value * _EN_SCALE[sm.group(1).lower()], sm.end(), True
    if qualifier is None and norm[i:i + 1] in ("余", "多"):
        qualifier, i = norm[i], i + 1
    if unit is None:
        j = _skip_space(norm, i)
        zh_unit = _take(norm, j, _ZH_UNITS)
        if zh_unit is not None:
            unit, i = zh_unit, j + len(zh_unit)
        elif not is_zh and (um := _EN_UNIT_RE.match(norm, i)):
            unit, i = _EN_UNITS[um.group(1).lower()], um.end()
    suffix = _take(norm, i, _SUFFIX_QUAL)
    if suffix and qualifier is None:
        qualifier, i = suffix, i + len(suffix)
    fig_start, cur_unit, pre_qual = _prefix(norm, m.start())
    unit = unit or cur_unit
    qualifier = pre_qual or qualifier
    kind = _kind(norm, fig_start, m.start(), i, value, unit, qualifier, scaled, core, is_zh)
    # Bare 一/二 + classifier is prose (一个, 二次开发), and a Chinese numeral with no unit
    # and no 万/亿 is usually part of a name (十八大, 三湘), not an amount.
    if is_zh and kind == QUANTITY and (core in ("一", "二") or (unit is None and not scaled)):
        return None
    return Figure(text[fig_start:i], value, unit, qualifier, fig_start, i, kind)


def answers_unit(unit: str | None, asked: str) -> bool:
    """A figure's unit gives what was asked for: 元 is asked of any money (29.5亿美元 answers 多少亿美元)."""
    if asked == "元":
        return unit == "元" or _UNIT_CLASS.get(unit or "") in ("usd", "hkd", "eur", "jpy", "gbp", "aud")
    if asked == "%":  # a rate is printed per cent or per mille: 人口出生率 8.47‰ (library evaluation, unnamed questions)
        return unit in ("%", "‰")
    return unit == asked


# What a question asking in one unit may be answered in: people in 人, 名, 位 or 人次; sessions in 场, 次, 期.
_KINDS = ({"人", "名", "位", "人次"}, {"家", "所"}, {"场", "次", "期", "批", "批次", "届"}, {"项", "件", "个"})


def answers_kind(unit: str | None, asked: str) -> bool:
    """A figure in this unit answers a question asking for that kind of thing: 80余场 does not answer how many
    enterprises (家), 3.5万人次 answers how many people were trained, any money answers 元."""
    if asked in ("元", "%"):
        return answers_unit(unit, asked)
    group = next((g for g in _KINDS if asked in g), None)
    if group is not None:
        return unit in group or (unit == "个" and asked in ("家", "所", "项", "个"))
    return units_compatible(unit, asked) and unit is not None


def units_compatible(a: str | None, b: str | None) -> bool:
    """Missing units match anything; 个 matches any head-count; otherwise classes must agree."""
    if a is None or b is None:
        return True
    ca, cb = _UNIT_CLASS.get(a, a), _UNIT_CLASS.get(b, b)
    if ca == cb:
        return True
    if "generic" in (ca, cb):
        other = cb if ca == "generic" else ca
        return other not in _NON_COUNT
    return False


def same_figure(a: Figure, b: Figure) -> bool:
    """Same value with a compatible unit, whatever the notation (qualifiers such as 余 aside)."""
    return a.value == b.value and units_compatible(a.unit, b.unit)


_same = same_figure


def is_grounded(figure: Figure, passage_text: str) -> bool:
    """Whether the passage states the same value with a compatible unit (any notation)."""
    return any(_same(figure, other) for other in extract_figures(passage_text, include_all=True))


__all__ = [
    "answers_unit",
    "DATE",
    "LABEL",
    "ORDINAL",
    "QUANTITY",
    "Figure",
    "extract_figures",
    "is_grounded",
    "same_figure",
    "units_compatible",
]
