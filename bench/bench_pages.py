"""Page view speed: rendering a PDF passage's printed page with its lines highlighted (pypdfium2), first time and
from the index version's cache, median of several runs; figures to bench/results/pages.json.

    .venv/bin/python bench/bench_pages.py [--runs 5] [--width 1000]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag import Report  # noqa: E402
from rag.index.pages import CACHE_DIR  # noqa: E402
from rag.ingest.pdf_positions import locate  # noqa: E402

DOCUMENTS = ROOT / "tests" / "documents"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for pdf in sorted(DOCUMENTS.glob("*/*.pdf")):
            shutil.copy(pdf, corpus)
        report = Report(corpus, Path(tmp) / "index")
        report.build()
        passages = [p for p in report.passages() if p.page_index is not None]
        cache = report.retriever().index.folder / CACHE_DIR
        first, cached, sizes = [], [], []
        for _ in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            for p in passages:
                started = time.perf_counter()
                data = report.page_image(p.id, args.width)
                first.append(time.perf_counter() - started)
                sizes.append(len(data))
                started = time.perf_counter()
                report.page_image(p.id, args.width)
                cached.append(time.perf_counter() - started)
        # Recording positions at ingestion: locating every passage of each document on its pages.
        locating = []
        for pdf in sorted(corpus.glob("*.pdf")):
            mine = [p for p in report.passages() if p.source == pdf.name]
            data = pdf.read_bytes()
            started = time.perf_counter()
            locate(data, mine)
            locating.append(time.perf_counter() - started)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "documents": len(locating), "passages": len(passages), "runs": args.runs, "width": args.width,
        "first_render_ms_median": round(statistics.median(first) * 1000, 1),
        "first_render_ms_p95": round(sorted(first)[int(len(first) * 0.95)] * 1000, 1),
        "cached_ms_median": round(statistics.median(cached) * 1000, 3),
        "png_kb_median": round(statistics.median(sizes) / 1024, 1),
        "locate_ms_per_document_median": round(statistics.median(locating) * 1000, 1),
    }
    out = ROOT / "bench" / "results" / "pages.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"| {result['date']} | {result['machine']} | {result['passages']} passages of {result['documents']} PDFs, "
          f"{args.width} px | first {result['first_render_ms_median']} ms (p95 {result['first_render_ms_p95']}) | "
          f"cached {result['cached_ms_median']} ms | {result['png_kb_median']} KB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
