"""Numeric questions answered from the figures table in code: a figure, a comparison (with its difference or
ratio computed), a ranking, a total — every figure as printed, every row cited, or no table answer at all."""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from rag.ingest.facts import Figure, label_key
from rag.ingest.table import row_words
from rag.answer.asked import (DIFFERENCE, RATIO, REMAINDER, RESULT_WORDS, SHARE, against_time, as_printed, asked,
                              asked_terms, compared_with, names_asked_in)
from rag.retrieve.figures import FigureMatch, FigureTable, asked_unit
from rag.retrieve.query import asks_quantity, asks_structure, cases_named, expected_unit
from rag.text.figures import extract_figures, units_compatible
from rag.text.keywords import tokens
from rag.text.normalize import for_search

LOOKUP, COMPARE, RANK, TOTAL, WHERE = "lookup", "compare", "rank", "total", "where"
_TOTAL = re.compile(r"一共|合计|总共|总计|共计|加起来|加在一起|总和|合起来|\bin total\b|\baltogether\b|\bcombined\b", re.I)
_RANK = re.compile(r"最多|最少|最高|最低|最大|最小|排名|排序|排第|\bmost\b|\bhighest\b|\blargest\b|\bfewest\b|\bleast\b", re.I)
_COMPARE = re.compile(r"相比|比较|对比|哪[个项笔类种一][^，。？?]{0,4}(?:多|少|高|低|大|小)|谁多|谁更|差多少|多多少|少多少|相差|"
                      r"差距|差额|(?:增加|减少|增长|下降|提高|降低)了?多少|几倍|多少倍|倍数|分别|各是|各有|各为|各自|各多少|"
                      r"\bcompar|\bversus\b|\bvs\b|\bdifference\b|\btimes\b|\bthan\b", re.I)
_PERIODS = re.compile(r"\d{4}\s*(?:年度|年|届)")

# A figure quoted in the question and asked about (两处“超过40%”分别指什么): every place that prints it.
_QUOTED_FIGURE = re.compile(r"[“\"「『]([^”\"」』]{1,20})[”\"」』]")
_WHAT = re.compile(r"指什么|是什么|指的是|说的是|分别指|哪些方面|\bwhat\b.*\brefer", re.I)
_EXPLICIT_UNIT = re.compile(r"(?:多少|几)(?:万|亿)?(?:元|人次|人|名|家|场|项|个|份|次|所|门|件|部)|人数|场次|次数")
LABEL_SHARE = 0.6  # the question names at least this share of a row's label words (运行经费: 2 of 日常运行经费's 3)
COVERAGE = 0.75  # and the row's sentence and headings hold this share of the question's words
# A question naming the whole label (岗位能力标准有多少份) needs less of its other words in the row's sentence: 重构课程体系
# is said in the sentence before. Calibrated on eval/questions.jsonl: the not-covered questions stay below.
# Not when the label names whose the figure is, not what it measures: 中职学校 624所 does not answer 中职学校数据中心覆盖率.
WHOLE_LABEL, WHOLE_LABEL_COVERAGE = 0.9, 0.3
_WHOSE = re.compile(r"(?:学校|院校|高校|地区|省份|企业|单位|机构|部门|专业群|区公所)$")
SIDE_COVERAGE = 0.25  # one side of a comparison holds its own part of the question only


@dataclass(frozen=True)
class TableAnswer:
    """What the table answers: the text, with [n] marking rows' passages in the order of `passage_ids`."""
    kind: str  # lookup | compare | rank | total
    text: str
    passage_ids: tuple[str, ...]
    figures: tuple[Figure, ...]  # the rows used


def kind_of(question: str) -> str:
    if _TOTAL.search(question):
        return TOTAL
    if _RANK.search(question):
        return RANK
    if _COMPARE.search(question) or asked(question).op in (DIFFERENCE, RATIO):  # 本科的比专科的高多少元
        return COMPARE
    return LOOKUP


class _Citations:
    def __init__(self):
        self.ids: list[str] = []

    def mark(self, *rows: Figure) -> str:
        marks = []
        for row in rows:
            if row.passage_id not in self.ids:
                self.ids.append(row.passage_id)
            mark = f"[{self.ids.index(row.passage_id) + 1}]"
            if mark not in marks:
                marks.append(mark)
        return "".join(marks)


