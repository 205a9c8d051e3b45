"""Validate eval/questions.jsonl against the report text.

Run from the repository root:  python eval/check_questions.py
The report is read from $REPORT_PATH, or else the corpus copy in corpus/.

Checks
- schema: exact key set, field types, id prefix matching type, unique ids;
- minimum counts per type;
- every evidence span is 6-30 characters, has no line break and occurs verbatim
  in the report text;
- every item of every answer has its first variant (whitespace ignored) in a
  paragraph holding one of the question's evidence spans.  Paragraphs are the
  non-blank lines of the file, with the two repairs a parser also needs:
  a sentence cut by a page break (body line ending mid-sentence, blank lines,
  continuation line) is joined back, and a chapter heading ("▶ 第三章 …") gets
  the bare page-number line printed after it;
- comparison, ranking and total questions cite at least two evidence spans; their
  optional "computed" items (a difference, a ratio, a sum) are exempt from the
  paragraph check; followup questions carry history and an anaphor;
  english questions are written in English; not_covered questions have empty
  answer and evidence;
- figure/entity questions paraphrase rather than copy: no run of 16 or more
  characters is shared with the report.
"""
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUESTIONS = HERE / "questions.jsonl"
REPORT_NAME = "vocational-education-quality-report-2024-excerpt.txt"

TYPES = {
    "figure": ("fig", 55),
    "entity": ("ent", 16),
    "structure": ("str", 8),
    "not_covered": ("nc", 14),
    "followup": ("fu", 7),
    "english": ("en", 8),
    "comparison": ("cmp", 25),
    "ranking": ("rank", 5),
    "total": ("total", 5),
}
KEYS = {"id", "type", "question", "history", "answer", "evidence", "case", "section", "page"}
OPTIONAL = {"computed"}  # answer items computed from the evidence (a difference, a sum): never printed
MULTI = ("comparison", "ranking", "total")  # every evidence span is needed
CASE_PAGES = {"常州": 71, "晋江": 76}
ANAPHORA = ("它", "此", "这个", "这些", "这类", "那", "该", "其", "他", "她", "紧随其后")
SENTENCE_END = tuple("。！？；：”」）)…")
MAX_SHARED_RUN = 16


def find_report():
    env = os.environ.get("REPORT_PATH")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT / "corpus" / REPORT_NAME)
    for c in candidates:
        if c.is_file():
            return c
    sys.exit("report text not found; set REPORT_PATH")


def norm(s):
    return re.sub(r"\s+", "", s).replace("**", "")


def paragraphs(text):
    """Non-blank lines, with page-break splits and chapter page numbers repaired."""
    paras = []
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        if paras:
            prev = paras[-1]
            # bare page number printed under a chapter heading: "## ▶ 第三章 …" + "55"
            if re.fullmatch(r"\d{1,3}", s) and "▶" in prev:
                paras[-1] = prev + " " + s
                continue
            # body sentence cut by a page break: "…实施万帮" + "数字能源“种子计划”…"
            body_prev = not prev.startswith("#") and len(prev) >= 40 and not prev.endswith(SENTENCE_END) \
                and not prev[-1].isdigit()
            body_next = not s.startswith(("#", "图", "—", "【", "**"))
            if body_prev and body_next:
                paras[-1] = prev + s
                continue
        paras.append(s)
    return paras


def longest_shared_run(q, text_norm):
    q = norm(q)
    best = 0
    for i in range(len(q)):
        lo, hi = best + 1, len(q) - i
        while lo <= hi:  # binary search on the run length starting at i
            mid = (lo + hi) // 2
            if q[i:i + mid] in text_norm:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
    return best


