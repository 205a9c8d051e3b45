"""The Gradio web page (the chat with printed pages and take-away files, 数据一览: the figures table with CSV/Excel
export, 文档: the registry, the documents to ask over and, for maintainers, uploads) and its API endpoints (/ask,
/search, /figures, /page, /documents) over one Report loaded once per process."""
# No `from __future__ import annotations`: gr.api reads the endpoints' type hints as real types.

import html
import json
import logging
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from rag.serve import export, feedback, library, question_log, upload
from rag.answer import takeaway
from rag.answer import prompts
from rag.serve import webui
from rag.answer.answerer import Answerer
from rag.answer.types import Answer, Provisional, Queued, Sentence, Sources, StreamingAnswer
from rag.config import BACKENDS, CONTENTS, FIGURES
from rag.llm.backends import chat_model, provider
from rag.errors import LLMError, PageError, RagError
from rag.ingest.facts import Figure
from rag.report import Report

log = logging.getLogger("rag.serve.webapp")

SEARCH_CONCURRENCY = 4  # retrieval is milliseconds and thread safe
REMOTE_CONCURRENCY = 4  # a remote endpoint or extraction can serve several visitors at once
LOCAL_WAITING = 16  # questions for the local model shown their extract and their place in its line at once
INTERNAL_ERROR = webui.INTERNAL_ERROR.zh  # /search and /figures (a question gets the message in its own language)
# navigator.languages is what the browser sends as Accept-Language; ?lang=en (or zh) in the address overrides it.
BROWSER_LANGUAGE_JS = ("() => [new URLSearchParams(window.location.search).get('lang') "
                       "|| (navigator.languages || [navigator.language]).join(',')]")

CSS = """
.cite { display:inline-block; min-width:1.6em; padding:0 .25em; margin:0 .1em; border-radius:.4em;
        background:#1d4ed8; color:#fff !important; font-size:.8em; font-weight:600; text-align:center; }
mark { background:#fde68a; color:inherit; padding:0 .1em; border-radius:.2em; }
.not-covered, .error { display:inline-block; padding:.1em .6em; border-radius:.4em; font-weight:600;
                       background:#fee2e2; color:#991b1b; }
.answer-meta { font-size:.85em; color:#6b7280; }
.source-card { border:1px solid #d1d5db; border-radius:.5em; padding:.6em .8em; margin:.6em 0; }
.source-head { font-weight:600; margin-bottom:.4em; }
.source-text { line-height:1.7; }
.section-text p { margin:.4em 0; line-height:1.7; }
.section-text p.cited { border-left:3px solid #1d4ed8; padding-left:.5em; }
.sources-title { font-weight:600; }
.sources-empty { color:#6b7280; }
#notice { background:#fef3c7; border-radius:.5em; padding:.3em .8em; }
.source-page { margin:.4em 0; }
.source-page img { width:100%; height:auto; border:1px solid #d1d5db; margin-top:.4em; display:block; }
.page-pdf { font-size:.9em; }
.page-missing { font-size:.9em; color:#991b1b; background:#fee2e2; border-radius:.4em; padding:.2em .6em; margin:.4em 0; }
#figures-count { align-self:center; }
#documents-count, #scope { font-size:.9em; color:#374151; }
#upload-status { white-space:pre-line; }
"""
UPLOAD_POLL = 0.5  # seconds between progress lines while an upload is checked and indexed


@dataclass
class Turn:
    """One question in the chat and what became of it (streaming, answered, or failed)."""
    question: str
    history: list[tuple[str, str]] = field(default_factory=list)  # the turns it was asked after
    started: bool = False  # an answering event has taken it (a second click must not answer it twice)
    partial: str = ""  # the model's checked sentences so far
    provisional: Answer | None = None  # the quoted extract shown until the model's first sentence
    ahead: int = 0  # questions before it in the line for the local model
    answer: Answer | None = None
    error: str = ""

    @property
    def done(self) -> bool:
        return self.answer is not None or bool(self.error)

    @property
    def language(self) -> str:
        """The question's language, which its answer, notices and the page around it follow."""
        return self.answer.language if self.answer is not None else webui.language_of(self.question)


def history_of(turns: list[Turn]) -> list[tuple[str, str]]:
    """(question, answer) pairs the next question may refer back to; failed turns are left out."""
    return [(t.question, t.answer.text) for t in turns if t.answer is not None]


def chat_messages(turns: list[Turn]) -> list[dict]:
    """Chatbot messages: the user's question, then the answer so far or in full."""
    messages = []
    for turn in turns:
        if turn.answer is not None:
            reply = webui.chat_message(turn.answer)
        elif turn.error:
            reply = webui.error_message(turn.error, turn.language)
        else:
            reply = (webui.format_answer_text(turn.partial) if turn.partial
                     else webui.provisional_message(turn.provisional, turn.ahead) if turn.provisional
                     else webui.waiting_message(turn.language, turn.ahead))
        messages += [{"role": "user", "content": html.escape(turn.question, quote=False)},
                     {"role": "assistant", "content": reply}]
    return messages


def answer_concurrency(backend: str) -> int:
    # llama.cpp decodes one prompt at a time on both cores: the answers past the first wait in the model's Line,
    # each showing its extract, its sources and its place (Gradio's own queue shows a bare position only).
    return LOCAL_WAITING if backend == "local" else REMOTE_CONCURRENCY


