"""The evaluation question set stays valid against the corpus text (schema, counts, verbatim evidence)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_question_set_is_valid():
    result = subprocess.run([sys.executable, "eval/check_questions.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
