"""Writes tests/documents/questions.toml from questions_spec.py: finds the one PDF page that prints each figure and records its printed page number."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from printed_pages import ROOT, page_texts, printed_labels
from questions_spec import DOCUMENTS


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def main() -> None:
    out = ["# Questions over the test documents; written by make/build_questions.py, checked by make/check_questions.py.",
           "# page = the PRINTED page number (what a reader sees on the page), not the PDF index.", ""]
    for doc in DOCUMENTS:
        pdf = ROOT / doc["file"]
        meta = json.loads((pdf.with_suffix(".meta.json")).read_text())
        texts = page_texts(pdf)
        labels = printed_labels(pdf, doc["family"])
        out += ["[[document]]", f"file = {q(doc['file'])}", f"family = {q(doc['family'])}", f"source = {q(doc['source'])}",
                f"title = {q(meta['title'])}", "headings = [" + ", ".join(q(h) for h in meta["headings"]) + "]", ""]
        for question, figure, in_table in doc["questions"]:
            hits = [i for i, t in enumerate(texts) if figure in t]
            total = sum(t.count(figure) for t in texts)
            if total != 1:
                raise SystemExit(f"{doc['file']}: {figure!r} occurs {total} times (pages {hits})")
            label = labels[hits[0]]
            if label is None:
                raise SystemExit(f"{doc['file']}: {figure!r} is on an unnumbered page {hits[0]}")
            page = label if not label.isdigit() else int(label)
            out += ["[[document.question]]", f"q = {q(question)}", f"figure = {q(figure)}",
                    f"page = {page if isinstance(page, int) else q(page)}", f"table = {'true' if in_table else 'false'}", ""]
    (ROOT / "questions.toml").write_text("\n".join(out))
    print("wrote", ROOT / "questions.toml")


if __name__ == "__main__":
    main()
