"""Check questions.toml against the four real PDFs (fetched beside this file; see README.md).

For every question with a page (old and new): its figure (or the code, name or date, spaces and width ignored) is
printed on that printed page. Printed page numbers are read from each page's own footer/header ("- N -", "— N —", or
the last line pdfplumber reads), so the Ping An report's financial statements, which number their pages again from 1,
give two PDF pages for one printed number: either one holds the figure. For computed questions every operand is on its
page and the value follows from the operands; for not-covered questions the key words listed below (KEYWORDS) occur
nowhere in the document; every document's sha256 is that of its file. Also reports (as a note, not a failure) how many
PDF pages print each new figure.

    python3 eval/real-documents/check_c.py            # check everything
    python3 eval/real-documents/check_c.py find FILE TEXT...   # where TEXT is printed (printed page / PDF page)

Needs pypdf and pdfplumber. Old questions it flags are reported, never changed.
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
QUESTIONS = HERE / "questions.toml"
CACHE = Path("/tmp/check_c_cache")

# Not-covered questions: words whose absence from the whole document (spaces and width ignored) shows it does not
# answer them. Keyed by the question text.
KEYWORDS: dict[str, list[str]] = {
    # pingan-bank-2024-annual-report.pdf
    "2024年末平安银行的市净率是多少？": ["市净率"],
    "2024年平安银行员工离职率是多少？": ["离职率", "流失率"],
    "2024年末平安银行A股收盘价是多少元？": ["收盘价"],
    # executive-yuan-policy-report-2025.pdf
    "113年我國全年平均失業率是多少？": ["失業率"],
    "截至113年12月底，我國外匯存底是多少億美元？": ["外匯存底", "外匯準備"],
    "113年我國總生育率是多少？": ["生育率"],
    # zhoukou-2023-statistical-bulletin.pdf
    "2023年周口市森林覆盖率是多少？": ["森林覆盖", "覆盖率"],
    "2023年周口市城镇调查失业率是多少？": ["失业率", "调查失业"],
    "2023年项城市社会消费品零售总额是多少亿元？": ["项城"],
    # qiandongnan-2023-statistical-bulletin.pdf
    "2023年黔东南州城镇调查失业率是多少？": ["失业率", "调查失业"],
    "2023年镇远县接待游客多少万人次？": ["镇远"],
    "2023年黔东南州PM2.5年平均浓度是多少微克/立方米？": ["PM2.5", "细颗粒物", "微克"],
}


# -- text --------------------------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Width folded; the Chinese comma stays one (共1，486 lists two numbers)."""
    return unicodedata.normalize("NFKC", text.replace("，", "\0")).replace("\0", "，")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def _pattern(needle: str, numeric_edges: bool) -> str:
    before = r"(?<![\d.])(?<!\d,)" if numeric_edges and needle[0].isdigit() else ""
    after = r"(?![\d]|\.\d|,\d)" if numeric_edges and needle[-1].isdigit() else ""
    return before + r"\s*".join(map(re.escape, needle)) + after


def holds(text: str, figure: str, numeric: bool = True) -> bool:
    """The printed figure, not inside a longer number (when numeric), spaces inside it ignored but never removed
    between two numbers; 1,234 also matches 1234 printed so (never the reverse)."""
    text, needle = fold(text), squash(figure)
    if not needle:
        return False
    forms = [(text, needle)]
    if numeric and "," in needle:
        forms.append((re.sub(r"(?<=\d),(?=\d)", "", text), needle.replace(",", "")))
    return any(re.search(_pattern(n, numeric), h) for h, n in forms)


# -- documents ---------------------------------------------------------------------------------------------------
class Doc:
    def __init__(self, path: Path):
        self.path = path
        self.texts = self._texts()  # per PDF page: (pypdf text, pdfplumber text)
        self.labels = self._labels()  # per PDF page: printed label or None

    def _texts(self) -> list[tuple[str, str]]:
        data = self.path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        cache = CACHE / f"{digest}.json"
        if cache.exists():
            return [tuple(t) for t in json.loads(cache.read_text(encoding="utf-8"))]
        import pdfplumber
        import pypdf
        py = [p.extract_text() or "" for p in pypdf.PdfReader(str(self.path)).pages]
        with pdfplumber.open(str(self.path)) as pdf:
            pl = [p.extract_text() or "" for p in pdf.pages]
        texts = list(zip(py, pl))
        CACHE.mkdir(exist_ok=True)
        cache.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        return texts

    def _labels(self) -> list[str | None]:
        """The number printed on each page: a "- N -" / "— N —" line (pypdf's first line), else pdfplumber's last
        line when it is a bare number (or A-N). A number is taken only where it continues the page sequence (N = the
        previous + 1) or starts one (1): a cover that prints only "2024" is no page 2024."""
        labels: list[str | None] = []
        prev = 0
        for py, pl in self.texts:
            label = None
            first = next((line.strip() for line in py.splitlines() if line.strip()), "")
            m = re.fullmatch(r"[-—–－]\s*(\d+)\s*[-—–－]", fold(first).strip())
            if m:
                label = m.group(1)
            else:
                last = [line.strip() for line in pl.splitlines() if line.strip()]
                if last and re.fullmatch(r"\d{1,3}|[A-Z]-\d+", last[-1]):
                    label = last[-1]
            if label and label.isdigit():
                if int(label) in (prev + 1, 1):
                    prev = int(label)
                else:
                    label = None
            labels.append(label)
        return labels

    def pdf_pages(self, printed) -> list[int]:
        """0-based PDF page indexes printing that page number ("pdf:N" is the file's own page N)."""
        if str(printed).startswith("pdf:"):
            return [int(str(printed)[4:]) - 1]
        return [i for i, label in enumerate(self.labels) if label == str(printed)]

    def on(self, i: int, figure: str, numeric: bool = True) -> bool:
        return any(holds(t, figure, numeric) for t in self.texts[i])

    def where(self, figure: str, numeric: bool = True) -> list[int]:
        return [i for i in range(len(self.texts)) if self.on(i, figure, numeric)]

    def contains(self, words: str) -> bool:
        want = squash(words)
        return any(want in squash(t) for pair in self.texts for t in pair)

    def show(self, i: int) -> str:
        return f"p.{self.labels[i] or '?'} (pdf {i + 1})"


