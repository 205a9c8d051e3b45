"""The evaluation run: retrieval per retriever and answers per backend on eval/questions.jsonl."""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable

from rag.answer import followup
from rag.answer.answerer import Answerer
from rag.answer.english import in_english
from rag.answer.types import Answer
from rag.llm.backends import chat_model, provider
from rag.config import BACKENDS, CONTENTS, FIGURES, PROJECT_ROOT
from rag.errors import LLMError
from rag.evaluate.metrics import Question, evidence_rank, summarise
from rag.report import Report
from rag.retrieve.figures import asked_unit
from rag.retrieve.query import asks_quantity
from rag.text.english import asked_unit as english_unit
from rag.text.figures import QUANTITY, answers_kind, extract_figures
from rag.text.language import is_english
from rag.evaluate.scoring import (ANSWERED_UNCOVERED, FALSE_REFUSAL, OUTCOMES, REFUSED, RIGHT, WRONG_CITATION,
                      WRONG_ITEMS, score)

MODES = ("bm25", "dense", "hybrid")
RETRIEVAL_K = 5


def retrieval_query(question: Question) -> str:
    """What retrieval alone is given: a follow-up takes its subject from the previous turn, as without a model."""
    return followup.without_model(question.question, list(question.history))


def _by_type(rows: list[dict], compute: Callable[[list[dict]], dict]) -> dict:
    types = sorted({r["type"] for r in rows})
    return {"overall": compute(rows)} | {t: compute([r for r in rows if r["type"] == t]) for t in types}


def evaluate_retrieval(report: Report, questions: Iterable[Question], modes=MODES) -> dict:
    """hit@1, hit@5 and MRR of the evidence span, per retriever, overall and per question type."""
    answerable = [q for q in questions if q.evidence]
    out = {}
    for mode in modes:
        rows = []
        for q in answerable:
            hits = report.search(retrieval_query(q), k=RETRIEVAL_K, mode=mode)
            rows.append({"id": q.id, "type": q.type, "rank": evidence_rank([h.passage for h in hits], q.evidence)})
        out[mode] = _by_type(rows, lambda rs: summarise([r["rank"] for r in rs]))
        out[mode]["questions"] = {r["id"]: r["rank"] for r in rows}
    return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def answer_metrics(rows: list[dict]) -> dict:
    """Accuracy of required items, cited evidence, refusals, grounding and latency over scored rows."""
    counts = {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES}
    answerable = len(rows) - counts[REFUSED] - counts[ANSWERED_UNCOVERED]
    uncovered = counts[REFUSED] + counts[ANSWERED_UNCOVERED]
    answered = counts[RIGHT] + counts[WRONG_ITEMS] + counts[WRONG_CITATION]
    figures = sum(r["figures"] for r in rows)
    latencies = [r["seconds"] for r in rows]

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    return {
        "n": len(rows),
        **counts,
        "accuracy": share(counts[RIGHT] + counts[WRONG_CITATION], answerable),
        "right": share(counts[RIGHT], answerable),
        "citation_accuracy": share(sum(bool(r["evidence_cited"]) for r in rows), answered),
        "refusal_accuracy": share(counts[REFUSED], uncovered),
        "false_refusal_rate": share(counts[FALSE_REFUSAL], answerable),
        # Wrong, apart from refusals: a figure that is not the asked one, a page that does not print it, or an answer
        # to a question the report does not cover. The worst failure for an official, so bounded on its own.
        "wrong": share(counts[WRONG_ITEMS] + counts[WRONG_CITATION] + counts[ANSWERED_UNCOVERED], len(rows)),
        "refused": share(counts[FALSE_REFUSAL] + counts[REFUSED], len(rows)),
        "grounding": share(sum(r["grounded"] for r in rows), figures) if figures else 1.0,
        "figures": figures,
        "fallbacks": sum(r["backend_used"] not in (r["backend"], FIGURES, CONTENTS) for r in rows),
        "from_table": share(sum(r["backend_used"] == FIGURES for r in rows), len(rows)),
        "table_latency_p50_s": (round(statistics.median(table), 3)
                                if (table := [r["seconds"] for r in rows if r["backend_used"] == FIGURES]) else None),
        # English questions: the answer's own words English; every question asking a kind of thing: a figure of it.
        "in_english": share(sum(r["in_english"] is True for r in rows), sum(r["in_english"] is not None for r in rows)),
        "unit_matches": share(sum(r["unit_matches"] is True for r in rows),
                              sum(r["unit_matches"] is not None for r in rows)),
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p95_s": round(_percentile(latencies, 0.95), 3) if latencies else None,
    }


