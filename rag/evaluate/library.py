"""The library evaluation: every document of eval/real-documents (and eval/library/schools) indexed together, each
document's questions asked of the whole library — right, wrong, refused and citations of other documents, per split,
beside each document indexed alone — and the questions that name no document, right when answered per document."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.answer.answerer import Answerer
from rag.config import PROJECT_ROOT, Settings
from rag.evaluate import documents as alone_eval
from rag.evaluate.documents import (REFUSED, RIGHT, SPLITS, WRONG, DocQuestion, DocSpec, judged, load_documents,
                                    on_page, sha256_mismatch, states_value)
from rag.evaluate.run import _commit
from rag.llm.backends import provider
from rag.report import Report

REAL_DOCUMENTS = PROJECT_ROOT / "eval" / "real-documents"
LIBRARY_DIR = PROJECT_ROOT / "eval" / "library"
EXTRA = "schools"  # eval/library/schools/*.pdf join the library under schools/
DISTRACTORS = "extra"  # run(extra=FOLDER), `--extra FOLDER`: its *.pdf join the library under extra/, asked nothing
UNNAMED_FILE = "questions.toml"
# The targets: (label, bound, at least).
TARGETS = (("library right − alone right (test split)", -0.03, True), ("library wrong (test split)", 0.03, False),
           ("cross-document citations, questions naming their document", 0, False),
           ("unnamed questions answered per document", 0.9, True))


@dataclass(frozen=True)
class Expected:
    file: str  # the document's source in the library (schools/changzhou-2024.pdf)
    figure: str
    page: int | str
    also_pages: tuple[int | str, ...] = ()  # other pages of the document printing the same figure


@dataclass(frozen=True)
class UnnamedQuestion:
    q: str
    kind: str  # per-document | across
    answers: tuple[Expected, ...]


@dataclass(frozen=True)
class LibraryAnswer:
    """One document question asked of the library."""
    file: str
    split: str
    q: str
    kind: str
    backend: str
    outcome: str  # right | wrong | refused
    cross: bool  # cites a passage of another document
    names_document: bool  # the question names its document (by the registry)
    alone: str = ""  # the outcome with the document indexed alone ("" when not measured)


@dataclass(frozen=True)
class UnnamedResult:
    q: str
    kind: str
    backend: str
    answered: int  # expected documents the answer names with their figure on a cited page of theirs
    expected: int
    found: bool
    text: str

    @property
    def right(self) -> bool:
        return self.found and self.answered == self.expected


@dataclass(frozen=True)
class SplitRow:
    split: str
    backend: str
    questions: int
    alone: tuple[float | None, float | None, float | None]  # right, wrong, refused
    library: tuple[float, float, float]
    cross_named: int  # answers citing another document, of questions naming their document
    named: int
    cross_unnamed: int
    unnamed: int


@dataclass(frozen=True)
class LibraryRun:
    started_at: str
    commit: str
    machine: str
    documents: tuple[str, ...]
    backends: tuple[str, ...]
    answers: tuple[LibraryAnswer, ...]
    unnamed: tuple[UnnamedResult, ...]
    rows: tuple[SplitRow, ...]
    checks: tuple[tuple[str, float | None, float, bool], ...]
    seconds: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


# -- the questions ---------------------------------------------------------------------------------
def load_unnamed(path: Path) -> list[UnnamedQuestion]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for n, q in enumerate(data.get("question", []), 1):
        answers = tuple(Expected(str(a["file"]), str(a["figure"]), alone_eval._page(a["page"]),
                                 tuple(alone_eval._page(p) for p in a.get("also_pages", [])))
                        for a in q.get("answer", []))
        if "q" not in q or len(answers) < 2:
            raise ValueError(f"{path}：第 {n} 题缺少 q 或少于两个文档的答案（an unnamed question needs two answers）")
        out.append(UnnamedQuestion(str(q["q"]), q.get("kind", "per-document"), answers))
    return out


# -- the library -----------------------------------------------------------------------------------
def library_files(folder: Path, specs: Iterable[DocSpec], extra: Path | None,
                  distractors: Path | None = None) -> list[tuple[str, Path]]:
    """(source in the library, file) of every document: the listed ones as in their folder, the extra ones under
    schools/, and the PDFs of distractors (documents no question is about, to make the library larger) under extra/."""
    files = [(s.file, Path(folder) / s.file) for s in specs if (Path(folder) / s.file).is_file()]
    if extra is not None and extra.is_dir():
        files += [(f"{EXTRA}/{p.name}", p) for p in sorted(extra.glob("*.pdf"))]
    if distractors is not None:
        if not Path(distractors).is_dir():
            raise ValueError(f"没有这个文件夹：{distractors}（--extra FOLDER）")
        files += [(f"{DISTRACTORS}/{p.name}", p) for p in sorted(Path(distractors).glob("*.pdf"))]
    return files


def _workspace(files: list[tuple[str, Path]]):
    """Where the library is indexed: under RAG_EVAL_INDEXES, kept per set of file contents (the build is
    incremental: a library with one new document embeds only its passages), else a fresh temporary folder."""
    kept = os.environ.get("RAG_EVAL_INDEXES")
    if not kept:
        return tempfile.TemporaryDirectory(prefix="rag-eval-library-")
    folder = Path(kept) / "library"
    folder.mkdir(parents=True, exist_ok=True)
    import contextlib

    return contextlib.nullcontext(str(folder))


def sync_corpus(files: list[tuple[str, Path]], corpus: Path) -> Path:
    """corpus holding exactly files (copies, stale ones replaced, documents no longer listed removed)."""
    corpus.mkdir(parents=True, exist_ok=True)
    wanted = {source for source, _ in files}
    for path in [p for p in corpus.rglob("*") if p.is_file()]:
        if path.relative_to(corpus).as_posix() not in wanted:
            path.unlink()
    for source, path in files:
        target = corpus / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or hashlib.sha256(target.read_bytes()).digest() != hashlib.sha256(
                path.read_bytes()).digest():
            shutil.copy2(path, target)
    return corpus


def build(files: list[tuple[str, Path]], workspace: Path, settings: Settings) -> Report:
    """The library's corpus, indexed."""
    corpus = sync_corpus(files, Path(workspace) / "corpus")
    report = Report(corpus, Path(workspace) / "index", settings=settings, auto_rebuild=False)
    report.build(reuse_from=tuple(alone_indexes(files)))
    return report


