"""Check questions-dev2.toml (the second real-document dev set) against its real public PDFs, fetched from the
repositories named in each document's `source` and saved here under their `file` names (git-ignored).

Adapted from check_real_test.py, with these differences: a footer may print its number between doubled dashes
("—— N ——"); a document's first numbered page may print a number other than 1 (LAYOUT's first_number: a cover
or notice page that is a picture comes first); and a figure that follows a Chinese comma ("，445 公里", which NFKC
turns into ",445") counts as printed, since a comma belongs to a number only after a digit.

For every document: the file's sha256 is the one recorded, every listed heading is printed in it, and its layout is
the one described (pages with no text layer, the PDF page whose footer first prints a number). For every question
with a page: the figure (a number as a whole number, not inside a longer one; a code, name or date with spaces and
full/half width ignored) is printed on that printed page, and on no other page that `also_pages` does not list. A
printed page is the number in the page's footer, read from the lowest printed line of the page ("1", "— 1 —",
"—— 1 ——"); "pdf:N" is the PDF's N-th page. Where ROW names the row a table figure belongs to, the figure must be
printed on a line of that page that also prints the row's name (pypdf or pdfplumber text), or in a row of a ruled
table (pdfplumber's cells) one of whose cells names the row; OPERAND_ROW does the same for operands. Computed
questions: every operand is printed on its page and the value follows from the operands. Not-covered questions:
none of the key words in NOT_COVERED is printed anywhere in the document.

    .venv/bin/python eval/real-documents/check_dev2.py                 # check everything
    .venv/bin/python eval/real-documents/check_dev2.py find FILE TEXT  # where TEXT is printed (PDF -> page)
    .venv/bin/python eval/real-documents/check_dev2.py pages FILE      # the footer read on each PDF page
"""
from __future__ import annotations

import hashlib
import re
import sys
import tomllib
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions-dev2.toml"

# not-covered question -> key words, none of which may be printed in its document
NOT_COVERED: dict[str, list[str]] = {
    # beijing-2024-government-work-report.pdf
    "2023年北京市常住人口的出生率是多少？": ["出生率", "自然增长率"],
    "2023年末北京市常住人口有多少万人？": ["常住人口", "户籍人口"],
    "2023年北京全市商品房销售面积是多少万平方米？": ["商品房销售", "销售面积", "房价"],
    # jiangxi-2025-upgrade-exam-major-catalog.pdf
    "江西省2025年专升本考试的报名费是每人多少元？": ["报名费", "考试费", "收费", "元"],
    "江西省2025年专升本考试在哪一天举行？": ["考试时间", "考试日期", "举行"],
    "江西省2025年专升本各本科专业的招生计划数是多少？": ["招生计划", "招生人数", "名额"],
}

# question -> the row name that must stand on the same printed line as the figure (or in the same table row)
ROW: dict[str, str] = {
    # jiangxi-2025-upgrade-exam-major-catalog.pdf
    "江西省2025年专升本对应专业指导目录里，本科的中国语言文学类专业类代码是什么？": "中国语言文学类",
    "在江西2025年专升本考试对应专业目录中，高职（专科）的文秘类代码是多少？": "文秘类",
    "江西2025年专升本对应专业目录列出的高职专业电子竞技运动与管理，专业代码是多少？": "电子竞技运动与管理",
    "江西省专升本（2025年）对应专业指导目录中，本科心理学类的代码是什么？": "心理学类",
    "2025年江西专升本目录里，可报考心理学类的高职专业“心理咨询”代码是多少？": "心理咨询",
    "江西2025年专升本目录中，本科计算机类（普通本科）的专业类代码是多少？": "计算机类",
    "江西省2025年专升本对应专业目录中，高职集成电路类的代码是什么？": "集成电路类",
    "江西2025年专升本对应目录里，高职航空装备类的专业类代码是多少？": "航空装备类",
    "江西专升本2025年目录中，高职专业民航空中安全保卫的代码是多少？": "民航空中安全保卫",
    "江西省2025年专升本目录中，本科中医学类的专业类代码是什么？": "中医学类",
    "江西2025年专升本对应专业目录里，高职专业针灸推拿的代码是多少？": "针灸推拿",
    "江西省2025年专升本对应专业目录中，职教本科眼视光类的代码是多少？": "眼视光类",
    "江西省2025年专升本考试中，报考法学类本科专业的专业基础及技能知识课考哪一科？": "0301",
    "What is the code of the higher-vocational major Tourism Japanese (旅游日语) in Jiangxi's 2025 专升本 major "
    "correspondence catalog?": "旅游日语",
}

