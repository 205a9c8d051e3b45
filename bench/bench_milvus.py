"""Milvus (milvus-lite, in this process) against FAISS on the corpus: full build time, the switch of a built
index (vectors reused), search latency (whole search, and the ranking step alone), what one opened version keeps
in memory. Median of BENCH_RUNS (5) runs; figures written to bench/results/milvus.json."""
from __future__ import annotations

import dataclasses
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag import Report  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.evaluate.metrics import load_questions  # noqa: E402
from rag.index import artefacts  # noqa: E402
from rag.index.artefacts import FACETS, FIGURES, RowFilter  # noqa: E402
from rag.index.manifest import MANIFEST  # noqa: E402
from rag.index.versions import current_version  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
STORES = ("faiss", "milvus")


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def settings_for(store: str, tmp: Path):
    return dataclasses.replace(load_settings(), vector_store=store, milvus_uri=str(tmp / "milvus.db"))


def kept_in_memory(report: Report) -> dict:
    """Bytes Python allocates to open one version (tracemalloc), and the files it reads from the version folder."""
    version = current_version(report.settings.index_dir)
    tracemalloc.start()
    index = artefacts.load(version, report.address)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    files = {p.name: p.stat().st_size for p in version.iterdir() if p.is_file()}
    files |= {f"{p.name}/": sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) for p in version.iterdir() if p.is_dir()}
    del index
    return {"python_bytes_on_load": size, "version_folder_files": files,
            "derived_data_bytes (facets + figures + manifest)": sum(files.get(n, 0) for n in (FACETS, FIGURES, MANIFEST))}


def main() -> None:
    corpus = ROOT / "corpus"
    questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl") if not q.history]
    figures: dict = {"machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
                     "runs": RUNS, "questions": len(questions), "date": time.strftime("%Y-%m-%d"),
                     "load_average_at_start": [round(x, 1) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for store in STORES:
            builds, passages = [], 0
            for i in range(RUNS):
                report = Report(corpus, tmp / f"{store}-{i}", settings=settings_for(store, tmp), auto_rebuild=False)
                started = time.perf_counter()
                passages = report.build().passages
                builds.append(time.perf_counter() - started)
            # The switch of a built FAISS index to this store: no embedding, only the store's own writes.
            switches = []
            for i in range(RUNS):
                target = tmp / f"switch-{store}-{i}"
                shutil.copytree(tmp / "faiss-0", target)
                report = Report(corpus, target, settings=settings_for(store, tmp), auto_rebuild=False)
                started = time.perf_counter()
                built = report.build()
                switches.append(time.perf_counter() - started)
                assert built.embedded == 0
            report = Report(corpus, tmp / f"{store}-0", settings=settings_for(store, tmp), auto_rebuild=False)
            started = time.perf_counter()
            snapshot = report.retriever()
            opened = time.perf_counter() - started
            report.search("预热")
            vectors = {q: snapshot.embedder.query(q) for q in questions}
            whole, ranking = [], []
            for _ in range(RUNS):
                run_whole, run_ranking = [], []
                for q in questions:
                    started = time.perf_counter()
                    report.search(q, k=5)
                    run_whole.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()  # dense + BM25 + fusion (+ filters), the question already embedded
                    snapshot.ranking.candidates(q, vectors[q], snapshot.candidates, RowFilter(), "hybrid")
                    run_ranking.append((time.perf_counter() - started) * 1000)
                whole.append(run_whole)
                ranking.append(run_ranking)
            figures[store] = {
                "passages": passages,
                "build_seconds_median": round(statistics.median(builds), 2),
                "build_seconds": [round(b, 2) for b in builds],
                "switch_from_faiss_seconds_median (vectors reused)": round(statistics.median(switches), 2),
                "open_seconds": round(opened, 3),
                "search_ms_p50 (median of runs)": round(statistics.median(percentile(r, 0.5) for r in whole), 2),
                "search_ms_p95 (median of runs)": round(statistics.median(percentile(r, 0.95) for r in whole), 2),
                "ranking_ms_p50 (question embedded)": round(statistics.median(percentile(r, 0.5) for r in ranking), 2),
                "ranking_ms_p95 (question embedded)": round(statistics.median(percentile(r, 0.95) for r in ranking), 2),
                "memory": kept_in_memory(report),
            }
            print(store, json.dumps(figures[store], ensure_ascii=False), flush=True)
    out = ROOT / "bench" / "results" / "milvus.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
