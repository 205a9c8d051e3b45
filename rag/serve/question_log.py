"""The maintainers' question log (off unless [web] log_questions = true): one JSON line per answer, appended
under a lock, rotated by size, with no login name or address unless log_identity is set."""
from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from rag.answer.types import Answer
from rag.serve import feedback

_rotating = threading.Lock()


@dataclass(frozen=True)
class Asker:
    """Who asked, recorded only when log_identity is set: the login name and the client address."""
    user: str = ""
    address: str = ""


def make_record(answer: Answer, history: list[tuple[str, str]], asker: Asker | None = None) -> dict:
    """One line: the feedback file's fields (so eval/feedback_to_questions.py reads it too), no rating, plus the
    index version and the notice."""
    record = feedback.answer_fields(answer, history) | {"notice": answer.notice, "index_version": answer.index_version}
    if asker is not None:
        record |= {"user": asker.user, "address": asker.address}
    return record


def rotate(path: Path, max_bytes: int) -> None:
    """Over max_bytes (0: never), the log becomes path.1 (replacing an older one) and a new log starts."""
    if max_bytes <= 0:
        return
    with _rotating:
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # the same lock appends take: no line is cut by the rename
            if os.fstat(fd).st_size >= max_bytes and path.exists() and os.path.samestat(os.fstat(fd), path.stat()):
                os.replace(path, path.with_name(path.name + ".1"))
        finally:
            os.close(fd)


def append(path: Path, record: dict, max_bytes: int) -> None:
    """Rotate when due, then append the line (the feedback file's locked append)."""
    rotate(path, max_bytes)
    feedback.append(path, record)
