"""English made in code for the report's Chinese: a figure in English beside the figure as printed (200万元 → 2 million
yuan (200万元)), the kind of thing an English question asks for, and the text outside quotes and brackets."""
from __future__ import annotations

import re
from collections.abc import Iterable
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


# A figure asked by what it is rather than by how many (real-document questions, issue 30): "What was X's liquidity
# ratio …, in per cent?", "What was the 2023 cut-off score …?" — the noun the phrase ends in says so, and its kind.
_IN_UNIT = re.compile(r"\bin (?:(?P<pct>per ?cent|percent(?:age)?s?)|(?:units? of\s+)?(?:[\d,]+\s+|ten thousand\s+|"
                      r"(?:a |one )?hundred million\s+|million\s+|billion\s+)?(?P<yuan>yuan|RMB))\b", re.I)
_WHAT_HEAD = re.compile(r"\bwhat\s+(?:(?:is|was|were|are|will be)\s+(?:[\w'’-]+\s+){0,10}?|(?:[\w'’-]+\s+){0,3}?)"
                        r"(?P<head>rate|ratio|percentage"
                        r"|proportion|share|score|area|population|income|revenue|budget|output|weight|length|salary|wage"
                        r"|price|cost|expenditure|spending|investment|number|amount|total|value|count)s?\b", re.I)
_HEAD_UNITS = {"rate": "%", "percentage": "%", "proportion": "%", "share": "%", "income": "元", "revenue": "元",
               "budget": "元", "salary": "元", "wage": "元", "price": "元", "cost": "元", "expenditure": "元",
               "spending": "元", "investment": "元", "value": "元"}


def asks_count(question: str) -> bool:
    """How many / how much / what share, or a figure asked by what it is (what was the cut-off score…, …in per
    cent?): the question asks for a figure."""
    return bool(_ASKS_COUNT.search(question) or _WHAT_HEAD.search(question) or _IN_UNIT.search(question))


def asked_unit(question: str) -> str | None:
    """The unit an English question asks for (How many enterprises → 家, How much money → 元, …in per cent → %); None
    when it asks for no figure or does not say of what."""
    explicit = _IN_UNIT.search(question)
    if explicit:
        return "%" if explicit.group("pct") else "元"
    found = _ASKS_COUNT.search(question)
    if not found:
        head = _WHAT_HEAD.search(question)
        if head is None:
            return None
        word = head.group("head").lower()
        if word not in ("number", "amount", "total", "count"):
            return _HEAD_UNITS.get(word)  # a ratio, a score or an area is counted in no unit of _KINDS
        found = head
    asked = question[found.start():]
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




# -- what an English question asks for, in its own words --------------------------------------------------------------
# The question's noun phrase for the figure asked, said back when nothing better says what a figure is (no model, no
# glossary measure for its label): "for the number of job vacancies asked", never a measure made up.
_VERB = (r"(?:did|do|does|were|was|are|is|has|have|had|will|would|can|could|should|must|may|might|got|went"
         r"|came|reached|stood)")
_MEASURE_PATTERNS = (
    ("the number of ", re.compile(rf"\bhow many\s+(?:of\s+(?:the\s+)?)?(?P<np>[^?;]+?)\s+{_VERB}\b", re.I)),
    ("the amount of ", re.compile(rf"\bhow much\s+(?P<np>[^?;]*?)\s*{_VERB}\b", re.I)),
    ("", re.compile(r"\bwhat (?:is|was|were|are|will be|would be)\s+(?P<np>[^?;]+)", re.I)),
    ("the ", re.compile(rf"\b(?:what|which)\s+(?P<np>(?!{_VERB}\b)[a-z][^?;]*?)\s+{_VERB}\b", re.I)),
)
_TRAILING = re.compile(r"[\s,]+(?:in|at|on|of|for|by|from|to|with|and|or|the|a|an)$", re.I)
MAX_MEASURE_WORDS = 12  # longer, the phrase is cut at a comma or a preposition before its twelfth word