def alone_indexes(files: list[tuple[str, Path]]) -> list[Path]:
    """The index folders where the documents evaluation keeps each document indexed alone (RAG_EVAL_INDEXES): the
    library reuses their vectors, so that only passages never embedded are (the 296-page report takes minutes)."""
    kept = os.environ.get("RAG_EVAL_INDEXES")
    if not kept:
        return []
    folders = [Path(kept) / hashlib.sha256(path.read_bytes()).hexdigest()[:16] / "index" for _, path in files]
    return [f for f in folders if f.is_dir()]


# -- asking ----------------------------------------------------------------------------------------
def ask_document_question(answerer: Answerer, report: Report, spec: DocSpec, question: DocQuestion,
                          backend: str) -> LibraryAnswer:
    """A document's question asked of the library: right only on a cited page of its own document."""
    answer = answerer.ask(question.q, backend=backend)
    snapshot = report.retriever()
    # Judged as the document alone is (a document printing no page numbers is cited by the file's own).
    record = snapshot.library.record(spec.file)
    _, _, result = judged(question, answer, record is not None and record.findings.page_numbers == "file", spec.file)
    named = spec.file in snapshot.library.named(question.q, snapshot.cases_named(question.q)).sources
    cross = answer.found and any(p.source != spec.file for p in answer.citations)
    return LibraryAnswer(spec.file, spec.split, question.q, question.kind, backend, result, cross, named)


def ask_unnamed(answerer: Answerer, question: UnnamedQuestion, backend: str) -> UnnamedResult:
    """Right when the answer names every document expected, each with its figure, on a cited page of that
    document (a table's row: the figure and its [n] on one line)."""
    answer = answerer.ask(question.q, backend=backend)
    answered = 0
    for expected in question.answers:
        marks = [n for n, p in enumerate(answer.citations, 1)
                 if p.source == expected.file and any(on_page(p, page) for page in (expected.page, *expected.also_pages))]
        lines = [line for line in answer.text.splitlines() if states_value(line, expected.figure)]
        if answer.found and any(f"[{n}]" in line for line in lines for n in marks):
            answered += 1
    return UnnamedResult(question.q, question.kind, backend, answered, len(question.answers), answer.found,
                         answer.text)


# -- the alone figures -----------------------------------------------------------------------------
def alone_outcomes(specs: list[DocSpec], folder: Path, settings: Settings, backends: tuple[str, ...],
                   from_json: Path | None = None) -> dict[tuple[str, str, str], str]:
    """(file, question, backend) -> outcome with each document indexed alone: read from a documents evaluation's
    JSON, or measured now (rag.evaluate.documents, its indexes kept under RAG_EVAL_INDEXES)."""
    out = {}
    if from_json is not None:
        data = json.loads(Path(from_json).read_text(encoding="utf-8"))
        for d in data["documents"]:
            for q in d["questions"]:
                for a in q["answers"]:
                    out[(d["file"], q["q"], a["backend"])] = a["outcome"]
        return out
    for spec in specs:
        for q, backend, result in alone_answers(spec, folder, settings, backends):
            out[(spec.file, q.q, backend)] = result
    return out


