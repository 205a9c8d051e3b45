"""Answer benchmark: speed and memory of the local model end to end, and extractive latency.
How often each backend is right is measured by `python -m rag eval` (eval/README.md)."""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Answerer, answerer as make_answerer, default_report  # noqa: E402
from rag.evaluate.metrics import load_questions  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# Distinct single-fact questions: each meets a prompt the model's cache has not seen (only the rules are shared).
TYPICAL = ["常州联合体每年的日常运行经费是多少？", "联合体面向企业提供了多少个培训项目？", "毕业生留在本地就业的比例是多少？",
           "获得了多少项江苏省科学技术奖？", "新能源人才供需洽谈会开了多少场？", "有多少名院校教师受聘为企业工程师？"]


def timed(answerer: Answerer, question: str, backend: str, history=None):
    started = time.perf_counter()
    first = None
    stream = answerer.stream(question, history=history, backend=backend)
    for _ in stream:
        if first is None:
            first = time.perf_counter() - started
    final = stream.answer
    if first is None:  # a refusal streams no text: its first word is the whole answer
        first = time.perf_counter() - started
    return first, time.perf_counter() - started, final


def main() -> None:
    answerer = make_answerer(default_report())
    questions = [q for q in load_questions(ROOT / "eval" / "questions.jsonl") if q.type != "structure"]
    timed(answerer, TYPICAL[0], "extractive")  # opens the index
    extractive_ms = [timed(answerer, q.question, "extractive")[1] * 1000 for _ in range(RUNS) for q in questions]

    local = {"first_piece_s": [], "answer_s": [], "first_piece_new_context_s": []}
    timed(answerer, "预热：联合体是什么？", "local")  # loads the model once, as the web app does at start-up
    for question in TYPICAL:
        first, total, answer = timed(answerer, question, "local")
        local["first_piece_s"].append(first)
        local["answer_s"].append(total)
    figures = {
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "extractive_ms_p50": round(statistics.median(extractive_ms), 1),
        "extractive_ms_p95": round(sorted(extractive_ms)[int(0.95 * (len(extractive_ms) - 1))], 1),
        "local_first_piece_s_median": round(statistics.median(local["first_piece_s"]), 2),
        "local_first_piece_s_max": round(max(local["first_piece_s"]), 2),
        "local_answer_s_median": round(statistics.median(local["answer_s"]), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "answer.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
