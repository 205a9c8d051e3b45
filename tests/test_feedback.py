"""Feedback lines: what each records, and that appends from many threads and processes keep every line whole."""
from __future__ import annotations

import json
import multiprocessing
import threading

import pytest

from rag import Answer
from rag.serve.feedback import RATINGS, append, make_record


@pytest.fixture
def answer(report) -> Answer:
    passage = report.search("常州联合体每年的日常运行经费是多少？", k=1)[0]
    return Answer(text="常州联合体每年的日常运行经费是200万元[1]。", citations=[passage], found=True, backend="local",
                  question="常州联合体每年的日常运行经费是多少？")


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_record_holds_question_history_answer_citations_and_rating(answer):
    history = [("常州联合体由谁牵头？", "常州工业职业技术学院和万帮数字能源[1]。")]
    record = make_record(answer, history, "wrong_figure", "  应为2000万元  ")
    assert record["question"] == "常州联合体每年的日常运行经费是多少？"
    assert record["history"] == [list(history[0])]
    assert record["answer"] == answer.text
    assert record["citations"] == [{"n": 1, "id": answer.citations[0].id, "citation": answer.citations[0].citation}]
    assert "第71页起" in record["citations"][0]["citation"]
    assert (record["backend"], record["found"], record["rating"], record["comment"]) == (
        "local", True, "wrong_figure", "应为2000万元")
    assert record["time"][:2] == "20"
    json.dumps(record, ensure_ascii=False)  # one JSON line


def test_empty_comment_is_left_out_and_unknown_rating_refused(answer):
    assert "comment" not in make_record(answer, [], "useful", "   ")
    with pytest.raises(ValueError):
        make_record(answer, [], "great")
    assert set(RATINGS) == {"useful", "wrong_figure", "wrong_source"}


def test_append_creates_the_folder_and_keeps_earlier_lines(tmp_path, answer):
    path = tmp_path / "eval" / "feedback" / "feedback.jsonl"
    append(path, make_record(answer, [], "useful"))
    append(path, make_record(answer, [], "wrong_source", "出处应为第76页"))
    records = lines(path)
    assert [r["rating"] for r in records] == ["useful", "wrong_source"]
    assert records[1]["comment"] == "出处应为第76页"
    assert "200万元" in path.read_text(encoding="utf-8")  # Chinese stays readable, not \\u-escaped


def test_a_cut_off_last_line_does_not_swallow_the_next(tmp_path, answer):
    path = tmp_path / "feedback.jsonl"
    path.write_text('{"rating": "useful"}\n{"rating": "wro', encoding="utf-8")
    append(path, make_record(answer, [], "wrong_figure"))
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[:2] == ['{"rating": "useful"}', '{"rating": "wro']
    assert json.loads(text[2])["rating"] == "wrong_figure"


def _append_many(path, record, worker: int, count: int) -> None:
    for i in range(count):
        append(path, record | {"comment": f"{worker}-{i}"})


def test_concurrent_appends_from_threads_and_processes_lose_nothing(tmp_path, answer):
    path = tmp_path / "feedback.jsonl"
    # Long lines (the whole passage text) make torn writes likely if appends were not atomic.
    record = make_record(answer, [], "useful") | {"padding": answer.citations[0].text * 20}
    threads = [threading.Thread(target=_append_many, args=(path, record, f"t{w}", 40)) for w in range(6)]
    processes = [multiprocessing.get_context("fork").Process(target=_append_many, args=(path, record, f"p{w}", 40))
                 for w in range(2)]
    for worker in processes + threads:  # fork first: a child forked while a thread holds the lock would hang
        worker.start()
    for worker in threads + processes:
        worker.join()
    assert all(p.exitcode == 0 for p in processes)
    records = lines(path)  # every line parses: none interleaved
    assert len(records) == 8 * 40
    assert {r["comment"] for r in records} == {f"{w}-{i}" for w in [*(f"t{n}" for n in range(6)), "p0", "p1"]
                                                for i in range(40)}
