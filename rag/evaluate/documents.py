"""The documents evaluation: each test PDF (tests/documents/questions.toml) indexed alone, then its headings, page-exact
citations, retrieval, answers and passage sizes measured per layout family, against the issue's targets."""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import platform
import re
import shutil
import tempfile
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.answer.answerer import Answerer
from rag.config import PROJECT_ROOT, Settings
from rag.errors import LLMError, RagError
from rag.evaluate.run import _commit
from rag.ingest.corpus import sidecar_of
from rag.llm.backends import chat_model, provider
from rag.passage import Passage
from rag.report import Report

DOCUMENTS_DIR = PROJECT_ROOT / "tests" / "documents"
QUESTIONS_FILE = "questions.toml"
FAMILIES = ("word", "book", "two-column", "slides", "financial", "traditional", "real")
MAX_PASSAGE = 1000  # characters: a longer passage is no citation a reader can check, so it never counts as a hit
RANKED = 200  # the most Retriever.search returns: the figure's best passage is looked for among these
OVERALL, TABLE_CELLS = "overall", "table cells"
# The targets, printed beside the figures: (label, summary field, row, bound, at least).
TARGETS = (
    ("page-exact citations", "page_exact", OVERALL, 0.95, True),
    ("answers with right figure and page", "answers", OVERALL, 0.9, True),
    ("wrong answers (a figure or page not the asked one)", "wrong", OVERALL, 0.03, False),
    ("answers with right figure and page, table cells", "answers", TABLE_CELLS, 0.8, True),
    ("computed figures right", "answers", "computed", 0.8, True),
    ("not-covered questions refused", "answers", "not-covered", 0.95, True),
    ("passages over 1,000 characters", "over_max", OVERALL, 0, False),
    ("figures split between passages", "figures_split", OVERALL, 0, False),
)


# -- the question file -----------------------------------------------------------------------------
KINDS = ("figure", "computed", "code", "name", "date", "not-covered")
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Operand:
    figure: str  # exactly as printed
    page: int | str
    also_pages: tuple[int | str, ...] = ()  # other pages printing it (a budget's table and its text)


@dataclass(frozen=True)
class DocQuestion:
    q: str
    figure: str  # exactly as printed; computed: the value; not-covered: ""
    page: int | str | None  # printed page number, or a roman label such as "iii"; None: computed or not-covered
    table: bool = False  # the figure is printed in a table cell
    kind: str = "figure"  # one of KINDS
    lang: str = "zh"
    also_pages: tuple[int | str, ...] = ()  # other printed pages where the same figure answers the question
    operands: tuple[Operand, ...] = ()  # computed: the printed figures it is computed from
    op: str = ""  # computed: difference | sum | ratio | share | remainder | bound

    @property
    def pages(self) -> tuple[int | str, ...]:
        """Where a citation proves the answer: the figure's pages, or every operand's page."""
        if self.operands:
            return tuple(dict.fromkeys(p for o in self.operands for p in (o.page, *o.also_pages)))
        return tuple(p for p in (self.page, *self.also_pages) if p is not None)

    @property
    def proofs(self) -> tuple[tuple[int | str, ...], ...]:
        """The pages a citation must fall on: one of each operand's, for a computed figure; else one of the
        figure's."""
        if self.operands:
            return tuple((o.page, *o.also_pages) for o in self.operands)
        return (self.pages,)


@dataclass(frozen=True)
class DocSpec:
    file: str  # relative to the documents folder
    family: str
    title: str = ""
    source: str = ""
    headings: tuple[str, ...] = ()  # printed in the body, in order
    questions: tuple[DocQuestion, ...] = ()
    split: str = "dev"  # dev: looked at and tuned on; test: run once per session, its failures never opened
    kind: str = ""  # 质量年度报告, 统计公报, 决算, 标准 …
    sha256: str = ""


def _page(value) -> int | str | None:
    """A printed page number as an int ("5" too); a roman label ("iii") or "pdf:N" as it is."""
    if value is None or value == "":
        return None
    return int(value) if isinstance(value, int) or str(value).strip().isdigit() else str(value).strip()


