"""Cited answers: retrieval on one index snapshot, then a chat model (or extraction), then the figure check."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Generator, Iterator
from typing import Protocol

from rag.answer import codes, contents, decompose, english, followup, library, numeric, prompts
from rag.answer.asked import (AMOUNT, CODE, DATE_KIND, DAY, DIFFERENCE, LOOKUP, RESULT_WORDS, SUM, TEXT, as_printed,
                              asked_terms, asks_ranking, code_entries, compared_with, holds_kind, names_asked_in,
                              printed_against, prints_ranking, prints_total, said_in, stated_codes, title_beside)
from rag.answer.budget import Fitted, estimate_tokens, fit, prompt_budget
from rag.answer.chat import ChatModel, ModelProvider
from rag.answer.extractive import Evidence, Idf, best_evidence, question_coverage
from rag.answer.glossary import Glossary, glossary
from rag.answer.grounding import Citer, split_answer, tidy_lists
from rag.answer.types import Answer, Event, Provisional, Queued, Request, Sentence, Sources, StreamingAnswer
from rag.config import BACKEND_LABELS, BACKENDS, CONTENTS, FIGURES, Settings
from rag.errors import LLMError, QueryError
from rag.ingest.table import cells, row_words
from rag.passage import Passage
from rag.retrieve.figures import asked_unit
from rag.retrieve.query import asks_quantity, clean_query, expected_unit, named_in_order, points_back, unmarked
from rag.retrieve.retriever import Filters, Retriever
from rag.text import english as english_text
from rag.text import keywords
from rag.text.figures import answers_unit, extract_figures, is_grounded
from rag.text.language import is_english, unsupported_script
from rag.text.normalize import for_search, is_traditional, to_traditional

NOT_FOUND_MARK = "NOT_FOUND"
_CITE_MARK = re.compile(r"\[\d{1,2}\]")
EXTRACT_PASSAGES = 5  # extraction reads no prompt: it looks wider than the model's 3 passages
# The model's answer must stand on passages that hold at least this much of the question at all: asked which national
# 典型案例 and 媒体报道 晋江 had, it answered from a passage holding neither (0.06). The passage printing each answerable
# question's evidence holds 0.117 or more (eval/questions.jsonl, measured); extraction asks far more (MIN_COVERAGE).
MIN_MODEL_COVERAGE = 0.1
# The notice when the model said NOT_FOUND and extraction quotes a sentence that answers all the same.
NO_MODEL_ANSWER = ("语言模型未能从引用段落中作答，改用摘录式回答。",
                   "The model found no answer in the passages; the answer quotes the report.")
# The model's answer set aside for the quote: it cannot be checked against its passages, or it disagrees with the
# sentence that answers.
UNVERIFIED = ("语言模型的回答无法在引用段落中核实，改用摘录式回答。",
              "The model's answer could not be verified against the cited passages; the answer quotes the report.")
DISAGREED = ("语言模型的回答与报告原文中回答该问题的句子不一致，改用摘录式回答。",
             "The model's answer disagreed with the report's sentence that answers the question; the answer quotes the "
             "report.")
QUEUE_CHECK = 30.0  # seconds: a waiting question looks at its place at least this often (woken at once when it moves)
Pieces = Generator[Event, None, Answer]  # the typed stream, then (as the generator's value) the Answer


class IndexSource(Protocol):
    """Where answers search: rag.Report, or anything that hands out index snapshots."""
    settings: Settings

    def retriever(self) -> Retriever: ...


def _no_models(backend: str) -> ChatModel:
    raise LLMError("未提供语言模型（no chat model given: use rag.answerer() or pass models=）")


def _renumbered(text: str, citations: list[Passage], cited: list[Passage]) -> str:
    """An answer's [n] marks renumbered into a list of passages cited so far (its passages added to it)."""
    number = {}
    for n, passage in enumerate(citations, 1):
        ids = [p.id for p in cited]
        if passage.id not in ids:
            cited.append(passage)
            ids.append(passage.id)
        number[n] = ids.index(passage.id) + 1
    return re.sub(r"\[(\d+)\]", lambda m: f"[{number.get(int(m.group(1)), m.group(1))}]", text)


def _queued(model: ChatModel) -> Iterator[Queued]:
    """While a one-at-a-time model serves others: how many are before this question, each time that changes."""
    line = getattr(model, "line", None)
    ahead = len(line) if line is not None else 0
    while ahead:
        yield Queued(ahead)
        ahead = line.wait_shorter(ahead, QUEUE_CHECK)


# The share of a code question's own words (not its document title's, nor the kind asked) its code's entry prints:
# 数据科学与大数据技术 asked, the 生物医药数据科学 entry prints 数据 and 科学 of 数据, 科学, 技术 (dev split).
CODE_ENTRY_SHARE = 0.8
_CODE_WORDS = frozenset("代码 编码 编号 代号 号码 是什么 什么 多少 哪个 对应".split())


def _whole(evidence: Evidence) -> str:
    """The whole sentence of its passage that a quoted clause is part of."""
    clause = evidence.sentence.strip("。；")
    return next((s for s in re.split(r"(?<=[。！？\n])", evidence.passage.text) if clause in s), evidence.sentence)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _said_of(sentence: str, years: set[str]) -> list[str]:
    """What a sentence says each of its figures of: the sentence, or for a table row each cell with the row's label
    and names — not a column of another year than those asked (the model gave a row's 2023 column, 360,016, for the
    2024 one asked, and the row's line names both years: dev split, local)."""
    row = cells(sentence)
    if not row:
        return [sentence]
    return [row_words(sentence, c.column) for c in row
            if not (years and (printed := set(_YEAR.findall(c.column))) and not printed & years)]


