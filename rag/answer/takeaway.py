"""Answers to take away: one answer or a whole conversation as Markdown or DOCX, every [n] a numbered footnote
(《title》 · chapter · case · section · 第N页) with the quoted passages, the backend and the index version."""
from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape

from rag.config import CONTENTS, FIGURES
from rag.passage import Passage


class Answered(Protocol):
    """What an export reads of an answer: rag.answer.types.Answer, declared here so that this module needs nothing
    of types.py, which imports it (no import circle)."""
    text: str
    citations: list[Passage]
    found: bool
    backend: str
    question: str
    notice: str
    language: str
    index_version: str


TITLE = "职业教育质量报告问答"
_CITE = re.compile(r"\[(\d+)\]")
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


@dataclass(frozen=True)
class Words:
    """The export's own words in one language (the answer's)."""
    question: str
    answer: str
    backend: str
    version: str
    exported: str
    quoted: str
    not_covered: str
    notice: str


WORDS = {
    "zh": Words("问", "答", "回答方式", "索引版本", "导出时间", "引用原文", "（报告未涉及）", "说明"),
    "en": Words("Q", "A", "Answered with", "Index version", "Exported", "Quoted passages", "(not covered by the report)",
                "Note"),
}
BACKENDS = {  # plain words for officials, on the page and in exports (rag.config.BACKEND_LABELS names the model)
    "local": ("本地模型", "the local model"),
    "openai": ("远程模型服务", "a remote model service"),
    "extractive": ("原文摘录（未经语言模型）", "excerpts from the report (no language model)"),
    FIGURES: ("报告数据表（程序计算，未经语言模型）", "the report's figures table (computed in code, no language model)"),
    CONTENTS: ("报告目录与标题（程序生成，未经语言模型）",
               "the report's contents and headings (generated in code, no language model)"),
}


@dataclass(frozen=True)
class Note:
    """One footnote: its number in the exported file, the passage and where it is printed."""
    number: int
    passage: Passage

    @property
    def reference(self) -> str:
        """《title》 · chapter · case · section · 第N页: the citation with its document always named."""
        citation = self.passage.citation
        title = f"《{self.passage.document}》"
        if self.passage.document and not citation.startswith(title):
            citation = f"{title} · {citation}"
        return citation


@dataclass(frozen=True)
class Entry:
    """One answer of the export with its [n] renumbered to the file's footnotes."""
    answer: Answered
    text: str  # the answer text with every [n] as {{note:k}}, k the file's footnote number
    notes: tuple[Note, ...]


def entries(answers: Sequence[Answered]) -> list[Entry]:
    """Footnotes numbered across the whole file, in order: [1] of the second answer continues after the first's."""
    out, start = [], 0
    for answer in answers:
        notes = tuple(Note(start + n, p) for n, p in enumerate(answer.citations, 1))
        offset = start

        def renumber(match: re.Match, offset: int = offset, count: int = len(notes)) -> str:
            n = int(match.group(1))
            return f"{{{{note:{offset + n}}}}}" if 1 <= n <= count else match.group(0)

        out.append(Entry(answer, _CITE.sub(renumber, answer.text), notes))
        start += len(notes)
    return out


def _words(answers: Sequence[Answered]) -> Words:
    return WORDS["en" if answers and all(a.language == "en" for a in answers) else "zh"]


def backend_name(backend: str, language: str) -> str:
    names = BACKENDS.get(backend)
    return names[language == "en"] if names else backend


def _stamp(answers: Sequence[Answered], version: str | None) -> str:
    return version or next((a.index_version for a in answers if a.index_version), "") or "—"


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %z")


_NOTE = re.compile(r"\{\{note:(\d+)\}\}")


def to_markdown(answers: Sequence[Answered], version: str | None = None) -> str:
    """The answers as Markdown: each question and answer, [n] as footnotes [^n], the quoted passages, how each
    was answered, the index version and the time of export."""
    words = _words(answers)
    lines = [f"# {TITLE}", ""]
    for entry in entries(answers):
        answer = entry.answer
        language = answer.language
        if answer.question:
            lines += [f"**{words.question}：** {answer.question}", ""]
        text = _NOTE.sub(lambda m: f"[^{m.group(1)}]", entry.text)
        prefix = "" if answer.found else f"{words.not_covered} "
        lines += [f"**{words.answer}：** {prefix}{text}", ""]
        if answer.notice:
            lines += [f"*{words.notice}：{answer.notice}*", ""]
        lines += [f"*{words.backend}：{backend_name(answer.backend, language)}*", ""]
    lines += [f"*{words.version}：{_stamp(answers, version)} · {words.exported}：{_now()}*", ""]
    notes = [note for entry in entries(answers) for note in entry.notes]
    if notes:
        lines += [f"## {words.quoted}", ""]
        for note in notes:
            quote = "\n".join(f"> {line}" if line else ">" for line in note.passage.text.splitlines())
            lines += [f"**[{note.number}]** {note.reference}", "", quote, ""]
        lines += [f"[^{note.number}]: {note.reference}" for note in notes]
        lines.append("")
    return "\n".join(lines)


