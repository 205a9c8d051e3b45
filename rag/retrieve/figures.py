"""The figures table as it is queried: rows selected by filters and words, rows matched to a question's words."""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.ingest.facts import Figure
from rag.retrieve.query import _MONEY, cases_named, shared_title_words, chapter_matches, document_matches, expected_unit, own_words
from rag.text import keywords
from rag.text.figures import answers_unit, units_compatible
from rag.text.normalize import for_search

# Words of asking, comparing and counting: no row prints them, so they never count against a row.
ASKING = frozenset(
    "多少 几 几个 几项 几家 几名 几次 几场 是 哪个 哪 哪一 哪一个 哪一项 哪项 哪笔 哪一笔 更 多 少 大 小 高 低 相比 比较 对比 分别 各 各自 "
    "各是 一共 合计 总共 总计 共计 加起来 加在一起 共 钱 数量 规模 数目 最多 最少 最高 最低 最大 最小 差 相差 差距 倍 几倍 倍数 还是 "
    "什么 两 两个 两笔 两项 两者 二者 哪些 次数 个数 人数 场次 数字 金额 谁 前者 后者 一下 分别是 之间 比 排名 排序 第一 其中 "
    "接上 一问 其他 过 那 这类 该 次 个 项 名 人 家 场 元 份 所 门 件 部 批 万 亿 "
    "the of how many much more less than which most least total sum compare".split())
_UNIT_BRACKET = re.compile(r"[（(](?:%|％|‰|Gbps|[万亿千百]?(?:元|人次|人日|人|个|门|部|项|件|台|所|家|名|次|度|吨|亩|平方米|册)"
                           r"(?:[/／][^（）()]{1,3})?)[）)]")  # （%）, （万元）, （元／股）, not （攻关解决）
_RATE = re.compile(r"率|比例|占比|比重")
# A row the extractor labelled as the change of the figure before it (税收收入（增长）, 居民人均可支配收入（同比增长）)
# answers only a question asking for a change (工业增加值 is a measure, not one).
_CHANGE_ROW = re.compile(r"[（(](?:同比|环比|比上年|较上年)?(?:增长|下降|增加|减少|提高|降低)了?[）)]$")
_ASKS_CHANGE = re.compile(r"增长|增速|增幅|降幅|下降|减少|增加(?!值)|提高|降低|回落|上升|变化|变动|同比|环比|比上年|较上年|"
                          r"\bgrow|\bincreas|\bdecreas|\brise\b|\brose\b|\bfell\b|\bfall\b|\bchange", re.I)
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9])(?:\d+[A-Za-z]+|[A-Za-z]+\d+)[A-Za-z0-9.]*(?![A-Za-z0-9])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A note on what a count includes (医院（含民营）); not the extractor's own brackets, which tell rows apart
# (技术需求（攻关解决） is not 技术需求: eval/questions.jsonl, 3 comparisons wrong when every bracket was dropped).
_NOTE = re.compile(r"[（(](?:含|不含|包括|包含|均含)[^（）()]{1,12}[）)]")
_QUOTED = re.compile(r"[“\"《][^”\"》]{1,20}[”\"》]")
# The unit a question asks in: 多少家 → 家, 几场 → 场, 场次 → 场.
_COUNTED_IN = re.compile(r"按[“\"]?(元|人次|人|名|家|场|项|个|份|次|所|门|件|部)[”\"]?(?:统计|计算|算|计)")
_ASKED = re.compile(r"(?:多少|几)(?:万|亿)?(元|人次|人公里|吨公里|千瓦时|平方米|公顷|公里|吨|亩|人|名|位|家|场|项|个|份|次|所|门|批次|"
                    r"件|部|篇|间|册|台|套|天|小时|学时)")
_NOUN_UNITS = {"人": ("学生", "毕业生", "教师", "老师", "员工", "人员", "骨干", "专家", "工程师", "学员", "人才", "名师"),
               "家": ("企业", "公司", "单位", "机构"), "所": ("学校", "院校", "高校")}
_NOUN_ASKED = re.compile(r"多少(?:位|名|家|所)?(" + "|".join(n for ns in _NOUN_UNITS.values() for n in ns) + ")")
_COUNT_WORD = {"场次": "场", "人次": "人次", "人数": "人", "次数": "次", "家数": "家", "项数": "项", "个数": "个"}


