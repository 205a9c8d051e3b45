"""Hybrid retrieval over one loaded index version: dense and BM25 rankings fused by reciprocal rank (in this
process, or in the Milvus engine), the cases a question names first, filters by case, chapter, kind, document
and year."""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from rag.errors import QueryError
from rag.index.artefacts import Candidate, LoadedIndex, RowFilter
from rag.index.embed import Embedder
from rag.ingest.pipeline import OutlineEntry
from rag.passage import KINDS, Passage
from rag.retrieve.figures import FigureTable
from rag.retrieve.fusion import ReciprocalRankFusion
from rag.retrieve.scope import Library, library_of
from rag.retrieve.query import (asks_structure, case_aliases, cases_named, chapter_matches, clean_query,
                                document_matches, mentions)
from rag.text.normalize import for_search

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Filters:
    """What a search may return: passages of one case, chapter, kind, document or year, and of the documents chosen
    by file name (None: any)."""
    case: str | None = None
    chapter: str | None = None
    kind: str | None = None
    document: str | None = None
    year: int | None = None
    sources: tuple[str, ...] | None = None  # files of the corpus folder, exactly as Passage.source (the 文档 tab)

    def __post_init__(self) -> None:
        if self.sources is not None and not isinstance(self.sources, tuple):
            object.__setattr__(self, "sources", tuple(self.sources))
        if self.kind is not None and self.kind not in KINDS:
            raise QueryError(f"未知的段落类型 {self.kind!r}，可选：{'、'.join(KINDS)}（unknown kind）")
        if self.year is not None and (isinstance(self.year, bool) or not isinstance(self.year, int)):
            raise QueryError("year 必须是整数年份，如 2024（year must be an integer）")

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.case, self.chapter, self.kind, self.document, self.year, self.sources))


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


class Ranking(Protocol):
    """The search seam: candidates for a question (dense and keyword rankings fused by reciprocal rank, best
    first, only rows the filter allows), and one passage by id. The product's rules are applied on top."""

    def candidates(self, query: str, vector: np.ndarray | None, n: int, where: RowFilter,
                   mode: str) -> list[Candidate]: ...
    def passage(self, passage_id: str) -> Passage: ...


class InProcess:
    """FAISS or pgvector and bm25s, fused here: every passage and the BM25 matrices are in this process."""

    def __init__(self, index: LoadedIndex, fusion: ReciprocalRankFusion) -> None:
        self.index, self.fusion = index, fusion

    @functools.cached_property
    def _by_id(self) -> dict[str, Passage]:
        return {p.id: p for p in self.index.passages}

    def passage(self, passage_id: str) -> Passage:
        """The passage with that id (built once per snapshot, not once per answer)."""
        return self._by_id[passage_id]

    def candidates(self, query: str, vector: np.ndarray | None, n: int, where: RowFilter,
                   mode: str) -> list[Candidate]:
        passages = self.index.passages
        allowed = None if where.empty else [where.allows(p) for p in passages]
        # With a filter, rank everything so that k allowed passages always come back.
        n = len(passages) if allowed is not None else min(len(passages), n)
        dense = self.index.dense_ranking(vector, n) if mode != "bm25" else []
        bm25 = self.index.bm25_ranking(query, n) if mode != "dense" else []
        fused = self.fusion.fuse([dense, bm25], allowed)
        dense_score, bm25_score = dict(dense), dict(bm25)
        return [Candidate(i, passages[i], fused[i], dense_score.get(i), bm25_score.get(i))
                for i in sorted(fused, key=lambda i: (-fused[i], i))]


class InEngine:
    """Milvus: one hybrid_search (dense + BM25, RRFRanker(rrf_k)) with the filter, in the engine; passages come
    back with the results and are fetched by id, never all held here. Hits carry the fused score only (and the
    cosine in dense mode): the engine does not return each ranking's own score."""

    def __init__(self, index: LoadedIndex, rrf_k: int) -> None:
        self.engine, self.rrf_k = index.engine, rrf_k

    def passage(self, passage_id: str) -> Passage:
        return self.engine.passage(passage_id)

    def candidates(self, query: str, vector: np.ndarray | None, n: int, where: RowFilter,
                   mode: str) -> list[Candidate]:
        return self.engine.candidates(query, vector, n, where, self.rrf_k, mode)


