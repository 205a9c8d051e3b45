"""The document registry: one typed record per indexed file (title, issuer, kind, year, region, short names,
pages, and where each came from), with what ingestion found in it for the maintainer's audit."""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import PurePosixPath

from rag.ingest.corpus import SourceText
from rag.ingest.structure import Document
from rag.ingest.table import Table, column_names
from rag.ingest.titles import (ORGANISATION, is_bare_name, is_organisation, looks_like_file_name, metadata_title,
                               organisation)
from rag.text.normalize import to_simplified

# Where a field's value came from.
SIDECAR, METADATA, FIRST_PAGE, BODY, FILE_NAME = "sidecar", "metadata", "first page", "body text", "file name"
ORIGINS = (SIDECAR, METADATA, FIRST_PAGE, BODY, FILE_NAME)

# A document's kind from the words of its title (matched on the Simplified title): the kind whose words end last
# in the title, the earlier in this list where two end together.
KINDS: tuple[tuple[str, str], ...] = (
    ("就业质量报告", r"就业质量(?:年度)?报告|毕业生就业(?:质量)?(?:年度)?报告"),
    ("质量年度报告", r"质量(?:年度)?(?:报告|年报)|年度质量报告"),
    ("统计公报", r"统计公报"),
    ("决算", r"决算(?:草案|报告|公开|说明)?"),
    ("预算", r"预算(?:草案|报告|执行情况(?:的?报告)?|公开|说明)?"),
    ("审计", r"审计(?:工作)?(?:报告|结果公告|公告)?"),
    ("白皮书", r"白皮书|蓝皮书"),
    ("标准", r"标准"),
    ("规划", r"规划"),
    ("计划", r"计划"),
    ("方案", r"方案"),
    ("施政报告", r"施政报告"),
    ("政府工作报告", r"政府工作报告"),
    ("工作报告", r"工作(?:报告|总结)"),
    ("社会责任报告", r"社会责任报告|ESG报告|可持续发展报告"),
    ("年度报告", r"年度报告|年报"),
    ("发展报告", r"发展报告|研究报告|调研报告"),
    ("手册", r"手册|指南"),
    ("目录", r"专业目录|产品目录|采购目录|目录$"),
    ("通知", r"通知$"),
    ("意见", r"意见$"),
    ("办法", r"办法$|规定$|条例$"),
)
_KIND_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in KINDS)

# The kind of body a name ends in, and how Chinese shortens it: 职业技术学院 -> 院 / 职院, 大学 -> 大.
_SCHOOL_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("职业技术学院", ("院", "职院")), ("职业技术大学", ("职大",)), ("职业学院", ("院", "职院")), ("职业大学", ("职大",)),
    ("技师学院", ("技师学院",)), ("高等专科学校", ("高专",)), ("专科学校", ("专",)), ("职业技术学校", ("职校",)),
    ("职业学校", ("职校",)), ("中等专业学校", ("中专",)), ("师范大学", ("师大",)), ("师范学院", ("师院",)),
    ("学院", ("院",)), ("大学", ("大",)), ("学校", ("校",)),
)
_REGION_SUFFIX = "省市州县区盟旗"
_ETHNIC_AUTONOMY = re.compile(r"(?:[\u4e00-\u9fff]{1,3}族)+自治(州|县|旗)$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A date to the day (or the month): when the document was issued, not the year it reports on.
_FULL_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[二〇一○零]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月"
                        r"(?:\s*[一二三四五六七八九十]{1,3}\s*日)?")


@dataclass(frozen=True)
class TotalMismatch:
    """A table whose rows do not add up to the total it prints (a 合计 / 总计 row)."""
    caption: str  # the table's caption, "" when it has none
    page: int | None  # printed page of the total row
    row: str  # the total row's label as printed
    column: str  # the column that does not add up
    printed: float
    summed: float  # the rows above it added up
    rows: int  # how many rows were added

    def describe(self) -> str:
        where = f"{self.caption or '无标题表格'}" + (f"（第{self.page}页）" if self.page is not None else "")
        column = f"“{self.column}”列" if self.column else ""
        return (f"{where}“{self.row}”行{column}印为 {_shown(self.printed)}，其上 {self.rows} 行相加为 "
                f"{_shown(self.summed)}")


