"""Question answering over the 2024 Chinese vocational education quality report: cited passages."""
from __future__ import annotations

import threading

from rag.errors import CorpusError, IndexBuildError, IndexStaleError, QueryError, RagError
from rag.answer.answerer import Answer, Answerer
from rag.passage import Passage
from rag.report import BuildResult, Report

__all__ = [
    "Passage", "Answer", "Report", "BuildResult", "search", "ask", "ask_stream", "build", "default_report",
    "RagError", "CorpusError", "IndexBuildError", "IndexStaleError", "QueryError",
]

_default: Report | None = None
_default_lock = threading.Lock()


def default_report() -> Report:
    """The report over the configured corpus/ and index/ folders, opened on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Report()
        return _default


def search(query: str, k: int = 5, case: str | None = None, chapter: str | None = None,
           kind: str | None = None, mode: str = "hybrid", document: str | None = None,
           year: int | None = None) -> list[Passage]:
    """Passages that answer the question, best first, each with its citation."""
    return default_report().search(query, k=k, case=case, chapter=chapter, kind=kind, mode=mode,
                                   document=document, year=year)


def build(progress: bool = False) -> BuildResult:
    """Rebuild the default index from every file in the corpus folder."""
    return default_report().build(progress=progress)


def ask_stream(question: str, history=None, backend: str | None = None, **filters):
    """Text pieces as they are checked and released, then the final Answer (citations final there)."""
    yield from Answerer(default_report()).stream(question, history, backend, **filters)


def ask(question: str, history=None, backend: str | None = None, **filters) -> Answer:
    """A cited answer: backend "local" (default), "openai" or "extractive"; found=False when not covered."""
    final = None
    for item in ask_stream(question, history, backend, **filters):
        if isinstance(item, Answer):
            final = item
    return final