def main():
    report = find_report()
    text = report.read_text(encoding="utf-8")
    text_norm = norm(text)
    paras = paragraphs(text)
    errors = []
    counts = Counter()
    ids = set()

    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    for n, raw in enumerate(lines, 1):
        where = f"line {n}"
        try:
            q = json.loads(raw)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: bad JSON: {e}")
            continue
        if not KEYS <= set(q) <= KEYS | OPTIONAL:
            errors.append(f"{where}: keys {sorted((set(q) - OPTIONAL) ^ KEYS)} wrong")
            continue
        qid, typ = q["id"], q["type"]
        where = f"{qid} (line {n})"
        if typ not in TYPES:
            errors.append(f"{where}: unknown type {typ!r}")
            continue
        counts[typ] += 1
        if qid in ids:
            errors.append(f"{where}: duplicate id")
        ids.add(qid)
        if not re.fullmatch(TYPES[typ][0] + r"-\d{3}", qid):
            errors.append(f"{where}: id does not match prefix {TYPES[typ][0]}-NNN")
        if not isinstance(q["question"], str) or not q["question"].strip():
            errors.append(f"{where}: empty question")
        if q["case"] not in ("常州", "晋江", ""):
            errors.append(f"{where}: bad case {q['case']!r}")
        if not isinstance(q["section"], str) or (typ != "not_covered" and not q["section"].strip()):
            errors.append(f"{where}: empty section (only not_covered questions may have none)")
        page = q["page"]
        if page is not None and (not isinstance(page, int) or isinstance(page, bool)):
            errors.append(f"{where}: page must be int or null")
        if q["case"] in CASE_PAGES and page not in (None, CASE_PAGES[q["case"]]):
            errors.append(f"{where}: page {page} but case {q['case']} starts at {CASE_PAGES[q['case']]}")
        if isinstance(page, int) and typ != "not_covered" and not re.search(r"\t%d\b" % page, text):
            errors.append(f"{where}: page {page} is not a page number in the table of contents")

        hist = q["history"]
        if typ == "followup" or (typ == "english" and hist):  # an English follow-up carries its history too
            ok = isinstance(hist, list) and hist and all(
                isinstance(t, list) and len(t) == 2 and all(isinstance(x, str) and x.strip() for x in t) for t in hist)
            if not ok:
                errors.append(f"{where}: followup needs history [[question, answer], ...]")
            if typ == "followup" and not any(a in q["question"] for a in ANAPHORA):
                errors.append(f"{where}: followup question has no anaphor resolving to the history")
        elif hist != []:
            errors.append(f"{where}: history must be [] for {typ}")

        ans, ev = q["answer"], q["evidence"]
        if not isinstance(ans, list) or not all(
                isinstance(item, list) and item and all(isinstance(v, str) and v.strip() for v in item) for item in ans):
            errors.append(f"{where}: answer must be a list of non-empty lists of strings")
            continue
        if not isinstance(ev, list) or not all(isinstance(e, str) for e in ev):
            errors.append(f"{where}: evidence must be a list of strings")
            continue
        if typ == "not_covered":
            if ans or ev:
                errors.append(f"{where}: not_covered needs empty answer and evidence")
            continue
        if not ans or not ev:
            errors.append(f"{where}: answerable question needs answer and evidence")
            continue

        ev_paras = []
        for e in ev:
            if "\n" in e or "\r" in e:
                errors.append(f"{where}: evidence spans a line break: {e!r}")
            if not 6 <= len(e) <= 30:
                errors.append(f"{where}: evidence length {len(e)} not in 6..30: {e!r}")
            if e not in text:
                errors.append(f"{where}: evidence not verbatim in report: {e!r}")
                continue
            hits = [i for i, p in enumerate(paras) if e in p]
            if not hits:
                errors.append(f"{where}: evidence not inside one paragraph: {e!r}")
            ev_paras.append(set(hits))
        pool = norm(" ".join(paras[i] for hs in ev_paras for i in hs))
        for item in ans:
            if norm(item[0]) not in pool:
                found = [v for v in item if norm(v) in pool]
                errors.append(f"{where}: first variant {item[0]!r} not in evidence paragraph(s)"
                              + (f" (other variants found: {found})" if found else ""))

        computed = q.get("computed", [])
        if computed and (typ not in MULTI or not all(isinstance(i, list) and i for i in computed)):
            errors.append(f"{where}: computed items are for {', '.join(MULTI)} questions, as lists of variants")
        if typ in MULTI and len(set(ev)) < 2:
            errors.append(f"{where}: {typ} needs >= 2 evidence spans")
        if typ == "english":
            letters = sum(c.isascii() and c.isalpha() for c in q["question"])
            cjk = len(re.findall(r"[\u4e00-\u9fff]", q["question"]))
            if letters < 15 or cjk:
                errors.append(f"{where}: english question should be written in English")
        if typ in ("figure", "entity"):
            run = longest_shared_run(q["question"], text_norm)
            if run >= MAX_SHARED_RUN:
                errors.append(f"{where}: question copies {run} characters of the report; paraphrase it")

    for typ, (_, minimum) in TYPES.items():
        if counts[typ] < minimum:
            errors.append(f"type {typ}: {counts[typ]} questions, need >= {minimum}")

    print(f"report: {report}")
    print("counts: " + ", ".join(f"{t}={counts[t]}" for t in TYPES) + f", total={sum(counts.values())}")
    if errors:
        print(f"{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
