"""Every figure of an answer must be in a passage it cites: checked and fixed sentence by sentence."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.answer import relations
from rag.answer.cells import misplaced
from rag.ingest.facts import Figure as Row
from rag.ingest.table import cells
from rag.text import keywords
from rag.text.figures import DATE, QUANTITY, Figure, answers_kind, extract_figures, is_grounded, same_figure
from rag.text.language import is_english
from rag.passage import Passage
from rag.retrieve.query import mentions
from rag.text.normalize import for_search

_CITE = re.compile(r"\[(\d{1,2})\]")
_WORDS = re.compile(r"[^\W_]")  # a letter, a digit or a CJK character
# A sentence ends at Chinese 。！？； or at English . ! ? followed by a space (never inside 3.5).
_SENTENCE_END = re.compile(r"(?<=[。！？；!?])(?![”’」』）)\]\[\n])|(?<=[.!?][”’\")\]])\s|(?<=[a-zA-Z\])][.!?])\s+|(?<=\n)(?!\n)")
MAX_UNCITED_CHARS = 20  # longer text that no passage supports is a claim, not a connecting phrase
# An organisation named by its kind (…大学, …公司): the model gave "常州大学和常州供电公司" as the consortium's leads, in
# no passage; a name must be printed in the passages given (or asked about in the question).
_ORGANISATION = re.compile(r"(?:大学|学院|学校|公司|集团|研究院|研究所|实验室|委员会|协会|学会|银行|医院)")
_NOT_NAME = set("由和与及、的在是为等了被把向对从以将同跟并或其该各每共已")
NAME_CONTEXT = 6  # characters of the name before its kind that must be printed too (常州大学: 常州)
# Before the kind, words that make a common noun, not a name (职业学校, 成员企业的公司 are said of any case).
_GENERIC = re.compile(r"(?:职业|高职|中职|技工|本科|高等|职业技术|技术|成员|合作|龙头|头部|相关|当地|本地|地方|各类|多所|多家|"
                      r"企业|行业|兄弟|一流|优质|示范|重点|这些|其他|全国|国家|省级|市级|多个)+")


def split_answer(text: str) -> tuple[list[str], str]:
    """Complete sentences of a growing answer, and the unfinished rest."""
    pieces = _SENTENCE_END.split(text)
    done = [p for p in pieces[:-1] if p.strip()]
    return done, pieces[-1]


def says_nothing(body: str, question: str) -> bool:
    """A sentence of no word, figure or name the question did not already say (对应的职业代码是。), nor any Chinese
    character: the tokenizer makes new words of the question's own characters (…技能知识课考中的, asked 考试中…考哪一科:
    the local model's whole answer, dev split)."""
    number = re.compile(r"\d+(?:\.\d+)?")
    if set(number.findall(body)) - set(number.findall(question)):
        return False  # a figure of its own (the question's 2025年 said back is none)
    chinese = set(re.findall(r"[\u4e00-\u9fff]", body))
    if chinese and not chinese - set(question) and not re.search(r"[A-Za-z]{2,}", body):
        return True
    return not (set(keywords.tokens(body)) - set(keywords.tokens(question)))


_ITEM = re.compile(r"^(\s*)(\d{1,2})([.、．)）])")
_LEAD_IN = re.compile(r"[：:]\s*(?:\[\d{1,2}\])*\s*$")


def tidy_lists(sentences: list[str]) -> list[str]:
    """A list whose items were dropped is not shown with gaps: the surviving items numbered 1, 2, … again, and a
    lead-in (原因有以下几点：) left with no item after it removed (the page once showed "4. 积极的就业宣传…" alone)."""
    out: list[str] = []
    number = 0
    for n, sentence in enumerate(sentences):
        item = _ITEM.match(sentence)
        if item:
            number += 1
            sentence = f"{item.group(1)}{number}{item.group(3)}" + sentence[item.end():]
        else:
            number = 0
            following = sentences[n + 1] if n + 1 < len(sentences) else ""
            if _LEAD_IN.search(sentence) and not _ITEM.match(following):
                continue
        out.append(sentence)
    return out