def _number(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral_value() else f"{int(value):,}"
    return text.replace(",", "") if abs(value) < 10000 else text


def _scaled(row: Figure) -> tuple[Decimal, str]:
    """The value in the unit as printed (200万元 → 200, 万元): arithmetic is shown in the report's own units."""
    m = re.search(r"([十百千万亿]+)\s*" + re.escape(row.unit) + r"\s*$", row.printed) if row.unit else None
    scale = m.group(1) if m else ""
    divisor = Decimal(1)
    for c in scale:  # 146,695百万元 is shown in 百万元, not as 14,669,500万元
        divisor *= {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}[c]
    return Decimal(str(row.value)) / divisor, scale + row.unit


def _common_scale(rows: list[Figure]) -> tuple[list[Decimal], str]:
    """Values in one printed unit when every row prints the same one, else in the plain unit."""
    scaled = [_scaled(r) for r in rows]
    if len({u for _, u in scaled}) == 1:
        return [v for v, _ in scaled], scaled[0][1]
    return [Decimal(str(r.value)) for r in rows], rows[0].unit


def describe(row: Figure) -> str:
    where = "，".join(p for p in (row.subject, row.period) if p)
    return f"{row.measure}（{where}）" if where else row.measure


def clause(row: Figure) -> str:
    """The ；-clause of the row's sentence that prints the figure: the quote an official can check at a glance."""
    for clause in row.sentence.split("；"):
        if row.raw in clause:
            return clause.rstrip("。")
    return row.sentence.rstrip("。")


def _approximate(rows: list[Figure]) -> bool:
    return any(r.qualifier for r in rows)


def _same_indicator(a: Figure, b: Figure) -> bool:
    """毕业去向落实率（%） and 去向落实率: one measure, its unit brackets aside, one name inside the other."""
    ka, kb = label_key(a.measure), label_key(b.measure)
    return len(min(ka, kb, key=len)) >= 2 and (ka in kb or kb in ka)


def _same_measure(a: Figure, b: Figure) -> bool:
    """One indicator, or one measure of two subjects: a Chinese label ends in what it measures (城镇居民人均可支配收入
    and 农村居民人均可支配收入 share 人均可支配收入; 农村居民人均消费支出 shares nothing at its end)."""
    ka, kb = label_key(a.measure), label_key(b.measure)
    common = len(os.path.commonprefix([ka[::-1], kb[::-1]]))
    return _same_indicator(a, b) or common >= max(2, min(len(ka), len(kb)) / 2)


def _table(rows: list[Figure], cite: _Citations) -> str:
    """Several figures as a table: one indicator over periods (one document) or over documents (one row each) as
    columns, 2022年 | 2023年 | 2024年 or 2023年度 | 2024年度; else a row each with whose it is and when."""
    rows = sorted(rows, key=lambda r: (r.year or 0, r.document, r.ordinal))  # as printed, oldest report first
    one = all(_same_indicator(r, rows[0]) for r in rows)
    documents = {r.document for r in rows}
    columns = ([r.period for r in rows] if len(documents) == 1
               else [f"{r.year}年度" if r.year else r.document for r in rows])
    if one and all(columns) and len(set(columns)) == len(rows):
        head = "| 指标 | " + " | ".join(columns) + " |"
        line = f"| {rows[0].measure} | " + " | ".join(f"{r.printed}{cite.mark(r)}" for r in rows) + " |"
        return "\n".join([head, "|---" * (len(rows) + 1) + "|", line])
    lines = ["| 指标 | 所属 | 时期 | 数值 | 出处 |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.measure} | {r.subject} | {r.period or '—'} | {r.printed} | {cite.mark(r)} |")
    return "\n".join(lines)


def _distinct(matches: list[FigureMatch]) -> list[FigureMatch]:
    """One row per figure printed: the same value and label printed twice (in 做法 and again in 成效) is one."""
    seen, out = set(), []
    for m in matches:
        key = (m.figure.value, m.figure.unit, m.figure.case, m.figure.document, m.figure.period)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _named_words(row: Figure, words: set[str]) -> set[str]:
    return set(tokens(f"{row.label} {row.column}")) & words


def _period_sides(question: str, matches: list[FigureMatch]) -> list[Figure] | None:
    """2023年和2024年的学费收入: one indicator in the periods the question names, one row each, in its order."""
    periods = list(dict.fromkeys(re.sub(r"\s", "", p) for p in _PERIODS.findall(question)))
    if len(periods) < 2:
        return None
    fitting = [m for m in _distinct(matches) if m.label >= LABEL_SHARE]
    if not fitting:
        return None
    measure = fitting[0].figure.measure
    sides = []
    for period in periods:
        rows = [m.figure for m in fitting if m.figure.measure == measure and m.figure.period == period]
        if len(rows) != 1:
            return None
        sides.append(rows[0])
    return sides


# …and 比 before what is more or less (本科的平均月收入比专科高多少元), not 比例, 比重 or 比上年.
_PART = re.compile(r"[，,、；;？?]|和|与|跟|以及|还是|相比|对比|比较|比(?![例重率上去前同])(?=[^，。？?]{1,20}(?:高|低|多|少|大|小))")
_CONTEXT = re.compile(r"(?:里|中|方面|上|期间|内|当中)$")
PART_COVERAGE = 0.35  # the row's sentence holds at least this share of the part's words…
PART_MARGIN = 0.1  # …and beats any row with another value by this much, in its sentence or in its label


def _same_kind(a: Figure, b: Figure) -> bool:
    """Counted in the same kind of unit (名 and 人 are; 个 is only 个's: 265个培训项目 are not people)."""
    return units_compatible(a.unit or None, b.unit or None) and ("个" not in (a.unit, b.unit) or a.unit == b.unit)


def _extra(row: Figure, part: str) -> int:
    """How many words the clause printing the figure says beyond the part of the question it is matched to."""
    return len(set(tokens(own_clause(row))) - set(tokens(part)))


def _part_sides(question: str, table: FigureTable, unit: str | None) -> list[Figure] | None:
    """The things a comparison or total names, one per part of the question (常州每年的专项建设经费，和市里给新增专业
    配套的经费相比): each part matched alone, within the cases the whole question names and in the unit of the
    first side; a part no row speaks of (哪个更多) is connective text. A part that two rows with different values fit
    about as well, or that fits none well enough, leaves the question to the passages (None)."""
    cases = cases_named(question, table.aliases)
    sides: list[Figure] = []
    for part in _PART.split(question):
        if not table.question_words(part) or _CONTEXT.search(part.strip()):
            continue  # 常州联合体“双岗互聘”里: where the sides are, not a side
        found = [m for m in _distinct(table.match(part, unit, require_label=False, cases=cases))
                 if m.coverage > 0 and (not sides or _same_kind(m.figure, sides[0]))]
        if not found:
            continue  # 哪一笔更多, 相比之下哪个更多, 怎么样
        best = max(found, key=lambda m: (m.score, -_extra(m.figure, part), -m.figure.ordinal))
        if sides:  # 城镇居民人均可支配收入比农村居民高出多少: of rows that fit the part as well, one measured as the first
            same = [m for m in found if _same_measure(m.figure, sides[0]) and m.coverage >= best.coverage - PART_MARGIN
                    and all(m.figure.id != s.id for s in sides)]
            found = same or found
            best = max(found, key=lambda m: (m.score, -_extra(m.figure, part), -m.figure.ordinal))
        # About as good, and said of nothing more than the best: 本科毕业生平均月收入6356元 is asked, not 在省外就业的本科
        # 毕业生平均月收入7243元, whose clause says more than the question does.
        close = [m for m in found if m is not best and m.figure.value != best.figure.value
                 and m.coverage > best.coverage - PART_MARGIN and m.label > best.label - PART_MARGIN
                 and _extra(m.figure, part) <= _extra(best.figure, part)]
        if best.coverage < PART_COVERAGE or close:
            return None
        # The side's sentence or row prints what its part names (a year, a body, a place, a programme): a part fits a
        # neighbouring row's words well enough otherwise.
        row = best.figure
        if not names_asked_in(own_clause(row), f"{row.sentence} {row.column} {row.period} {row.section} {row.case} "
                              f"{row.document} {row.chapter}", (set(), asked_terms(f"{part}是多少")[1]), row.document):
            return None
        if all(best.figure.id != s.id for s in sides):
            sides.append(best.figure)
    return sides if len(sides) >= 2 else None


def _sides(table: FigureTable, matches: list[FigureMatch], words: set[str]) -> list[Figure] | None:
    """The things a comparison or total names, one row each: rows whose label the question names, taken best
    first, each naming a word of the question that no side before it names. A label printed twice with different
    values (专项建设经费: 2000万元 每年, 近400万元 for the new majors) is taken where another side is printed, else
    the question is ambiguous: None."""
    claimed: set[str] = set()
    picked: list[list[Figure]] = []  # each side: its row, or the rows of one label printed with different values
    candidates = [m for m in _distinct(matches) if m.label >= LABEL_SHARE and m.coverage >= SIDE_COVERAGE]
    ranked = sorted(candidates, key=lambda m: (-sum(table.idf(w) for w in _named_words(m.figure, words)),
                                               -m.score, m.figure.ordinal))
    for m in ranked:
        named = _named_words(m.figure, words)
        if named - claimed:
            picked.append([m.figure] + [r.figure for r in ranked
                                        if r.figure.label == m.figure.label and r.figure.value != m.figure.value])
            claimed |= named
    settled = [side[0] for side in picked if len(side) == 1]
    sides = []
    for side in picked:
        if len(side) == 1:
            sides.append(side[0])
            continue
        near = [f for f in side if any(f.sentence == s.sentence for s in settled)]
        if len(near) != 1:
            return None
        sides.append(near[0])
    return sides


_CLAUSE_END = re.compile(r"[，,；;。：:！？!?]")


def own_clause(row: Figure) -> str:
    """The comma-clause that prints the figure (a table row: its line without the other columns' cells): what the
    figure is said of there. (A row's whole line names every column: asked 2024's 实际录取, a row's 招生计划 cell was
    named by the 实际录取 header beside it; asked 硕士, the 本科 column of a row that has a 硕士 column.)"""
    if row.kind == "table":
        return row_words(row.sentence, row.column)
    at = row.sentence.find(row.raw)
    if at < 0:
        return row.sentence
    start = max((m.end() for m in _CLAUSE_END.finditer(row.sentence, 0, at)), default=0)
    end = _CLAUSE_END.search(row.sentence, at + len(row.raw))
    return row.sentence[start:end.start() if end else len(row.sentence)]


def names_asked(row: Figure, terms: tuple[set[str], set[str]]) -> bool:
    """The row names what the question asks by, where the figure is labelled, not merely somewhere in its sentence:
    the measure in its label, column or the clause that prints it; each subject there or in its period, headings,
    case or document. Asked a 硕士 graduates' 就业率, the sentence's 毕业生 40.16% (went abroad) answered on looser
    shares; asked one 学院's rate, a neighbouring 专业 row did."""
    own = f"{row.label} {row.column} {own_clause(row)}"
    return names_asked_in(own, f"{own} {row.period} {row.section} {row.case} {row.document} {row.chapter}", terms,
                          row.document)


def _confident(matches: list[FigureMatch], terms: tuple[set[str], set[str]] | None = None) -> list[FigureMatch]:
    """The rows that answer: label and question well covered, naming the measure and subjects asked (terms)."""
    confident = [m for m in _distinct(matches) if m.label >= LABEL_SHARE and m.coverage >= COVERAGE
                 or m.label >= WHOLE_LABEL and m.coverage >= WHOLE_LABEL_COVERAGE and not _WHOSE.search(m.figure.label)]
    return [m for m in confident if names_asked(m.figure, terms)] if terms is not None else confident


# A range printed (72~90学时, 良好（80～89 分）, 四至五年 is one figure) asked by its least or its most end.
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:~|～|-|－|—|至|到)\s*(\d+(?:\.\d+)?)")
_LEAST = re.compile(r"至少|最少|最低|下限|起码|最短")
_MOST = re.compile(r"最多|最长|最高|上限|至多|不超过")