def alone_answers(spec: DocSpec, folder: Path, settings: Settings, backends: tuple[str, ...]):
    """(question, backend, outcome) with the document indexed alone, as the documents evaluation answers and scores
    them (its index kept under RAG_EVAL_INDEXES), without its retrieval ranks: the 200-deep searches of every
    question cost the 296-page report over 20 minutes on 2 shared cores."""
    path = Path(folder) / spec.file
    if not path.is_file():
        return []
    with alone_eval._workspace(path) as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir(exist_ok=True)
        if not (corpus / path.name).is_file() or (corpus / path.name).read_bytes() != path.read_bytes():
            shutil.copy2(path, corpus / path.name)
        report = Report(corpus, Path(tmp) / "index", settings=settings, auto_rebuild=True)
        answerer = Answerer(report, models=provider(settings))
        file_pages = {d.findings.page_numbers for d in report.documents()} == {"file"}
        return [(q, b, alone_eval._answer(answerer, q, b, file_pages).outcome) for q in spec.questions for b in backends]


# -- the run ---------------------------------------------------------------------------------------
def _shares(answers: list[LibraryAnswer], field: str = "outcome") -> tuple[float, float, float]:
    n = len(answers) or 1
    values = [getattr(a, field) for a in answers]
    return tuple(round(sum(v == o for v in values) / n, 3) for o in (RIGHT, WRONG, REFUSED))


def split_rows(answers: list[LibraryAnswer], backends: tuple[str, ...]) -> list[SplitRow]:
    rows = []
    for backend in backends:
        for split in (*SPLITS, "all"):
            mine = [a for a in answers if a.backend == backend and (split == "all" or a.split == split)]
            if not mine:
                continue
            measured = [a for a in mine if a.alone]
            alone = _shares(measured, "alone") if measured else (None, None, None)
            named = [a for a in mine if a.names_document]
            unnamed = [a for a in mine if not a.names_document]
            rows.append(SplitRow(split, backend, len(mine), alone, _shares(mine), sum(a.cross for a in named),
                                 len(named), sum(a.cross for a in unnamed), len(unnamed)))
    return rows


def target_checks(rows: list[SplitRow], unnamed: list[UnnamedResult]) -> list[tuple[str, float | None, float, bool]]:
    test = {r.backend: r for r in rows if r.split == "test"} or {r.backend: r for r in rows if r.split == "all"}
    checks = []
    for backend, r in test.items():
        gap = None if r.alone[0] is None else round(r.library[0] - r.alone[0], 3)
        checks += [(f"library right − alone right ({backend}, {r.split})", gap, -0.03, True),
                   (f"library wrong ({backend}, {r.split})", r.library[1], 0.03, False)]
    for backend in dict.fromkeys(r.backend for r in rows):
        named = [r for r in rows if r.backend == backend and r.split == "all"]
        if named:
            checks.append((f"cross-document citations, questions naming their document ({backend})",
                           float(named[0].cross_named), 0, False))
    for backend in dict.fromkeys(u.backend for u in unnamed):
        mine = [u for u in unnamed if u.backend == backend]
        checks.append((f"unnamed questions answered per document ({backend})",
                       round(sum(u.right for u in mine) / len(mine), 3), 0.9, True))
    return checks


