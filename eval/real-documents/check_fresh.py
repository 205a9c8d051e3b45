"""Check questions-fresh.toml (the fresh test split) against its three generated PDFs in generated/ (made by
make/make_quality_report.py, make/make_final_accounts.py, make/make_training_plan.py).

Adapted from check_generated.py, with two differences: the footer may also read "第 N 页 共 M 页", and a figure
printed on a page that neither `page` nor `also_pages` names is a problem, not a note.


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

    .venv/bin/python eval/real-documents/check_fresh.py                 # check everything
    .venv/bin/python eval/real-documents/check_fresh.py find FILE TEXT  # where TEXT is printed (PDF -> printed page)
    .venv/bin/python eval/real-documents/check_fresh.py pages FILE      # the printed number read on each PDF page
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
QUESTIONS = HERE / "questions-fresh.toml"

# not-covered question -> key words, none of which may be printed in its document
NOT_COVERED: dict[str, list[str]] = {
    # college-quality-report.pdf
    "岚州职业技术学院2024年在校留学生有多少人？": ["留学生", "国际学生", "来华"],
    "岚州职业技术学院2024届毕业生中有多少人参军入伍？": ["入伍", "参军", "应征"],
    "岚州职业技术学院2024年发放学生资助资金多少万元？": ["资助", "奖助学金", "助学金"],
    # county-education-final-accounts.pdf
    "溪川县教育局2025年度部门预算总额是多少万元？": ["2025年度", "2025年部门预算"],
    "溪川县2024年义务教育生均公用经费标准是多少元？": ["生均"],
    "溪川县教育局2024年末固定资产总额是多少万元？": ["固定资产", "资产总额"],
    # auto-repair-training-plan.pdf
    "桐溪县职业教育中心汽车运用与维修专业2024级的招生计划是多少人？": ["招生计划", "招生人数", "招生"],
    "桐溪县职业教育中心汽车运用与维修专业每学年学费是多少？": ["学费", "收费"],
    "桐溪县职业教育中心汽车运用与维修专业毕业生的就业率是多少？": ["就业率", "对口就业"],
}

# question -> the row name that must stand on the same printed line as the figure
ROW: dict[str, str] = {
    # college-quality-report.pdf
    "岚州职业技术学院2024年生均教学科研仪器设备值是多少元？": "生均教学科研仪器设备值",
    "岚州职业技术学院2023年“双师型”教师占专业课教师的比例是多少？": "教师占专业课教师比例",
    "岚州职业技术学院新能源汽车技术专业2024年实际录取了多少人？": "新能源汽车技术",
    "岚州职业技术学院软件技术专业2024年实际报到多少人？": "软件技术",
    "岚州职业技术学院酒店管理与数字化运营专业2024年最终有多少新生报到？": "酒店管理与数字化运营",
    "岚州职业技术学院财经商贸学院2024届毕业生的毕业去向落实率是多少？": "财经商贸学院",
    "岚州职业技术学院文化旅游学院2024届毕业生的专业相关度是多少？": "文化旅游学院",
    "岚州职业技术学院2024年横向技术服务到款额是多少万元？": "横向技术服务到款额",
    "What was Lanzhou Vocational and Technical College's tuition income (学费收入) in 2024, in 10,000 yuan?": "学费收入",
    "How much non-degree training income (非学历培训到账额) did Lanzhou Vocational and Technical College receive in "
    "2024, in 10,000 yuan?": "非学历培训到账额",
    "岚州职业技术学院大数据技术专业的专业代码是什么？": "大数据技术",
    # county-education-final-accounts.pdf
    "溪川县教育局2024年一般公共预算财政拨款中初中教育支出了多少万元？": "初中教育",
    "溪川县教育局2024年学前教育的项目支出决算是多少万元？": "学前教育",
    "溪川县教育局2024年事业单位医疗支出决算数是多少万元？": "事业单位医疗",
    "溪川县教育局2024年基本支出中绩效工资是多少万元？": "绩效工资",
    "溪川县教育局2024年基本支出里的电费花了多少万元？": "电费",
    "溪川县教育局2024年度年末结转和结余是多少万元？": "年末结转和结余",
    "溪川县教育局决算表中，中等职业教育的功能分类科目编码是多少？": "中等职业教育",
    "机关事业单位职业年金缴费支出在溪川县教育局决算表里的科目编码是什么？": "职业年金缴费支出",
    "溪川县教育局基本支出决算表中，公务用车运行维护费的经济分类科目编码是多少？": "公务用车运行维护费",
    # auto-repair-training-plan.pdf
    "桐溪县职业教育中心汽车运用与维修专业的体育与健康课程安排了多少实践学时？": "体育与健康",
    "汽车运用与维修专业（2024级）语文课总共多少学时？": "语文",
    "桐溪县职业教育中心汽车运用与维修专业方案里，专业核心课程学时占总学时的比例是多少？": "专业核心课程",
    "汽车运用与维修专业（2024级）实践性教学环节共安排多少学时？": "实践性教学环节",
    "汽车运用与维修专业教学进程表合计的理论学时是多少？": "合计",
    "汽车运用与维修专业（2024级）三年总共安排了多少学时？": "合计",
    "桐溪县职业教育中心汽车维护实训车间的面积是多少平方米？": "汽车维护实训车间",
    "桐溪县职业教育中心汽车底盘实训室有多大面积？": "汽车底盘实训室",
    "汽车发动机电控系统检修这门核心课的参考学时是多少？": "汽车发动机电控系统",
    "What is the reference number of teaching hours (参考学时) for the core course on automobile air-conditioning "
    "system repair (汽车空调系统检修) in the Tongxi County programme?": "汽车空调系统检修",
    "汽车运用与维修专业职业面向中，汽车维修检验工的职业代码是多少？": "汽车维修检验工",
}

# (computed question, operand) -> the row name the operand must stand on (same test as ROW)
OPERAND_ROW: dict[tuple[str, str], str] = {
    ("岚州职业技术学院2024年横向技术服务到款额比2023年多了多少万元？", "1386.52"): "横向技术服务到款额",
    ("岚州职业技术学院2024年横向技术服务到款额比2023年多了多少万元？", "986.40"): "横向技术服务到款额",
    ("岚州职业技术学院2024年财政经常性补助收入占学校经费总收入的比例是多少（百分比，保留两位小数）？", "19874.62"):
        "财政经常性补助收入",
    ("汽车运用与维修专业（2024级）专业核心课程和专业拓展课程一共多少学时？", "594"): "专业核心课程",
    ("汽车运用与维修专业（2024级）专业核心课程和专业拓展课程一共多少学时？", "306"): "专业拓展课程",
    ("按方案给出的参考学时区间，新能源汽车技术基础课程最少安排多少学时？", "60~72"): "新能源汽车技术基础",
    ("汽车运用与维修专业教学进程表中，实践学时比理论学时多多少？", "1610"): "合计",
    ("汽车运用与维修专业教学进程表中，实践学时比理论学时多多少？", "1396"): "合计",
}

# file -> layout facts: PDF pages without a text layer, the PDF page whose footer first prints 1
LAYOUT: dict[str, dict] = {
    "generated/college-quality-report.pdf": {"no_text": [], "first_numbered": 3, "pages": (6, 20)},
    "generated/county-education-final-accounts.pdf": {"no_text": [], "first_numbered": 2, "pages": (6, 20)},
    "generated/auto-repair-training-plan.pdf": {"no_text": [], "first_numbered": 2, "pages": (6, 20)},
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


FOOTER = [re.compile(r"^[-—–－]\s*(\d{1,3})\s*[-—–－]$"), re.compile(r"^(\d{1,3})$"),
          re.compile(r"^第\s*(\d{1,3})\s*页\s*共\s*\d{1,3}\s*页$")]


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
                row = ROW.get(q["q"])
                if row and not on_row_anywhere(fig, row, pdf, t, pp):
                    problems.append(f"{label}: {fig!r} not on the line of {row!r} on page {p}")
            if q.get("table") and kind == "figure" and q["q"] not in ROW:
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
