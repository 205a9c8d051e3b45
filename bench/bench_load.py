"""Load test of the running web app through its /ask API, loopback only, bounded in time and requests.

python bench/bench_load.py [--backend extractive] [--clients 20] [--seconds 60] [--max-requests 5000]

Starts app.py on a free 127.0.0.1 port, runs N client threads (gradio_client) asking a mix of the
evaluation's questions until the time is up, samples the server's memory every second, and reports
completed requests, errors, p50/p95 latency and memory over time (bench/results/load-<backend>.json).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.evaluate.metrics import load_questions  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_app(backend: str, port: int, log: Path) -> tuple[subprocess.Popen, float]:
    started = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--backend", backend],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                if resp.status == 200:
                    return proc, time.perf_counter() - started
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("app.py did not answer within 300 s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="extractive", choices=("extractive", "local"))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=5000)
    args = parser.parse_args()

    from gradio_client import Client

    questions = [q for q in load_questions(ROOT / "eval" / "questions.jsonl") if not q.history]
    port = free_port()
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    proc, ready_s = start_app(args.backend, port, out_dir / f"load-{args.backend}.log")
    url = f"http://127.0.0.1:{port}/"
    latencies, errors, memory = [], [], []
    lock, stop = threading.Lock(), threading.Event()
    issued = iter(range(args.max_requests))

    def client(n: int) -> None:
        api = Client(url, verbose=False)
        while not stop.is_set():
            with lock:
                i = next(issued, None)
            if i is None:
                return
            q = questions[(n * 7 + i) % len(questions)]
            started = time.perf_counter()
            try:
                result = api.predict(q.question, [], args.backend, "", "", api_name="/ask")
                if not isinstance(result, dict) or "found" not in result:
                    raise ValueError(f"unexpected reply {str(result)[:200]}")
                with lock:
                    latencies.append(time.perf_counter() - started)
            except Exception as err:  # every failure is counted and shown: the figure must be 0
                with lock:
                    errors.append(f"{q.id}: {type(err).__name__}: {str(err)[:200]}")

    def sample() -> None:
        t0 = time.monotonic()
        while not stop.is_set():
            memory.append((round(time.monotonic() - t0, 1), round(rss_mb(proc.pid), 1)))
            time.sleep(1)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    sampler = threading.Thread(target=sample)
    started = time.perf_counter()
    try:
        sampler.start()
        for t in threads:
            t.start()
        timer = threading.Timer(args.seconds, stop.set)
        timer.start()
        for t in threads:
            t.join()  # a request under way is finished, so the run ends a little after --seconds
        stop.set()
        timer.cancel()
        sampler.join()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    wall = time.perf_counter() - started
    quarter = max(1, len(memory) // 4)
    figures = {
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "backend": args.backend, "clients": args.clients, "seconds": round(wall, 1),
        "page_ready_s": round(ready_s, 1),
        "completed": len(latencies), "errors": len(errors), "error_samples": errors[:5],
        "throughput_per_s": round(len(latencies) / wall, 2),
        "latency_s_p50": round(percentile(latencies, 0.5), 3),
        "latency_s_p95": round(percentile(latencies, 0.95), 3),
        "latency_s_max": round(max(latencies, default=0), 3),
        "rss_mb_first_quarter_max": max((m for _, m in memory[:quarter]), default=0),
        "rss_mb_last_quarter_max": max((m for _, m in memory[-quarter:]), default=0),
        "rss_mb_peak": max((m for _, m in memory), default=0),
        "memory_samples": memory,
    }
    (out_dir / f"load-{args.backend}.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1),
                                                      encoding="utf-8")
    print(json.dumps({k: v for k, v in figures.items() if k != "memory_samples"}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
