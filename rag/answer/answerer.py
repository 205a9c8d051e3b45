"""Cited answers: retrieval, then a language model (or extraction), then the figure check in code."""
from __future__ import annotations

import re

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from rag.answer import followup
from rag.answer import prompts
from rag.llm.backends import BACKENDS, LABELS, chat_model
from rag.errors import QueryError
from rag.answer.extractive import Idf, best_evidence
from rag.answer.grounding import Citer, split_answer
from rag.text.figures import extract_figures
from rag.text.language import expected_unit, is_english, unsupported_script
from rag.llm.clients import LLMError
from rag.passage import Passage
from rag.report import Report
from rag.retrieve.retriever import STRUCTURE_INTENT, clean_query, mentions
from rag.text.normalize import for_search

NOT_FOUND_MARK = "NOT_FOUND"
# Two things asked at once: each needs its own passage, so retrieval looks wider, or once per named case.
COMPARISON_INTENT = re.compile(r"分别|各自|各是|各有|各为|各多少|哪个多|哪个更|哪一笔|相比|比较|对比|两处|两个|两者|二者|"
                               r"是否一致|\bcompar|\bversus\b|\bvs\b|\bboth\b|\brespectively\b", re.I)


@dataclass
class Answer:
    text: str
    citations: list[Passage]  # citations[n-1] is the passage marked [n] in the text
    found: bool  # False: the report (as indexed) does not answer the question
    backend: str  # the backend that produced the text: local | openai | extractive
    question: str = ""
    standalone_question: str = ""  # the question after follow-up resolution
    notice: str = ""  # e.g. why the answer fell back to extraction
    dropped: list[str] = field(default_factory=list)  # sentences removed: a figure had no source

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [p.to_dict() for p in self.citations]
        return data


