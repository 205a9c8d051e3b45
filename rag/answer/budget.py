"""The answer prompt within the model's context window: passages kept in rank order, a long one trimmed around
the sentences that match the question (whole sentences, "…" where text is left out), the rest dropped."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.answer.chat import Message
from rag.passage import Passage
from rag.text import keywords
from rag.text.figures import extract_figures, is_grounded

Counter = Callable[[str], int]  # text -> tokens, as the model counts them
Build = Callable[[list[Passage]], list[Message]]  # the passages given -> the messages put to the model

# A chat template wraps each message in role markers: Qwen's ChatML adds 5 tokens (<|im_start|>system\n …
# <|im_end|>\n) and the reply's opening <|im_start|>assistant\n 3; 8 each also covers Llama 3's headers.
MESSAGE_OVERHEAD = 8
# Tokens kept free besides the answer's: counting a prompt piece by piece can differ from counting it whole
# where a piece boundary splits a merge (measured with Qwen2.5: at most a token or two per piece).
SAFETY_MARGIN = 32
GAP = "…"
# A sentence ends at 。！？； (and closing quotes after them), at an English full stop before a space, or a line end.
_SENTENCE = re.compile(r".*?(?:[。！？；!?]+[”’」』）)\]]*|\.(?=\s)|\n|$)", re.S)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """An estimate where no tokenizer is at hand: one token per CJK character, one per 4 other characters.

    Generous on purpose, so that an estimated prompt is not longer in truth: on corpus/ (4,856 characters)
    Qwen2.5 counts 2,938 tokens and this 4,267 (1.45×), on no paragraph less than 1.05× the real count."""
    cjk = len(_CJK.findall(text))
    return cjk + -(-(len(text) - cjk) // 4)


def prompt_tokens(messages: list[Message], count: Counter) -> int:
    """The tokens of the prompt the model reads: every content plus the chat template's markers."""
    return sum(count(m["content"]) + MESSAGE_OVERHEAD for m in messages) + MESSAGE_OVERHEAD


def prompt_budget(window: int, reserve: int, margin: int = SAFETY_MARGIN) -> int:
    """Tokens the prompt may take: the context window less the answer's max_tokens and a safety margin."""
    return window - reserve - margin


@dataclass(frozen=True)
class Fitted:
    """What the model is given: `given[n-1]` is the passage numbered [n] in the prompt (its text maybe trimmed),
    `sources[n-1]` the same passage whole, as retrieved (for citations)."""
    given: list[Passage]
    sources: list[Passage]
    tokens: int  # the prompt's tokens as counted
    dropped: int = 0  # passages left out: not one sentence of them fitted
    trimmed: int = 0  # passages given in part


def sentences(text: str) -> list[str]:
    """The text in whole sentences; joined they give the text back."""
    out: list[str] = []
    for s in _SENTENCE.findall(text):
        if out and not s.strip():
            out[-1] += s  # a blank line belongs to the sentence before it
        elif s:
            out.append(s)
    return out


def _scores(parts: list[str], question: str) -> list[int]:
    """How much of the question each sentence holds: its keywords, and its figures counted double."""
    words = set(keywords.tokens(question))
    figures = extract_figures(question)
    return [len(words & set(keywords.tokens(s))) + 2 * sum(is_grounded(f, s) for f in figures) for s in parts]


def trim(text: str, question: str, limit: int, count: Counter) -> str:
    """Whole sentences of `text` within `limit` tokens: those matching the question first, then their
    neighbours, in the order they stand, "…" where sentences are left out; "" when not even one fits."""
    parts = sentences(text)
    scores = _scores(parts, question)
    best = max(scores, default=0)
    anchors = [i for i, s in enumerate(scores) if s == best] if best else [0]  # nothing matches: the opening
    # Matching sentences first (best first), then the opening one (it often names the subject, or is a table's
    # caption), then outwards from the best ones, the following before the preceding.
    order = sorted(range(len(parts)), key=lambda i: (-scores[i], i != 0, min(abs(i - a) * 2 + (i < a) for a in anchors)))
    cost = [count(p) for p in parts]
    marks = {mark: count(mark) for mark in (GAP, GAP + "\n")}
    chosen: set[int] = set()
    for i in order:
        if not chosen and scores[i] < best:
            return ""  # not one best-matching sentence fits: the rest alone would not answer
        trial = chosen | {i}
        if sum(cost[j] for j in trial) + sum(marks[m] for m in _marks(parts, trial)) <= limit:
            chosen = trial
    return _render(parts, chosen)


def _marks(parts: list[str], chosen: set[int]) -> list[str]:
    """The "…" standing for each run of sentences left out, at the run's last sentence."""
    return [GAP + ("\n" if part.endswith("\n") else "") for i, part in enumerate(parts)
            if i not in chosen and (i + 1 == len(parts) or i + 1 in chosen)]


def _render(parts: list[str], chosen: set[int]) -> str:
    """The chosen sentences in order; each run left out becomes one "…" (on its own line where lines were left out)."""
    if not chosen:
        return ""
    marks = iter(_marks(parts, chosen))
    return "".join(part if i in chosen else next(marks) for i, part in enumerate(parts)
                   if i in chosen or i + 1 == len(parts) or i + 1 in chosen)


def capped(passage: Passage, question: str, cap: int, count: Counter) -> Passage:
    """The passage cut to its sentences that match the question within `cap` tokens (0: whole); where its best
    sentence alone is longer, within twice or four times the cap, else whole."""
    for limit in (cap, 2 * cap, 4 * cap) if cap > 0 else ():
        if count(passage.text) <= limit:
            break
        if text := trim(passage.text, question, limit, count):
            return dataclasses.replace(passage, text=text)
    return passage


def fit(question: str, passages: list[Passage], build: Build, count: Counter, budget: int, cap: int = 0) -> Fitted:
    """The passages, in rank order, that `build` turns into a prompt of at most `budget` tokens, each first cut to
    its sentences matching the question within `cap` tokens (0: whole).

    A prompt that fits is left as it was. Otherwise each passage in turn is added whole if it fits, else trimmed
    to the room left, else dropped (not even its best sentence fits)."""
    whole = {p.id: p for p in passages}
    cut = [capped(p, question, cap, count) for p in passages]
    tokens = prompt_tokens(build(cut), count)
    given: list[Passage] = []
    if tokens <= budget:
        given = cut
    else:
        for passage in cut:
            if prompt_tokens(build([*given, passage]), count) <= budget:
                given.append(passage)
                continue
            bare = dataclasses.replace(passage, text="")
            room = budget - prompt_tokens(build([*given, bare]), count)
            while room > 0:
                text = trim(passage.text, question, room, count)
                if not text:
                    break
                part = dataclasses.replace(passage, text=text)
                over = prompt_tokens(build([*given, part]), count) - budget
                if over <= 0:
                    given.append(part)
                    break
                room -= over  # counted whole, the pieces took a little more than summed: try with less
        tokens = prompt_tokens(build(given), count) if given else 0
    return Fitted(given, [whole[p.id] for p in given], tokens, dropped=len(passages) - len(given),
                  trimmed=sum(1 for p in given if p.text != whole[p.id].text))
