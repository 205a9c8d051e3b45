"""Questions about the report's structure answered in code from its tables of contents and headings: a chapter's
title and cases, the chapter and page of a case, the parts of a case or of one of its sections, the subtitle —
every line cited, nothing a model could get wrong."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.passage import Passage
from rag.retrieve.query import cases_named
from rag.retrieve.retriever import Retriever

_CHAPTER = re.compile(r"第[一二三四五六七八九十]+章")
_TITLE = re.compile(r"标题|题目|名称|主题|讲的?是什么|讲什么|叫什么")
_CASES = re.compile(r"(?:哪些|哪几个|哪个|哪所|几个|什么)[^？?]{0,8}(?:案例|地方|行业|学校|院校)|收录|包括哪些")
_WHERE = re.compile(r"哪一?章|第几章|第几页|哪一?页|页码|从第几页")
_NUMERALS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()
_WHERE_EN = re.compile(r"\b(?:which|what) (?:page|chapter)\b|\bpage (?:number|does)\b", re.IGNORECASE)
_PARTS = re.compile(r"(?:分为|分成|包括|包含|有)哪[几些]个?部分|哪[几些]个?部分|由哪[几些]部分")
_WHICH = re.compile(r"哪[几些一二三四五两]|几[个条点方面]|[二三四五两]个|[二三四五两]条|分别")
_SUBTITLE = re.compile(r"副标题")
_FIGURE = re.compile(r"多少|数字|数量|最[多少大小高低]")  # a figure asked for: the figures table's, not the headings'


@dataclass(frozen=True)
class ContentsAnswer:
    text: str
    passage_ids: tuple[str, ...]  # [n] in the text is passage_ids[n-1]


class _Cite:
    def __init__(self):
        self.ids: list[str] = []

    def __call__(self, passage: Passage) -> str:
        if passage.id not in self.ids:
            self.ids.append(passage.id)
        return f"[{self.ids.index(passage.id) + 1}]"


def _toc(snapshot: Retriever, chapter_number: str) -> Passage | None:
    return next((p for p in snapshot.passages if p.kind == "toc" and p.chapter_number == chapter_number), None)


def _chapter_title(chapter: str) -> str:
    return _CHAPTER.sub("", chapter, count=1).strip()


def _by_chapter(snapshot: Retriever, question: str, cite: _Cite) -> str | None:
    named = _CHAPTER.search(question)
    if named is None:
        return None
    entries = [e for e in snapshot.outline if e.chapter.startswith(named.group(0))]
    toc = _toc(snapshot, named.group(0))
    if not entries or toc is None:
        return None  # the index holds nothing of that chapter: the usual refusal says so
    title, start = _chapter_title(entries[0].chapter), entries[0].chapter_page
    page = f"（第{start}页起）" if start else ""
    if _CASES.search(question):
        # No counts in the text: a number the report does not print would be a figure without a source.
        lines = [f"{named.group(0)} {title}{page}收录以下案例{cite(toc)}："]
        lines += [f"{i}. {e.title}（第{e.page}页）" for i, e in enumerate(entries, 1)]
        return "\n".join(lines)
    if _TITLE.search(question) or _WHERE.search(question):
        return f"{named.group(0)}的标题是“{title}”{page}{cite(toc)}。"
    return None


def _case_place(snapshot: Retriever, question: str, cite: _Cite, english: bool = False) -> str | None:
    if not (_WHERE_EN if english else _WHERE).search(question):
        return None
    named = [e for e in snapshot.outline if e.title in cases_named(question, snapshot.aliases)]
    if len(named) != 1:
        return None
    entry = named[0]
    toc = _toc(snapshot, _CHAPTER.match(entry.chapter).group(0)) if _CHAPTER.match(entry.chapter) else None
    if toc is None:
        return None
    if english:
        number = _CHAPTER.match(entry.chapter).group(0)
        chapter = f"Chapter {_NUMERALS.index(number[1:-1]) + 1} ({entry.chapter})" if number[1:-1] in _NUMERALS \
            else f"({entry.chapter})"
        return f"The case “{entry.title}” is in {chapter}, beginning on page {entry.page} {cite(toc)}."
    return (f"“{entry.title}”收在{entry.chapter}，从第{entry.page}页开始{cite(toc)}。")


def _sections(passages: list[Passage], depth: int, under: str = "") -> list[tuple[str, Passage]]:
    """The headings at one depth of a case, in order, each with the first passage printed under it."""
    out: dict[str, Passage] = {}
    for p in passages:
        parts = [part for part in p.section.split(" / ") if part]
        if len(parts) > depth and (not under or parts[depth - 1] == under):
            out.setdefault(parts[depth], p)
    return list(out.items())


def _case_parts(snapshot: Retriever, question: str, cite: _Cite) -> str | None:
    named = cases_named(question, snapshot.aliases)
    # About the case as printed (常州案例正文分为哪几个部分), not about what it did: no figure asked for.
    if len(named) != 1 or "案例" not in question or _FIGURE.search(question) or not (
            _PARTS.search(question) or _WHICH.search(question)):
        return None
    case = next(iter(named))
    passages = [p for p in snapshot.passages if p.case == case and p.kind in ("text", "table")]
    top = _sections(passages, 0)
    if not top:
        return None
    short = re.split(r"[：:]", case, maxsplit=1)[0]
    # A section the question names (经验启示, “特色做法”): its own headings are what is asked.
    inner = next(((heading, p) for heading, p in top if _bare(heading) and _bare(heading) in question), None)
    if inner is not None:
        below = _sections(passages, 1, inner[0])
        if not below:
            return None
        lines = [f"{short}案例“{_bare(inner[0])}”部分的各项："]
        lines += [f"{i}. {_bare(h)}{cite(p)}" for i, (h, p) in enumerate(below, 1)]
        return "\n".join(lines)
    if not _PARTS.search(question):
        return None
    lines = [f"{short}案例正文分为以下部分："]
    lines += [f"{i}. {_bare(h)}{cite(p)}" for i, (h, p) in enumerate(top, 1)]
    return "\n".join(lines)


def _bare(heading: str) -> str:
    """一、背景介绍 → 背景介绍; （一）“政府主导”是… → “政府主导”是…"""
    return re.sub(r"^(?:[◎\s]*[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])\s*", "", heading).strip()


def _subtitle(snapshot: Retriever, question: str, cite: _Cite) -> str | None:
    if not _SUBTITLE.search(question):
        return None
    cover = next((p for p in snapshot.passages if p.kind == "cover" and "——" in p.document), None)
    if cover is None:
        return None
    title, subtitle = cover.document.split("——", 1)
    return f"《{title.strip()}》的副标题是“{subtitle.strip()}”{cite(cover)}。"


def answer(snapshot: Retriever, question: str, english: bool = False) -> ContentsAnswer | None:
    """The contents' answer to a question about the report's structure, or None: retrieval answers it. An English
    question is answered where a case begins, in English (the titles quoted as printed)."""
    cite = _Cite()
    if english:
        text = _case_place(snapshot, question, cite, english=True)
        return ContentsAnswer(text, tuple(cite.ids)) if text else None
    for rule in (_subtitle, _by_chapter, _case_place, _case_parts):
        text = rule(snapshot, question, cite)
        if text:
            return ContentsAnswer(text, tuple(cite.ids))
    return None
