"""The evaluation question set stays valid against the corpus text (schema, counts, verbatim evidence)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_question_set_is_valid():
    result = subprocess.run([sys.executable, "eval/check_questions.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_feedback_complaints_become_draft_questions(report, tmp_path):
    import json

    from rag import Answerer
    from rag.serve.feedback import append, make_record

    answerer = Answerer(report)
    feedback = tmp_path / "feedback.jsonl"
    for question, rating in (("常州联合体每年的日常运行经费是多少？", "wrong_figure"), ("联合体有多少家企业？", "useful")):
        answer = answerer.stream(question, backend="extractive").answer
        append(feedback, make_record(answer, [], rating, comment="应为2000万元？"))
    done = subprocess.run([sys.executable, "eval/feedback_to_questions.py", str(feedback)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    (draft,) = [json.loads(line) for line in done.stdout.splitlines()]  # the useful one is not a complaint
    assert draft["question"] == "常州联合体每年的日常运行经费是多少？" and draft["type"] == "figure"
    assert draft["answer"] == [] and draft["evidence"] == []  # left for the maintainer to fill in
    assert draft["note"]["rating"] == "wrong_figure" and draft["note"]["comment"] == "应为2000万元？"
    assert "常州" in draft["note"]["sources_given"][0]
