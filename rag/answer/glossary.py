"""The fixed English of general report vocabulary (prompts/glossary.toml), matched on word forms, and the names of the
indexed documents read from their pinyin: what an English question's words are in Chinese, how a Chinese measure is
said in English."""
from __future__ import annotations

import functools
import re
import threading
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.prompts import prompts_dir
from rag.passage import Passage
from rag.text.english import Romanised, latin_names


@dataclass(frozen=True)
class Entry:
    zh: str  # as documents print it
    en: str  # the rendering shown beside it
    wordings: tuple[str, ...]  # how English questions say it, the rendering first
    name: bool  # a name (kept in Chinese in answers, with the rendering); else a term (searched only)
    measure: bool = False  # a measure (就业率, 日常运行经费): says in English what a figure labelled so is


# Word forms: a question says "daily running costs" where the glossary says "daily operating funds" (issue 30: no
# entry matched, the model translated 运行成本 and answered the 2000万元 construction fund beside the 200万元 asked).
# Words are compared by stem (plural, -ing, -ed, -ion cut) and these general synonyms, not by their letters.
_IRREGULAR = {"people": "person", "persons": "person", "children": "child", "men": "man", "women": "woman",
              "staff": "staff", "data": "data", "criteria": "criterion", "indices": "index", "statistics": "statistic"}
_SYNONYMS = (("running", "operating"), ("cost", "fund"), ("expense", "fund"), ("money", "fund"),
             ("enterprise", "company"), ("firm", "company"), ("business", "company"),
             ("every", "each"), ("per", "each"), ("annual", "yearly"), ("annually", "yearly"),
             ("programme", "program"), ("speciality", "specialty"), ("centre", "center"), ("labour", "labor"),
             ("kilometre", "kilometer"), ("metre", "meter"), ("organisation", "organization"))
_STEM_WORD = re.compile(r"[A-Za-z0-9]+(?:['’]s)?")


