"""The line for a one-at-a-time model: callers served in the order they came, the place freed on failure."""
from __future__ import annotations

import threading
import time

import pytest

from rag.answer.line import Line


def _hold(line: Line, entered: list, name: str, release: threading.Event) -> threading.Thread:
    def run():
        with line.turn():
            entered.append(name)
            release.wait(5)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_callers_are_served_one_at_a_time_in_the_order_they_came():
    line, entered, release = Line(), [], threading.Event()
    threads = []
    for name in "abc":
        threads.append(_hold(line, entered, name, release))
        while len(line) < len(threads):
            time.sleep(0.01)
    assert entered == ["a"] and len(line) == 3  # b and c wait behind a
    release.set()
    for thread in threads:
        thread.join(5)
    assert entered == ["a", "b", "c"] and len(line) == 0


def test_a_place_is_given_up_when_its_holder_fails():
    line = Line()
    with pytest.raises(RuntimeError):
        with line.turn():
            raise RuntimeError("the model failed")
    assert len(line) == 0
    with line.turn():
        assert len(line) == 1


def test_a_waiter_wakes_when_the_line_gets_shorter_not_at_its_time_out():
    line, entered, release = Line(), [], threading.Event()
    holder = _hold(line, entered, "a", release)
    while len(line) < 1:
        time.sleep(0.01)
    assert line.wait_shorter(1, 0.05) == 1  # still there after the time-out
    threading.Timer(0.2, release.set).start()
    started = time.perf_counter()
    assert line.wait_shorter(1, 5) == 0
    assert time.perf_counter() - started < 2
    holder.join()
