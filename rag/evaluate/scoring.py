"""Scoring one answer against an evaluation question: required items, cited evidence, refusal."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.figures import extract_figures, is_grounded
from rag.answer.grounding import figure_support
from rag.evaluate.metrics import Question, contains_evidence
from rag.text.normalize import for_search

RIGHT, WRONG_ITEMS, WRONG_CITATION = "right", "wrong_items", "wrong_citation"
FALSE_REFUSAL, REFUSED, ANSWERED_UNCOVERED = "false_refusal", "refused", "answered_uncovered"
OUTCOMES = (RIGHT, WRONG_ITEMS, WRONG_CITATION, FALSE_REFUSAL, REFUSED, ANSWERED_UNCOVERED)
FAILURES = (WRONG_ITEMS, WRONG_CITATION, FALSE_REFUSAL, ANSWERED_UNCOVERED)


@dataclass(frozen=True)
class Score:
    outcome: str  # one of OUTCOMES
    missing: tuple[str, ...]  # required items (first variant) the answer lacks
    evidence_cited: bool | None  # None: nothing to cite (refused, or a not-covered question)
    figures: int  # amounts and years stated in the answer
    grounded: int  # of those, stated in a passage their sentence cites


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", for_search(text)).lower()


def variant_present(variant: str, answer_text: str) -> bool:
    """Literally (spacing and width ignored), or every figure of the variant in any notation (200万元 =
    2,000,000元 = 两百万元 = 2 million yuan) with the rest of the variant's words present too."""
    if _squash(variant) in _squash(answer_text):
        return True
    figures = extract_figures(variant, include_all=True)
    if not figures or not all(is_grounded(f, answer_text) for f in figures):
        return False
    rest = variant
    for f in sorted(figures, key=lambda f: f.start, reverse=True):
        rest = rest[: f.start] + rest[f.end:]
    return _squash(rest) in _squash(answer_text)


def missing_items(question: Question, answer_text: str) -> list[str]:
    """Required items none of whose variants the answer states, named by their first variant."""
    return [item[0] for item in question.answer if not any(variant_present(v, answer_text) for v in item)]


def evidence_cited(question: Question, citations) -> bool:
    """A comparison, ranking or total needs every evidence span in some cited passage; others need one of them."""
    found = [any(contains_evidence(p, span) for p in citations) for span in question.evidence]
    return all(found) if question.type in ("comparison", "ranking", "total") else any(found)


def score(question: Question, answer) -> Score:
    """The outcome of one rag.Answer: right only when every item is there and the evidence is cited."""
    figures, grounded = figure_support(answer)
    if question.type == "not_covered":
        outcome = REFUSED if not answer.found else ANSWERED_UNCOVERED
        return Score(outcome, (), None, figures, grounded)
    if not answer.found:
        return Score(FALSE_REFUSAL, tuple(item[0] for item in question.answer), None, figures, grounded)
    missing = tuple(missing_items(question, answer.text))
    cited = evidence_cited(question, answer.citations)
    outcome = WRONG_ITEMS if missing else RIGHT if cited else WRONG_CITATION
    return Score(outcome, missing, cited, figures, grounded)