def run(settings: Settings, folder: Path = REAL_DOCUMENTS, backends: Iterable[str] = (), split: str | None = None,
        library_dir: Path = LIBRARY_DIR, alone_json: Path | None = None, alone: bool = True,
        progress: Callable[[str], None] | None = None, extra: Path | None = None) -> LibraryRun:
    """Every document indexed together (all splits: a library holds them all), the questions of the split asked
    (all when None), each beside its alone outcome, then the unnamed questions. extra: a folder whose PDFs join the
    library as distractors (no questions; bench/bench_library_scale.py's 200 generated documents)."""
    started = time.perf_counter()
    say = progress or (lambda line: None)
    specs = load_documents(folder)
    changed = [s.file for s in specs if sha256_mismatch(s, Path(folder))]
    specs = [s for s in specs if s.file not in changed]
    chosen, _ = alone_eval.usable_backends(settings, backends)
    asked = [s for s in specs if split is None or s.split == split]
    files = library_files(folder, specs, Path(library_dir) / EXTRA, extra)
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    commit = _commit()  # the code that runs: read now, not after a commit made while it ran
    alone_by = {}
    if alone or alone_json:
        for spec in asked if alone_json is None else []:
            alone_by.update(alone_outcomes([spec], Path(folder), settings, chosen))
            say(f"alone: {spec.file}")
        if alone_json is not None:
            alone_by = alone_outcomes(asked, Path(folder), settings, chosen, alone_json)
    with _workspace(files) as workspace:
        report = build(files, Path(workspace), settings)
        answerer = Answerer(report, models=provider(settings))
        say(f"library: {len(files)} documents, {len(report.passages())} passages")
        answers = []
        for spec in asked:
            if not Path(folder, spec.file).is_file():
                continue
            for question in spec.questions:
                for backend in chosen:
                    a = ask_document_question(answerer, report, spec, question, backend)
                    answers.append(dataclasses.replace(a, alone=alone_by.get((spec.file, question.q, backend), "")))
            say(f"{spec.file}: {len(spec.questions)} questions")
        unnamed_path = Path(library_dir) / UNNAMED_FILE
        unnamed = [ask_unnamed(answerer, q, b) for q in (load_unnamed(unnamed_path) if unnamed_path.is_file() else [])
                   for b in chosen]
    rows = split_rows(answers, chosen)
    return LibraryRun(started_at, commit, f"{os.cpu_count()} cores, {platform.machine()}, Python "
                      f"{platform.python_version()}", tuple(s for s, _ in files), chosen, tuple(answers),
                      tuple(unnamed), tuple(rows), tuple(target_checks(rows, unnamed)),
                      round(time.perf_counter() - started, 1))


# -- the report ------------------------------------------------------------------------------------
def _f(value) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def table(result: LibraryRun) -> list[str]:
    lines = ["| split | backend | questions | alone right / wrong / refused | library right / wrong / refused | "
             "cross-document, naming their document | cross-document, naming none |", "|---|---|---|---|---|---|---|"]
    for r in result.rows:
        lines.append(f"| {r.split} | {r.backend} | {r.questions} | {' / '.join(map(_f, r.alone))} | "
                     f"{' / '.join(map(_f, r.library))} | {r.cross_named} of {r.named} | "
                     f"{r.cross_unnamed} of {r.unnamed} |")
    return lines


def check_lines(result: LibraryRun) -> list[str]:
    mark = {True: "met", False: "**MISSED**", None: "not measured"}
    out = []
    for label, value, bound, minimum in result.checks:
        passed = None if value is None else (value >= bound if minimum else value <= bound)
        out.append(f"- {label}: {_f(value)} (target {'≥' if minimum else '≤'} {bound:g}) — {mark[passed]}")
    return out


def markdown(result: LibraryRun) -> str:
    out = [f"# Library evaluation {result.started_at}", "",
           f"{len(result.documents)} documents indexed together · {len(result.answers)} document answers · "
           f"{len(result.unnamed)} unnamed · commit {result.commit or '—'} · {result.machine} · {result.seconds} s", "",
           "## Per split", ""] + table(result) + ["", "## Targets", ""] + check_lines(result)
    out += ["", "## Unnamed questions", "", "| question | kind | backend | documents answered | right |",
            "|---|---|---|---|---|"]
    out += [f"| {u.q} | {u.kind} | {u.backend} | {u.answered} / {u.expected} | {'yes' if u.right else 'no'} |"
            for u in result.unnamed]
    # The test split's failures are counted, never listed: nobody opens them to fix them.
    shown = [a for a in result.answers if a.split != "test" and (a.outcome != RIGHT and a.alone == RIGHT or a.cross
                                                                  and a.names_document)]
    out += ["", f"## Dev questions right alone but not in the library, or citing another document though naming "
                f"their own ({len(shown)})", ""]
    out += [f"- {a.file}: {a.q} — {a.backend}: library {a.outcome}, alone {a.alone or '—'}"
            f"{', cites another document' if a.cross else ''}" for a in shown] or ["- none"]
    return "\n".join(out) + "\n"


def write(result: LibraryRun, results_dir: Path) -> tuple[Path, Path]:
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.strptime(result.started_at, "%Y-%m-%dT%H:%M:%SZ"))
    json_path, md_path = results_dir / f"{stamp}-library.json", results_dir / f"{stamp}-library.md"
    json_path.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    md_path.write_text(markdown(result), encoding="utf-8")
    return json_path, md_path
