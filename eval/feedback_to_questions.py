"""Turn the web chat's complaints (feedback JSONL) into draft evaluation questions to complete by hand.

Usage:  python eval/feedback_to_questions.py FEEDBACK.jsonl [--all] >> drafts.jsonl

Every line rated other than useful becomes one draft in the format of questions.jsonl, with `answer` and
`evidence` empty and a `note` holding the rating, the answer given and its sources. Fill in `answer` and
`evidence` from the report (or set type "not_covered"), delete `note`, append the line to
questions.jsonl and run `python eval/check_questions.py`.
"""
import argparse
import json
import re
import sys
from pathlib import Path

USEFUL = {"useful", "有用"}
PREFIX = {"figure": "fig", "followup": "fu", "english": "en"}


def draft(record: dict, n: int) -> dict:
    question = record.get("question", "")
    history = record.get("history") or []
    kind = "followup" if history else "english" if re.fullmatch(r"[\x00-\x7f]+", question) else "figure"
    sources = [c.get("citation", "") if isinstance(c, dict) else str(c) for c in record.get("citations", [])]
    return {
        "id": f"{PREFIX[kind]}-feedback-{n:03d}", "type": kind, "question": question,
        "history": [list(turn)[:2] for turn in history], "answer": [], "evidence": [],
        "case": "", "section": "", "page": None,
        "note": {"rating": record.get("rating"), "comment": record.get("comment", ""),
                 "answer_given": record.get("answer", ""), "sources_given": sources,
                 "backend": record.get("backend"), "time": record.get("time")},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feedback", type=Path)
    parser.add_argument("--all", action="store_true", help="also answers rated useful (to pin them down)")
    args = parser.parse_args()
    n = 0
    for line_no, line in enumerate(args.feedback.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            print(f"line {line_no}: not JSON, skipped", file=sys.stderr)
            continue
        if args.all or record.get("rating") not in USEFUL:
            n += 1
            print(json.dumps(draft(record, n), ensure_ascii=False))
    print(f"{n} draft question(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