def asked_measure(question: str) -> str:
    """What an English question asks the figure of, in its own words: "the number of job vacancies" (How many job
    vacancies…), "the amount of money" (How much money…), "the total value of Zhoukou's goods imports and exports in
    2023" (What was…). "" when it says nothing more than how much."""
    question = re.sub(r"\s*\([^)]*\)", "", question)  # (in square metres), (办公费): said elsewhere
    for lead, pattern in _MEASURE_PATTERNS:
        m = pattern.search(question)
        if not m:
            continue
        phrase = m.group("np").split(",")[0].strip()
        phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I) if lead else phrase
        words = phrase.split()
        if len(words) > MAX_MEASURE_WORDS:
            cut = next((n for n in range(MAX_MEASURE_WORDS, 1, -1) if words[n].lower() in
                        {"in", "at", "on", "of", "for", "by", "from", "to", "with", "whose", "that", "which"}), 0)
            phrase = " ".join(words[:cut or MAX_MEASURE_WORDS])
        while _TRAILING.search(phrase):
            phrase = _TRAILING.sub("", phrase)
        if phrase and re.search(r"[A-Za-z]{2}", phrase):
            return lead + phrase
    return ""


# -- names printed in the documents, found by their pinyin -------------------------------------------------------------
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’]s)?")
MIN_NAME_CHARS = 2  # one syllable (Li, An) names nothing reliably: 李, 安 or a hundred others
MAX_NAME_CHARS = 6  # 黔东南苗族侗族 is as long as a place name read from its pinyin gets


class Romanised:
    """The documents' Chinese, found by its toneless pinyin: Zhoukou → 周口, Qiandongnan → 黔东南, Taoyuan → 桃園,
    Ping An → 平安. A question's place and person names are read from what the indexed documents print, not listed by
    hand (as rag.retrieve.query.case_aliases reads the cases' places)."""

    def __init__(self, texts: Iterable[str]):
        from pypinyin import lazy_pinyin

        chars: list[str] = []
        syllables: list[str] = []
        for text in texts:
            for run in _CJK_RUN.findall(text):
                said = lazy_pinyin(run)
                if len(said) != len(run):  # a character pypinyin does not read: the run is not indexed
                    continue
                chars += [*run, ""]
                syllables += [s.replace("v", "u").lower() for s in said] + [""]
        self._chars, self._syllables = chars, syllables
        self._printed = "".join(c or "\n" for c in chars)
        self._simple: str | None = None
        starts: dict[str, list[int]] = {}
        for i, syllable in enumerate(syllables):
            if syllable:
                starts.setdefault(syllable, []).append(i)
        self._starts = starts

    def printed(self, latin: str) -> str | None:
        """The Chinese the documents print most often whose pinyin is latin (letters only, any case): 'Zhoukou' → 周口.
        None when nothing printed reads so, or only one character does."""
        key = re.sub(r"[^a-z]", "", latin.lower())
        found: dict[str, int] = {}
        for size in range(1, min(6, len(key)) + 1):
            for i in self._starts.get(key[:size], ()):
                at, j = size, i + 1
                while at < len(key) and j - i < MAX_NAME_CHARS and self._syllables[j] \
                        and key.startswith(self._syllables[j], at):
                    at += len(self._syllables[j])
                    j += 1
                if at == len(key) and j - i >= MIN_NAME_CHARS:
                    word = "".join(self._chars[i:j])
                    found[word] = found.get(word, 0) + 1
        return max(found, key=lambda w: (found[w], w)) if found else None


    def prints(self, chinese: str) -> str | None:
        """The text as the documents print it (Traditional or Simplified), if they do: 桃园国际机场 → 桃園國際機場."""
        if chinese in self._printed:
            return chinese
        from rag.text.normalize import to_simplified

        if self._simple is None:
            self._simple = to_simplified(self._printed)
        at = self._simple.find(to_simplified(chinese))
        if at < 0:
            return None
        return self._printed[at:at + len(chinese)] if len(self._simple) == len(self._printed) else chinese


