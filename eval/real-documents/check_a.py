"""Check questions-a.toml against its real PDFs (fetched beside this file; see the `source` of each document).

For every question with a page: its figure (or the code, name or date; spaces and full/half width ignored) is printed
on that page, and on every page in `also_pages`. A page is the number printed on it (read from the page's own footer
or header: "- N -", "— N —", "第 N 页", or a bare number on the last or first line), or "pdf:N" for a page that prints
no number. It also reports (as a warning) any other page that prints the same figure. For computed questions every
operand is printed on its page and the value follows from the operands; for not-covered questions the key words in
NOT_COVERED occur nowhere in the document (pypdf and pdfplumber text, spaces ignored). Every document's sha256 is that
of its file.

    python3 eval/real-documents/check_a.py                  # check everything
    python3 eval/real-documents/check_a.py find FILE TEXT…  # where TEXT is printed (printed page / PDF page)
    python3 eval/real-documents/check_a.py pages FILE       # the printed number read on each PDF page

Needs pypdf and pdfplumber (system python3 with `pip install --user pdfplumber pypdf` will do).
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions-a.toml"
CACHE = Path("/tmp/check_a_cache")

# not-covered question -> words that must occur nowhere in its document (each one absent)
NOT_COVERED = {
    "万里街道办事处2025年在职人员编制数是多少人？": ["在职", "人员编制", "编制数", "实有人数"],
    "万里街道办事处2024年部门决算支出总额是多少？": ["决算"],
    "万里街道2025年部门预算安排了多少政府债务还本付息支出？": ["债务", "还本付息"],
    "《办公软件应用》课程的期末考试成绩占总评成绩的比例是多少？": ["期末", "总评"],
    "课程教学团队中要求具有硕士学位的专职教师比例是多少？": ["硕士", "学位"],
    "本课程对应全国计算机等级考试（NCRE）二级的哪个科目？": ["二级"],
    "上海市财政局2025年为注册会计师考试安排的考务费是多少？": ["考务费"],
    "上海市财政局2023年部门决算支出是多少？": ["2023", "决算支出"],
    "上海市财政局2025年发行地方政府专项债的额度是多少？": ["专项债", "发行额度"],
    "2026年本科专业目录中高职专科“大数据技术”专业的代码是什么？": ["专科", "高职"],
    "目录中“计算机科学与技术”对应的研究生学科代码是什么？": ["研究生", "一级学科"],
    "本科专业目录规定的软件工程专业学费标准是多少？": ["学费", "收费"],
}


def texts(pdf: Path) -> dict[str, list[str]]:
    """Each PDF page's text as pypdf and pdfplumber read it (cached by sha256)."""
    CACHE.mkdir(exist_ok=True)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    cached = CACHE / f"{digest}.json"
    if cached.exists():
        return json.loads(cached.read_text(encoding="utf-8"))
    import pdfplumber
    import pypdf

    with pdfplumber.open(pdf) as doc:
        plumber = [p.extract_text() or "" for p in doc.pages]
    reader = pypdf.PdfReader(pdf)
    out = {"plumber": plumber, "pypdf": [p.extract_text() or "" for p in reader.pages]}
    cached.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def width(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", width(s))


NUMERIC = re.compile(r"[\d,.]+")


def printed_on(figure: str, text: str) -> bool:
    """The figure is printed in the text: a number as a whole number (not inside a longer one), other text with spaces
    and width ignored."""
    f = squash(figure)
    if re.search(r"\d\s+\d", figure):  # a code printed with spaces ("302 09"): spaces as printed, digits bounded
        pat = r"(?<![\d.,])" + r"\s+".join(map(re.escape, figure.split())) + r"(?![\d]|[.,]\d)"
        return bool(re.search(pat, width(text)))
    if NUMERIC.fullmatch(f):
        pat = r"(?<![\d.,])" + re.escape(f) + r"(?![\d]|[.,]\d)"
        spaced = re.sub(r"\s+", " ", width(text))
        if re.search(pat, spaced):
            return True
        joined = re.sub(r"(?<=[\d,.])\s*\n\s*(?=[\d,.])", "", width(text))  # a number broken over two lines
        return bool(re.search(pat, joined))
    return f in squash(text)


FOOTER = [
    re.compile(r"^[-—–－]\s*(\d{1,3})\s*[-—–－]$"),
    re.compile(r"^第\s*(\d{1,3})\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^(\d{1,3})$"),
    re.compile(r"^(\d{1,3})\s*/\s*\d{1,3}$"),
]


def printed_number(text: str) -> str | None:
    """The page number printed in the page's footer (last line) or, failing that, its header (first line)."""
    lines = [width(l).strip() for l in text.splitlines() if l.strip()]
    for line in (lines[-1:] + lines[:1]) if lines else []:
        for pat in FOOTER:
            m = pat.match(line)
            if m:
                return m.group(1)
    return None


def page_map(t: dict[str, list[str]]) -> dict[str, list[int]]:
    """Printed page label -> PDF pages (1-based) that print it; "pdf:N" -> [N] for every page."""
    out: dict[str, list[int]] = {}
    for i, _ in enumerate(t["plumber"]):
        n = printed_number(t["plumber"][i]) or printed_number(t["pypdf"][i])
        if n is not None:
            out.setdefault(str(int(n)), []).append(i + 1)
        out[f"pdf:{i + 1}"] = [i + 1]
    return out


def on_page(figure: str, t: dict[str, list[str]], pdf_pages: list[int]) -> bool:
    return any(printed_on(figure, t[k][p - 1]) for k in t for p in pdf_pages)


def where(figure: str, t: dict[str, list[str]]) -> list[int]:
    return sorted({i + 1 for k in t for i, text in enumerate(t[k]) if printed_on(figure, text)})


def dec(s: str) -> Decimal:
    return Decimal(squash(s).replace(",", ""))


def compute(op: str, a: Decimal, b: Decimal) -> Decimal:
    return {"difference": a - b, "remainder": a - b, "sum": a + b, "ratio": a / b, "share": a / b * 100}[op]


def main() -> int:
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    problems, notes, n_q = [], [], 0
    for doc in data["document"]:
        pdf = HERE / doc["file"]
        if not pdf.exists():
            problems.append(f"{doc['file']}: file missing (see its source)")
            continue
        if hashlib.sha256(pdf.read_bytes()).hexdigest() != doc.get("sha256"):
            problems.append(f"{doc['file']}: sha256 differs")
        t = texts(pdf)
        pages = page_map(t)
        whole = squash("\n".join(t["plumber"] + t["pypdf"]))
        for h in doc.get("headings", []):
            if squash(h) not in whole:
                problems.append(f"{doc['file']}: heading not printed: {h}")
        for q in doc["question"]:
            n_q += 1
            kind, fig = q.get("kind", "figure"), str(q.get("figure", ""))
            label = f"{doc['file']}: {q['q'][:40]}"
            if kind == "not-covered":
                words = NOT_COVERED.get(q["q"])
                if not words:
                    problems.append(f"{label}: no key words listed in NOT_COVERED")
                for w in words or []:
                    if squash(w) in whole:
                        problems.append(f"{label}: key word {w!r} is printed in the document")
                continue
            if kind == "computed":
                ops = q.get("operands", [])
                for o in ops:
                    pp = pages.get(str(o["page"]))
                    if not pp or not on_page(str(o["figure"]), t, pp):
                        problems.append(f"{label}: operand {o['figure']} not on page {o['page']}")
                if len(ops) == 2 and q.get("op") in ("difference", "remainder", "sum", "ratio", "share"):
                    v = compute(q["op"], dec(str(ops[0]["figure"])), dec(str(ops[1]["figure"])))
                    places = len(fig.split(".")[1]) if "." in fig else 0
                    v = v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
                    if v != dec(fig):
                        problems.append(f"{label}: {q['op']} of operands is {v}, not {fig}")
                elif q.get("op") != "bound":
                    problems.append(f"{label}: op {q.get('op')!r} with {len(ops)} operands not checked")
                continue
            claimed = [q["page"], *q.get("also_pages", [])]
            claimed_pdf: set[int] = set()
            for p in claimed:
                pp = pages.get(str(p))
                if not pp:
                    problems.append(f"{label}: no PDF page prints the page number {p}")
                    continue
                claimed_pdf.update(pp)
                if not on_page(fig, t, pp):
                    problems.append(f"{label}: {fig!r} not printed on page {p} (PDF {pp})")
            others = [p for p in where(fig, t) if p not in claimed_pdf]
            if others:
                notes.append(f"{label}: {fig!r} also printed on PDF pages {others}")
    for n in notes:
        print("note:", n)
    for p in problems:
        print("PROBLEM:", p)
    print(f"{n_q} questions in {len(data['document'])} documents; {len(problems)} problems, {len(notes)} notes")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "find":
        t = texts(Path(sys.argv[2]))
        pm = {p[0]: k for k, p in page_map(t).items() if not k.startswith("pdf:")}
        for s in sys.argv[3:]:
            print(s, "->", [f"{pm.get(p, '-')}/pdf:{p}" for p in where(s, t)])
        sys.exit(0)
    if len(sys.argv) > 2 and sys.argv[1] == "pages":
        t = texts(Path(sys.argv[2]))
        for i in range(len(t["plumber"])):
            print(i + 1, printed_number(t["plumber"][i]), printed_number(t["pypdf"][i]))
        sys.exit(0)
    sys.exit(main())
