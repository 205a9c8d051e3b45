"""English answers whose figures and names come from code: the checked Chinese answer is translated with each figure and
name held in a slot ({F1}, {N1}) the model copies, then filled with the figure in English beside it as printed and the
name as printed with its glossary rendering. A figure asked for is said in an English sentence that says what it is —
the glossary's English for its measure, else its clause translated by the model around the figure's slot and checked,
else the question's own words for what is asked, never a measure made up — with the report's clause quoted after it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rag.answer.chat import ChatModel
from rag.answer.glossary import Entry, glossary, stem
from rag.answer.numeric import clause
from rag.answer.prompts import template
from rag.errors import LLMError
from rag.ingest.facts import Figure as Row
from rag.text import keywords
from rag.text.english import asked_measure, outside_brackets, render, render_printed
from rag.passage import Passage
from rag.text.figures import QUANTITY, Figure, answers_kind, extract_figures, is_grounded
from rag.text.normalize import for_search, to_simplified

# Names the glossary may not hold, as the report prints them: titles in 《》 and bodies by their endings.
_TITLE = re.compile(r"《[^》]{1,30}》")
_BODY = re.compile(r"[\u4e00-\u9fff]{2,20}?(?:大学|学院|有限公司|股份公司|集团|研究院|联合体|共同体|开发区|高新区|产业园)")
_BEFORE_NAME = "由和与及同在为将对向把从是的、"
_CITE_MARK = re.compile(r"\[(\d+)\]")
_SLOT = re.compile(r"\{\s*([FN])\s*(\d+)\s*\}")
_CJK = re.compile(r"[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Masked:
    text: str  # the Chinese answer with {F1}, {N1} where its figures and names were
    slots: dict[str, str]  # slot -> what fills it in English: "2 million yuan (200万元)", "泉州职业技术大学 (Quanzhou …)"


def named(name: str) -> str:
    """A name as printed with its English rendering, when the glossary gives one."""
    english = glossary().rendering(name.strip("《》"))
    return f"{name} ({english})" if english else name


def mask(answer: str) -> Masked:
    """Each figure and name of a Chinese answer in a slot the translation copies."""
    slots: dict[str, str] = {}
    spans: list[tuple[int, int, str, str]] = []  # start, end, what fills it, F (figure) or N (name)
    for figure in extract_figures(answer):
        if figure.kind == QUANTITY:
            spans.append((figure.start, figure.end, f"{render(figure)} ({_printed(figure.raw)})", "F"))
    found = []  # the glossary's names first, then titles, then bodies by their endings
    for entry in glossary().names:
        found += [(m.start(), m.end()) for m in re.finditer(re.escape(entry.zh), answer)]
    found += [(m.start(), m.end()) for m in _TITLE.finditer(answer)]
    for m in _BODY.finditer(answer):
        lead = len(m.group()) - len(m.group().lstrip(_BEFORE_NAME))  # 由泉州职业技术大学: 由 is no part of it
        found.append((m.start() + lead, m.end()))
    for start, end in found:
        if not any(start < e and s < end for s, e, _, _ in spans):
            spans.append((start, end, named(answer[start:end]), "N"))
    out, pos, counts = [], 0, {"F": 0, "N": 0}
    for start, end, fill, kind in sorted(spans):
        counts[kind] += 1
        slot = f"{{{kind}{counts[kind]}}}"
        slots[slot] = fill
        out += [answer[pos:start], slot]
        pos = end
    out.append(answer[pos:])
    return Masked("".join(out), slots)


def unmask(translation: str, masked: Masked) -> str | None:
    """The translation with its slots filled; None when it lost a figure or a name, or made one up."""
    translation = translation.rsplit("English translation:", 1)[-1].strip()  # a small model may echo the prompt
    used = {f"{{{m.group(1)}{m.group(2)}}}" for m in _SLOT.finditer(translation)}
    if used != set(masked.slots):
        return None  # a figure or name lost (the names are often the answer) or one made up
    return _SLOT.sub(lambda m: masked.slots[f"{{{m.group(1)}{m.group(2)}}}"], translation)


def figures_given(answer: str, citations: list[Passage], unit: str | None, question: str = "",
                  model: ChatModel | None = None, names: frozenset[str] = frozenset()) -> str:
    """A checked Chinese answer that gives figures, in English made in code: each figure that answers (of the kind
    asked) in an English sentence that says what it is (see say), with the clause of its cited passage that prints
    it — the report's words, not the model's. "" when it gives none.

    A figure the report labels with another measure than the one the question names is not the answer: asked the
    daily running costs (日常运行经费), the model's 2000万元 is the 专项建设经费 printed beside the 200万元 asked; the
    figure of the same clause labelled with the asked measure is given instead, or none.

    names: the Chinese of the names the question uses; a figure whose clause does not print each is no answer (asked
    Wuhan University's group 09, the model's row was 武汉科技大学第09组)."""
    asked = asked_measures(question)
    out = []
    for sentence in re.split(r"(?<=[。！？；])", answer):
        marks = [int(n) for n in _CITE_MARK.findall(sentence) if 0 < int(n) <= len(citations)]
        for figure in extract_figures(_CITE_MARK.sub("", sentence)):
            if figure.kind != QUANTITY or (unit and not answers_kind(figure.unit, unit)) or _stated(figure, question):
                continue
            for n in marks:
                printed = _printing(figure, citations[n - 1].text)
                if not printed or not all(for_search(name) in for_search(printed) for name in names):
                    continue
                located = _locate(figure, printed)
                if located is not None and asked:
                    located = _labelled(located, printed, asked, unit)
                    if located is None:
                        break  # labelled with another measure, and nothing in its clause is the one asked
                table = citations[n - 1].kind == "table"  # a row line is no clause to translate
                said = say(located, printed, n, question, None if table else model, citations) if located else \
                    _by_label(f"{render(figure)} ({_printed(figure.raw)})", "", "", question, n)
                out.append(f"{said.text} Original text: “{printed.rstrip('。；')}” [{n}].")
                break
    return " ".join(dict.fromkeys(out))


def _printing(figure: Figure, text: str) -> str | None:
    """The clause of a passage that prints the figure in its own unit (3.5万人次, not the 3.5 万个岗位 beside it)."""
    clauses = [c.strip() for c in re.split(r"(?<=[。！？；])", text)]
    same = [c for c in clauses if any(g.value == figure.value and g.unit == figure.unit for g in extract_figures(c))]
    return next(iter(same or [c for c in clauses if is_grounded(figure, c)]), None)


def figure_answer(row: Row, question: str = "", model: ChatModel | None = None) -> str:
    """A figures-table row for an English question, said in English (see say), then its clause quoted: "The report
    gives 2 million yuan (200万元) for daily operating funds (日常运行经费) [1]. Original text: “…” [1]." """
    quoted = clause(row)
    located = _locate_raw(row.raw, quoted)
    asked = asked_measures(question)
    if located is not None and asked and row.kind != "table":
        # Asked the 政府采购预算, the table's row was the 政府采购服务预算983.05万元 of the clause that prints the
        # 政府采购预算4821.20万元 first: the clause's figure labelled with the asked measure is the answer.
        labelled = _labelled(located, quoted, asked, None)
        if labelled is not None and labelled.start != located.start:
            return figure_answer_at(labelled, quoted, question, model)
    if located is None or row.kind == "table":  # a table's row line is no clause to translate
        said = _by_label(render_printed(row.printed), row.label, row.column, question, 1, quote=True)
    else:
        said = say(located, quoted, 1, question, model, (), label=row.label)
    return f"{said.text} Original text: “{quoted}” [1]."