# (computed question, operand) -> the row name the operand must stand on (same test as ROW)
OPERAND_ROW: dict[tuple[str, str], str] = {
    ("江西2025年专升本对应专业目录中，本科专业类依据的教育部本科专业目录比高职专业依据的职业教育专业目录新几年（两版目录的年份相差几年）？",
     "2024"): "普通高等学校本科专业目录",
    ("江西2025年专升本目录所依据的本科专业目录的年份，与其说明所引用的医师资格考试报名资格规定的版本年份相差多少年？", "2024"):
        "普通高等学校本科专业目录",
    ("江西2025年专升本目录所依据的本科专业目录的年份，与其说明所引用的医师资格考试报名资格规定的版本年份相差多少年？", "2014"):
        "医师资格考试报名资格规定",
    ("江西省2025年专升本对应专业目录按序号列出了多少个考试科目组（最大序号是几）？", "1"): "大学语文及",
    ("江西省2025年专升本对应专业目录按序号列出了多少个考试科目组（最大序号是几）？", "9"): "艺术概论与",
}

# file -> layout facts: PDF pages without a text layer, the PDF page whose footer first prints a number, and the
# number it prints (1 unless given)
LAYOUT: dict[str, dict] = {
    "beijing-2024-government-work-report.pdf": {"no_text": [], "first_numbered": None, "pages": (13, 13)},
    "jiangxi-2025-upgrade-exam-major-catalog.pdf": {"no_text": [1], "first_numbered": 2, "first_number": 2,
                                                    "pages": (12, 12)},
}


def texts(pdf: Path) -> dict[str, list[str]]:
    import pdfplumber
    import pypdf

    with pdfplumber.open(pdf) as doc:
        plumber = [p.extract_text() or "" for p in doc.pages]
    return {"pypdf": [p.extract_text() or "" for p in pypdf.PdfReader(pdf).pages], "plumber": plumber}


_TABLES: dict[tuple[str, int], list[list[str]]] = {}


def table_rows(pdf: Path, page: int) -> list[list[str]]:
    """The rows of the ruled tables on a PDF page (pdfplumber), each cell's text squashed."""
    key = (str(pdf), page)
    if key not in _TABLES:
        import pdfplumber

        with pdfplumber.open(pdf) as doc:
            rows = [r for t in doc.pages[page - 1].extract_tables() for r in t]
        _TABLES[key] = [[squash(c or "") for c in r] for r in rows]
    return _TABLES[key]


def in_table_row(figure: str, row: str, pdf: Path, page: int) -> bool:
    """Some table row on the page has a cell naming the row and a cell printing the figure (a whole number)."""
    for cells in table_rows(pdf, page):
        if any(squash(row) in c for c in cells):
            for c in cells:
                if (re.search(number_pattern(figure), c) if is_number(figure) else squash(figure) in c):
                    return True
    return False


def on_row_anywhere(figure: str, row: str, pdf: Path, t: dict[str, list[str]], pdf_pages: list[int]) -> bool:
    return any(on_row(figure, row, t[k][x - 1]) for k in t for x in pdf_pages) or any(
        in_table_row(figure, row, pdf, x) for x in pdf_pages)


def footers(pdf: Path) -> list[str]:
    """The lowest printed line of each page (its words within 3 points of the lowest word), when it lies in the
    bottom fifth of the page: where the footer's page number stands."""
    import pdfplumber

    out = []
    with pdfplumber.open(pdf) as doc:
        for p in doc.pages:
            # words inside the page's box only: a rotated watermark may be drawn past its edges
            words = [w for w in p.extract_words() if 0 <= w["top"] <= p.height and 0 <= w["x0"] <= p.width]
            if not words:
                out.append("")
                continue
            low = max(w["top"] for w in words)
            line = sorted((w for w in words if w["top"] > low - 3), key=lambda w: w["x0"])
            out.append(" ".join(w["text"] for w in line) if low > p.height * 0.8 else "")
    return out


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", nfkc(s))


def is_number(s: str) -> bool:
    return bool(re.fullmatch(r"[\d,.]+", squash(s)))


def number_pattern(figure: str) -> str:
    # a comma counts as part of a number only after a digit: NFKC turns the Chinese "，" before a figure into ","
    return r"(?<![\d.])(?<!\d,)" + re.escape(squash(figure)) + r"(?![\d]|[.,]\d)"


