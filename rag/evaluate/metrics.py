"""Retrieval metrics over a question set: where the evidence span ranks among the passages."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from rag.passage import Passage
from rag.text.normalize import for_search


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    question: str
    evidence: tuple[str, ...]
    answer: tuple[tuple[str, ...], ...]
    history: tuple[tuple[str, str], ...] = ()
    case: str = ""
    section: str = ""
    page: int | None = None


def load_questions(path: Path) -> list[Question]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            # "computed" items (a difference, a sum) are required like the printed ones.
            out.append(Question(d["id"], d["type"], d["question"], tuple(d.get("evidence", [])),
                                tuple(tuple(v) for v in d.get("answer", []) + d.get("computed", [])),
                                tuple(tuple(h) for h in d.get("history", [])),
                                d.get("case", ""), d.get("section", ""), d.get("page")))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", for_search(text))


def contains_evidence(passage: Passage, evidence: str) -> bool:
    """Spacing differences (1 200 vs 1200) do not hide the evidence; headings count as the passage's."""
    return _squash(evidence) in _squash(passage.heading_path() + passage.text)


def evidence_rank(passages: list[Passage], evidence: tuple[str, ...]) -> int | None:
    """1-based rank of the first passage holding any of the evidence spans."""
    for rank, p in enumerate(passages, 1):
        if any(contains_evidence(p, e) for e in evidence):
            return rank
    return None


def summarise(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 3),
        "hit@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 3),
        "mrr": round(mean([1 / r if r else 0.0 for r in ranks]) if ranks else 0.0, 3),
    }