def _question(q: dict, where: str) -> DocQuestion:
    kind = q.get("kind", "figure")
    if kind not in KINDS or "q" not in q:
        raise ValueError(f"{where}：问题缺少 q 或 kind 不在 {'/'.join(KINDS)} 中（bad question: {q.get('q', '')!r}）")
    operands = tuple(Operand(str(o["figure"]), _page(o["page"]), tuple(_page(p) for p in o.get("also_pages", [])))
                     for o in q.get("operands", []))
    return DocQuestion(str(q["q"]), str(q.get("figure", "")), _page(q.get("page")), bool(q.get("table", False)),
                       kind, q.get("lang", "zh"), tuple(_page(p) for p in q.get("also_pages", [])), operands,
                       q.get("op", ""))


def load_documents(folder: Path) -> list[DocSpec]:
    """The documents and questions of folder/questions*.toml (questions.toml, then the others by name); a clear
    ValueError when there is none or one is malformed."""
    paths = sorted(Path(folder).glob("questions*.toml"), key=lambda p: (p.name != QUESTIONS_FILE, p.name))
    if not paths:
        raise ValueError(f"没有测试文档：{Path(folder) / QUESTIONS_FILE} 不存在（no test documents: {QUESTIONS_FILE} missing）")
    specs = []
    for path in paths:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for n, d in enumerate(data.get("document", []), 1):
            if "file" not in d or d.get("family") not in FAMILIES or d.get("split", "dev") not in SPLITS:
                raise ValueError(f"{path}：第 {n} 个文档缺少 file，或 family 不在 {'/'.join(FAMILIES)} 中，或 split 不在 "
                                 f"{'/'.join(SPLITS)} 中（bad document entry）")
            questions = tuple(_question(q, f"{path.name} {d['file']}") for q in d.get("question", []))
            specs.append(DocSpec(d["file"], d["family"], d.get("title", ""), d.get("source", ""),
                                 tuple(d.get("headings", [])), questions, d.get("split", "dev"), d.get("kind", ""),
                                 d.get("sha256", "")))
    if not specs:
        raise ValueError(f"{Path(folder) / QUESTIONS_FILE} 中没有文档（no [[document]] entries）")
    return specs


# -- what counts ---------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Width folded (９６.８％ is 96.8%, （一） is (一), thin and no-break spaces are spaces). Not for_search: it drops
    thousands commas, and 1,234 must not match 1234 unless printed so. The Chinese comma stays one: 共1，486 lists two
    numbers."""
    return unicodedata.normalize("NFKC", text.replace("，", "\0")).replace("\0", "，")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", _fold(text))


def holds_figure(text: str, figure: str) -> bool:
    """The printed figure, not inside a longer number; spaces inside it ignored (11 468 = 11468), yet never removed
    between two numbers (a table row's "81.2 46.5" holds 46.5: squashed it read 81.246.5, measured on the two-column
    white paper); 1,234 also matches 1234 (never the reverse); a printed plus sign need not be repeated."""
    text, figure = _fold(text), _squash(figure)
    if not figure:
        return False
    if figure.startswith("+") and len(figure) > 1:  # an increase printed +1.31 is stated "增加了1.31"
        return holds_figure(text, figure[1:])
    forms = [(text, figure)]
    if "," in figure:
        forms.append((re.sub(r"(?<=\d),(?=\d)", "", text), figure.replace(",", "")))
    for haystack, needle in forms:
        before = r"(?<![\d.])(?<!\d,)" if needle[0].isdigit() else ""
        after = r"(?![\d]|\.\d|,\d)" if needle[-1].isdigit() else ""
        if re.search(before + r"\s*".join(map(re.escape, needle)) + after, haystack):
            return True
    return False


def page_label(p: Passage) -> str | None:
    """The printed label of a roman-numbered page, when the parser records one."""
    label = getattr(p, "page_label", None) or p.extra.get("page_label")
    return str(label) if label else None


def on_page(p: Passage, page: int | str, file_pages: bool = False) -> bool:
    """The passage cites the printed page: the exact page number, or the printed label (roman numerals).
    file_pages: the document prints no page numbers and is cited by the file's own (第28页 is the PDF's 28th)."""
    if isinstance(page, int):
        return p.page_exact and p.page == page
    if str(page).startswith("pdf:"):  # a page that prints no number: the file's own page
        if file_pages:  # what the citation says; page_index only places the highlight (a row printed in two tables
            return p.page == int(str(page)[4:])  # of a budget is placed on either page)
        return p.page_index is not None and p.page_index + 1 == int(str(page)[4:])
    label = page_label(p)
    return label is not None and label.strip().lower() == str(page).strip().lower()


def cited_page(p: Passage | None) -> str:
    if p is None:
        return "—"
    if page_label(p):
        return page_label(p)
    return "none" if p.page is None else f"{p.page}" + ("" if p.page_exact else "起")


def heading_found(heading: str, passages: Iterable[Passage]) -> bool:
    """Some passage's chapter, case or section path contains the printed heading (whitespace and width ignored)."""
    want = _squash(heading)
    return any(want in _squash(part) for p in passages for part in (p.chapter, p.case, *p.section.split(" / ")) if part)


