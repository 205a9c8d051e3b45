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
    auth: str  # user:pass of the officials' login (asks), or empty
    backend: str | None
    feedback: Path
    maintainer_auth: str = ""  # user:pass of the maintainer's login (asks, and uploads when allow_upload is on)


def parse_auth(value: str | None, option: str = "--auth", env: str = "RAG_WEB_AUTH") -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise RagError(f"{option} 应为 用户名:密码（{env} 同样格式）")
    return user, password


def logins(auth: tuple[str, str] | None, maintainer: tuple[str, str] | None) -> list[tuple[str, str]] | None:
    """The accounts the page accepts: the officials' and the maintainer's (both may ask); None: no login."""
    if auth and maintainer and auth[0] == maintainer[0]:
        raise RagError("--maintainer-auth 的用户名应与 --auth 不同（维护人员与提问账号须分开）")
    return [pair for pair in (auth, maintainer) if pair] or None


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def upload_allowed(setting: bool, host: str, auth: tuple[str, str] | None,
                   maintainer: tuple[str, str] | None = None) -> bool:
    """Uploads as [web] allow_upload says, for the maintainer's login only; without one, only on loopback with no
    login at all (its one local user is the maintainer). Never on a network address without the maintainer's login
    (anyone there could change what every visitor is answered from), never for the officials' login."""
    return setting and (maintainer is not None or (auth is None and is_loopback(host)))


def upload_off_reason(host: str, auth: tuple[str, str] | None) -> str:
    """Why allow_upload is on but uploads are off (printed at start-up)."""
    missing = "未设置维护人员账号（--maintainer-auth 或 RAG_WEB_MAINTAINER_AUTH），网页上传（allow_upload）已关闭"
    if auth is not None:
        return f"已设置提问账号（--auth）而{missing}：提问账号不能上传。"
    return f"监听 {host} 而{missing}。"


def serve(report: Report, options: WebOptions) -> None:
    """Load everything once, start the server, say where it is, and serve until interrupted."""
    auth = parse_auth(options.auth)
    maintainer = parse_auth(options.maintainer_auth, "--maintainer-auth", "RAG_WEB_MAINTAINER_AUTH")
    accounts = logins(auth, maintainer)
    if not is_loopback(options.host) and accounts is None:
        print(f"警告：监听 {options.host} 而未设置 --auth，网络上任何人都能使用本服务。", file=sys.stderr)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: no telemetry, no version check
    from rag.serve import webapp  # only here: the other commands need no gradio import

    backend, notice, loaded = webapp.warm_up(report, options.backend or report.settings.llm_backend)
    allow_upload = upload_allowed(report.settings.web_allow_upload, options.host, auth, maintainer)
    if report.settings.web_allow_upload and not allow_upload:
        print(f"警告：{upload_off_reason(options.host, auth)}", file=sys.stderr)
    demo = webapp.build_app(report, options.feedback, backend=backend, notice=notice, allow_upload=allow_upload,
                            maintainer=maintainer[0] if maintainer else None)
    try:
        url = webapp.launch(demo, options.host, options.port, accounts)
    except OSError:
        raise RagError(f"无法在 {options.host}:{options.port} 启动网页服务：端口已被占用或地址不可用，"
                       "请用 --port 或 --host 换一个") from None
    for line in loaded:
        print(f"已载入 {line}")
    print(f"反馈记录：{options.feedback.resolve()}")
    if allow_upload:
        who = f"仅维护人员账号 {maintainer[0]}" if maintainer else "本机、无登录"
        print(f"网页上传：已开启（{who}；文档页；写入 {report.settings.corpus_dir.resolve()}）")
    where = "" if is_loopback(options.host) else f"（监听 {options.host}:{options.port}）"
    print(f"网页地址：{url}{where}" + ("（需登录）" if accounts else ""), flush=True)
    demo.block_thread()
