"""Pure formatting for the web page: answers, numbered source cards with figures marked, filters, examples, and the
数据一览 table of figures with the passage of the row chosen; what a question gets is in the question's language."""
from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rag.answer import takeaway
from rag.answer.types import Answer
from rag.ingest import facts
from rag.serve import feedback
from rag.text.figures import Figure, extract_figures, is_grounded
from rag.text.language import is_english
from rag.passage import Passage

LANGUAGES = ("zh", "en")  # Answer.language: the page follows the question's


@dataclass(frozen=True)
class Label:
    """One string of the page in both languages, declared together so neither is forgotten."""
    zh: str
    en: str

    def of(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def language_of(text: str) -> str:
    """The language a question is answered in, before its Answer exists (the answerer decides the same way)."""
    return "en" if is_english(text) else "zh"


BACKEND_NAMES = {backend: Label(*words) for backend, words in takeaway.BACKENDS.items()}
ANSWERED_BY = Label("回答方式：{name}", "Answered with: {name}")
NOT_COVERED_LABEL = Label("报告未涉及", "Not covered by the report")
CANNOT_ANSWER = Label("无法回答", "Cannot answer")
INTERNAL_ERROR = Label("抱歉，系统内部出错，未能回答。请稍后再试；如果一再出现，请联系管理员。",
                       "Sorry, something went wrong inside the system and there is no answer. Please try again later; "
                       "if it keeps happening, contact the administrator.")
WAITING = Label("正在查阅报告…", "Looking through the report…")
PROVISIONAL = Label("原文摘录，模型回答生成中…", "Quoted from the report; the model's answer is being written…")
IN_LINE = Label("排队中：前面还有 {n} 个问题，模型轮到后作答", "In line: {n} questions ahead of yours for the model")
SOURCES_TITLE = Label("来源（{n} 条）", "Sources ({n})")
WHOLE_SECTION = Label("查看整节（{n} 段）", "The whole section (paragraphs: {n})")
SOURCES_HINT = Label("提问后，这里列出回答引用的报告原文；回答中的 [1]、[2] 对应下面同号的来源。",
                     "Ask a question and the report's text the answer cites is listed here; each [1], [2] in the "
                     "answer is the source with the same number below.")
SOURCES_NOT_COVERED = Label("报告未涉及这个问题，没有可引用的原文。",
                            "The report does not cover this question: there is no text to cite.")
PAGE_VIEW = Label("查看原页（{page}，引用处已标出）", "The printed page ({page}, the cited lines marked)")
PAGE_ALT = Label("报告原页：{page}", "The report's printed page: {page}")
OPEN_PDF = Label("在 PDF 中打开{page}", "Open the PDF at {page}")
EXPORT_ANSWER = Label("导出这条回答", "Export this answer")
EXPORT_CHAT = Label("导出整段对话", "Export the conversation")
SOURCES_NONE_CITED = Label("这条回答没有引用原文。", "This answer cites no text from the report.")
# The chat's own words, switched with the examples (the report, its headings and the figures tab stay Chinese).
CHAT_LABEL = Label("对话（点击一条回答，右侧显示它的来源）", "Chat (click an answer to see its sources on the right)")
CHAT_PLACEHOLDER = Label("请在下方输入问题，或点击一个示例问题。", "Type a question below, or click an example question.")
QUESTION_PLACEHOLDER = Label("请输入问题，按回车发送（可以接着追问）", "Type a question, press Enter to send (follow-ups work too)")
SEND = Label("发送", "Send")
CLEAR = Label("清空对话", "Clear")
EXAMPLES_HEADING = Label("**示例问题**（点击即提问）", "**Example questions** (click one to ask it)")
FEEDBACK_HEADING = Label("**对这条回答的意见**（记录下来，用于改进）", "**Your view of this answer** (recorded, to improve answers)")
COMMENT_LABEL = Label("补充说明（可选）", "Comment (optional)")
COMMENT_PLACEHOLDER = Label("例如：正确的数字应为……，见第几页", "e.g. the right figure is …, see page …")
ASK_SOMETHING = Label("请输入问题。", "Please type a question.")
ONE_AT_A_TIME = Label("请等上一个问题回答完再提问。", "Please wait for the answer to the previous question first.")
NOTHING_TO_RATE = Label("还没有可以评价的回答。", "There is no answer to give your view of yet.")
FEEDBACK_FAILED = Label("反馈未能保存，请联系管理员。", "Your feedback could not be saved; please tell the administrator.")
FEEDBACK_SAVED = Label("已记录对第 {n} 个问题的回答的意见：{rating}。谢谢！",
                       "Recorded for the answer to question {n}: {rating}. Thank you!")
# feedback.RATINGS keeps the stored keys and the Chinese words; only the English is added here.
_RATINGS_EN = {"useful": "Useful", "wrong_figure": "Wrong figure", "wrong_source": "Wrong source"}
RATING_NAMES = {key: Label(name, _RATINGS_EN[key]) for key, name in feedback.RATINGS.items()}

ALL = ""  # dropdown value: no filter

# (the case the question is about, the question): figures, who led it, what it did, a comparison, English.
CURATED_EXAMPLES = {
    "zh": [
        ("常州", "常州联合体每年的日常运行经费是多少？"),
        ("常州", "常州新能源产教联合体由哪两家单位牵头？"),
        ("常州", "常州联合体取得了哪些成果成效？"),
        ("常州", "常州联合体“智改数转网联”专项培训和人才供需洽谈会各举办了多少场？"),
        ("常州", "How many new majors did the Changzhou consortium add for the new energy industry?"),
    ],
    # A figure, who leads a consortium, where a case is, what it achieved: each answered in English.
    "en": [
        ("常州", "How much money does the Changzhou city government allocate each year for the consortium's "
                 "daily operations?"),
        ("晋江", "Which two institutions lead the Jinjiang city-level industry-education consortium?"),
        ("常州", "On which page of the report does the Changzhou new energy consortium case begin?"),
        ("常州", "What results has the Changzhou consortium achieved?"),
        ("常州", "How many new majors did the Changzhou consortium add for the new energy industry?"),
    ],
}

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


def backend_name(backend: str, language: str) -> str:
    name = BACKEND_NAMES.get(backend)
    return name.of(language) if name else backend


def backend_line(answer: Answer) -> str:
    """Which way the answer was produced, and why it fell back when it did (the answerer wrote the notice in
    the answer's language)."""
    line = ANSWERED_BY.of(answer.language).format(name=backend_name(answer.backend, answer.language))
    if not answer.notice:
        return line
    return f"{line}. {answer.notice}" if answer.language == "en" else f"{line}。{answer.notice}"


def chat_message(answer: Answer) -> str:
    """The assistant's message: the answer, its sources by citation (cards beside), how it was answered."""
    parts = []
    if not answer.found:
        parts.append(f'<span class="not-covered">{NOT_COVERED_LABEL.of(answer.language)}</span>')
    parts.append(format_answer_text(answer.text))
    if answer.citations:
        items = "".join(f"<li>{cite_badge(n)} {html.escape(p.citation)}</li>"
                        for n, p in enumerate(answer.citations, 1))
        title = SOURCES_TITLE.of(answer.language).format(n=len(answer.citations))
        parts.append(f'<details class="message-sources"><summary>{title}</summary>'
                     f"<ul>{items}</ul></details>")
    parts.append(f'<div class="answer-meta">{html.escape(backend_line(answer))}</div>')
    return "\n\n".join(parts)


def provisional_message(answer: Answer, ahead: int = 0) -> str:
    """The quoted extract shown while the model writes (or while the question waits for it, `ahead` questions
    before it), labelled so that nobody takes it for the final answer."""
    label = IN_LINE.of(answer.language).format(n=ahead) if ahead else PROVISIONAL.of(answer.language)
    return f'<div class="provisional-label">{html.escape(label)}</div>\n\n{format_answer_text(answer.text)}'


def waiting_message(language: str, ahead: int = 0) -> str:
    """What a question shows before anything of its answer is known: looking, or its place in the line."""
    return html.escape(IN_LINE.of(language).format(n=ahead) if ahead else WAITING.of(language))


# 中文（English）: the form of RagError messages; the English part is taken alone only when it is plain ASCII.
_BILINGUAL = re.compile(r"(?P<zh>.*[\u3400-\u9fff].*)（(?P<en>[\x20-\x7e]*[A-Za-z][\x20-\x7e]*)）", re.S)


def in_language(message: str, language: str) -> str:
    """A 中文（English） message for a question in that language: for English the English part, as a sentence;
    the whole message when there is no such part."""
    found = _BILINGUAL.fullmatch(message.strip())
    if language != "en" or not found:
        return message
    english = found["en"].strip()
    return english[0].upper() + english[1:] + ("" if english.endswith((".", "!", "?")) else ".")


def error_message(message: str, language: str = "zh") -> str:
    """Why a question got no answer, in the question's language."""
    return (f'<span class="error">{CANNOT_ANSWER.of(language)}</span>\n\n'
            f"{html.escape(in_language(message, language), quote=False)}")


def _section_key(p: Passage) -> tuple:
    group = "body" if p.kind in _BODY_KINDS else p.kind
    return p.source, p.case, p.section, group, p.speaker


def section_passages(passage: Passage, passages: Iterable[Passage]) -> list[Passage]:
    """Every passage of the cited passage's section (same case and heading, in reading order)."""
    key = _section_key(passage)
    return sorted((p for p in passages if _section_key(p) == key), key=lambda p: p.ordinal)


@dataclass(frozen=True)
class PageView:
    """A PDF passage's printed page on its card: the image and the PDF at that page, or why they cannot be shown."""
    image_url: str  # relative to the page: page-image/<id>.png
    pdf_url: str  # pdf/<id>#page=N (N the file's page, 1-based)
    printed: str  # the page as printed: 第73页
    problem: str = ""  # a one-line PageError message: the card says it instead of showing a broken image


def page_view(view: PageView, language: str = "zh") -> str:
    """The card's printed-page part: a fold that loads the image only when opened, and the PDF link."""
    printed = html.escape(view.printed or "")
    if view.problem:
        return f'<div class="page-missing">{html.escape(in_language(view.problem, language))}</div>'
    return (f'<details class="source-page"><summary>{PAGE_VIEW.of(language).format(page=printed)}</summary>'
            f'<img class="page-image" loading="lazy" src="{html.escape(view.image_url)}" '
            f'alt="{PAGE_ALT.of(language).format(page=printed)}">'
            f'<a class="page-pdf" href="{html.escape(view.pdf_url)}" target="_blank" rel="noopener">'
            f'{OPEN_PDF.of(language).format(page=printed)}</a></details>')


def source_card(n: int, passage: Passage, figures: list[Figure], section: list[Passage], language: str = "zh",
                page: PageView | None = None) -> str:
    """[n], the citation (chapter, case, section, page), the passage with figures marked, the printed page (a PDF
    source), the whole section."""
    paragraphs = "".join(
        f'<p class="{"cited" if p.id == passage.id else ""}">{highlight(p.text, figures)}</p>' for p in section)
    return (
        f'<div class="source-card" id="source-{n}">'
        f'<div class="source-head">{cite_badge(n)} '
        f'<span class="source-citation">{html.escape(passage.citation)}</span></div>'
        f'<div class="source-text">{highlight(passage.text, figures)}</div>'
        f'{page_view(page, language) if page is not None else ""}'
        f'<details class="source-section"><summary>{WHOLE_SECTION.of(language).format(n=len(section))}</summary>'
        f'<div class="section-text">{paragraphs}</div></details>'
        "</div>"
    )


def sources_empty(language: str = "zh") -> str:
    """The sources panel before a question (or after 清空对话)."""
    return f'<div class="sources-empty">{SOURCES_HINT.of(language)}</div>'


def source_cards(answer: Answer | None, passages: list[Passage], language: str = "zh",
                 pages: dict[str, PageView] | None = None) -> str:
    """The sources panel for one answer, in its language: a card per [n] (with its printed page where pages has
    the passage's id), or why there is none."""
    if answer is None:
        return sources_empty(language)
    language = answer.language
    if not answer.citations:
        reason = SOURCES_NOT_COVERED if not answer.found else SOURCES_NONE_CITED
        return f'<div class="sources-empty">{reason.of(language)}</div>'
    figures = extract_figures(answer.text)  # the amounts the answer states: marked in what it cites
    cards = "".join(source_card(n, p, figures, section_passages(p, passages) or [p], language, (pages or {}).get(p.id))
                    for n, p in enumerate(answer.citations, 1))
    title = SOURCES_TITLE.of(language).format(n=len(answer.citations))
    return f'<div class="sources"><div class="sources-title">{title}</div>{cards}</div>'


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


def example_questions(case_titles: Iterable[str], language: str = "zh") -> list[str]:
    """Curated questions in that language about cases the index holds; for another corpus, one per case from its
    heading, in Chinese whatever the language (an English question naming a Chinese heading is read as Chinese)."""
    titles = list(case_titles)
    curated = [q for key, q in CURATED_EXAMPLES[language if language in LANGUAGES else "zh"]
               if any(t.startswith(key) for t in titles)]
    if curated:
        return curated
    return [f"「{re.split('[：:]', t, maxsplit=1)[0]}」案例有哪些主要做法和成效？" for t in titles[:5]]


def preferred_language(wanted: str) -> str:
    """The page's first language: ?lang=en, or the browser's languages (zh-CN,en;q=0.8: Accept-Language or
    navigator.languages), the first of Chinese and English there; Chinese, the report's, when neither is."""
    tags = []
    for position, item in enumerate((wanted or "").split(",")):
        tag, _, params = item.strip().lower().partition(";")
        quality = re.search(r"q=([\d.]+)", params)
        try:
            weight = float(quality.group(1)) if quality else 1.0
        except ValueError:
            weight = 0.0
        tags.append((-weight, position, tag.strip()))
    for _, _, tag in sorted(tags):
        if tag.split("-")[0] in LANGUAGES:
            return tag.split("-")[0]
    return "zh"


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
            f'<details class="source-section"><summary>{WHOLE_SECTION.of("zh").format(n=len(section))}</summary>'
            f'<div class="section-text">{paragraphs}</div></details></div>')
