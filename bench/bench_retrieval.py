"""Retrieval benchmark: index build, cold start, warm latency (quality: python -m rag eval --quick)."""
from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Report  # noqa: E402
from rag.evaluate.metrics import load_questions  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COLD = "import time,sys; t=time.perf_counter(); import rag; r=rag.Report(sys.argv[1], sys.argv[2], auto_rebuild=False); r.search('常州联合体每年的日常运行经费是多少？'); print(time.perf_counter()-t)"


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    corpus = ROOT / "corpus"
    questions = [q for q in load_questions(ROOT / "eval" / "questions.jsonl") if q.evidence and not q.history]
    with tempfile.TemporaryDirectory() as tmp:
        builds = []
        for i in range(RUNS):
            report = Report(corpus, Path(tmp) / f"index{i}", auto_rebuild=False)
            started = time.perf_counter()
            result = report.build()
            builds.append(time.perf_counter() - started)
        index_dir = Path(tmp) / "index0"

        cold_process, cold_in_process = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", COLD, str(corpus), str(index_dir)], cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            cold_process.append(time.perf_counter() - started)
            cold_in_process.append(float(out.stdout.strip().splitlines()[-1]))

        report = Report(corpus, index_dir, auto_rebuild=False)
        report.search("预热")  # load once: warm latency excludes opening the index
        latencies = []
        for _ in range(RUNS):
            for q in questions:
                started = time.perf_counter()
                report.search(q.question, k=5)
                latencies.append((time.perf_counter() - started) * 1000)

    figures = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "passages": result.passages,
        "model": result.model,
        "runs": RUNS,
        "questions": len(questions),
        "build_s_median": round(statistics.median(builds), 2),
        "cold_start_process_s_median": round(statistics.median(cold_process), 2),
        "cold_start_in_process_s_median": round(statistics.median(cold_in_process), 2),
        "warm_search_ms_p50": round(percentile(latencies, 0.5), 1),
        "warm_search_ms_p95": round(percentile(latencies, 0.95), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "retrieval.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
