"""The one command line: python -m rag index | search | figures | ask | info | documents | eval | serve | settings; errors are one
line, never a traceback (RAG_DEBUG=1 shows it to developers)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import unicodedata
from pathlib import Path

from rag.config import BACKENDS, EMBED_ENGINES, PROJECT_ROOT, Settings, declared_settings, load_settings
from rag.errors import RagError
from rag.report import Report


EVAL_DIR = PROJECT_ROOT / "eval"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage plus a message; one clear line is enough
        raise SystemExit(_fail(f"参数错误：{message}（运行 python -m rag -h 查看用法）", code=2))


def _fail(message: str, code: int = 1) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return code


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m rag", description="职业教育质量报告问答：索引、检索、回答、评测与网页版")
    parser.add_argument("--corpus", help="语料目录（默认 corpus/）")
    parser.add_argument("--index", help="索引目录（默认 index/）")
    # Also accepted after the command (python -m rag serve --index …); given there, it wins.
    folders = argparse.ArgumentParser(add_help=False)
    folders.add_argument("--corpus", default=argparse.SUPPRESS, help="语料目录（默认 corpus/）")
    folders.add_argument("--index", default=argparse.SUPPRESS, help="索引目录（默认 index/）")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.required = True
    index = sub.add_parser("index", parents=[folders], help="重建索引（rebuild the index from every corpus file）")
    index.add_argument("--engine", choices=EMBED_ENGINES,
                       help="向量化引擎：local（本进程及 embed_workers 个进程，默认）或 ray（Ray Data 批处理作业）"
                            "（overrides embed_engine）")
    index.add_argument("--ray-address", help="Ray 集群地址：auto（本机所在的集群）或 GCS 地址 host:6379，不支持 ray://；"
                                             "省略时用 ray_address 设置、环境变量 RAY_ADDRESS，都没有则在本机启动 Ray"
                                             "（overrides ray_address）")
    search = sub.add_parser("search", parents=[folders], help="检索段落（search passages）")
    search.add_argument("query", nargs="?", help="问题；省略时逐行读入问题（interactive when omitted）")
    search.add_argument("-k", type=int, default=5, help="返回段落数（default 5）")
    search.add_argument("--case", help="只看某个案例，如 常州")
    search.add_argument("--chapter", help="只看某一章，如 第三章 或 3")
    search.add_argument("--document", help="只看某份文档（文件名或标题的一部分）")
    search.add_argument("--year", type=int, help="只看某一年度的报告，如 2024")
    search.add_argument("--kind", help="段落类型：text commentary epigraph caption toc cover")
    search.add_argument("--mode", default="hybrid", help="hybrid（默认）、bm25 或 dense")
    search.add_argument("--json", action="store_true", help="输出 JSON")
    table = sub.add_parser("figures", parents=[folders],
                           help="数据一览：报告中的每个数字及其指标、所属、时期、出处（the figures table）")
    table.add_argument("--query", help="指标关键词，须全部出现在指标、原句或标题中，如 经费")
    table.add_argument("--case", help="只看某个案例，如 常州")
    table.add_argument("--chapter", help="只看某一章，如 第三章")
    table.add_argument("--document", help="只看某份文档（标题的一部分）")
    table.add_argument("--year", type=int, help="只看某一年度的报告，如 2024")
    as_file = table.add_mutually_exclusive_group()
    as_file.add_argument("--csv", action="store_true", help="输出 CSV（UTF-8 带 BOM，Excel 可直接打开）")
    as_file.add_argument("--json", action="store_true", help="输出 JSON")
    ask = sub.add_parser("ask", parents=[folders], help="回答问题并给出出处（answer with numbered sources）")
    ask.add_argument("question", nargs="?", help="问题；省略时进入对话（interactive, follow-ups understood）")
    ask.add_argument("--backend", choices=BACKENDS, help="local（默认，本地模型）、openai 或 extractive")
    ask.add_argument("--case", help="只看某个案例，如 常州")
    ask.add_argument("--chapter", help="只看某一章")
    ask.add_argument("--document", help="只看某份文档（文件名或标题的一部分）")
    ask.add_argument("--year", type=int, help="只看某一年度的报告，如 2024")
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    sub.add_parser("info", parents=[folders], help="索引概况：段落数、模型、目录")
    docs = sub.add_parser("documents", parents=[folders],
                          help="文档登记表：每份文档的标题、发布方、类型、年份、地区、简称、页数及其来源（the document registry）")
    docs_as = docs.add_mutually_exclusive_group()
    docs_as.add_argument("--audit", action="store_true",
                         help="维护检查：页数、印刷页码、标题、表格、段落、数字，以及看来有误之处（a maintainer's audit）")
    docs_as.add_argument("--json", action="store_true", help="输出 JSON")
    ev = sub.add_parser("eval", parents=[folders], help="评测：检索与回答质量，对比上次结果（exit 1 when below a threshold）")
    ev.add_argument("--quick", action="store_true", help="只评检索与摘录式回答（数秒）；CI 运行此项")
    ev.add_argument("--backend", action="append", choices=BACKENDS,
                    help="只评这些回答方式（可重复）：local、openai、extractive")
    ev.add_argument("--questions", default=str(EVAL_DIR / "questions.jsonl"), help="题目文件")
    ev.add_argument("--thresholds", default=str(EVAL_DIR / "thresholds.toml"), help="门槛文件")
    ev.add_argument("--results", default=str(EVAL_DIR / "results"), help="结果目录")
    ev.add_argument("--type", action="append", help="只评某类题目（可重复），如 figure")
    ev.add_argument("--documents", nargs="?", const="tests/documents", metavar="FOLDER",
                    help="评测测试文档（默认 tests/documents/）：每份单独建索引，按版式统计标题、页码、检索、回答、段落大小；"
                         "结果写入 <结果目录>/documents/")
    ev.add_argument("--library", nargs="?", const="eval/real-documents", metavar="FOLDER",
                    help="文档库评测：FOLDER 的全部文档（及 eval/library/schools）合建一个索引，每题向整个库提问，与单独建索引对照；"
                         "另评 eval/library/questions.toml 中不指明文档的问题；结果写入 <结果目录>/library/")
    ev.add_argument("--alone", metavar="JSON", help="配合 --library：单独建索引的结果取自此文档评测 JSON，不重跑")
    ev.add_argument("--extra", metavar="FOLDER",
                    help="配合 --library：FOLDER 中的 PDF 也加入文档库（不提问，只作干扰文档，检验库变大后的回答）")
    ev.add_argument("--family", action="append", help="配合 --documents，只评某类版式（可重复），如 word、financial")
    ev.add_argument("--split", choices=("dev", "test"),
                    help="配合 --documents，只评开发集（dev，可查看、可据以调整）或测试集（test，每次会话只跑一次，不查看失败题）")
    web = sub.add_parser("serve", parents=[folders], help="网页版问答（the web chat; python app.py is the same）")
    web.add_argument("--host", help="监听地址（默认 127.0.0.1，仅本机可访问；对外开放请经带 HTTPS 的反向代理并设置 --auth）")
    web.add_argument("--port", type=int, help="端口（默认 7860）")
    web.add_argument("--auth", help="提问账号（只能提问），格式 用户名:密码（也可用环境变量 RAG_WEB_AUTH）")
    web.add_argument("--maintainer-auth", help="维护人员账号（可提问，开启 allow_upload 时唯一可上传文档的账号），"
                                               "格式 用户名:密码（也可用环境变量 RAG_WEB_MAINTAINER_AUTH）")
    web.add_argument("--backend", choices=BACKENDS,
                     help="回答方式：local（本地模型，默认）、openai（远程接口）或 extractive（原文摘录）")
    web.add_argument("--feedback", help="反馈记录文件（JSONL，默认 eval/feedback/feedback.jsonl）")
    sub.add_parser("settings", help="列出全部配置项：rag.toml 键、环境变量、默认值、当前值与说明（every setting）")
    return parser


def _settings(settings: Settings) -> int:
    """Every declared setting with where it is set, its default and its value now (secrets shown as set or not)."""
    for info in declared_settings():
        value = getattr(settings, info.name)
        now = ("（已设置）" if value else "—") if info.secret else value
        print(f"{info.toml_key}  {info.env}  默认 {info.shown_default}  当前 {now}\n    {info.help}")
    return 0


def _index(report: Report) -> int:
    result = report.build(progress=sys.stderr.isatty())
    print(f"已建立索引：{result.passages} 个段落，用时 {result.seconds:.1f} 秒，嵌入模型 {result.model}")
    print(f"段落：新增 {result.added}，修改 {result.changed}，删除 {result.removed}；"
          f"向量：复用 {result.reused}，重新计算 {result.embedded}")
    print(f"索引位置：{result.folder}")
    if report.settings.embed_engine == "ray" and result.embedded:
        print(f"向量化：Ray 作业（{report.settings.ray_address or os.environ.get('RAY_ADDRESS') or '本机 Ray local'}）")
    for skipped in result.skipped:
        print(f"已跳过 {skipped.name}：{skipped.reason}", file=sys.stderr)
    return 0


def _prompt_loop(greeting: str, handle) -> int:
    """Read one question per line until an empty line or end of input; errors never end the session."""
    print(greeting, file=sys.stderr)
    while True:
        try:
            line = input("问题> ").strip()
        except EOFError:
            return 0
        if not line:
            return 0
        try:
            handle(line)
        except RagError as err:
            _fail(str(err))


def _interactive(report: Report, args) -> int:
    def handle(line: str) -> None:
        args.query = line
        _search(report, args)

    return _prompt_loop("请输入问题，回车检索；空行或 Ctrl-D 退出。", handle)


def _search(report: Report, args) -> int:
    if args.query is None:
        return _interactive(report, args)
    hits = report.search(args.query, k=args.k, case=args.case, chapter=args.chapter, kind=args.kind, mode=args.mode,
                         document=args.document, year=args.year)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("没有找到相关段落。")
    for n, hit in enumerate(hits, 1):
        print(f"[{n}] {hit.citation}  （得分 {hit.score:.4f}）")
        print("    " + hit.text.replace("\n", "\n    "))
    return 0


def _width(text: str) -> int:
    """Columns the text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _aligned(rows: list[list[str]]) -> list[str]:
    """Each cell padded to its column's widest; the last column (the citation) is left as long as it is."""
    widths = [max(_width(row[c]) for row in rows) for c in range(len(rows[0]) - 1)]
    return ["  ".join([cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)] + [row[-1]]).rstrip()
            for row in rows]