def _base(word: str) -> str:
    w = re.sub(r"['’]s$", "", word.lower())
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("sses", "xes", "ches", "shes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ions", "ion", "ings", "ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[:-len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":  # running → runn → run; planned → plan
                w = w[:-1]
            break
    w = w[:-1] if len(w) > 4 and w.endswith("e") else w  # operate → operat, like operating and operation
    return w[:-1] + "i" if len(w) > 3 and w.endswith("y") else w  # company and compani(es) alike


_SAME = {_base(a): _base(b) for a, b in _SYNONYMS}


def stem(word: str) -> str:
    """A word's stem as wordings are compared: companies/enterprises → compani, operating/operations/running →
    operat, costs/expenses/funding → fund."""
    base = _base(word)
    return _SAME.get(base, base)


# What a name's kind is (Wanli Subdistrict Office: 万里街道办事处 is Wanli Subdistrict's): not what tells it apart.
_KIND_WORDS = frozenset("Office City County Province District Subdistrict Town Village Bureau Department Government "
                        "Committee Commission Council Company Group Bank Corporation Co Ltd Inc School College "
                        "University Institute".split())
# Capitalised as a sentence's first word, not as a name (Which CCTV programmes…).
_OPENERS = frozenset("Which What How Who Whom Whose When Where Why In By For At On Of The A An Is Are Was Were Do Does "
                     "Did According As From To During Since Between Under After Before Please List Name Give".split())
_NAME_SPAN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|&)\s+)?\(?[A-Z][\w'’-]*\)?)+")


def _stems(text: str) -> list[tuple[str, int, int]]:
    return [(stem(m.group()), m.start(), m.end()) for m in _STEM_WORD.finditer(text)]


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]
    romanised: Romanised | None = None  # the indexed documents' Chinese by its pinyin; None: fixed entries only

    @functools.cached_property
    def _wordings(self) -> list[tuple[tuple[str, ...], Entry]]:
        pairs = [(tuple(s for s, _, _ in _stems(w)), e) for e in self.entries for w in e.wordings]
        # The longest wording first: "special construction funds" before "funds".
        return sorted((p for p in pairs if p[0]), key=lambda p: len(p[0]), reverse=True)

    def found(self, english: str) -> list[tuple[str, Entry]]:
        """The entries an English text names, each with the words it names it by, in order, none overlapping: the
        documents' names by their pinyin (Zhoukou → 周口, Wuhan University → 武汉大学), then the fixed entries by their
        word stems."""
        words = _stems(english)
        stems = [s for s, _, _ in words]
        taken: list[tuple[int, int, str, Entry]] = []

        def free(start: int, end: int) -> bool:
            return not any(start < e and s < end for s, e, _, _ in taken)

        if self.romanised is not None:  # a document's own name first: Wanli Subdistrict (万里街道), not Subdistrict Office
            for start, end, chinese in latin_names(english, self.romanised):
                latin = english[start:end]
                taken.append((start, end, latin, Entry(chinese, latin, (latin,), True)))
        for wording, entry in self._wordings:
            n = len(wording)
            for i in range(len(stems) - n + 1):
                if tuple(stems[i:i + n]) == wording:
                    start, end = words[i][1], words[i + n - 1][2]
                    if free(start, end):
                        taken.append((start, end, english[start:end], entry))
        return [(said, entry) for _, _, said, entry in sorted(taken, key=lambda t: t[0])]

    def unnamed(self, english: str) -> list[str]:
        """The proper names of an English text (two capitalised words or more: China University of Geosciences) with
        a word no entry renders (acronyms aside): whose Chinese is not known, so no quote can be checked to be theirs."""
        covered = " ".join(said for said, _ in self.found(english))
        out = []
        for m in _NAME_SPAN.finditer(english):
            words = [re.sub(r"['’]s$", "", w) for w in re.findall(r"[A-Z][\w'’-]*", m.group())]
            if any(w not in covered for w in words if not w.isupper() and w not in _KIND_WORDS | _OPENERS):
                out.append(m.group())
        return out

    def chinese_terms(self, english: str) -> list[str]:
        """What an English question names, in the documents' Chinese: searched alongside its own words."""
        return list(dict.fromkeys(entry.zh for _, entry in self.found(english)))

    def hints(self, english: str) -> str:
        """Lines "English = 中文" for the names and terms a question uses, for the model's translation."""
        return "\n".join(f"{words} = {entry.zh}" for words, entry in self.found(english))

    def rendering(self, chinese: str) -> str | None:
        """The English of a name as printed, when the glossary fixes one (央视 → CCTV)."""
        return next((e.en for e in self.entries if e.name and e.zh == chinese), None)

    def measure(self, label: str) -> Entry | None:
        """The measure a figure's label names (毕业去向落实率（%） → 毕业去向落实率, graduate destination rate): the whole
        label, else the longest measure printed in it."""
        key = re.sub(r"[（(][^）)]*[）)]|\s", "", label)
        inside = [e for e in self.measures if e.zh in key]
        return next((e for e in inside if e.zh == key), None) or (inside[0] if inside else None)

    @functools.cached_property
    def measures(self) -> tuple[Entry, ...]:
        """Measures, longest first: 毕业去向落实率 before 落实率."""
        return tuple(sorted((e for e in self.entries if e.measure), key=lambda e: len(e.zh), reverse=True))

    @functools.cached_property
    def names(self) -> tuple[Entry, ...]:
        """Names, longest first: a longer name is rendered whole, not as its parts."""
        return tuple(sorted((e for e in self.entries if e.name), key=lambda e: len(e.zh), reverse=True))


@functools.cache
def _entries(kinds: tuple[str, ...]) -> tuple[Entry, ...]:
    data = tomllib.loads(prompts_dir().joinpath("glossary.toml").read_text(encoding="utf-8"))
    return tuple(Entry(item["zh"], item["en"], (item["en"], *item.get("also", ())), kind in ("name", "legacy"),
                       kind == "measure") for kind in kinds for item in data.get(kind, []))


@functools.cache
def _undocumented() -> Glossary:
    """Called without the documents: the general vocabulary and, until every caller passes them, the [[legacy]]
    names of the report (glossary.toml says why)."""
    return Glossary(_entries(("name", "measure", "term", "legacy")))


_lock = threading.Lock()
_for_documents: dict[int, tuple[Sequence[Passage], Glossary]] = {}  # id(passages) -> the glossary read from them
KEPT_SNAPSHOTS = 4  # a served index is republished now and then; the last few snapshots' glossaries are kept


def glossary(documents: Sequence[Passage] | None = None) -> Glossary:
    """The general vocabulary with the indexed passages' place and person names read from their pinyin (built once
    per snapshot); without them, the general vocabulary and the [[legacy]] names."""
    if documents is None:
        return _undocumented()
    with _lock:
        kept = _for_documents.get(id(documents))
        if kept is not None and kept[0] is documents:
            return kept[1]
    made = Glossary(_entries(("name", "measure", "term")), Romanised(p.text for p in documents))
    with _lock:
        _for_documents[id(documents)] = (documents, made)
        while len(_for_documents) > KEPT_SNAPSHOTS:
            _for_documents.pop(next(iter(_for_documents)))
    return made


__all__ = ["Entry", "Glossary", "glossary", "stem"]