def _bound(question: str, matches: list[FigureMatch], cite: _Citations) -> TableAnswer | None:
    """The end asked of a range the best row is printed in: 评为良好至少要多少分 is 80 of 良好（80～89 分）, whose
    extractor rows are 80 and 89分 (the 89分 row answered, or the ranking of rows was tried: dev split). None when the
    row is no end of a printed range, or the question asks both ends or neither."""
    least, most = bool(_LEAST.search(question)), bool(_MOST.search(question))
    if least == most:
        return None
    confident = _confident(matches, asked_terms(_LEAST.sub("", _MOST.sub("", question))))
    if not confident:
        return None
    row = confident[0].figure
    for found in _RANGE.finditer(row.sentence):
        low, high = Decimal(found.group(1)), Decimal(found.group(2))
        if low < high and row.value in (low, high):
            end = low if least else high
            # (The range's unit is printed after its upper end: 80～89 分.)
            after = re.match(r"\s*([万亿]?元|学时|学分|小时|分|年|周|天|人|个|%|％)", row.sentence[found.end():])
            unit = row.unit or (after.group(1) if after else "")
            said = f"{'下限' if least else '上限'}{_number(end)}{unit}"
            text = (f"{describe(row)}：{said}（原文区间“{found.group()}{unit}”）{cite.mark(row)}。\n\n"
                    f"原文：“{clause(row)}”{cite.mark(row)}。")
            return TableAnswer(LOOKUP, text, tuple(cite.ids), (row,))
    return None


