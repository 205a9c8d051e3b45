"""The answer stage's seams: the request built once per question, the Answer, and the typed answer stream."""
from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import asdict, dataclass, field

from rag.passage import Passage
from rag.answer.asked import Asked
from rag.answer.asked import asked as asked_of
from rag.retrieve.query import Intent, unmarked
from rag.retrieve.retriever import Filters


@dataclass(frozen=True, kw_only=True)
class Request:
    """One question as the answerer works on it; built once, then refined (never mutated) by follow-up
    resolution and translation."""
    question: str  # as the user asked it, cleaned
    history: tuple[tuple[str, str], ...] = ()  # the last turns, checked
    backend: str  # local | openai | extractive: the one asked for
    k: int  # passages given to the model (a comparison gets 2 more)
    filters: Filters = Filters()
    english: bool = False  # asked in English: answered in English
    asked: str = ""  # the standalone question put to the model (Chinese for an English question)
    query: str = ""  # what retrieval searches: the rewrite with the original wording (and a translation)

    @property
    def intent(self) -> Intent:
        """What the searched text asks (a comparison, the contents, a quantity, …)."""
        return Intent.of(self.query)

    @property
    def wants(self) -> Asked:
        """The kind of answer and the computation asked for: by the question's own words (an English question's
        English words name a code or a date as well as its translation does)."""
        own = asked_of(self.question)
        return own if self.english or not self.asked else asked_of(unmarked(self.asked))


@dataclass(kw_only=True)
class Answer:
    text: str
    citations: list[Passage]  # citations[n-1] is the passage marked [n] in the text
    found: bool  # False: the report (as indexed) does not answer the question
    backend: str  # the backend that produced the text: local | openai | extractive
    question: str = ""
    standalone_question: str = ""  # the question after follow-up resolution (and translation), as put to the model
    retrieval_query: str = ""  # what retrieval searched for: the standalone question with the original wording
    notice: str = ""  # e.g. why the answer fell back to extraction
    dropped: list[str] = field(default_factory=list)  # sentences removed: a figure had no source
    language: str = "zh"  # the question's language, which the answer, its notices and the page follow: zh | en
    index_version: str = ""  # the index version that answered and when it was built (set by rag.ask and the web app)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [p.to_dict() for p in self.citations]
        return data

    def to_markdown(self, index_version: str | None = None) -> str:
        """The answer as Markdown to take away: [n] as footnotes (《title》 · chapter · case · section · 第N页),
        the quoted passages, the backend, the index version and the time (rag/answer/takeaway.py)."""
        from rag.answer import takeaway

        return takeaway.to_markdown([self], index_version)

    def to_docx(self, path, index_version: str | None = None):
        """The same as a Word file at path, each [n] a real footnote; returns the path."""
        from rag.answer import takeaway

        return takeaway.write_docx([self], path, index_version)


@dataclass(frozen=True)
class Sources:
    """The passages the answer is drawn from, best first (30 ms after asking): shown before any answer text."""
    passages: tuple[Passage, ...]
    kind: str = "sources"


@dataclass(frozen=True)
class Provisional:
    """An answer written without the model (a quoted extract), complete and checked, shown while the model writes
    until its first checked sentence replaces it; it stays when the model's answer is dropped or fails."""
    answer: Answer
    kind: str = "provisional"


@dataclass(frozen=True)
class Queued:
    """The question waits for a model that answers one question at a time: `ahead` are before it (sent again each
    time that changes); its sources and extract are already out."""
    ahead: int
    kind: str = "queued"


@dataclass(frozen=True)
class Sentence:
    """A checked piece of the answer (a sentence, or a whole answer written in code), appended to those before."""
    text: str
    kind: str = "sentence"


@dataclass(frozen=True)
class Final:
    """The answer as it stands: its text replaces everything streamed before it."""
    answer: Answer
    kind: str = "final"


Event = Sources | Provisional | Queued | Sentence | Final  # the answer stream, each event saying what it is


class StreamingAnswer:
    """`events()` for the typed stream (sources, provisional, queued, sentences, final); iterate for the checked text
    pieces alone; `.answer` is the final Answer (it drains whatever was not read yet)."""

    def __init__(self, events: Generator[Event, None, Answer]):
        self._events = events
        self._answer: Answer | None = None

    def events(self) -> Iterator[Event]:
        """Every event as it comes, the last one Final."""
        # next() by hand rather than `yield from`: a reader that stops early closes this iterator, and that
        # must not close the answer being generated, which `.answer` still finishes.
        while self._answer is None:
            try:
                event = next(self._events)
            except StopIteration as done:
                self._answer = done.value
                yield Final(done.value)
                return
            yield event

    def __iter__(self) -> Iterator[str]:
        for event in self.events():
            if isinstance(event, Sentence):
                yield event.text

    @property
    def answer(self) -> Answer:
        for _ in self.events():
            pass
        assert self._answer is not None
        return self._answer
