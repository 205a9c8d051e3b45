"""Follow-up questions: history checked and trimmed, and questions that point back made standalone."""
from __future__ import annotations

import re
from collections.abc import Sequence

from rag.errors import QueryError
from rag.retrieve.query import after_previous, points_back

MAX_TURNS = 3  # the condensation prompt only needs the last few turns
MAX_TURN_CHARS = 600


def clean_history(history) -> list[tuple[str, str]]:
    """Accepts [(question, answer), …] (lists or tuples); keeps the last turns that fit."""
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise QueryError("对话历史格式错误：应为 [(问题, 回答), …] 列表（history must be a list of pairs）")
    turns = []
    for turn in history:
        if (not isinstance(turn, (list, tuple)) or len(turn) != 2
                or not all(isinstance(x, str) or x is None for x in turn)):
            raise QueryError("对话历史格式错误：每一轮应为 (问题, 回答)（each history turn must be a pair of strings）")
        question, answer = (x or "" for x in turn)
        if question.strip():
            turns.append((question.strip()[:MAX_TURN_CHARS], answer.strip()[:MAX_TURN_CHARS]))
    return turns[-MAX_TURNS:]


def heuristic_standalone(question: str, history: Sequence[tuple[str, str]]) -> str:
    """Without a usable rewrite: the previous question supplies what 它/此 refers to."""
    return after_previous(history[-1][0], question) if history else question


def without_model(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The question made standalone with no model: a follow-up takes its subject from the previous turn."""
    return heuristic_standalone(question, history) if history and points_back(question) else question


_ASKS = re.compile(r"[？?]|多少|哪|什么|谁|几|如何|怎么|怎样|是否|吗|\b(?:what|which|who|how|when|where|why)\b", re.I)


def acceptable_rewrite(rewrite: str, question: str) -> bool:
    """A rewrite that is empty, an answer rather than a question, or far too long is not used."""
    rewrite = rewrite.strip()
    return (bool(rewrite) and "NOT_FOUND" not in rewrite and bool(_ASKS.search(rewrite))
            and len(rewrite) <= max(3 * len(question), 80))