def _lookup(matches: list[FigureMatch], cite: _Citations, terms: tuple[set[str], set[str]] | None = None
            ) -> TableAnswer | None:
    confident = _confident(matches, terms)
    if not confident:
        return None
    best = confident[0]
    # Rows about as good, and every confident row of the same indicator (its other periods and documents).
    # (Not a row that lacks question words the best one holds: 旅客运输总量 is not asked when 铁路旅客运输总量 is.)
    fits = [m.figure for m in confident if m.score >= best.score - 0.05
            or _same_indicator(m.figure, best.figure) and m.coverage >= best.coverage - 0.05]
    if len({(f.value, f.unit) for f in fits}) == 1:
        row = fits[0]
        text = f"{describe(row)}：{row.printed}{cite.mark(row)}。\n\n原文：“{clause(row)}”{cite.mark(row)}。"
        return TableAnswer(LOOKUP, text, tuple(cite.ids), (row,))
    # Two rows fit with different values: both shown with what tells them apart, never one chosen silently — but only
    # rows of one measure (several years, several schools): 40.16% 出国 and 73.9% 升学 are two answers to nothing.
    if not all(_same_indicator(f, fits[0]) for f in fits):
        return None
    text = "报告中有多个数字与问题相符，请按所指选用：\n\n" + _table(fits, cite)
    return TableAnswer(LOOKUP, text, tuple(cite.ids), tuple(fits))