def _checked_figures(sentence: str, question: str) -> list[Figure]:
    """Amounts and years need support; ordinals (第三章) and labels (图5) do not; the question's own don't."""
    return [f for f in extract_figures(_CITE.sub("", sentence), include_all=True)
            if f.kind in (QUANTITY, DATE) and not is_grounded(f, question)]


def unprinted_names(sentence: str, printed: str) -> list[str]:
    """Organisation names of the sentence (up to NAME_CONTEXT characters before 大学, 公司, …) not in `printed`."""
    text, key = for_search(_CITE.sub("", sentence)), re.sub(r"\s+", "", for_search(printed))
    missing = []
    for match in _ORGANISATION.finditer(text):
        start = match.start()
        while start > 0 and match.start() - start < NAME_CONTEXT and "\u4e00" <= text[start - 1] <= "\u9fff" \
                and text[start - 1] not in _NOT_NAME:
            start -= 1
        name = text[start:match.end()]
        if match.start() - start >= 2 and name not in key and not _GENERIC.fullmatch(text[start:match.start()]):
            missing.append(name)
    return missing


def _supports(passage: Passage, figure: Figure) -> bool:
    return is_grounded(figure, passage.text)


@dataclass
class Citer:
    """Checks sentences against the retrieved passages and numbers citations in order of first use."""
    passages: list[Passage]  # as numbered in the prompt: [1] is passages[0]
    question: str = ""
    aliases: dict[str, set[str]] = field(default_factory=dict)  # case title -> names; empty: no case check
    # Figures-table rows by passage id: a relation the sentence states (相同, 一共, 倍, 多于) is checked against
    # them. Quoted report sentences (extraction) are the report's own words: checked with {} (figures only).
    rows: dict[str, list[Row]] = field(default_factory=dict)
    # The unit the question asks in (家, 场, 人, 元, %): a sentence whose figures are all of another kind answers
    # something else (80余场 for how many enterprises) and is dropped. None: not checked.
    unit: str | None = None
    order: list[int] = field(default_factory=list)  # prompt indices in display order
    dropped: list[str] = field(default_factory=list)
    _named: dict[str, set[str]] = field(default_factory=dict, repr=False)  # text -> cases it names

    def check(self, sentence: str) -> str | None:
        """The sentence with citations completed and renumbered, or None when a figure has no source."""
        cited = [int(n) - 1 for n in _CITE.findall(sentence) if 0 < int(n) <= len(self.passages)]
        body = _CITE.sub("", sentence).rstrip()
        tail = "\n" if "\n" in sentence[len(sentence.rstrip()):] else ""  # keeps list items on their lines
        if cited and not _WORDS.search(body):
            return None  # citation marks alone say nothing: an answer of "[1]" was once shown as the answer
        needed: list[int] = list(dict.fromkeys(cited))
        figures = _checked_figures(body, self.question)
        if not figures and self.question and says_nothing(body, self.question):
            self.dropped.append(sentence.strip())  # "对应的职业代码是 [1]。": the question's words back, and a mark
            return None
        if figures:
            # A citation that supports none of the sentence's figures is a wrong citation: removed.
            needed = [i for i in needed if any(_supports(self.passages[i], f) for f in figures)]
        for figure in figures:
            if any(_supports(self.passages[i], figure) for i in needed):
                continue
            source = next((i for i, p in enumerate(self.passages) if _supports(p, figure)), None)
            if source is None:  # in no retrieved passage: never presented as the report's
                self.dropped.append(sentence.strip())
                return None
            needed.append(source)  # the model forgot (or misplaced) the citation: attach the right one
        counts = [f for f in figures if f.kind == QUANTITY]
        if self.unit and counts and not any(answers_kind(f.unit, self.unit) for f in counts):
            self.dropped.append(sentence.strip())
            return None
        table = [c for i in needed for c in cells(self.passages[i].text)]
        if any(misplaced(f, body + self.question, table) for f in figures):  # 2024年's cell given for 2023年
            self.dropped.append(sentence.strip())
            return None
        if self.rows and relations.broken(body, [r for i in needed for r in self.rows.get(self.passages[i].id, [])]):
            self.dropped.append(sentence.strip())  # "两者数量相同" of 80余场 and 60余场: never shown
            return None
        body = self._as_printed(body, figures, needed)
        if not needed and body.strip():
            closest = self._closest(body)
            if closest is None:
                if len(body.strip()) > MAX_UNCITED_CHARS:  # a claim no passage supports: never shown
                    self.dropped.append(sentence.strip())
                    return None
                return body + tail  # a short connecting phrase
            needed = [closest]  # a fact stated without [n]: cite the passage it was taken from
        if unprinted_names(body, self.question + "\n" + "\n".join(p.text for p in self.passages)):
            self.dropped.append(sentence.strip())  # an organisation no passage names: never presented as the report's
            return None
        if needed and not self._cases_agree(body, needed):  # 常州 said of a passage about 晋江
            self.dropped.append(sentence.strip())
            return None
        for i in needed:
            if i not in self.order:
                self.order.append(i)
        marks = "".join(f"[{self.order.index(i) + 1}]" for i in needed)
        end = re.search(r"[。！？；.!?]+[”’」』）)]*\s*$", body)
        if end:
            return body[: end.start()] + marks + body[end.start():] + tail
        return body + marks + tail

    def _cases_agree(self, body: str, cited: list[int]) -> bool:
        """Every case the sentence names is the case of a cited passage, or named in one."""
        named = self._cases_in(body)
        return all(any(self.passages[i].case == case or case in self._cases_in(self.passages[i].text) for i in cited)
                   for case in named)

    def _cases_in(self, text: str) -> set[str]:
        if text not in self._named:  # passages are checked once per sentence: normalise each text once
            key = for_search(text)
            self._named[text] = {case for case, names in self.aliases.items() if any(mentions(key, n) for n in names)}
        return self._named[text]

    def _as_printed(self, body: str, figures: list[Figure], sources: list[int]) -> str:
        """A qualifier is part of the figure (60余场 is not 60场, 近6亿 is not 6亿): a Chinese figure is
        written as the passage it cites prints it."""
        if is_english(body):
            return body  # an English sentence words its qualifiers itself (more than 60)
        for figure in sorted(figures, key=lambda f: f.start, reverse=True):
            printed = next((g for i in sources for g in extract_figures(self.passages[i].text, include_all=True)
                            if same_figure(figure, g)), None)
            if printed is not None and printed.qualifier != figure.qualifier:
                body = body[:figure.start] + re.sub(r"\s+", "", printed.raw) + body[figure.end:]
        return body

    def _closest(self, body: str, share: float = 0.5) -> int | None:
        """The passage holding most of the sentence's words: at least `share` of them, and two or more."""
        words = set(keywords.tokens(body))
        if not words:
            return None
        shared = [len(words & set(keywords.tokens(p.heading_path() + p.text))) for p in self.passages]
        best = max(range(len(shared)), key=shared.__getitem__, default=None)
        return best if best is not None and shared[best] >= 2 and shared[best] / len(words) >= share else None

    @property
    def citations(self) -> list[Passage]:
        return [self.passages[i] for i in self.order]


def figure_support(answer) -> tuple[int, int]:
    """(amounts and years the answer states, how many of them a passage cited in their sentence states)."""
    if not answer.found:
        return 0, 0  # a reply that the report does not cover the question claims nothing
    total = grounded = 0
    for sentence in split_answer(answer.text + "\n")[0]:
        cited = [answer.citations[int(n) - 1].text for n in _CITE.findall(sentence)
                 if 0 < int(n) <= len(answer.citations)]
        result = relations.computed_result(sentence)  # a difference, ratio or sum shown with its arithmetic
        for figure in _checked_figures(sentence, answer.retrieval_query or answer.question):
            total += 1
            computed = result is not None and figure.raw.lstrip("约").startswith(result)
            grounded += computed or any(is_grounded(figure, text) for text in cited)
    return total, grounded
