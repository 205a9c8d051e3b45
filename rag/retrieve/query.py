"""What a question asks, decided in one place: a comparison, the contents, a quantity, a year, money or a
share, a follow-up; which cases it names; and the cleaned text that is searched."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from rag.errors import QueryError
from rag.text.normalize import for_search

MAX_QUERY_CHARS = 1000  # e5 reads 512 tokens; more text only dilutes the question

# Questions about where things are in the printed report are answered by the table of contents.
STRUCTURE_INTENT = re.compile(r"第几页|哪一?页|页码|多少页|\bpages?\b|目录|哪些案例|哪几个案例|几个案例|哪一章|第几章|哪个章节|\bchapters?\b", re.I)
# Two things asked at once: each needs its own passage, so retrieval looks wider, or once per named case.
COMPARISON_INTENT = re.compile(r"分别|各自|各是|各有|各为|各多少|哪个多|哪个更|哪一笔|相比|比较|对比|两处|两个|两者|二者|"
                               r"是否一致|\bcompar|\bversus\b|\bvs\b|\bboth\b|\brespectively\b", re.I)
QUANTITY_INTENT = re.compile(r"多少|几[个项家名次场批所年月天人份]|多大|比例|比重|占比|金额|规模|数量|how (?:many|much)|"
                             r"what (?:share|percentage|proportion|number|amount)|number of|percentage|\bsum\b", re.I)
YEAR_INTENT = re.compile(r"哪一?年|何时|什么时候|年份|\bwhen\b|\bwhat year\b", re.I)
_MONEY = re.compile(r"经费|资金|钱|金额|投入|薪|工资|收入|产值|合同额|登记额|预算|經費|資金|金額|預算|[万亿萬億千百]元|多少元|money|fund|budget|salary|income|revenue|yuan|worth", re.I)
# Where one asked-about thing ends and the next begins: 占比与相关系数, 收入、支出.
_PART = re.compile(r"[，,；;、与和及跟同]|\band\b|\bwith\b")
_EACH = re.compile(r"各|分别|respectively|\beach\b", re.I)
# Any 率 but a rate that is no share (汇率 is 7.1884, 频率 and 功率 have units of their own).
_SHARE = re.compile(r"比例|比率|比重|占比|百分|(?<![汇频功])率(?!先)|满意度|"
                    r"share|percentage|proportion|\brate\b", re.I)
# A follow-up points back (它/此/这个联合体/为此/那…呢, it/its/this) or is too short to stand alone (那晋江呢？).
_POINTS_BACK = re.compile(
    r"它|它们|此|该|这个|这些|这项|这一|那个|那些|那么|其|上述|前者|后者|他们|她|他|同一|那.{0,4}呢|"
    r"\b(?:it|its|they|them|their|this|that|these|those|he|she|his|her)\b", re.I)


def asks_structure(question: str) -> bool:
    return bool(STRUCTURE_INTENT.search(question))


def asks_comparison(question: str) -> bool:
    return bool(COMPARISON_INTENT.search(question))


def asks_quantity(question: str) -> bool:
    return bool(QUANTITY_INTENT.search(question))


def asks_year(question: str) -> bool:
    return bool(YEAR_INTENT.search(question))


def expected_unit(question: str) -> str | None:
    """元 for a question about money, % for a share; None when the question does not say."""
    if not asks_quantity(question):
        return None
    asked = asked_part(question)
    if _SHARE.search(asked):
        return "%"
    if _MONEY.search(asked):
        return "元"
    return None


def asked_part(question: str) -> str:
    """The words the last 多少 asks about: a share or a sum named earlier is a subject, not the unit asked for
    (实践教学学时占比与岗位适应能力的相关系数约为多少 asks for a coefficient, not a percentage — the check refused
    the right answer 0.47 on the generated book chapter). 各/分别 questions ask about all their parts."""
    last = list(QUANTITY_INTENT.finditer(question))[-1]
    if _EACH.search(question):
        return question
    start = max((m.end() for m in _PART.finditer(question, 0, last.start())), default=0)
    return question[start:]


_PREVIOUS = re.compile(r"^（接上一问：[^）]*）")


def after_previous(previous: str, question: str) -> str:
    """A follow-up made standalone without a model: the earlier question, then this one's own words."""
    return f"（接上一问：{previous}）{question}"


def own_words(question: str) -> str:
    """The question without the earlier question after_previous put before it."""
    return _PREVIOUS.sub("", question)


def unmarked(question: str) -> str:
    """The earlier question and this one without after_previous's marker, whose words (接上, 一问) no passage prints:
    they cost 市政府为此配套了多少经费 its quoted answer (coverage 0.46 of the 0.5 needed)."""
    return _PREVIOUS.sub(lambda m: m.group(0)[len("（接上一问："):-1] + " ", question)


def points_back(question: str) -> bool:
    """它/此/这个联合体/为此…, or so short it cannot stand alone (那晋江呢？)."""
    return bool(_POINTS_BACK.search(question)) or len(re.sub(r"\W", "", question)) <= 4


