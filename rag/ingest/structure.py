"""Parse a document's lines into its structure: chapters, cases, sections, pages, tables, block kinds."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.headings import scheme
from rag.ingest.table import Table
from rag.ingest.titles import cover_lines
from rag.text.normalize import clean_title, ends_sentence, title_key

_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
_TOC_LINE = re.compile(r"^(?P<title>.+?)\s*(?:[.…·]\s?){3,}\s*(?P<page>\d{1,4})\s*$")  # ...... 37 or . . . 37
_RULE = re.compile(r"^[\s|]*-{3,}[\s\-|]*$")
_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
_EPIGRAPH_MARK = re.compile(r"^[—\-–]{1,3}\s*题记\s*$")
_CAPTION = re.compile(r"^图\s*\d+(?:[-－.]\d+)?[\s\u3000]*\S")
_COMMENTARY = re.compile(r"^\**\s*【点评】\s*(?P<who>[^：:*]{2,80})[：:]\s*\**\s*(?P<text>.*)$")
_CN_NUM = "一二三四五六七八九十"
_CHAPTER = re.compile(rf"^第[{_CN_NUM}百\d]+章")
_SECTION = re.compile(rf"^[{_CN_NUM}]+、")
_SUBSECTION = re.compile(rf"^[（(][{_CN_NUM}]+[）)]")
_CASE = re.compile(r"^[^\s：:]{2,20}[：:]\s*\S{2}")  # 地名：title, never a bare 原值：
_FULL_STOP = re.compile(r"[。！？；][”’」』）)]*$")  # a paragraph may end here even at the margin
_PUBLISHER = re.compile(r"^(\S.*?)\s*(?:编著|主编|编制|编印|编|发布|印发|編著|編製|編印|編)$")
# An organisation printed alone on a cover: 江川职业技术学院, 职业教育数字化研究中心, 某某股份有限公司 (课题组).
_ORGANISATION = re.compile(r"^(\S{2,30}?(?:学院|大学|学校|研究院|研究所|中心|委员会|政府|公司|集团|局|厅|部|出版社|协会|學院|大學|學校|委員會|協會))(?:\s*(?:课题组|課題組))?$")
_COVER_LIMIT = 400  # characters: text before the first heading beyond this is body text, not a cover
_SENTENCE_END = re.compile(r"[。！？]")


def is_numbered_heading(title: str) -> bool:
    """第N章, 一、, （一） or a bare chapter number: a heading that never continues the line before it."""
    return bool(_CHAPTER.match(title) or _SECTION.match(title) or _SUBSECTION.match(title) or re.fullmatch(r"\d{1,3}", title))


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents: a case and the page it starts on."""
    chapter: str
    title: str
    page: int
    chapter_page: int | None = None


@dataclass
class Block:
    """A paragraph-like unit with everything known about where it sits in the report."""
    text: str
    kind: str = "text"
    chapter: str = ""
    case: str = ""
    section: tuple[str, ...] = ()
    page: int | None = None
    speaker: str = ""
    incomplete: bool = False
    pages: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, printed page) where a page starts
    table: Table | None = None  # the table itself, for kind "table"
    page_label: str = ""  # printed page that is no number (front matter ii), where page is None


@dataclass
class Document:
    source: str
    title: str = ""
    publisher: str = ""  # from a cover line such as "中国教育科学研究院 编著"
    opening: str = ""  # the first page's lines, when they are body text and no cover (the registry reads its year)
    blocks: list[Block] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)

    @property
    def incomplete_cases(self) -> list[str]:
        return sorted({b.case for b in self.blocks if b.incomplete and b.case})