# -- computed ----------------------------------------------------------------------------------------------------
def number(text: str) -> Decimal:
    t = squash(text).replace(",", "").rstrip("%％")
    m = re.fullmatch(r"(\d+)萬(\d+)", t)  # 1 萬 5,705
    if m:
        return Decimal(m.group(1)) * 10000 + Decimal(m.group(2))
    return Decimal(t)


def computed(op: str, values: list[Decimal]) -> Decimal | None:
    a = values[0]
    if op in ("difference", "remainder"):
        return a - sum(values[1:])
    if op == "sum":
        return sum(values)
    if op == "ratio":
        return a / values[1]
    if op == "share":
        return a / values[1] * 100
    if op == "bound":
        return a
    return None


def follows(figure: str, op: str, operands: list[str]) -> tuple[bool, str]:
    try:
        want = number(figure)
        if op == "bound":
            got = [number(p) for o in operands for p in re.split(r"[-~～至到]", squash(o)) if p]
            return want in got, "bounds " + ", ".join(map(str, got))
        value = computed(op, [number(o) for o in operands])
    except Exception as e:  # noqa: BLE001 - report whatever does not parse
        return False, f"cannot compute: {e}"
    if value is None:
        return False, f"unknown op {op!r}"
    places = -want.as_tuple().exponent if want.as_tuple().exponent < 0 else 0
    rounded = abs(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded == abs(want), f"{op} = {value:.6g} → {rounded}"


# -- the check ---------------------------------------------------------------------------------------------------
def check() -> int:
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    failures = notes = 0
    for d in data["document"]:
        path = HERE / d["file"]
        print(f"== {d['file']}")
        if not path.exists() or path.stat().st_size == 0:
            print("  FAIL missing file (fetch it: see README.md)")
            failures += 1
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if d.get("sha256") != digest:
            print(f"  FAIL sha256 {digest} != recorded {d.get('sha256')!r}")
            failures += 1
        for field in ("split", "kind", "issuer", "year"):
            if not d.get(field):
                print(f"  FAIL document field {field} missing")
                failures += 1
        doc = Doc(path)
        for n, q in enumerate(d.get("question", []), 1):
            kind, fig, page = q.get("kind", "figure"), str(q.get("figure", "")), q.get("page")
            tag = f"  q{n:02d} [{kind}{'/en' if q.get('lang') == 'en' else ''}] {q['q'][:50]}"
            problems: list[str] = []
            if kind == "not-covered":
                words = KEYWORDS.get(q["q"])
                if fig or page is not None:
                    problems.append("a not-covered question has a figure or page")
                if not words:
                    problems.append("no key words in KEYWORDS")
                problems += [f"key word {w!r} is printed" for w in words or [] if doc.contains(w)]
            elif kind == "computed":
                ops = q.get("operands", [])
                if page is not None or len(ops) < 1 or not q.get("op"):
                    problems.append("computed: needs op and operands, no page")
                for o in ops:
                    pages = doc.pdf_pages(o["page"])
                    if not any(doc.on(i, str(o["figure"])) for i in pages):
                        problems.append(f"operand {o['figure']} not on p.{o['page']} (printed on "
                                        f"{[doc.show(i) for i in doc.where(str(o['figure']))]})")
                ok, how = follows(fig, q.get("op", ""), [str(o["figure"]) for o in ops])
                if not ok:
                    problems.append(f"{fig} does not follow: {how}")
                tag += f"  ({how})"
            else:
                numeric = kind == "figure"
                if page is None:
                    problems.append("no page")
                else:
                    pages = doc.pdf_pages(page)
                    hit = [i for i in pages if doc.on(i, fig, numeric)]
                    if not pages:
                        problems.append(f"no PDF page prints page number {page}")
                    elif not hit:
                        problems.append(f"{fig!r} not on p.{page} (printed on "
                                        f"{[doc.show(i) for i in doc.where(fig, numeric)]})")
                    else:
                        everywhere = doc.where(fig, numeric)
                        tag += f"  on {doc.show(hit[0])}"
                        for extra in q.get("also_pages", []):
                            if not any(doc.on(i, fig, numeric) for i in doc.pdf_pages(extra)):
                                problems.append(f"{fig!r} not on also_pages p.{extra}")
                        listed = set(hit) | {i for extra in q.get("also_pages", []) for i in doc.pdf_pages(extra)}
                        elsewhere = [doc.show(i) for i in everywhere if i not in listed]
                        if elsewhere:
                            tag += f"; note: also printed on {elsewhere}"
                            notes += 1
            if problems:
                failures += 1
                print(tag + "\n    FAIL " + "\n    FAIL ".join(problems))
            else:
                print(tag + "  ok")
    print(f"\n{failures} failure(s); {notes} figure(s) printed on more than one page (a note, not a failure)")
    return 1 if failures else 0


def find(file: str, texts: list[str]) -> None:
    doc = Doc(HERE / file)
    for t in texts:
        print(t, "→", [doc.show(i) for i in doc.where(t)], "| as text:", [doc.show(i) for i in doc.where(t, False)])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "find":
        find(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(check())
