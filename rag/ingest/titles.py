"""A document's title and issuer as it prints them: the metadata title only when it is a real title, else the
largest text of the first pages (image-only pages, 目录 pages, 附件N labels, dates, page numbers left out)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from rag.ingest.headings import scheme
from rag.text.normalize import squeeze_spaces

# What editors and converters write into a file's title field when nobody typed one: never a document's title.
_GENERIC = re.compile(
    r"(?:untitled|无标题|無標題|未命名|新建\S*文档\d*|新建\S*文件\d*|文档\d*|文件\d*|document\s*\d*|presentation\s*\d*|"
    r"slide\s*\d*|幻灯片\s*\d*|演示文稿\s*\d*|powerpoint\s*演示文稿\s*\d*|microsoft\s*(?:word|powerpoint|excel)\s*文档?|"
    r"word\s*文档|wps\s*(?:文字|演示|表格)?|pdf|title|标题|標題|封面|normal|default|print|打印|temp|tmp|test|测试|"
    r"模板|template|adobe\s*acrobat.*|acrobat\s*pdfmaker.*|\d+)",
    re.IGNORECASE)
# "Microsoft Word - 年度报告.docx": a PDF printer's label over a file name.
_PRINTER = re.compile(r"^(?:Microsoft\s*(?:Word|PowerPoint|Excel)|WPS\s*\S*|PowerPoint|Word)\s*[-–—:：]", re.IGNORECASE)
_EXTENSION = re.compile(r"\.(?:docx?|wps|wpt|pdf|pptx?|dps|xlsx?|et|txt|md|rtf|ofd|caj|html?|tex)$", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")

# Lines a cover or a first page prints that are never its title.
_ANNEX = re.compile(r"^(?:附件|附表|附录|附錄|附)\s*[\d一二三四五六七八九十]*\s*[：:]?\s*$")
_CONTENTS = re.compile(r"^(?:目\s*录|目\s*錄|目\s*次|contents?|table\s+of\s+contents)$", re.IGNORECASE)
_TOC_LINE = re.compile(r"^.+?(?:[.…·．_\-—]{3,}|\s{2,})\s*\d{1,4}$")
_DATE = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|(?:19|20)\d{2}\s*[./-]\s*\d{1,2}(?:\s*[./-]\s*\d{1,2})?"
    r"|[二〇一○零]{4}\s*年(?:\s*[一二三四五六七八九十]{1,3}\s*月(?:\s*[一二三四五六七八九十]{1,3}\s*日)?)?"
    r"|(?:中[華华])?民[國国]\s*[\d一二三四五六七八九十百〇零]{2,5}\s*年(?:\s*[\d一二三四五六七八九十]{1,3}\s*月)?"
    r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?)$")
_NUMBERS = re.compile(r"^[\d\s\-—–/|·.第页頁共ivxlcdmIVXLCDM]+$")
_MARKINGS = re.compile(r"^(?:密\s*级|编\s*号|編\s*號|内部资料|內部資料|机密|秘密|绝密|公开|公開|保密|索引号|文号|发布日期|签发人|簽發人)[★:：\s]"
                       r"|〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号")  # 江教财〔2025〕9号 签发人：…
# 江岭市教育局文件: an official document's masthead (版头), printed above its title in the largest type: who issued it.
_MASTHEAD = re.compile(r"^(?P<who>[\u4e00-\u9fff（）()]{2,30})文件$")
# The headings of front matter, never a document's title: 学校简介, 前言, 报告说明, 重要提示.
_FRONT_MATTER = re.compile(r"^[\u4e00-\u9fff]{0,4}(?:简介|簡介|前言|序言|序|引言|导言|導言|摘要|概述|概况|概況|说明|說明|致辞|致辭|卷首语|"
                           r"提示|释义|釋義|声明|聲明|后记|後記|附录|附錄|参考文献|參考文獻|基本情况|基本情況)$")
_BYLINE_VERB = re.compile(r"^(?P<who>\S.*?)\s*(?:编著|主编|编制|编印|编写|编|出品|發布|发布|印发|编製|編著|編製|編印|編)$")
_DATED = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[二〇一○零]{4}年[一二三四五六七八九十]{1,3}月"
                    r"(?:[一二三四五六七八九十]{1,3}日)?")
# An organisation named alone: 江川职业技术学院, 某市统计局, 职业教育数字化研究中心, 某某股份有限公司 (课题组).
ORGANISATION = re.compile(
    r"^([\u4e00-\u9fff（）()·]{2,30}?(?:学院|大学|学校|研究院|研究所|研究中心|中心|委员会|人民政府|政府|办公室|办公厅|办事处|公司|集团|局|厅|部|署|院|"
    r"出版社|协会|学会|联合会|學院|大學|學校|委員會|協會|學會|辦公室|辦公廳|辦事處|廳))(?:\s*(?:课题组|課題組|编|編))?$")
# A class of schools, not one that issues anything: 普通高等学校, 中等职业学校, 高职院校.
_SCHOOL_CLASS = re.compile(r"^(?:普通|全日制|各类|各级|有关|相关|本科|高职|中职)*(?:高等|中等|初等)?(?:职业|专科|本科)?(?:技术)?"
                           r"(?:学校|院校|高校|学院|大学)$")
# 预算单位：上海市财政局, 编制单位：…, 预算主管部门：…办事处 — who issued it, labelled.
_LABELLED = re.compile(r"^\S{0,8}?(?:单位|部门|机关|机构|编制|发布|主办|出品|出版|制定|發布|編製|單位|機關)\s*[：:]\s*(?P<who>\S{2,40})$")
_SENTENCE = re.compile(r"[。！？；]")
TITLE_CHARS = 100  # a title longer than this is a paragraph
_COVER_CHARS = 400  # a page with less text than this is a cover: its largest text is the title
_PAGES = 5  # the title is looked for on the first pages that print text, at most this many


@dataclass(frozen=True)
class TitleLine:
    """A printed line of a first page as the title finder sees it."""
    text: str
    size: float = 0.0  # points (a DOCX run's size; 0 when unknown)
    bold: bool = False
    centred: bool = False
    top: float = 0.0  # points from the top of the page (PDF); the paragraph's position in a DOCX
    bottom: float = 0.0
    full: bool = False  # it runs the text's whole width: a title that goes on in the line below (wrapped)


@dataclass(frozen=True)
class TitlePage:
    """One of the first pages: its lines (no running heads or footers) and whether it is a table of contents."""
    lines: tuple[TitleLine, ...]
    contents: bool = False


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _printed(line: str) -> str:
    """A title line as it reads: the spaces a conversion or letter-spacing puts between characters and around
    figures removed (行 政 院 施 政 報 告, 2023 年周口市)."""
    return squeeze_spaces(squeeze(line))


def organisation(text: str) -> str:
    """The school, body or office the text names alone (江川职业技术学院, 周口市统计局), not a class of them
    (普通高等学校); "" when it names none."""
    text = squeeze(text).replace(" ", "")
    found = ORGANISATION.match(text)
    return found.group(1) if found and not _SCHOOL_CLASS.match(found.group(1)) else ""


def is_organisation(text: str) -> bool:
    return bool(organisation(text))


def _key(text: str) -> str:
    return re.sub(r"[\s_\-–—.·]+", "", unicodedata.normalize("NFKC", text)).lower()


def looks_like_file_name(text: str, file_name: str = "") -> bool:
    """report-final_v2, 年度报告.docx, C:\\docs\\x, or the file's own name: a name a file was given, not a title."""
    text = text.strip()
    if not text:
        return False
    if _EXTENSION.search(text) or "/" in text or "\\" in text:
        return True
    if file_name:
        stem = PurePosixPath(file_name).name
        stem = _EXTENSION.sub("", stem)
        if _key(text) == _key(stem):
            return True
    # An ASCII name with _ or - between its words and no space: what people call files, never how a title is printed.
    return bool(re.fullmatch(r"[\w.\-]+", text, re.ASCII) and re.search(r"[_\-]|\d", text) and " " not in text)


