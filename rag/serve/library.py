"""The 文档 tab, pure formatting: the document registry as a table with each document's audit line, its filters (kind,
year, region), the documents a visitor may choose to ask over, the header's count, and example questions drawn from
the loaded documents' own figures and headings."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from rag.ingest import DocumentAudit, facts
from rag.passage import Passage

ALL = ""  # a filter's value: no filter
DOCUMENT_HEADERS = ["标题", "发布单位", "类型", "年份", "地区", "页数", "段落", "数字", "审计", "文件"]
_ENGLISH_TAIL = re.compile(r"（[\x20-\x7e]*[A-Za-z][\x20-\x7e]*）$")  # a problem's （English） for maintainers
_NUMBERING = re.compile(r"^\s*(?:第[一二三四五六七八九十百\d]+[章节部分篇]|[（(]?[一二三四五六七八九十\d]+[）)、.．])\s*")
_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,10}$")  # a figure's label a question can name as it is


def plain(message: str) -> str:
    """A 中文（English） message as its Chinese alone (officials read the table; the log keeps the English)."""
    return _ENGLISH_TAIL.sub("", message.strip()) or message


def audit_line(audit: DocumentAudit) -> str:
    """✓ when nothing looks wrong; else ✗ and each problem, in Chinese."""
    if not audit.problems:
        return "✓"
    return "✗ " + "；".join(plain(p.message) for p in audit.problems)


def _matches(audit: DocumentAudit, kind: str = ALL, year: str = ALL, region: str = ALL) -> bool:
    r = audit.record
    return ((not kind or r.kind == kind) and (not year or str(r.year or "") == str(year))
            and (not region or r.region == region))


def shown(audits: Iterable[DocumentAudit], kind: str = ALL, year: str = ALL, region: str = ALL) -> list[DocumentAudit]:
    """The documents the filters keep, in index order."""
    return [a for a in audits if _matches(a, kind or ALL, year or ALL, region or ALL)]


def document_rows(audits: Iterable[DocumentAudit]) -> list[list]:
    """Dataframe values: title, issuer, kind, year, region, pages, passages, figures, the audit line, the file."""
    return [[a.record.title, a.record.issuer, a.record.kind, a.record.year or "", a.record.region,
             a.record.pages or "", a.record.findings.passages, a.figures, audit_line(a), a.record.source]
            for a in audits]


def filter_choices(audits: Sequence[DocumentAudit]) -> dict[str, list[tuple[str, str]]]:
    """(label, value) for the kind, year and region filters: the values the loaded documents have."""
    def values(get, everything: str, newest_first: bool = False) -> list[tuple[str, str]]:
        found = sorted({str(get(a.record)) for a in audits if get(a.record)}, reverse=newest_first)
        return [(everything, ALL)] + [(v, v) for v in found]

    return {"kind": values(lambda r: r.kind, "全部类型"), "year": values(lambda r: r.year, "全部年份", True),
            "region": values(lambda r: r.region, "全部地区")}


def document_choices(audits: Iterable[DocumentAudit]) -> list[tuple[str, str]]:
    """(label, value) for the documents to ask over: 《title》（year, issuer）, the file as value."""
    out = []
    for a in audits:
        r = a.record
        extra = "，".join(str(v) for v in (r.year, r.issuer) if v)
        out.append((f"《{r.title}》" + (f"（{extra}）" if extra else ""), r.source))
    return out


def loaded_line(count: int) -> str:
    """The page header's count of what answers come from (never the list of every title)."""
    return f"已载入 {count} 份文档" if count else "尚未载入文档"


def header(count: int) -> str:
    return (f"## 职业教育质量报告问答\n{loaded_line(count)}，只依据已收入索引的内容回答，不作推测（文档列表见“文档”页）。"
            "回答中每个 [1]、[2] 都对应右侧同号的来源，可核对原文、页码和整节内容。")


def count_line(shown_count: int, total: int) -> str:
    if not total:
        return "索引中没有文档。"
    if shown_count == total:
        return f"共 {total} 份文档"
    return f"符合条件的文档 {shown_count} 份（共 {total} 份）" if shown_count else f"没有符合条件的文档（共 {total} 份）"