def _arithmetic(question: str, rows: list[Figure], cite: _Citations) -> str:
    a, b = rows
    if not units_compatible(a.unit or None, b.unit or None) or bool(a.unit) != bool(b.unit):
        return f"两者单位不同（{a.printed}、{b.printed}），不能直接比较。"
    (va, vb), unit = _common_scale(rows)
    about = "约" if _approximate(rows) else ""
    note = "（原文数字带“余/近/超”等，结果为约数）" if about else ""
    marks = cite.mark(a, b)
    if va == vb:
        out = f"两者相同，均为{a.printed}{marks}。"
    else:
        more, less = (a, b) if va > vb else (b, a)
        same = a.measure == b.measure  # one indicator printed twice: named by period, else by their sentences
        name = (lambda r: f"{r.period}{r.measure}") if same and a.period and b.period and a.period != b.period \
            else (lambda r: r.measure)
        out = f"{name(more)}（{more.printed}）多于{name(less)}（{less.printed}）{marks}。"
        if same and name(a) == name(b):
            out += "".join(f"\n\n{r.printed}，原文：“{clause(r)}”{cite.mark(r)}。" for r in (a, b))
    hi, lo = max(va, vb), min(va, vb)
    op = asked(question).op  # one reading of the computation asked (高出多少 was missed by a list of its own here)
    if op == DIFFERENCE:
        # Two rates differ by points, not per cent (96.1% − 95.5% = 0.6个百分点).
        gap = "个百分点" if unit in ("%", "％") else "个千分点" if unit == "‰" else unit
        out += f"\n\n相差：{_number(hi)}{unit} − {_number(lo)}{unit} = {about}{_number(hi - lo)}{gap}，据{marks}计算{note}。"
    if op == RATIO and lo:
        ratio = (hi / lo).quantize(_quantum(question))
        sign = "=" if ratio * lo == hi else "≈"
        out += f"\n\n倍数：{_number(hi)}{unit} ÷ {_number(lo)}{unit} {sign} {about}{_number(ratio)}倍，据{marks}计算{note}。"
    return out


def _compare(question: str, table: FigureTable, matches: list[FigureMatch], words: set[str],
             cite: _Citations, unit: str | None = None) -> TableAnswer | None:
    # Part by part first (each side's words apart from the other's), then by the labels the question names.
    sides = _period_sides(question, matches) or _part_sides(question, table, unit) or _sides(table, matches, words)
    if sides is not None and len(sides) == 1 and _named_twice(question, sides[0], table):
        row = sides[0]
        return TableAnswer(COMPARE, f"问题比较的两项是同一个数字：{describe(row)}为{row.printed}{cite.mark(row)}，"
                                    "无需比较。请说明要与之比较的另一项。", tuple(cite.ids), (row,))
    if sides is None or len(sides) != 2:
        return None  # not two things the table can name with confidence: the passages are read instead
    body = _table(sides, cite) + "\n\n" + _arithmetic(question, sides, cite)
    return TableAnswer(COMPARE, body, tuple(cite.ids), tuple(sides))


def _named_twice(question: str, row: Figure, table: FigureTable) -> bool:
    """常州的运行经费和常州的运行经费哪个多: the one row's label, or its case, named twice."""
    key = question.replace(" ", "")
    names = sorted(table.aliases.get(row.case, set()), key=len, reverse=True)
    return key.count(row.label) >= 2 or any(key.count(n) >= 2 for n in names if len(n) >= 2)