def drain(pieces: Pieces) -> Answer:
    """Run an answer's event generator to its end, discarding the events: its Answer."""
    while True:
        try:
            next(pieces)
        except StopIteration as done:
            return done.value


class Answerer:
    """Answers questions over an index source; models(backend) gives the chat model for a backend name."""

    def __init__(self, source: IndexSource, models: ModelProvider | None = None, settings: Settings | None = None):
        self.source = source
        self.settings = settings or source.settings
        self.models = models or _no_models
        self._idf: tuple[object, Idf] | None = None
        self._terms: tuple[tuple[int, str] | None, tuple[set[str], set[str]]] = (None, (set(), set()))

    def idf(self, snapshot: Retriever) -> Idf:
        # Rebuilt when a new index is published; not for a view of it scoped to some documents (the same passages).
        if self._idf is None or self._idf[0] is not snapshot.index:
            self._idf = (snapshot.index, Idf(list(snapshot.passages)))
        return self._idf[1]

    # -- the request -----------------------------------------------------------------
    def request(self, question: str, history=None, backend: str | None = None, k: int | None = None,
                case: str | None = None, chapter: str | None = None, document: str | None = None,
                year: int | None = None, sources: tuple[str, ...] | None = None) -> Request:
        """The question checked once: bad input raises QueryError with a message for the user."""
        question = clean_query(question)
        if unsupported_script(question):
            raise QueryError("目前只能回答中文或英文提问，请用中文或英文重新提问（please ask in Chinese or English）")
        backend = backend or self.settings.llm_backend
        if backend not in BACKENDS:
            raise QueryError(f"未知的回答方式 {backend!r}，可选：{'、'.join(BACKENDS)}（unknown backend）")
        return Request(question=question, history=tuple(followup.clean_history(history)), backend=backend,
                       k=k or self.settings.answer_passages,
                       filters=Filters(case=case, chapter=chapter, document=document, year=year, sources=sources),
                       english=is_english(question), asked=question, query=question)

    def standalone(self, req: Request, model: ChatModel | None) -> Request:
        """A follow-up made standalone; an English question also put to the model in Chinese, which a small
        model answers far more reliably (the answer is translated back afterwards), and searched in both."""
        asked = query = req.question
        if req.history and points_back(req.question):
            rewrite = self._rewrite(model, prompts.condense_messages(req.question, list(req.history)), req.question)
            # Retrieval sees both: the rewrite names the subject, the original keeps the wording.
            asked = rewrite or followup.heuristic_standalone(req.question, req.history)
            query = f"{rewrite} {req.question}" if rewrite else asked
        if req.english:
            terms = glossary().chinese_terms(asked)
            chinese = self._rewrite(model, prompts.translate_messages(asked, glossary().hints(asked)), asked)
            # English words left in it (多少人-times): taken out, or, with little Chinese left, the glossary's terms
            # are searched instead.
            chinese = re.sub(r"-?[A-Za-z][A-Za-z-]{2,}", "", chinese)
            if len(re.findall(r"[\u4e00-\u9fff]", chinese)) < 4:
                chinese = ""
            asked = chinese or asked
            query = " ".join([chinese, *terms, query]).strip()
        return dataclasses.replace(req, asked=asked, query=query)

    @staticmethod
    def _rewrite(model: ChatModel | None, messages: list[dict], question: str) -> str:
        if model is None:
            return ""
        try:
            text = model.complete(messages, max_tokens=60, temperature=0.0).strip()
        except LLMError:
            return ""
        text = text.splitlines()[0].strip() if text else ""
        return text if followup.acceptable_rewrite(text, question) and text != question else ""

    # -- retrieval ---------------------------------------------------------------------
    def passages(self, snapshot: Retriever, req: Request) -> list[Passage]:
        """The passages an answer is drawn from: k, or for a comparison k + 2, shared out among the cases
        it names so that one case's passages cannot crowd out the other's."""
        if not req.intent.comparison:
            return [hit.passage for hit in snapshot.search(req.query, k=req.k, filters=req.filters)]
        k = req.k + 2
        named = [] if req.filters.case is not None else named_in_order(req.query, snapshot.aliases)
        if len(named) < 2:
            return [hit.passage for hit in snapshot.search(req.query, k=k, filters=req.filters)]
        each = [snapshot.search(snapshot.without_cases(req.query, c, named), k=-(-k // len(named)),
                                filters=dataclasses.replace(req.filters, case=c))
                for c in named]
        merged: dict[str, Passage] = {}  # interleaved: each case's best, then each case's second, …
        for rank in range(max(map(len, each))):
            for hits in each:
                if rank < len(hits):
                    merged.setdefault(hits[rank].id, hits[rank].passage)
        return list(merged.values())[:k]

    def wider(self, snapshot: Retriever, req: Request) -> list[Passage]:
        """The passages extraction reads (EXTRACT_PASSAGES at least), more than the model's few."""
        return self.passages(snapshot, dataclasses.replace(req, k=max(req.k, EXTRACT_PASSAGES)))

    @staticmethod
    def uncovered_case(snapshot: Retriever, question: str) -> tuple[str, int] | None:
        """A case the question names that the index holds only as a contents line: say where it is."""
        with_text = {p.case for p in snapshot.passages if p.kind != "toc"}
        named = snapshot.cases_named(question)
        for entry in snapshot.outline:
            if entry.title in named and entry.title not in with_text:
                return entry.title, entry.page
        return None

    @staticmethod
    def uncovered_chapter(snapshot: Retriever, question: str) -> str | None:
        """A chapter the question names (第一章) of which the index holds nothing."""
        chapters = {p.chapter_number for p in snapshot.passages if p.chapter}
        for named in re.findall(r"第[一二三四五六七八九十]+章", question):
            if named not in chapters:
                return named
        return None

    def unprinted(self, snapshot: Retriever, req: Request) -> str | None:
        """A subject the question names (a level, place, body, year, numbered thing or code) that nothing indexed
        prints: asked the 研究生 code of an undergraduate catalogue, or a 历史类 batch's score of a physics table, the
        local model answered with what the document does print (dev split, 3 wrong). A quote and a table row must
        print every subject already (names_asked_in); this holds the model to it as well."""
        if req.english:
            return None
        idf, lib = self.idf(snapshot), snapshot.library
        # (What a document says without printing it counts: its registry's region and year — 全市, 全年.)
        told = for_search(" ".join(lib.context(source) for source in lib.sources))

        def printed(subject: str) -> bool:
            # Its end of three characters or more will do: a subject read with a verb before it (接收江岭科技大学,
            # 中的学习情境5) is printed by its name (dev split: a right answer was refused for 接收江岭科技大学).
            return any(idf.printed(subject[i:]) or subject[i:] in told for i in range(max(len(subject) - 2, 1)))

        return next((s for s in sorted(asked_terms(unmarked(req.asked))[1]) if not printed(s)), None)

    def outside(self, snapshot: Retriever, req: Request) -> bool:
        """The question names a chapter the index lacks, a case it holds only as a contents line, or a subject
        nothing indexed prints."""
        return bool(self.uncovered_chapter(snapshot, req.query) or (self.uncovered_case(snapshot, req.query)
                                                                    and not req.intent.structure)
                    or self.unprinted(snapshot, req))

    def not_found(self, snapshot: Retriever, req: Request, hits: list[Passage], backend: str, notice: str = "",
                  dropped: list[str] | None = None) -> Answer:
        english = req.english
        uncovered = self.uncovered_case(snapshot, req.query)
        chapter = self.uncovered_chapter(snapshot, req.query)
        if chapter:
            closest = (f" The index holds nothing of {chapter} of the report." if english
                       else f"当前索引中没有报告{chapter}的内容。")
        elif uncovered:
            title, page = uncovered
            closest = (f" The table of contents lists “{title}” from page {page}, but its text is not in the index."
                       if english else f"报告目录列有「{title}」（第{page}页起），但该部分正文未收入当前索引。")
        elif unprinted := self.unprinted(snapshot, req):
            closest = f"已索引的文档中没有出现“{unprinted}”。"
        elif hits:
            closest = (f" The closest section: {hits[0].citation}." if english else f"最接近的内容见：{hits[0].citation}。")
        else:
            closest = ""
        f = req.filters
        half = numeric.one_side(snapshot.figures.restricted(f.case, f.chapter, f.document, f.year, f.sources), req.asked) \
            if req.wants.op in RESULT_WORDS and not english else None
        if half is not None:  # a computation with one of its two figures printed: which one is missing, said
            row, missing = half
            closest = f"报告印有{numeric.describe(row)}：{row.printed}（{row.citation}），但没有找到“{missing}”的数字，无法计算。"
        return self._answer(req, prompts.not_found_text(english, closest), [], backend, found=False, notice=notice,
                            dropped=dropped)

    @staticmethod
    def _names(snapshot: Retriever, text: str) -> set[str]:
        """The words of the names of the cases the text names (常州, 新能源, 产教 …), and the words several case titles
        share (联合体)."""
        named = snapshot.cases_named(text)
        return {w for c in named for name in [c, *snapshot.aliases[c]] for w in keywords.tokens(name)} \
            | snapshot.figures.kind_words

    @staticmethod
    def _say(req: Request, chinese: str, english_text: str) -> str:
        """A notice in the question's language."""
        return english_text if req.english else chinese

    def unit(self, req: Request) -> str | None:
        """The kind of figure the question asks for (家, 场, 人, 元, %): a sentence giving another kind is dropped.
        Not for comparisons, which name two things."""
        if req.intent.comparison:
            return None
        if req.english:
            return english_text.asked_unit(req.question)
        return asked_unit(req.asked) if asks_quantity(req.asked) else None

    @staticmethod
    def _answer(req: Request, text: str, citations: list[Passage], backend: str, found: bool = True,
                notice: str = "", dropped: list[str] | None = None) -> Answer:
        return Answer(text=text, citations=citations, found=found, backend=backend, question=req.question,
                      standalone_question=req.asked, retrieval_query=req.query, notice=notice,
                      dropped=list(dropped or []), language="en" if req.english else "zh")

    # -- answering -----------------------------------------------------------------
    def stream(self, question: str, history=None, backend: str | None = None, k: int | None = None,
               case: str | None = None, chapter: str | None = None, document: str | None = None,
               year: int | None = None, sources: tuple[str, ...] | None = None) -> StreamingAnswer:
        """The answer as checked text pieces, then `.answer`; bad input raises QueryError here, at once. sources:
        only the passages of these corpus files (the documents chosen on the page)."""
        req = self.request(question, history, backend, k, case=case, chapter=chapter, document=document, year=year,
                           sources=sources)
        return StreamingAnswer(self._pieces(req, self.source.retriever()))  # one index snapshot per answer

    def ask(self, question: str, history=None, backend: str | None = None, **filters) -> Answer:
        return self.stream(question, history, backend, **filters).answer

    def _pieces(self, req: Request, snapshot: Retriever) -> Pieces:
        model, notice = None, ""
        snapshot = library.scoped(snapshot, req)  # a question naming documents is answered from them only
        if req.backend != "extractive":
            try:
                model = self.models(req.backend)
            except LLMError as err:
                notice = self._say(req, f"{BACKEND_LABELS[req.backend]}不可用（{err}），改用摘录式回答。",
                                   f"The {req.backend} model is unavailable ({err}); the answer quotes the report. ")
        # An English question the table (by the glossary's words) or the contents answer needs no translation (2 s).
        table = None
        if req.english and not req.history:
            untranslated = self.standalone(req, None)
            table = self._from_table(snapshot, untranslated, notice) or self._from_contents(snapshot, untranslated,
                                                                                            notice)
        if table is not None:
            return (yield from self._written(table))
        # A rewrite or translation by the model comes first (1–3 s): the extract is shown before it, not after.
        shown = False
        if model is not None and (req.english or req.history):
            shown = yield from self._provisional(snapshot, self.standalone(req, None), notice)
            yield from _queued(model)  # the rewrite waits its turn too
        return (yield from self._answered(model, snapshot, self.standalone(req, model), notice, shown=shown))

    @staticmethod
    def _written(answer: Answer) -> Pieces:
        """An answer complete at once (written in code, or put together from parts): its sources, then its text."""
        if answer.citations:
            yield Sources(tuple(answer.citations))
        yield Sentence(answer.text)
        return answer

    def _provisional(self, snapshot: Retriever, req: Request, notice: str) -> Generator[Event, None, bool]:
        """While the model works (it takes seconds): the passages found and the quoted extract, in milliseconds.
        Whether an extract was shown."""
        hits = self.wider(snapshot, req)
        if not hits or self.outside(snapshot, req):
            return False
        yield Sources(tuple(hits))
        extract = drain(self._extract(snapshot, req, hits, notice))
        if extract.found:
            yield Provisional(extract)
        return extract.found

    def _answered(self, model: ChatModel | None, snapshot: Retriever, req: Request, notice: str,
                  whole: bool = True, shown: bool = False) -> Pieces:
        """The standalone question answered: by the table, the contents, part by part, or from passages.
        whole: not a part of a question; shown: a provisional extract is on screen already."""
        across = library.across(snapshot, req.asked, req.english, bool(req.wants.figure_kind), library.previous(req))
        if across.text:  # several documents answer: per document, or ranked, totalled, compared across them in code
            return (yield from self._written(self._coded(snapshot, req, across.text, across.passage_ids, FIGURES,
                                                         notice + across.notice)))
        snapshot = across.snapshot  # the one document whose figures answer, or as it was
        table = (self._from_table(snapshot, req, notice) or self._from_contents(snapshot, req, notice)
                 or self._from_codes(snapshot, req, notice))
        if table is not None:
            return (yield from self._written(table))
        if model is not None and whole and not shown:
            yield from self._provisional(snapshot, req, notice)
        # (Not a follow-up: its standalone form may carry the question before it, （接上一问：…？）.)
        parts = decompose.parts(req.asked, snapshot.aliases) if whole and not req.english and not req.history else []
        combined = self._in_parts(model, snapshot, req, parts, notice) if parts else None
        if combined is not None:
            return (yield from self._written(combined))
        if model is not None and req.wants.computed:
            # A difference, ratio, share, remainder or sum the table could not compute: the model never computes (it
            # subtracted two printed salaries wrongly, and added two printed 15% to 30%: dev split, local); the
            # report's own sentence printing the result, or nothing.
            model, notice = None, notice + self._say(req, "需要计算的数字只由程序计算；未能找到两个数字时只引用原文中印出的结果。",
                                                     "Computed figures are computed in code only; the answer quotes a "
                                                     "result the report prints. ")
        hits = self.passages(snapshot, req) if model else self.wider(snapshot, req)
        if not hits or self.outside(snapshot, req):
            return self.not_found(snapshot, req, hits, req.backend if model else "extractive", notice)
        if model is None:
            yield Sources(tuple(hits))
        else:
            hits = self.model_passages(snapshot, req, hits)
            try:
                if req.english:
                    return (yield from self._in_english(model, snapshot, req, hits))
                return (yield from self._generate(model, snapshot, req, hits))
            except LLMError as err:
                notice = self._say(req, f"{BACKEND_LABELS[req.backend]}出错（{err}），改用摘录式回答。",
                                   f"The {req.backend} model failed ({err}); the answer quotes the report. ")
        return (yield from self._extract(snapshot, req, hits, notice))

    def _in_parts(self, model: ChatModel | None, snapshot: Retriever, req: Request, parts: list[decompose.Part],
                  notice: str) -> Answer | None:
        """Each part asked on its own (two cases, or two questions in one), the answers put together and numbered
        anew; None when no part is answered, and the question goes on whole."""
        answers = []
        for part in parts:
            filters = req.filters if part.case is None else dataclasses.replace(req.filters, case=part.case)
            sub = dataclasses.replace(req, asked=part.question, query=part.question, history=(), filters=filters)
            answers.append(drain(self._answered(model, snapshot, sub, notice, whole=False)))
        if not any(a.found for a in answers):
            return None
        cited: list[Passage] = []
        lines = []
        for n, (part, answer) in enumerate(zip(parts, answers), 1):
            body = _renumbered(answer.text, answer.citations, cited) if answer.found else "报告中没有找到相关内容。"
            lines.append(f"（{n}）{part.question}\n{body}")
        backends = {a.backend for a in answers if a.found}
        backend = backends.pop() if len(backends) == 1 else req.backend if req.backend in backends else "extractive"
        notices = dict.fromkeys(a.notice for a in answers if a.notice)
        return self._answer(req, "\n\n".join(lines), cited, backend, notice=" ".join(notices),
                            dropped=[d for a in answers for d in a.dropped])

    def _from_table(self, snapshot: Retriever, req: Request, notice: str = "") -> Answer | None:
        """A numeric question the figures table answers with confidence: computed in code, every row cited, in
        milliseconds; None sends it down the passages path."""
        if not self.settings.answer_from_figures or not req.wants.figure_kind:
            return None  # a code, a date or a name is never a row of figures: 专业代码 is not 高职专业48个
        f = req.filters
        # An English question is matched by its translation, or without a model by the glossary's Chinese for its
        # words and the kind it asks for (常州新能源产教联合体 日常运行经费 多少元).
        asked = self._evidence_query(req) if req.english and is_english(req.asked) else req.asked
        found = numeric.answer(snapshot.figures.restricted(f.case, f.chapter, f.document, f.year, f.sources), asked,
                               None if req.english else self.idf(snapshot).printed)
        if found is None:
            return None
        if req.english:  # one figure, framed in English in code; several rows are left to the passages path
            if found.kind != numeric.LOOKUP or len(found.figures) != 1:
                return None
            row = found.figures[0]
            return self._coded(snapshot, req, english.figure_answer(row, req.question), (row.passage_id,), FIGURES,
                               notice + "Every figure is cited; the English rendering of each is made in code.")
        return self._coded(snapshot, req, found.text, found.passage_ids, FIGURES,
                           notice + "每个数字都注明出处；差值、倍数、合计由程序按原文数字计算。")

    def _from_contents(self, snapshot: Retriever, req: Request, notice: str = "") -> Answer | None:
        """A question about the report's structure (a chapter's title or cases, where a case is, the parts of a
        case) read from the tables of contents and headings in code; None sends it down the passages path."""
        if req.filters.case or req.filters.document or req.filters.sources is not None:
            return None  # a filter may leave out the contents page cited
        found = contents.answer(snapshot, req.question if req.english else req.asked, english=req.english)
        return found and self._coded(snapshot, req, found.text, found.passage_ids, CONTENTS, notice + self._say(
            req, "按报告目录与正文标题列出，每项注明出处。", "Read from the report's table of contents, cited."))

    def _from_codes(self, snapshot: Retriever, req: Request, notice: str = "") -> Answer | None:
        """A code asked of a named thing, read in code from the line that prints it against that name (a catalogue's
        5904文秘类): the quote's coverage of the question's other words (目录, 专升本 …) had refused all 13 such
        questions of a catalogue that prints no title (dev split). None sends it down the passages path."""
        if req.wants.kind != CODE or stated_codes(req.asked) or self.outside(snapshot, req):
            return None  # (a 研究生 code asked of an undergraduate catalogue: refused on the passages path)
        found = codes.code_of(req.question if req.english else req.asked, self.wider(snapshot, req))
        if found is None:
            return None
        text = self._say(req, f"{found.name}的代码：{found.code}[1]。\n\n原文：“{found.line}”[1]。",
                         f"The code of {found.name} is {found.code} [1]. Original text: “{found.line}” [1].")
        return self._coded(snapshot, req, text, (found.passage.id,), FIGURES, notice + self._say(
            req, "代码按原文中紧邻该名称印出的代码给出，注明出处。", "The code is the one printed against that name, cited."))

    def _coded(self, snapshot: Retriever, req: Request, text: str, passage_ids: tuple[str, ...], backend: str,
               notice: str) -> Answer:
        """An answer written in code (table or contents): its passages cited, in Traditional when asked so."""
        text = to_traditional(text) if is_traditional(req.question) else text
        return self._answer(req, text, [snapshot.passage(i) for i in passage_ids], backend, notice=notice)

    def fit(self, model: ChatModel, question: str, hits: list[Passage]) -> Fitted:
        """The passages as given to the model: the answer prompt within its context window, max_tokens kept free.

        A model that cannot count (a test double) is measured by the estimate against llm_n_ctx."""
        english = is_english(question)  # the question may be a translation
        count = getattr(model, "count_tokens", None) or estimate_tokens
        window = model.context_window() if hasattr(model, "context_window") else self.settings.llm_n_ctx
        return fit(question, hits, lambda given: prompts.answer_messages(question, given, english), count,
                   prompt_budget(window, self.settings.llm_max_tokens), self.settings.answer_passage_tokens)

    def _generate(self, model: ChatModel, snapshot: Retriever, req: Request, hits: list[Passage]) -> Pieces:
        fitted = self.fit(model, req.asked, hits)
        if not fitted.given:
            raise LLMError("资料过长，超出模型的上下文长度（passages exceed the context window）")
        # [n] is fitted.given[n-1]; citations show that passage whole (the model may have read it in part).
        citer = Citer(fitted.sources, req.query, snapshot.aliases, snapshot.figures.by_passage, unit=self.unit(req))
        kept: list[str] = []
        pending = ""
        messages = prompts.answer_messages(req.asked, fitted.given, is_english(req.asked))
        # Asked in Traditional characters: answered in them, though the model read and wrote Simplified.
        written = to_traditional if is_traditional(req.question) else str

        def emit(sentences: list[str]):
            for sentence in sentences:
                checked = citer.check(sentence)
                if checked is not None and checked.strip():
                    checked = written(checked)
                    kept.append(checked)
                    yield Sentence(checked)

        yield from _queued(model)
        raw = ""
        for piece in model.stream(messages, max_tokens=self.settings.llm_max_tokens, temperature=0.0):
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
            # A sentence extraction quotes answers it all the same (en-013: 13 项 printed, the model said NOT_FOUND);
            # a question the report does not answer has none, and is refused as the model said.
            answer = drain(self._extract(snapshot, req, hits, self._say(req, *NO_MODEL_ANSWER)))
            if not answer.found:
                return self.not_found(snapshot, req, hits, req.backend, dropped=citer.dropped)
            answer.dropped = citer.dropped + answer.dropped
            return answer
        text = "".join(tidy_lists(kept)).strip()
        # (Not for an English question: its words, or its translation's, are not the report's.)
        if citer.citations and not req.intent.structure and not is_english(req.question) and question_coverage(
                req.asked, citer.citations, self.idf(snapshot), self._names(snapshot, req.query)) < MIN_MODEL_COVERAGE:
            return self.not_found(snapshot, req, hits, req.backend, dropped=citer.dropped + kept)
        unit = expected_unit(req.asked)
        plain = _CITE_MARK.sub("", text)
        if not citer.citations or (unit and not any(answers_unit(f.unit, unit) for f in extract_figures(text))) \
                or not holds_kind(req.wants.kind, plain) \
                or req.wants.kind in (CODE, DATE_KIND, DAY) and not said_in(req.wants.kind, plain,
                                                                             [p.text for p in citer.citations]) \
                or not self._states_asked(snapshot, req, text, citer.citations):
            # Nothing cited survived (an uncited or ungrounded answer is not presented as the report's), or it
            # was asked for money (or a share) and answered with some other figure (起薪 is not 40%; 1,580臺 is
            # not the 3,465萬元 budgeted), or for a code or a date and gave none ("对应的职业代码是 [1]。"): the
            # quoted sentence that answers, if any, instead. A code or a date is printed as the model gives it (it
            # wrote 2023年5月7日 where the page prints 2024年5月7日, each part printed apart: dev split, local).
            return self._quoted_instead(snapshot, req, UNVERIFIED,
                                        citer.dropped + (kept if citer.citations else []))
        if not self._agrees(snapshot, req, plain):
            # A sentence extraction would quote answers the question (it names the measure and subjects asked, in the
            # kind asked), and the model states a figure it does not print: the model read another row or clause
            # (机电一体化技术's 173 graduates answered 246; dev split, local model: 2 of 4 wrong answers). The quote,
            # which is wrong far less often (extraction: 2 of 213 on the dev split), is the answer.
            return self._quoted_instead(snapshot, req, DISAGREED, citer.dropped + kept)
        return self._answer(req, text, citer.citations, req.backend, dropped=citer.dropped)

    def _quoted_instead(self, snapshot: Retriever, req: Request, notice: tuple[str, str], dropped: list[str]) -> Answer:
        """The model's answer set aside (its sentences in dropped): extraction's quote, labelled, or the refusal."""
        answer = drain(self._extract(snapshot, req, self.wider(snapshot, req), self._say(req, *notice)))
        answer.dropped = dropped + answer.dropped
        return answer

    def _agrees(self, snapshot: Retriever, req: Request, plain: str) -> bool:
        """The model's figures (a quantity, a code, a date asked; plain: its answer without [n] marks) are printed by
        the sentences extraction would quote, when there are such sentences; comparisons and structure have their
        own checks."""
        if req.intent.comparison or req.intent.structure or req.wants.op != LOOKUP:
            return True
        # The clause quoted, not its whole sentence: a table row prints both years' columns (the model gave the
        # 2023 column's 360,016 for the 2024 one's 365,264; a task's 8 学时 beside the 4 asked: dev split, local).
        # The passages extraction reads, not only the model's few: the quote naming 交叉学科's code was in the wider
        # search, and the model's 140001TK from its own passages stood unchecked (dev split, local).
        quoted = [e.sentence for e in self._evidence(snapshot, req, self.wider(snapshot, req))
                  if self._quotable(snapshot, req, e)]
        return not quoted or said_in(req.wants.kind, plain, quoted)

    def _in_english(self, model: ChatModel, snapshot: Retriever, req: Request, hits: list[Passage]) -> Pieces:
        """Answer in Chinese (checked), then in English: the figures asked for in English made in code beside the
        report's clause that prints them; other answers translated with figures and names in slots filled in code,
        each English sentence checked again (figures, names whole, English words). Nothing left: the English
        extract."""
        chinese = drain(self._generate(model, snapshot, dataclasses.replace(req, english=False), hits))
        unverified = UNVERIFIED[1]
        if not chinese.found:  # the English question's own quote (by the glossary's words), if any, before refusing
            quoted = drain(self._extract(snapshot, req, hits, NO_MODEL_ANSWER[1]))
            if quoted.found:
                yield Sentence(quoted.text)
                return quoted
            return self.not_found(snapshot, req, hits, chinese.backend, chinese.notice and unverified, chinese.dropped)
        if chinese.backend != req.backend:  # the model's answer failed its check: extracted, in English
            return (yield from self._extract(snapshot, req, hits, chinese.notice and unverified))
        if english_text.asks_count(req.question):  # figures asked for: the English is made in code, no second pass
            # The question's names as the documents print them (Wuhan University is 武汉大学), each printed by the
            # figure's clause; a name nothing renders cannot be checked, and the English answer is not given (asked
            # group 02 of an unnamed university, the model's row was 武汉学院第02组: dev split, 4 English wrong).
            words = glossary(snapshot.passages)
            if words.unnamed(req.question):
                return self.not_found(snapshot, req, hits, chinese.backend, unverified, chinese.dropped)
            names = frozenset(re.sub(r"(?<=..)[市省县区]$", "", e.zh) for _, e in words.found(req.question) if e.name)
            given = english.figures_given(chinese.text, chinese.citations, self.unit(req), req.question, model, names)
            if given:
                yield Sentence(given)
                return self._answer(req, given, chinese.citations, req.backend, dropped=chinese.dropped)
        masked = english.mask(chinese.text)
        # A translation is about as long as its source: a model that runs on (165 s once) is cut off.
        reply = model.complete(prompts.translate_answer_messages(req.question, masked.text),
                               max_tokens=min(self.settings.llm_max_tokens, 40 + 2 * len(masked.text)), temperature=0.0)
        filled = english.unmask(reply.strip(), masked)
        citer = Citer(chinese.citations, req.query, snapshot.aliases, snapshot.figures.by_passage, unit=self.unit(req))
        checked = []
        for sentence in split_answer((filled or "") + "\n")[0]:
            # A figure said with no words says not what it is (the model's "1.9%[1]" for a forest coverage asked,
            # dev split): an English sentence names its figure in at least two English words.
            worded = len(re.findall(r"[A-Za-z]{2,}", re.sub(r"\[\d+\]", "", sentence))) >= 2
            ok = citer.check(sentence) if worded and english.in_english(sentence, chinese.citations) else None
            if ok is not None and ok.strip():
                checked.append(ok.strip())
        if not checked or not citer.citations:
            return (yield from self._extract(snapshot, req, hits, "The English translation could not be verified; "
                                                                  "the answer quotes the report."))
        text = " ".join(checked)
        yield Sentence(text)
        return self._answer(req, text, citer.citations, req.backend, dropped=chinese.dropped + citer.dropped)

    def _evidence_query(self, req: Request) -> str:
        """What a quoted sentence must cover: an English question untranslated (no model) by the Chinese of the
        glossary's terms it uses, and the kind of figure it asks for (How many enterprises → 多少家)."""
        if not req.english:
            return unmarked(req.query)
        if not is_english(req.asked):  # translated: its Chinese, not the English words beside it in the query
            return " ".join([req.asked, *glossary().chinese_terms(req.question)])
        unit = self.unit(req)
        asked = f"多少{unit}" if unit else ("多少" if english_text.asks_count(req.question) else "")
        return " ".join([*glossary().chinese_terms(req.question), asked]).strip() or req.query

    def _evidence(self, snapshot: Retriever, req: Request, hits: list[Passage]) -> list[Evidence]:
        """The sentences of the passages that answer the question, as extraction quotes them."""
        named = snapshot.cases_named(req.query)
        aliases = set().union(*(snapshot.aliases[c] for c in named)) if named else set()
        return best_evidence(self._evidence_query(req), hits, self.idf(snapshot), cases=named,
                             structural=req.intent.structure, aliases=aliases,
                             context=lambda passage, text: snapshot.library.context(
                                 passage.source, f"{text} {passage.heading_path()}"))

    def model_passages(self, snapshot: Retriever, req: Request, hits: list[Passage]) -> list[Passage]:
        """The model's passages, those that extraction quotes from the wider search put first: asked which units lead
        常州, the model read three passages about 政府主导 and not the one naming the two units (ranked 5th). Only the
        quoted ones when their sentences cover the question well (answer_quoted_only): each passage the model reads
        costs it about 1.5 s on 2 cores, and a question no sentence answers (not in the report) still gets all three."""
        evidence = self._evidence(snapshot, req, self.wider(snapshot, req))
        quoted = {e.passage.id: e.passage for e in evidence}
        alone = self.settings.answer_quoted_only
        if quoted and alone and not req.intent.comparison and evidence[0].coverage >= alone:
            return list(quoted.values())[:len(hits)]
        rest = [p for p in hits if p.id not in quoted]
        return [*quoted.values(), *rest][:len(hits)]

    def terms(self, snapshot: Retriever, req: Request) -> tuple[set[str], set[str]]:
        """The measure and subjects a quote, a row or the model's sentence must name (asked_terms; the measure as one
        phrase where the documents print it so: as_printed), read once a question."""
        key, (known, terms) = (id(snapshot.index), req.asked), self._terms  # (one read: answers run in threads)
        if known != key:
            question = unmarked(req.asked)
            terms = as_printed(asked_terms(question), question, self.idf(snapshot).printed)
            self._terms = (key, terms)
        return terms

    def _states_asked(self, snapshot: Retriever, req: Request, text: str, cited: list[Passage]) -> bool:
        """A model's answer to a single quantity states a figure that its cited passage prints in a sentence naming
        the measure and subjects asked (as a quote must): asked the consortium's 日常运行经费, a sentence of the
        专项建设经费 does not answer; a code, one printed in the entry of what is asked. Comparisons, structure and
        English questions are left to their own checks. (Names were checked too, by the sentence printing the
        answer's own words: 2 of the report's entity questions, answered from a commentary's speaker and a cover line,
        were refused with the local model; reverted.)"""
        if req.wants.kind not in (AMOUNT, CODE) or req.wants.op != "lookup" or req.intent.comparison \
                or is_english(req.asked) or req.intent.structure and req.wants.kind != CODE:
            return True  # (专业目录里…的代码 reads as a question about the contents: a code is checked all the same)
        plain = _CITE_MARK.sub("", text)
        if req.wants.kind == CODE:
            # A code is printed in the entry of what the question names (a catalogue lists hundreds in one run of
            # text): asked 数据科学与大数据技术's code, the model gave 140008T, the 生物医药数据科学 beside it (dev
            # split, local). The question's words its document's title does not hold, most of them in the entry.
            given = {c.lower() for c, _ in code_entries(plain)}
            for passage in cited:
                title = set(keywords.tokens(passage.document))
                own = {w for w in keywords.tokens(req.asked) if len(w) >= 2 and not w.isdigit() and w not in title
                       and w not in _CODE_WORDS}
                for code, entry in code_entries(passage.text):
                    printed = for_search(entry)
                    if code.lower() in given and sum(w in printed for w in own) >= CODE_ENTRY_SHARE * len(own):
                        return True
            return not given
        terms = self.terms(snapshot, req)
        if not any(terms):
            return True
        figures = [f for f in extract_figures(plain) if f.kind == "quantity"]
        years = {w for w in terms[1] if _YEAR.fullmatch(w)}
        for passage in cited:
            for sentence in re.split(r"(?<=[。；！？\n])", passage.text):
                said = f"{sentence} {passage.heading_path()}"  # (the years the sentence and its headings print)
                where = (f"{passage.heading_path()} {passage.citation} {title_beside(said, passage.document)} "
                         f"{snapshot.library.context(passage.source, said)}")
                for own in _said_of(sentence, years):
                    if any(is_grounded(f, own) for f in figures) and names_asked_in(
                            own, f"{own} {where}", terms, passage.document):
                        return True
        return False

    def _quotable(self, snapshot: Retriever, req: Request, evidence: Evidence, words: Glossary | None = None) -> bool:
        """A quote answers only with the kind asked (a code, a date, a quantity, in the unit asked: 离职职工79人 is no
        离职率); its sentence names the measure asked and its subjects (as a table row must: asked the 证券事务代表,
        a sentence about the auditor's appointment is no answer); a computation's sentence prints its result (增长,
        占, 倍 …) — two printed figures quoted are not their difference."""
        wants, sentence = req.wants, evidence.sentence
        if not holds_kind(wants.kind, sentence):
            return False
        untranslated = req.english and is_english(req.asked)
        if wants.kind == TEXT and not untranslated:
            return True
        whole, passage = _whole(evidence), evidence.passage
        said = f"{whole} {passage.heading_path()}"
        where = (f"{said} {passage.citation} {title_beside(said, passage.document)} "
                 f"{snapshot.library.context(passage.source, said)}")
        if untranslated:
            # Untranslated (no model): the measure by the glossary's Chinese for it, the names by the documents' pinyin
            # (the 城镇常住居民人均可支配收入 sentence does not answer the 最低生活保障 asked; 武汉科技大学第09组 is not
            # Wuhan University's); a name nothing renders is no one's the quote can be checked to be (China University
            # of Geosciences (Wuhan) was answered with 武汉工程大学第11组: dev split, 1 wrong).
            if words and words.unnamed(req.question):
                return False
            found = [entry for _, entry in words.found(req.question)] if words else []
            measure = {e.zh for e in found if e.measure}
            if not measure and wants.kind != AMOUNT:
                return True  # Which CCTV programmes…, Who is Zheng Yangpeng: no measure to name, any quote may answer
            measure = measure or {e.zh for e in found if not e.name}
            # A city's name is printed with or without its 市 (Changzhou City is 常州市; the case says 常州).
            names = {re.sub(r"(?<=..)[市省县区]$", "", e.zh) for e in found if e.name}
            return names_asked_in(whole, where, (measure, names), evidence.passage.document)
        unit = expected_unit(req.asked) if wants.kind == AMOUNT else None
        units = [f.unit for f in extract_figures(sentence) if f.kind == "quantity" and f.unit]
        if unit and units and not any(answers_unit(u, unit) for u in units):
            return False
        # The whole sentence the quoted clause is part of (…冷氣機…應優先汰換；一百十三年度編列汰換經費3,465萬元: the
        # subject is in the clause before the ；), with its headings and its document's title (a slide that never
        # names the school its cover does).
        if wants.op == LOOKUP:
            # A year printed only as what a figure is compared with (比2024年预算增加3,355.65万元) is not the year of
            # the sentence's figures: asked the 2024 budget, the 2025 sentence was quoted (dev split, 1 wrong).
            whole, where = compared_with(whole), compared_with(where)
        if not names_asked_in(whole, where, self.terms(snapshot, req), evidence.passage.document):
            return False
        if asks_ranking(req.asked) and not prints_ranking(sentence):
            return False  # two groups' cut-off scores quoted are not the lowest of four
        counted = re.search(r"(?:几|多少)([\u4e00-\u9fff])", req.asked)  # 一共分几级: counted in 级
        if wants.op == SUM and not prints_total(sentence, asked_unit(req.asked) or (counted and counted.group(1))):
            return False
        if wants.op == DIFFERENCE and not printed_against(req.asked, sentence):
            return False
        return wants.op not in RESULT_WORDS or bool(RESULT_WORDS[wants.op].search(for_search(sentence)))

    def _extract(self, snapshot: Retriever, req: Request, hits: list[Passage], notice: str = "") -> Pieces:
        words = glossary(snapshot.passages) if req.english and is_english(req.asked) else None
        evidence = [e for e in self._evidence(snapshot, req, hits) if self._quotable(snapshot, req, e, words)]
        if not evidence:
            return self.not_found(snapshot, req, hits, "extractive", notice)
        citer = Citer(hits, req.query, snapshot.aliases)
        sentences = []
        for item in evidence:
            marked = citer.check(f"{item.sentence.rstrip('。；')}[{hits.index(item.passage) + 1}]。")
            if marked:
                sentences.append(marked)
        if req.english:
            text = english.quoted_answer(sentences, self.unit(req) if english_text.asks_count(req.question) else None,
                                         english_text.asks_count(req.question))
        else:
            text = "报告原文：" + "".join(sentences)
        yield Sentence(text)
        return self._answer(req, text, citer.citations, "extractive", notice=notice, dropped=citer.dropped)