def _figures(report: Report, args) -> int:
    from rag.serve import export

    rows = report.figures(args.query, case=args.case, chapter=args.chapter, document=args.document, year=args.year)
    if args.json:
        print(json.dumps([f.to_dict() for f in rows], ensure_ascii=False, indent=2))
        return 0
    if args.csv:  # bytes, so the BOM and UTF-8 survive whatever the terminal's encoding is
        sys.stdout.flush()
        sys.stdout.buffer.write(export.csv_bytes(rows))
        sys.stdout.buffer.flush()
        return 0
    if not rows:
        print("没有符合条件的数据（no figures match）。")
        return 0
    lines = [["指标", "所属", "时期", "数值", "出处"]]
    lines += [[f.measure or "—", f.subject or "—", f.period or "—", f.printed, f.citation] for f in rows]
    print("\n".join(_aligned(lines)))
    print(f"共 {len(rows)} 条（{len(rows)} figures）")
    return 0


def _ask(report: Report, args) -> int:
    from rag import answerer as make_answerer

    answerer = make_answerer(report)
    if args.question is not None:
        _answer_one(answerer, args, args.question, [])
        return 0
    history: list[tuple[str, str]] = []

    def handle(line: str) -> None:
        answer = _answer_one(answerer, args, line, history)
        history.append((line, answer.text))

    return _prompt_loop("请输入问题，回车提问（可追问）；空行或 Ctrl-D 退出。", handle)