# -- DOCX: real Word footnotes (python-docx has no API for them; the part is written by hand) ------------------
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _clean(text: str) -> str:
    return escape(_XML_BAD.sub("", text))


def _footnotes_xml(notes: list[Note]) -> bytes:
    """word/footnotes.xml: the two separators Word expects, then one footnote per note."""
    body = [f'<w:footnotes xmlns:w="{_W}">',
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            '</w:footnote>']
    for note in notes:
        body.append(f'<w:footnote w:id="{note.number}"><w:p>'
                    '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                    f'<w:r><w:t xml:space="preserve"> {_clean(note.reference)}</w:t></w:r></w:p></w:footnote>')
    body.append("</w:footnotes>")
    return "".join(body).encode("utf-8")


def _write_runs(paragraph, text: str) -> None:
    """Text with {{note:k}} markers: plain runs, and a superscript footnote reference for each marker."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    pos = 0
    for match in _NOTE.finditer(text):
        if match.start() > pos:
            paragraph.add_run(_XML_BAD.sub("", text[pos:match.start()]))
        run = paragraph.add_run()
        properties = run._r.get_or_add_rPr()
        raised = OxmlElement("w:vertAlign")
        raised.set(qn("w:val"), "superscript")
        properties.append(raised)
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), match.group(1))
        run._r.append(reference)
        pos = match.end()
    if pos < len(text):
        paragraph.add_run(_XML_BAD.sub("", text[pos:]))


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _write_text(document, text: str, lead: str = "") -> None:
    """An answer's text: its lines as paragraphs, a Markdown table (| a | b |) as a Word table."""
    lines = text.splitlines() or [""]
    i = 0
    first = True
    while i < len(lines):
        if lines[i].lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                if not re.fullmatch(r"[\s|:\-]+", lines[i]):  # the |---| line under the heading row
                    rows.append(_cells(lines[i]))
                i += 1
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    cell_paragraph = table.cell(r, c).paragraphs[0]
                    _write_runs(cell_paragraph, cell)
                    if r == 0:
                        for run in cell_paragraph.runs:
                            run.bold = True
            continue
        paragraph = document.add_paragraph()
        if first and lead:
            paragraph.add_run(lead).bold = True
        _write_runs(paragraph, lines[i])
        first = False
        i += 1


def write_docx(answers: Sequence[Answered], path: str | Path, version: str | None = None) -> Path:
    """The answers as a Word file at path: each [n] a real footnote (it survives copying into another document),
    then the quoted passages, how each answer was made, the index version and the time of export."""
    from docx import Document
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.shared import Pt

    words = _words(answers)
    document = Document()
    document.add_heading(TITLE, level=1)
    done = entries(answers)
    for entry in done:
        answer = entry.answer
        if answer.question:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{words.question}：").bold = True
            paragraph.add_run(_XML_BAD.sub("", answer.question))
        prefix = "" if answer.found else words.not_covered
        _write_text(document, (prefix + " " if prefix else "") + entry.text, lead=f"{words.answer}：")
        if answer.notice:
            document.add_paragraph(f"{words.notice}：{_XML_BAD.sub('', answer.notice)}").runs[0].italic = True
        document.add_paragraph(f"{words.backend}：{backend_name(answer.backend, answer.language)}").runs[0].italic = True
    meta = document.add_paragraph(f"{words.version}：{_stamp(answers, version)} · {words.exported}：{_now()}")
    meta.runs[0].font.size = Pt(9)
    notes = [note for entry in done for note in entry.notes]
    if notes:
        document.add_heading(words.quoted, level=2)
        for note in notes:
            head = document.add_paragraph()
            head.add_run(f"[{note.number}] ").bold = True
            head.add_run(_XML_BAD.sub("", note.reference))
            document.add_paragraph(_XML_BAD.sub("", note.passage.text), style="Quote")
        part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, _footnotes_xml(notes),
                    document.part.package)
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    target = Path(path)
    document.save(str(target))
    return target
