"""A library of ~200 documents: generated plus real PDFs built into one index (time, rates, size, memory), hybrid search p50/p95 with FAISS and Milvus, and the library evaluation's answers at that size.

    nice -n 19 .venv/bin/python bench/bench_library_scale.py make --docs 200 --pages 20   # the PDFs, into /tmp
    nice -n 19 .venv/bin/python bench/bench_library_scale.py sample --docs 5              # parse and embed rates first
    nice -n 19 .venv/bin/python bench/bench_library_scale.py build [--seed INDEX]         # the library index (FAISS)
    nice -n 19 .venv/bin/python bench/bench_library_scale.py search                       # FAISS, then Milvus (switch)
    nice -n 19 .venv/bin/python bench/bench_library_scale.py quality [--small]            # the library evaluation
    nice -n 19 .venv/bin/python bench/bench_library_scale.py search --small               # FAISS, small library
    nice -n 19 .venv/bin/python bench/bench_library_scale.py search --reopen              # again, Milvus not switched

Every step merges its figures into bench/results/library-scale.json. The documents (bench/library_docs.py: school
quality reports, employment reports, budgets, statistical bulletins, enrolment plans; invented places and figures,
printed page numbers, ruled tables) are regenerated into /tmp/rag-library-scale/docs, never into the repository.
The library is laid out as `python -m rag eval --library --extra /tmp/rag-library-scale/docs` lays it out
(eval/real-documents, eval/library/schools, the generated ones under extra/), in /tmp/rag-library-scale/kept/library,
so that `quality` (RAG_EVAL_INDEXES=/tmp/rag-library-scale/kept) asks its questions of the index `build` measured.
`build --seed INDEX` reuses the vectors of an index already built over the real documents (by text hash, as
`Report.build(reuse_from=…)` does for the library evaluation): the real documents are parsed and written but not
embedded again, and the figures say how many passages were embedded and how many reused.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

RESULTS = ROOT / "bench" / "results" / "library-scale.json"
WORK = Path("/tmp/rag-library-scale")
DOCS = WORK / "docs"
KEPT = WORK / "kept"  # RAG_EVAL_INDEXES of the library evaluation at scale
LIBRARY = KEPT / "library"


# -- measuring -------------------------------------------------------------------------------------
class TreeMemory:
    """Peak RSS of this process and of all its descendants (embedding workers, milvus-lite), sampled from /proc."""

    def __init__(self, every: float = 0.5) -> None:
        self.every, self.peak_main, self.peak_tree, self.peak_child = every, 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        out = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    out += [int(c) for c in f.read().split()]
        except OSError:
            pass
        return out

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            main, tree, todo = self._rss(me), 0, self._children(me)
            seen = set()
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                rss = self._rss(pid)
                self.peak_child = max(self.peak_child, rss)
                tree += rss
                todo += self._children(pid)
            self.peak_main = max(self.peak_main, main)
            self.peak_tree = max(self.peak_tree, main + tree)
            self._stop.wait(self.every)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def figures(self) -> dict:
        mb = lambda b: round(b / 2**20, 1)  # noqa: E731
        return {"peak_rss_main_mb": mb(max(self.peak_main, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)),
                "peak_rss_largest_child_mb": mb(self.peak_child),
                "peak_rss_tree_mb (main + children, sampled every 0.5 s)": mb(self.peak_tree)}


class Phases:
    """Time the build's two phases as the product runs them: parsing (rag.report.ingest) and embedding
    (rag.index.artefacts._vectors, which embeds what it cannot reuse)."""

    def __init__(self) -> None:
        self.parse_seconds = self.embed_seconds = 0.0

    def __enter__(self) -> Phases:
        import rag.report
        from rag.index import artefacts

        self._ingest, self._vectors = rag.report.ingest, artefacts._vectors

        def timed(call, total: str):
            def wrapper(*a, **k):
                t = time.perf_counter()
                try:
                    return call(*a, **k)
                finally:
                    setattr(self, total, getattr(self, total) + time.perf_counter() - t)
            return wrapper

        rag.report.ingest = timed(self._ingest, "parse_seconds")
        artefacts._vectors = timed(self._vectors, "embed_seconds")
        return self

    def __exit__(self, *exc) -> None:
        import rag.report
        from rag.index import artefacts

        rag.report.ingest, artefacts._vectors = self._ingest, self._vectors


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def pdf_pages(paths) -> int:
    import pypdf

    return sum(len(pypdf.PdfReader(str(p)).pages) for p in paths)


def merge(section: str, value: dict) -> None:
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    data[section] = value
    data["machine"] = {"cores": os.cpu_count(), "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                       "platform": f"{platform.machine()}, Python {platform.python_version()}", "niced": "nice -n 19",
                       "note": "2 cores shared with another engineer's jobs; load average recorded per step"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def stamp() -> dict:
    return {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


# -- steps -----------------------------------------------------------------------------------------
def make(docs: int, pages: int) -> None:
    import library_docs

    shutil.rmtree(DOCS, ignore_errors=True)
    DOCS.mkdir(parents=True)
    started, total = time.perf_counter(), 0
    for i in range(docs):
        # 0.5× to 1.5× the mean, seeded by i: a library of short and long documents.
        _, n = library_docs.write(i, max(4, round(pages * (0.5 + ((i * 7919) % 101) / 100))), DOCS)
        total += n
    print(f"{docs} documents, {total} PDF pages in {time.perf_counter() - started:.1f} s → {DOCS}", file=sys.stderr)
    merge("generated", {"documents": docs, "pdf_pages": total, "mean_pages_asked": pages, "folder": str(DOCS),
                        "generator": "bench/library_docs.py", **stamp()})


def _build(corpus: Path, index: Path, reuse_from: tuple[Path, ...] = (), settings=None) -> dict:
    from rag import Report
    from rag.index.versions import current_version

    report = Report(corpus, index, settings=settings, auto_rebuild=False)
    with TreeMemory() as memory, Phases() as phases:
        started = time.perf_counter()
        built = report.build(reuse_from=reuse_from)
        seconds = time.perf_counter() - started
    version = current_version(index)
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix == ".pdf")
    pages = pdf_pages(files)
    with open(version / "figures.jsonl", encoding="utf-8") as f:
        figures = sum(1 for _ in f) - 1
    return {
        "documents": len(files), "pdf_pages": pages, "passages": built.passages, "embedded": built.embedded,
        "reused": built.reused, "skipped": [list(s) if isinstance(s, tuple) else str(s) for s in built.skipped],
        "build_seconds": round(seconds, 1), "parse_seconds": round(phases.parse_seconds, 1),
        "embed_seconds": round(phases.embed_seconds, 1),
        "write_seconds (FAISS, BM25, passages, figures table)": round(seconds - phases.parse_seconds - phases.embed_seconds, 1),
        "parse_pages_per_second": round(pages / phases.parse_seconds, 2),
        "embed_passages_per_second": round(built.embedded / phases.embed_seconds, 2) if built.embedded else None,
        "figures_rows": figures, "index_bytes": folder_bytes(version),
        "index_files_bytes": {p.name: (p.stat().st_size if p.is_file() else folder_bytes(p)) for p in version.iterdir()},
        "embed_workers": report.settings.embed_workers or os.cpu_count(), **memory.figures(),
    }


def sample(docs: int) -> None:
    """Parse and embed the first few generated documents into a fresh index: the rates that size the full build."""
    folder = WORK / "sample"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "corpus").mkdir(parents=True)
    for path in sorted(DOCS.glob("*.pdf"))[:docs]:
        shutil.copy2(path, folder / "corpus" / path.name)
    row = {**stamp(), **_build(folder / "corpus", folder / "index")}
    print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
    merge("sample", row)


def library_corpus() -> tuple[Path, list[tuple[str, Path]]]:
    """The library as the library evaluation lays it out with --extra DOCS, copied into LIBRARY/corpus."""
    from rag.evaluate import library
    from rag.evaluate.documents import load_documents, sha256_mismatch

    specs = [s for s in load_documents(library.REAL_DOCUMENTS) if not sha256_mismatch(s, library.REAL_DOCUMENTS)]
    files = library.library_files(library.REAL_DOCUMENTS, specs, library.LIBRARY_DIR / library.EXTRA, DOCS)
    return library.sync_corpus(files, LIBRARY / "corpus"), files


def build(seed: Path | None) -> None:
    shutil.rmtree(LIBRARY, ignore_errors=True)
    corpus, files = library_corpus()
    real = [s for s, _ in files if not s.startswith("extra/")]
    row = {**stamp(), "real_documents": len(real), "real_pdf_pages": pdf_pages(corpus / s for s in real),
           "seed_index": str(seed) if seed else None,
           **_build(corpus, LIBRARY / "index", reuse_from=(seed,) if seed else ())}
    print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
    merge("build", row)


def questions() -> list[str]:
    """The library evaluation's dev questions and its questions that name no document (the test split's text is not
    needed to time a search)."""
    from rag.evaluate import library
    from rag.evaluate.documents import load_documents

    qs = [q.q for s in load_documents(library.REAL_DOCUMENTS) if s.split == "dev" for q in s.questions]
    return qs + [u.q for u in library.load_unnamed(library.LIBRARY_DIR / library.UNNAMED_FILE)]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def search_one(store: str, small: bool = False, reopen: bool = False) -> dict:
    """In a child process of its own (its memory is its own): open the library with the store, time k=5 hybrid
    searches over the questions (twice; the second pass counted), and for Milvus first switch the FAISS build to it
    (reopen: open the Milvus index an earlier run switched, so that the peak is the searches' own)."""
    from rag import Report
    from rag.config import load_settings
    from rag.index.versions import current_version

    base = WORK / "kept-small" / "library" if small else LIBRARY
    settings, index, row = load_settings(), base / "index", {"store": store, "library": str(base)}
    switch = store == "milvus" and not (reopen and (WORK / "milvus" / "index" / "CURRENT").is_file())
    if store == "milvus":
        target = WORK / "milvus"
        if switch:
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            shutil.copytree(index, target / "index", symlinks=True)
        settings = dataclasses.replace(settings, vector_store="milvus", milvus_uri=str(target / "milvus.db"))
        index = target / "index"
    with TreeMemory() as memory:
        report = Report(base / "corpus", index, settings=settings, auto_rebuild=False)
        if switch:
            with Phases() as phases:
                started = time.perf_counter()
                built = report.build()  # every vector reused: the store's own writes, and the corpus parsed again
                row["switch_seconds (vectors reused; parse included)"] = round(time.perf_counter() - started, 1)
                row["switch_parse_seconds"] = round(phases.parse_seconds, 1)
                row["switch_embedded"] = built.embedded
            row["milvus_db_bytes"] = folder_bytes(target / "milvus.db") if (target / "milvus.db").is_dir() else (
                (target / "milvus.db").stat().st_size if (target / "milvus.db").exists() else None)
            row["version_folder_bytes"] = folder_bytes(current_version(index))
        qs = questions()
        started = time.perf_counter()
        report.search(qs[0], k=5)
        row["open_and_first_search_seconds"] = round(time.perf_counter() - started, 2)
        passes = []
        for _ in range(2):
            ms = []
            for q in qs:
                t = time.perf_counter()
                report.search(q, k=5)
                ms.append((time.perf_counter() - t) * 1000)
            passes.append(ms)
        ms = passes[-1]
        row |= {"questions": len(qs), "passages": len(report.passages()),
                "search_ms_p50": round(percentile(ms, 0.5), 1), "search_ms_p95": round(percentile(ms, 0.95), 1),
                "search_ms_p50_first_pass": round(percentile(passes[0], 0.5), 1),
                "search_ms_p95_first_pass": round(percentile(passes[0], 0.95), 1)}
    row["rss_after_searches_mb"] = round(TreeMemory._rss(os.getpid()) / 2**20, 1)
    return row | memory.figures()


def search(small: bool, reopen: bool = False) -> None:
    """FAISS then Milvus on the big library; with --small FAISS on the small one (after `quality --small`)."""
    rows = {}
    for store in ("faiss",) if small else ("faiss", "milvus"):
        out = subprocess.run([sys.executable, __file__, "search-one", "--store", store] + ["--small"] * small
                             + ["--reopen"] * reopen + ["--work", str(WORK), "--results", RESULTS.name],
                             check=True, capture_output=True, text=True).stdout
        rows[store] = {**stamp(), **json.loads(out.strip().splitlines()[-1])}
        print(json.dumps(rows[store], ensure_ascii=False), file=sys.stderr, flush=True)
        merge("search_small" if small else "search_reopened" if reopen else "search", rows)


def quality(small: bool) -> None:
    """The library evaluation's dev questions (extraction) asked of the big library, or with --small of the library
    without the generated documents (its vectors reused from the big one's, so nothing is embedded again)."""
    from rag.config import load_settings
    from rag.evaluate import library

    kept = KEPT
    if small:
        kept = WORK / "kept-small"
        shutil.rmtree(kept, ignore_errors=True)
        (kept / "library" / "index").mkdir(parents=True)
        from rag.index.versions import current_version

        version = current_version(LIBRARY / "index")
        shutil.copytree(version, kept / "library" / "index" / version.name)
        (kept / "library" / "index" / "CURRENT").write_text(version.name)
    os.environ["RAG_EVAL_INDEXES"] = str(kept)
    started = time.perf_counter()
    with TreeMemory() as memory:
        result = library.run(load_settings(), backends=("extractive",), split="dev", alone=False,
                             extra=None if small else DOCS, progress=lambda line: print(line, file=sys.stderr, flush=True))
    out = WORK / "results"
    json_path, md_path = library.write(result, out)
    name = "library-scale-eval-small.md" if small else "library-scale-eval.md"
    shutil.copy2(md_path, ROOT / "bench" / "results" / name)
    answers = result.answers
    row = {**stamp(), "documents": len(result.documents), "commit": result.commit, "seconds": round(time.perf_counter() - started, 1),
           "questions": len(answers),
           "right": sum(a.outcome == "right" for a in answers), "wrong": sum(a.outcome == "wrong" for a in answers),
           "refused": sum(a.outcome == "refused" for a in answers),
           "cross_document_naming_their_document": [sum(a.cross for a in answers if a.names_document),
                                                    sum(a.names_document for a in answers)],
           "cross_document_naming_none": [sum(a.cross for a in answers if not a.names_document),
                                          sum(not a.names_document for a in answers)],
           "unnamed_right": [sum(u.right for u in result.unnamed), len(result.unnamed)],
           "rows": [dataclasses.asdict(r) for r in result.rows], "report": f"bench/results/{name}", **memory.figures()}
    print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
    merge("quality_small" if small else "quality", row)


def _use(work: Path, results: Path) -> None:
    """Another library beside the first (20,000 pages beside 6,000): its own folder and results file."""
    global WORK, DOCS, KEPT, LIBRARY, RESULTS
    WORK, RESULTS = work, results
    DOCS, KEPT = WORK / "docs", WORK / "kept"
    LIBRARY = KEPT / "library"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["make", "sample", "build", "search", "search-one", "quality"])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--pages", type=int, default=20, help="mean numbered pages of a generated document")
    parser.add_argument("--seed", type=Path, help="build: an index over the real documents whose vectors are reused")
    parser.add_argument("--store", choices=["faiss", "milvus"])
    parser.add_argument("--reopen", action="store_true", help="search: Milvus as switched by an earlier search run")
    parser.add_argument("--small", action="store_true",
                        help="quality, search: the library without the generated documents (quality --small first)")
    parser.add_argument("--work", type=Path, default=WORK, help="where the documents and indexes go (a second size beside)")
    parser.add_argument("--results", default=RESULTS.name, help="the results file under bench/results/")
    args = parser.parse_args()
    _use(args.work, RESULTS.parent / args.results)
    if args.step == "make":
        make(args.docs, args.pages)
    elif args.step == "sample":
        sample(args.docs)
    elif args.step == "build":
        build(args.seed)
    elif args.step == "search":
        search(args.small, args.reopen)
    elif args.step == "search-one":
        print(json.dumps(search_one(args.store, args.small, args.reopen), ensure_ascii=False))
    else:
        quality(args.small)


if __name__ == "__main__":
    main()