def _total(question: str, table: FigureTable, matches: list[FigureMatch], words: set[str],
           cite: _Citations, unit: str | None = None) -> TableAnswer | None:
    sides = _period_sides(question, matches) or _sides(table, matches, words)
    parts = _part_sides(question, table, unit)
    if parts is not None and (sides is None or len(parts) > len(sides)):
        sides = parts  # 专项培训、洽谈会和成果转化活动：three things named, the labels alone found two
    if sides is None or len(sides) < 2:
        return None
    if len({r.label for r in sides}) > 1 and not all(_label_named(r, question) for r in sides):
        # Rows of several measures are added only when the question names each (专项培训、洽谈会和成果转化活动): asked
        # the 净利润 of 第一季度与第二季度, the part 第一季度 picked the 营业收入 row of that quarter (dev split, 1 wrong).
        return None
    if len({(r.unit or "") for r in sides}) != 1:
        units = "、".join(r.printed for r in sides)
        return TableAnswer(TOTAL, f"这些数字单位不同（{units}），不能相加{cite.mark(*sides)}。", tuple(cite.ids), tuple(sides))
    values, unit = _common_scale(sides)
    about = "约" if _approximate(sides) else ""
    terms = " + ".join(f"{_number(v)}{unit}" for v in values)
    text = (_table(sides, cite) + f"\n\n合计：{terms} = {about}{_number(sum(values))}{unit}，据{cite.mark(*sides)}计算"
            + ("（原文数字带“余/近/超”等，合计为约数）" if about else "") + "。")
    return TableAnswer(TOTAL, text, tuple(cite.ids), tuple(sides))


def _label_named(row: Figure, question: str) -> bool:
    """The question names at least half the words of the row's label (its period's words aside)."""
    label = re.sub(r"\d{4}\s*年(?:度)?|第?[一二三四1-4]季度|[上下]半年", "", row.label)
    words = {w for w in tokens(label) if len(w) >= 2}
    key = for_search(question)
    return not words or sum(w in key for w in words) >= len(words) / 2


def _rank(question: str, table: FigureTable, unit: str | None, cite: _Citations) -> TableAnswer | None:
    by_column = _rank_column(question, table, cite)
    if by_column is not None or unit is None:
        return by_column
    listed = _part_sides(question, table, unit)  # 企业兼职教师、院校教师、现场工程师项目培养的学生，哪一类最少
    if listed is not None and len(listed) >= 3:
        return _ranked(question, listed, cite)
    # What is ranked: rows in the unit asked that the question names or describes.
    rows = [m for m in _distinct(table.match(question, unit, require_label=False)) if m.label >= 0.5 or m.coverage >= 0.5]
    if len(rows) < 2 or len({m.figure.unit for m in rows if m.figure.unit not in ("人", "名", "位")}) > 1:
        return None
    return _ranked(question, [m.figure for m in rows], cite)


def _ranked(question: str, rows: list[Figure], cite: _Citations) -> TableAnswer:
    word = _RANK.search(question).group(0)
    fewest = word in ("最少", "最低", "最小") or word.lower() in ("fewest", "least")
    ordered = sorted(rows, key=lambda f: (f.value if fewest else -f.value, f.ordinal))
    top = ordered[0]
    word = word if re.match(r"最", word) else ("最少" if fewest else "最多")
    lines = [f"{top.measure}{word}：{top.printed}{cite.mark(top)}。", "", f"原文：“{clause(top)}”{cite.mark(top)}。", "",
             "比较的各项（按数值排列）："]
    lines += [f"{i}. {f.measure}：{f.printed}{cite.mark(f)}" for i, f in enumerate(ordered, 1)]
    if any(f.qualifier for f in ordered):
        lines.append("\n（部分数字带“余/近/超”等，排序按原文数字。）")
    return TableAnswer(RANK, "\n".join(lines), tuple(cite.ids), tuple(ordered))


def _rank_column(question: str, table: FigureTable, cite: _Citations) -> TableAnswer | None:
    """哪个专业群的毕业生数最多: the rows of one table column the question names (毕业生数), ranked; without such a
    column what is counted is not clear enough to rank: None."""
    asked = label_key(question)
    rows = [m.figure for m in _distinct(table.match(question, None, require_label=False))
            if m.figure.column and len(label_key(m.figure.column)) >= 2 and label_key(m.figure.column) in asked]
    if len(rows) < 2 or len({(f.column, f.unit, f.passage_id) for f in rows}) != 1:
        return None
    return _ranked(question, rows, cite)


def _where(question: str, table: FigureTable, cite: _Citations) -> TableAnswer | None:
    """Every row printing the figure the question quotes (its value and unit, qualified or not as quoted), each with
    the clause that prints it."""
    quoted = _QUOTED_FIGURE.search(question)
    if quoted is None or not _WHAT.search(question):
        return None
    figures = extract_figures(quoted.group(1))
    if len(figures) != 1:
        return None
    wanted = figures[0]
    rows = [r for r in table.rows if r.value == float(wanted.value) and r.unit == (wanted.unit or "")
            and bool(r.qualifier) == bool(wanted.qualifier)]
    if not rows:
        return None
    lines = [f"（{n}）{r.subject}：“{clause(r)}”{cite.mark(r)}" for n, r in enumerate(rows, 1)]
    text = f"报告中“{quoted.group(1)}”共出现{len(rows)}处：\n\n" + "；\n".join(lines) + "。"
    return TableAnswer(WHERE, text, tuple(cite.ids), tuple(rows))




