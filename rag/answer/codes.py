"""A code asked of a named thing, read in code: the code a catalogue, plan or budget prints against that name
(5904文秘类, 法医学类（1009）), the longest name the question uses deciding, or no answer when two codes stand
against it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.asked import followed_by_unit
from rag.passage import Passage
from rag.text.normalize import for_search

# A code (4+ digits or capitals with a digit: 5904, 520403K, 080910T) printed against a name — before it (5904文秘类,
# 080910T 数据科学与大数据技术) or after it in brackets (法医学类（1009）). A name is a run of Chinese (with its own
# brackets: 护理类（职教本科）) up to a list's separator.
_CODE = r"(?<![0-9A-Za-z.])(?=[0-9A-Z]*\d)[0-9A-Z]{4,10}(?![0-9A-Za-z.])"
_NAME = r"[\u4e00-\u9fff][\u4e00-\u9fff·]{1,24}"
_CODE_NAME = re.compile(rf"({_CODE})\s*({_NAME})")
_NAME_CODE = re.compile(rf"({_NAME})\s*[（(]\s*({_CODE})\s*[）)]")
_ASKED = re.compile(r"代码|编码|代号|编号|\bcode\b", re.I)
_YEAR = re.compile(r"(?:19|20)\d{2}")


@dataclass(frozen=True)
class Coded:
    """The code printed against the name asked, where, and the line that prints it."""
    name: str
    code: str
    passage: Passage
    line: str


def entries(text: str) -> list[tuple[str, list[str], str]]:
    """(code, the names it may be printed against, the line printing them) for every code printed against a name in
    the text, not a year (2024年) nor a count (5904个). A name after its code may run on into the next cell (文秘类0501…:
    its starts), one before its bracketed code may follow other words (的法医学类（1009）: its ends)."""
    out = []
    for pattern, code_first in ((_CODE_NAME, True), (_NAME_CODE, False)):
        for m in pattern.finditer(text):  # (a cell may wrap between name and code: 法医学类\n（1009）)
            code, name = (m.group(1), m.group(2)) if code_first else (m.group(2), m.group(1))
            if not _YEAR.fullmatch(code) and not (code_first and followed_by_unit(text, m.end(1))):
                names = ([name[:end] for end in range(len(name), 1, -1)] if code_first
                         else [name[start:] for start in range(len(name) - 1)])
                start, end = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
                out.append((code, names, " ".join(text[start:end if end >= 0 else len(text)].split())))
    return out


def code_of(question: str, passages: list[Passage]) -> Coded | None:
    """The code of what the question names, when the passages print one against it: of the names the question
    contains, the longest (中医学类, not 中医学 inside it), then the one written nearest before 代码; None when no
    name is found, or that name stands against two different codes (a catalogue that lists it twice, differently)."""
    key = for_search(question)
    asked_at = [m.start() for m in _ASKED.finditer(key)]
    if not asked_at:
        return None
    found: dict[str, list[tuple[str, Passage, str]]] = {}
    for passage in passages:
        for code, names, line in entries(passage.text):
            name = next((n for n in names if for_search(n) in key), None)  # the longest the question uses
            if name:
                found.setdefault(name, []).append((code, passage, line))
    if not found:
        return None

    def rank(name: str) -> tuple[int, int]:
        at = key.rfind(for_search(name))
        before = [a - (at + len(name)) for a in asked_at if a >= at + len(name)]
        return len(name), -(min(before) if before else len(key))

    name = max(found, key=rank)
    if len(name) < 3 or len({code for code, _, _ in found[name]}) != 1:
        return None  # two characters name too little (中医), and two codes for one name are no answer
    code, passage, line = found[name][0]
    return Coded(name, code, passage, line)
