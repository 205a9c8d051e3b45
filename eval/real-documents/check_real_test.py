"""Check questions-real-test.toml (the real-document test split) against its three real public PDFs, fetched from
the repositories named in each document's `source` and saved here under its `file` name (git-ignored).

Adapted from check_fresh.py, with these differences: the page number is read from the lowest printed line inside the
page's box ("— N —"), or, where a watermark stands lower than the footer, from a line of the pypdf text that reads
"第 N 页，共 M 页"; a document may print no page number at all (every page cited as "pdf:N"); and a figure printed on
a page that neither `page` nor `also_pages` names is a problem, not a note.

For every document: the file's sha256 is the one recorded, every listed heading is printed in it, and its layout is
the one described (pages with no text layer, the PDF page whose footer first prints 1). For every question with a
page: the figure (a number as a whole number, not inside a longer one; a code, name or date with spaces and
full/half width ignored) is printed on that printed page, and on no other page that `also_pages` does not list. A
printed page is the number in the page's footer, read from the lowest printed line of the page ("1", "— 1 —");
"pdf:N" is the PDF's N-th page. Where ROW names the row a table figure belongs to, the figure must be printed on a
line of that page that also prints the row's name (pypdf or pdfplumber text), or in a row of a ruled table
(pdfplumber's cells) one of whose cells names the row; OPERAND_ROW does the same for operands. Computed questions:
every operand is printed on its page and the value follows from the operands. Not-covered questions: none of the key
words in NOT_COVERED is printed anywhere in the document.

    .venv/bin/python eval/real-documents/check_real_test.py                 # check everything
    .venv/bin/python eval/real-documents/check_real_test.py find FILE TEXT  # where TEXT is printed (PDF -> page)
    .venv/bin/python eval/real-documents/check_real_test.py pages FILE      # the footer read on each PDF page
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
QUESTIONS = HERE / "questions-real-test.toml"

# not-covered question -> key words, none of which may be printed in its document
NOT_COVERED: dict[str, list[str]] = {
    # chengdu-2022-statistical-bulletin.pdf
    "2022年成都市城镇调查失业率是多少？": ["失业率", "调查失业"],
    "2022年成都市全年接待游客多少人次、实现旅游总收入多少亿元？": ["旅游", "游客"],
    "2022年成都市常住人口的出生率是多少？": ["出生率", "自然增长率"],
    # shanghai-2025-autonomous-admission-plan.pdf
    "2025年上海市上海中学自主招生的录取最低分数线是多少分？": ["分数线", "录取分数", "最低分"],
    "2025年上海市高中自主招生的综合测试安排在哪一天？": ["测试", "考试", "日期", "时间"],
    "上海市上海中学寄宿生每学期要交多少住宿费？": ["住宿费", "收费", "学费"],
    # jufe-2022-computer-science-training-plan.pdf
    "计算机科学与技术（财经大数据管理）专业每学年的学费是多少元？": ["学费", "收费"],
    "计算机科学与技术（财经大数据管理）专业2022级计划招收多少名新生？": ["招生计划", "招生人数", "招收", "新生"],
    "计算机科学与技术（财经大数据管理）专业2022届毕业生的就业率是多少？": ["就业率", "去向落实率", "毕业去向"],
}

# question -> the row name that must stand on the same printed line as the figure
ROW: dict[str, str] = {
    # chengdu-2022-statistical-bulletin.pdf
    "成都市2022年居民消费价格指数（上年=100）中，衣着类的指数是多少？": "衣着",
    "以上年为100，2022年成都医疗保健类居民消费价格指数为多少？": "医疗保健",
    "2022年成都市规模以上工业企业生产了多少万辆汽车？": "汽车",
    "成都市规模以上工业企业2022年集成电路产量是多少亿块？": "集成电路",
    "2022年成都市商品房新开工面积是多少万平方米？": "商品房新开工面积",
    "2022年末成都市金融机构中长期贷款余额有多少亿元？": "中长期贷款余额",
    "How much electricity (发电量), in 100 million kWh, did Chengdu's industrial enterprises above designated size "
    "generate in 2022?": "发电量",
    # shanghai-2025-autonomous-admission-plan.pdf
    "2025年上海市上海中学的自主招生计划合计是多少人？": "上海市上海中学",
    "上海交通大学附属中学（本部，招生代码102056）2025年自主招生计划共多少名？": "102056",
    "复旦大学附属中学2025年安排了多少个高中自主招生名额？": "102057",
    "华东师范大学第二附属中学（本部）2025年的自主招生计划合计是多少？": "152003",
    "上海市向明中学浦江校区2025年自主招生计划数是多少？": "上海市向明中学（浦江校区）",
    "静安区上海市回民中学2025年的高中自主招生计划合计多少人？": "上海市回民中学",
    "虹口区华东师范大学第一附属中学2025年自主招生计划是多少人？": "华东师范大学第一附属中学",
    "上海市嘉定区第一中学2025年自主招生名额合计有多少？": "上海市嘉定区第一中学",
    "上海交通大学附属中学嘉定分校2025年自主招生计划合计是多少？": "142002",
    "浦东新区上海市川沙中学2025年自主招生计划共多少人？": "上海市川沙中学",
    "金山区华东师范大学第三附属中学2025年高中自主招生计划合计多少人？": "华东师范大学第三附属中学",
    "What is the 2025 autonomous-admission quota (合计) of Shanghai Qibao High School (上海市七宝中学)?": "上海市七宝中学",
    "How many places does Shanghai Jincai High School (上海市进才中学) offer in Shanghai's 2025 autonomous admission "
    "plan in total?": "上海市进才中学",
    "What is the total 2025 autonomous-admission plan of Shanghai Xiangshan High School (上海市香山中学) in Pudong?":
        "上海市香山中学",
    "上海市上海中学在2025年高中自主招生计划里的学校招生代码是什么？": "上海市上海中学",
    "2025年上海市高中自主招生计划中，上海市七宝中学的招生代码是多少？": "上海市七宝中学",
    "2025年上海市高中自主招生计划中，招生代码174003对应的是哪所学校？": "174003",
    "2025年上海市高中自主招生计划里，崇明区哪所区实验性示范性高中只有1个自主招生名额？": "514001",
    # jufe-2022-computer-science-training-plan.pdf
    "计算机科学与技术（财经大数据管理）专业培养方案中，工程基础类、专业基础类和专业类课程学分占总学分的比例是多少？":
        "工程基础类、专业基础类和专业类",
    "在计算机科学与技术（财经大数据管理）专业2022版培养方案的各类别课程学分要求里，数学与自然科学类占总学分的百分比是多少？":
        "数学与自然科学类",
    "计算机科学与技术（财经大数据管理）专业课程体系对毕业要求的支撑权重中，计算机网络课程对指标点1.4的支撑权重是多少？":
        "计算机网络",
    "计算机科学与技术（财经大数据管理）专业指导性教学计划表中，2022学科基础课/专业大类课的学分小计是多少？": "小计",
    "计算机科学与技术（财经大数据管理）专业指导性教学计划表里，2022专业课/专业必修课合计多少学分（小计）？": "小计",
    "计算机科学与技术（财经大数据管理）专业指导性教学计划表中，2022专业课/专业方向选修课一组的学分小计是多少？": "小计",
    "计算机科学与技术（财经大数据管理）专业指导性教学计划表中，2022公共课/公共数学课的学分小计为多少？": "小计",
    "How many total class hours (总学时) does the graduation project (毕业设计) have in the guiding teaching plan of the "
    "Computer Science and Technology (Financial Big Data Management) major, 2022 edition?": "毕业设计",
    "计算机科学与技术（财经大数据管理）专业2022版教学计划里，选修课计量经济学的课程代码是多少？": "计量经济学",
    "计算机科学与技术（财经大数据管理）专业指导性教学计划表中，大学物理这门课由哪个学院承担？": "大学物理",
    "计算机科学与技术（财经大数据管理）专业2022版教学计划中，劳育I课程的承担单位是哪个学院？": "劳育I",
}

# (computed question, operand) -> the row name the operand must stand on (same test as ROW)
OPERAND_ROW: dict[tuple[str, str], str] = {
    ("2022年末成都市中长期贷款余额占金融机构人民币贷款余额的比重是多少（百分比，保留两位小数）？", "29723"): "中长期贷款余额",
    ("2022年末成都市中长期贷款余额占金融机构人民币贷款余额的比重是多少（百分比，保留两位小数）？", "51825"):
        "金融机构人民币贷款余额",
    ("上海市七宝中学2025年自主招生计划中，不属于市级优秀体育学生的名额有多少个？", "98"): "上海市七宝中学",
    ("上海市七宝中学2025年自主招生计划中，不属于市级优秀体育学生的名额有多少个？", "27"): "上海市七宝中学",
    ("2025年上海交通大学附属中学（本部）和复旦大学附属中学的自主招生计划加起来一共多少人？", "203"): "102056",
    ("2025年上海交通大学附属中学（本部）和复旦大学附属中学的自主招生计划加起来一共多少人？", "161"): "102057",
    ("2025年上海交通大学附属中学（本部）的自主招生计划比上海市上海中学多多少人？", "203"): "102056",
    ("2025年上海交通大学附属中学（本部）的自主招生计划比上海市上海中学多多少人？", "165"): "上海市上海中学",
    ("计算机科学与技术（财经大数据管理）专业指导性教学计划表中，专业大类课和专业必修课两组的学分小计加起来是多少？", "27.0"):
        "小计",
    ("计算机科学与技术（财经大数据管理）专业指导性教学计划表中，专业大类课和专业必修课两组的学分小计加起来是多少？", "24.0"):
        "小计",
    ("计算机科学与技术（财经大数据管理）专业2022版培养方案中，人文社科类课程比数学与自然科学类课程多要求多少学分？", "52.5"):
        "人文社科类",
    ("计算机科学与技术（财经大数据管理）专业2022版培养方案中，人文社科类课程比数学与自然科学类课程多要求多少学分？", "25"):
        "数学与自然科学类",
}

# file -> layout facts: PDF pages without a text layer, the PDF page whose footer first prints 1
LAYOUT: dict[str, dict] = {
    "chengdu-2022-statistical-bulletin.pdf": {"no_text": [], "first_numbered": 1, "pages": (17, 17)},
    "shanghai-2025-autonomous-admission-plan.pdf": {"no_text": [], "first_numbered": 1, "pages": (4, 4)},
    "jufe-2022-computer-science-training-plan.pdf": {"no_text": [], "first_numbered": 1, "pages": (24, 24)},
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
    numbered = sorted(v[0] for k, v in pages.items() if not k.startswith("pdf:"))
    if lay["first_numbered"] is None:
        if numbered:
            problems.append(f"{doc['file']}: PDF pages {numbered} print a page number, none was expected")
        return
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