def _best(table: FigureTable, text: str, unit: str | None) -> Figure | None:
    """The row a part of a question names best, when it names it clearly: its measure named where the figure is
    labelled, and no row of another value about as good."""
    found = [m for m in _distinct(table.match(text, unit, require_label=False)) if m.coverage > 0
             and names_asked(m.figure, (asked_terms(text + "是多少")[0], set()))]
    if not found:
        return None
    best = max(found, key=lambda m: (m.score, -m.figure.ordinal))
    close = [m for m in found if m.figure.value != best.figure.value and m.score > best.score - PART_MARGIN]
    return None if close or best.coverage < PART_COVERAGE else best.figure


_PLACES = re.compile(r"保留\s*([一二两三1-3])\s*位小数|精确到\s*([一二两三1-3])\s*位小数|(\d) decimal place", re.I)


def _quantum(question: str) -> Decimal:
    """What a computed ratio or share is rounded to: the decimal places asked for (保留一位小数 → 0.1), else 0.01."""
    m = _PLACES.search(question)
    said = next(g for g in m.groups() if g) if m else "2"
    return Decimal(1).scaleb(-({"一": 1, "二": 2, "两": 2, "三": 3}.get(said) or int(said)))


def _share(question: str, table: FigureTable, cite: _Citations) -> TableAnswer | None:
    """A share of a printed total (女生占毕业生总数的比例): the part's row ÷ the whole's row, in code, both cited."""
    head, _, tail = question.partition("占")
    whole_text = re.split(r"的?(?:比例|比重|百分之|多少|份额|几成)", tail)[0]
    if not head or not whole_text:
        return None
    part, whole = _best(table, head, None), _best(table, whole_text, None)
    if part is None or whole is None or part.id == whole.id or not _same_kind(part, whole) or not whole.value:
        return None
    (vp, vw), unit = _common_scale([part, whole])
    share = (vp / vw * 100).quantize(_quantum(question))
    marks = cite.mark(part, whole)
    text = (_table([part, whole], cite) + f"\n\n占比：{_number(vp)}{unit} ÷ {_number(vw)}{unit} × 100% ≈ "
            f"{_number(share)}%，据{marks}计算。")
    return TableAnswer(TOTAL, text, tuple(cite.ids), (part, whole))


# (除因公出国（境）费外还有多少 sets apart 因公出国（境）费; 2024年以前收取的, the part printed for 2024年.)
_NOT_PART = re.compile(r"(?:没有|未|除|其余|剩余|剩下|不是)([^，,。？?；;]{2,24}?)(?:以外|之外)?的|([^，,。？?；;]{2,24}?)(?:以外|之外)的"
                       r"|除([^，,。？?；;]{2,24}?)外|((?:19|20)\d\d年)(?:以前|之前)")


def _names_part(question: str, after: str) -> bool:
    """The part the question sets apart (没有考入“双一流”建设高校的 → 考入“双一流”建设高校) is what the sentence
    prints after its 其中: at least half its words."""
    m = _NOT_PART.search(question)
    if m is None:
        return False
    words = {w for w in tokens(next(g for g in m.groups() if g)) if len(w) >= 2}
    return bool(words) and sum(w in after for w in words) >= len(words) / 2


def _with_part(table: FigureTable, row: Figure) -> str:
    """The row's sentence, and the next one of its passage when that opens with 其中 (共接待海内外游客3605.61万人次。
    其中，接待国内游客3605.12万人次。: a statistical bulletin's usual way)."""
    sentences = list(dict.fromkeys(r.sentence for r in sorted(table.by_passage.get(row.passage_id, []),
                                                                key=lambda r: r.ordinal)))
    at = sentences.index(row.sentence) if row.sentence in sentences else -1
    if 0 <= at < len(sentences) - 1 and "其中" not in row.sentence and sentences[at + 1].startswith("其中"):
        return row.sentence + sentences[at + 1]
    return row.sentence


