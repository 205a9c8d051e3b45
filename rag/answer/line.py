"""The line of callers waiting for a model that answers one at a time: first come, first served, each with its place."""
from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Line:
    """Places taken in order; a place is left when its holder is served (or fails, or gives up)."""

    def __init__(self) -> None:
        self._numbers = itertools.count()
        self._waiting: list[int] = []  # numbers in order; the first is being served
        self._moved = threading.Condition()

    def __len__(self) -> int:
        """Callers being served or waiting: how many a newcomer has ahead of it."""
        with self._moved:
            return len(self._waiting)

    def wait_shorter(self, than: int, seconds: float) -> int:
        """Wait until fewer than `than` hold places, or `seconds` pass; how many hold places now."""
        with self._moved:
            self._moved.wait_for(lambda: len(self._waiting) < than, timeout=seconds)
            return len(self._waiting)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Enter when every place taken before this one has been left; leave on exit."""
        with self._moved:
            number = next(self._numbers)
            self._waiting.append(number)
            try:
                self._moved.wait_for(lambda: self._waiting[0] == number)
            except BaseException:
                self._waiting.remove(number)
                self._moved.notify_all()
                raise
        try:
            yield
        finally:
            with self._moved:
                self._waiting.remove(number)
                self._moved.notify_all()
