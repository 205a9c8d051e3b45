"""Embedding engines side by side on the same passages: one process, embed_workers processes, a local Ray Data job.

    .venv/bin/python bench/bench_embed_engines.py                  # 400 passages, median of 3 runs (BENCH_RUNS)
    .venv/bin/python bench/bench_embed_engines.py --passages 256   # a quicker look

The passages are those of the generated annual report of bench/bench_ingest.py (its make_report, reportlab, in a
temporary folder), the first --passages of them, embedded as an index build embeds them (embed_text, embed_batch).
Engines: "plain" (rag.index.embed.embed_batches with 1 worker: this process), "workers" (embed_batches with 2 spawned
processes, the default build on 2 cores), "ray" (rag.index.embed_job.embed: a local Ray started for the job, an actor
pool of 2 at 0.5 CPU each, shut down after; what `python -m rag index --engine ray` pays) and "ray, warm" (the same
job on a Ray already running: what a job on a standing cluster pays). Time is wall-clock per run; memory is the peak,
over the run, of the whole process tree (this process and every descendant: worker processes, Ray's GCS, raylet and
actors), sampled every 0.25 s from /proc: the sum of RSS (counts shared pages once per process: an upper bound) and the sum of
PSS (shared pages split among their users: the fair total). The load average before and after is recorded: the CPU
is shared. Figures go to bench/results/embed_engines.json; the last lines printed are the docs/scaling.md table rows.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from bench_ingest import make_report  # noqa: E402

from rag.config import load_settings  # noqa: E402
from rag.index import embed_job  # noqa: E402
from rag.index.artefacts import embed_text, text_hash  # noqa: E402
from rag.index.embed import embed_batches, make_embedder  # noqa: E402
from rag.ingest.pipeline import ingest  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PASSAGES_PER_PAGE = 10  # the generated report: 1984 passages from 200 pages


def _descendants(root: int) -> list[int]:
    """root and every process below it, from the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_pss(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of one process, in bytes (0, 0 when it is gone)."""
    sizes = {"Rss": 0, "Pss": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in sizes:
                    sizes[name] = int(value.split()[0]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        return 0, 0
    return sizes["Rss"], sizes["Pss"]


class TreeMemory:
    """Peak summed RSS and PSS of this process and all its descendants, sampled in a thread while in use."""

    def __init__(self, every_s: float = 0.25):
        self.every_s, self.peak_rss, self.peak_pss, self.most_processes = every_s, 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            processes = _descendants(os.getpid())
            sizes = [_rss_pss(pid) for pid in processes]
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in sizes))
            self.peak_pss = max(self.peak_pss, sum(p for _, p in sizes))
            self.most_processes = max(self.most_processes, sum(1 for r, _ in sizes if r))
            self._stop.wait(self.every_s)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _passages(count: int, folder: Path) -> list:
    pages = max(4, count // PASSAGES_PER_PAGE + 3)
    while True:  # a short report has fewer passages per page (cover, section openings): made longer until enough
        make_report(folder / "annual-report-2024.pdf", pages)
        passages = list(ingest(folder, load_settings().chunk_max_chars).passages)
        if len(passages) >= count:
            return passages[:count]
        pages = int(pages * count / max(1, len(passages))) + 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=400)
    args = parser.parse_args()
    settings = load_settings()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="rag-bench-engines-") as tmp:
        passages = _passages(args.passages, Path(tmp))
    embedder = make_embedder(settings.embed_backend, settings.embed_model)
    texts = [embed_text(p) for p in passages]
    todo = {text_hash(p): t for p, t in zip(passages, texts)}
    batch = settings.embed_batch
    batches = [texts[i:i + batch] for i in range(0, len(texts), batch)]

    def local(workers: int) -> np.ndarray:
        return np.concatenate(list(embed_batches(embedder, batches, workers)))

    def ray_job() -> np.ndarray:
        found, sent = embed_job.embed(embedder, todo, batch=batch, actors=2)
        assert sent == len(todo)
        return np.stack([found[h] for h in todo])

    import ray

    def warm_job() -> np.ndarray:  # on a Ray started here as embed_job starts it, and left up through the job
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                 object_store_memory=embed_job.LOCAL_OBJECT_STORE, _node_ip_address="127.0.0.1")
        try:
            ray.get(ray.remote(lambda: None).remote())  # Ray is up and takes work before the clock starts
            return timed(ray_job)
        finally:
            ray.shutdown()

    engines = {"plain": lambda: timed(lambda: local(1)), "workers": lambda: timed(lambda: local(2)),
               "ray": lambda: timed(ray_job), "ray, warm": warm_job}
    runs: dict[str, list[tuple[float, int, int, int, float]]] = {name: [] for name in engines}
    clock: dict[str, float] = {}
    reference = None

    def timed(run) -> np.ndarray:
        started = time.perf_counter()
        vectors = run()
        clock["seconds"] = time.perf_counter() - started
        return vectors

    # Round-robin (each round runs every engine once), so that a change in the shared machine's load falls on all.
    for _ in range(RUNS):
        for name, run in engines.items():
            with TreeMemory() as memory:
                vectors = run()
            runs[name].append((clock["seconds"], memory.peak_rss, memory.peak_pss, memory.most_processes,
                               os.getloadavg()[0]))
            reference = vectors if reference is None else reference
            cosine = float((reference * vectors).sum(axis=1).min())
            print(f"{name}: {clock['seconds']:.1f} s, tree RSS {memory.peak_rss / 2**20:.0f} MB, PSS "
                  f"{memory.peak_pss / 2**20:.0f} MB, {memory.most_processes} processes, min cosine to plain "
                  f"{cosine:.6f}, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    figures: dict[str, dict] = {}
    for name, rows in runs.items():
        seconds = [r[0] for r in rows]
        median = statistics.median(seconds)
        figures[name] = {"seconds": [round(s, 2) for s in seconds], "seconds_median": round(median, 2),
                         "passages_per_s": round(len(texts) / median, 2),
                         "peak_tree_rss_mb": round(max(r[1] for r in rows) / 2**20),
                         "peak_tree_pss_mb": round(max(r[2] for r in rows) / 2**20),
                         "processes": max(r[3] for r in rows), "load_1min_after_each": [round(r[4], 2) for r in rows]}
    if ray.is_initialized():
        ray.shutdown()
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, {memory_gb:.0f} GB, Python {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "niceness": os.nice(0), "runs": RUNS, "passages": len(texts), "embed_batch": batch, "model": embedder.name,
        "embedder": type(embedder).__name__,
        "mean_passage_chars": round(sum(map(len, texts)) / len(texts), 1), "ray": ray.__version__,
        "ray_actors": 2, "ray_actor_cpus": embed_job.LOCAL_ACTOR_CPUS,
        "min_cosine_to_plain": round(cosine, 6), "engines": figures,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "embed_engines.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    for name, f in figures.items():
        print(f"| {name} | {f['passages_per_s']} | {f['seconds_median']} s ({', '.join(map(str, f['seconds']))}) | "
              f"{f['peak_tree_rss_mb']} MB | {f['peak_tree_pss_mb']} MB | {f['processes']} |")


if __name__ == "__main__":
    main()
