"""Check questions-b.toml against its real PDFs (each fetched beside this file; its `source` says from where).

For every document: the file's sha256 is the one recorded, and every listed heading is printed in it.
For every question with a page: the figure (a number as a whole number, not inside a longer one; a code, name or
date with spaces and full/half width ignored) is printed on that printed page and on every page in `also_pages`;
other pages printing the same figure are reported as notes. A printed page is the number read in the page's footer
("第 N页【 66页】", "- N -", "— N —", "第 N 页", or a bare number on the first or last line); "pdf:N" is the
PDF's N-th page. Where ROW names the row a table figure belongs to, the figure must be printed on a line of that page
that also prints the row's name (pypdf or pdfplumber text). Computed questions: every operand is printed on its page
and the value follows from the operands (difference, remainder, sum, ratio, share, bound). Not-covered questions:
none of the key words in NOT_COVERED is printed anywhere in the document.

    python3 eval/real-documents/check_b.py                 # check everything
    python3 eval/real-documents/check_b.py find FILE TEXT  # where TEXT is printed (PDF page -> printed page)
    python3 eval/real-documents/check_b.py pages FILE      # the printed number read on each PDF page

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
QUESTIONS = HERE / "questions-b.toml"
CACHE = Path("/tmp/check_b_cache")

# not-covered question -> key words, none of which may be printed in its document
NOT_COVERED: dict[str, list[str]] = {
    # hubei-2024-physics-admission-lines.pdf
    "2024年湖北本科普通批（首选物理）中，深圳职业技术大学第01组计划招生多少人？": ["计划数", "招生人数", "计划人数", "录取人数", "人数"],
    "2024年湖北首选历史类本科普通批，北京大学的投档线是多少分？": ["历史"],
    "2024年湖北高职高专（专科）批，武汉职业技术学院的投档线是多少？": ["专科", "高职", "武汉职业技术学院"],
    "2024年湖北首选物理本科普通批，南京工业职业技术大学第02组投档线对应的全省位次是多少？": ["位次", "排名"],
    # hubei-2023-physics-admission-lines.pdf
    "2023年湖北首选历史类本科普通批，武汉大学的投档线是多少分？": ["历史"],
    "2023年湖北本科普通批（首选物理）中，武汉大学第12组的招生计划数是多少？": ["计划数", "招生人数", "计划人数", "人数"],
    "2022年湖北首选物理本科普通批，北京大学第05组的投档线是多少？": ["2022"],
}

# question -> the row name that must stand on the same printed line as the figure (besides the rows named in the
# question itself as "…第NN组", which are found by GROUP)
ROW: dict[str, str] = {
    "What was the 2024 cut-off score in Hubei's physics-track regular undergraduate batch for group 02 of Shanghai "
    "Zhongqiao Vocational and Technical University?": "上海中侨职业技术大学第02组",
    "In Hubei's 2024 regular undergraduate batch (physics track), what cut-off score did group 01 of Lanzhou "
    "Resources and Environment Voc-Tech University have?": "兰州资源环境职业技术大学第01组",
    "For group 03 of Hainan Vocational University of Science and Technology in Hubei's 2024 physics-track regular "
    "undergraduate batch, what foreign-language score did the last candidate whose file was forwarded have?":
        "海南科技职业大学第03组",
    "2024年湖北首选物理本科普通批中，院校专业组代号K58702对应的是哪所学校的哪个专业组？": "K58702",
    "在2024年湖北本科普通批（首选物理）投档线表里，代号H38502是哪所院校的专业组？": "H38502",
    "What was the 2023 cut-off score in Hubei's physics-track regular undergraduate batch for group 09 of Wuhan "
    "University?": "武汉大学第09组",
    "In 2023, what cut-off score did group 11 of China University of Geosciences (Wuhan) have in Hubei's "
    "physics-track regular undergraduate batch?": "中国地质大学(武汉)第11组",
    "For group 24 of Hubei University in Hubei's 2023 physics-track undergraduate batch, what was the combined "
    "Chinese and mathematics score of the last candidate whose file was forwarded?": "湖北大学第24组",
    "2023年湖北首选物理本科普通批投档线表里，代号C10321是哪所学校的哪个专业组？": "C10321",
}
GROUP = re.compile(r"[\u4e00-\u9fff()（）]+第\d{2}组")


def texts(pdf: Path) -> dict[str, list[str]]:
    """Each page's text as pypdf and pdfplumber extract it, cached by the file's sha256."""
    CACHE.mkdir(exist_ok=True)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    cached = CACHE / f"{digest}.json"
    if cached.exists():
        return json.loads(cached.read_text(encoding="utf-8"))
    import pdfplumber
    import pypdf

    with pdfplumber.open(pdf) as doc:
        plumber = [p.extract_text() or "" for p in doc.pages]
    out = {"pypdf": [p.extract_text() or "" for p in pypdf.PdfReader(pdf).pages], "plumber": plumber}
    cached.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", nfkc(s))


def is_number(s: str) -> bool:
    return bool(re.fullmatch(r"[\d,.]+", squash(s)))


def printed_in(figure: str, text: str) -> bool:
    if is_number(figure):
        pat = r"(?<![\d.,])" + re.escape(squash(figure)) + r"(?![\d]|[.,]\d)"
        flat = re.sub(r"[ \t]+", " ", nfkc(text))
        return bool(re.search(pat, flat)) or bool(re.search(pat, re.sub(r"(?<=[\d,.])\s*\n\s*(?=[\d,.])", "", flat)))
    return squash(figure) in squash(text)


def on_row(figure: str, row: str, text: str) -> bool:
    """Some line of the text names the row and prints the figure as a whole token."""
    for line in nfkc(text).splitlines():
        if squash(row) in squash(line):
            if is_number(figure):
                if re.search(r"(?<![\d.,])" + re.escape(squash(figure)) + r"(?![\d]|[.,]\d)", line):
                    return True
            elif squash(figure) in squash(line):
                return True
    return False


FOOTERS = [
    re.compile(r"^第\s*(\d{1,3})\s*页\s*(?:【\s*\d+\s*页】)?$"),
    re.compile(r"^第\s*(\d{1,3})\s*页\s*[，,/]?\s*共\s*\d+\s*页$"),
    re.compile(r"^[-—–－]\s*(\d{1,3})\s*[-—–－]$"),
    re.compile(r"^(\d{1,3})$"),
    re.compile(r"^(\d{1,3})\s*/\s*\d{1,3}$"),
]


def printed_number(text: str) -> str | None:
    lines = [nfkc(l).strip() for l in text.splitlines() if l.strip()]
    candidates = lines[-4:][::-1] + lines[:1]
    for line in candidates:
        for pat in FOOTERS:
            m = pat.match(line)
            if m:
                return str(int(m.group(1)))
    return None


def page_map(t: dict[str, list[str]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i in range(len(t["pypdf"])):
        n = printed_number(t["pypdf"][i]) or printed_number(t["plumber"][i])
        if n is not None:
            out.setdefault(n, []).append(i + 1)
        out[f"pdf:{i + 1}"] = [i + 1]
    return out


def pdf_pages_of(page, pages: dict[str, list[int]]) -> list[int]:
    return pages.get(str(page), [])


def on_pages(figure: str, t: dict[str, list[str]], pdf_pages: list[int]) -> bool:
    return any(printed_in(figure, t[k][p - 1]) for k in t for p in pdf_pages)


def where(figure: str, t: dict[str, list[str]]) -> list[int]:
    return sorted({i + 1 for k in t for i, s in enumerate(t[k]) if printed_in(figure, s)})


def dec(s: str) -> Decimal:
    return Decimal(squash(s).replace(",", ""))


def computed_value(op: str, values: list[Decimal]) -> Decimal | None:
    if op == "bound":
        return None
    if len(values) != 2:
        return None
    a, b = values
    return {"difference": a - b, "remainder": a - b, "sum": a + b, "ratio": a / b, "share": a / b * 100}.get(op)


def check() -> int:
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    problems: list[str] = []
    notes: list[str] = []
    count = 0
    for doc in data["document"]:
        pdf = HERE / doc["file"]
        if not pdf.exists():
            problems.append(f"{doc['file']}: missing (fetch it as its source says)")
            continue
        if hashlib.sha256(pdf.read_bytes()).hexdigest() != doc["sha256"]:
            problems.append(f"{doc['file']}: sha256 differs from the recorded one")
        t = texts(pdf)
        pages = page_map(t)
        whole = squash("\n".join(t["pypdf"] + t["plumber"]))
        for h in doc.get("headings", []):
            if squash(h) not in whole:
                problems.append(f"{doc['file']}: heading not printed: {h}")
        for q in doc["question"]:
            count += 1
            kind = q.get("kind", "figure")
            fig = str(q.get("figure", ""))
            label = f"{doc['file']}: {q['q'][:50]}"
            if kind == "not-covered":
                if fig or "page" in q:
                    problems.append(f"{label}: a not-covered question has a figure or a page")
                words = NOT_COVERED.get(q["q"])
                if not words:
                    problems.append(f"{label}: no key words in NOT_COVERED")
                for w in words or []:
                    if squash(w) in whole:
                        problems.append(f"{label}: key word {w!r} is printed in the document")
                continue
            if kind == "computed":
                if "page" in q:
                    problems.append(f"{label}: a computed question has a page")
                ops = q.get("operands", [])
                for o in ops:
                    pp = pdf_pages_of(o["page"], pages)
                    if not pp or not on_pages(str(o["figure"]), t, pp):
                        problems.append(f"{label}: operand {o['figure']} not printed on page {o['page']}")
                values = [dec(str(o["figure"])) for o in ops]
                op = q.get("op")
                if op == "bound":
                    if dec(fig) not in (min(values), max(values)):
                        problems.append(f"{label}: bound {fig} is neither the least nor the greatest operand")
                else:
                    v = computed_value(op, values)
                    if v is None:
                        problems.append(f"{label}: op {op!r} with {len(ops)} operands cannot be checked")
                    else:
                        places = len(fig.split(".")[1]) if "." in fig else 0
                        v = v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
                        if v != dec(fig):
                            problems.append(f"{label}: {op} of the operands is {v}, not {fig}")
                continue
            claimed: set[int] = set()
            for p in [q["page"], *q.get("also_pages", [])]:
                pp = pdf_pages_of(p, pages)
                if not pp:
                    problems.append(f"{label}: no PDF page prints the page number {p}")
                    continue
                claimed.update(pp)
                if not on_pages(fig, t, pp):
                    problems.append(f"{label}: {fig!r} not printed on page {p} (PDF {pp})")
                m = GROUP.search(q["q"])
                row = ROW.get(q["q"]) or (m.group(0) if m else None)
                if row and not any(on_row(fig, row, t[k][x - 1]) for k in t for x in pp):
                    problems.append(f"{label}: {fig!r} not on the line of {row!r} on page {p}")
            others = [x for x in where(fig, t) if x not in claimed]
            if others and not is_number(fig):
                notes.append(f"{label}: {fig!r} also printed on PDF pages {others}")
    for n in notes:
        print("note:", n)
    for p in problems:
        print("PROBLEM:", p)
    print(f"{count} questions, {len(problems)} problems")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "find":
        t = texts(HERE / argv[1])
        pages = page_map(t)
        back = {v[0]: k for k, v in pages.items() if not k.startswith("pdf:")}
        for text in argv[2:]:
            print(text, [(p, back.get(p)) for p in where(text, t)])
        return 0
    if len(argv) == 2 and argv[0] == "pages":
        t = texts(HERE / argv[1])
        for i in range(len(t["pypdf"])):
            print(i + 1, printed_number(t["pypdf"][i]) or printed_number(t["plumber"][i]))
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