def clean_query(query: str) -> str:
    """The question as searched: control characters out, spaces folded; empty or overlong refused."""
    if not isinstance(query, str):
        raise QueryError("问题必须是文字（question must be a string）")
    # Control characters and NULs come from copy-paste and break tokenisers; they carry no meaning.
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in query)
    text = re.sub(r"\s+", " ", text).strip()
    if not re.search(r"[\w\u3400-\u9fff]", text):
        raise QueryError("问题为空或只有标点，请输入要查询的内容（empty question）")
    if len(text) > MAX_QUERY_CHARS:  # refused, not cut: a silently shortened question gets a wrong answer
        raise QueryError(f"问题过长（{len(text)} 字），请精简到 {MAX_QUERY_CHARS} 字以内再问"
                         f"（question too long: at most {MAX_QUERY_CHARS} characters）")
    return text


def case_aliases(title: str) -> set[str]:
    """Short names a question may use for a case: 常州, 晋江, 浙金院, 黄河水职, 有色金属, …"""
    head = re.split(r"[：:]", title, maxsplit=1)[0].strip()
    names = {head}
    core = re.sub(r"^金(专业|课程|教材|教师|基地)", "", head)
    core = re.sub(r"(样板|模式|范式|标杆|典范|行业)$", "", core)
    names.add(core)
    for suffix in ("职业技术大学", "职业技术学院", "职业学院"):
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            names.add(core[: -len(suffix)])
    stripped = re.sub(r"^(国家|全国)", "", core)
    if len(stripped) >= 4:  # 有色金属 is specific enough; 新能源 alone is not
        names.add(stripped)
    names = {for_search(n) for n in names if len(n) >= 2}
    if 2 <= len(core) <= 3:  # place names, so that "Changzhou" or "Jinjiang" in an English question counts
        from pypinyin import lazy_pinyin

        names.add("".join(lazy_pinyin(core)))
    return names


def shared_title_words(aliases: Mapping[str, set[str]]) -> frozenset[str]:
    """The word two or more case titles name their subject with (常州：新能源产教联合体的…, 晋江：市域产教联合体的…:
    联合体): it says what kind of case it is, not which, so a question's 联合体 names neither a case nor a row. Read
    from the titles indexed, not listed by hand."""
    from rag.text.keywords import tokens

    counts: dict[str, int] = {}
    for title in aliases:
        subject = re.match(r"[^：:]*[：:]([^的，。“”]{2,12})的", title)
        words = tokens(subject.group(1)) if subject else []
        if words:
            last = max(words, key=lambda w: (subject.group(1).rfind(w) + len(w), len(w)))
            counts[last] = counts.get(last, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= 2 and len(w) >= 2)


def mentions(text: str, alias: str) -> bool:
    """Whether normalised text names alias (ASCII aliases as whole words: changzhou, not changzhoustreet)."""
    if alias.isascii():
        return re.search(rf"\b{re.escape(alias)}\b", text) is not None
    return alias in text


def cases_named(text: str, aliases: Mapping[str, set[str]]) -> set[str]:
    """The cases (titles) whose names the text mentions."""
    key = for_search(text)
    return {case for case, names in aliases.items() if any(mentions(key, n) for n in names)}


def named_in_order(text: str, aliases: Mapping[str, set[str]]) -> list[str]:
    """The cases the text names, in the order it first names them."""
    key = for_search(text)
    return sorted(cases_named(text, aliases), key=lambda c: min(key.find(n) for n in aliases[c] if mentions(key, n)))


_CN_DIGITS = "零一二三四五六七八九十"


def chapter_matches(wanted: str, chapter: str) -> bool:
    """A chapter is named by its number (3, 三, 第三章) or any part of its title."""
    wanted = wanted.strip()
    if wanted.isdigit() and 0 < int(wanted) <= 10:
        wanted = "第" + _CN_DIGITS[int(wanted)] + "章"
    elif wanted and all(ch in _CN_DIGITS for ch in wanted):
        wanted = f"第{wanted}章"
    return bool(wanted) and for_search(wanted) in for_search(chapter)


def document_matches(wanted: str, source: str, document: str) -> bool:
    """A document is named by its file name or any part of its title."""
    key = for_search(wanted.strip())
    return bool(key) and (key == for_search(source) or key in for_search(document))


@dataclass(frozen=True)
class Intent:
    """Everything the pipeline decides from a question's wording, computed once."""
    structure: bool  # pages, chapters, which cases: the table of contents answers
    comparison: bool  # two things at once: each needs its own passages
    quantity: bool  # how many / how much: the answer must hold a figure
    year: bool  # when: the answer must hold a year
    unit: str | None  # 元 or %: the figure must be money or a share

    @classmethod
    def of(cls, question: str) -> "Intent":
        return cls(structure=asks_structure(question), comparison=asks_comparison(question),
                   quantity=asks_quantity(question), year=asks_year(question), unit=expected_unit(question))
