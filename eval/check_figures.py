"""Precision of the figures table against a judged checklist: rows drawn at random from the table over the
report excerpt and the six generated test documents, each judged by a person against its sentence.

    python eval/check_figures.py            # re-extract, compare with the judgements, exit 1 below 0.95
    python eval/check_figures.py --draw 110 # write eval/figures_checklist.draft.jsonl to judge (a new sample)

A checklist line: source, sentence, raw (the figure as printed) locate the row; labels (every label judged right
for it, as the extractor may word it), subject, unit and value are the judged truth; note says why when the
extractor's own wording was judged wrong. A row is right when the extractor now gives one of the labels, the
subject, the unit and the value.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.ingest.facts import Figure, table_of  # noqa: E402
from rag.ingest.pipeline import ingest  # noqa: E402

CHECKLIST = ROOT / "eval" / "figures_checklist.jsonl"
FOLDERS = [ROOT / "corpus"] + [ROOT / "tests" / "documents" / name for name in
                               ("word", "book", "two-column", "slides", "financial", "traditional")]
TARGET = 0.95


def table() -> list[tuple[str, Figure]]:
    """(source file, row) for every row of every folder's figures table."""
    out = []
    for folder in FOLDERS:
        passages = list(ingest(folder, 200).passages)
        source = {p.id: p.source for p in passages}
        out += [(source[f.passage_id], f) for f in table_of(passages)]
    return out


def _key(source: str, row: Figure) -> str:
    return hashlib.sha1(f"{source}\n{row.sentence}\n{row.raw}".encode()).hexdigest()


def draw(n: int) -> Path:
    """The n rows first in hash order: a fixed random sample that a change of the extractor barely moves."""
    rows = sorted(table(), key=lambda sr: _key(*sr))[:n]
    draft = CHECKLIST.with_suffix(".draft.jsonl")
    with open(draft, "w", encoding="utf-8") as f:
        for source, row in rows:
            f.write(json.dumps({"source": source, "sentence": row.sentence, "raw": row.raw, "labels": [row.measure],
                                "subject": row.subject, "unit": row.unit, "value": row.value, "note": ""},
                               ensure_ascii=False) + "\n")
    return draft


def check() -> tuple[float, list[str]]:
    now = {(source, row.sentence, row.raw): row for source, row in table()}
    judged = [json.loads(line) for line in CHECKLIST.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrong = []
    for item in judged:
        row = now.get((item["source"], item["sentence"], item["raw"]))
        if row is None:
            wrong.append(f"missing: {item['raw']} in {item['sentence'][:40]}")
        elif not (row.measure in item["labels"] and row.subject == item["subject"] and row.unit == item["unit"]
                  and abs(row.value - item["value"]) < 1e-6):
            wrong.append(f"{item['raw']}: {row.measure} / {row.subject} / {row.unit} / {row.value} — judged "
                         f"{' | '.join(item['labels'])} / {item['subject']} / {item['unit']} / {item['value']}"
                         + (f" ({item['note']})" if item["note"] else ""))
    return (len(judged) - len(wrong)) / len(judged), wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draw", type=int, metavar="N", help="write a draft checklist of N rows to judge")
    args = parser.parse_args()
    if args.draw:
        print(draw(args.draw))
        return 0
    precision, wrong = check()
    for line in wrong:
        print("wrong:", line)
    print(f"precision {precision:.3f} on {CHECKLIST.name} (target {TARGET})")
    return 0 if precision >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
