"""Checks tests/documents/questions.toml against the PDFs: each figure is printed once, on the PDF page whose printed number is `page`.

Run: .venv/bin/python tests/documents/make/check_questions.py   (exit status 1 on any failure)
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from printed_pages import ROOT, page_texts, printed_labels

FAMILIES = {"word", "book", "two-column", "slides", "financial", "traditional", "real"}


def check() -> list[str]:
    data = tomllib.loads((ROOT / "questions.toml").read_text())
    problems: list[str] = []
    total = tables = 0
    for doc in data["document"]:
        pdf = ROOT / doc["file"]
        if doc["family"] not in FAMILIES:
            problems.append(f"{doc['file']}: unknown family {doc['family']}")
        if not pdf.exists():
            problems.append(f"{doc['file']}: missing")
            continue
        texts = page_texts(pdf)
        labels = printed_labels(pdf, doc["family"])
        # printed page -> PDF index; a printed number must name one page only
        index = {}
        for i, label in enumerate(labels):
            if label is not None:
                if label in index:
                    problems.append(f"{doc['file']}: printed page {label} occurs twice")
                index[label] = i
        questions = doc.get("question", [])
        if len(questions) < 6:
            problems.append(f"{doc['file']}: only {len(questions)} questions")
        whole = "\n".join(texts)
        for item in questions:
            total += 1
            tables += item["table"]
            figure, page = item["figure"], str(item["page"])
            if page not in index:
                problems.append(f"{doc['file']}: no page printed {page} ({figure})")
                continue
            if figure not in texts[index[page]]:
                problems.append(f"{doc['file']}: {figure!r} not on printed page {page} (PDF page {index[page] + 1})")
            if whole.count(figure) != 1:
                problems.append(f"{doc['file']}: {figure!r} printed {whole.count(figure)} times, not once")
        flat = "".join(whole.split())
        for heading in doc["headings"]:
            if "".join(heading.split()) not in flat:
                problems.append(f"{doc['file']}: heading {heading!r} not in the text")
    if total < 60:
        problems.append(f"only {total} questions in all")
    if tables * 3 < total:
        problems.append(f"only {tables} of {total} questions are about table cells")
    print(f"{len(data['document'])} documents, {total} questions, {tables} about table cells")
    return problems


if __name__ == "__main__":
    found = check()
    for p in found:
        print("FAIL", p)
    print("ok" if not found else f"{len(found)} problems")
    sys.exit(1 if found else 0)