_CUT_NUMBER = re.compile(r"\d[.,]$")  # ASCII . and , only: a figure followed by ， or 。 is whole
_ENDS_IN_DIGIT = re.compile(r"\d$")
_STARTS_WITH_DIGIT = re.compile(r"^\d")
_STARTS_WITH_GROUP = re.compile(r"^[.,]\d")
# A row or sentence that opens with a year (2024年 …) starts afresh: the word report's table rows end in an amount and
# the next row opens with a year, and no cut number reads "52,069.35|2024年".
_STARTS_WITH_YEAR = re.compile(r"^(?:19|20)\d\d(?:年|届|级|学年)")


def _cut(end: str, start: str) -> bool:
    if _CUT_NUMBER.search(end):
        return bool(_STARTS_WITH_DIGIT.match(start))
    if _ENDS_IN_DIGIT.search(end):
        return bool(_STARTS_WITH_GROUP.match(start)) or (
            bool(_STARTS_WITH_DIGIT.match(start)) and not _STARTS_WITH_YEAR.match(start))
    return False


def figure_splits(passages: list[Passage]) -> list[str]:
    """Numbers the chunker cut: a passage of a document ending in digits (or a decimal point or digit comma) and the
    next one starting with digits (or with .5 / ,000 after digits). Each as '…end | start…'."""
    ordered = sorted(passages, key=lambda p: p.ordinal)
    return [f"…{a.text.rstrip()[-12:]} | {b.text.lstrip()[:12]}…" for a, b in zip(ordered, ordered[1:])
            if a.source == b.source and _cut(a.text.rstrip(), b.text.lstrip())]


# -- results ---------------------------------------------------------------------------------------
RIGHT, WRONG, REFUSED = "right", "wrong", "refused"
_NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")