def _answer_one(answerer, args, question: str, history):
    from rag.answer.types import Provisional, Sentence

    stream = not args.json and sys.stdout.isatty()
    pieces = answerer.stream(question, history=history, backend=args.backend, case=args.case, chapter=args.chapter,
                             document=args.document, year=args.year)
    streamed = ""
    for event in pieces.events():
        if stream and isinstance(event, Provisional):  # the quote, at once, while the model writes
            head = ("Quoted from the report (the model's answer follows):" if event.answer.language == "en"
                    else "原文摘录（模型回答生成中…）：")
            print(f"{head}\n{event.answer.text}\n", flush=True)
        elif stream and isinstance(event, Sentence):
            streamed += event.text
            print(event.text, end="", flush=True)
    answer = pieces.answer
    if stream and answer.text.strip() != streamed.strip():
        print(("\n" if streamed else "") + answer.text, end="")  # the model's answer dropped: the extract stands
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return answer
    if stream:
        print()
    else:
        print(answer.text)
    if answer.notice:
        print(f"（{answer.notice}）")
    if answer.citations:
        print("\n出处：")
        for n, passage in enumerate(answer.citations, 1):
            print(f"[{n}] {passage.citation}")
    print(f"（回答方式：{answer.backend}）\n")
    return answer


def _eval_documents(report: Report, args) -> int:
    from rag.evaluate import documents

    folder = Path(args.documents)
    folder = folder if folder.is_absolute() or folder.exists() else PROJECT_ROOT / folder
    verbose = os.environ.get("RAG_EVAL_PROGRESS") or sys.stderr.isatty()
    try:
        result = documents.run(report.settings, folder, args.backend or (), args.family or (),
                               progress=(lambda line: print(line, file=sys.stderr)) if verbose else None,
                               split=args.split)
    except (OSError, ValueError, KeyError) as err:
        return _fail(f"测试文档无法评测：{err}（{type(err).__name__}）")
    try:
        json_path, md_path = documents.write(result, Path(args.results) / "documents")
    except OSError as err:
        return _fail(f"结果无法写入：{args.results}（{type(err).__name__}: {err}）")
    for backend, why in result.skipped_backends:
        print(f"未评测 {backend}：{why}")
    print("\n".join(documents.family_table(result)) + "\n\n" + "\n".join(documents.check_lines(result)))
    print(f"结果：{json_path}\n报告：{md_path}（用时 {result.seconds} 秒）")
    return 1 if any(c.passed is False for c in result.checks) else 0