def printed_in(figure: str, text: str) -> bool:
    if is_number(figure):
        pat = number_pattern(figure)
        flat = re.sub(r"[ \t]+", " ", nfkc(text))
        return bool(re.search(pat, flat)) or bool(re.search(pat, re.sub(r"(?<=[\d,.])\s*\n\s*(?=[\d,.])", "", flat)))
    return squash(figure) in squash(text)


def on_row(figure: str, row: str, text: str) -> bool:
    """Some line of the text names the row and prints the figure as a whole token."""
    for line in nfkc(text).splitlines():
        if squash(row) in squash(line):
            if is_number(figure):
                if re.search(number_pattern(figure), line):
                    return True
            elif squash(figure) in squash(line):
                return True
    return False


FOOTER = [re.compile(r"^[-—–－]+\s*(\d{1,3})\s*[-—–－]+$"), re.compile(r"^(\d{1,3})$"),
          re.compile(r"^第\s*(\d{1,3})\s*页\s*[，,]?\s*共\s*\d{1,3}\s*页$")]
# a whole line of a page's pypdf text that prints its number (where a watermark lies lower than the footer)
PAGE_LINE = re.compile(r"^\s*第\s*(\d{1,3})\s*页\s*[，,]\s*共\s*\d{1,3}\s*页\s*$", re.M)


def printed_number(footer: str) -> str | None:
    s = nfkc(footer).strip()
    for pat in FOOTER:
        m = pat.match(s)
        if m:
            return str(int(m.group(1)))
    return None


def page_map(pdf: Path, n: int) -> dict[str, list[int]]:
    import pypdf

    lines = [p.extract_text() or "" for p in pypdf.PdfReader(pdf).pages]
    out: dict[str, list[int]] = {}
    for i, f in enumerate(footers(pdf)):
        num = printed_number(f)
        if num is None:
            m = PAGE_LINE.search(nfkc(lines[i]))
            num = str(int(m.group(1))) if m else None
        if num is not None:
            out.setdefault(num, []).append(i + 1)
    for i in range(n):
        out[f"pdf:{i + 1}"] = [i + 1]
    return out


def on_pages(figure: str, t: dict[str, list[str]], pdf_pages: list[int]) -> bool:
    return any(printed_in(figure, t[k][p - 1]) for k in t for p in pdf_pages)


def where(figure: str, t: dict[str, list[str]]) -> list[int]:
    return sorted({i + 1 for k in t for i, s in enumerate(t[k]) if printed_in(figure, s)})


def dec(s: str) -> Decimal:
    return Decimal(squash(s).replace(",", ""))


def computed_value(op: str, values: list[Decimal]) -> Decimal | None:
    if len(values) != 2:
        return None
    a, b = values
    return {"difference": a - b, "remainder": a - b, "sum": a + b, "ratio": a / b, "share": a / b * 100}.get(op)


def check_layout(doc: dict, pdf: Path, t: dict[str, list[str]], pages: dict[str, list[int]], problems: list[str],
                 spec=None):
    lay = (spec or sys.modules[__name__]).LAYOUT.get(doc["file"])
    if not lay:
        return
    n = len(t["pypdf"])
    lo, hi = lay["pages"]
    if not lo <= n <= hi:
        problems.append(f"{doc['file']}: {n} pages, not {lo}–{hi}")
    for p in lay["no_text"]:
        if squash(t["pypdf"][p - 1]) or squash(t["plumber"][p - 1]):
            problems.append(f"{doc['file']}: PDF page {p} has a text layer")
    numbered = sorted(v[0] for k, v in pages.items() if not k.startswith("pdf:"))
    if lay["first_numbered"] is None:
        if numbered:
            problems.append(f"{doc['file']}: PDF pages {numbered} print a page number, none was expected")
        return
    first = lay.get("first_number", 1)
    if pages.get(str(first), [None])[0] != lay["first_numbered"]:
        problems.append(f"{doc['file']}: printed page {first} is PDF page {pages.get(str(first))}, "
                        f"not {lay['first_numbered']}")
    numbered = sorted(v[0] for k, v in pages.items() if not k.startswith("pdf:"))
    if numbered != list(range(lay["first_numbered"], n + 1)):
        problems.append(f"{doc['file']}: footers number PDF pages {numbered}")
    for k, v in pages.items():
        if not k.startswith("pdf:") and v[0] - lay["first_numbered"] + first != int(k):
            problems.append(f"{doc['file']}: PDF page {v[0]} prints {k}")


