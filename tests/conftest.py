"""Shared fixtures: the real corpus, one real index built once per session, a network guard."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
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


PG_BIN = Path(os.environ.get("RAG_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_cluster_owner() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its binaries as the Debian package's postgres user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("以 root 运行且没有 postgres 用户（running as root without a postgres user）")
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on a free loopback port, trust auth, stopped afterwards."""
    if not (PG_BIN / "initdb").is_file():
        pytest.skip(f"没有 PostgreSQL 程序 {PG_BIN}（apt-get install postgresql postgresql-15-pgvector）")
    owner = _as_cluster_owner()
    # Not under pytest's tmp_path: its parents are private to root, and the cluster runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="rag-pg-"))
    if owner:
        shutil.chown(base, "postgres")
    data, port = base / "data", free_port()
    run = dict(check=True, capture_output=True, text=True)
    subprocess.run(owner + [str(PG_BIN / "initdb"), "-D", str(data), "-U", "rag", "--auth=trust", "-E", "UTF8"], **run)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
    pg_ctl = owner + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "60"]
    subprocess.run(pg_ctl + ["-l", str(base / "log"), "-o", options, "start"], **run)
    dsn = f"postgresql://rag@127.0.0.1:{port}/postgres"
    try:
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            except psycopg.Error as err:
                pytest.fail(f"pgvector 扩展不可用（apt-get install postgresql-15-pgvector）：{err}")
        yield dsn
    finally:
        subprocess.run(pg_ctl + ["-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