def _eval_library(report: Report, args) -> int:
    from rag.evaluate import library

    folder = Path(args.library)
    folder = folder if folder.is_absolute() or folder.exists() else PROJECT_ROOT / folder
    verbose = os.environ.get("RAG_EVAL_PROGRESS") or sys.stderr.isatty()
    try:
        result = library.run(report.settings, folder, args.backend or (), args.split,
                             alone_json=Path(args.alone) if args.alone else None,
                             extra=Path(args.extra) if args.extra else None,
                             progress=(lambda line: print(line, file=sys.stderr)) if verbose else None)
        json_path, md_path = library.write(result, Path(args.results) / "library")
    except (OSError, ValueError, KeyError) as err:
        return _fail(f"文档库无法评测：{err}（{type(err).__name__}）")
    print("\n".join(library.table(result)) + "\n\n" + "\n".join(library.check_lines(result)))
    print(f"结果：{json_path}\n报告：{md_path}（用时 {result.seconds} 秒）")
    return 0


def _eval(report: Report, args) -> int:
    if args.library:
        return _eval_library(report, args)
    if args.documents:
        return _eval_documents(report, args)
    from rag.evaluate import results as eval_report
    from rag.evaluate import run as evaluation
    from rag.evaluate.metrics import load_questions

    try:
        questions = load_questions(Path(args.questions))
        thresholds = eval_report.load_thresholds(Path(args.thresholds))
    except (OSError, ValueError, KeyError) as err:
        return _fail(f"题目或门槛文件无法读取（{type(err).__name__}: {err}）")
    if args.type:
        questions = [q for q in questions if q.type in args.type]
    if not questions:
        return _fail(f"没有可评测的题目：{args.questions}（no questions）")
    verbose = os.environ.get("RAG_EVAL_PROGRESS") or sys.stderr.isatty()
    results = evaluation.run(report, questions, args.backend, quick=args.quick,
                             progress=(lambda line: print(line, file=sys.stderr)) if verbose else None)
    try:
        json_path, md_path, checks = eval_report.write(results, Path(args.results), thresholds)
    except OSError as err:
        return _fail(f"结果无法写入：{args.results}（{type(err).__name__}: {err}）")
    for backend, why in results["skipped_backends"].items():
        print(f"未评测 {backend}：{why}")
    print(f"检索 hybrid：hit@1 {results['retrieval']['hybrid']['overall']['hit@1']}，"
          f"hit@5 {results['retrieval']['hybrid']['overall']['hit@5']}，MRR {results['retrieval']['hybrid']['overall']['mrr']}")
    for backend, per_type in results["answers"].items():
        o = per_type["overall"]
        print(f"回答 {backend}：正确 {o['right']}，数字/要点 {o['accuracy']}，引用 {o['citation_accuracy']}，"
              f"拒答准确 {o['refusal_accuracy']}，误拒 {o['false_refusal_rate']}，数字有据 {o['grounding']}，"
              f"p50 {o['latency_p50_s']} s")
    print(f"结果：{json_path}\n报告：{md_path}（用时 {results['seconds']} 秒）")
    failed = [c for c in checks if c.passed is False]
    for c in failed:
        print(f"低于门槛：{c.metric} = {c.value}（要求 {'≥' if c.minimum else '≤'} {c.bound}）", file=sys.stderr)
    return 1 if failed else 0