class Answerer:
    """Answers questions over one Report; the chat model is chosen per call."""

    def __init__(self, report: Report):
        self.report = report
        self._idf: tuple[object, Idf] | None = None

    def idf(self) -> Idf:
        retriever = self.report.retriever()
        if self._idf is None or self._idf[0] is not retriever:  # rebuilt when a new index is published
            self._idf = (retriever, Idf(retriever.index.passages))
        return self._idf[1]

    # -- the pieces ----------------------------------------------------------------
    def passages(self, standalone: str, k: int, case: str | None = None, **filters) -> list[Passage]:
        """The passages an answer is drawn from: k, or for a comparison k + 2, shared out among the cases
        it names so that one case's passages cannot crowd out the other's."""
        if not COMPARISON_INTENT.search(standalone):
            return self.report.search(standalone, k=k, case=case, **filters)
        k += 2
        retriever = self.report.retriever()
        text = for_search(standalone)
        named = [] if case is not None else sorted(
            retriever.cases_named(standalone),
            key=lambda c: min(text.find(n) for n in retriever.aliases[c] if mentions(text, n)))
        if len(named) < 2:
            return self.report.search(standalone, k=k, case=case, **filters)
        each = [self.report.search(self._about(standalone, c, named), k=-(-k // len(named)), case=c, **filters)
                for c in named]
        merged: dict[str, Passage] = {}  # interleaved: each case's best, then each case's second, …
        for rank in range(max(map(len, each))):
            for hits in each:
                if rank < len(hits):
                    merged.setdefault(hits[rank].id, hits[rank])
        return list(merged.values())[:k]

    def standalone(self, question: str, history: list[tuple[str, str]], model, english: bool) -> tuple[str, str]:
        """(the question put to the model, the text retrieval searches for).

        A follow-up becomes standalone. An English question is put to the model in Chinese, which a small
        model answers far more reliably (the answer is translated back afterwards), and is searched in both.
        """
        asked = query = question
        if history and followup.points_back(question):
            rewrite = self._rewrite(model, prompts.condense_messages(question, history), question)
            # Retrieval sees both: the rewrite names the subject, the original keeps the wording.
            asked = rewrite or followup.heuristic_standalone(question, history)
            query = f"{rewrite} {question}" if rewrite else asked
        if english and model is not None:
            chinese = self._rewrite(model, prompts.translate_messages(asked), asked)
            if chinese:
                asked, query = chinese, f"{chinese} {query}"
        return asked, query

    @staticmethod
    def _rewrite(model, messages, question: str) -> str:
        if model is None:
            return ""
        try:
            text = model.complete(messages, max_tokens=60, temperature=0.0).strip()
        except LLMError:
            return ""
        text = text.splitlines()[0].strip() if text else ""
        return text if followup.acceptable_rewrite(text, question) and text != question else ""

    def _about(self, question: str, case: str, named: list[str]) -> str:
        """The question as asked of one case: the other cases' names would only pull in their wording."""
        aliases = self.report.retriever().aliases
        for other in named:
            if other != case:
                for name in sorted(aliases[other], key=len, reverse=True):
                    question = re.sub(re.escape(name), "", question, flags=re.I)
        return question

    def uncovered_case(self, question: str) -> tuple[str, int] | None:
        """A case the question names that the index holds only as a contents line: say where it is."""
        retriever = self.report.retriever()
        with_text = {p.case for p in retriever.index.passages if p.kind != "toc"}
        for entry in retriever.index.manifest.get("outline", []):
            if entry["title"] in retriever.cases_named(question) and entry["title"] not in with_text:
                return entry["title"], entry["page"]
        return None

    def uncovered_chapter(self, question: str) -> str | None:
        """A chapter the question names (第一章) of which the index holds nothing."""
        chapters = {p.chapter_number for p in self.report.retriever().index.passages if p.chapter}
        for named in re.findall(r"第[一二三四五六七八九十]+章", question):
            if named not in chapters:
                return named
        return None

    def not_found(self, question: str, english: bool, hits: list[Passage], backend: str, standalone: str,
                  notice: str = "", dropped=None) -> Answer:
        uncovered = self.uncovered_case(standalone)
        chapter = self.uncovered_chapter(standalone)
        if chapter:
            closest = (f" The index holds nothing of {chapter} of the report." if english
                       else f"当前索引中没有报告{chapter}的内容。")
        elif uncovered:
            title, page = uncovered
            closest = (f" The table of contents lists “{title}” from page {page}, but its text is not in the index."
                       if english else f"报告目录列有「{title}」（第{page}页起），但该部分正文未收入当前索引。")
        elif hits:
            closest = (f" The closest section: {hits[0].citation}." if english else f"最接近的内容见：{hits[0].citation}。")
        else:
            closest = ""
        return Answer(prompts.not_found_text(english, closest), [], False, backend, question, standalone,
                      notice, list(dropped or []))

    # -- answering -----------------------------------------------------------------
    def stream(self, question: str, history=None, backend: str | None = None, k: int | None = None,
               case: str | None = None, chapter: str | None = None, document: str | None = None,
               year: int | None = None) -> Iterator[str | Answer]:
        question = clean_query(question)
        if unsupported_script(question):
            raise QueryError("目前只能回答中文或英文提问，请用中文或英文重新提问（please ask in Chinese or English）")
        turns = followup.clean_history(history)
        settings = self.report.settings
        backend = backend or settings.llm_backend
        if backend not in BACKENDS:
            raise QueryError(f"未知的回答方式 {backend!r}，可选：{'、'.join(BACKENDS)}（unknown backend）")
        english = is_english(question)
        model, notice = None, ""
        if backend != "extractive":
            try:
                model = chat_model(settings, backend)
            except LLMError as err:
                notice = f"{LABELS[backend]}不可用（{err}），改用摘录式回答。"
        asked, standalone = self.standalone(question, turns, model, english)
        hits = self.passages(standalone, k or settings.answer_passages, case=case, chapter=chapter,
                             document=document, year=year)
        outside = self.uncovered_chapter(standalone) or (self.uncovered_case(standalone)
                                                         and not STRUCTURE_INTENT.search(standalone))
        if not hits or outside:
            yield self.not_found(question, english, hits, backend if model else "extractive", standalone, notice)
            return
        if model is not None:
            try:
                if english:
                    yield from self._in_english(model, backend, question, asked, standalone, hits)
                else:
                    yield from self._generate(model, backend, question, asked, standalone, False, hits)
                return
            except LLMError as err:
                notice = f"{LABELS[backend]}出错（{err}），改用摘录式回答。"
        yield from self._extract(question, standalone, english, hits, notice)

    def _generate(self, model, backend, question, asked, standalone, english, hits) -> Iterator[str | Answer]:
        citer = Citer(hits, standalone, self.report.retriever().aliases)
        kept: list[str] = []
        pending = ""
        messages = prompts.answer_messages(asked, hits, is_english(asked))  # asked may be a Chinese translation

        def emit(sentences):
            for sentence in sentences:
                checked = citer.check(sentence)
                if checked is not None and checked.strip():
                    kept.append(checked)
                    yield checked

        raw = ""
        for piece in model.stream(messages, max_tokens=self.report.settings.llm_max_tokens, temperature=0.0):
            raw += piece
            pending += piece
            if NOT_FOUND_MARK in raw:
                break
            head = raw.strip()
            if head and len(head) < len(NOT_FOUND_MARK) and NOT_FOUND_MARK.startswith(head):
                continue  # may still become NOT_FOUND: show nothing yet
            done, pending = split_answer(pending)
            yield from emit(done)
        said_not_found = NOT_FOUND_MARK in raw
        if not said_not_found and pending.strip():
            yield from emit([pending])
        if said_not_found and not kept:
            yield self.not_found(question, english, hits, backend, standalone, dropped=citer.dropped)
            return
        if not citer.citations:
            # Nothing cited survived: an uncited or ungrounded answer is not presented as the report's.
            answer = next(a for a in self._extract(question, standalone, english, hits,
                                                   "语言模型的回答无法在引用段落中核实，改用摘录式回答。") if isinstance(a, Answer))
            answer.dropped = citer.dropped + answer.dropped
            yield answer
            return
        text = "".join(kept).strip()
        unit = expected_unit(asked)
        if unit and not any(f.unit == unit for f in extract_figures(text)):
            # Asked for money (or a share) and answered with some other figure: 起薪 is not 40%.
            yield self.not_found(question, english, hits, backend, standalone, dropped=citer.dropped + kept)
            return
        yield Answer(text, citer.citations, True, backend, question, standalone, "", citer.dropped)

    def _in_english(self, model, backend, question, asked, standalone, hits) -> Iterator[str | Answer]:
        """Answer in Chinese (checked), then translate; the translation's figures are checked again."""
        chinese = [a for a in self._generate(model, backend, question, asked, standalone, True, hits)
                   if isinstance(a, Answer)][-1]
        if not chinese.found or chinese.backend != backend:
            yield chinese
            return
        reply = model.complete(prompts.translate_answer_messages(question, chinese.text),
                               max_tokens=self.report.settings.llm_max_tokens, temperature=0.0)
        citer = Citer(chinese.citations, standalone, self.report.retriever().aliases)
        sentences = split_answer(reply.strip() + "\n")[0]
        checked = [citer.check(s) for s in sentences]
        if not sentences or any(c is None for c in checked) or not citer.citations:
            chinese.notice = "英文译文中的数字无法核实，以下为中文回答（the English translation could not be verified）。"
            yield chinese.text
            yield chinese
            return
        text = " ".join(c.strip() for c in checked if c.strip())
        yield text
        yield Answer(text, citer.citations, True, backend, question, standalone, "", chinese.dropped)

    def _extract(self, question, standalone, english, hits, notice="") -> Iterator[str | Answer]:
        retriever = self.report.retriever()
        structural = bool(STRUCTURE_INTENT.search(standalone))
        named = retriever.cases_named(standalone)
        evidence = best_evidence(standalone, hits, self.idf(), cases=named, structural=structural,
                                 aliases=set().union(*(retriever.aliases[c] for c in named)) if named else set())
        if not evidence:
            yield self.not_found(question, english, hits, "extractive", standalone, notice)
            return
        citer = Citer(hits, standalone, retriever.aliases)
        sentences = []
        for item in evidence:
            marked = citer.check(f"{item.sentence.rstrip('。；')}[{hits.index(item.passage) + 1}]。")
            if marked:
                sentences.append(marked)
        lead = "The report says (original Chinese): " if english else "报告原文："
        text = lead + "".join(sentences)
        yield text
        yield Answer(text, citer.citations, True, "extractive", question, standalone, notice, citer.dropped)
