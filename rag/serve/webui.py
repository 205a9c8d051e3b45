"""Pure formatting for the web page: answers, numbered source cards with figures marked, filters, examples, and the
数据一览 table of figures with the passage of the row chosen."""
from __future__ import annotations

import html
import re
from collections.abc import Iterable

from rag.answer.types import Answer
from rag.config import CONTENTS, FIGURES
from rag.ingest import facts
from rag.text.figures import Figure, extract_figures, is_grounded
from rag.passage import Passage

# Plain words for officials; rag.config.BACKEND_LABELS names the model, which means nothing to them.
BACKEND_NAMES = {"local": "本地模型", "openai": "远程模型服务", "extractive": "原文摘录（未经语言模型）",
                 FIGURES: "报告数据表（程序计算，未经语言模型）", CONTENTS: "报告目录与标题（程序生成，未经语言模型）"}
ALL = ""  # dropdown value: no filter
NOT_COVERED_LABEL = "报告未涉及"
WAITING = "正在查阅报告…"
SOURCES_EMPTY = '<div class="sources-empty">提问后，这里列出回答引用的报告原文；回答中的 [1]、[2] 对应下面同号的来源。</div>'

# (the case the question is about, the question): figures, who led it, what it did, a comparison, English.
CURATED_EXAMPLES = [
    ("常州", "常州联合体每年的日常运行经费是多少？"),
    ("常州", "常州新能源产教联合体由哪两家单位牵头？"),
    ("常州", "常州联合体取得了哪些成果成效？"),
    ("常州", "常州联合体“智改数转网联”专项培训和人才供需洽谈会各举办了多少场？"),
    ("常州", "How many new majors did the Changzhou consortium add for the new energy industry?"),
]

_CITE = re.compile(r"\[(\d+)\]")
_BODY_KINDS = ("text", "caption")  # captions sit inside the section they illustrate


def cite_badge(n: int | str) -> str:
    """The same badge in the answer and on the card, so [n] and its source visibly match."""
    return f'<span class="cite">[{n}]</span>'


def highlight(text: str, figures: Iterable[Figure]) -> str:
    """Escaped passage text with each figure the answer quotes in <mark>, whatever its notation (1 200 = 1200)."""
    found = extract_figures(text, include_all=True)
    spans: set[tuple[int, int]] = set()
    for wanted in figures:
        same = [f for f in found if is_grounded(wanted, f.raw)]
        # 3.5万人次 marks "3.5 万人次", not also "3.5 万个岗位" (compatible units, another fact).
        spans.update((f.start, f.end) for f in ([f for f in same if f.unit == wanted.unit] or same))
    return marked(text, spans)


def marked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escaped text with each (start, end) span in <mark>; line breaks kept."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:  # overlapping matches: the first one already covers it
            continue
        out += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def format_answer_text(text: str) -> str:
    """Answer text for the chat (Markdown with inline HTML): escaped, each [n] as its badge."""
    return _CITE.sub(lambda m: cite_badge(m.group(1)), html.escape(text, quote=False))


def backend_line(answer: Answer) -> str:
    """Which way the answer was produced, and why it fell back when it did."""
    line = f"回答方式：{BACKEND_NAMES.get(answer.backend, answer.backend)}"
    return f"{line}。{answer.notice}" if answer.notice else line


def chat_message(answer: Answer) -> str:
    """The assistant's message: the answer, its sources by citation (cards beside), how it was answered."""
    parts = []
    if not answer.found:
        parts.append(f'<span class="not-covered">{NOT_COVERED_LABEL}</span>')
    parts.append(format_answer_text(answer.text))
    if answer.citations:
        items = "".join(f"<li>{cite_badge(n)} {html.escape(p.citation)}</li>"
                        for n, p in enumerate(answer.citations, 1))
        parts.append(f'<details class="message-sources"><summary>来源（{len(answer.citations)} 条）</summary>'
                     f"<ul>{items}</ul></details>")
    parts.append(f'<div class="answer-meta">{html.escape(backend_line(answer))}</div>')
    return "\n\n".join(parts)


def error_message(message: str) -> str:
    return f'<span class="error">无法回答</span>\n\n{html.escape(message, quote=False)}'


def _section_key(p: Passage) -> tuple:
    group = "body" if p.kind in _BODY_KINDS else p.kind
    return p.source, p.case, p.section, group, p.speaker


def section_passages(passage: Passage, passages: Iterable[Passage]) -> list[Passage]:
    """Every passage of the cited passage's section (same case and heading, in reading order)."""
    key = _section_key(passage)
    return sorted((p for p in passages if _section_key(p) == key), key=lambda p: p.ordinal)


def source_card(n: int, passage: Passage, figures: list[Figure], section: list[Passage]) -> str:
    """[n], the citation (chapter, case, section, page), the passage with figures marked, the whole section."""
    paragraphs = "".join(
        f'<p class="{"cited" if p.id == passage.id else ""}">{highlight(p.text, figures)}</p>' for p in section)
    return (
        f'<div class="source-card" id="source-{n}">'
        f'<div class="source-head">{cite_badge(n)} '
        f'<span class="source-citation">{html.escape(passage.citation)}</span></div>'
        f'<div class="source-text">{highlight(passage.text, figures)}</div>'
        f'<details class="source-section"><summary>查看整节（{len(section)} 段）</summary>'
        f'<div class="section-text">{paragraphs}</div></details>'
        "</div>"
    )


