"""English answers whose figures and names come from code: the checked Chinese answer is translated with each figure and
name held in a slot ({F1}, {N1}) the model copies, then filled with the figure in English beside it as printed and the
name as printed with its glossary rendering; the extractive answer gets an English sentence built around its figure."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.glossary import glossary
from rag.answer.numeric import clause
from rag.ingest.facts import Figure as Row
from rag.text import keywords
from rag.text.english import outside_brackets, render, render_printed
from rag.passage import Passage
from rag.text.figures import QUANTITY, Figure, answers_kind, extract_figures, is_grounded

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


def glossary_note(label: str) -> str:
    """' (daily operations)' after a label the glossary renders; '' otherwise."""
    english = next((e.en for e in glossary().entries if e.zh == label), None)
    return f" ({english})" if english else ""


def mask(answer: str) -> Masked:
    """Each figure and name of a Chinese answer in a slot the translation copies."""
    slots: dict[str, str] = {}
    spans: list[tuple[int, int, str, str]] = []  # start, end, what fills it, F (figure) or N (name)
    for figure in extract_figures(answer):
        if figure.kind == QUANTITY:
            spans.append((figure.start, figure.end, f"{render(figure)} ({figure.raw.strip()})", "F"))
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


def figures_given(answer: str, citations: list[Passage], unit: str | None) -> str:
    """A checked Chinese answer that gives figures, in English made in code: each figure that answers (of the kind
    asked) in English beside it as printed, with the clause of its cited passage that prints it — the report's
    words, not the model's. "" when it gives none."""
    out = []
    for sentence in re.split(r"(?<=[。！？；])", answer):
        marks = [int(n) for n in _CITE_MARK.findall(sentence) if 0 < int(n) <= len(citations)]
        for figure in extract_figures(_CITE_MARK.sub("", sentence)):
            if figure.kind != QUANTITY or (unit and not answers_kind(figure.unit, unit)):
                continue
            for n in marks:
                clause = _printing(figure, citations[n - 1].text)
                if clause:
                    out.append(f"The report gives {render(figure)} ({figure.raw.strip()}) [{n}]. "
                               f"Original text: “{clause.rstrip('。；')}” [{n}].")
                    break
    return " ".join(dict.fromkeys(out))


def _printing(figure: Figure, text: str) -> str | None:
    """The clause of a passage that prints the figure in its own unit (3.5万人次, not the 3.5 万个岗位 beside it)."""
    clauses = [c.strip() for c in re.split(r"(?<=[。！？；])", text)]
    same = [c for c in clauses if any(g.value == figure.value and g.unit == figure.unit for g in extract_figures(c))]
    return next(iter(same or [c for c in clauses if is_grounded(figure, c)]), None)


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


__all__ = ["Masked", "mask", "unmask", "named", "glossary_note", "figures_given", "figure_answer", "quoted_answer", "english_sentence",
           "lead", "names_line"]