def asked_unit(question: str) -> str | None:
    """The unit the question asks for: 多少家 → 家; 元 for money, % for a share; None when it does not say."""
    m = _COUNTED_IN.search(question)  # 按“项”统计的几个数字: 项, not the 个 of 几个
    if m:
        return m.group(1)
    unit = expected_unit(question) or ("元" if _MONEY.search(question) else None)
    if unit:
        return unit
    m = _ASKED.search(question)
    if m:
        return m.group(1)
    m = _NOUN_ASKED.search(question)  # 培养了多少学生 asks for people, 多少企业 for organisations
    if m:
        return next(unit for unit, nouns in _NOUN_UNITS.items() if m.group(1) in nouns)
    return next((u for word, u in _COUNT_WORD.items() if word in question), None)


def fits_unit(figure: Figure, unit: str | None) -> bool:
    """A row answers a question asked in that unit (any money for 元; 个 for any head-count)."""
    if unit is None:
        return True
    if unit == "%" and not figure.unit and _RATE.search(figure.label):
        return True  # 图3-1 某省高职院校毕业去向落实率：2023年 93.1 prints its percentages bare
    if unit in ("元", "%"):
        return answers_unit(figure.unit or None, unit)
    if unit != "个" and figure.unit == "个":
        return False  # 多少场 is not answered by 3.5万个岗位需求: 个 answers only 个
    return units_compatible(figure.unit or None, unit) and bool(figure.unit)


def proper_nouns(question: str) -> list[str]:
    """Places and bodies the question names (jieba's ns, nt): a row must name them too. (Person names, nr, are
    left out: jieba guesses them from character pairs — 上共 in 攻关上共梳理.)"""
    import jieba.posseg

    keywords.words("")  # jieba initialised once, under keywords' lock
    return [w for w, flag in jieba.posseg.lcut(question) if flag in ("ns", "nt") and len(w) >= 2]


@dataclass(frozen=True)
class FigureMatch:
    figure: Figure
    coverage: float  # share (IDF-weighted) of the question's words the row's label, sentence and headings hold
    label: float  # share of the row's label words the question names: 运行经费 names most of 日常运行经费

    @property
    def score(self) -> float:
        return (self.coverage + self.label) / 2


