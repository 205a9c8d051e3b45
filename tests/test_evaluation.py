"""`python -m rag eval` on the real corpus and index: metrics, files, thresholds, a stale index refused."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag import Answerer
from rag.evaluate.run import evaluate_answers, evaluate_retrieval, retrieval_query
from rag.evaluate.metrics import load_questions

from helpers import ROOT

QUESTIONS = load_questions(ROOT / "eval" / "questions.jsonl")


def _eval(*args, index, cwd=ROOT):
    env = os.environ | {"RAG_LLM": "extractive"}
    return subprocess.run([sys.executable, "-m", "rag", "--index", str(index), "eval", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def quick_run(built_index, tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    done = _eval("--quick", "--results", str(results), index=built_index)
    return done, results


@pytest.mark.slow  # 31 s measured on 2 busy cores
def test_quick_run_passes_its_thresholds_and_writes_both_files(quick_run):
    done, results = quick_run
    assert done.returncode == 0, done.stderr
    (json_file,) = results.glob("*-quick.json")
    assert json_file.with_suffix(".md").exists()
    data = json.loads(json_file.read_text(encoding="utf-8"))
    assert set(data["retrieval"]) == {"bm25", "dense", "hybrid"}
    assert list(data["answers"]) == ["extractive"] and "local" in data["skipped_backends"]
    extractive = data["answers"]["extractive"]
    assert len(extractive["questions"]) == len(QUESTIONS)
    assert extractive["overall"]["grounding"] == 1.0
    assert extractive["not_covered"]["refusal_accuracy"] == 1.0
    # Fusion is measured side by side with each retriever alone and beats both on MRR.
    mrr = {mode: data["retrieval"][mode]["overall"]["mrr"] for mode in ("bm25", "dense", "hybrid")}
    assert mrr["hybrid"] > max(mrr["bm25"], mrr["dense"])
    assert all(c["passed"] is not False for c in data["thresholds"])
    assert "检索 hybrid" in done.stdout and "回答 extractive" in done.stdout


@pytest.mark.slow  # 19 s measured on 2 busy cores
def test_a_second_run_is_compared_with_the_first(quick_run, built_index):
    _, results = quick_run
    done = _eval("--quick", "--type", "figure", "--results", str(results), index=built_index)
    newest = sorted(results.glob("*.json"))[-1]
    data = json.loads(newest.read_text(encoding="utf-8"))
    assert data["previous"] is not None and data["previous"] != newest.name
    assert "## Compared with the previous run" in newest.with_suffix(".md").read_text(encoding="utf-8")
    assert done.returncode in (0, 1)


@pytest.mark.slow  # 16 s measured on 2 busy cores
def test_falling_below_a_threshold_exits_non_zero(built_index, tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text('[min]\n"answers.extractive.overall.right" = 0.99\n', encoding="utf-8")
    done = _eval("--quick", "--type", "entity", "--thresholds", str(strict), "--results", str(tmp_path),
                 index=built_index)
    assert done.returncode == 1
    assert "低于门槛：answers.extractive.overall.right" in done.stderr


def test_a_stale_index_is_refused_not_rebuilt(index_copy, tmp_path):
    (index_copy / "manifest.json").unlink(missing_ok=True)
    current = (index_copy / "CURRENT").read_text().strip()
    manifest = index_copy / current / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["corpus_hash"] = "0" * 64  # the corpus changed since this index was built
    manifest.write_text(json.dumps(data), encoding="utf-8")
    done = _eval("--quick", "--results", str(tmp_path / "r"), index=index_copy)
    assert done.returncode == 1
    assert "索引需要重建" in done.stderr and "python -m rag index" in done.stderr
    assert not (tmp_path / "r").exists()
    assert (index_copy / "CURRENT").read_text().strip() == current  # nothing was rebuilt


def test_a_missing_questions_file_is_one_line(built_index, tmp_path):
    done = _eval("--questions", str(tmp_path / "none.jsonl"), index=built_index)
    assert done.returncode == 1
    assert done.stderr.startswith("错误：") and "Traceback" not in done.stderr


def test_follow_ups_are_searched_with_their_subject():
    q = next(q for q in QUESTIONS if q.type == "followup")
    assert retrieval_query(q) != q.question


def test_in_process_run_by_type(report):
    subset = [q for q in QUESTIONS if q.type in ("figure", "not_covered")][:30]
    retrieval = evaluate_retrieval(report, subset, modes=("hybrid",))
    assert set(retrieval["hybrid"]) >= {"overall", "figure", "questions"}
    answers = evaluate_answers(Answerer(report), subset, "extractive")
    assert answers["overall"]["n"] == len(subset)
    assert {r["outcome"] for r in answers["questions"]} <= {"right", "wrong_items", "wrong_citation",
                                                           "false_refusal", "refused", "answered_uncovered"}


@pytest.mark.slow
def test_full_run_evaluates_every_usable_backend(report, llama_server, model_path):
    import dataclasses

    from helpers import SECRET
    from rag import Report
    from rag.evaluate.run import available_backends, run

    settings = dataclasses.replace(report.settings, openai_base_url=llama_server, openai_api_key=SECRET,
                                   openai_model="qwen", llm_timeout=120)
    served = Report(settings=settings, auto_rebuild=False)
    assert available_backends(served, quick=False) == (["extractive", "local", "openai"], {})
    sample = [next(q for q in QUESTIONS if q.id == "fig-001"), next(q for q in QUESTIONS if q.type == "not_covered")]
    results = run(served, sample, backends=["local", "openai"])
    for backend in ("local", "openai"):
        rows = results["answers"][backend]["questions"]
        assert [r["outcome"] for r in rows] == ["right", "refused"], rows
        assert results["answers"][backend]["overall"]["grounding"] == 1.0