def _remainder(question: str, table: FigureTable, unit: str | None, cite: _Citations) -> TableAnswer | None:
    """X，其中Y asked about the rest (共收取X万元，其中2024年Y万元; 考取研究生659人，其中考入“双一流”高校216人 asked who did
    not): X − Y from one sentence — X the last figure before 其中, Y the first after it — in code, both cited."""
    for m in _distinct(table.match(question, unit, require_label=False, siblings=False)):
        row = m.figure
        sentence = _with_part(table, row)
        same = sorted((r for r in table.by_passage.get(row.passage_id, []) if r.sentence in sentence
                       and _same_kind(r, row)), key=lambda r: (sentence.find(r.sentence), r.start))
        at = sentence.find("其中")
        if at < 0:
            continue
        before = [r for r in same if 0 <= sentence.find(r.raw) < at]
        after = [r for r in same if sentence.find(r.raw) > at]
        if not before or not after or before[-1].value <= after[0].value:
            continue
        total, part = before[-1], after[0]
        if not _names_part(question, sentence[at:]):
            continue  # 共286人，其中湘岭重工127人 is not 659人考研，其中“双一流”216人: the part asked about is named
        (vt, vpart), unit_text = _common_scale([total, part])
        marks = cite.mark(total, part)
        text = (f"其余部分：{_number(vt)}{unit_text} − {_number(vpart)}{unit_text} = {_number(vt - vpart)}"
                f"{unit_text}，据{marks}计算。\n\n原文：“{clause(total)}”"
                + ("" if part.sentence == total.sentence else f"“{clause(part)}”") + f"{marks}。")
        return TableAnswer(TOTAL, text, tuple(cite.ids), (total, part))
    return None


def one_side(table: FigureTable, question: str) -> tuple[Figure, str] | None:
    """A computation of two things of which the table finds one clearly and not the other: (the row found, the words
    of the part not found), so that the refusal says which figure is missing."""
    parts = [p.strip() for p in _PART.split(question) if table.question_words(p) and not _CONTEXT.search(p.strip())]
    if len(parts) != 2:
        return None
    found = [_best(table, part, None) for part in parts]
    if sum(f is not None for f in found) != 1:
        return None
    row = next(f for f in found if f is not None)
    missing = next(p for p, f in zip(parts, found) if f is None)
    return row, re.sub(r"[？?。]+$", "", missing)


def answer(table: FigureTable, question: str, printed: Callable[[str], bool] | None = None) -> TableAnswer | None:
    """The table's answer to a numeric question, or None: not a numeric question, or no confident match. printed:
    whether the indexed documents print a phrase (as_printed: a measure they print whole is named whole)."""
    where = _where(question, table, _Citations())
    if where is not None:
        return where
    op = asked(question).op
    if op == REMAINDER:  # never the total or the part looked up: the rest is computed, or the passages are read
        return _remainder(question, table, asked_unit(question), _Citations())
    if asks_structure(question) or not (asks_quantity(question) or _COMPARE.search(question)
                                        or _RANK.search(question) or _TOTAL.search(question)):
        return None
    kind = kind_of(question)
    # A comparison or total takes its sides in their own units (万元 against 人次 is said to be incomparable), unless
    # the question asks in one: 合计多少项.
    unit = (asked_unit(question) if kind in (LOOKUP, RANK) or _EXPLICIT_UNIT.search(question)
            else expected_unit(question))
    cite = _Citations()
    # (The end asked is no word of what is asked: 至少要多少分 asks about 良好's 分.)
    bound = _bound(question, table.match(_LEAST.sub("", _MOST.sub("", question)), unit), cite) \
        if kind in (LOOKUP, RANK) else None
    if bound is not None:
        return bound
    if kind == RANK:
        return _rank(question, table, unit, cite)
    # (The words of a part saying where the sides are name no side: 卫生技术人员中，执业医师和执业助理医师合计 does not add
    # the 其他卫生技术人员 row: dev split, 1 wrong once the document's own place and year admitted its rows.)
    words = table.question_words("".join(p for p in _PART.split(question) if not _CONTEXT.search(p.strip())))
    matches = table.match(question, unit)
    if kind == COMPARE and against_time(question) and _period_sides(question, matches) is None:
        # 规模以上工业增加值比上年增长多少: the change printed for the measure, never the difference of two rows (the
        # 全州工业增加值's 3.5% was taken as the other side: library evaluation, an unnamed question answered wrong).
        changed = [m for m in matches if RESULT_WORDS[DIFFERENCE].search(for_search(own_clause(m.figure)))]
        return _lookup(changed, cite, asked_terms(compared_with(question)))
    if kind == COMPARE:
        return _compare(question, table, matches, words, cite, unit)
    terms = as_printed(asked_terms(question), question, printed)
    if kind == TOTAL:
        # 一共建了多少个 of one thing is a figure asked for: looked up when no two things are named.
        return _total(question, table, matches, words, cite, unit) or _lookup(matches, cite, terms)
    # A share printed is looked up; one that is not is computed from its part and its whole.
    return _lookup(matches, cite, terms) or (_share(question, table, _Citations()) if op == SHARE else None)
