"""Levers on the local model's answer time, each measured on the same single-fact questions: prompt tokens per
question (only the passages extraction quotes, three whole passages, or passages cut to the sentences that match),
the prompt cache and the prompt states kept across requests, context size, threads and batch — seconds to the first
checked sentence and to the whole answer, and how many are right."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import default_report  # noqa: E402
from rag.answer import prompts  # noqa: E402
from rag.answer.answerer import Answerer  # noqa: E402
from rag.answer.types import Sentence  # noqa: E402
from rag.evaluate.metrics import load_questions  # noqa: E402
from rag.evaluate.scoring import RIGHT, score  # noqa: E402
from rag.llm.local import KEPT_STATES, LocalLlama  # noqa: E402
from rag.llm.model_file import assemble  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Lever:
    name: str
    cap: int = 0  # answer_passage_tokens
    passages: int = 3  # answer_passages
    n_ctx: int = 4096
    threads: int = 2
    n_batch: int = 512
    cold: bool = False  # forget the cached prompt before each question
    english: bool = False  # the English questions of the evaluation instead of the Chinese single-fact ones
    full_source_lines: bool = False  # each passage headed by its whole citation (the default prompt)
    states: int = KEPT_STATES  # prompt states kept across calls (LocalLlama.kept_states)
    quoted_only: float = 0.0  # answer_quoted_only


LEVERS = {lever.name: lever for lever in (
    Lever("three passages, whole citations", full_source_lines=True),
    Lever("quoted passages only (default)", full_source_lines=True, quoted_only=0.5),
    Lever("short source lines"),
    Lever("short lines, passages cut to 60", cap=60),
    Lever("short lines, 2 passages", passages=2),
    Lever("short lines, rules not cached", cold=True),
    Lever("short lines, n_ctx 2048", n_ctx=2048),
    Lever("short lines, n_batch 128", n_batch=128),
    Lever("short lines, 1 thread", threads=1),
    Lever("English, three passages", english=True, full_source_lines=True),
    Lever("English, three passages, no prompt states kept", english=True, full_source_lines=True, states=0),
    Lever("English, quoted passages only (default)", english=True, full_source_lines=True, quoted_only=0.5),
)}


def measure(answerer: Answerer, llm: LocalLlama, question, cold: bool) -> dict:
    if cold:
        llm.reset_cache()
    started = time.perf_counter()
    first = None
    stream = answerer.stream(question.question, backend="local")
    for event in stream.events():
        if first is None and isinstance(event, Sentence):
            first = time.perf_counter() - started
    answer = stream.answer
    total = time.perf_counter() - started
    snapshot = answerer.source.retriever()
    req = answerer.request(question.question, backend="local")
    tokens = answerer.fit(llm, question.question,
                          answerer.model_passages(snapshot, req, answerer.passages(snapshot, req))).tokens
    return {"id": question.id, "first_s": round(first if first is not None else total, 2), "answer_s": round(total, 2),
            "prompt_tokens": tokens, "right": score(question, answer).outcome == RIGHT, "backend": answer.backend}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levers", nargs="*", default=list(LEVERS), help="which levers (default: all)")
    parser.add_argument("--questions", type=int, default=8, help="single-fact questions of eval/questions.jsonl")
    args = parser.parse_args()
    report = default_report()
    # The figures table would answer most of these in milliseconds: turned off, every question reaches the model.
    settings = dataclasses.replace(report.settings, answer_from_figures=False)
    everything = load_questions(ROOT / "eval" / "questions.jsonl")
    results = {}
    for name in args.levers:
        lever = LEVERS[name]
        questions = [q for q in everything if q.type == ("english" if lever.english else "figure")
                     and not q.history][:args.questions]
        prompts.SHORT_SOURCES = not lever.full_source_lines
        llm = LocalLlama(assemble(), n_ctx=lever.n_ctx, n_threads=lever.threads, n_batch=lever.n_batch,
                         kept_states=lever.states)
        answerer = Answerer(report, models=lambda backend: llm,
                            settings=dataclasses.replace(settings, answer_passage_tokens=lever.cap,
                                                             answer_passages=lever.passages,
                                                             answer_quoted_only=lever.quoted_only))
        measure(answerer, llm, questions[-1], False)  # the rules' prompt cached, as in a running server
        rows = [measure(answerer, llm, q, lever.cold) for q in questions]
        llm.close()
        results[name] = {
            "lever": dataclasses.asdict(lever),
            "first_sentence_s_p50": statistics.median(r["first_s"] for r in rows),
            "answer_s_p50": statistics.median(r["answer_s"] for r in rows),
            "prompt_tokens_p50": statistics.median(r["prompt_tokens"] for r in rows),
            "right": sum(r["right"] for r in rows), "questions": len(rows),
            "by_model": sum(r["backend"] == "local" for r in rows), "rows": rows,
        }
        print(f"{name:28} first {results[name]['first_sentence_s_p50']:5.2f} s  whole {results[name]['answer_s_p50']:5.2f} s"
              f"  prompt {results[name]['prompt_tokens_p50']:5.0f} tok  right {results[name]['right']}/{len(rows)}"
              f"  by model {results[name]['by_model']}", flush=True)
    load = os.getloadavg()[0]
    out = ROOT / "bench" / "results" / "levers.json"
    earlier = json.loads(out.read_text(encoding="utf-8"))["levers"] if out.exists() else {}
    out.write_text(json.dumps({"machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
                               "load_after": round(load, 2), "levers": {**earlier, **results}},
                              ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