class Retriever:
    """Searches one loaded index version; a newer version is a new Retriever (a consistent snapshot)."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, rrf_k: int = 60, candidates: int = 100):
        self.index, self.embedder, self.candidates = index, embedder, candidates
        self.fusion = ReciprocalRankFusion(rrf_k)
        self.ranking: Ranking = InEngine(index, rrf_k) if index.engine is not None else InProcess(index, self.fusion)
        self.scope: frozenset[str] | None = None  # the only documents searched (a question named them); None: all
        self._scoped: dict[frozenset[str], Retriever] = {}
        self.aliases: dict[str, set[str]] = {}
        for entry in self.outline:
            self.aliases[entry.title] = case_aliases(entry.title)
        for case in index.facets.cases:
            if case not in self.aliases:
                self.aliases[case] = case_aliases(case)

    @property
    def passages(self) -> Sequence[Passage]:
        """Every passage of the version. With Milvus the first use fetches them all from the engine: only the
        features that read the whole corpus ask (rag.index.artefacts.EnginePassages)."""
        return self.index.passages

    def passage(self, passage_id: str) -> Passage:
        """The passage with that id (KeyError when there is none)."""
        return self.ranking.passage(passage_id)

    @functools.cached_property
    def figures(self) -> FigureTable:
        """The figures table of this version, its rows' words read on first use."""
        return FigureTable(self.index.figures, self.aliases, self.library.context)

    @property
    def outline(self) -> tuple[OutlineEntry, ...]:
        """The tables of contents: every case with its chapter and start page, text indexed or not."""
        return self.index.manifest.outline

    @functools.cached_property
    def library(self) -> Library:
        """The document registry as questions name documents (rag.retrieve.scope), with the cases each prints."""
        cases: dict[str, set[str]] = {}
        for p in self.passages:
            if p.case:
                cases.setdefault(p.case, set()).add(p.source)
        return library_of(self.index.manifest.registry(), {c: frozenset(s) for c, s in cases.items()})

    def scoped(self, sources: frozenset[str]) -> "Retriever":
        """This version searched only in those documents (their passages and figures rows), the same object for the
        same documents; itself when they are all of its documents or none."""
        sources = frozenset(sources)
        if self.scope is not None:
            sources &= self.scope
        if not sources or sources == frozenset(self.library.sources) or sources == self.scope:
            return self
        if sources not in self._scoped:
            import copy

            view = copy.copy(self)
            view.scope, view._scoped = sources, {}
            # Only the cases of those documents are named: 常州 in 常州工院 is no case of the school's report.
            view.aliases = {c: names for c, names in self.aliases.items()
                            if self.library.case_sources.get(c, frozenset()) & sources}
            view.__dict__["figures"] = self.figures.of_sources(sources, view.aliases)
            self._scoped[sources] = view
        return self._scoped[sources]

    def cases_named(self, query: str) -> set[str]:
        return cases_named(query, self.aliases)

    def _where(self, filters: Filters) -> RowFilter:
        """The filters as exact values: case names through their aliases, a chapter by number or part of its
        title, a document by file name or part of its title, each matched against the version's Facets."""
        if filters.empty and self.scope is None:
            return RowFilter()
        cases = chapters = documents = None
        if self.scope is not None:
            documents = frozenset((source, title) for source, title in self.index.facets.documents
                                  if source in self.scope)
        if filters.case is not None:
            key = for_search(filters.case.strip())
            cases = frozenset(c for c, names in self.aliases.items() if key and (key in for_search(c) or key in names))
        if filters.chapter is not None:
            chapters = frozenset(c for c in self.index.facets.chapters if chapter_matches(filters.chapter, c))
        if filters.document is not None:
            documents = frozenset((source, title) for source, title in self.index.facets.documents
                                  if document_matches(filters.document, source, title)
                                  and (documents is None or (source, title) in documents))
        if filters.sources is not None:
            chosen = frozenset((source, title) for source, title in self.index.facets.documents
                               if source in filters.sources)
            documents = chosen if documents is None else documents & chosen
        return RowFilter(cases, chapters, filters.kind, documents, filters.year)

    def search(self, query: str, k: int = 5, filters: Filters = Filters(), mode: str = "hybrid") -> list[Hit]:
        """The k best passages with their fused, dense and BM25 scores, best first."""
        if mode not in MODES:
            raise QueryError(f"未知的检索方式 {mode!r}，可选：{'、'.join(MODES)}（unknown mode）")
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 200:
            raise QueryError("k 必须是 1 到 200 之间的整数（k must be an integer from 1 to 200）")
        query = clean_query(query)
        vector = self.embedder.query(query) if mode != "bm25" else None
        found = self.ranking.candidates(query, vector, max(self.candidates, k), self._where(filters), mode)

        named = self.cases_named(query) if mode == "hybrid" else set()
        aliases = set().union(*(self.aliases[c] for c in named)) if named else set()

        def about_named_case(p: Passage) -> bool:
            return p.case in named or (p.kind == "toc" and any(mentions(for_search(p.text), a) for a in aliases))

        wants_toc = mode == "hybrid" and asks_structure(query)
        # The product's rules on top of the ranking: the named case first, then the contents for a question about
        # pages or chapters; ties in row order, so that results are reproducible.
        order = sorted(found, key=lambda c: (not (named and about_named_case(c.passage)),
                                             not (wants_toc and c.passage.kind == "toc"), -c.score, c.row))
        return [Hit(c.passage, round(c.score, 6), c.dense, c.bm25) for c in order[:k]]

    def without_cases(self, question: str, keep: str, named: list[str]) -> str:
        """The question as asked of one case: the other named cases' names would only pull in their wording."""
        for other in named:
            if other != keep:
                for name in sorted(self.aliases[other], key=len, reverse=True):
                    question = re.sub(re.escape(name), "", question, flags=re.I)
        return question