# What an English name says its body or place is, and how Chinese ends such a name: Wuhan University → 武汉大学,
# Qiandongnan Prefecture → 黔东南州, Wanli Subdistrict → 万里街道. Used only where the documents print the whole.
NAME_KINDS = (
    ("University of Science and Technology", "科技大学"), ("University of Technology", "理工大学"),
    ("Normal University", "师范大学"), ("Medical University", "医科大学"), ("University", "大学"),
    ("Vocational and Technical College", "职业技术学院"), ("Vocational College", "职业学院"),
    ("Polytechnic", "职业技术学院"), ("College", "学院"), ("Institute of Technology", "理工学院"),
    ("Middle School", "中学"), ("Primary School", "小学"),
    ("International Airport", "国际机场"), ("Airport", "机场"), ("Railway Station", "火车站"),
    ("Subdistrict", "街道"), ("Street", "街道"), ("Prefecture", "州"), ("Autonomous Prefecture", "自治州"),
    ("Province", "省"), ("City", "市"), ("County", "县"), ("District", "区"), ("Town", "镇"), ("Township", "乡"),
    ("Village", "村"), ("New Area", "新区"), ("Development Zone", "开发区"), ("High-tech Zone", "高新区"),
    ("Bank", "银行"), ("Group", "集团"), ("Hospital", "医院"), ("Library", "图书馆"), ("Museum", "博物馆"),
)
_KIND_WORDS = sorted(((tuple(w.lower() for w in re.findall(r"[A-Za-z]+", en)), zh) for en, zh in NAME_KINDS),
                     key=lambda kind: len(kind[0]), reverse=True)


def _kind_after(question: str, end: int) -> tuple[int, str] | None:
    """(end, Chinese ending) of a kind of body or place named right after a name: " University of Science…"."""
    words = [(m.group().lower(), m.end()) for m in re.finditer(r"[A-Za-z]+", question[end:end + 60])]
    if not words or not re.match(r"\s+[A-Za-z]", question[end:end + 3]):
        return None
    for kind, chinese in _KIND_WORDS:
        said = [w for w, _ in words[:len(kind)]]
        if tuple(re.sub(r"s$", "", w) if w != "bus" else w for w in said) == tuple(
                re.sub(r"s$", "", k) for k in kind):
            return end + words[len(kind) - 1][1], chinese
    return None


def latin_names(question: str, romanised: Romanised) -> list[tuple[int, int, str]]:
    """(start, end, Chinese) for each run of capitalised words of an English question that the documents print in
    Chinese: "Zhoukou's" → 周口, "Ping An Bank" → 平安 (Bank is English), "Wanli Subdistrict Office" → 万里. Acronyms
    (CCTV, GDP) are not pinyin; the longest span that reads as something printed wins."""
    words = [m for m in _LATIN_WORD.finditer(question)]
    runs: list[list[re.Match[str]]] = []
    for m in words:
        word = re.sub(r"['’]s$", "", m.group())
        capitalised = word[:1].isupper() and not word.isupper()
        joined = runs and runs[-1] and question[runs[-1][-1].end():m.start()] in (" ", "-")
        if not capitalised:
            runs.append([])
        elif joined:
            runs[-1].append(m)
        else:
            runs.append([m])
    out: list[tuple[int, int, str]] = []
    for run in (r for r in runs if r):
        i = 0
        while i < len(run):
            for j in range(len(run), i, -1):
                latin = "".join(re.sub(r"['’]s$", "", m.group()) for m in run[i:j])
                chinese = romanised.printed(latin)
                if chinese:
                    end = run[j - 1].end() - (2 if re.search(r"['’]s$", run[j - 1].group()) else 0)
                    kind = _kind_after(question, end) if end == run[j - 1].end() else None
                    whole = kind and romanised.prints(chinese + kind[1])
                    out.append((run[i].start(), kind[0], whole) if whole else (run[i].start(), end, chinese))
                    i = j
                    break
            else:
                i += 1
    return out


__all__ = ["render", "render_printed", "asks_count", "asked_unit", "outside_brackets", "asked_measure", "Romanised",
           "latin_names"]
