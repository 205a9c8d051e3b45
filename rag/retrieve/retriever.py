"""Hybrid retrieval: dense and BM25 rankings fused by reciprocal rank, cases named in the question first."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from rag.errors import QueryError
from rag.index.artefacts import LoadedIndex
from rag.passage import KINDS, Passage
from rag.text.normalize import for_search

MODES = ("hybrid", "dense", "bm25")
MAX_QUERY_CHARS = 1000  # e5 reads 512 tokens; more text only dilutes the question
_CN_DIGITS = "零一二三四五六七八九十"
# Questions about where things are in the printed report are answered by the table of contents.
STRUCTURE_INTENT = re.compile(r"第几页|哪一?页|页码|多少页|\bpages?\b|目录|哪些案例|哪几个案例|几个案例|哪一章|第几章|哪个章节|\bchapters?\b", re.I)


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


def mentions(text: str, alias: str) -> bool:
    """Whether normalised text names alias (ASCII aliases as whole words: changzhou, not changzhoustreet)."""
    if alias.isascii():
        return re.search(rf"\b{re.escape(alias)}\b", text) is not None
    return alias in text


def clean_query(query: str) -> str:
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


def _chapter_matches(wanted: str, chapter: str) -> bool:
    wanted = wanted.strip()
    if wanted.isdigit() and 0 < int(wanted) <= 10:
        wanted = "第" + _CN_DIGITS[int(wanted)] + "章"
    elif wanted and all(ch in _CN_DIGITS for ch in wanted):
        wanted = f"第{wanted}章"
    return bool(wanted) and for_search(wanted) in for_search(chapter)


def _document_matches(wanted: str, p: Passage) -> bool:
    """A document is named by its file name or any part of its title."""
    key = for_search(wanted.strip())
    return bool(key) and (key == for_search(p.source) or key in for_search(p.document))


class Retriever:
    def __init__(self, index: LoadedIndex, embedder, rrf_k: int = 60, candidates: int = 100):
        self.index, self.embedder, self.rrf_k, self.candidates = index, embedder, rrf_k, candidates
        self.aliases = {}
        for entry in index.manifest.get("outline", []):
            self.aliases[entry["title"]] = case_aliases(entry["title"])
        for p in index.passages:
            if p.case and p.case not in self.aliases:
                self.aliases[p.case] = case_aliases(p.case)

    def cases_named(self, query: str) -> set[str]:
        text = for_search(query)
        return {case for case, names in self.aliases.items() if any(mentions(text, n) for n in names)}

    def _allowed(self, case: str | None, chapter: str | None, kind: str | None,
                 document: str | None = None, year: int | None = None) -> list[bool] | None:
        if case is None and chapter is None and kind is None and document is None and year is None:
            return None
        if kind is not None and kind not in KINDS:
            raise QueryError(f"未知的段落类型 {kind!r}，可选：{'、'.join(KINDS)}（unknown kind）")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise QueryError("year 必须是整数年份，如 2024（year must be an integer）")
        wanted_cases = None
        if case is not None:
            key = for_search(case.strip())
            wanted_cases = {c for c, names in self.aliases.items() if key and (key in for_search(c) or key in names)}
        return [
            (wanted_cases is None or p.case in wanted_cases)
            and (chapter is None or _chapter_matches(chapter, p.chapter))
            and (kind is None or p.kind == kind)
            and (document is None or _document_matches(document, p))
            and (year is None or p.year == year)
            for p in self.index.passages
        ]

    def search(self, query: str, k: int = 5, case: str | None = None, chapter: str | None = None,
               kind: str | None = None, mode: str = "hybrid", document: str | None = None,
               year: int | None = None) -> list[Passage]:
        if mode not in MODES:
            raise QueryError(f"未知的检索方式 {mode!r}，可选：{'、'.join(MODES)}（unknown mode）")
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 200:
            raise QueryError("k 必须是 1 到 200 之间的整数（k must be an integer from 1 to 200）")
        query = clean_query(query)
        passages = self.index.passages
        allowed = self._allowed(case, chapter, kind, document, year)
        # With a filter, rank everything so that k allowed passages always come back.
        n = len(passages) if allowed is not None else min(len(passages), max(self.candidates, k))
        dense = self.index.dense_ranking(self.embedder.query(query), n) if mode != "bm25" else []
        bm25 = self.index.bm25_ranking(query, n) if mode != "dense" else []

        fused: dict[int, float] = {}
        for ranking in (dense, bm25):
            ranked = [(i, s) for i, s in ranking if allowed is None or allowed[i]]
            for rank, (i, _) in enumerate(ranked):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        dense_score, bm25_score = dict(dense), dict(bm25)

        named = self.cases_named(query) if mode == "hybrid" else set()
        aliases = set().union(*(self.aliases[c] for c in named)) if named else set()

        def about_named_case(i: int) -> bool:
            p = passages[i]
            return p.case in named or (p.kind == "toc" and any(mentions(for_search(p.text), a) for a in aliases))

        wants_toc = mode == "hybrid" and bool(STRUCTURE_INTENT.search(query))
        order = sorted(fused, key=lambda i: (not (named and about_named_case(i)),
                                             not (wants_toc and passages[i].kind == "toc"), -fused[i], i))
        return [
            replace(passages[i], score=round(fused[i], 6), dense=dense_score.get(i), bm25=bm25_score.get(i))
            for i in order[:k]
        ]
