"""Start the web chat: load the index and the models once, serve on an address, say what was loaded."""
from __future__ import annotations

import ipaddress
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError
from rag.report import Report


@dataclass(frozen=True)
class WebOptions:
    host: str
    port: int
    auth: str  # user:pass, or empty for no login
    backend: str | None
    feedback: Path


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


def upload_allowed(setting: bool, host: str, auth: tuple[str, str] | None) -> bool:
    """Uploads as [web] allow_upload says, but never on a network address without a login: anyone there could
    change what every visitor is answered from."""
    return setting and (auth is not None or is_loopback(host))


def serve(report: Report, options: WebOptions) -> None:
    """Load everything once, start the server, say where it is, and serve until interrupted."""
    auth = parse_auth(options.auth)
    if not is_loopback(options.host) and auth is None:
        print(f"警告：监听 {options.host} 而未设置 --auth，网络上任何人都能使用本服务。", file=sys.stderr)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry, no version check
    from rag.serve import webapp  # only here: the other commands need no gradio import

    backend, notice, loaded = webapp.warm_up(report, options.backend or report.settings.llm_backend)
    allow_upload = upload_allowed(report.settings.web_allow_upload, options.host, auth)
    if report.settings.web_allow_upload and not allow_upload:
        print(f"警告：监听 {options.host} 而未设置 --auth，网页上传（allow_upload）已关闭。", file=sys.stderr)
    demo = webapp.build_app(report, options.feedback, backend=backend, notice=notice, allow_upload=allow_upload)
    try:
        url = webapp.launch(demo, options.host, options.port, auth)
    except OSError:
        raise RagError(f"无法在 {options.host}:{options.port} 启动网页服务：端口已被占用或地址不可用，"
                       "请用 --port 或 --host 换一个") from None
    for line in loaded:
        print(f"已载入 {line}")
    print(f"反馈记录：{options.feedback.resolve()}")
    if allow_upload:
        print(f"网页上传：已开启（文档页；写入 {report.settings.corpus_dir.resolve()}）")
    where = "" if is_loopback(options.host) else f"（监听 {options.host}:{options.port}）"
    print(f"网页地址：{url}{where}" + ("（需登录）" if auth else ""), flush=True)
    demo.block_thread()