def _info(report: Report) -> int:
    manifest = report.manifest()
    print(f"段落数：{manifest.passages}；嵌入模型：{manifest.embedding.name}（{manifest.embedding.dim} 维）")
    print(f"建立于：{manifest.built_at}；切分版本：{manifest.chunker_version}")
    for source in manifest.sources:
        incomplete = f"；不完整的案例：{'、'.join(source.incomplete_cases)}" if source.incomplete_cases else ""
        print(f"文档：{source.name}（{source.title}，{source.passages} 段{incomplete}）")
    for entry in manifest.outline:
        print(f"  {entry.chapter.split(' ')[0]} · {entry.title} · 第{entry.page}页")
    return 0


_ORIGIN_MARK = {"sidecar": "S", "metadata": "M", "first page": "P", "body text": "T", "file name": "F"}
_ORIGIN_LEGEND = ("来源：S 元数据文件 .meta.toml（sidecar），M 文件属性（metadata），P 首页（first page），T 正文（body text），"
                  "F 文件名（file name）")


def _marked(value, origin: str) -> str:
    if value in (None, ""):
        return "—"
    return f"{value} {_ORIGIN_MARK.get(origin, '?')}" if origin else str(value)


def _documents(report: Report, args) -> int:
    if args.audit:
        return _audit(report)
    records = report.documents()
    if args.json:
        print(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2))
        return 0
    rows = [["文件", "类型", "年份", "地区", "发布方", "简称", "页数", "标题"]]
    for r in records:
        rows.append([r.source, _marked(r.kind, r.kind_from), _marked(r.year, r.year_from),
                     _marked(r.region, r.region_from), _marked(r.issuer, r.issuer_from),
                     "、".join(r.short_names) or "—", str(r.pages or "—"), _marked(r.title, r.title_from)])
    print("\n".join(_aligned(rows)))
    print(f"共 {len(records)} 份文档（{len(records)} documents）；{_ORIGIN_LEGEND}")
    return 0