def scope_line(chosen: Sequence[str] | None, audits: Sequence[DocumentAudit]) -> str:
    """What the chat answers from: every document, or the ones chosen in the 文档 tab."""
    titles = {a.record.source: a.record.title for a in audits}
    if not chosen:
        return f"提问范围：全部 {len(titles)} 份文档（可在“文档”页选择）"
    named = "、".join(f"《{titles.get(s, s)}》" for s in chosen[:3]) + ("等" if len(chosen) > 3 else "")
    return f"提问范围：只依据所选的 {len(chosen)} 份文档：{named}"


def chosen_sources(chosen: Sequence[str] | None) -> tuple[str, ...] | None:
    """The Filters.sources of a choice: None (every document) when nothing is chosen."""
    picked = tuple(dict.fromkeys(str(s) for s in (chosen or []) if str(s).strip()))
    return picked or None


def parse_documents(value: str | list | None) -> tuple[str, ...] | None:
    """The API's documents: a JSON list of file names, or names separated by commas, 、 or new lines; None for all."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = [text]
        else:
            value = re.split(r"[,，、\n]+", text)
    return chosen_sources([str(v).strip() for v in value if str(v).strip()])


def record_dict(audit: DocumentAudit) -> dict:
    """One registry record for /documents: the record's fields, its rows of the figures table, and the audit."""
    return audit.record.to_dict() | {"figures": audit.figures, "table_figures": audit.table_figures,
                                     "problems": [p.message for p in audit.problems], "audit": audit_line(audit)}


# -- example questions -----------------------------------------------------------------------------------------------

def _who(audit: DocumentAudit, subject: str) -> str:
    """How a question names whose figure it is: the case, else the document's short name, issuer or region."""
    r = audit.record
    name = subject.split("：")[0].strip() if subject else ""
    if name and subject != r.title and len(name) <= 12:
        return name
    # The issuer as printed before its short names: those are made by rule and may not be how people say it.
    return next((v for v in (r.issuer, *r.short_names, r.region) if v and len(v) <= 12), "")


def _heading(p: Passage) -> str:
    """The passage's nearest heading without its numbering: its section's last part, else its chapter."""
    last = (p.section.split(" / ")[-1] if p.section else "") or p.chapter
    return _NUMBERING.sub("", last).strip()


def figure_question(audit: DocumentAudit, figures: Iterable[facts.Figure]) -> str:
    """A question one of the document's own figures answers: 常州每年日常运行经费是多少？"""
    own = [f for f in figures if f.source == audit.record.source and _LABEL.match(f.label or "")]
    # A figure printed in a sentence with its period reads as a question best; a table cell names less.
    own.sort(key=lambda f: (f.kind != "text", not f.period, f.ordinal))
    for f in own:
        who = _who(audit, f.subject)
        if who and f.label not in who:
            return f"{who}{f.period}{f.label}是多少？"
    return ""


def heading_question(audit: DocumentAudit, passages: Iterable[Passage]) -> str:
    """A question about one of the document's own headings: 常州的“政府主导联合体实体化运作”有哪些主要内容？"""
    for p in passages:
        if p.source != audit.record.source or p.kind not in ("text", "caption"):
            continue
        heading = _heading(p)
        if 2 <= len(heading) <= 20:
            who = _who(audit, p.case)
            return f"{who}的“{heading}”有哪些主要内容？" if who else f"“{heading}”有哪些主要内容？"
    return ""


def example_questions(audits: Sequence[DocumentAudit], figures: Sequence[facts.Figure], passages: Sequence[Passage],
                      limit: int = 5) -> list[str]:
    """Questions from the loaded documents themselves, taking turns between documents: a figure of each, then a
    heading of each, until limit."""
    per_document = [[q for q in (figure_question(a, figures), heading_question(a, passages)) if q] for a in audits]
    out: list[str] = []
    for turn in range(2):
        for questions in per_document:
            if turn < len(questions) and questions[turn] not in out:
                out.append(questions[turn])
    return out[:limit]
