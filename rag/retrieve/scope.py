"""Which documents of the library a question names — by issuer or its short name, title, region, kind or a document's
year, all read from the registry — and so the only documents its answer may come from; a name that matches no
document restricts nothing."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rag.ingest import DocumentRecord, short_names
from rag.text.normalize import for_search

_SUFFIX = "省市州县区盟旗"
_COMPANY = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|股份公司)$")
# A year names a document only when it is said of one (2023年的报告, 2024年度质量报告, 2023年公报): a bare 2023年 is
# mostly the period a figure is printed for (2023年末常住人口), and a report of 2024 prints 2023's figures too.
_DOCUMENT_NOUN = r"(?:报告|公报|年报|预算|决算|文件|文档|资料|白皮书|标准|清单|手册|规划|计划|方案)"
# Only a document's own noun after it: 2025年一般公共预算基本支出 is a measure of the 2025 budget, and a question about
# the 2025 budget of one body named every budget of 2025 (measured on the dev split: 1 cross-document citation).
_YEAR_OF_DOCUMENT = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?(?:的|版|发布的|印发的)?[^，。？?、的]{0,6}?"
                               r"(?:报告|公报|年报|文件|文档|白皮书|预算报告|决算报告|部门预算|单位预算)")
# The report of the year before the one named (与上一年的报告相比): both are in scope.
_PREVIOUS = re.compile(r"上一年(?:度)?的?" + _DOCUMENT_NOUN + r"|上年(?:度)?的?" + _DOCUMENT_NOUN + r"|前一年的?"
                       + _DOCUMENT_NOUN + r"|上一份" + _DOCUMENT_NOUN)
# A kind names documents when said as the document (统计公报里, 预算报告中), not as a measure's word (一般公共预算收入):
# the kinds whose own words are a document's name; 预算/决算 only with 报告 or 公开 after them.
_KIND_WORDS: dict[str, str] = {
    "统计公报": r"统计公报|公报", "质量年度报告": r"质量年度报告|质量年报|质量报告", "就业质量报告": r"就业质量(?:年度)?报告",
    "年度报告": r"年度报告|年报", "白皮书": r"白皮书", "施政报告": r"施政报告", "审计": r"审计(?:工作)?报告|整改清单",
    "预算": r"预算(?:报告|公开|草案)", "决算": r"决算(?:报告|公开|草案)", "标准": r"课程标准",
}


@dataclass(frozen=True)
class Scope:
    """The documents a question names: their sources (empty: it names none, any document may answer), the words
    that named them, and whether it asks about the report of the year before too."""
    sources: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()
    previous: bool = False

    @property
    def named(self) -> bool:
        return bool(self.sources)


_A_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _region_names(region: str) -> set[str]:
    """上海市普陀区 -> 上海市普陀区, 上海市, 上海, 普陀区, 普陀; 周口市 -> 周口市, 周口 (two characters at least)."""
    names = {region}
    for part in re.findall(rf"[^{_SUFFIX}]+[{_SUFFIX}]?", region):
        names |= {part, part.rstrip(_SUFFIX)}
    return {n for n in names if len(n) >= 2 and n not in ("全国", "中国")}


def _latin_words(question: str) -> set[str]:
    """The English words of a question, lower case: Zhoukou's -> zhoukou."""
    return {w.lower() for w in re.findall(r"[A-Za-z]+", question)}


def _places(question: str) -> set[str]:
    """The question's words that can be places, whole (with their 省/市/区 stripped too): 周口 in 周口2023年末 is one,
    上海 in 上海交通大学 is not (jieba keeps the university one word), and names no Shanghai budget."""
    import jieba

    from rag.text import keywords

    keywords.words("")  # jieba initialised once, under keywords' lock
    out = set()
    for word in jieba.lcut(question):
        if len(word) >= 2:
            out |= {for_search(word), for_search(word.rstrip(_SUFFIX))}
    return {p for p in out if len(p) >= 2}