def _chinese(n: int) -> str:
    """1..99 in Chinese numerals: 5 五, 12 十二, 40 四十, 95 九十五."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else digits[tens]) + "十" if tens else "") + (digits[ones] if ones else "")


def states_value(text: str, figure: str) -> bool:
    """The figure as printed, or (a computed value) any number of the text equal to it at its printed precision:
    639.50 and 639.5 state 639.5; 12.46 does not state 12.5."""
    if holds_figure(text, figure):
        return True
    # A count printed with 萬 inside it (1 萬 5,705, the Traditional-Chinese report's way) is stated as 15,705 too:
    # the same number, with no unit to guess (24,112百万元 for 241.12亿元 is not read: the key has no unit).
    wan = re.fullmatch(r"(\d+)\s*[萬万]\s*([\d,]+)", _fold(figure).strip())
    if wan and len(wan.group(2).replace(",", "")) == 4:
        figure = f"{int(wan.group(1)) * 10000 + int(wan.group(2).replace(',', '')):,}"
        if holds_figure(text, figure):
            return True
    want = figure.replace(",", "").strip().rstrip("%")
    if not re.fullmatch(r"\d+(?:\.\d+)?", want):
        return False
    if re.fullmatch(r"[1-9]\d?", want) and re.search(
            rf"(?<![第〇零一二三四五六七八九十两]){_chinese(int(want))}(?![〇零一二三四五六七八九十两])[年个人项门次级天周分倍所家条届]", text):
        return True  # 修业年限最长是五年 states 5 (a count up to 99 written in Chinese numerals; not 第五)
    places = len(want.split(".")[1]) if "." in want else 0
    return any(round(float(m.group().replace(",", "")), places) == float(want) for m in _NUMBER.finditer(_fold(text)))


def outcome(question: DocQuestion, found: bool, states: bool, cites: bool) -> str:
    """right, wrong or refused. A question the document does not answer is right only refused; any other is right
    when it states the figure and cites a page that prints it (every operand's page, for a computed one), refused
    when the answer says it found nothing, and wrong otherwise — a wrong figure, or a right one on the wrong page."""
    if question.kind == "not-covered":
        return WRONG if found else RIGHT
    if not found:
        return REFUSED
    return RIGHT if states and cites else WRONG


@dataclass(frozen=True)
class AnswerResult:
    backend: str  # asked for
    backend_used: str  # what wrote the text (a failing model falls back to extraction)
    states_figure: bool
    cites_page: bool  # some citation is a passage on the expected printed page (each operand's, when computed)
    seconds: float
    text: str
    cited: tuple[str, ...]
    outcome: str = RIGHT  # right, wrong or refused

    @property
    def right(self) -> bool:
        return self.outcome == RIGHT

    @property
    def wrong(self) -> bool:
        return self.outcome == WRONG

    @property
    def refused(self) -> bool:
        return self.outcome == REFUSED


@dataclass(frozen=True)
class QuestionResult:
    q: str
    figure: str
    page: int | str | None
    table: bool
    rank: int | None  # first passage of ≤ MAX_PASSAGE characters holding the figure, 1-based, among the results
    cited_page: str  # what the best-ranked passage holding the figure cites ("—": no passage holds it)
    page_exact: bool
    answers: tuple[AnswerResult, ...] = ()
    kind: str = "figure"
    lang: str = "zh"


@dataclass(frozen=True)
class DocumentResult:
    file: str
    family: str
    error: str  # why the document could not be indexed ("" when it was)
    passages: int
    longest: int
    over_max: int
    figures_split: tuple[str, ...]
    headings_printed: int
    headings_missing: tuple[str, ...]
    questions: tuple[QuestionResult, ...]
    seconds: float
    split: str = "dev"
    kind: str = ""

    @property
    def headings_found(self) -> int:
        return self.headings_printed - len(self.headings_missing)


@dataclass(frozen=True)
class Summary:
    """One row of the table: a family, all documents (overall), or the table-cell questions (structure fields None)."""
    label: str
    documents: int
    questions: int
    page_exact: float | None
    hit1: float | None
    hit5: float | None
    answers: tuple[tuple[str, float | None], ...]  # (backend, share right)
    passages: int | None = None
    headings_found: int | None = None
    headings_printed: int | None = None
    longest: int | None = None
    over_max: int | None = None
    figures_split: int | None = None
    wrong: tuple[tuple[str, float | None], ...] = ()  # (backend, share wrong): a figure or page not the asked one
    refused: tuple[tuple[str, float | None], ...] = ()  # (backend, share refused)


@dataclass(frozen=True)
class TargetCheck:
    label: str
    value: float | None  # None: not measured (no question of the kind)
    bound: float
    minimum: bool

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.bound if self.minimum else self.value <= self.bound


@dataclass(frozen=True)
class DocumentsRun:
    started_at: str
    commit: str
    machine: str
    folder: str
    backends: tuple[str, ...]
    skipped_backends: tuple[tuple[str, str], ...]
    documents: tuple[DocumentResult, ...]
    summaries: tuple[Summary, ...]
    checks: tuple[TargetCheck, ...]
    seconds: float

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["checks"] = [dataclasses.asdict(c) | {"passed": c.passed} for c in self.checks]
        return data


# -- running -------------------------------------------------------------------------------------
def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def summarise(label: str, docs: list[DocumentResult], questions: list[QuestionResult], backends: Iterable[str],
              structure: bool = True) -> Summary:
    backends = tuple(backends)

    def shares(flag: str) -> tuple[tuple[str, float | None], ...]:
        return tuple((b, _share([getattr(a, flag) for q in questions for a in q.answers if a.backend == b]))
                     for b in backends)

    located = [q for q in questions if q.page is not None]  # computed and not-covered questions have no one page
    row = Summary(label, len(docs), len(questions), _share([q.page_exact for q in located]),
                  _share([q.rank == 1 for q in located]),
                  _share([q.rank is not None and q.rank <= 5 for q in located]), shares("right"),
                  wrong=shares("wrong"), refused=shares("refused"))
    if not structure:
        return row
    return dataclasses.replace(
        row, passages=sum(d.passages for d in docs), headings_found=sum(d.headings_found for d in docs),
        headings_printed=sum(d.headings_printed for d in docs), longest=max((d.longest for d in docs), default=0),
        over_max=sum(d.over_max for d in docs), figures_split=sum(len(d.figures_split) for d in docs))


def _kind_label(q: QuestionResult) -> str:
    return "english" if q.lang == "en" else {"code": "code/name/date", "name": "code/name/date",
                                             "date": "code/name/date"}.get(q.kind, q.kind)


def summaries(docs: list[DocumentResult], backends: tuple[str, ...]) -> list[Summary]:
    """One row per family present, in FAMILIES order, then overall, then the table-cell questions; then, when the
    questions have them, one row per kind of question (computed, code/name/date, not-covered, english) and per
    split (dev, test)."""
    rows = []
    for family in FAMILIES:
        mine = [d for d in docs if d.family == family]
        if mine:
            rows.append(summarise(family, mine, [q for d in mine for q in d.questions], backends))
    every = [q for d in docs for q in d.questions]
    rows.append(summarise(OVERALL, docs, every, backends))
    cells = [q for q in every if q.table]
    rows.append(summarise(TABLE_CELLS, [d for d in docs if any(q.table for q in d.questions)], cells, backends,
                          structure=False))
    for kind in ("computed", "code/name/date", "not-covered", "english"):
        mine = [q for q in every if _kind_label(q) == kind]
        if mine:
            rows.append(summarise(kind, [d for d in docs if any(q in mine for q in d.questions)], mine, backends,
                                  structure=False))
    if any(d.split != "dev" for d in docs):
        for split in SPLITS:
            mine = [d for d in docs if d.split == split]
            rows.append(summarise(f"split {split}", mine, [q for d in mine for q in d.questions], backends))
            for kind in ("computed", "not-covered"):
                qs = [q for d in mine for q in d.questions if _kind_label(q) == kind]
                if qs:
                    rows.append(summarise(f"split {split} {kind}", mine, qs, backends, structure=False))
    return rows


def target_checks(rows: list[Summary]) -> list[TargetCheck]:
    """The issue's targets, for every backend evaluated: on the test split when there is one (the documents nobody
    tuned on), else on all questions."""
    by_label = {r.label: r for r in rows}
    test = "split test" in by_label
    checks = []
    for label, field_name, row_label, bound, minimum in TARGETS:
        if test and field_name in ("answers", "wrong"):
            row_label = {OVERALL: "split test", "computed": "split test computed",
                         "not-covered": "split test not-covered"}.get(row_label, row_label)
        row = by_label.get(row_label)
        if row is None:
            continue
        where = f" [{row_label}]" if row_label.startswith("split") else ""
        if field_name in ("answers", "wrong"):
            values = row.answers if field_name == "answers" else row.wrong
            checks += [TargetCheck(f"{label} ({backend}){where}", value if row.questions else None, bound, minimum)
                       for backend, value in values]
        else:
            checks.append(TargetCheck(label, getattr(row, field_name), bound, minimum))
    return checks


def judged(question: DocQuestion, answer, file_pages: bool = False, source: str | None = None) -> tuple[bool, bool, str]:
    """(states the figure, cites a page that prints it, outcome) of an answer; source: only citations of that file
    count (the library evaluation, where another document's page is no proof)."""
    states = answer.found and bool(question.figure) and states_value(answer.text, question.figure)
    cited = [p for p in answer.citations if source is None or p.source == source]
    # Every operand's page for a computed figure (any of its pages); any one of the pages that print a looked-up
    # figure (also_pages).
    cites = answer.found and bool(question.pages) and all(
        any(on_page(p, page, file_pages) for p in cited for page in pages) for pages in question.proofs)
    return states, cites, outcome(question, answer.found, states, cites)


def _answer(answerer: Answerer, question: DocQuestion, backend: str, file_pages: bool = False) -> AnswerResult:
    started = time.perf_counter()
    answer = answerer.ask(question.q, backend=backend)
    seconds = time.perf_counter() - started
    states, cites, result = judged(question, answer, file_pages)
    return AnswerResult(backend, answer.backend, states, cites, round(seconds, 3), answer.text,
                        tuple(p.citation for p in answer.citations), result)


def _result(question: DocQuestion, rank: int | None, cited: str, exact: bool,
            answers: tuple[AnswerResult, ...] = ()) -> QuestionResult:
    return QuestionResult(question.q, question.figure, question.page, question.table, rank, cited, exact, answers,
                          question.kind, question.lang)


def ask_question(report: Report, answerer: Answerer, question: DocQuestion, passages: list[Passage],
                 backends: Iterable[str], file_pages: bool = False) -> QuestionResult:
    """Rank of the figure among the hybrid results, the page its best passage cites, and each backend's answer.
    Retrieval is measured for a figure printed on one page; a computed or not-covered question has only answers."""
    answers = tuple(_answer(answerer, question, b, file_pages) for b in backends)
    if question.page is None:
        return _result(question, None, "—", False, answers)
    hits = [h.passage for h in report.search(question.q, k=max(1, min(RANKED, len(passages))), mode="hybrid")]
    holding = [(n, p) for n, p in enumerate(hits, 1) if holds_figure(p.text, question.figure)]
    rank = next((n for n, p in holding if len(p.text) <= MAX_PASSAGE), None)
    # Page-exactness is a property of the passage that carries the figure, not of retrieval: when no result holds
    # it, the first passage of the document that does is judged.
    best = holding[0][1] if holding else next((p for p in passages if holds_figure(p.text, question.figure)), None)
    exact = best is not None and any(on_page(best, page, file_pages) for page in question.pages)
    return _result(question, rank, cited_page(best), exact, answers)


def _failed(spec: DocSpec, error: str, seconds: float) -> DocumentResult:
    """A document that could not be indexed: every one of its questions counts as missed."""
    return DocumentResult(spec.file, spec.family, error, 0, 0, 0, (), len(spec.headings), tuple(spec.headings),
                          tuple(_result(q, None, "—", False) for q in spec.questions), round(seconds, 2),
                          spec.split, spec.kind)


def _workspace(path: Path):
    """Where a document is indexed alone: a fresh temporary folder, or with RAG_EVAL_INDEXES set, a folder kept there
    per file content, so that a second run reuses its index (the build is incremental: a 296-page report takes 4
    minutes to embed on 2 cores, then well under a second)."""
    kept = os.environ.get("RAG_EVAL_INDEXES")
    if not kept:
        return tempfile.TemporaryDirectory(prefix="rag-eval-doc-")
    folder = Path(kept) / hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return contextlib.nullcontext(str(folder))


def evaluate_document(spec: DocSpec, folder: Path, settings: Settings, backends: tuple[str, ...]) -> DocumentResult:
    """Copy the document alone into a fresh corpus folder, index it with the project's own build, then measure it."""
    started = time.perf_counter()
    path = Path(folder) / spec.file
    if not path.is_file():
        return _failed(spec, f"文件不存在（missing file）：{path}", 0.0)
    with _workspace(path) as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir(exist_ok=True)
        if not (corpus / path.name).is_file() or (corpus / path.name).read_bytes() != path.read_bytes():
            shutil.copy2(path, corpus / path.name)
        if sidecar_of(path).is_file():
            shutil.copy2(sidecar_of(path), corpus / sidecar_of(path).name)
        report = Report(corpus, Path(tmp) / "index", settings=settings, auto_rebuild=False)
        try:
            built = report.build()
        except RagError as err:
            return _failed(spec, str(err), time.perf_counter() - started)
        except Exception as err:  # a reader that crashes on one document must not end the evaluation of the others
            return _failed(spec, f"内部错误（internal error）：{type(err).__name__}: {err}", time.perf_counter() - started)
        if built.passages == 0 or built.skipped:
            reason = "；".join(f"{s.name}：{s.reason}" for s in built.skipped) or "没有段落（no passages）"
            return _failed(spec, reason, time.perf_counter() - started)
        passages = sorted(report.passages(), key=lambda p: p.ordinal)
        answerer = Answerer(report, models=provider(settings))
        file_pages = {d.findings.page_numbers for d in report.documents()} == {"file"}
        questions = tuple(ask_question(report, answerer, q, passages, backends, file_pages) for q in spec.questions)
    sizes = [len(p.text) for p in passages]
    return DocumentResult(spec.file, spec.family, "", len(passages), max(sizes), sum(s > MAX_PASSAGE for s in sizes),
                          tuple(figure_splits(passages)), len(spec.headings),
                          tuple(h for h in spec.headings if not heading_found(h, passages)), questions,
                          round(time.perf_counter() - started, 2), spec.split, spec.kind)


def sha256_mismatch(spec: DocSpec, folder: Path) -> str:
    """Why the file on disk is not the one the questions were written on ("" when it is, or no sha256 is given)."""
    path = folder / spec.file
    if not spec.sha256 or not path.is_file():
        return ""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return "" if digest == spec.sha256 else f"文件与出题时不同（sha256 {digest[:12]}…，应为 {spec.sha256[:12]}…）"


def usable_backends(settings: Settings, wanted: Iterable[str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """extractive always, then the other backends asked for whose model loads (why the others cannot)."""
    chosen, skipped = ["extractive"], {}
    for backend in dict.fromkeys(wanted):
        if backend == "extractive":
            continue
        try:
            chat_model(settings, backend)
            chosen.append(backend)
        except LLMError as err:
            skipped[backend] = str(err)
    return tuple(chosen), skipped


def run(settings: Settings, folder: Path = DOCUMENTS_DIR, backends: Iterable[str] = (), families: Iterable[str] = (),
        progress: Callable[[str], None] | None = None, split: str | None = None) -> DocumentsRun:
    """Every listed document (of the families and split asked for, or all) indexed alone and measured."""
    started = time.perf_counter()
    commit = _commit()  # the code that runs: read now, not after a commit made while it ran
    specs = load_documents(folder)
    if split is not None:
        if split not in SPLITS:
            raise ValueError(f"未知的划分 {split!r}，可选：{'、'.join(SPLITS)}（unknown split）")
        specs = [s for s in specs if s.split == split]
    families = tuple(families)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"未知的版式类别 {unknown[0]!r}，可选：{'、'.join(FAMILIES)}（unknown family）")
    if families:
        specs = [s for s in specs if s.family in families]
        if not specs:
            raise ValueError(f"{'、'.join(families)} 类没有测试文档（no documents of that family）")
    chosen, skipped = usable_backends(settings, backends)
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    docs = []
    for n, spec in enumerate(specs, 1):
        changed = sha256_mismatch(spec, Path(folder))
        docs.append(_failed(spec, changed, 0.0) if changed else evaluate_document(spec, Path(folder), settings, chosen))
        if progress:
            d = docs[-1]
            progress(f"[{n}/{len(specs)}] {spec.file}: {d.passages} 段，{len(d.questions)} 题，{d.seconds} 秒"
                     + (f"（{d.error}）" if d.error else ""))
    rows = summaries(docs, chosen)
    return DocumentsRun(started_at, commit, f"{os.cpu_count()} cores, {platform.machine()}, Python "
                        f"{platform.python_version()}", str(folder), chosen, tuple(skipped.items()), tuple(docs),
                        tuple(rows), tuple(target_checks(rows)), round(time.perf_counter() - started, 1))


# -- the report ------------------------------------------------------------------------------------
def _f(value) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _bound(check_bound: float, minimum: bool) -> str:
    return f"{'≥' if minimum else '≤'} {check_bound:g}"


def family_table(result: DocumentsRun) -> list[str]:
    """Markdown: families, overall, table cells, kinds of question and splits; each backend's answers as right /
    wrong / refused; the targets in their own row."""
    backends = result.backends
    head = ["family", "docs", "passages", "headings found", "longest", "> 1,000", "figures split", "questions",
            "page-exact", "hit@1", "hit@5"] + [f"{b} right / wrong / refused" for b in backends]
    target = ["target", "", "", "", "", "0", "0", "", "≥ 0.95", "", ""] + ["≥ 0.9 / ≤ 0.03 /"] * len(backends)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), "| " + " | ".join(target) + " |"]
    for r in result.summaries:
        headings = "—" if r.headings_printed is None else f"{r.headings_found} / {r.headings_printed}"
        wrong, refused = dict(r.wrong), dict(r.refused)
        cells = [f"**{r.label}**" if r.label == OVERALL else r.label, _f(r.documents), _f(r.passages), headings,
                 _f(r.longest), _f(r.over_max), _f(r.figures_split), _f(r.questions), _f(r.page_exact), _f(r.hit1),
                 _f(r.hit5)] + [f"{_f(v)} / {_f(wrong.get(b))} / {_f(refused.get(b))}" for b, v in r.answers]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def check_lines(result: DocumentsRun) -> list[str]:
    mark = {True: "met", False: "**MISSED**", None: "not measured"}
    return [f"- {c.label}: {_f(c.value)} (target {_bound(c.bound, c.minimum)}) — {mark[c.passed]}" for c in result.checks]


