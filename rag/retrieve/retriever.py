"""Hybrid retrieval over one loaded index version: dense and BM25 rankings fused by reciprocal rank, the cases
a question names first, filters by case, chapter, kind, document and year."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rag.errors import QueryError
from rag.index.artefacts import LoadedIndex
from rag.index.embed import Embedder
from rag.ingest.pipeline import OutlineEntry
from rag.passage import KINDS, Passage
from rag.retrieve.figures import FigureTable
from rag.retrieve.fusion import ReciprocalRankFusion
from rag.retrieve.query import (asks_structure, case_aliases, cases_named, chapter_matches, clean_query,
                                document_matches, mentions)
from rag.text.normalize import for_search

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Filters:
    """What a search may return: passages of one case, chapter, kind, document or year (None: any)."""
    case: str | None = None
    chapter: str | None = None
    kind: str | None = None
    document: str | None = None
    year: int | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise QueryError(f"未知的段落类型 {self.kind!r}，可选：{'、'.join(KINDS)}（unknown kind）")
        if self.year is not None and (isinstance(self.year, bool) or not isinstance(self.year, int)):
            raise QueryError("year 必须是整数年份，如 2024（year must be an integer）")

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.case, self.chapter, self.kind, self.document, self.year))


@dataclass(frozen=True)
class Hit:
    """One search result: the passage, and apart from it how it scored (as bm25s keeps documents and scores
    apart). It reads as its passage too (hit.text, hit.citation), so code written for passages keeps working."""
    passage: Passage
    score: float  # reciprocal-rank fusion of the rankings below
    dense: float | None = None  # cosine similarity from the dense index; None: not among its candidates
    bm25: float | None = None  # BM25 score from the keyword index; None: not among its candidates

    def __getattr__(self, name: str):
        if name == "passage":  # not set yet (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.passage, name)

    def to_dict(self) -> dict:
        return self.passage.to_dict() | {"score": self.score, "dense": self.dense, "bm25": self.bm25}


class Retriever:
    """Searches one loaded index version; a newer version is a new Retriever (a consistent snapshot)."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, rrf_k: int = 60, candidates: int = 100):
        self.index, self.embedder, self.candidates = index, embedder, candidates
        self.fusion = ReciprocalRankFusion(rrf_k)
        self.aliases: dict[str, set[str]] = {}
        for entry in self.outline:
            self.aliases[entry.title] = case_aliases(entry.title)
        for p in index.passages:
            if p.case and p.case not in self.aliases:
                self.aliases[p.case] = case_aliases(p.case)

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.index.passages

    @functools.cached_property
    def _by_id(self) -> dict[str, Passage]:
        return {p.id: p for p in self.index.passages}

    def passage(self, passage_id: str) -> Passage:
        """The passage with that id (built once per snapshot, not once per answer)."""
        return self._by_id[passage_id]

    @functools.cached_property
    def figures(self) -> FigureTable:
        """The figures table of this version, its rows' words read on first use."""
        return FigureTable(self.index.figures, self.aliases)

    @property
    def outline(self) -> tuple[OutlineEntry, ...]:
        """The tables of contents: every case with its chapter and start page, text indexed or not."""
        return self.index.manifest.outline

    def cases_named(self, query: str) -> set[str]:
        return cases_named(query, self.aliases)

    def _allowed(self, filters: Filters) -> list[bool] | None:
        if filters.empty:
            return None
        wanted_cases = None
        if filters.case is not None:
            key = for_search(filters.case.strip())
            wanted_cases = {c for c, names in self.aliases.items() if key and (key in for_search(c) or key in names)}
        return [
            (wanted_cases is None or p.case in wanted_cases)
            and (filters.chapter is None or chapter_matches(filters.chapter, p.chapter))
            and (filters.kind is None or p.kind == filters.kind)
            and (filters.document is None or document_matches(filters.document, p.source, p.document))
            and (filters.year is None or p.year == filters.year)
            for p in self.index.passages
        ]

    def search(self, query: str, k: int = 5, filters: Filters = Filters(), mode: str = "hybrid") -> list[Hit]:
        """The k best passages with their fused, dense and BM25 scores, best first."""
        if mode not in MODES:
            raise QueryError(f"未知的检索方式 {mode!r}，可选：{'、'.join(MODES)}（unknown mode）")
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 200:
            raise QueryError("k 必须是 1 到 200 之间的整数（k must be an integer from 1 to 200）")
        query = clean_query(query)
        passages = self.index.passages
        allowed = self._allowed(filters)
        # With a filter, rank everything so that k allowed passages always come back.
        n = len(passages) if allowed is not None else min(len(passages), max(self.candidates, k))
        dense = self.index.dense_ranking(self.embedder.query(query), n) if mode != "bm25" else []
        bm25 = self.index.bm25_ranking(query, n) if mode != "dense" else []
        fused = self.fusion.fuse([dense, bm25], allowed)
        dense_score, bm25_score = dict(dense), dict(bm25)

        named = self.cases_named(query) if mode == "hybrid" else set()
        aliases = set().union(*(self.aliases[c] for c in named)) if named else set()

        def about_named_case(i: int) -> bool:
            p = passages[i]
            return p.case in named or (p.kind == "toc" and any(mentions(for_search(p.text), a) for a in aliases))

        wants_toc = mode == "hybrid" and asks_structure(query)
        order = sorted(fused, key=lambda i: (not (named and about_named_case(i)),
                                             not (wants_toc and passages[i].kind == "toc"), -fused[i], i))
        return [Hit(passages[i], round(fused[i], 6), dense_score.get(i), bm25_score.get(i)) for i in order[:k]]

    def without_cases(self, question: str, keep: str, named: list[str]) -> str:
        """The question as asked of one case: the other named cases' names would only pull in their wording."""
        for other in named:
            if other != keep:
                for name in sorted(self.aliases[other], key=len, reverse=True):
                    question = re.sub(re.escape(name), "", question, flags=re.I)
        return question