def figure_answer_at(figure: Figure, quoted: str, question: str = "", model: ChatModel | None = None) -> str:
    """A figure of a row's clause for an English question, said in English, then the clause quoted."""
    said = say(figure, quoted, 1, question, model)
    return f"{said.text} Original text: “{quoted}” [1]."


def quoted_answer(sentences: list[str], unit: str | None, asks_figure: bool, question: str = "") -> str:
    """The extract for an English question: an English sentence saying what the figure that answers is (when a
    figure is asked for), the report's sentences quoted with their [n], and the glossary's English for the names
    they print."""
    quoted = [(re.sub(r"\[\d+\]", "", s).rstrip("。"), int(re.findall(r"\[(\d+)\]", s)[-1]))
              for s in sentences if re.search(r"\[\d+\]", s)]
    opening = lead(unit, quoted, question) if asks_figure else "The report says"
    body = " ".join(f"“{q}” [{n}]." for q, n in quoted)
    opening += " Original text:" if opening.endswith(".") else " (original Chinese):"
    return " ".join(x for x in (opening, body, names_line(body)) if x)


def in_english(text: str, cited: list[Passage]) -> bool:
    """An answer is in English: every Chinese run outside quotes and brackets is a figure as printed or a whole name
    as a cited passage prints it — not glued to English letters ("Ideal汽车有限公司", "such as新能源"), not cut inside
    a word ("常州新能 consortium"), not a Chinese clause ("开发区是…") — and it has English words."""
    own = _CITE_MARK.sub(" ", outside_brackets(text))
    for figure in extract_figures(own):
        own = own.replace(figure.raw, " ")
    printed = " ".join(p.text for p in cited)
    for m in _CJK.finditer(own):
        run = m.group()
        glued = bool(re.match(r"[A-Za-z]", own[m.end():m.end() + 1]) or re.search(r"[A-Za-z]$", own[:m.start()]))
        if glued or not (glossary().rendering(run) or _whole_words(run, printed)):
            return False
    return len(re.findall(r"[A-Za-z]{2,}", own)) >= 2


