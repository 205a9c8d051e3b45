"""Faults: a full disk while building, a half-deleted or missing index, a model or endpoint failing
mid-answer. Each is detected, said plainly, and leaves the previous index and the service intact."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
import time

import pytest

from helpers import CORPUS, ROOT, fake_endpoint
from rag import Answer, Answerer, IndexStaleError, Report, answerer
from rag.errors import LLMError

# Builds over an existing index in a process that may write only small files: the disk is "full".
DISK_FULL = """
import resource, signal, sys
from rag import Report, IndexBuildError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    Report(sys.argv[1], sys.argv[2], auto_rebuild=False).build()
except IndexBuildError as err:
    print("ERROR", err)
    sys.exit(3)
print("BUILT")
"""


def _current(index_dir):
    return (index_dir / "CURRENT").read_text().strip()


@pytest.mark.slow  # 8 s measured on 2 busy cores
def test_a_full_disk_while_building_leaves_the_previous_index_serving(index_copy):
    before = _current(index_copy)
    done = subprocess.run([sys.executable, "-c", DISK_FULL, str(CORPUS), str(index_copy)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "写入索引失败" in done.stdout and "原有索引未改动" in done.stdout
    assert "Traceback" not in done.stderr
    assert _current(index_copy) == before
    assert not list(index_copy.glob(".build-*"))  # the half-written staging folder is gone
    hits = Report(CORPUS, index_copy, auto_rebuild=False).search("常州联合体每年的日常运行经费是多少？", k=1)
    assert "200万元" in hits[0].text


@pytest.mark.parametrize("lost", ["dense.faiss", "passages.jsonl", "manifest.json"])
def test_a_half_deleted_index_is_refused_with_what_to_run_or_rebuilt(index_copy, lost):
    (index_copy / _current(index_copy) / lost).unlink()
    with pytest.raises(IndexStaleError, match="python -m rag index"):
        Report(CORPUS, index_copy, auto_rebuild=False).search("经费")
    hits = Report(CORPUS, index_copy, auto_rebuild=True).search("常州联合体每年的日常运行经费是多少？", k=1)  # asked: rebuilt
    assert "200万元" in hits[0].text


def test_a_missing_index_folder_is_built_on_first_use_when_asked(tmp_path):
    with pytest.raises(IndexStaleError, match="尚未建立索引"):
        Report(CORPUS, tmp_path / "never-built").search("经费")  # a library search never re-embeds by surprise
    hits = Report(CORPUS, tmp_path / "never-built", auto_rebuild=True).search("常州联合体每年的日常运行经费是多少？", k=1)
    assert "200万元" in hits[0].text


class _FailsMidway:
    """Fault injection around the real local model: a few real tokens, then llama.cpp fails (as on an
    out-of-memory or a corrupt tensor, which cannot be caused on purpose here)."""

    def __init__(self, model):
        self.model = model

    def complete(self, messages, **kw):
        return self.model.complete(messages, **kw)

    def stream(self, messages, **kw):
        for n, piece in enumerate(self.model.stream(messages, **kw)):
            if n == 3:
                raise LLMError("llama.cpp failed: decode returned -1")
            yield piece


@pytest.mark.slow
def test_the_local_model_failing_mid_answer_falls_back_and_says_so(report, model_path):
    from rag.llm.backends import local_model

    real = local_model(report.settings)
    passages_only = dataclasses.replace(report.settings, answer_from_figures=False)  # the model must be asked
    final = Answerer(report, models=lambda backend: _FailsMidway(real),
                     settings=passages_only).ask("常州联合体每年的日常运行经费是多少？", backend="local")
    assert isinstance(final, Answer) and final.backend == "extractive"
    assert "出错" in final.notice and "摘录" in final.notice
    assert final.found and "200万元" in final.text


@pytest.fixture(scope="module")
def failing_endpoint():
    with fake_endpoint() as url:
        yield url


@pytest.mark.parametrize("fault", ["e500", "garbage", "garbage-json", "nochoices", "error-event", "stall", "slow"])
def test_a_failing_endpoint_falls_back_to_extraction_without_hanging(report, failing_endpoint, fault):
    # answer_from_figures off: the table would answer this figure without asking the endpoint at all.
    settings = dataclasses.replace(report.settings, openai_base_url=f"{failing_endpoint}/{fault}/v1",
                                   openai_api_key="sk-never-shown", llm_timeout=1, answer_from_figures=False)
    remote = answerer(Report(CORPUS, report.settings.index_dir, settings=settings, auto_rebuild=False))
    started = time.monotonic()
    final = remote.stream("常州联合体每年的日常运行经费是多少？", backend="openai").answer
    assert time.monotonic() - started < 10  # the configured 1 s time-out, not the server's silence
    assert final.backend == "extractive" and "改用摘录式回答" in final.notice
    assert final.found and "200万元" in final.text
    assert "sk-never-shown" not in final.notice


def test_a_model_that_finds_nothing_leaves_the_quote_when_there_is_one(report, failing_endpoint):
    """A model answering NOT_FOUND to a question a sentence answers (the 1.5B model did, to How many Jiangsu Province
    science and technology awards…, en-013): the quote, labelled; to a question nothing answers: the refusal."""
    settings = dataclasses.replace(report.settings, openai_base_url=f"{failing_endpoint}/notfound/v1",
                                   openai_api_key="sk-never-shown", answer_from_figures=False)
    remote = answerer(Report(CORPUS, report.settings.index_dir, settings=settings, auto_rebuild=False))
    quoted = remote.ask("常州联合体每年的日常运行经费是多少？", backend="openai")
    assert quoted.found and quoted.backend == "extractive" and "200万元" in quoted.text
    assert "摘录" in quoted.notice and quoted.citations[0].page == 71
    english = remote.ask("How much money does the Changzhou city government allocate each year for the consortium's "
                         "daily operations?", backend="openai")
    assert english.found and english.backend == "extractive" and "200万元" in english.text
    assert english.notice.isascii() and "quotes the report" in english.notice
    refused = remote.ask("晋江市域产教联合体目前有多少家成员企业？", backend="openai")
    assert not refused.found and not refused.citations


@pytest.mark.slow  # 46 s measured on 2 busy cores
def test_reindexing_while_serving_fails_no_request(index_copy):
    """Searches run without pause while two new versions are built and published in another process."""
    serving = Report(CORPUS, index_copy, auto_rebuild=False)
    errors, answered, stop = [], [], threading.Event()

    def client():
        while not stop.is_set():
            try:
                hits = serving.search("常州联合体每年的日常运行经费是多少？", k=1)
                answered.append("200万元" in hits[0].text)
            except Exception as err:  # any failure during the swap is what this test exists to catch
                errors.append(repr(err))

    threads = [threading.Thread(target=client) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        versions = set()
        for _ in range(2):
            subprocess.run([sys.executable, "-m", "rag", "--index", str(index_copy), "index"], cwd=ROOT,
                           check=True, capture_output=True, timeout=300)
            versions.add(_current(index_copy))
            time.sleep(0.5)  # let the readers pick the new version up
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert len(versions) == 2 and len(answered) > 20 and all(answered)
    newest = json.loads((index_copy / "manifest.json").read_text(encoding="utf-8"))
    assert serving.manifest().corpus_hash == newest["corpus_hash"]
    assert serving.manifest().built_at == newest["built_at"]  # switched to the newest complete version


def test_a_corrupt_model_file_falls_back_and_says_so(report, model_path, tmp_path):
    broken = tmp_path / "truncated.gguf"
    with open(model_path, "rb") as whole:
        broken.write_bytes(whole.read(1 << 20))  # the real header, then nothing: a download cut short
    settings = dataclasses.replace(report.settings, llm_model_path=str(broken), answer_from_figures=False)
    broken_model = answerer(Report(CORPUS, report.settings.index_dir, settings=settings, auto_rebuild=False))
    final = broken_model.ask("常州联合体每年的日常运行经费是多少？", backend="local")
    assert final.backend == "extractive" and "本地模型" in final.notice and "摘录" in final.notice
    assert final.found and "200万元" in final.text
