"""Extractive answers: the sentences of the retrieved passages that answer the question, no model."""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.text import keywords
from rag.text.figures import DATE, QUANTITY, answers_unit, extract_figures
from rag.retrieve.query import asks_quantity, asks_year, expected_unit
from rag.passage import Passage
from rag.text.normalize import for_search, split_sentences

# Share of the question's (IDF-weighted) content words a sentence must contain to count as an answer.
# Calibrated on eval/questions.jsonl: answerable questions vs. not-covered ones (see README).
MIN_COVERAGE = 0.5
# Words found only in the ；-clauses around the one holding the figure count half: "…冷氣機…應優先汰換；一百十三年度編列
# 汰換經費新臺幣3,465萬元" answers how much was budgeted for air conditioners, though the figure's clause never says so.
SIBLING_WEIGHT = 0.5
# Words that ask how many (哪两家, 几项, 几级, 两个): no sentence prints them, and "由哪两家单位牵头" was refused for it.
# (Not 哪三方面: what the three are is the question, and a sentence giving none of them does not answer it.)
_COUNT_ASKED = re.compile(r"(?:哪两|两|几)(?:家|个|所|位|名|项|类|种|级|批|次|场)")


@dataclass(frozen=True)
class Evidence:
    sentence: str
    passage: Passage
    coverage: float  # 0..1: how much of the question the sentence covers


class Idf:
    """Inverse document frequency over the indexed passages: 联合体 says little, 扬帆计划 a lot."""

    def __init__(self, passages: list[Passage]):
        self.n = max(len(passages), 1)
        self.df: dict[str, int] = {}
        for p in passages:
            for token in set(keywords.tokens(p.heading_path() + "\n" + p.text)):
                self.df[token] = self.df.get(token, 0) + 1
        # Every passage with its headings and document, as searched (for printed()).
        self._text = "\n".join(dict.fromkeys(for_search(f"{p.document} {p.heading_path()} {p.text}") for p in passages))

    def printed(self, words: str) -> bool:
        """Whether some passage, its headings or its document's title prints the words (compared as for_search)."""
        return for_search(words) in self._text

    def __call__(self, token: str) -> float:
        return math.log(1 + self.n / (1 + self.df.get(token, 0)))


def question_coverage(question: str, passages: list[Passage], idf: Idf, names: set[str] = frozenset()) -> float:
    """How much of the question (IDF-weighted words, the names of the cases it names left out) the passages and
    their headings hold at all: 0..1."""
    asked = {t for t in keywords.tokens(question) if t not in names and not _COUNT_ASKED.fullmatch(t)}
    if not asked:
        return 1.0
    have: set[str] = set()
    for passage in passages:
        have |= set(keywords.tokens(passage.heading_path() + "\n" + passage.text))
    return sum(idf(t) for t in asked if t in have) / sum(idf(t) for t in asked)


@functools.lru_cache(maxsize=64)
def _title_words(title: str) -> frozenset[str]:
    return frozenset(keywords.tokens(title))


def _clauses(text: str) -> list[tuple[str, str]]:
    """Each clause (split at 。！？；) with the whole sentence it belongs to (its ；-siblings up to 。)."""
    out, group = [], []
    for clause in split_sentences(text):
        group.append(clause)
        if not clause.rstrip("”’」』）)").endswith("；"):
            out += [(c, "".join(group)) for c in group]
            group = []
    return out + [(c, "".join(group)) for c in group]


def _has(sentence: str, kind: str, unit: str | None = None) -> bool:
    return any(f.kind == kind and (unit is None or answers_unit(f.unit, unit))
               for f in extract_figures(sentence, include_all=True))


def _names_place(line: str, question: str, aliases: set[str]) -> bool:
    key = for_search(line)
    if any(alias in key for alias in aliases if not alias.isascii()):
        return True
    chapter = re.search(r"第[一二三四五六七八九十]+章", question)
    return bool(chapter) and line.startswith(chapter.group(0))


def best_evidence(question: str, passages: list[Passage], idf: Idf, limit: int = 2,
                  cases: set[str] | None = None, structural: bool = False,
                  min_coverage: float = MIN_COVERAGE, aliases: set[str] = frozenset(),
                  context: Callable[[Passage, str], str] | None = None) -> list[Evidence]:
    """Sentences ranked by weighted coverage of the question; those lacking the asked-for kind are out.

    cases: the cases the question names: a sentence of another case never answers it (晋江's funds are
    not 常州's). structural: a question about pages or chapters, the only kind a contents line answers.
    context(passage, sentence): what the passage's document says of every sentence of it without printing it (its
    title, issuer, region, year: rag.retrieve.scope.Library.context); by default its title.
    """
    asked = {t for t in keywords.tokens(question) if not _COUNT_ASKED.fullmatch(t)}
    if not asked:
        return []
    need_number, need_year, unit = asks_quantity(question), asks_year(question), expected_unit(question)
    found: list[Evidence] = []
    for rank, passage in enumerate(passages):
        if passage.kind == "toc" and not structural:
            continue
        if cases and passage.kind != "toc" and passage.case not in cases:
            continue
        # A word naming the document itself (its title, issuer, region, year) that a sentence lacks is not held
        # against it: every passage of the document is about 黔东南州 in 2023 (whose bulletin says 全州 and 全年:
        # 全州人均生产总值35511元 was refused for 2023年黔东南州人均生产总值). The rest must be covered, as before.
        headings = set(keywords.tokens(passage.heading_path()))
        sentences_read: dict[str, set[str]] = {}
        for sentence, whole in _clauses(passage.text):
            if need_number and not _has(sentence, QUANTITY, unit):
                continue
            if need_year and not _has(sentence, DATE):
                continue
            have = set(keywords.tokens(sentence)) | headings
            title = _title_words(f"{passage.document} {context(passage, sentence) if context else ''}")
            if whole not in sentences_read:  # one sentence of several ；-clauses is tokenised once
                sentences_read[whole] = set(keywords.tokens(whole))
            around = sentences_read[whole] - have if whole != sentence else set()
            wanted = {t for t in asked if t in have or t not in title} or asked
            coverage = sum(idf(t) * (1.0 if t in have else SIBLING_WEIGHT if t in around else 0.0)
                           for t in wanted) / sum(idf(t) for t in wanted)
            if passage.kind == "toc" and _names_place(sentence, question, aliases):
                coverage = 1.0  # the contents line of the case or chapter asked about answers where it is
            found.append(Evidence(sentence, passage, coverage - 0.01 * rank))  # ties go to the better passage
    found.sort(key=lambda e: -e.coverage)
    picked: list[Evidence] = []
    for evidence in found:
        if evidence.coverage < min_coverage or len(picked) == limit:
            break
        if picked and evidence.coverage < 0.85 * picked[0].coverage:
            break  # a second sentence only when it answers about as well (comparisons, two figures)
        if all(evidence.sentence != p.sentence for p in picked):
            picked.append(evidence)
    return picked
