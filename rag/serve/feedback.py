"""Feedback on answers, one JSON line each, appended to a local file maintainers turn into eval questions."""
from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from pathlib import Path

from rag.answer.types import Answer

# Stored key -> what the button says; the key is what maintainers filter on.
RATINGS = {"useful": "有用", "wrong_figure": "数字有误", "wrong_source": "出处有误"}
MAX_COMMENT_CHARS = 1000

_lock = threading.Lock()


def answer_fields(answer: Answer, history: list[tuple[str, str]]) -> dict:
    """What a line says of an answer (feedback and the question log alike): the question, what was shown, where
    each [n] pointed."""
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "question": answer.question,
        "history": [list(turn) for turn in history],
        "answer": answer.text,
        "citations": [{"n": n, "id": p.id, "citation": p.citation} for n, p in enumerate(answer.citations, 1)],
        "backend": answer.backend,
        "found": answer.found,
    }


def make_record(answer: Answer, history: list[tuple[str, str]], rating: str, comment: str = "") -> dict:
    """One feedback line: the answer's fields and the verdict."""
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}; expected one of {', '.join(RATINGS)}")
    record = answer_fields(answer, history) | {"rating": rating}
    comment = comment.strip()[:MAX_COMMENT_CHARS]
    if comment:
        record["comment"] = comment
    return record


def append(path: Path, record: dict) -> None:
    """Append one line; a thread lock and an exclusive file lock keep lines whole across threads and processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with _lock:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # A last line cut short (crash, hand edit) must not swallow the new one.
            if os.fstat(fd).st_size and os.pread(fd, 1, os.fstat(fd).st_size - 1) != b"\n":
                line = b"\n" + line
            written = 0
            while written < len(line):
                written += os.write(fd, line[written:])
        finally:
            os.close(fd)  # releases the flock too