def _whole_words(run: str, text: str) -> bool:
    """The run is printed in the text and begins and ends on its word boundaries (jieba's): 常州新能源产教联合体 is,
    常州新能 (cut inside 新能源) is not."""
    import jieba

    keywords.words("")  # jieba initialised once, under keywords' lock
    for m in re.finditer(re.escape(run), text):
        sentence_start = max(text.rfind(c, 0, m.start()) for c in "。；！？\n") + 1
        ends, pos = set(), sentence_start
        for word in jieba.lcut(text[sentence_start:m.end() + 20]):
            ends.add(pos)
            pos += len(word)
            ends.add(pos)
        if m.start() in ends and m.end() in ends:
            return True
    return False


def lead(question_unit: str | None, sentences: list[tuple[str, int]], question: str = "") -> str:
    """The English sentence an extracted answer opens with, saying what the figure that answers is: "The report
    gives 2 million yuan (200万元) for daily operating funds (日常运行经费) [1]." sentences: the quoted Chinese
    sentences with their citation numbers."""
    asked = asked_measures(question)
    terms = [to_simplified(entry.zh) for _, entry in glossary().found(question)] if question else []

    def fit(item: tuple[Figure, str, int]) -> tuple[bool, int]:
        figure, sentence, _ = item
        own = to_simplified(own_words(sentence, figure))
        return bool(asked) and _measure_of(figure, sentence) in asked, sum(term in own for term in terms)

    found = [(figure, sentence, n) for sentence, n in sentences for figure in _answering(sentence, question_unit)
             if not _stated(figure, question)]
    if asked:  # a figure its own words say is another measure than the one asked is not claimed to answer
        found = [item for item in found if _measure_of(item[0], item[1]) in (None, *asked)]
    # The figure whose own words name the asked measure, then the most of the question's terms (累计发行238档永续发展
    # 债券, not the 113 年 of its date), else as printed: the sort is stable.
    found.sort(key=fit, reverse=True)
    if found:
        figure, sentence, n = found[0]
        return say(figure, sentence, n, question).text
    return "The report says"


