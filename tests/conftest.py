"""Shared fixtures: the real corpus, one real index built once per session, a network guard."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from rag import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORT_FILE = CORPUS / "vocational-education-quality-report-2024-excerpt.txt"
SECRET = "sk-test-secret-4242"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> Path:
    """The real corpus indexed once with the real embedding model; tests copy it, never change it."""
    index_dir = tmp_path_factory.mktemp("index")
    Report(CORPUS, index_dir, auto_rebuild=False).build()
    return index_dir


@pytest.fixture(scope="session")
def report(built_index) -> Report:
    return Report(CORPUS, built_index, auto_rebuild=False)


@pytest.fixture
def index_copy(built_index, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


@pytest.fixture
def mini_corpus(tmp_path, report_text) -> Path:
    """A small real corpus: the table of contents and the 晋江 case only (fast to rebuild)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    start = report_text.index("# 03")
    toc_end = report_text.index("【点评】中联重科")
    jinjiang = report_text.index("## 晋江：")
    (folder / "jinjiang.txt").write_text(report_text[start:toc_end] + report_text[jinjiang:], encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The real Qwen2.5 GGUF, assembled from its PyPI parts (set-up does it; this only verifies)."""
    from rag.llm.model_file import assemble

    return assemble()


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


@pytest.fixture(scope="session")
def llama_server(model_path, tmp_path_factory) -> Iterator[str]:
    """A real OpenAI-compatible server (llama_cpp.server) on a free loopback port, with an API key."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model_path),
        "--host", "127.0.0.1", "--port", str(port), "--chat_format", "chatml",
        "--n_ctx", "4096", "--n_threads", "2", "--api_key", SECRET,
    ]
    base = f"http://127.0.0.1:{port}/v1"
    probe = Request(f"{base}/models", headers={"Authorization": f"Bearer {SECRET}"})
    with serving(cmd, probe, tmp_path_factory.mktemp("server") / "server.log", timeout=120):
        yield base