def _shown(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Findings:
    """What ingestion saw in one file, for the audit (file pages are 1-based)."""
    passages: int = 0
    headings: int = 0
    tables: int = 0
    page_numbers: str = ""  # how passages cite pages: "printed", "labels" (the PDF's /PageLabels), "file" (none printed), "" (no pages)
    unnumbered_pages: tuple[int, ...] = ()  # file pages with no printed page known
    pages_without_text: tuple[int, ...] = ()
    garbage_pages: tuple[int, ...] = ()  # pages whose text layer is mostly not text
    totals: tuple[TotalMismatch, ...] = ()


@dataclass(frozen=True)
class DocumentRecord:
    """One indexed file as the registry knows it. Each *_from says where the field came from: "sidecar",
    "metadata", "first page", "file name", or "" when the document does not say."""
    source: str  # the file, relative to the corpus folder
    title: str
    title_from: str
    issuer: str = ""  # the school, body or region that issued it
    issuer_from: str = ""
    kind: str = ""  # 质量年度报告, 统计公报, 预算 … from the title's words; "" when none
    kind_from: str = ""
    year: int | None = None
    year_from: str = ""
    region: str = ""  # the province, city or county the title or issuer names
    region_from: str = ""
    short_names: tuple[str, ...] = ()  # of the issuer: 常州工业职业技术学院 -> 常州工院, 常工院
    pages: int = 0  # pages in the file; 0 for formats without pages
    format: str = ""  # pdf, docx, utf-8, gb18030
    findings: Findings = field(default_factory=Findings)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> DocumentRecord:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        found = dict(data.get("findings") or {})
        found = {k: v for k, v in found.items() if k in {f.name for f in fields(Findings)}}
        for name in ("unnumbered_pages", "pages_without_text", "garbage_pages"):
            found[name] = tuple(found.get(name, ()))
        found["totals"] = tuple(TotalMismatch(**t) for t in found.get("totals", ()))
        data["findings"] = Findings(**found)
        data["short_names"] = tuple(data.get("short_names", ()))
        return cls(**data)


# -- fields from the title and the issuer ------------------------------------------------------------------------------

def kind_of(title: str) -> str:
    """质量年度报告, 统计公报, 预算 …: the kind whose words the title prints last; "" when none does."""
    simple = to_simplified(title)
    # Chinese titles end in what the document is (关于预算执行的审计工作报告 is an audit): the kind whose words end
    # last in the title, the more specific where two end together (就业质量年度报告 before 质量年度报告).
    best, end = "", -1
    for kind, pattern in _KIND_PATTERNS:
        ends = [m.end() for m in pattern.finditer(simple)]
        if ends and max(ends) > end:
            best, end = kind, max(ends)
    return best or ("报告" if re.search(r"报告$", simple) else "")  # …整改情况的报告 with no kind of its own


@functools.cache
def _places(text: str) -> tuple[str, ...]:
    """Place names in the text, each with the 省/市/州/县/区 printed after it: jieba's place names (ns), and its
    words of three characters or more ending in 省/市/州/县 (周口市, which it tags as a noun)."""
    import jieba.posseg

    from rag.text import keywords

    keywords.words("")  # jieba initialised once, under keywords' lock
    out: list[str] = []
    words = jieba.posseg.lcut(text)
    for n, (word, flag) in enumerate(words):
        after = words[n + 1].word if n + 1 < len(words) else ""
        if flag == "ns" and len(word) >= 2:
            if after[:1] in _REGION_SUFFIX and (len(after) == 1 or after.startswith(("市政府", "市委", "省政府", "县政府"))):
                word += after[:1]
            out.append(word)
        elif (flag in ("n", "nr", "nz") and len(word) >= 3 and word[-1] in "省市州县"
              and not word.endswith(("城市", "超市", "都市", "门市", "夜市", "股市", "楼市", "车市"))):
            out.append(word)
        else:
            out.append("")  # a word that is no place: the places either side of it are apart
    # Places printed one after the other are one place: 上海市普陀区, 江苏省常州市.
    runs = "|".join(out).split("||")
    return tuple(run.replace("|", "") for run in runs if run.strip("|"))


def _autonomous_place(name: str) -> str:
    """黔东南苗族侗族自治州 -> 黔东南: the longest opening of 2-4 characters the dictionary knows as a word, followed
    by the peoples' names (…族) and 自治州/县/旗."""
    import jieba.posseg

    from rag.text import keywords

    keywords.words("")
    known = jieba.posseg.dt.word_tag_tab
    for size in (4, 3, 2):
        if name[:size] in known and re.fullmatch(r"(?:[\u4e00-\u9fff]{1,4}?族)+自治(?:州|县|旗|区)", name[size:]):
            return name[:size]
    return ""


def region_of(*texts: str) -> str:
    """The first province, city or county the texts name (the title first, then the issuer): 周口市, 常州, 江苏省;
    中国 / 全国 for a national document."""
    for text in texts:
        simple = to_simplified(text)
        places = [p for p in _places(simple) if p not in ("中华", "中华人民共和国")]
        if places:
            return _original(text, places[0])
        if "全国" in simple:
            return "全国"
    return ""


# Province-level names, which the body text prints without their 省/市 (北京, 江西): with their suffix as the region.
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_PROVINCES = ("河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北",
              "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海")
_REGION_TEXT = 30_000  # characters of the body text read for its region (the first dozen pages)
REGION_MIN, REGION_LEAD = 5, 2  # printed at least this often, and this many times as often as any other place


def region_in_text(text: str) -> str:
    """The place the body text is about, when it prints no title: the province, city or county it names most —
    at least REGION_MIN times and REGION_LEAD times as often as any other (北京 33 times in the first pages of a
    government work report that prints no title, and 全市 for itself: its 北京市 questions were refused; a table of
    universities of every province leads with none). Its printed form with 省/市…, else the province-level suffix."""
    counts: Counter[str] = Counter()
    forms: Counter[str] = Counter()
    for place in _places(to_simplified(text[:_REGION_TEXT])):
        stem = place.rstrip(_REGION_SUFFIX)
        if len(stem) >= 2 and (stem != place or stem in _MUNICIPALITIES + _PROVINCES):
            counts[stem] += 1
            forms[place] += stem != place
    if not counts:
        return ""
    (stem, n), *rest = counts.most_common(2)
    if n < REGION_MIN or (rest and n < REGION_LEAD * rest[0][1]):
        return ""
    suffixed = [(k, place) for place, k in forms.items() if k and place.rstrip(_REGION_SUFFIX) == stem]
    if suffixed:
        return max(suffixed)[1]
    return stem + ("市" if stem in _MUNICIPALITIES else "省" if stem in _PROVINCES else "")


# An official document's colophon (版记), its last lines: the body that printed it and the day, 江西省教育厅办公室
# 2024年12月13日印发 — the only place an attachment under an image notice names its issuer.
_COLOPHON = re.compile(r"([\u4e00-\u9fff（）()]{4,30}?)\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发")


def colophon_issuer(text: str) -> str:
    """The body an official document's colophon says printed it (GB/T 9704's 印发机关), when it names an organisation."""
    found = _COLOPHON.findall(text[-3000:])
    return found[-1] if found and is_organisation(found[-1]) else ""


def short_names(name: str) -> tuple[str, ...]:
    """How the issuer is shortened in print, by the general rule: the place (whole or its first character), the
    first character of each word between place and type, the type's short form — 常州工业职业技术学院 -> 常州工院,
    常工院; 深圳职业技术学院 -> 深职院, 深圳职院; 周口市 -> 周口; 黔东南苗族侗族自治州 -> 黔东南州."""
    name = re.sub(r"\s+", "", to_simplified(name))
    if len(name) < 3:
        return ()
    found: list[str] = []
    autonomy = _ETHNIC_AUTONOMY.search(name)
    if autonomy and _autonomous_place(name):
        found.append(_autonomous_place(name) + autonomy.group(1))
    elif name[-1] in "省市" and len(name) >= 3 and not ORGANISATION.match(name):
        found.append(name[:-1])
    school = next(((kind, shorts) for kind, shorts in _SCHOOL_TYPES if name.endswith(kind) and len(name) > len(kind)), None)
    if school:
        kind, shorts = school
        stem = name[: -len(kind)]
        places = [p for p in _places(stem) if stem.startswith(p)]
        place = places[0] if places else stem[:2]
        place = re.sub(r"[省市]$", "", place) or place
        rest = stem[len(places[0]) if places else 2:]
        core = "".join(w[0] for w in _words(rest))
        for short in shorts:
            if core:
                found += [place + core + short, place[0] + core + short]
            elif len(short) >= 2 and short != kind:
                found += [place[0] + short, place + short]
    # A body nested under a government is named by itself: 上海市普陀区人民政府万里街道办事处 -> 万里街道办事处, 万里街道
    # (the library's questions say 万里街道; without it they named no document).
    nested = re.search(r"人民政府(.{2,12}?(?:街道办事处|办事处|委员会|局|镇人民政府|乡人民政府))$", name)
    body = nested.group(1) if nested else name
    if body.endswith("街道办事处"):
        found += [body, body[:-len("办事处")]]
    elif nested:
        found.append(body)
    return tuple(s for s in dict.fromkeys(found) if s != name and len(s) >= 2)


def _words(text: str) -> list[str]:
    import jieba

    from rag.text import keywords

    keywords.words("")
    return [w for w in jieba.lcut(text) if w.strip()]


def issuer_in_title(title: str) -> str:
    """The school, body or region a title opens with: 常州工业职业技术学院2024年质量年度报告 -> 常州工业职业技术学院,
    周口市2023年国民经济和社会发展统计公报 -> 周口市, 2023年黔东南州… -> 黔东南州."""
    simple = re.sub(r"^\s*(?:(?:19|20)\d{2}\s*年度?|[（(](?:19|20)\d{2}[）)])\s*", "", to_simplified(title))
    head = re.split(r"(?:19|20)\d{2}|[（(—\-《“ ]", simple, maxsplit=1)[0].strip()
    if len(head) < 2:
        return ""
    org = re.match(r"^(.{2,30}?(?:职业技术学院|职业技术大学|职业学院|职业大学|技师学院|专科学校|职业学校|学院|大学|学校|研究院|研究所|中心|"
                   r"委员会|人民政府|政府|办公室|办事处|公司|集团|统计局|局|厅|院|部|署))", head)
    if org:
        return _original(title, org.group(1))
    autonomous = re.match(r"^[\u4e00-\u9fff]{2,4}?(?:[\u4e00-\u9fff]{1,3}族)+自治(?:州|县|旗|区)", head)
    if autonomous:
        return _original(title, autonomous.group(0))
    places = _places(head)
    if places and head.startswith(places[0]):
        return _original(title, places[0])
    return ""


def _original(title: str, simple: str) -> str:
    """The part of the title that reads `simple` once Simplified (a Traditional title keeps its own characters)."""
    start = to_simplified(title).find(simple)
    return title[start:start + len(simple)] if start >= 0 else simple


def year_in_file_name(name: str) -> int | None:
    match = _YEAR.search(PurePosixPath(name).name)
    return int(match.group(1)) if match else None


# -- the year -----------------------------------------------------------------------------------------------------------

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_CN_NUMBER = {"十": 10, "百": 100}


def _cn_int(text: str) -> int | None:
    """一百十三 -> 113, 二〇二四 -> 2024 (digit by digit when there is no 十/百)."""
    if not any(c in _CN_NUMBER for c in text):
        digits = "".join(_CN_DIGITS.get(c, "") for c in text)
        return int(digits) if len(digits) == len(text) else None
    total, current = 0, 0
    for c in text:
        if c in _CN_NUMBER:
            total += (current or 1) * _CN_NUMBER[c]
            current = 0
        elif c in _CN_DIGITS:
            current = int(_CN_DIGITS[c])
        else:
            return None
    return total + current


def printed_year(text: str) -> int | None:
    """The year a title or cover prints: 2024年, 二〇二四年, 中華民國113年 / 民國一百十三年 (+1911), else a bare 2024."""
    roc = re.search(r"民[國国]\s*([\d一二三四五六七八九十百〇零]{2,5})\s*年", text)
    if roc:
        value = int(roc.group(1)) if roc.group(1).isdigit() else _cn_int(roc.group(1))
        return value + 1911 if value else None
    for pattern in (r"((?:19|20)\d{2})(?=\s*年)", r"([一二][〇零一二三四五六七八九]{3})(?=年)", r"(?<!\d)((?:19|20)\d{2})(?!\d)"):
        m = re.search(pattern, text)
        if m:
            return int(m.group(1)) if m.group(1).isdigit() else _cn_int(m.group(1))
    return None


# -- the tables' totals -------------------------------------------------------------------------------------------------

_TOTAL = re.compile(r"^(?:合\s*计|总\s*计|總\s*計|共\s*计|總\s*數|总\s*数|全部|总\s*额|總\s*額|合\s*計)$|^(?:合计|总计|合計|總計)")
_SUBTOTAL = re.compile(r"^(?:小计|小計)")
_SUBITEM = re.compile(r"^(?:其中|#|＃|\s|\(|（|-|—|含)")  # a part of the row above, never added again
_LESS = re.compile(r"^(?:减|減)\s*[：:]")  # 减：减值准备 is taken off the total (加：应计利息 is added)
_VALUE = re.compile(r"^[-+−]?[\d,，]*\d(?:\.\d+)?$|^[（(][\d,，]*\d(?:\.\d+)?[）)]$")  # (1,156): a negative amount
_NOT_ADDED = re.compile(r"率|比例|占比|比重|增[减长長]|同比|%|％|平均|均值|人均|排名|序号|年份|年度|指数")


def _number(cell: str) -> tuple[float, int] | None:
    """A cell's value and how many decimals it prints; None for words, a blank or a percentage."""
    text = cell.strip().replace(" ", "")
    if not _VALUE.match(text):
        return None
    negative = text[0] in "（("
    text = text.strip("（()）")
    decimals = len(text.split(".")[1]) if "." in text else 0
    value = float(text.replace(",", "").replace("，", "").replace("−", "-"))
    return (-value if negative else value), decimals


def total_mismatches(table: Table) -> list[TotalMismatch]:
    """Each 合计/总计 row whose figures no reading of the rows above it (since the table's start or the last total)
    adds up to, column by column: 其中/# sub-items, rate, share and average columns and columns headed by a figure
    (a header read from the data) left out, rounding allowed. Rows that add up in some other way are not flagged:
    a run of them (the total of one block), or twice or three times the total (parents listed with their parts)."""
    names = column_names(table)
    found: list[TotalMismatch] = []
    start = 0
    pages = list(table.row_pages) + [None] * (len(table.rows) - len(table.row_pages))
    for r, row in enumerate(table.rows):
        label = row[0].strip() if row else ""
        if not _TOTAL.match(label.replace(" ", "")):
            continue
        parts: list[tuple[str, ...]] = []
        opened = 0  # where the rows a 小计 sums up begin
        for p in table.rows[start:r]:
            if not p or _SUBITEM.match(p[0]) or _TOTAL.match(p[0].replace(" ", "")):
                continue
            if _SUBTOTAL.match(p[0].replace(" ", "")):
                del parts[opened:]  # the 小计 stands for the rows it sums
                parts.append(p)
                opened = len(parts)
            else:
                parts.append(p)
        start = r + 1
        if len(parts) < 2:
            continue
        for c in range(1, len(row)):
            name = names[c] if c < len(names) else ""
            total = _number(row[c])
            if total is None or _NOT_ADDED.search(name) or (name and _number(name.split("/")[-1]) is not None):
                continue
            values = [_number(p[c]) if c < len(p) else None for p in parts]
            values = [(-abs(v[0]), v[1]) if v is not None and _LESS.match(p[0]) else v for v, p in zip(values, parts)]
            printed = [v for v in values if v is not None]
            if len(printed) < 2 or len(printed) < len(values) - sum(1 for p in parts if c < len(p) and not p[c].strip()):
                continue  # a row printing words or a dash in this column: not a column of amounts
            decimals = max([d for _, d in printed] + [total[1]])
            if not _adds_up([v for v, _ in printed], total[0], decimals):
                summed = sum(v for v, _ in printed)
                found.append(TotalMismatch(table.caption, pages[r], label, name, total[0], round(summed, decimals), len(printed)))
                break  # one column is enough to send the maintainer to the table
    return found


def _adds_up(values: list[float], total: float, decimals: int) -> bool:
    """The values add up to the total: all of them, a run of them, or all of them to a small multiple of it."""
    def near(summed: float, n: int) -> bool:
        return abs(summed - total) <= max(0.5 * 10 ** -decimals * (n + 1) + 1e-9, 0.0005 * abs(total))

    summed = sum(values)
    if near(summed, len(values)) or any(near(summed / k, len(values)) for k in (2, 3)):
        return True
    for i in range(len(values)):
        run = 0.0
        for j in range(i, len(values)):
            run += values[j]
            if j > i and near(run, j - i + 1):
                return True
    return False


# -- the record ---------------------------------------------------------------------------------------------------------

def choose_title(sidecar: str, meta: str, printed: str, cover: str, name: str, chinese: bool = True,
                 head: str = "") -> tuple[str, str]:
    """(title, where it came from): the sidecar's; else the metadata title when it is a real one (not one that
    only names a body or a place, nor a cut-off start of the printed title); else the largest text of the first
    pages, else the cover text the structure found, else the first pages' running head; else a metadata title that
    only names (黔东南苗族侗族自治州, flagged by the audit); else the file name."""
    if sidecar.strip():
        return sidecar.strip(), SIDECAR
    real = metadata_title(meta, name, chinese)
    # A printed title is never refused for being the file's own name: a file named after its title (青禾职业学院
    # 2025年质量年度报告.pdf, as uploads from the web page usually are) keeps it, rather than the name with .pdf.
    printed = next((own for own in (printed, cover, head)
                    if own and not looks_like_file_name(own) and not is_bare_name(own)), "")
    if real and not is_bare_name(real) and not (printed and _cut_off(real, printed)):
        return real, METADATA
    if printed:
        return printed, FIRST_PAGE
    if real:
        return real, METADATA
    return name, FILE_NAME


def _cut_off(meta: str, printed: str) -> bool:
    """The metadata title is the printed title's beginning or a part of it, cut short."""
    a, b = (re.sub(r"\s+", "", to_simplified(t)) for t in (meta, printed))
    return a != b and a in b


def record_of(src: SourceText, doc: Document) -> DocumentRecord:
    """The registry's record of one parsed file (its passages counted by the caller, after chunking)."""
    sidecar = src.meta
    info = src.info
    # The structure's cover lines stand in for a title only in plain text: a PDF's or a Word file's first page is
    # read with its typography (the cover lines of a PDF gave 目录二、深化生涯教育… and a statistics bureau's name
    # joined to running text).
    typeset = src.encoding in ("pdf", "docx")
    title, title_from = choose_title(str(sidecar.get("title") or ""), src.title, info.printed_title,
                                     "" if typeset else doc.title, src.name, info.chinese, info.running_head)
    cover = "\n".join(b.text for b in doc.blocks if b.kind == "cover") or doc.opening
    undated = _FULL_DATE.sub("", cover)  # 黔东南州统计局 2024年5月7日 issued the 2023 bulletin
    if "year" in sidecar:
        year, year_from = sidecar["year"], SIDECAR
    elif (found := printed_year(title)) is not None:
        year, year_from = found, title_from
    elif (found := printed_year(undated)) is not None:
        year, year_from = found, FIRST_PAGE
    elif (found := year_in_file_name(src.name)) is not None:
        year, year_from = found, FILE_NAME
    elif (found := printed_year(cover)) is not None:
        year, year_from = found, FIRST_PAGE
    else:
        year, year_from = None, ""
    issuer, issuer_from = _issuer(src, doc, title, title_from)
    kind = kind_of(title)
    region = region_of(title) if title_from != FILE_NAME else ""
    region_from = title_from if region else ""
    if not region and issuer:
        region, region_from = region_of(issuer), issuer_from if region_of(issuer) else ""
    if not region and title_from == FILE_NAME and (found := region_in_text(src.text)):
        region, region_from = found, BODY
    lines = src.text.splitlines()
    pages = info.pages
    findings = Findings(
        headings=sum(1 for line in lines if re.match(r"#{1,6}\s*\S", line)),
        tables=len(src.tables),
        page_numbers=info.page_numbers,
        unnumbered_pages=tuple(i for i, p in enumerate(pages, 1) if not p.label),
        pages_without_text=tuple(i for i, p in enumerate(pages, 1) if p.chars == 0),
        garbage_pages=tuple(i for i, p in enumerate(pages, 1) if p.garbage),
        totals=tuple(m for table in src.tables.values() for m in total_mismatches(table)),
    )
    return DocumentRecord(src.name, title, title_from, issuer, issuer_from, kind, title_from if kind else "",
                          year, year_from, region, region_from, short_names(issuer), len(pages), src.encoding, findings)


def _issuer(src: SourceText, doc: Document, title: str, title_from: str) -> tuple[str, str]:
    """Who issued it: the sidecar's issuer (or publisher), else the first pages' by-line or organisation, else
    the body or region the title opens with, else the metadata author when it names an organisation."""
    named = str(src.meta.get("issuer") or src.meta.get("publisher") or "").strip()
    if named:
        return named, SIDECAR
    printed = src.info.printed_issuer or (doc.publisher if is_organisation(doc.publisher) else "")
    if printed:
        return printed, FIRST_PAGE
    if title_from != FILE_NAME and (opening := issuer_in_title(title)):
        return opening, title_from
    if colophon := colophon_issuer(src.text):
        return colophon, BODY
    author = organisation(src.info.author)
    if author:
        return author, METADATA
    return "", ""


def from_source(name: str, encoding: str, title: str, year: int | None, publisher: str, passages: int) -> DocumentRecord:
    """A record for a document of an index built before the registry: what its manifest kept, the rest derived
    from the title (where each field came from is unknown: "")."""
    kind = kind_of(title)
    region = region_of(title, publisher)
    return DocumentRecord(name, title, "", publisher, "", kind, "", year, "", region, "", short_names(publisher), 0,
                          encoding, Findings(passages=passages))


# -- the audit ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """Something in a document a maintainer should look at: what (a code) and one line saying it and what to do."""
    what: str  # title-from-file-name | title-is-a-name | unknown-origin | pages-without-text | garbage-text | table-total | no-headings | no-year
    message: str


@dataclass(frozen=True)
class DocumentAudit:
    """One document as the audit shows it: its record, the figures the index holds of it, and what looks wrong."""
    record: DocumentRecord
    figures: int = 0  # rows of the figures table from this document
    table_figures: int = 0  # of which table cells
    problems: tuple[Problem, ...] = ()


def _pages(numbers: tuple[int, ...], limit: int = 12) -> str:
    shown = "、".join(str(n) for n in numbers[:limit])
    return f"第{shown}页" + (f"等 {len(numbers)} 页" if len(numbers) > limit else "")


_TOTALS_SHOWN = 5  # tables that do not add up, listed one a line; the rest counted


def problems(record: DocumentRecord) -> tuple[Problem, ...]:
    """What looks wrong in a document, each with what to do about it."""
    found: list[Problem] = []
    stem = PurePosixPath(record.source).stem
    sidecar = f"{stem}.meta.toml"
    if record.title_from == FILE_NAME:
        found.append(Problem("title-from-file-name", f"没有找到标题，以文件名作标题：在 {sidecar} 写 title = \"…\""
                                                     "（no title found: the file name stands in）"))
    elif record.title_from == METADATA and is_bare_name(record.title):
        found.append(Problem("title-is-a-name", f"标题只是名称（取自文件属性）：在 {sidecar} 写完整标题 title = \"…\""
                                                "（the metadata title only names a body or place）"))
    elif not record.title_from:
        found.append(Problem("unknown-origin", "索引建于文档登记表之前，字段来源未知：运行 python -m rag index"
                                               "（index built before the registry）"))
    f = record.findings
    if f.pages_without_text:
        found.append(Problem("pages-without-text", f"{_pages(f.pages_without_text)}（文件页）没有文字：封面图片可不理；"
                                                   "扫描页需先做文字识别（OCR）再入库（pages without text）"))
    if f.garbage_pages:
        found.append(Problem("garbage-text", f"{_pages(f.garbage_pages)}（文件页）文字层是乱码（字体缺少 Unicode 映射）："
                                             "换一份导出的 PDF 或做文字识别（garbage text layer）"))
    for mismatch in f.totals[:_TOTALS_SHOWN]:
        found.append(Problem("table-total", f"{mismatch.describe()}：核对原表或抽取是否漏行、串列"
                                            "（rows do not add up to the printed total）"))
    if len(f.totals) > _TOTALS_SHOWN:
        more = f.totals[_TOTALS_SHOWN:]
        pages = tuple(sorted({m.page for m in more if m.page is not None}))
        found.append(Problem("table-total", f"另有 {len(more)} 张表的合计行与各行之和不符"
                                            + (f"（第{'、'.join(map(str, pages[:12]))}页）" if pages else "")
                                            + "（more tables whose rows do not add up）"))
    if record.pages > 3 and f.headings == 0:
        found.append(Problem("no-headings", "没有识别出任何标题：引用只能给页码（no headings found）"))
    if record.year is None and record.title_from:
        found.append(Problem("no-year", f"没有年份：按年份筛选时找不到它，在 {sidecar} 写 year = …（no year）"))
    return tuple(found)


def audit(records: tuple[DocumentRecord, ...] | list[DocumentRecord], figures: list | tuple = ()) -> list[DocumentAudit]:
    """Each document's audit: its record, its rows of the figures table (rag.ingest.facts.Figure), its problems."""
    counts: dict[str, list[int]] = {}
    for row in figures:
        count = counts.setdefault(row.source, [0, 0])
        count[0] += 1
        count[1] += row.kind == "table"
    return [DocumentAudit(r, *counts.get(r.source, (0, 0)), problems(r)) for r in records]
