"""The Passage: a cited piece of the report, the unit that crosses every layer."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

KINDS = ("text", "table", "commentary", "epigraph", "caption", "toc", "cover")
Box = tuple[float, float, float, float]  # x0, top, x1, bottom: PDF points, origin at the page's top-left


@dataclass
class Passage:
    id: str
    text: str  # original text, for display and quoting
    chapter: str = ""  # e.g. 第三章 “一体两翼”的探索与实践
    case: str = ""  # e.g. 常州：新能源产教联合体的“破壁·共生·赋能”
    section: str = ""  # full heading path inside the case, parts joined by " / "
    # The page cited: where the passage is printed when the source has pages (PDF, page_exact), else the
    # start page of its case (or chapter) from the table of contents, cited as "第71页起".
    page: int | None = None
    kind: str = "text"  # one of KINDS
    source: str = ""  # file name inside the corpus folder
    document: str = ""  # title of the document the passage comes from
    year: int | None = None  # year the document reports on (metadata sidecar, else its title)
    case_page: int | None = None  # start page of the case (or chapter) in the printed report
    page_exact: bool = False  # page is the page the passage is printed on, not its case's start page
    page_label: str = ""  # the printed page when it is no number (front matter ii), page then None
    speaker: str = ""  # who is quoted, for commentaries
    incomplete: bool = False  # the case is cut off in the corpus text
    ordinal: int = 0  # position in the corpus, for stable ordering
    # Where a PDF prints it (rag/ingest/pdf_positions.py): the 0-based page of the file, and one box per printed
    # line piece of its characters, (x0, top, x1, bottom) in PDF points from the page's top-left corner.
    page_index: int | None = None
    boxes: tuple[Box, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def chapter_number(self) -> str:
        match = re.match(r"第[一二三四五六七八九十百零\d]+章", self.chapter)
        return match.group(0) if match else self.chapter

    @property
    def citation(self) -> str:
        """Human-readable reference, e.g. 第三章 · 常州：… · 三、成果成效 · 第71页起 (第73页 from a PDF)."""
        if self.kind == "cover":
            return f"《{self.document}》 · 封面" if self.document else "封面"
        # With several documents indexed, a chapter or case name alone no longer says where to look.
        named = self.extra.get("cite_document") and self.document
        parts = [f"《{self.document}》" if named else "", self.chapter_number, self.case]
        if self.kind == "commentary":
            parts.append(f"点评（{self.speaker}）" if self.speaker else "点评")
        elif self.kind == "epigraph":
            parts.append("题记")
        elif self.kind == "toc":
            parts.append("目录")
        else:
            parts.extend(p for p in self.section.split(" / ") if p)
        if self.page is not None:
            parts.append(f"第{self.page}页" if self.page_exact else f"第{self.page}页起")
        elif self.page_label:
            parts.append(f"第{self.page_label}页")
        if self.incomplete:
            parts.append("（本案例在语料中不完整）")
        return " · ".join(p for p in parts if p)

    @property
    def printed_page(self) -> str:
        """The page as printed (第73页, 第ii页), or "" when the passage has no page of its own."""
        if self.page is not None and self.page_exact:
            return f"第{self.page}页"
        return f"第{self.page_label}页" if self.page_label else ""

    def page_image(self, report, width: int | None = None) -> bytes:
        """PNG of the printed page with this passage highlighted, from a rag.Report (or anything with its
        page_image(passage_id, width)); raises rag.PageError with a one-line message when there is none."""
        return report.page_image(self.id, width)

    def heading_path(self) -> str:
        """The headings above the text, prefixed to what is embedded and keyword-indexed."""
        # A 第N章 chapter is left out (measured on the report: its cases carry it); the top heading of a document
        # without chapters (一、学校概况, 1 发展背景) is a section like any other.
        chapter = self.kind in ("toc", "cover") or not re.match(r"第[一二三四五六七八九十百零\d]+章", self.chapter)
        parts = [self.chapter if chapter else "", self.case, self.section]
        if self.kind == "commentary":
            parts.append(f"点评 {self.speaker} {self.extra.get('speaker_latin', '')}".strip())
        elif self.kind == "epigraph":
            parts.append("题记")
        elif self.kind == "caption":
            parts.append("图片说明")
        elif self.kind == "table":
            parts.append(self.text.split("\n", 1)[0])  # its caption and unit: every row is read under them
        return " > ".join(p for p in parts if p)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["citation"] = self.citation
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Passage":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("boxes"):  # JSON gives lists
            known["boxes"] = tuple(tuple(float(v) for v in box) for box in known["boxes"])
        return cls(**known)
