"""English answers whose figures and names come from code: the checked Chinese answer is translated with each figure and
name held in a slot ({F1}, {N1}) the model copies, then filled with the figure in English beside it as printed and the
name as printed with its glossary rendering; the extractive answer gets an English sentence built around its figure."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.glossary import glossary
from rag.answer.numeric import clause
from rag.ingest.facts import Figure as Row
from rag.text.english import foreign_share, render, render_printed
from rag.text.figures import QUANTITY, Figure, answers_kind, extract_figures

# Names the glossary may not hold, as the report prints them: titles in 《》 and bodies by their endings.
_TITLE = re.compile(r"《[^》]{1,30}》")
_BODY = re.compile(r"[\u4e00-\u9fff]{2,20}?(?:大学|学院|有限公司|股份公司|集团|研究院|联合体|共同体)")
_BEFORE_NAME = "由和与及同在为将对向把从是的、"
_SLOT = re.compile(r"\{\s*([FN])\s*(\d+)\s*\}")
_CJK = re.compile(r"[\u3400-\u9fff]+")
ENGLISH_ENOUGH = 0.1  # at most this share of a sentence's own letters Chinese (names and figures excepted)


@dataclass(frozen=True)
class Masked:
    text: str  # the Chinese answer with {F1}, {N1} where its figures and names were
    slots: dict[str, str]  # slot -> what fills it in English: "2 million yuan (200万元)", "泉州职业技术大学 (Quanzhou …)"
    names: frozenset[str]  # the names as printed (kept in Chinese in the English answer)


def named(name: str) -> str:
    """A name as printed with its English rendering, when the glossary gives one."""
    english = glossary().rendering(name.strip("《》"))
    return f"{name} ({english})" if english else name


def glossary_note(label: str) -> str:
    """' (daily operations)' after a label the glossary renders; '' otherwise."""
    english = next((e.en for e in glossary().entries if e.zh == label), None)
    return f" ({english})" if english else ""


def mask(answer: str) -> Masked:
    """Each figure and name of a Chinese answer in a slot the translation copies."""
    slots: dict[str, str] = {}
    names: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    for figure in extract_figures(answer):
        if figure.kind == QUANTITY:
            spans.append((figure.start, figure.end, f"{render(figure)} ({figure.raw.strip()})"))
    found = []  # the glossary's names first, then titles, then bodies by their endings
    for entry in glossary().names:
        found += [(m.start(), m.end()) for m in re.finditer(re.escape(entry.zh), answer)]
    found += [(m.start(), m.end()) for m in _TITLE.finditer(answer)]
    for m in _BODY.finditer(answer):
        lead = len(m.group()) - len(m.group().lstrip(_BEFORE_NAME))  # 由泉州职业技术大学: 由 is no part of it
        found.append((m.start() + lead, m.end()))
    for start, end in found:
        if not any(start < e and s < end for s, e, _ in spans):
            names.add(answer[start:end])
            spans.append((start, end, named(answer[start:end])))
    out, pos, counts = [], 0, {"F": 0, "N": 0}
    for start, end, fill in sorted(spans):
        kind = "F" if fill.endswith(")") and any(c.isdigit() for c in answer[start:end]) else "N"
        counts[kind] += 1
        slot = f"{{{kind}{counts[kind]}}}"
        slots[slot] = fill
        out += [answer[pos:start], slot]
        pos = end
    out.append(answer[pos:])
    return Masked("".join(out), slots, frozenset(names))


def unmask(translation: str, masked: Masked) -> str | None:
    """The translation with its slots filled; None when it lost a figure or made one up (a slot not given)."""
    used = {f"{{{m.group(1)}{m.group(2)}}}" for m in _SLOT.finditer(translation)}
    figures = {s for s in masked.slots if s.startswith("{F")}
    if used - set(masked.slots) or not figures <= used:
        return None
    return _SLOT.sub(lambda m: masked.slots[f"{{{m.group(1)}{m.group(2)}}}"], translation)


def english_sentence(sentence: str, names: frozenset[str]) -> bool:
    """The sentence's own words are English: Chinese only in names, figures as printed and quotes."""
    return foreign_share(sentence, set(names)) <= ENGLISH_ENOUGH


def figure_answer(row: Row) -> str:
    """A figures-table row for an English question: "The report gives 2 million yuan (200万元) for “日常运行经费”
    (daily operations) [1]. Original text: “…” [1]." """
    return (f"The report gives {render_printed(row.printed)} for “{row.label}”{glossary_note(row.label)} [1]. "
            f"Original text: “{clause(row)}” [1].")


def quoted_answer(sentences: list[str], unit: str | None, asks_figure: bool) -> str:
    """The extract for an English question: an English sentence around the figure that answers (when a figure is
    asked for), the report's sentences quoted with their [n], and the glossary's English for the names they print."""
    quoted = [(re.sub(r"\[\d+\]", "", s).rstrip("。"), int(re.findall(r"\[(\d+)\]", s)[-1]))
              for s in sentences if re.search(r"\[\d+\]", s)]
    opening = lead(unit, quoted) if asks_figure else "The report says"
    body = " ".join(f"“{q}” [{n}]." for q, n in quoted)
    opening += " Original text:" if opening.endswith(".") else " (original Chinese):"
    return " ".join(x for x in (opening, body, names_line(body)) if x)


def lead(question_unit: str | None, sentences: list[tuple[str, int]]) -> str:
    """The English sentence an extracted answer opens with, built around the figure that answers: "The report gives
    2 million yuan (200万元) [1]." sentences: the quoted Chinese sentences with their citation numbers."""
    for sentence, n in sentences:
        figure = _answering(sentence, question_unit)
        if figure is not None:
            return f"The report gives {render(figure)} ({figure.raw.strip()}) [{n}]."
    return "The report says"


def _answering(sentence: str, unit: str | None) -> Figure | None:
    counts = [f for f in extract_figures(sentence) if f.kind == QUANTITY]
    return next((f for f in counts if unit is None or answers_kind(f.unit, unit)), None)


def names_line(text: str) -> str:
    """The glossary's English for the names a quoted text prints: 'Names: 泉州职业技术大学 = Quanzhou …'."""
    seen = [e for e in glossary().names if e.zh in text]
    kept = [e for e in seen if not any(e is not o and e.zh in o.zh for o in seen)]  # 常州 inside 常州新能源…联合体
    return ("Names: " + "; ".join(f"{e.zh} = {e.en}" for e in kept) + ".") if kept else ""


__all__ = ["Masked", "mask", "unmask", "named", "glossary_note", "figure_answer", "quoted_answer", "english_sentence",
           "lead", "names_line", "ENGLISH_ENOUGH"]
