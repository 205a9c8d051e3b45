"""The rows a search returns and the filter it takes, as exact values: the seam between the index's rankings (in
process or in Milvus) and the retriever's rules; below artefacts.py and milvus.py, which both use it."""
from __future__ import annotations

from dataclasses import dataclass

from rag.passage import Passage


@dataclass(frozen=True)
class RowFilter:
    """What a search may return, as exact values (None: any; an empty set: nothing). The retriever resolves a
    user's Filters (case aliases, part of a chapter or document title) into these against the Facets."""
    cases: frozenset[str] | None = None
    chapters: frozenset[str] | None = None
    kind: str | None = None
    documents: frozenset[tuple[str, str]] | None = None  # (source, document)
    year: int | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.cases, self.chapters, self.kind, self.documents, self.year))

    def allows(self, p: Passage) -> bool:
        return ((self.cases is None or p.case in self.cases)
                and (self.chapters is None or p.chapter in self.chapters)
                and (self.kind is None or p.kind == self.kind)
                and (self.documents is None or (p.source, p.document) in self.documents)
                and (self.year is None or p.year == self.year))


@dataclass(frozen=True)
class Candidate:
    """One passage a ranking found, before the product's rules order them: row (its position in the version),
    fused reciprocal-rank score, and where known its cosine and BM25 scores."""
    row: int
    passage: Passage
    score: float
    dense: float | None = None
    bm25: float | None = None