def source_cards(answer: Answer | None, passages: list[Passage]) -> str:
    """The sources panel for one answer: a card per [n], or why there is none."""
    if answer is None:
        return SOURCES_EMPTY
    if not answer.citations:
        reason = "报告未涉及这个问题，没有可引用的原文。" if not answer.found else "这条回答没有引用原文。"
        return f'<div class="sources-empty">{reason}</div>'
    figures = extract_figures(answer.text)  # the amounts the answer states: marked in what it cites
    cards = "".join(source_card(n, p, figures, section_passages(p, passages) or [p])
                    for n, p in enumerate(answer.citations, 1))
    return f'<div class="sources"><div class="sources-title">来源（{len(answer.citations)} 条）</div>{cards}</div>'


def _with_text(passages: Iterable[Passage]) -> list[Passage]:
    # Contents lines only name a case or chapter: filtering to them would always end in "not covered".
    return sorted((p for p in passages if p.kind not in ("toc", "cover")), key=lambda p: p.ordinal)


def chapter_choices(passages: Iterable[Passage]) -> list[tuple[str, str]]:
    """(label, value) for the chapter filter: chapters the index holds text of, in report order."""
    seen: dict[str, str] = {}
    for p in _with_text(passages):
        if p.chapter:
            seen.setdefault(p.chapter_number, p.chapter)
    return [("全部章节", ALL)] + [(title, number) for number, title in seen.items()]


def case_choices(passages: Iterable[Passage], chapter: str = ALL) -> list[tuple[str, str]]:
    """(label, value) for the case filter: cases with text, limited to the chosen chapter."""
    cases: dict[str, None] = {}
    for p in _with_text(passages):
        if p.case and (chapter == ALL or p.chapter_number == chapter):
            cases.setdefault(p.case, None)
    return [("全部案例", ALL)] + [(title, title) for title in cases]


def example_questions(case_titles: Iterable[str]) -> list[str]:
    """Curated questions about cases the index holds; for another corpus, one per case from its heading."""
    titles = list(case_titles)
    curated = [q for key, q in CURATED_EXAMPLES if any(t.startswith(key) for t in titles)]
    if curated:
        return curated
    return [f"「{re.split('[：:]', t, maxsplit=1)[0]}」案例有哪些主要做法和成效？" for t in titles[:5]]


# -- 数据一览: the figures table -----------------------------------------------------------------------------------
FIGURE_HEADERS = ["指标", "所属", "时期", "数值", "出处", "编号"]  # 编号 last: the row's id, for its passage
FIGURE_PASSAGE_EMPTY = '<div class="sources-empty">点击表格中的一行，这里显示该数字所在的报告原文。</div>'


def figure_rows(figures: Iterable[facts.Figure]) -> list[list[str]]:
    """Dataframe values: what is measured, whose, when, the figure as printed, where, and the row's id."""
    return [[f.measure, f.subject, f.period, f.printed, f.citation, f.id] for f in figures]


def figures_count(shown: int, total: int) -> str:
    if not total:
        return "当前索引中没有可列出的数字。"
    if not shown:
        return f"没有符合条件的数据（共 {total} 条），请放宽筛选条件。"
    return f"共 {total} 条数据" if shown == total else f"符合条件的数据 {shown} 条（共 {total} 条）"


def document_choices(figures: Iterable[facts.Figure]) -> list[tuple[str, str]]:
    """(label, value) for the document filter: the titles the figures come from, in index order."""
    titles = dict.fromkeys(f.document for f in figures if f.document)
    return [("全部文档", ALL)] + [(f"《{t}》", t) for t in titles]


def figure_spans(figure: facts.Figure, text: str) -> list[tuple[int, int]]:
    """Where the row's figure is printed in its passage: at its own offset (the same number elsewhere in the
    passage is another fact), else wherever the passage prints it."""
    end = figure.start + len(figure.raw)
    if text[figure.start:end] == figure.raw:
        return [(figure.start, end)]
    found = extract_figures(text, include_all=True)
    wanted = extract_figures(figure.raw, include_all=True)
    return [(f.start, f.end) for f in found if any(is_grounded(w, f.raw) for w in wanted)]


def figure_card(figure: facts.Figure, passage: Passage | None, section: list[Passage]) -> str:
    """The chosen row's passage: its citation, what the row says, the passage with the figure marked, the section."""
    facts_line = " · ".join(html.escape(v) for v in (figure.measure, figure.subject, figure.period) if v) or "数值"
    head = (f'<div class="source-head"><span class="source-citation">{html.escape(figure.citation)}</span></div>'
            f'<div class="answer-meta">{facts_line}：<b>{html.escape(figure.printed)}</b></div>')
    if passage is None:  # the index changed since the table was shown
        body = f'<div class="source-text">{html.escape(figure.sentence)}</div>'
        return f'<div class="source-card" id="figure-card">{head}{body}</div>'
    paragraphs = "".join(
        f'<p class="{"cited" if p.id == passage.id else ""}">'
        f'{marked(p.text, figure_spans(figure, p.text) if p.id == passage.id else [])}</p>' for p in section)
    return (f'<div class="source-card" id="figure-card">{head}'
            f'<div class="source-text">{marked(passage.text, figure_spans(figure, passage.text))}</div>'
            f'<details class="source-section"><summary>查看整节（{len(section)} 段）</summary>'
            f'<div class="section-text">{paragraphs}</div></details></div>')