class FigureTable:
    """One index version's figures table, its rows' words read once."""

    def __init__(self, rows: tuple[Figure, ...], aliases: dict[str, set[str]],
                 context: Callable[[str, str], str] | None = None):
        """context(source, text): what every row of a document says without printing it (its title, issuer, region
        and their short forms; its year when text prints none: rag.retrieve.scope.Library.context)."""
        self.rows = rows
        self.aliases = aliases
        self.context = context
        self._restricted: dict[tuple, FigureTable] = {}
        said: dict[tuple[str, bool], str] = {}  # by document, and whether the row prints a year of its own
        self._context: list[str] = []
        # The 黔东南 bulletin's rows say 全州 and 全年: asked 2023年末黔东南州5G移动电话用户, its row names both only
        # through the document (dev split: a share's part found no row, and the share was refused). Only the places,
        # bodies and years a row must name read it, not the coverage: as words every row of the document held, they
        # let a bare 预算 row of 万里街道's budget answer its 社会保障和就业支出's 项目支出 (dev split, 1 wrong).
        for f in rows:
            text = f"{f.sentence} {f.period}"
            key = (f.source, bool(_YEAR.search(text)))
            if key not in said:
                said[key] = context(f.source, text) if context else ""
            self._context.append(said[key])
        # A label's unit bracket is not asked for: 生均财政拨款水平（万元） is named by 生均财政拨款水平.
        labels = [_UNIT_BRACKET.sub("", f"{f.label} {f.column}") for f in rows]
        self._label = [keywords.atoms(set(keywords.tokens(label))) for label in labels]
        # A label's quoted name (“智改数转网联”专项培训) need not be asked: 专项培训 names the row too; nor its note on
        # what it includes: 医院（含民营） is named by 医院.
        self._plain = [keywords.atoms(set(keywords.tokens(_NOTE.sub("", _QUOTED.sub("", label))))) for label in labels]
        # Nor its column where the question names the row whole: 铁路旅客运输总量 names 旅客运输总量 #铁路 · 绝对数.
        self._row = [keywords.atoms(set(keywords.tokens(_UNIT_BRACKET.sub("", f.label)))) if f.column else set() for f in rows]
        self._all = [set(keywords.tokens(f"{f.label} {f.column} {f.period} {f.sentence} {f.section} {f.case} "
                                         f"{f.document}")) for f in rows]
        df: dict[str, int] = {}
        for words in self._all:
            for word in words:
                df[word] = df.get(word, 0) + 1
        self._df, self._n = df, max(len(rows), 1)

    @functools.cached_property
    def kind_words(self) -> frozenset[str]:
        """Words several case titles share (联合体): what kind of case, which no question word needs a row to print."""
        return shared_title_words(self.aliases)

    @functools.cached_property
    def by_passage(self) -> dict[str, list[Figure]]:
        """Rows by the passage that prints them."""
        out: dict[str, list[Figure]] = {}
        for f in self.rows:
            out.setdefault(f.passage_id, []).append(f)
        return out

    def idf(self, word: str) -> float:
        return math.log(1 + self._n / (1 + self._df.get(word, 0)))

    def _share(self, label: set[str], words: set[str]) -> float:
        weight = sum(self.idf(w) for w in label)
        return sum(self.idf(w) for w in label if w in words) / weight if weight else 0.0

    def select(self, query: str | None = None, case: str | None = None, chapter: str | None = None,
               document: str | None = None, year: int | None = None,
               sources: tuple[str, ...] | None = None) -> list[Figure]:
        """Rows of the case, chapter, document and year given (parts of names match) and of the files chosen
        (sources, exact), whose label, sentence or headings hold every word of query."""
        wanted = [w for w in keywords.tokens(query)] if query else []
        out = []
        for i, f in enumerate(self.rows):
            if case and not self._case_matches(case, f.case):
                continue
            if chapter and not chapter_matches(chapter, f.chapter):
                continue
            if document and not document_matches(document, f.source, f.document):
                continue
            if year is not None and f.year != year:
                continue
            if sources is not None and f.source not in sources:
                continue
            if wanted and not all(w in self._all[i] for w in wanted):
                continue
            out.append(f)
        return out

    def restricted(self, case: str | None = None, chapter: str | None = None, document: str | None = None,
                   year: int | None = None, sources: tuple[str, ...] | None = None) -> "FigureTable":
        """The table of the rows a search with these filters may use (itself when there are none)."""
        key = (case, chapter, document, year, tuple(sources) if sources is not None else None)
        if key == (None, None, None, None, None):
            return self
        if key not in self._restricted:
            self._restricted[key] = FigureTable(tuple(self.select(None, case, chapter, document, year, key[-1])),
                                                self.aliases, self.context)
        return self._restricted[key]

    def of_sources(self, sources: frozenset[str], aliases: dict[str, set[str]] | None = None) -> "FigureTable":
        """The table of the rows of those documents only (cached, as restricted tables are); aliases: the cases a
        question may name there (those of the version when None)."""
        key = ("sources", frozenset(sources))
        if key not in self._restricted:
            self._restricted[key] = FigureTable(tuple(f for f in self.rows if f.source in key[1]),
                                                self.aliases if aliases is None else aliases, self.context)
        return self._restricted[key]

    def _case_matches(self, wanted: str, case: str) -> bool:
        key = for_search(wanted.strip())
        return bool(key) and (key in for_search(case) or key in self.aliases.get(case, ()))

    def question_words(self, question: str) -> set[str]:
        """The words of the question a row must hold: asking words and the names of the cases it names out."""
        named = cases_named(question, self.aliases)
        names = {w for c in named for alias in self.aliases[c] for w in keywords.tokens(alias)}
        names |= {w for c in named for w in keywords.tokens(c)}  # 常州：新能源产教联合体的… says 联合体 of every row
        return keywords.atoms({w for w in keywords.tokens(question) if w not in ASKING and w not in names
                               and w not in self.kind_words})

    def _holds(self, i: int, name: str) -> bool:
        """The row names the place, body or year: 常州市政府 is held by 常州's 市政府, 联合体 by the case 常州…联合体, 2023年
        by the period its heading gives it (一、2023年工作回顾: a work report's sentences print no year)."""
        f = self.rows[i]
        text = for_search(f"{f.sentence} {f.case} {f.document} {f.chapter} {f.section} {f.period} {f.label} "
                          f"{self._context[i]}")
        rest = for_search(name)
        for alias in sorted(self.aliases.get(f.case, ()), key=len, reverse=True):
            rest = rest.replace(alias, "")
        return not rest.strip("市省县区") or rest in text or for_search(name) in text

    @functools.cached_property
    def _passage_rows(self) -> dict[str, list[int]]:
        """Row numbers of each passage."""
        out: dict[str, list[int]] = {}
        for i, f in enumerate(self.rows):
            out.setdefault(f.passage_id, []).append(i)
        return out

    @functools.cached_property
    def _passage_labels(self) -> dict[str, set[str]]:
        """The label words of all the rows of each passage."""
        return {p: set().union(*(self._label[i] for i in rows)) for p, rows in self._passage_rows.items()}

    def _sibling(self, i: int, words: set[str]) -> bool:
        """Another row of the passage shares this row's label but also labels itself with a question word this row
        lacks: 铁路旅客运输量 is asked, and 旅客运输总量 4448.38万人 is printed beside 铁路旅客运输量 148.62万人
        (鲜菜类 beside 居民消费价格指数) — that one answers, not this."""
        missing = words - self._all[i]
        passage = self.rows[i].passage_id
        if not missing or not self._passage_labels[passage] & missing:
            return False  # (a table of 1,000 rows in one passage: row against row took minutes a question)
        label = self._label[i]
        return any(j != i and self._label[j] & missing and self._label[j] & label for j in self._passage_rows[passage])

    def match(self, question: str, unit: str | None = None, require_label: bool = True,
              cases: set[str] | None = None, siblings: bool = True) -> list[FigureMatch]:
        """Rows of the cases the question names (any case when it names none) in the unit asked, best first;
        require_label: only rows the question names a label word of; cases: those instead of the ones named
        (one part of a question is matched within the cases the whole question names); siblings: leave out a row
        whose neighbour names more of the question (not for a remainder, which needs the total beside its part)."""
        words = self.question_words(question)
        if not words:
            return []
        named = cases if cases is not None else cases_named(question, self.aliases)
        own = own_words(question)  # a follow-up's own words: the earlier question's 央视 is not required
        names = proper_nouns(own)
        years = re.findall(r"\d{4}\s*年", own)  # 2025年…计划再新增多少: a row printed for no 2025年 does not answer
        # 5G移动电话用户 is not 4G's, printed in the same sentence: a row's label names the identifier asked (dev split:
        # a share's part found both rows, and the share was refused).
        identifiers = [for_search(x) for x in _IDENTIFIER.findall(own)]
        asked_years = {re.sub(r"\s", "", y) for y in years}
        weight = sum(self.idf(w) for w in words)
        asks_change = bool(_ASKS_CHANGE.search(question))
        across = keywords.straddling(set(keywords.tokens(question)))
        out = []
        for i, f in enumerate(self.rows):
            if named and f.case not in named:
                continue
            label = self._label[i]
            if not label or (require_label and not label & words):
                continue  # the cheap test before _holds: on every row of a 387,215-row table it took minutes a question
            if identifiers and not all(x in for_search(f"{f.label} {f.column}") for x in identifiers):
                continue
            if not all(self._holds(i, name) for name in names + years):
                continue  # 北京联合体的运行经费 is not 常州's: a place or body the row does not name rules it out
            if not fits_unit(f, unit):
                continue
            printed_years = set(re.findall(r"\d{4}年", f.period))
            if asked_years and printed_years and not printed_years & asked_years:
                continue  # 2024年末…: the table's 2023年 column is the year before, though the report is 2024's
            if siblings and self._sibling(i, words):
                continue
            if _CHANGE_ROW.search(f.label) and not asks_change:
                continue  # 税收收入（增长） 15.6% is the change of 税收收入, not it (a share's part found two rows)
            held = self._all[i]
            coverage = sum(self.idf(w) for w in words if w in held or w in across and all(p in held for p in across[w])
                           ) / weight
            named_share = max(self._share(label, words), self._share(self._plain[i], words),
                              self._share(self._row[i], words))
            out.append(FigureMatch(f, round(coverage, 4), round(named_share, 4)))
        out.sort(key=lambda m: (-m.score, m.figure.ordinal))
        return out