@dataclass(frozen=True)
class Library:
    """The registry as questions name it: each document's names, read once per index version."""
    records: tuple[DocumentRecord, ...]
    case_sources: Mapping[str, frozenset[str]] = None  # a case title -> the documents printing it

    @functools.cached_property
    def _who(self) -> dict[str, set[str]]:
        """Per source: its issuer, the issuer's short names and its title, as searched (the issuer's names at least
        two characters long and never a bare place: a region is matched as a place)."""
        out: dict[str, set[str]] = {}
        for r in self.records:
            names = {r.issuer, *r.short_names, r.title} if r.issuer else {r.title}
            if r.issuer:  # 平安银行 for 平安银行股份有限公司: a company is named without its legal form
                names.add(_COMPANY.sub("", r.issuer))
            out[r.source] = {for_search(n) for n in names if n and len(n) >= 3}
        return out

    @functools.cached_property
    def _regions(self) -> dict[str, set[str]]:
        return {r.source: {for_search(n) for n in _region_names(r.region)} if r.region else set() for r in self.records}

    @functools.cached_property
    def _region_pinyin(self) -> dict[str, set[str]]:
        """A region as an English question names it: its pinyin without 省/市/州/区 (周口市 -> zhoukou, 黔东南苗族侗族自治州
        -> qiandongnan by its short form 黔东南州), two syllables at least."""
        from pypinyin import lazy_pinyin

        out = {}
        for r in self.records:
            names = {r.region, *short_names(r.region)} if r.region else set()
            out[r.source] = {"".join(lazy_pinyin(n.rstrip(_SUFFIX))) for n in names
                             if 2 <= len(n.rstrip(_SUFFIX)) <= 4 and "族" not in n}
        return out

    @functools.cached_property
    def _region_whole(self) -> dict[str, set[str]]:
        """A region printed with its 省/市/州 (周口市, 黔东南苗族侗族自治州) or shortened by the registry's rule (黔东南州)
        names it anywhere in the question: 黔东南州60周岁 is not cut into words as a place."""
        out = {}
        for r in self.records:
            names = {r.region, *short_names(r.region)} if r.region else set()
            out[r.source] = {for_search(n) for n in names if len(n) >= 3 and n[-1] in _SUFFIX}
        return out

    @functools.cached_property
    def _own_names(self) -> dict[str, str]:
        out = {}
        for r in self.records:
            region = {r.region, *short_names(r.region), *_region_names(r.region)} if r.region else set()
            out[r.source] = " ".join(dict.fromkeys(n for n in (r.title, r.issuer, *r.short_names, *sorted(region)) if n))
        return out

    def context(self, source: str, text: str = "") -> str:
        """What every passage of the document says without printing it: its title, issuer (and short names), region
        (and short forms) and, when text prints no year of its own, its year. The 黔东南 bulletin's sentences say 全州
        and 全年 (全年全州人均生产总值35511元 was refused for 2023年黔东南州人均生产总值: 9 of the dev split's refusals
        had the figure in the first passage this way); a sentence printing 2022年, or under a heading that does (一、2023年
        工作回顾 of a 2024 work report: its 1730条 answered the 2024 plan asked, local model, dev split), is not about the
        document's year: text is the sentence with its headings."""
        record = self.record(source)
        if record is None:
            return ""
        names = self._own_names.get(source, "")
        if _A_YEAR.search(text):
            return _A_YEAR.sub(" ", names)  # (nor its title's year: a file name's 2024 said every sentence was 2024's)
        return f"{names} {record.year}年" if record.year else names

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(r.source for r in self.records)

    @functools.cached_property
    def _by_source(self) -> dict[str, DocumentRecord]:
        return {r.source: r for r in self.records}

    def record(self, source: str) -> DocumentRecord | None:
        return self._by_source.get(source)

    def named(self, question: str, cases: Iterable[str] = ()) -> Scope:
        """The documents the question names (see the module): the documents matched by each kind of name the
        question uses, intersected — a kind of name that would leave none is ignored, as is a name no document
        has. cases: the case titles the question names; documents printing them count as named by them."""
        key = for_search(question)
        groups: list[tuple[set[str], list[str]]] = []
        who: set[str] = set()
        said: list[str] = []
        for source, names in self._who.items():
            hit = [n for n in names if n in key]
            if hit:
                who.add(source)
                said += hit
        # A region inside a body's name already matched names nothing more: 江岭 in 江岭科技大学 is not 江岭市's audit.
        rest = key
        for name in sorted(set(said), key=len, reverse=True):
            rest = rest.replace(name, " ")
        places = _places(rest) if any(self._regions.values()) else set()
        english = _latin_words(question)
        for source, names in self._regions.items():
            hit = [n for n in names if n in places] + [n for n in self._region_whole[source] if n in rest]
            hit += [n for n in self._region_pinyin[source] if n in english]
            if hit:
                who.add(source)
                said += hit
        for case in cases if not who else ():  # 常州工院 names the school, not the 常州 case inside it
            found = (self.case_sources or {}).get(case, frozenset())
            who |= found
            said += [case] if found else []
        if who:
            groups.append((who, said))
        years = {int(y) for y in _YEAR_OF_DOCUMENT.findall(question)}
        if years:
            groups.append(({r.source for r in self.records if r.year in years}, [f"{y}年" for y in sorted(years)]))
        kinds = [kind for kind, words in _KIND_WORDS.items() if re.search(words, question)]
        if kinds:
            groups.append(({r.source for r in self.records if r.kind in kinds}, kinds))
        # A bare year (2023年湖北…投档线) tells apart the named issuer's or region's reports of several years, and
        # nothing else: it is mostly a figure's period.
        bare = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", question)} - years  # 2023 in English too
        if who and bare:
            groups.append(({s for s in who if (self.record(s) and self.record(s).year) in bare}, []))
        chosen: set[str] | None = None
        names: list[str] = []
        for sources, words in groups:
            if not sources:
                continue  # 江苏 with no document of Jiangsu: restricts nothing
            narrowed = sources if chosen is None else chosen & sources
            if narrowed:
                chosen, names = narrowed, names + words
        previous = asks_previous(question)
        if chosen and previous:
            chosen = chosen | self.year_before(chosen)
        return Scope(frozenset(chosen or ()), tuple(dict.fromkeys(names)), previous)

    def year_before(self, sources: Iterable[str]) -> set[str]:
        """The reports of the same issuers, of the kinds given, a year before the latest of them."""
        mine = [r for r in self.records if r.source in set(sources)]
        out = set()
        for r in mine:
            if r.year is None or not r.issuer:
                continue
            out |= {o.source for o in self.records if o.issuer == r.issuer and o.kind == r.kind and o.year == r.year - 1}
        return out


def asks_previous(question: str) -> bool:
    """The question compares with the report of the year before (与上一年的报告相比)."""
    return bool(_PREVIOUS.search(question))


def library_of(records: Sequence[DocumentRecord], case_sources: Mapping[str, frozenset[str]] | None = None) -> Library:
    return Library(tuple(records), dict(case_sources or {}))