def _question_line(d: DocumentResult, q: QuestionResult) -> str:
    answers = "；".join(f"{a.backend}{'' if a.backend_used == a.backend else '→' + a.backend_used}: {a.outcome.upper()}"
                       f" ({'figure' if a.states_figure else 'no figure'}, {'page' if a.cites_page else 'wrong page'})"
                       for a in q.answers)
    where = f"on p. {q.page}" if q.page is not None else f"({q.kind})"
    return (f"- {d.file}{' (table)' if q.table else ''}: {q.q} — {q.figure or '(not covered)'} {where}; cited "
            f"{q.cited_page}, rank {q.rank or '—'}; {answers}")


def route_lines(result: DocumentsRun) -> list[str]:
    """Where the answers of each split came from (the table in code, the contents, a quote, the model) and how each
    path fared: counts only, so the test split's row says which path errs without listing a failure."""
    out = ["| split | asked | written by | answers | right | wrong | refused |", "|---|---|---|---|---|---|---|"]
    counts: dict[tuple[str, str, str], list[int]] = {}
    for d in result.documents:
        for q in d.questions:
            for a in q.answers:
                row = counts.setdefault((d.split, a.backend, a.backend_used), [0, 0, 0, 0])
                row[0] += 1
                row[1 + (RIGHT, WRONG, REFUSED).index(a.outcome)] += 1
    for (split, asked, used), (n, right, wrong, refused) in sorted(counts.items()):
        out.append(f"| {split} | {asked} | {used} | {n} | {right} | {wrong} | {refused} |")
    return out