def answer_row(question: Question, answer: Answer, backend: str, seconds: float) -> dict:
    """One question's outcome, with what a maintainer needs to see why it failed."""
    s = score(question, answer)
    return {
        "id": question.id, "type": question.type, "question": question.question,
        "history": [list(turn) for turn in question.history], "backend": backend,
        "expected": [list(item) for item in question.answer], "evidence": list(question.evidence),
        "outcome": s.outcome, "missing": list(s.missing), "evidence_cited": s.evidence_cited,
        "figures": s.figures, "grounded": s.grounded, "seconds": round(seconds, 3),
        "found": answer.found, "answer": answer.text, "backend_used": answer.backend, "notice": answer.notice,
        "cited": [p.citation for p in answer.citations],
        "in_english": in_english(answer.text, answer.citations) if is_english(question.question) and answer.found
        else None,
        "unit_matches": unit_matches(question.question, answer.text) if answer.found else None,
    }


def unit_matches(question: str, text: str) -> bool | None:
    """A figure in the answer is of the kind asked (enterprises → 家); None when the question asks no kind."""
    unit = english_unit(question) if is_english(question) else (asked_unit(question) if asks_quantity(question)
                                                                 else None)
    if unit is None:
        return None
    return any(answers_kind(f.unit, unit) for f in extract_figures(text) if f.kind == QUANTITY)


def evaluate_answers(answerer: Answerer, questions: Iterable[Question], backend: str,
                     progress: Callable[[str], None] | None = None) -> dict:
    rows = []
    for q in questions:
        started = time.perf_counter()
        answer = answerer.ask(q.question, history=[list(t) for t in q.history] or None, backend=backend)
        rows.append(answer_row(q, answer, backend, time.perf_counter() - started))
        if progress:
            progress(f"{backend} {len(rows)} {q.id} {rows[-1]['outcome']}")
    return _by_type(rows, answer_metrics) | {"questions": rows}


def available_backends(report: Report, quick: bool) -> tuple[list[str], dict[str, str]]:
    """Backends to evaluate and why the others are left out: extractive always; local when its model
    loads; openai when an endpoint is configured. --quick evaluates extractive only."""
    chosen, skipped = ["extractive"], {}
    for backend in ("local", "openai"):
        if quick:
            skipped[backend] = "--quick"
            continue
        if backend == "openai" and not report.settings.openai_base_url:
            skipped[backend] = "未配置 openai_base_url（not configured）"
            continue
        try:
            chat_model(report.settings, backend)
            chosen.append(backend)
        except LLMError as err:
            skipped[backend] = str(err)
    return chosen, skipped


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def run(report: Report, questions: list[Question], backends: list[str] | None = None, quick: bool = False,
        progress: Callable[[str], None] | None = None) -> dict:
    """The whole evaluation as one JSON-serialisable dict (see eval/README.md for each metric)."""
    started = time.perf_counter()
    manifest = report.manifest()  # refuses a stale index (Report opened with auto_rebuild=False)
    if backends is None:
        backends, skipped = available_backends(report, quick)
    else:
        unknown = [b for b in backends if b not in BACKENDS]
        if unknown:
            raise ValueError(f"unknown backend {unknown[0]!r}")
        skipped = {}
    answerer = Answerer(report, models=provider(report.settings))
    results = {
        "kind": "quick" if quick else "full",
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": _commit(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "index": {"corpus_hash": manifest.corpus_hash, "passages": manifest.passages,
                  "embedding": manifest.embedding.name, "chunker_version": manifest.chunker_version,
                  "chunk_max_chars": manifest.chunk_max_chars, "built_at": manifest.built_at},
        "settings": {"answer_passages": report.settings.answer_passages,
                     "llm_model_path": report.settings.llm_model_path or "bundled Qwen2.5-Coder-1.5B Q4_K_M"},
        "questions": len(questions),
        "retrieval": evaluate_retrieval(report, questions),
        "answers": {b: evaluate_answers(answerer, questions, b, progress) for b in backends},
        "skipped_backends": skipped,
    }
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results
