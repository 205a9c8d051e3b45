"""What several test modules share: paths, a free port, running a server process, the real app, a fake endpoint."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.request import Request, urlopen

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORT_FILE = CORPUS / "vocational-education-quality-report-2024-excerpt.txt"
SECRET = "sk-test-secret-4242"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(cmd: list[str], probe: Request, log: Path, timeout: float, env: dict | None = None) -> Iterator[None]:
    """Runs a server process until `probe` answers 200; stops it afterwards, whatever happened."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env or os.environ.copy())
    name = Path(cmd[1]).name if cmd[1] != "-m" else cmd[2]
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{name} exited {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{name} not serving after {timeout}s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


FUNDS = "常州联合体每年的日常运行经费是多少？"


@contextmanager
def running_app(index_dir: Path, log_dir: Path, *args: str, env: dict | None = None,
                timeout: float = 180) -> Iterator[str]:
    """python app.py on a free loopback port until the page answers; yields its address, stops it after."""
    port = free_port()
    log = log_dir / f"app-{port}.log"
    cmd = [sys.executable, str(ROOT / "app.py"), "--port", str(port), "--corpus", str(CORPUS),
           "--index", str(index_dir), "--feedback", str(log_dir / "feedback.jsonl"), *args]
    environment = ({k: v for k, v in os.environ.items() if k not in ("RAG_WEB_AUTH", "RAG_WEB_MAINTAINER_AUTH")}
                   | (env or {}))
    url = f"http://127.0.0.1:{port}/"
    with serving(cmd, Request(url), log, timeout, environment):
        yield url


# A deliberately broken OpenAI-compatible endpoint: each path is one way a server can fail.
SSE_OK = (
    'data: {"choices":[{"delta":{"role":"assistant"},"finish_reason":null}]}\n\n'
    'data: {"choices":[{"delta":{"content":"每年"},"finish_reason":null}]}\n\n'
    ': keep-alive comment\n\n'
    'data: {"choices":[{"delta":{"content":"200万元"},"finish_reason":null}]}\n\n'
    'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
    "data: [DONE]\n\n"
)
# A model that finds no answer in any passages it is given.
SSE_NOT_FOUND = (
    'data: {"choices":[{"delta":{"content":"NOT_"},"finish_reason":null}]}\n\n'
    'data: {"choices":[{"delta":{"content":"FOUND"},"finish_reason":null}]}\n\n'
    'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
    "data: [DONE]\n\n"
)


def sse(text: str) -> str:
    """An OpenAI-compatible stream that says text in one piece."""
    return ('data: ' + json.dumps({"choices": [{"delta": {"content": text}, "finish_reason": None}]}, ensure_ascii=False)
            + '\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')


class Handler(BaseHTTPRequestHandler):
    script: ClassVar[str] = ""  # what the "scripted" path answers: a model's misreading, set by the test
    seen_auth: ClassVar[list[str]] = []
    seen_bodies: ClassVar[list[dict]] = []  # every request's JSON, to check what a client sends

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, status: int, body: str, ctype: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client under test already gave up, which is the point of some tests

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        assert body["stream"] is True and body["messages"]
        Handler.seen_auth.append(self.headers.get("Authorization", ""))
        Handler.seen_bodies.append(body)
        kind = self.path.split("/")[1]
        if kind == "ok":
            self._send(200, SSE_OK, "text/event-stream")
        elif kind == "scripted":
            self._send(200, sse(Handler.script), "text/event-stream")
        elif kind == "notfound":
            self._send(200, SSE_NOT_FOUND, "text/event-stream")
        elif kind == "json":
            self._send(200, json.dumps({"choices": [{"message": {"content": "整段回答"}}]}), "application/json")
        elif kind == "e500":
            self._send(500, "internal kaboom, key was " + self.headers.get("Authorization", ""), "text/plain")
        elif kind == "garbage":
            self._send(200, "data: {this is not json\n\n", "text/event-stream")
        elif kind == "garbage-json":
            self._send(200, "<html>hello</html>", "text/html")
        elif kind == "nochoices":
            self._send(200, 'data: {"id": 1}\n\n', "text/event-stream")
        elif kind == "truncated":
            self._send(200, SSE_OK.split("data: {\"choices\":[{\"delta\":{},")[0], "text/event-stream")
        elif kind == "error-event":
            self._send(200, 'data: {"error": {"message": "boom"}}\n\n', "text/event-stream")
        elif kind == "slow":
            time.sleep(3)
            self._send(200, SSE_OK, "text/event-stream")
        elif kind == "stall":
            # Headers and a first token arrive, then the server goes silent.
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(SSE_OK.split("\n\n")[1].encode() + b"\n\n")
            self.wfile.flush()
            time.sleep(3)
        elif kind == "trickle":
            # A long answer: a token every 0.3 s for 2.4 s; a client timing out each read at 0.5 s keeps it.
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for i in range(8):
                self.wfile.write(f'data: {{"choices":[{{"delta":{{"content":"{i}"}},"finish_reason":null}}]}}\n\n'.encode())
                self.wfile.flush()
                time.sleep(0.3)
            self.wfile.write(b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')


@contextmanager
def fake_endpoint() -> Iterator[str]:
    """The Handler above on a free loopback port; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def answer_is_grounded(answer) -> bool:
    """Whether every amount and year of an Answer is stated in a passage its sentence cites."""
    from rag.answer.grounding import figure_support

    total, grounded = figure_support(answer)
    return total == grounded