def _filter(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def parse_history(history: list | str | None) -> list:
    """History from the API: a list of [question, answer] pairs, or the same as a JSON string."""
    if isinstance(history, str):
        if not history.strip():
            return []
        try:
            history = json.loads(history)
        except json.JSONDecodeError:
            raise gr.Error("对话历史应为 JSON 列表，如 [[\"问题\", \"回答\"]]（history must be a JSON list of pairs）",
                           print_exception=False) from None
    return history or []


def parse_year(year: str | int | None) -> int | None:
    """A year filter from the API: empty for none, else an integer (2024, or "2024")."""
    if year is None or isinstance(year, bool):
        return None
    if isinstance(year, int):
        return year
    text = str(year).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise gr.Error(f"年份应为整数，如 2024，收到 {text!r}（year must be an integer）", print_exception=False) from None


def warm_up(report: Report, backend: str) -> tuple[str, str, list[str]]:
    """Open the index and load the models before the first visitor: (backend to use, notice, what was loaded)."""
    manifest = report.manifest()
    report.search("职业教育质量报告", k=1)  # loads the embedding model and the keyword tokenizer
    loaded = [f"索引：{report.settings.index_dir}（{manifest.passages} 个段落，嵌入模型 {manifest.embedding.name}）"]
    if backend == "extractive":
        return backend, "", loaded + ["回答方式：原文摘录（未载入语言模型）"]
    try:
        model = chat_model(report.settings, backend)
    except LLMError as err:
        notice = f"{webui.BACKEND_NAMES[backend].zh}不可用（{err}），目前以原文摘录方式回答。"  # start-up: Chinese
        return "extractive", notice, loaded + [f"回答方式：原文摘录（{notice}）"]
    if backend == "local":
        # The rules open every answer prompt: evaluated now, llama.cpp reuses them for the first question.
        threading.Thread(target=_prime, args=(model,), daemon=True).start()
        return backend, "", loaded + [f"回答方式：本地模型 {model.model_path}"]
    return backend, "", loaded + [f"回答方式：远程模型服务 {report.settings.openai_base_url}"]


def _prime(model) -> None:
    try:
        model.complete(prompts.answer_messages("", [], False), max_tokens=1, temperature=0.0)
    except LLMError as err:  # the first real question will report it
        log.warning("warm-up of the local model failed: %s", err)


class ChatApp:
    """The event handlers, bound to one report, one backend and one feedback file."""

    def __init__(self, report: Report, backend: str, feedback_path: Path, allow_upload: bool = False,
                 maintainer: str | None = None):
        self.report, self.backend, self.feedback_path = report, backend, feedback_path
        self.allow_upload = allow_upload  # [web] allow_upload, and not refused by web.serve (no maintainer login)
        # The one login that may upload; None: only a visitor with no login at all (a page served with none, on
        # loopback). The officials' login (web_auth) never uploads.
        self.maintainer = maintainer
        self._uploading = threading.Lock()  # one upload (checks, then the rebuild) at a time
        self._examples: tuple[str, dict[str, list[str]]] | None = None  # (index version, questions per language)
        self.answerer = Answerer(report, models=provider(report.settings))
        settings = report.settings
        self.question_log = settings.question_log if settings.log_questions else None  # fixed at start-up
        self.log_identity = settings.log_identity
        self.question_log_bytes = settings.question_log_max_mb * 1024 * 1024
        self._exports: tempfile.TemporaryDirectory | None = None  # made on the first export, removed at exit

    @property
    def exports_folder(self) -> Path:
        """Where export files are written: a temporary folder of this process, never the corpus or the index."""
        if self._exports is None:
            self._exports = tempfile.TemporaryDirectory(prefix="rag-figures-")
        return Path(self._exports.name)

    def stream(self, question: str, history: list, backend: str | None, case: str | None,
               chapter: str | None, sources: tuple[str, ...] | None = None) -> StreamingAnswer:
        return self.answerer.stream(question, history, backend or self.backend, case=case, chapter=chapter,
                                    sources=sources)

    # -- the chat page -------------------------------------------------------------
    def add_question(self, text: str, turns: list[Turn], language: str = "zh"):
        """Shows the question at once (the answer may wait in the queue) and empties the box."""
        text = (text or "").strip()
        if not text or (turns and not turns[-1].done):
            # An empty box has no language of its own: the page's.
            gr.Info(webui.ASK_SOMETHING.of(language) if not text else webui.ONE_AT_A_TIME.of(webui.language_of(text)))
            return gr.skip(), turns, gr.skip()
        turns = turns + [Turn(text, history_of(turns))]
        return "", turns, chat_messages(turns)

    def first_look(self, turns: list[Turn], chapter: str, case: str, chosen: list[str] | None = None,
                   request: gr.Request = None):
        """The answer without the model (milliseconds), before the model is asked: an answer written in code (the
        figures table, the contents) is the answer; a quoted extract is shown, with its sources, while the model
        writes."""
        if not turns or turns[-1].done or turns[-1].provisional is not None:
            return chat_messages(turns), gr.skip(), gr.skip(), gr.skip(), turns
        turn = turns[-1]
        try:
            quick = self.stream(turn.question, turn.history, "extractive", _filter(case), _filter(chapter),
                                library.chosen_sources(chosen)).answer
        except RagError as err:  # bad input: said now, the model is not asked
            turn.error = str(err)
            return chat_messages(turns), gr.skip(), gr.skip(), gr.skip(), turns
        except Exception:
            log.exception("answering %r without the model failed", turn.question)
            return chat_messages(turns), gr.skip(), gr.skip(), gr.skip(), turns  # the model's pass may still answer
        final = self.backend == "extractive" or (quick.backend in (FIGURES, CONTENTS) and not turn.history)
        if final:
            turn.answer = quick
            self.finished(quick, turn.history, request)
            return chat_messages(turns), *self.sources(turns, len(turns) - 1), turns
        if not quick.found:
            return chat_messages(turns), gr.skip(), gr.skip(), gr.skip(), turns
        turn.provisional = quick
        return (chat_messages(turns), webui.source_cards(quick, self.report.passages()),
                webui.PROVISIONAL.of(quick.language), None, turns)

    def respond(self, turns: list[Turn], chapter: str, case: str, chosen: list[str] | None = None,
                request: gr.Request = None):
        """The first look, then the model's checked sentences streamed into the last turn, replacing the extract
        shown; the final Answer replaces the streamed text."""
        if not turns or turns[-1].started:
            return
        turn = turns[-1]
        turn.started = True
        yield chat_messages(turns), gr.skip(), gr.skip(), gr.skip(), turns
        yield self.first_look(turns, chapter, case, chosen, request)
        if turn.done:  # answered in code or extracted, or refused as bad input: its sources (or none) beside it
            yield chat_messages(turns), *self.sources(turns, len(turns) - 1), turns
            return
        try:
            stream = self.stream(turn.question, turn.history, None, _filter(case), _filter(chapter),
                                 library.chosen_sources(chosen))
            for event in stream.events():
                if isinstance(event, Queued | Sentence):
                    turn.ahead = event.ahead if isinstance(event, Queued) else 0
                    turn.partial += event.text if isinstance(event, Sentence) else ""
                    yield chat_messages(turns), gr.skip(), gr.skip(), gr.skip(), turns
            turn.answer = stream.answer
            self.finished(turn.answer, turn.history, request)
        except RagError as err:
            turn.error = str(err)
        except Exception:
            log.exception("answering %r failed", turn.question)
            turn.error = webui.INTERNAL_ERROR.of(turn.language)
        if turn.answer is None and not turn.error:
            turn.error = webui.INTERNAL_ERROR.of(turn.language)
        yield chat_messages(turns), *self.sources(turns, len(turns) - 1), turns

    def finished(self, answer: Answer, history: list, request: gr.Request | None = None) -> None:
        """An answer is complete: stamped with the index version (for its exports), and logged when configured."""
        answer.index_version = answer.index_version or self.report.index_version()
        if self.question_log is None:
            return
        asker = None
        if self.log_identity:
            user = getattr(request, "username", None) or ""
            client = getattr(request, "client", None)
            asker = question_log.Asker(str(user), str(getattr(client, "host", "") or ""))
        try:
            question_log.append(self.question_log, question_log.make_record(answer, history, asker),
                                self.question_log_bytes)
        except OSError as err:  # the answer is worth more than its log line
            log.error("question log not written to %s: %s", self.question_log, err)

    def page_views(self, answer: Answer) -> dict[str, webui.PageView]:
        """The printed page of each cited PDF passage (text, Markdown and DOCX sources have none), or why not."""
        views = {}
        for p in answer.citations:
            if p.source.lower().endswith(".pdf"):
                file_page = f"#page={p.page_index + 1}" if p.page_index is not None else ""
                views[p.id] = webui.PageView(f"page-image/{p.id}.png", f"pdf/{p.id}{file_page}", p.printed_page,
                                             self.report.page_problem(p))
        return views

    def sources(self, turns: list[Turn], index: int | None, language: str = "zh") -> tuple[str, str, int | None]:
        """(sources panel, answering-mode line, the turn shown) for one turn, in its language (with none, the
        page's); feedback applies to that turn."""
        if index is None or not 0 <= index < len(turns) or turns[index].answer is None:
            return webui.sources_empty(language), "", None
        answer = turns[index].answer
        cards = webui.source_cards(answer, self.report.passages(), pages=self.page_views(answer))
        return cards, webui.backend_line(answer), index

    def show_selected(self, turns: list[Turn], language: str, event: gr.SelectData):
        # Each turn is two chatbot messages (question, answer).
        return self.sources(turns, event.index // 2 if isinstance(event.index, int) else None, language)

    def rate(self, turns: list[Turn], shown: int | None, rating: str, comment: str, language: str = "zh") -> str:
        """Records the verdict on the answer shown; says so in that answer's language."""
        if shown is None or not 0 <= shown < len(turns) or turns[shown].answer is None:
            return webui.NOTHING_TO_RATE.of(language)
        turn = turns[shown]
        try:
            feedback.append(self.feedback_path, feedback.make_record(turn.answer, turn.history, rating, comment))
        except OSError as err:
            log.error("feedback not written to %s: %s", self.feedback_path, err)
            return webui.FEEDBACK_FAILED.of(turn.language)
        return webui.FEEDBACK_SAVED.of(turn.language).format(n=shown + 1,
                                                              rating=webui.RATING_NAMES[rating].of(turn.language))

    # -- take-away files and printed pages ------------------------------------------------
    def answer_files(self, turns: list[Turn], shown: int | None) -> tuple[str | None, ...]:
        """(this answer .docx, .md, the conversation .docx, .md) for the download buttons; None where there is
        nothing to export yet (the button then does nothing)."""
        done = [t.answer for t in turns if t.answer is not None]
        one = [turns[shown].answer] if shown is not None and 0 <= shown < len(turns) and turns[shown].answer else []
        files: list[str | None] = []
        for answers, stem in ((one, "问答导出"), (done, "对话导出")):
            for fmt in ("docx", "md"):
                files.append(self._answer_file(answers, stem, fmt) if answers else None)
        return tuple(files)

    def _answer_file(self, answers: list[Answer], stem: str, fmt: str) -> str | None:
        # Each export in a folder of its own: two visitors never overwrite each other's file.
        folder = self.exports_folder / "answers" / uuid.uuid4().hex[:16]
        try:
            folder.mkdir(parents=True)
            target = folder / f"{stem}.{fmt}"
            if fmt == "md":
                target.write_text(takeaway.to_markdown(answers), encoding="utf-8")
            else:
                takeaway.write_docx(answers, target)
            export.prune(self.exports_folder / "answers")
            return str(target)
        except OSError as err:
            log.error("answer export (%s) not written: %s", fmt, err)
            return None

    def api_page(self, passage_id: str, width: float | None = None) -> str:
        """/page: the PNG of a PDF passage's printed page, its lines highlighted (a file gradio_client downloads)."""
        try:
            data = self.report.page_image(str(passage_id or "").strip(), None if width in (None, "") else int(width))
        except PageError as err:
            raise gr.Error(str(err), print_exception=False) from None
        target = self.exports_folder / "pages" / uuid.uuid4().hex[:16] / f"{str(passage_id)[:32]}.png"
        target.parent.mkdir(parents=True)
        target.write_bytes(data)
        export.prune(self.exports_folder / "pages")
        return str(target)

    # -- 数据一览: the figures table -----------------------------------------------------
    def figure_table(self, query: str, chapter: str, case: str, document: str):
        """(table, count line, CSV file, XLSX file) for the filters: the files hold exactly the rows shown, so
        the export buttons download at once."""
        try:
            rows = self.report.figures(_filter(query), case=_filter(case), chapter=_filter(chapter),
                                       document=_filter(document))
            total = len(self.report.figures())
        except RagError as err:
            raise gr.Error(str(err), print_exception=False) from None
        files = [self._export(rows, fmt) for fmt in export.FORMATS]
        table = {"data": webui.figure_rows(rows), "headers": webui.FIGURE_HEADERS}
        return table, webui.figures_count(len(rows), total), *files

    def _export(self, rows: list[Figure], fmt: str) -> str | None:
        """The file of one format, or None (its button then does nothing) when it cannot be written: the table
        and the other format are still worth having."""
        try:
            return str(export.write(rows, fmt, self.exports_folder))
        except (OSError, ImportError) as err:  # a full disk; xlsxwriter missing from an install
            log.error("figures export (%s) not written to %s: %s", fmt, self.exports_folder, err)
            gr.Warning(f"导出 {fmt.upper()} 文件未能生成，请联系管理员（export failed）。")
            return None

    def figure_passage(self, figure_id: str | None) -> str:
        """The passage of one row of the table (by its id), the figure marked, its section one click away."""
        figure = next((f for f in self.report.figures() if f.id == figure_id), None) if figure_id else None
        if figure is None:
            return ('<div class="sources-empty">这一行已不在当前索引中（索引已更新），请刷新页面。</div>'
                    if figure_id else webui.FIGURE_PASSAGE_EMPTY)
        passages = self.report.passages()
        passage = next((p for p in passages if p.id == figure.passage_id), None)
        section = (webui.section_passages(passage, passages) or [passage]) if passage else []
        return webui.figure_card(figure, passage, section)

    def figure_selected(self, event: gr.SelectData) -> str:
        # The id is the row's last cell: right even when the visitor has sorted the table.
        row = event.row_value if isinstance(event.row_value, list) else None
        return self.figure_passage(str(row[-1]) if row else None)

    # -- the API -------------------------------------------------------------------
    def api_ask(self, question: str, history: list | str | None = None, backend: str = "", case: str = "",
                chapter: str = "", documents: str = "") -> Iterator[dict]:
        """A cited answer, streamed as typed events, each with "stage": "sources" (the passages found: "sources", a
        list of passages), "provisional" (a quoted extract while the model writes: "provisional", an Answer),
        "queued" (waiting for the local model, which answers one question at a time: "ahead", how many are before
        it), "sentence" (the model's checked text so far: "text"), all with "partial": true; the last result is the whole
        Answer (text, citations with chapter/case/section/page/citation, found, backend, notice, …) with
        "partial": false and "stage": "final". history: [[question, answer], …] or that list as JSON; backend:
        local, openai or extractive (empty: the app's); case, chapter: optional filters such as 常州, 第三章;
        documents: only these corpus files (their "source" in /documents), as a JSON list or separated by commas."""
        if backend and backend not in BACKENDS:
            raise gr.Error(f"未知的回答方式 {backend!r}，可选：{'、'.join(BACKENDS)}（unknown backend）",
                           print_exception=False)
        text = ""
        try:
            stream = self.stream(question, parse_history(history), backend, _filter(case), _filter(chapter),
                                 library.parse_documents(documents))
            for event in stream.events():
                if isinstance(event, Sources):
                    yield {"text": text, "partial": True, "stage": event.kind,
                           "sources": [p.to_dict() for p in event.passages]}
                elif isinstance(event, Provisional):
                    yield {"text": text, "partial": True, "stage": event.kind, "provisional": event.answer.to_dict()}
                elif isinstance(event, Queued):
                    yield {"text": text, "partial": True, "stage": event.kind, "ahead": event.ahead}
                elif isinstance(event, Sentence):
                    text += event.text
                    yield {"text": text, "partial": True, "stage": event.kind}
            self.finished(stream.answer, parse_history(history))
            yield stream.answer.to_dict() | {"partial": False, "stage": "final"}
        except RagError as err:
            raise gr.Error(str(err), print_exception=False) from None
        except gr.Error:
            raise
        except Exception:
            log.exception("API answer to %r failed", question)
            language = webui.language_of(question) if isinstance(question, str) else "zh"
            raise gr.Error(webui.INTERNAL_ERROR.of(language), print_exception=False) from None

    def api_search(self, query: str, k: int = 5, case: str = "", chapter: str = "", documents: str = "") -> list[dict]:
        """Passages that answer the query, best first, each with its citation; case/chapter filter them, documents
        (corpus files, a JSON list or separated by commas) keeps only theirs."""
        try:
            return [p.to_dict() for p in self.report.search(query, k=k, case=_filter(case), chapter=_filter(chapter),
                                                            sources=library.parse_documents(documents))]
        except RagError as err:
            raise gr.Error(str(err), print_exception=False) from None
        except Exception:
            log.exception("API search for %r failed", query)
            raise gr.Error(INTERNAL_ERROR, print_exception=False) from None

    def api_figures(self, query: str = "", case: str = "", chapter: str = "", document: str = "",
                    year: str = "") -> list[dict]:
        """Rows of the figures table: every figure the index prints, with what it measures (label, column), whose
        it is (subject), when (period), as printed (raw) and normalised (value, unit, qualifier), its sentence and
        citation. query keeps rows whose label, sentence or headings hold all its words; case, chapter, document,
        year filter them (empty: no filter; year an integer such as 2024)."""
        wanted = parse_year(year)
        try:
            return [f.to_dict() for f in self.report.figures(_filter(query), case=_filter(case),
                                                             chapter=_filter(chapter), document=_filter(document),
                                                             year=wanted)]
        except RagError as err:
            raise gr.Error(str(err), print_exception=False) from None
        except Exception:
            log.exception("API figures for %r failed", query)
            raise gr.Error(INTERNAL_ERROR, print_exception=False) from None

    # -- 文档: the registry, the documents to ask over, uploads --------------------------------------
    def api_documents(self) -> list[dict]:
        """The document registry: per indexed file its source (the file), title, issuer, kind, year, region,
        short names, pages and where each came from (*_from), what ingestion found (findings), its rows of the
        figures table (figures, table_figures), and the audit: problems (each a line) and audit (✓, or ✗ and
        the problems)."""
        try:
            return [library.record_dict(a) for a in self.report.audit()]
        except RagError as err:
            raise gr.Error(str(err), print_exception=False) from None
        except Exception:
            log.exception("API documents failed")
            raise gr.Error(INTERNAL_ERROR, print_exception=False) from None

    def document_table(self, kind: str, year: str, region: str):
        """(table, count line) for the filters."""
        audits = self.report.audit()
        rows = library.shown(audits, kind, year, region)
        table = {"data": library.document_rows(rows), "headers": library.DOCUMENT_HEADERS}
        return table, library.count_line(len(rows), len(audits))

    def documents_view(self, kind: str, year: str, region: str, chosen: list[str] | None):
        """Everything of the 文档 tab and the header, from the index answering now (on each visit and after an
        upload): the page header, the three filters' choices, the table, its count, the choice of documents
        (kept where still indexed), the chat's scope line and 数据一览's document filter."""
        audits = self.report.audit()
        choices = library.filter_choices(audits)
        keep = lambda value, options: value if value in [v for _, v in options] else library.ALL  # noqa: E731
        kind, year, region = (keep(kind, choices["kind"]), keep(str(year or ""), choices["year"]),
                              keep(region, choices["region"]))
        table, count = self.document_table(kind, year, region)
        offered = library.document_choices(audits)
        chosen = [c for c in (chosen or []) if c in {v for _, v in offered}]
        return (library.header(len(audits)), gr.Dropdown(choices=choices["kind"], value=kind),
                gr.Dropdown(choices=choices["year"], value=year), gr.Dropdown(choices=choices["region"], value=region),
                table, count, gr.CheckboxGroup(choices=offered, value=chosen), library.scope_line(chosen, audits),
                gr.Dropdown(choices=(figure_documents := webui.document_choices(self.report.figures())),
                            visible=len(figure_documents) > 2))

    def choose_shown(self, kind: str, year: str, region: str):
        """Ask over the documents the filters show (all of them: no restriction)."""
        audits = self.report.audit()
        rows = library.shown(audits, kind, year, region)
        chosen = [] if len(rows) == len(audits) else [a.record.source for a in rows]
        return chosen, library.scope_line(chosen, audits)

    def scope(self, chosen: list[str] | None) -> str:
        return library.scope_line(chosen, self.report.audit())

    def examples(self, language: str) -> list[str]:
        """Example questions of the index answering now: the curated ones while the corpus is the one report they
        were written for, else drawn from the loaded documents' own figures and headings (cached per version)."""
        version = self.report.index_version()
        if self._examples is None or self._examples[0] != version:
            passages = self.report.passages()
            audits = self.report.audit()
            cases = [value for _, value in webui.case_choices(passages) if value]
            drawn = library.example_questions(audits, self.report.figures(), passages)
            by_language = {}
            for wanted in webui.LANGUAGES:
                curated = webui.example_questions(cases, wanted)
                by_language[wanted] = (curated if len(audits) <= 1 and curated else drawn or curated)
            self._examples = (version, by_language)
        return self._examples[1].get(language) or self._examples[1]["zh"]

    def may_upload(self, request: gr.Request | None) -> bool:
        """Whether this visitor may add documents: uploads on, and logged in as the maintainer (or, with no
        maintainer account, not logged in at all: the page then has no login, the one local user maintains it)."""
        user = getattr(request, "username", None) or None
        return self.allow_upload and user == self.maintainer

    def upload_shown(self, request: gr.Request):
        """On each visit: the upload controls for the maintainer only (the handler checks again)."""
        return gr.Group(visible=self.may_upload(request))

    def upload(self, files: list | None, kind: str, year: str, region: str, chosen: list[str] | None,
               request: gr.Request = None):
        """Checks each uploaded file in a process of its own, adds those accepted to the corpus and rebuilds the
        index in a thread (visitors keep asking the current version), streaming progress lines; then the 文档 tab
        and the header from the new version. Every refusal names the file and says why, in Chinese. Only the
        maintainer's login may upload: checked here, whatever the page showed."""
        keep = (gr.skip(),) * 9
        if not self.allow_upload:
            yield "未开启网页上传（管理员可在 rag.toml 的 [web] 中设置 allow_upload = true）。", *keep, gr.skip()
            return
        if not self.may_upload(request):
            log.warning("upload refused: %s is not the maintainer", getattr(request, "username", None) or "(no login)")
            yield "只有维护人员账号可以上传文档；当前账号只能提问。请用维护人员账号登录后再上传。", *keep, gr.skip()
            return
        paths = [Path(f if isinstance(f, str) else getattr(f, "name", "")) for f in (files or [])]
        if not paths:
            yield "请先选择要上传的 PDF 或 Word（.docx）文件。", *keep, gr.skip()
            return
        if not self._uploading.acquire(blocking=False):
            yield "另一批文档正在入库，请等它完成后再上传。", *keep, gr.skip()
            return
        user = getattr(request, "username", None) or ""
        log.warning("upload of %s by %s", ", ".join(p.name for p in paths), user or "(no login)")  # for audit
        lines: list[str] = [f"收到 {len(paths)} 份文件" + (f"（登录用户：{user}）" if user else "") + "。"]
        done = threading.Event()
        outcome: list[upload.Outcome] = []

        def work() -> None:
            # The thread, not the page, holds the lock to its end: a visitor who leaves mid-upload closes the
            # page's generator, and the next upload must still wait for this rebuild.
            try:
                outcome.append(upload.add(self.report, [(p, p.name) for p in paths], lines.append))
            except Exception:  # never a traceback to the page
                log.exception("upload failed")
                lines.append("✗ 入库时系统内部出错，原有索引未改动；请联系管理员查看日志。")
            finally:
                self._uploading.release()
                done.set()

        try:
            threading.Thread(target=work, name="rag-upload", daemon=True).start()
        except RuntimeError:  # no thread could be started: nothing runs, the lock is the page's to give back
            self._uploading.release()
            yield "系统繁忙，未能开始上传，请稍后再试。", *keep, gr.skip()
            return
        shown = 0
        while not done.wait(UPLOAD_POLL):
            if len(lines) != shown:
                shown = len(lines)
                yield "\n".join(lines), *keep, gr.skip()
        result = outcome[0] if outcome else upload.Outcome()
        lines.append(f"完成：加入 {len(result.added)} 份，未收入 {sum(not c.ok for c in result.checked)} 份。"
                     if result.checked else "完成：没有文件。")
        yield "\n".join(lines), *self.documents_view(kind, year, region, chosen), None

def build_app(report: Report, feedback_path: Path, backend: str | None = None, notice: str = "",
              allow_upload: bool | None = None, maintainer: str | None = None) -> gr.Blocks:
    """The page (chat, 数据一览 and 文档) plus the /ask, /search, /figures, /page and /documents endpoints; call
    warm_up first so no visitor waits for loading. allow_upload (None: the setting [web] allow_upload) offers
    the maintainer the upload in the 文档 tab: the login named maintainer, or (None) a visitor with no login."""
    backend = backend or report.settings.llm_backend
    allow_upload = report.settings.web_allow_upload if allow_upload is None else allow_upload
    app = ChatApp(report, backend, Path(feedback_path), allow_upload=allow_upload, maintainer=maintainer)
    passages = report.passages()
    audits = report.audit()
    answering = {"concurrency_limit": answer_concurrency(backend), "concurrency_id": "answer"}
    documents = webui.document_choices(report.figures())
    examples_in = {language: app.examples(language) for language in webui.LANGUAGES}
    limits = upload.Limits.of(report.settings)

    # Every export is copied into Gradio's cache: files older than a day go, checked hourly.
    with gr.Blocks(title="职业教育质量报告问答", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        # The count, not every title: a library of reports would fill the screen (the 文档 tab lists them).
        header = gr.Markdown(library.header(len(audits)), elem_id="header")
        gr.Markdown(f"注意：{notice}", elem_id="notice", visible=bool(notice))
        turns = gr.State([])
        shown = gr.State(None)  # the turn whose sources are on the right; feedback is about it
        language = gr.State("zh")  # the page's: the browser's at first, then that of the last question asked
        browser = gr.Textbox(visible=False)  # carries the browser's languages (BROWSER_LANGUAGE_JS) to the server
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("问答", elem_id="chat-tab"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label=webui.CHAT_LABEL.zh, elem_id="chat", height=520,
                                             buttons=["copy"], latex_delimiters=[], feedback_options=None,
                                             placeholder=webui.CHAT_PLACEHOLDER.zh)
                        with gr.Row():
                            question = gr.Textbox(show_label=False, placeholder=webui.QUESTION_PLACEHOLDER.zh,
                                                  elem_id="question", scale=5, max_lines=4)
                            send = gr.Button(webui.SEND.zh, variant="primary", elem_id="send", scale=1, min_width=80)
                            clear = gr.Button(webui.CLEAR.zh, elem_id="clear", scale=1, min_width=80)
                        examples_heading = gr.Markdown(webui.EXAMPLES_HEADING.zh, elem_id="examples-heading")
                        with gr.Row():
                            # As many buttons as the longer list: the shorter one hides the rest.
                            # Five at least: an upload may bring questions drawn from more documents.
                            slots = max(5, *(len(questions) for questions in examples_in.values()))
                            examples = [gr.Button(q, size="sm", elem_classes=["example"], visible=bool(q))
                                        for q in examples_in["zh"] + [""] * (slots - len(examples_in["zh"]))]
                    with gr.Column(scale=2):
                        with gr.Row():
                            chapter = gr.Dropdown(webui.chapter_choices(passages), value=webui.ALL, label="只看某一章",
                                                  elem_id="chapter")
                            case = gr.Dropdown(webui.case_choices(passages), value=webui.ALL, label="只看某个案例",
                                               elem_id="case")
                        scope = gr.Markdown(library.scope_line([], audits), elem_id="scope")
                        backend_line = gr.Markdown(elem_id="backend")
                        sources = gr.HTML(webui.sources_empty(), label="来源", elem_id="sources")
                        with gr.Group(elem_id="feedback"):
                            feedback_heading = gr.Markdown(webui.FEEDBACK_HEADING.zh, elem_id="feedback-heading")
                            with gr.Row():
                                rate_buttons = {key: gr.Button(label.zh, size="sm", elem_id=f"rate-{key}", min_width=60)
                                                for key, label in webui.RATING_NAMES.items()}
                            comment = gr.Textbox(label=webui.COMMENT_LABEL.zh, placeholder=webui.COMMENT_PLACEHOLDER.zh,
                                                 lines=1, elem_id="comment")
                        feedback_status = gr.Markdown(elem_id="feedback-status")
                        with gr.Row(elem_id="exports"):
                            # Word keeps [n] as real footnotes; Markdown as [^n]: both paste into a draft.
                            export_buttons = [
                                gr.DownloadButton(f"{label}（{kind}）", elem_id=f"export-{scope}-{fmt}", size="sm",
                                                  min_width=120)
                                for scope, label in (("answer", webui.EXPORT_ANSWER.zh), ("chat", webui.EXPORT_CHAT.zh))
                                for fmt, kind in (("docx", "Word"), ("md", "Markdown"))]
                        with gr.Row(visible=False):  # /page for gradio_client: no control of the page uses it
                            page_id = gr.Textbox(elem_id="page-id")
                            page_width = gr.Number(value=None, precision=0, elem_id="page-width")
                            page_png = gr.Image(type="filepath", format="png", elem_id="page-png")
                            page_button = gr.Button(elem_id="page-button")

            with gr.Tab("数据一览", elem_id="figures-tab"):
                gr.Markdown("报告中出现的每个数字：指标、所属、时期、原文写法和出处。可按关键词、章、案例筛选；"
                            "点击一行，下方显示它所在的原文。导出的文件只含当前筛选出的数据。")
                with gr.Row():
                    figures_query = gr.Textbox(label="指标关键词", placeholder="如 经费、培训、专业",
                                               elem_id="figures-query", max_lines=1, scale=2)
                    figures_chapter = gr.Dropdown(webui.chapter_choices(passages), value=webui.ALL,
                                                  label="只看某一章", elem_id="figures-chapter", scale=2)
                    figures_case = gr.Dropdown(webui.case_choices(passages), value=webui.ALL, label="只看某个案例",
                                               elem_id="figures-case", scale=2)
                    # One document: the filter could only ever show everything.
                    figures_document = gr.Dropdown(documents, value=webui.ALL, label="只看某份文档",
                                                   elem_id="figures-document", visible=len(documents) > 2, scale=2)
                with gr.Row():
                    figures_count = gr.Markdown(elem_id="figures-count")
                    export_csv = gr.DownloadButton("导出 CSV", elem_id="export-csv", size="sm", scale=0,
                                                   min_width=120)
                    export_xlsx = gr.DownloadButton("导出 Excel（XLSX）", elem_id="export-xlsx", size="sm", scale=0,
                                                    min_width=160)
                figures_table = gr.Dataframe(headers=webui.FIGURE_HEADERS, datatype="str", interactive=False,
                                             wrap=True, elem_id="figures-table", max_height=520,
                                             column_widths=["18%", "8%", "8%", "10%", "44%", "12%"])
                figure_passage = gr.HTML(webui.FIGURE_PASSAGE_EMPTY, elem_id="figure-passage")

            with gr.Tab("文档", elem_id="documents-tab"):
                gr.Markdown("已收入索引的文档：标题、发布单位、类型、年份、地区、页数、段落数、数字条数，以及审计发现的问题"
                            "（✓ 表示未见问题）。在下面勾选文档后，“问答”只依据所选文档回答；不勾选则依据全部文档。")
                choices = library.filter_choices(audits)
                with gr.Row():
                    documents_kind = gr.Dropdown(choices["kind"], value=library.ALL, label="类型",
                                                 elem_id="documents-kind")
                    documents_year = gr.Dropdown(choices["year"], value=library.ALL, label="年份",
                                                 elem_id="documents-year")
                    documents_region = gr.Dropdown(choices["region"], value=library.ALL, label="地区",
                                                   elem_id="documents-region")
                documents_count = gr.Markdown(library.count_line(len(audits), len(audits)), elem_id="documents-count")
                documents_table = gr.Dataframe(
                    value={"data": library.document_rows(audits), "headers": library.DOCUMENT_HEADERS},
                    headers=library.DOCUMENT_HEADERS, datatype="str", interactive=False, wrap=True,
                    elem_id="documents-table", max_height=480)
                chosen = gr.CheckboxGroup(library.document_choices(audits), value=[], elem_id="documents-chosen",
                                          label="只依据这些文档回答（不选：全部文档）")
                with gr.Row():
                    choose_shown = gr.Button("选中筛选出的文档", size="sm", elem_id="choose-shown", min_width=120)
                    choose_all = gr.Button("依据全部文档", size="sm", elem_id="choose-all", min_width=120)
                if allow_upload:
                    # Hidden until the visit is known to be the maintainer's (upload_shown, on load).
                    with gr.Group(elem_id="upload", visible=maintainer is None) as upload_group:
                        gr.Markdown(f"**添加文档**（维护人员）：PDF 或 Word（.docx），每份不超过 "
                                    f"{limits.max_bytes // 1048576} MB、{limits.max_pages} 页。每份文件先单独检查"
                                    f"（最多 {limits.seconds} 秒）：加密、扫描件（没有文字层）、损坏或异常的文件不收入，"
                                    "并说明原因；通过的文件加入语料目录，索引增量更新，完成后自动切换，其间可照常提问。")
                        upload_files = gr.File(file_count="multiple", file_types=list(upload.ACCEPTED),
                                               type="filepath", label="选择文件", elem_id="upload-files")
                        upload_button = gr.Button("上传并加入索引", variant="primary", elem_id="upload-button")
                        upload_status = gr.Markdown(elem_id="upload-status")

        def in_language(wanted: str) -> dict:
            """The chat's own words and example questions in one language (only the props named change)."""
            asked = app.examples(wanted)[:len(examples)]  # of the index answering now: an upload brings new ones
            offered = asked + [""] * (len(examples) - len(asked))
            return {
                language: wanted, examples_heading: webui.EXAMPLES_HEADING.of(wanted),
                chatbot: gr.Chatbot(label=webui.CHAT_LABEL.of(wanted), placeholder=webui.CHAT_PLACEHOLDER.of(wanted)),
                question: gr.Textbox(placeholder=webui.QUESTION_PLACEHOLDER.of(wanted)),
                send: gr.Button(webui.SEND.of(wanted)), clear: gr.Button(webui.CLEAR.of(wanted)),
                feedback_heading: webui.FEEDBACK_HEADING.of(wanted),
                comment: gr.Textbox(label=webui.COMMENT_LABEL.of(wanted),
                                    placeholder=webui.COMMENT_PLACEHOLDER.of(wanted)),
                **{button: gr.Button(webui.RATING_NAMES[key].of(wanted)) for key, button in rate_buttons.items()},
                **{button: gr.Button(text, visible=bool(text)) for button, text in zip(examples, offered)},
            }

        def opening(languages: str, request: gr.Request) -> dict:
            # The script's answer first (it sees ?lang=); the request's header if the script sent nothing.
            wanted = webui.preferred_language(languages or request.headers.get("accept-language", ""))
            return in_language(wanted) | {sources: webui.sources_empty(wanted)}

        def following(turns: list[Turn], current: str) -> dict:
            # The last question's language: its answer, and the examples offered next, are in it.
            return in_language(turns[-1].language if turns else current)

        relabelled = [language, examples_heading, chatbot, question, send, clear, feedback_heading, comment,
                      *rate_buttons.values(), *examples]
        ui = {"api_visibility": "private"}  # page events only; programs use /ask, /search and /figures
        demo.load(opening, browser, relabelled + [sources], js=BROWSER_LANGUAGE_JS, queue=False, **ui)
        asked = {"fn": app.add_question, "outputs": [question, turns, chatbot], "queue": False, **ui}
        relabel = {"fn": following, "inputs": [turns, language], "outputs": relabelled, "queue": False, **ui}
        answer = {"fn": app.respond, "inputs": [turns, chapter, case, chosen],
                  "outputs": [chatbot, sources, backend_line, shown, turns], **answering, **ui}
        exporting = {"fn": app.answer_files, "inputs": [turns, shown], "outputs": export_buttons, "queue": False, **ui}
        for trigger in (question.submit, send.click):
            trigger(inputs=[question, turns, language], **asked).then(**relabel).then(**answer).then(
                **exporting)
        for button in examples:
            button.click(inputs=[button, turns, language], **asked).then(**relabel).then(**answer).then(
                **exporting)

        def reset(current: str):
            return [], [], webui.sources_empty(current), "", None, "", *[None] * len(export_buttons)

        reset_outputs = [turns, chatbot, sources, backend_line, shown, feedback_status, *export_buttons]
        clear.click(reset, language, reset_outputs, queue=False, **ui)
        chatbot.clear(reset, language, reset_outputs, queue=False, **ui)
        chatbot.select(app.show_selected, [turns, language], [sources, backend_line, shown], queue=False,
                       **ui).then(**exporting)
        for key, button in rate_buttons.items():
            button.click(lambda t, s, c, lang, key=key: (app.rate(t, s, key, c, lang), ""),
                         [turns, shown, comment, language], [feedback_status, comment], queue=False, **ui)
        chapter.change(lambda c: gr.Dropdown(choices=webui.case_choices(passages, c), value=webui.ALL),
                       chapter, case, queue=False, **ui)

        listing = {"fn": app.figure_table, "inputs": [figures_query, figures_chapter, figures_case, figures_document],
                   "outputs": [figures_table, figures_count, export_csv, export_xlsx], "queue": False, **ui}
        demo.load(**listing)  # on each visit: a rebuilt index shows its own rows
        for control in (figures_query, figures_case, figures_document):
            control.change(**listing)
        figures_chapter.change(lambda c: gr.Dropdown(choices=webui.case_choices(passages, c), value=webui.ALL),
                               figures_chapter, figures_case, queue=False, **ui).then(**listing)
        figures_table.select(app.figure_selected, None, figure_passage, queue=False, **ui)

        document_filters = [documents_kind, documents_year, documents_region]
        view = [header, *document_filters, documents_table, documents_count, chosen, scope, figures_document]
        demo.load(app.documents_view, [*document_filters, chosen], view, queue=False, **ui)  # a new version's
        for control in document_filters:
            control.change(app.document_table, document_filters, [documents_table, documents_count], queue=False,
                           **ui)
        chosen.change(app.scope, chosen, scope, queue=False, **ui)
        choose_shown.click(app.choose_shown, document_filters, [chosen, scope], queue=False, **ui)
        choose_all.click(lambda: ([], app.scope([])), None, [chosen, scope], queue=False, **ui)
        if allow_upload:
            demo.load(app.upload_shown, None, upload_group, queue=False, **ui)
            # One upload at a time (its own line): asking, searching and the figures table go on meanwhile.
            upload_button.click(app.upload, [upload_files, *document_filters, chosen],
                                [upload_status, *view, upload_files], concurrency_limit=1,
                                concurrency_id="upload", **ui)

        # Several /ask calls at once, the model's line taking them one at a time: each caller gets its passages, the
        # quoted extract and its place in the line at once, not after the answers queued before it.
        gr.api(app.api_ask, api_name="ask", concurrency_limit=answer_concurrency(backend), concurrency_id="ask")
        gr.api(app.api_search, api_name="search", concurrency_limit=SEARCH_CONCURRENCY)
        gr.api(app.api_figures, api_name="figures", concurrency_limit=SEARCH_CONCURRENCY)
        gr.api(app.api_documents, api_name="documents", concurrency_limit=SEARCH_CONCURRENCY)
        page_button.click(app.api_page, [page_id, page_width], page_png, api_name="page",
                          concurrency_limit=SEARCH_CONCURRENCY)
    demo.queue(default_concurrency_limit=SEARCH_CONCURRENCY)
    demo.rag_app = app  # launch() serves its pages and PDFs
    return demo


def page_response(app: ChatApp, passage_id: str, width: int | None = None):
    """GET page-image/<id>.png: the printed page, highlighted; a PageError is a 404 with its one-line message."""
    from fastapi.responses import PlainTextResponse, Response

    try:
        data = app.report.page_image(passage_id, width)
    except PageError as err:
        return PlainTextResponse(str(err), status_code=404)
    return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def pdf_response(app: ChatApp, passage_id: str):
    """GET pdf/<id>: the corpus PDF that prints the passage (the browser's viewer opens it at #page=N)."""
    from urllib.parse import quote

    from fastapi.responses import FileResponse, PlainTextResponse

    try:
        path = app.report.pdf_file(passage_id)
    except PageError as err:
        return PlainTextResponse(str(err), status_code=404)
    disposition = f"inline; filename*=UTF-8''{quote(path.name)}"
    return FileResponse(path, media_type="application/pdf", headers={"Content-Disposition": disposition})


def add_page_routes(demo: gr.Blocks) -> None:
    """page-image/<id>.png and pdf/<id> on the running server, behind the same login as Gradio's own routes;
    both look the passage up by id in the index: no request names a file."""
    server = demo.server_app
    guard = next(route.dependencies for route in server.router.routes if getattr(route, "path", "") == "/config")
    app: ChatApp = demo.rag_app
    server.add_api_route("/page-image/{passage_id}.png", lambda passage_id, width=None: page_response(
        app, passage_id, width), methods=["GET"], dependencies=guard, include_in_schema=False)
    server.add_api_route("/pdf/{passage_id}", lambda passage_id: pdf_response(app, passage_id), methods=["GET"],
                         dependencies=guard, include_in_schema=False)


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860,
           auth: tuple[str, str] | list[tuple[str, str]] | None = None) -> str:
    """Starts serving without blocking; returns the page's address (demo.block_thread() keeps it up). auth: one
    (user, password) or several (the officials' and the maintainer's: web.logins)."""
    app = getattr(demo, "rag_app", None)
    # Gradio refuses a larger upload itself, before a byte reaches the checks (the page offers no other upload).
    largest = f"{app.report.settings.web_upload_max_mb}mb" if app is not None and app.allow_upload else None
    demo.launch(server_name=host, server_port=port, auth=auth, auth_message="请输入账号和密码", quiet=True,
                prevent_thread_lock=True, show_error=False, footer_links=["api"], theme=gr.themes.Default(),
                css=CSS, max_file_size=largest)
    if getattr(demo, "rag_app", None) is not None:
        add_page_routes(demo)
    return demo.local_url