def _page_list(numbers: tuple[int, ...], limit: int = 10) -> str:
    shown = "、".join(map(str, numbers[:limit]))
    return shown + (f" 等 {len(numbers)} 页" if len(numbers) > limit else "")


def _audit(report: Report) -> int:
    """One screen: per document what was found and, marked ✗, what looks wrong and what to do about it."""
    audits = report.audit()
    bad = [a for a in audits if a.problems]
    print(f"文档审计：{len(audits)} 份文档，{len(bad)} 份有问题（{len(bad)} of {len(audits)} need a look）\n")
    for a in audits:
        r, f = a.record, a.record.findings
        print(f"{'✗' if a.problems else '✓'} {r.source}  《{r.title}》（标题来源：{r.title_from or '未知'}）")
        if r.pages:
            numbered = {"printed": "印刷页码已对应", "labels": "按 PDF 页码标签引用（未印页码）",
                        "file": "未印页码，按文件页序引用"}.get(f.page_numbers, "页码未知")
            if f.page_numbers == "printed":
                numbered += f" {r.pages - len(f.unnumbered_pages)} 页" + (
                    f"，未对应：第{_page_list(f.unnumbered_pages)}页（文件页）" if f.unnumbered_pages else "")
            pages = f"{r.pages} 页，{numbered}"
        else:
            pages = f"{r.format} 无页码"
        print(f"    {pages}；标题 {f.headings} 个，表格 {f.tables} 张，段落 {f.passages} 个，"
              f"数字 {a.figures} 个（表格中 {a.table_figures} 个）")
        for problem in a.problems:
            print(f"    ✗ {problem.message}")
    return 0


def _serve(report: Report, args, settings: Settings) -> int:
    from rag.serve.web import WebOptions, serve

    serve(report, WebOptions(host=args.host or settings.web_host, port=args.port or settings.web_port,
                             auth=args.auth or settings.web_auth, backend=args.backend,
                             maintainer_auth=args.maintainer_auth or settings.web_maintainer_auth,
                             feedback=Path(args.feedback) if args.feedback else settings.web_feedback))
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
                            if args.command == "serve" else "%(message)s")
        # index --engine / --ray-address win over rag.toml and the environment, as every option does.
        settings = load_settings(embed_engine=getattr(args, "engine", None), ray_address=getattr(args, "ray_address", None))
        if args.command == "settings":
            return _settings(settings)
        # Asked for: these commands rebuild a stale index (saying why). The evaluation never does: it
        # measures the index that is being served.
        report = Report(corpus_dir=args.corpus, index_dir=args.index, settings=settings,
                        auto_rebuild=args.command in ("search", "figures", "ask", "info", "documents", "serve"))
        if args.command == "serve":
            return _serve(report, args, settings)
        if args.command == "index":
            return _index(report)
        if args.command == "search":
            return _search(report, args)
        if args.command == "figures":
            return _figures(report, args)
        if args.command == "ask":
            return _ask(report, args)
        if args.command == "eval":
            return _eval(report, args)
        if args.command == "documents":
            return _documents(report, args)
        return _info(report)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 0
    except RagError as err:
        return _fail(str(err))
    except BrokenPipeError:  # output piped into head: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return _fail("已中断（interrupted）", code=130)
    except Exception as err:  # the user gets one line; RAG_DEBUG=1 shows the traceback to developers
        if os.environ.get("RAG_DEBUG"):
            raise
        return _fail(f"内部错误（internal error）：{type(err).__name__}: {err}")