def check(spec=None) -> int:
    """spec: the module whose QUESTIONS, NOT_COVERED, ROW, OPERAND_ROW and LAYOUT are checked (this one by default;
    check_test3.py passes its own)."""
    spec = spec or sys.modules[__name__]
    data = tomllib.loads(spec.QUESTIONS.read_text(encoding="utf-8"))
    problems: list[str] = []
    notes: list[str] = []
    count = 0
    kinds: dict[str, dict[str, int]] = {}
    for doc in data["document"]:
        pdf = HERE / doc["file"]
        if not pdf.exists():
            problems.append(f"{doc['file']}: missing (make it with eval/real-documents/make/)")
            continue
        if hashlib.sha256(pdf.read_bytes()).hexdigest() != doc["sha256"]:
            problems.append(f"{doc['file']}: sha256 differs from the recorded one")
        t = texts(pdf)
        pages = page_map(pdf, len(t["pypdf"]))
        check_layout(doc, pdf, t, pages, problems, spec)
        whole = squash("\n".join(t["pypdf"] + t["plumber"]))
        for h in doc.get("headings", []):
            if squash(h) not in whole:
                problems.append(f"{doc['file']}: heading not printed: {h}")
        tally = kinds.setdefault(doc["file"], {})
        for q in doc["question"]:
            count += 1
            kind = q.get("kind", "figure")
            tally[kind] = tally.get(kind, 0) + 1
            if q.get("lang") == "en":
                tally["(en)"] = tally.get("(en)", 0) + 1
            if q.get("table"):
                tally["(table)"] = tally.get("(table)", 0) + 1
            fig = str(q.get("figure", ""))
            label = f"{doc['file']}: {q['q'][:50]}"
            if kind == "not-covered":
                if fig or "page" in q:
                    problems.append(f"{label}: a not-covered question has a figure or a page")
                words = spec.NOT_COVERED.get(q["q"])
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
                    pp = pages.get(str(o["page"]), [])
                    if not pp or not on_pages(str(o["figure"]), t, pp):
                        problems.append(f"{label}: operand {o['figure']} not printed on page {o['page']}")
                    row = spec.OPERAND_ROW.get((q["q"], str(o["figure"])))
                    if row and not on_row_anywhere(str(o["figure"]), row, pdf, t, pp):
                        problems.append(f"{label}: operand {o['figure']} not on the row of {row!r} on page {o['page']}")
                op = q.get("op")
                # a range operand ("60~72") gives both its ends (for a bound)
                values = [dec(x) for o in ops for x in re.split(r"[~～—-]", squash(str(o["figure"])))]
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
                if where(fig, t):
                    notes.append(f"{label}: the computed value {fig} is itself printed on PDF pages {where(fig, t)}")
                continue
            claimed: set[int] = set()
            for p in [q["page"], *q.get("also_pages", [])]:
                pp = pages.get(str(p), [])
                if not pp:
                    problems.append(f"{label}: no PDF page prints the page number {p}")
                    continue
                claimed.update(pp)
                if not on_pages(fig, t, pp):
                    problems.append(f"{label}: {fig!r} not printed on page {p} (PDF {pp})")
                row = spec.ROW.get(q["q"])
                if row and not on_row_anywhere(fig, row, pdf, t, pp):
                    problems.append(f"{label}: {fig!r} not on the line of {row!r} on page {p}")
            if q.get("table") and kind == "figure" and q["q"] not in spec.ROW:
                notes.append(f"{label}: table figure without a ROW entry")
            others = [x for x in where(fig, t) if x not in claimed]
            if others:
                problems.append(f"{label}: {fig!r} also printed on PDF pages {others} (list them in also_pages)")
    for n in notes:
        print("note:", n)
    for p in problems:
        print("PROBLEM:", p)
    for f, k in kinds.items():
        print(f, dict(sorted(k.items())))
    print(f"{count} questions, {len(problems)} problems")
    return 1 if problems else 0


def main(argv: list[str], spec=None) -> int:
    if len(argv) >= 3 and argv[0] == "find":
        pdf = HERE / argv[1]
        t = texts(pdf)
        pages = page_map(pdf, len(t["pypdf"]))
        back = {v[0]: k for k, v in pages.items() if not k.startswith("pdf:")}
        for text in argv[2:]:
            print(text, [(p, back.get(p)) for p in where(text, t)])
        return 0
    if len(argv) == 2 and argv[0] == "pages":
        for i, f in enumerate(footers(HERE / argv[1])):
            print(i + 1, printed_number(f), repr(f))
        return 0
    return check(spec)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