def metadata_title(raw: str, file_name: str = "", chinese: bool | None = None) -> str:
    """The file's title field when it is a real title, else "": not empty, not a generic word (untitled,
    PowerPoint 演示文稿), not a PDF printer's "Microsoft Word - x.docx", not a file name, not a label (附件2, 目录);
    for a Chinese document (chinese=True), a title with Chinese in it."""
    title = squeeze(raw.replace("\x00", ""))
    if len(title) < 4 or len(title) > TITLE_CHARS:
        return ""
    if _PRINTER.search(title) or _GENERIC.fullmatch(title) or looks_like_file_name(title, file_name):
        return ""
    if never_title(title):
        return ""
    if chinese and not _CJK.search(title):
        return ""  # "Annual Report", "Normal.dotm" over a Chinese report: a template's field, not its title
    return title


def _label(text: str) -> bool:
    """附件2, 目录, a date, a page number, a security marking: printed above or around a title, never one."""
    flat = squeeze(text).replace(" ", "")
    return bool(_ANNEX.match(flat) or _CONTENTS.match(flat) or _DATE.match(flat) or _NUMBERS.match(flat)
                or _MARKINGS.search(flat) or _MASTHEAD.match(flat) or _FRONT_MATTER.match(flat))


def never_title(text: str) -> bool:
    """A line a first page prints that is no title: 附件2, 目录, a contents line, a date, a page number, a
    security marking, a by-line (… 编著), a URL, a sentence."""
    text = squeeze(text)
    if len(text) < 2 or len(text) > TITLE_CHARS:
        return True
    return bool(_label(text) or _TOC_LINE.match(text) or _BYLINE_VERB.match(text)
                or re.search(r"https?://|www\.|@", text) or _SENTENCE.search(text.rstrip("。")) or text.endswith("。")
                or _running(text))