def _stated(figure: Figure, question: str) -> bool:
    """The question itself states the figure's number: asked group 09's cut-off score, 第09组 is not the answer."""
    numbers = {Decimal(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", question)}
    return figure.value in numbers


def _answering(sentence: str, unit: str | None) -> list[Figure]:
    counts = [f for f in extract_figures(sentence) if f.kind == QUANTITY]
    return [f for f in counts if unit is None or answers_kind(f.unit, unit)]


# -- saying what a figure is ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Said:
    """An English sentence that says what a figure is, the figure placed in code, never typed by the model."""
    text: str  # "The talent supply platform collected 35,000 (3.5 万个) job vacancies from companies [1]."
    how: str  # model (its clause translated, checked) | glossary (its measure's English) | question (the question's
    #           words for what is asked) | figure (nothing says it: the figure alone)


_PIECE_END = "，,；;。！？!?\n"  # not the colon: 本课程计划教学学时为：216学时 labels its figure before it
_JOINS = ("以及", "和", "与", "及", "、", "并")
MAX_CLAUSE = 80  # characters of a clause given to the model: a longer one is a table line or a list, not a clause
MIN_WORDS = 3  # English words of a translation besides its slots


def own_words(text: str, figure: Figure) -> str:
    """The words of its clause that say what a figure is, the figure included: cut at the clause's commas and at
    the figures beside it, a 和/与/、 between two figures ending one and beginning the other (每年安排200万元日常运行
    经费和2000万元专项建设经费: 每年安排200万元日常运行经费 for the first, 2000万元专项建设经费 for the second)."""
    start, end = figure.start, figure.end
    left = max(text.rfind(c, 0, start) for c in _PIECE_END) + 1
    right = min([i for c in _PIECE_END if (i := text.find(c, end)) >= 0] or [len(text)])
    for other in extract_figures(text[left:right]):
        o_start, o_end = left + other.start, left + other.end
        if other.kind != QUANTITY or o_start <= start < o_end:
            continue
        if o_end <= start:
            between = text[o_end:start]
            joins = [between.rfind(j) + len(j) for j in _JOINS if j in between]
            left = max(left, o_end + (max(joins) if joins else 0))
        elif o_start >= end:
            between = text[end:o_start]
            joins = [between.find(j) for j in _JOINS if j in between]
            right = min(right, end + (min(joins) if joins else len(between)))
    return text[left:right].strip()


def _measure_of(figure: Figure, text: str) -> Entry | None:
    """The glossary measure the figure's own words print, if any."""
    words = own_words(text, figure)
    return glossary().measure(words.replace(figure.raw, " "))


def asked_measures(question: str) -> list[Entry]:
    """The glossary measures an English question names (daily running costs → 日常运行经费)."""
    return [entry for _, entry in glossary().found(question) if entry.measure] if question else []


def _labelled(figure: Figure, text: str, asked: list[Entry], unit: str | None) -> Figure | None:
    """The figure, unless the text labels it with a measure other than the one asked: then the figure of the text
    (of the kind asked) that it labels with the asked measure, or None."""
    own = _measure_of(figure, text)
    if own is None or own in asked:
        return figure
    return next((f for f in _answering(text, unit) if _measure_of(f, text) in asked), None)


def say(figure: Figure, text: str, n: int, question: str = "", model: ChatModel | None = None,
        cited: list[Passage] | tuple[Passage, ...] = (), label: str = "") -> Said:
    """An English sentence saying what the figure is, from the report's clause that prints it (text, where the
    figure was extracted; cited [n]): the glossary's English for the measure its label or own words name (fixed,
    never left to the model); else the model's translation of the figure's own words with the figure in a slot,
    checked (the slot copied once, English words, no figure typed); else the English question's own words for what
    it asks; else the figure alone."""
    shown = f"{render(figure)} ({_printed(figure.raw)})"
    words = label or own_words(text, figure).replace(figure.raw, " ")
    said = _by_label(shown, words, "", question, n, quote=bool(label))
    if said.how == "glossary" or model is None:
        return said
    translated = translate_clause(model, own_words(text, figure), figure, cited, question)
    return Said(f"{translated} [{n}].", "model") if translated else said


def _by_label(shown: str, label: str, column: str, question: str, n: int, quote: bool = False) -> Said:
    """The glossary's English for the measure the label (or column) names; else the question's words for what it
    asks, the row's label quoted beside them (quote); else the figure alone."""
    entry = glossary().measure(label) or (glossary().measure(column) if column else None)
    if entry is not None and entry.zh in shown:
        entry = None  # the measure is the figure's own unit (216 class hours (216学时)): it says nothing more
    quoted = f" (“{label.strip()}”)" if quote and label.strip() and len(label.strip()) <= 30 else ""
    if entry is not None:
        return Said(f"The report gives {shown} for {entry.en} ({entry.zh}) [{n}].", "glossary")
    asked = asked_measure(question)
    if asked:
        return Said(f"The report gives {shown} for {asked} asked{quoted} [{n}].", "question")
    return Said(f"The report gives {shown}{quoted} [{n}].", "figure")


# What the 1.5B model added translating a figure's clause, measured on the dev documents' English questions: a hedge
# the report does not print ("The total area is approximately 4,000.6 m² (measured)"), a name it made up ("the Yiwu
# Sustainable Development Bond" for 永續發展債券), the unit written twice ("216 class hours (216学时) hours").
_HEDGES = re.compile(r"\b(?:approximately|approx|about|around|roughly|nearly|almost|over|more than|less than|fewer than"
                     r"|at least|at most|up to|estimated|calculated|measured|some)\b", re.I)


def translate_clause(model: ChatModel, words: str, figure: Figure, cited=(), question: str = "") -> str | None:
    """The model's English for a figure's own words, the figure (and any name) in a slot filled in code; None when
    it cannot be checked: a slot lost or repeated, a figure typed, too few English words, Chinese left outside the
    names the report prints, a hedge or a proper name the clause and the question do not give, the unit repeated."""
    at = words.find(figure.raw)
    if at < 0 or len(words) > MAX_CLAUSE or len(re.findall(r"[\u4e00-\u9fff]", words.replace(figure.raw, ""))) < 2:
        return None
    masked = mask(words)
    if [k for k in masked.slots if k.startswith("{F")] != ["{F1}"]:
        return None  # another figure in its own words: which one the sentence is about would be the model's guess
    try:
        reply = model.complete([{"role": "user", "content": template("translate_clause").format(clause=masked.text)}],
                               max_tokens=24 + 2 * len(masked.text), temperature=0.0)
    except LLMError:
        return None
    reply = (reply or "").strip().splitlines()[0].strip() if (reply or "").strip() else ""
    reply = re.sub(r"^(?:English sentence:|English:)\s*", "", reply).strip().strip("\"“”")
    if any(len(re.findall(re.escape(slot), reply)) != 1 for slot in masked.slots):
        return None
    bare = _SLOT.sub(" ", reply)
    if re.search(r"\d", bare) or len(re.findall(r"[A-Za-z]{2,}", bare)) < MIN_WORDS or len(bare.split()) > 40:
        return None
    if (_HEDGES.search(bare) and not figure.qualifier) or _invented_names(bare, words, question) \
            or _unit_again(reply, figure):
        return None
    filled = unmask(reply, masked)
    if not filled or (cited and not in_english(filled, list(cited))) or re.search(r"[\u4e00-\u9fff]", outside_brackets(
            _SLOT.sub(" ", reply))):
        return None
    filled = filled.rstrip(" .。")
    return filled[0].upper() + filled[1:]


def _invented_names(english: str, chinese: str, question: str) -> list[str]:
    """Capitalised words after the first that neither the question says nor the Chinese reads as (its pinyin)."""
    from rag.text.english import Romanised

    asked = {stem(w) for w in re.findall(r"[A-Za-z]+", question)}
    words = re.findall(r"(?<![A-Za-z'’])[A-Za-z][a-z]+", english)[1:]
    said = [w for w in words if w[0].isupper() and stem(w) not in asked]
    return [w for w in said if not Romanised([chinese]).printed(w)]


def _unit_again(reply: str, figure: Figure) -> bool:
    """The figure's unit written again after its slot: {F1} hours, when {F1} is 216 class hours (216学时)."""
    after = re.search(r"\{F1\}\s+([A-Za-z]+)", reply)
    rendered = {stem(w) for w in re.findall(r"[A-Za-z]+", render(figure))}
    return bool(after) and stem(after.group(1)) in rendered


def _printed(raw: str) -> str:
    """A figure as an answer writes it: the spaces inside it removed (3.5 万个 → 3.5万个), as the figures table does."""
    return re.sub(r"(?<=[\d余多万亿])\s+|\s+(?=[\d余多万亿])", "", raw).strip()


def _locate(figure: Figure, text: str) -> Figure | None:
    """The figure as the text prints it (its own position there): same value and unit, else grounded."""
    found = [f for f in extract_figures(text) if f.kind == QUANTITY]
    return next((f for f in found if f.value == figure.value and f.unit == figure.unit), None) or next(
        (f for f in found if is_grounded(figure, f.raw)), None)


def _locate_raw(raw: str, text: str) -> Figure | None:
    at = text.find(raw.strip())
    return next((f for f in extract_figures(text) if f.kind == QUANTITY and f.start <= at < f.end), None) \
        if at >= 0 else None


def names_line(text: str) -> str:
    """The glossary's English for the names a quoted text prints: 'Names: 泉州职业技术大学 = Quanzhou …'."""
    seen = [e for e in glossary().names if e.zh in text]
    kept = [e for e in seen if not any(e is not o and e.zh in o.zh for o in seen)]  # 常州 inside 常州新能源…联合体
    return ("Names: " + "; ".join(f"{e.zh} = {e.en}" for e in kept) + ".") if kept else ""


__all__ = ["Masked", "mask", "unmask", "named", "figures_given", "figure_answer_at", "figure_answer", "quoted_answer",
           "in_english", "lead", "names_line", "Said", "say", "own_words", "asked_measures", "translate_clause"]