class _Parser:
    def __init__(self, source: str, text: str, line_pages: tuple[int | None, ...] = (),
                 continued: frozenset[int] = frozenset(), tables: dict[int, Table] | None = None,
                 page_labels: dict[int, str] | None = None, breaks: frozenset[int] = frozenset()):
        self.doc = Document(source=source)
        self.tables = tables or {}
        self.page_labels = page_labels or {}
        self.label = ""  # printed label of the line being read, on pages numbered otherwise than 1, 2, 3
        self.cover_at: tuple[int | None, str] | None = None  # (page, label) of the cover's first line
        # A table's line holds "": one standing last is lost by splitlines, so the lines run up to it.
        self.lines = text.splitlines()
        self.lines += [""] * (max(self.tables, default=-1) + 1 - len(self.lines))
        # A report of chapters (第N章) and cases keeps the rules fitted to it; any other document is cut by its
        # own heading levels. A PDF reader's # levels are measured (nesting of styles); a converted text's are not.
        self.report = any(_CHAPTER.match(clean_title(m.group(2))) for m in map(_HEADING.match, self.lines) if m)
        self.leveled = bool(line_pages)
        self.stack: list[tuple[int, str]] = []  # (level, title) of the headings open below the chapter or case
        self.line_pages = line_pages
        self.page: int | None = None  # printed page of the line being read, when the source has pages
        self.continued = continued
        self.breaks = breaks
        self.line_block: Block | None = None  # the block the previous line went into
        self.toc_pass = [self._toc_entry(line) for line in self.lines]
        self.chapter, self.chapter_page = "", None
        self.case, self.case_page, self.section = "", None, ()
        self.mode = "cover"  # cover -> chapter (title pages, TOC) -> case (body text)
        self.cover: list[str] = []
        self.open_block: Block | None = None  # a paragraph whose sentence is not finished yet
        self.orphans: list[Block] = []  # body text found outside any case heading
        self.toc_chapter_text: dict[str, list[str]] = {}

    def page_of(self, line: int) -> int | None:
        return self.line_pages[line] if line < len(self.line_pages) else None

    @staticmethod
    def _toc_entry(line: str):
        match = _TOC_LINE.match(line.strip())
        return (clean_title(match.group("title")), int(match.group("page"))) if match else None

    def toc_lookup(self, title: str) -> int | None:
        key = title_key(title)
        for i, entry in enumerate(self.doc.toc):
            if title_key(entry.title) == key:
                return i
        return None

    def run(self) -> Document:
        # The TOC can come after the first case in an excerpt, so collect it first.
        chapter, chapter_page = "", None
        for i, (line, entry) in enumerate(zip(self.lines, self.toc_pass)):
            head = _HEADING.match(line.strip())
            if head and _CHAPTER.match(clean_title(head.group(2))):
                # A PDF knows the page its chapter heading is printed on; a text conversion prints it below.
                chapter, chapter_page = clean_title(head.group(2)), self.page_of(i)
            elif chapter and chapter_page is None and _PAGE_NUMBER.match(line.strip()):
                chapter_page = int(line.strip())
            elif entry:
                self.doc.toc.append(TocEntry(chapter, entry[0], entry[1], chapter_page))
        for i, line in enumerate(self.lines):
            self.page, self.label = self.page_of(i), self.page_labels.get(i, "")
            if i in self.tables:
                self.add_table(self.tables[i])
                continue
            previous, self.line_block = self.line_block, None
            if i in self.continued and previous is not None and not _FULL_STOP.search(previous.text):
                self.join(previous, line.strip())  # wrapped at the margin: even after a closing quote
                self.open_block = None if ends_sentence(previous.text) else previous
            else:
                if i in self.breaks:  # the line above stopped short of the margin: a slide's bullets, a list
                    self.open_block = None
                self.feed(line.strip())
        self.finish()
        return self.doc

    # -- lines ---------------------------------------------------------------
    def feed(self, line: str) -> None:
        if not line or _RULE.match(line):
            return
        head = _HEADING.match(line)
        if head:
            self.heading(clean_title(head.group(2)), len(head.group(1)))
        elif _TOC_LINE.match(line):
            self.open_block = None
        elif _PAGE_NUMBER.match(line):
            if self.mode == "chapter" and self.chapter_page is None:
                self.chapter_page = int(line)
        elif _EPIGRAPH_MARK.match(line):
            target = self.open_block or self.last_block()
            if target is not None:
                target.kind, target.section = "epigraph", ()
            self.open_block = None
        elif self.mode == "cover" and ((self.report and not self.line_pages) or self.in_cover(line)):
            self.cover.append(re.sub(r"\s+", " ", line))
        elif _COMMENTARY.match(line.replace("**", "")):
            match = _COMMENTARY.match(line.replace("**", ""))
            who, said = match.group("who").strip(), match.group("text").strip()
            self.add(Block(f"【点评】{who}：{said}", kind="commentary", speaker=who, section=()))
        elif _CAPTION.match(line) and len(line) <= 120:
            # A caption may sit between the two halves of a sentence split by a page break.
            self.add(Block(re.sub(r"\s+", " ", line), kind="caption"), keep_open=True)
        elif self.open_block is not None:
            self.join(self.open_block, line)
            if ends_sentence(line):
                self.open_block = None
        else:
            self.add(Block(line))

    def in_cover(self, line: str) -> bool:
        """A document without chapters: only short text on its first page, before any heading, is its cover."""
        first = next((p for p in self.line_pages if p is not None), None)
        size = sum(map(len, self.cover)) + len(line)
        if self.cover_at is None:
            self.cover_at = (self.page, self.label)
        # Pages before the first printed number differ by their label (cover "", preface i).
        same_page = (self.page, self.label) == self.cover_at and (self.page is None or self.page == first)
        # A sentence ended is body text, however short the page: an official document's first page prints its
        # masthead, title and opening paragraph (…（江审财报〔2024〕37号）…。) above a printed "— 1 —", and the
        # paragraph was cited as the cover, with no page (dev split: two 文号 answers, local).
        sentence = bool(_SENTENCE_END.search(line))
        if same_page and size <= _COVER_LIMIT and not sentence:
            return True
        self.end_cover(as_body=size > _COVER_LIMIT or sentence)
        return False

    def end_cover(self, as_body: bool) -> None:
        """Leave the cover; as_body: what was taken for it is the document's opening text (it is too long)."""
        self.mode = "body"
        if as_body:
            lines, self.cover = self.cover, []
            self.doc.opening = "\n".join(lines)
            for line in lines:
                self.feed(line)

    def heading(self, title: str, level: int = 1) -> None:
        if re.fullmatch(r"\d{1,3}", title):  # "03": the chapter number printed above its title
            return
        self.open_block = None
        if _CHAPTER.match(title):
            self.mode, self.chapter, self.chapter_page = "chapter", title, self.page
            self.case, self.case_page, self.section = "", None, ()
            self.stack = [(level, title)]
        elif not self.report:
            self.mode = "body"
            self.nest(level, title)
            self.chapter, self.section = self.stack[0][1], tuple(t for _, t in self.stack[1:])
        elif self.mode == "cover":
            self.cover.append(title)
        elif (self.toc_lookup(title) is not None or _CASE.match(title)) and scheme(title) is None:
            # A case is a titled story the contents or its 地名： name; a numbered heading is a section.
            self.start_case(title)
            self.stack = [(level, title)]
        elif self.leveled:
            if self.mode == "chapter":
                # A chapter with sections of its own holds no case's tail: a bank's annual report has nine such
                # chapters before its 第十章's 审计报告, and all of them went to the contents' first entry (重要提示).
                self.orphans = []
            self.nest(level, title)
            if self.case and all(t != self.case for _, t in self.stack):
                self.case, self.case_page = "", None  # a heading as high as the case closes it (a case box ends)
            self.section = tuple(t for _, t in self.stack if t not in (self.case, self.chapter))
        elif _SECTION.match(title):
            self.section = (title,)
        elif _SUBSECTION.match(title):
            self.section = (self.section[:1] if self.section and not _SUBSECTION.match(self.section[0]) else ()) + (title,)
        else:
            self.section = (title,)

    def nest(self, level: int, title: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))

    def start_case(self, title: str) -> None:
        self.mark_open_incomplete()
        idx = self.toc_lookup(title)
        entry = self.doc.toc[idx] if idx is not None else None
        self.mode, self.section = "case", ()
        self.case = entry.title if entry else title
        self.case_page = entry.page if entry else None
        if entry and entry.chapter:
            self.chapter = entry.chapter
        # Text between the TOC and this case is the tail of the case printed just before it.
        if self.orphans and idx:
            prev = self.doc.toc[idx - 1]
            for block in self.orphans:
                block.chapter, block.case, block.page, block.incomplete = prev.chapter, prev.title, prev.page, True
        self.orphans = []

    # -- blocks --------------------------------------------------------------
    def join(self, block: Block, line: str) -> None:
        """A line break inside a sentence (page break, PDF line wrap): join without a space, except between Latin words."""
        if self.page is not None and (not block.pages or block.pages[-1][1] != self.page):
            block.pages.append((len(block.text), self.page))
        space = " " if re.search(r"[A-Za-z0-9]$", block.text) and re.match(r"[A-Za-z]", line) else ""
        block.text += space + line
        self.line_block = block

    def add_table(self, table: Table) -> None:
        if self.mode == "cover" and not self.report:
            self.end_cover(as_body=False)  # a table ends the cover
        block = Block(table.caption, kind="table", table=table)
        self.add(block)
        block.pages = [(0, table.row_pages[0])] if table.row_pages and table.row_pages[0] is not None else block.pages
        self.open_block = None

    def last_block(self) -> Block | None:
        return self.doc.blocks[-1] if self.doc.blocks else None

    def add(self, block: Block, keep_open: bool = False) -> None:
        block.chapter = block.chapter or self.chapter
        block.case, block.page = self.case, self.case_page if self.case else self.chapter_page
        block.page_label = self.label
        if self.page is not None:
            block.pages = [(0, self.page)]
        if block.kind not in ("commentary",):
            block.section = self.section
        self.doc.blocks.append(block)
        self.line_block = block
        if self.mode == "chapter" and self.report and not self.section:
            self.orphans.append(block)
        if not keep_open:
            self.open_block = None if ends_sentence(block.text) else block

    def mark_open_incomplete(self) -> None:
        if self.open_block is not None and self.open_block.case:
            for block in self.doc.blocks:
                if block.case == self.open_block.case:
                    block.incomplete = True
        self.open_block = None

    def finish(self) -> None:
        self.mark_open_incomplete()
        if self.cover:
            # Its first two lines that may be a title: never 目录, a contents line, 附件2 or a numbered heading.
            self.doc.title = re.sub(r"\s+", "", "".join(cover_lines(self.cover)[:2]))
            by = next((m for m in (_PUBLISHER.match(c) for c in self.cover) if m), None)
            # else the last organisation named alone on the cover: publishers print below the title
            by = by or next((m for m in (_ORGANISATION.match(c.strip()) for c in reversed(self.cover)) if m), None)
            self.doc.publisher = by.group(1) if by else ""
            self.doc.blocks.insert(0, Block("\n".join(self.cover), kind="cover"))
        chapters: dict[str, list[TocEntry]] = {}
        for entry in self.doc.toc:
            chapters.setdefault(entry.chapter, []).append(entry)
        for chapter, entries in chapters.items():
            page = entries[0].chapter_page
            head = f"{chapter}（第{page}页起）" if page else chapter
            lines = [head] + [f"{e.title} …… 第{e.page}页" for e in entries]
            self.doc.blocks.append(Block("\n".join(lines), kind="toc", chapter=chapter, page=page))


def parse(text: str, source: str, line_pages: tuple[int | None, ...] = (),
          continued: frozenset[int] = frozenset(), tables: dict[int, Table] | None = None,
          page_labels: dict[int, str] | None = None, breaks: frozenset[int] = frozenset()) -> Document:
    """Structure comes from heading text (第N章, 地名：…, 一、, （一）), never from the number of #.

    line_pages gives the printed page of each line (PDF): every block then records where its pages start;
    continued names the lines that only wrap the line before them, breaks those that never continue it.
    """
    return _Parser(source, text, line_pages, continued, tables, page_labels, breaks).run()