def _running(text: str) -> bool:
    """A line of running text: clauses (two commas, or one in a long line) — 2023年，在省委省政府的坚强领导下，全."""
    commas = len(re.findall(r"[，,、]", text))
    return commas >= 2 or (commas == 1 and len(text) > 25)


def _candidate(line: TitleLine) -> bool:
    """A line that may be (part of) a title: not a label, and not a numbered heading (一、, 第一章, 1.1)."""
    return not never_title(line.text) and scheme(line.text) is None


def cover_lines(lines: list[str]) -> list[str]:
    """The lines of a cover that may be its title: labels, contents lines, by-lines and numbered headings left out
    (a bare year stays: 2024年 / 质量年度报告 is one title)."""
    year = re.compile(r"(?:19|20)\d{2}\s*年?度?")
    return [line for line in lines if scheme(line) is None
            and (not never_title(line) or year.fullmatch(squeeze(line).replace(" ", "")))]


def printed_title(pages: list[TitlePage], body: float = 0.0) -> str:
    """The largest text of the first pages that print text, contents pages left out; "" when none stands out.

    A cover (little text) gives its largest lines; a first page of running text gives its largest line when it is
    larger than the body text (a 附件2 page: the line under the label), else its first line when it stands apart
    (bold or centred) — never a numbered heading, a contents line, a label or a date.
    """
    seen = 0
    for page in pages:
        if not page.lines:
            continue  # a page of images only: a cover picture, a scanned page
        if page.contents or any(_CONTENTS.match(ln.text.replace(" ", "")) for ln in page.lines[:5]):
            continue
        seen += 1
        title = _title_on(page.lines, body)
        if title:
            return title
        if sum(len(ln.text) for ln in page.lines) > _COVER_CHARS or seen >= _PAGES:
            return ""  # running text began and printed no title: later pages would give a heading
    return ""


