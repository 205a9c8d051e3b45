"""Check questions-generated.toml against the two generated PDFs in generated/ (made by make/*.py, committed).

For every document: the file's sha256 is the one recorded, every listed heading is printed in it, and its layout is
the one described (pages with no text layer, the PDF page whose footer first prints 1). For every question with a
page: the figure (a number as a whole number, not inside a longer one; a code, name or date with spaces and full/half
width ignored) is printed on that printed page; other pages printing it are reported as notes. A printed page is the
number in the page's footer, read from the lowest printed line of the page ("1", "— 1 —"); "pdf:N" is the
PDF's N-th page. Where ROW names the row a table figure belongs to, the figure must be printed on a line of that page
that also prints the row's name (pypdf or pdfplumber text), or in a row of a ruled table (pdfplumber's cells) one of
whose cells names the row; OPERAND_ROW does the same for operands. Computed questions: every operand is printed on its page
and the value follows from the operands. Not-covered questions: none of the key words in NOT_COVERED is printed
anywhere in the document.

    .venv/bin/python eval/real-documents/check_generated.py                 # check everything
    .venv/bin/python eval/real-documents/check_generated.py find FILE TEXT  # where TEXT is printed (PDF -> printed page)
    .venv/bin/python eval/real-documents/check_generated.py pages FILE      # the printed number read on each PDF page
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
QUESTIONS = HERE / "questions-generated.toml"

# not-covered question -> key words, none of which may be printed in its document
NOT_COVERED: dict[str, list[str]] = {
    # employment-quality-report.pdf
    "江岭科技大学2024届毕业生中有多少名中共党员？": ["党员"],
    "江岭科技大学2024届少数民族毕业生的毕业去向落实率是多少？": ["少数民族", "民族"],
    "江岭科技大学2024届毕业生的就业协议违约率是多少？": ["违约", "解约"],
    # audit-rectification-list.pdf
    "江岭市教育局审计整改中共对多少名责任人给予了党纪政务处分？": ["处分"],
    "江岭市审计局对江岭市教育局2024年度部门预算执行情况审计查出了多少个问题？": ["2024年度"],
    "审计整改中江岭市教育局被处以罚款多少万元？": ["罚款", "罚金"],
}

# question -> the row name that must stand on the same printed line as the figure
ROW: dict[str, str] = {
    "江岭科技大学机电工程学院2024届毕业生的毕业去向落实率是多少？": "机电工程学院",
    "江岭科技大学2024届机电一体化技术专业有多少名毕业生？": "机电一体化技术",
    "江岭科技大学计算机学院2024届有多少名专科毕业生？": "计算机学院",
    "江岭科技大学数据科学与大数据技术专业2024届毕业生的毕业去向落实率是多少？": "数据科学与大数据技术",
    "江岭科技大学2024届就业毕业生中，在建筑业就业的占多大比例？": "建筑业",
    "江岭科技大学2024届就业毕业生中有多少人去了国有企业？": "国有企业",
    "用人单位对江岭科技大学2024届毕业生创新能力的满意度是多少？": "创新能力",
    "In Jiangling University of Science and Technology's three-year comparison table, what was the domestic "
    "further-study rate of the 2023 graduating cohort?": "2023届",
    "How many of the 2024 graduates of Jiangling University of Science and Technology's School of Mechanical and "
    "Electrical Engineering (机电工程学院) had a confirmed destination?": "机电工程学院",
}

ROW.update({
    "江岭市第二职业中等专业学校挤占中职免学费补助资金的金额是多少万元？": "挤占专项资金",
    "江岭市教育装备与勤工俭学管理中心未执行政府采购程序采购实验室设备，涉及金额是多少万元？": "应采未采",
    "江岭市教育局本级账龄3年以上的其他应收款，截至2025年3月底已清理收回多少万元？": "往来款长期挂账",
    "审计发现国家助学金发放给了多少名已退学、休学的学生？": "助学金发放不规范",
    "江岭市教育局本级购置的教育管理软件未确认为无形资产的金额是多少万元？": "无形资产未入账",
    "江岭市教育局本级2023年公务用车运行维护费实际支出了多少万元？": "“三公”经费超预算",
    "2023年上级下达江岭市的职业教育提质培优专项资金，到年末的支出进度是多少？": "专项资金支出进度缓慢",
    "By 31 March 2025, how much of the vocational education quality-improvement fund (职业教育提质培优专项资金) had "
    "the Jiangling Education Bureau paid out, in 10,000 yuan?": "专项资金支出进度缓慢",
    "How much of the dormitory management fee had Jiangling No. 2 Secondary Vocational School refunded to students "
    "by the end of March 2025, in 10,000 yuan?": "违规收取住宿管理费",
    "江岭市教育局公务用车运行维护费超预算的问题由哪个部门负责整改？": "“三公”经费超预算",
    "江岭市教育局固定资产账实不符问题的整改时限是哪天？": "资产账实不符",
})

# (computed question, operand) -> the row name the operand must stand on (same test as ROW)
OPERAND_ROW: dict[tuple[str, str], str] = {
    ("江岭科技大学2024届在省内就业的毕业生中，留在江岭市的比去长沙市的多多少人？", "1208"): "江岭市",
    ("江岭科技大学2024届在省内就业的毕业生中，留在江岭市的比去长沙市的多多少人？", "893"): "长沙市",
    ("整改清单中，录播教室设备闲置问题涉及的金额比捐赠教学设备未入账问题多多少万元？", "128.90"): "资产闲置",
    ("整改清单中，录播教室设备闲置问题涉及的金额比捐赠教学设备未入账问题多多少万元？", "41.50"): "捐赠资产未入账",
    ("向已退学、休学学生多发的国家助学金，截至2025年3月31日还有多少万元没有追回？", "12.60"): "助学金发放不规范",
    ("向已退学、休学学生多发的国家助学金，截至2025年3月31日还有多少万元没有追回？", "9.45"): "助学金发放不规范",
}

# file -> layout facts: PDF pages without a text layer, the PDF page whose footer first prints 1
LAYOUT: dict[str, dict] = {
    "generated/employment-quality-report.pdf": {"no_text": [1, 2], "first_numbered": 9, "pages": (16, 24)},
    "generated/audit-rectification-list.pdf": {"no_text": [], "first_numbered": 1, "pages": (6, 12)},
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
            words = p.extract_words()
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
    return r"(?<![\d.,])" + re.escape(squash(figure)) + r"(?![\d]|[.,]\d)"


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


FOOTER = [re.compile(r"^[-—–－]\s*(\d{1,3})\s*[-—–－]$"), re.compile(r"^(\d{1,3})$")]


def printed_number(footer: str) -> str | None:
    s = nfkc(footer).strip()
    for pat in FOOTER:
        m = pat.match(s)
        if m:
            return str(int(m.group(1)))
    return None


def page_map(pdf: Path, n: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, f in enumerate(footers(pdf)):
        num = printed_number(f)
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


def check_layout(doc: dict, pdf: Path, t: dict[str, list[str]], pages: dict[str, list[int]], problems: list[str]):
    lay = LAYOUT.get(doc["file"])
    if not lay:
        return
    n = len(t["pypdf"])
    lo, hi = lay["pages"]
    if not lo <= n <= hi:
        problems.append(f"{doc['file']}: {n} pages, not {lo}–{hi}")
    for p in lay["no_text"]:
        if squash(t["pypdf"][p - 1]) or squash(t["plumber"][p - 1]):
            problems.append(f"{doc['file']}: PDF page {p} has a text layer")
    if pages.get("1", [None])[0] != lay["first_numbered"]:
        problems.append(f"{doc['file']}: printed page 1 is PDF page {pages.get('1')}, not {lay['first_numbered']}")
    numbered = sorted(v[0] for k, v in pages.items() if not k.startswith("pdf:"))
    if numbered != list(range(lay["first_numbered"], n + 1)):
        problems.append(f"{doc['file']}: footers number PDF pages {numbered}")
    for k, v in pages.items():
        if not k.startswith("pdf:") and v[0] - lay["first_numbered"] + 1 != int(k):
            problems.append(f"{doc['file']}: PDF page {v[0]} prints {k}")


def check() -> int:
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
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
        check_layout(doc, pdf, t, pages, problems)
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
                    pp = pages.get(str(o["page"]), [])
                    if not pp or not on_pages(str(o["figure"]), t, pp):
                        problems.append(f"{label}: operand {o['figure']} not printed on page {o['page']}")
                    row = OPERAND_ROW.get((q["q"], str(o["figure"])))
                    if row and not on_row_anywhere(str(o["figure"]), row, pdf, t, pp):
                        problems.append(f"{label}: operand {o['figure']} not on the row of {row!r} on page {o['page']}")
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
                row = ROW.get(q["q"])
                if row and not on_row_anywhere(fig, row, pdf, t, pp):
                    problems.append(f"{label}: {fig!r} not on the line of {row!r} on page {p}")
            if q.get("table") and kind == "figure" and q["q"] not in ROW:
                notes.append(f"{label}: table figure without a ROW entry")
            others = [x for x in where(fig, t) if x not in claimed]
            if others:
                notes.append(f"{label}: {fig!r} also printed on PDF pages {others}")
    for n in notes:
        print("note:", n)
    for p in problems:
        print("PROBLEM:", p)
    for f, k in kinds.items():
        print(f, dict(sorted(k.items())))
    print(f"{count} questions, {len(problems)} problems")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
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
    return check()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