def markdown(result: DocumentsRun) -> str:
    skipped = "".join(f"; {b} not evaluated: {why}" for b, why in result.skipped_backends)
    out = [f"# Documents evaluation {result.started_at}", "",
           f"{len(result.documents)} documents · {sum(len(d.questions) for d in result.documents)} questions · commit "
           f"{result.commit or '—'} · {result.machine} · {result.seconds} s · backends {', '.join(result.backends)}"
           f"{skipped}", "", f"Documents: `{result.folder}`, each indexed alone (hybrid search, k ≤ {RANKED}).", "",
           "## Per family", ""] + family_table(result)
    out += ["", "## Targets", ""] + check_lines(result)
    out += ["", "## Answers by route", ""] + route_lines(result)
    out += ["", "## Documents", "", "| file | family | passages | headings | longest | > 1,000 | split | page-exact "
            "| hit@1 | s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for d in result.documents:
        n = len(d.questions)
        out.append(f"| {d.file} | {d.family} | {d.passages} | {d.headings_found} / {d.headings_printed} | {d.longest} "
                   f"| {d.over_max} | {len(d.figures_split)} | {sum(q.page_exact for q in d.questions)} / {n} "
                   f"| {sum(q.rank == 1 for q in d.questions)} / {n} | {d.seconds} |")
    errors = [d for d in result.documents if d.error]
    if errors:
        out += ["", "## Not indexed", ""] + [f"- {d.file}: {d.error}" for d in errors]
    missing = [(d, h) for d in result.documents if not d.error for h in d.headings_missing]
    out += ["", f"## Headings not found ({len(missing)})", ""] + ([f"- {d.file}: {h}" for d, h in missing] or ["- none"])
    splits = [(d, s) for d in result.documents for s in d.figures_split]
    out += ["", f"## Figures split ({len(splits)})", ""] + ([f"- {d.file}: `{s}`" for d, s in splits] or ["- none"])
    # The test split's failures are counted above, never listed: nobody opens them to fix them.
    misses = [(d, q) for d in result.documents if d.split != "test" for q in d.questions
              if (q.page is not None and (not q.page_exact or q.rank != 1)) or not all(a.right for a in q.answers)]
    out += ["", f"## Questions missed somewhere, test split not listed ({len(misses)})", ""] + (
        [_question_line(d, q) for d, q in misses] or ["- none"])
    return "\n".join(out) + "\n"


def write(result: DocumentsRun, results_dir: Path) -> tuple[Path, Path]:
    """<timestamp>-documents.json and .md in results_dir."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.strptime(result.started_at, "%Y-%m-%dT%H:%M:%SZ"))
    json_path, md_path = results_dir / f"{stamp}-documents.json", results_dir / f"{stamp}-documents.md"
    json_path.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    md_path.write_text(markdown(result), encoding="utf-8")
    return json_path, md_path
