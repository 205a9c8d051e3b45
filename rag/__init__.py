"""Question answering over the 2024 Chinese vocational education quality report: cited passages and answers."""
from __future__ import annotations

import threading

from rag.answer.answerer import Answerer
from rag.answer.types import Answer, StreamingAnswer
from rag.ingest.facts import Figure
from rag.ingest.registry import DocumentAudit, DocumentRecord
from rag.errors import CorpusError, IndexBuildError, IndexStaleError, LLMError, PageError, QueryError, RagError
from rag.llm.backends import provider
from rag.passage import Passage
from rag.report import BuildResult, Report
from rag.retrieve.retriever import Hit

__all__ = [
    "Passage", "Hit", "Figure", "Answer", "StreamingAnswer", "Report", "BuildResult", "Answerer", "answerer", "search", "ask",
    "ask_stream", "build", "figures", "default_report", "page_image", "documents", "DocumentRecord", "DocumentAudit",
    "RagError", "CorpusError", "IndexBuildError", "IndexStaleError", "QueryError", "LLMError", "PageError",
]

_default: Report | None = None
_default_answerer: Answerer | None = None
_default_lock = threading.Lock()


def default_report() -> Report:
    """The report over the configured corpus/ and index/ folders, opened on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Report()
        return _default


def answerer(report: Report | None = None) -> Answerer:
    """An Answerer over the report (default: default_report()) with the configured chat models."""
    report = report or default_report()
    return Answerer(report, models=provider(report.settings))


def search(query: str, k: int = 5, case: str | None = None, chapter: str | None = None,
           kind: str | None = None, mode: str = "hybrid", document: str | None = None,
           year: int | None = None) -> list[Hit]:
    """Passages that answer the question, best first: hit.passage (or hit.text, hit.citation…) and hit.score."""
    return default_report().search(query, k=k, case=case, chapter=chapter, kind=kind, mode=mode,
                                   document=document, year=year)


def figures(query: str | None = None, case: str | None = None, chapter: str | None = None,
            document: str | None = None, year: int | None = None) -> list[Figure]:
    """The figures table: every figure of the index as a typed row (raw, value, unit, qualifier, label, subject,
    period, sentence, .citation, .passage_id), filtered like search; query keeps rows holding all its words."""
    return default_report().figures(query, case=case, chapter=chapter, document=document, year=year)


def documents() -> list[DocumentRecord]:
    """The document registry: per indexed file its title, issuer, kind, year, region, short names and pages, each
    field with where it came from ("sidecar", "metadata", "first page", "file name")."""
    return default_report().documents()


def page_image(passage_id: str, width: int | None = None) -> bytes:
    """PNG of the printed page of a PDF passage with its lines highlighted (width pixels; default page_width);
    PageError with a one-line message for an unknown id, a non-PDF source or a PDF gone from the corpus."""
    return default_report().page_image(passage_id, width)


def build(progress: bool = False) -> BuildResult:
    """Rebuild the default index from every file in the corpus folder."""
    return default_report().build(progress=progress)


def ask_stream(question: str, history=None, backend: str | None = None, **filters) -> StreamingAnswer:
    """Text pieces as they are checked and released; `.answer` is then the final Answer."""
    global _default_answerer
    report = default_report()
    with _default_lock:
        if _default_answerer is None:  # kept: it caches word statistics per index version
            _default_answerer = answerer(report)
    return _default_answerer.stream(question, history, backend, **filters)


def ask(question: str, history=None, backend: str | None = None, **filters) -> Answer:
    """A cited answer: backend "local" (default), "openai" or "extractive"; found=False when not covered."""
    answer = ask_stream(question, history, backend, **filters).answer
    answer.index_version = answer.index_version or default_report().index_version()  # for to_markdown/to_docx
    return answer
