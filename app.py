"""Web chat over the report: python app.py [--host 127.0.0.1] [--port 7860] [--auth user:pass] [--backend local]."""
from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from pathlib import Path

from rag.llm.backends import BACKENDS
from rag.config import PROJECT_ROOT, Settings, load_settings
from rag.errors import RagError

DEFAULT_FEEDBACK = PROJECT_ROOT / "eval" / "feedback" / "feedback.jsonl"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, like the rest of the project's commands
        raise SystemExit(_fail(f"参数错误：{message}（运行 python app.py -h 查看用法）", code=2))


def _fail(message: str, code: int = 1) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return code


def parse_args(argv: list[str] | None, web: dict) -> argparse.Namespace:
    """Arguments win over the [web] table of rag.toml, which wins over the defaults."""
    parser = _Parser(prog="python app.py", description="职业教育质量报告问答：网页版")
    parser.add_argument("--host", default=web.get("host", "127.0.0.1"),
                        help="监听地址（默认 127.0.0.1，仅本机可访问；对外开放请经带 HTTPS 的反向代理并设置 --auth）")
    parser.add_argument("--port", type=int, default=int(web.get("port", 7860)), help="端口（默认 7860）")
    parser.add_argument("--auth", default=os.environ.get("RAG_WEB_AUTH"),
                        help="登录账号，格式 用户名:密码（也可用环境变量 RAG_WEB_AUTH）")
    parser.add_argument("--backend", choices=BACKENDS,
                        help="回答方式：local（本地模型，默认）、openai（远程接口）或 extractive（原文摘录）")
    parser.add_argument("--corpus", help="语料目录（默认 corpus/）")
    parser.add_argument("--index", help="索引目录（默认 index/）")
    parser.add_argument("--feedback", default=web.get("feedback", str(DEFAULT_FEEDBACK)),
                        help=f"反馈记录文件（JSONL，默认 {DEFAULT_FEEDBACK.relative_to(PROJECT_ROOT)}）")
    return parser.parse_args(argv)


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise RagError("--auth 应为 用户名:密码（RAG_WEB_AUTH 同样格式）")
    return user, password


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(args: argparse.Namespace, settings: Settings) -> None:
    """Load everything once, start the server, say where it is, and serve until interrupted."""
    auth = parse_auth(args.auth)
    if not is_loopback(args.host) and auth is None:
        print(f"警告：监听 {args.host} 而未设置 --auth，网络上任何人都能使用本服务。", file=sys.stderr)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry, no version check
    from rag import webapp  # after the arguments: -h and argument errors need no gradio import
    from rag.report import Report

    report = Report(args.corpus, args.index, settings=settings)
    backend, notice, loaded = webapp.warm_up(report, args.backend or settings.llm_backend)
    demo = webapp.build_app(report, Path(args.feedback), backend=backend, notice=notice)
    try:
        url = webapp.launch(demo, args.host, args.port, auth)
    except OSError:
        raise RagError(f"无法在 {args.host}:{args.port} 启动网页服务：端口已被占用或地址不可用，"
                       "请用 --port 或 --host 换一个") from None
    for line in loaded:
        print(f"已载入 {line}")
    print(f"反馈记录：{Path(args.feedback).resolve()}")
    where = "" if is_loopback(args.host) else f"（监听 {args.host}:{args.port}）"
    print(f"网页地址：{url}{where}" + ("（需登录）" if auth else ""), flush=True)
    demo.block_thread()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        serve(parse_args(argv, settings.extra.get("web", {})), settings)
        return 0
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 0
    except RagError as err:
        return _fail(str(err))
    except KeyboardInterrupt:
        return 0
    except Exception as err:  # one line for users; RAG_DEBUG=1 shows the traceback to developers
        if os.environ.get("RAG_DEBUG"):
            raise
        return _fail(f"内部错误（internal error）：{type(err).__name__}: {err}")


if __name__ == "__main__":
    sys.exit(main())