def _title_on(lines: tuple[TitleLine, ...], body: float) -> str:
    candidates = [ln for ln in lines if _candidate(ln)]
    if not candidates:
        return ""
    cover = sum(len(ln.text) for ln in lines) <= _COVER_CHARS
    if body <= 0:  # the body size unknown: the size most lines are printed in
        sizes = sorted(ln.size for ln in lines if ln.size > 0)
        body = sizes[len(sizes) // 2] if sizes else 0.0
    biggest = max(ln.size for ln in candidates)
    if biggest <= 0:  # sizes unknown: the first candidate of a cover
        return _printed(candidates[0].text) if cover else ""
    if biggest < body * 1.15:
        # Nothing larger than the text: its first line (after 附件2, a date) when it stands apart as a title does.
        first = next((ln for ln in lines if not _label(ln.text)), None)
        if (first is not None and _candidate(first) and len(first.text) <= 40 and (first.bold or first.centred)
                and not is_organisation(first.text)):
            return _printed(first.text)
        return ""
    order = sorted(lines, key=lambda ln: (ln.top, ln.bottom))
    main = next(i for i, ln in enumerate(order) if ln.size >= biggest - 0.5 and _candidate(ln))
    if not cover and any(len(ln.text) >= 40 or _SENTENCE.search(ln.text) for ln in order[:main]):
        return ""  # the largest line stands below running text: a heading in the body, not the document's title
    group = [main]
    # The lines of the title's own type run on below it; lines next to it in smaller type (the school above
    # 2024年质量年度报告, ——副标题 or （2024年） below) belong to it when they touch it.
    for step in (1, -1):
        i = main
        while 0 <= i + step < len(order) and len(group) < 4:
            here, there = order[i], order[i + step]
            gap = there.top - here.bottom if step == 1 else here.top - there.bottom
            same = there.size >= biggest - 0.5
            # A cover spaces its title's lines widely (平安银行股份有限公司 / 2024年年度报告, 1.5 lines apart).
            close = gap <= ((2.0 if cover else 1.2) if same else (1.5 if cover else 0.9)) * max(here.size, there.size, 1)
            # Smaller type joins when it is still larger than the body; an organisation only above the title (the
            # school over 质量年度报告): one below it is the by-line.
            smaller = (there.size >= 0.6 * biggest and there.size >= body * 1.15
                       and (step == -1 or not ORGANISATION.match(there.text.strip())))
            if not (_candidate(there) and close and (same or smaller)):
                break
            group.append(i + step)
            i += step
    text = ""
    for n, i in enumerate(sorted(group)):
        piece = _printed(order[i].text)
        # A wrapped title goes on without a space (…部门预算执行 / 和其他财政收支…); lines set apart keep one
        # (江川职业技术学院 / 2024年质量年度报告).
        wrapped = n and order[sorted(group)[n - 1]].full and _CJK.match(text[-1:]) and _CJK.match(piece[:1])
        text += (piece if wrapped or not text else " " + piece)
    return text[:TITLE_CHARS]


def printed_issuer(pages: list[TitlePage], title: str = "") -> str:
    """Who issued the document, as its first pages print it: a labelled line (预算单位：上海市财政局), a by-line
    (… 编著, … 发布), an organisation before a date (周口市统计局 2024年4月29日), else an organisation named alone on
    the cover — never the title itself, never a class of schools (普通高等学校)."""
    alone = ""
    for page in pages[:_PAGES]:
        if not page.lines or page.contents:
            continue
        for line in page.lines:
            text = squeeze(line.text)
            masthead = _MASTHEAD.match(text.replace(" ", ""))
            if masthead and organisation(masthead.group("who")):
                return organisation(masthead.group("who"))
            labelled = _LABELLED.match(text)
            if labelled and is_organisation(labelled.group("who")):  # never 单位：万元
                return labelled.group("who")
            if title and _key(text) in _key(title):
                continue
            by = _BYLINE_VERB.match(text)
            if by and organisation(by.group("who")):
                return organisation(by.group("who"))
            dated = _DATED.search(text)
            if dated and dated.start() > 0 and organisation(text[:dated.start()]):
                return organisation(text[:dated.start()])
            if organisation(text) and not alone:
                alone = organisation(text)
        if sum(len(ln.text) for ln in page.lines) > _COVER_CHARS:
            break
    return alone


def running_head(pages: list[list[str]]) -> str:
    """The running head that may be a title, from the heads of the first pages: the lines repeated on the most
    pages (the document's name, not a chapter's), joined in their order — 江岭科技大学2024届毕业生就业质量年度报告
    printed over every body page and nowhere else; "" when no line repeats."""
    counts: dict[str, int] = {}
    order: list[str] = []
    for lines in pages:
        for line in dict.fromkeys(_printed(ln) for ln in lines):
            if never_title(line) or scheme(line) is not None:
                continue
            if line not in counts:
                order.append(line)
            counts[line] = counts.get(line, 0) + 1
    most = max(counts.values(), default=0)
    if most < 2:
        return ""
    return " ".join(line for line in order if counts[line] == most)[:TITLE_CHARS]


def is_bare_name(title: str) -> bool:
    """A title that only names a body or a place (黔东南苗族侗族自治州, 平安银行股份有限公司): what, it does not say."""
    flat = squeeze(title).replace(" ", "")
    return is_organisation(flat) or bool(re.fullmatch(r"[\u4e00-\u9fff]{2,12}?(?:[\u4e00-\u9fff]{1,3}族)*"
                                                      r"(?:省|市|州|县|区|自治区|自治州|自治县|特别行政区)", flat))


def is_chinese(text: str) -> bool:
    """Most letters of the text are Chinese characters."""
    sample = [ch for ch in text[:4000] if ch.isalpha()]
    return bool(sample) and sum(bool(_CJK.match(ch)) for ch in sample) >= 0.3 * len(sample)
