"""Web chat benchmark with the local model: page ready after start-up, first streamed characters, 5 users at once."""
from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradio_client import Client  # noqa: E402

STARTS = int(os.environ.get("BENCH_STARTS", "3"))
ROUNDS = int(os.environ.get("BENCH_CONCURRENT_ROUNDS", "2"))
BACKEND = os.environ.get("BENCH_BACKEND", "local")
# The figures table answers these figures in milliseconds, without the model; off (by default) the model's path is what
# is measured, as the passages-only questions an official also asks would take it.
TABLE = os.environ.get("BENCH_TABLE", "0")
# Distinct single-fact questions, as in bench_answer.py: each meets a prompt llama.cpp has not cached.
FIRST = ["常州联合体每年的日常运行经费是多少？", "联合体面向企业提供了多少个培训项目？", "毕业生留在本地就业的比例是多少？",
         "获得了多少项江苏省科学技术奖？", "新能源人才供需洽谈会开了多少场？", "有多少名院校教师受聘为企业工程师？"]
USERS = ["常州联合体新增了多少个专业？", "常州新能源产教联合体由哪两家单位牵头？", "联合体累计培训在岗人员多少人次？",
         "技术合同登记额是多少？", "有多少名企业技术骨干担任院校兼职教师？"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(log_dir: Path) -> tuple[subprocess.Popen, str, float]:
    """app.py as a user starts it; seconds from launching the process to the page answering HTTP 200."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = open(log_dir / f"app-{port}.log", "wb")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--backend", BACKEND,
                             "--feedback", str(log_dir / "feedback.jsonl")], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, env=os.environ | {"RAG_ANSWER_FROM_FIGURES": TABLE})
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited {proc.returncode}; see {log.name}")
        try:
            with urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return proc, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def timed_ask(url: str, question: str, barrier: threading.Barrier | None = None) -> dict:
    """Submit through /ask (the same stream the page shows): seconds to the passages found, to the first text
    (the quoted extract, or a sentence), to the model's first checked sentence, and to the whole answer."""
    client = Client(url, verbose=False)
    if barrier is not None:
        barrier.wait()
    started = time.perf_counter()
    sources = text = sentence = None
    final = None
    for output in client.submit(question, api_name="/ask"):
        now = time.perf_counter() - started
        stage = output.get("stage")
        if sources is None and stage == "sources":
            sources = now
        if text is None and (stage == "provisional" or output.get("text")):
            text = now
        if sentence is None and stage == "sentence":
            sentence = now
        final = output
    total = time.perf_counter() - started
    answered = bool(final) and final.get("partial") is False
    return {"question": question, "sources_s": round(sources or total, 2), "first_text_s": round(text or total, 2),
            "first_chars_s": round(sentence or total, 2), "total_s": round(total, 2),
            "answered": answered, "found": bool(final and final.get("found")),
            "backend": final.get("backend") if final else None, "text": (final or {}).get("text", "")[:80]}


def concurrent_round(url: str) -> list[dict]:
    barrier = threading.Barrier(len(USERS))
    results: list[dict | None] = [None] * len(USERS)

    def user(i: int) -> None:
        try:
            results[i] = timed_ask(url, USERS[i], barrier)
        except Exception as err:  # a lost request is a result to report, not a crash
            results[i] = {"question": USERS[i], "answered": False, "error": f"{type(err).__name__}: {err}"}

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(USERS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    from rag import default_report

    default_report().manifest()  # an index rebuilt now is not counted as start-up time
    load_before = os.getloadavg()
    logs = Path(tempfile.mkdtemp(prefix="bench-web-"))
    ready = []
    for i in range(STARTS):
        proc, url, seconds = start(logs)
        ready.append(round(seconds, 2))
        if i < STARTS - 1:
            stop(proc)
    try:
        first = [timed_ask(url, q) for q in FIRST]
        rounds = [concurrent_round(url) for _ in range(ROUNDS)]
    finally:
        stop(proc)
    firsts = [r["first_chars_s"] for r in first]
    waits = [sorted(r.get("total_s", float("inf")) for r in rnd) for rnd in rounds]
    texts = [sorted(r.get("first_text_s", float("inf")) for r in rnd) for rnd in rounds]
    figures = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "backend": BACKEND,
        "figures_table": TABLE == "1",
        # The machine is shared: a load average above ~0.5 before the run means another process competed.
        "load_average_1_5_15_before": [round(x, 2) for x in load_before],
        "load_average_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
        "page_ready_s": ready,
        "page_ready_s_median": statistics.median(ready),
        "first_chars_s": firsts,
        "first_chars_s_median": round(statistics.median(firsts), 2),
        "first_chars_s_max": max(firsts),
        "first_questions": first,
        "concurrent_users": len(USERS),
        "concurrent_all_answered": all(r.get("answered") for rnd in rounds for r in rnd),
        "concurrent_lost": sum(not r.get("answered") for rnd in rounds for r in rnd),
        # Seconds from submitting to the whole answer, sorted: with one model, each user waits for those before.
        "concurrent_total_s_sorted": waits,
        "concurrent_total_s_median_by_rank": [round(statistics.median(col), 2) for col in zip(*waits)],
        # …and until the passages and the quoted extract, which no user waits for the model to get.
        "concurrent_first_text_s_median_by_rank": [round(statistics.median(col), 2) for col in zip(*texts)],
        "first_text_s_median": round(statistics.median(r["first_text_s"] for r in first), 2),
        "sources_s_median": round(statistics.median(r["sources_s"] for r in first), 2),
        "concurrent_rounds": rounds,
        "logs": str(logs),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "web.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
