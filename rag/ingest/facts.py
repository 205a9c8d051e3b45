"""The figures table: every quantity of every passage as a typed row — value, unit, qualifier, what it measures,
whose it is, when, and where it is printed. Labels are always words of the row's own sentence, table row or
heading path, never composed."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from rag.ingest.table import cells, label_key
from rag.passage import Passage
from rag.text import figures as numbers
from rag.text.keywords import words

FACTS_VERSION = "6"  # bump when the extractor changes: every index rebuilds its figures table (6: A、B分别为x和y paired)


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One row of the figures table."""
    raw: str  # as printed: 1 200 余家
    value: float  # normalised: 1200.0 (万/亿 applied)
    unit: str  # canonical: 家, 元, %, 人次 ("" when the report prints none)
    qualifier: str  # 余, 近, 超, 约, 以上 … ("" for an exact figure)
    label: str  # what it measures: 日常运行经费 (a table: the row's label)
    column: str = ""  # a table cell: the column's heading (2024年, 毕业生数)
    subject: str  # whose it is: the case, else the document
    period: str = ""  # 每年, 2023年, 截至2024年6月 — as printed nearest the figure
    sentence: str  # the sentence (a table: the row line) that prints it
    passage_id: str
    citation: str  # the passage's citation: chapter · case · section · page
    document: str = ""
    source: str = ""  # the file in the corpus folder
    chapter: str = ""
    case: str = ""
    section: str = ""
    page: int | None = None
    page_exact: bool = False
    year: int | None = None
    kind: str = "text"  # text | table
    start: int = 0  # where the figure starts in the passage text
    ordinal: int = 0  # position in the table: passage order, then position in the passage

    @property
    def id(self) -> str:
        return f"{self.passage_id}:{self.start}"

    @property
    def printed(self) -> str:
        """The figure as an answer writes it: spaces inside it removed (1 200 余家 -> 1200余家)."""
        return re.sub(r"(?<=[\d余多万亿])\s+|\s+(?=[\d余多万亿])", "", self.raw).strip()

    @property
    def measure(self) -> str:
        """Label and column together: 智能制造专业群 · 毕业生数 (a column that is a period is left to .period)."""
        return f"{self.label} · {self.column}" if self.column and self.column != self.period else self.label

    def to_dict(self) -> dict:
        return asdict(self) | {"id": self.id}

    @classmethod
    def from_dict(cls, data: dict) -> "Figure":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


# -- periods ---------------------------------------------------------------------------------------------------
_PERIOD = re.compile(
    r"截至\s*\d{4}\s*年(?:\s*\d{1,2}\s*月(?:底|末|\s*\d{1,2}\s*日)?)?(?:底|末)?"
    r"|\d{4}\s*[—–\-－~～至到]\s*\d{4}\s*年(?:度)?"
    r"|\d{4}\s*年(?:度|上半年|下半年|\s*\d{1,2}\s*月)?|\d{4}\s*届"
    r"|每年|每学年|每学期|年均|全年|当年|近[一二三四五两十\d]+年|[一二三四五两十\d]+年来|累计|上半年|下半年")


def _period(before: str, context: str) -> str:
    """The period nearest before the figure in its sentence, else one of the heading or caption."""
    found = list(_PERIOD.finditer(before))
    if found:
        return re.sub(r"\s+", "", found[-1].group(0))
    found = list(_PERIOD.finditer(context))
    return re.sub(r"\s+", "", found[-1].group(0)) if found else ""


# -- labels of figures in running text -------------------------------------------------------------------------
# Where a label ends on the left: the predicate starts after these (…累计挖掘梳理技术需求 → 挖掘梳理技术需求).
_LEAD = frozenset(
    "由 累计 共计 合计 总计 共 已有 现有 已 先后 分别 全年 年均 每年 当年 其中 包括 以及 并 和 与 及 有 为 是 达到 达 约 从 将 "
    "获得 荣获 带动 提供 举办 开展 收集 引入 开发 实施 共建 组建 挖掘 梳理 面向 服务 培养 作 受邀 吸引 接待 签订 安排 "
    "拥有 建成 建立 设立 形成 完成 申报 立项 录取 招收 输送 派出 开设 发表 出版 编写 主持 承担 入选 覆盖 惠及 达成 攻关 解决 "
    "引进 聘请 聘任 选派 资助 发放 支出 投资 筹集 争取 获批 认定 建有 设有 开办 汇聚 出台 走访 组织 发布".split())
# A label never ends with these (…培训在岗人员共 → 培训在岗人员).
_TRAIL = ("共计", "合计", "总计", "累计", "分别为", "分别", "共", "达到", "达", "约为", "为", "是", "有", "超过", "逾",
          "近", "约", "仅", "只", "已", "其中", "同比", "增长了", "增长", "较", "的", "提高了", "提高", "提升了", "提升", "下降了", "下降",
          "增加了", "增加", "减少了", "减少", "了")
# What follows a figure and ends its label on the right (1000余名技术骨干担任… → 技术骨干).
_AFTER_STOP = re.compile(r"[，,。；;：:、！？!?\n“”\"]|和|及|与|的|等|之一|担任|受聘|参与|参加|获得|实现|完成|覆盖|落地|入选|"
                         r"来自|成为|用于|带动|服务|开展|解决|提供|分别|同比|较上年|比上年|占|达|为|是|在|从|到")
_CHANGE = re.compile(r"(?:同比|环比|比上年|较上年)?(?:增长|下降|增加|减少|提高|降低)了?")
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?\n]")
_ENUMERATION = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])\s*")
MAX_LABEL = 18  # characters: longer spans carry the subject and the predicate with them
_WHOSE = re.compile(r"(?:学校|院校|地区|省|市|县|区|企业|单位|机构|部门)$")  # 中职学校为47门: whose, not what
_CAPTION = re.compile(r"^图\s*[\d\-－.．]+\s*([^：:（(]{2,30})")  # 图 3-1 某省高职院校毕业去向落实率（…）：2019年 92.6


def _strip_trail(label: str) -> str:
    changed = True
    while changed:
        changed = False
        for trail in _TRAIL:
            if label.endswith(trail) and len(label) > len(trail) + 1:
                label, changed = label[: -len(trail)].rstrip(), True
    return label


def _cjk(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def _strip_lead(text: str) -> str:
    """Drop the subject and the predicate's lead words on the left (获得, 累计, 提供 …), and particles on the right.
    Examples before 等 are dropped: 新能源汽车技术、光伏材料制备技术等专业 counts 专业."""
    text = re.sub(rf"^(?:{_PERIOD.pattern})\s*", "", text.strip(" 　、"))  # 2024年我国…规模: the period is .period
    text = _ENUMERATION.sub("", text)  # （一）因公出国（境）费: the item's number is no part of what it measures
    tokens = words(text)
    opened = [i for i, t in enumerate(tokens) if t in ("（", "(")]
    if opened and _cjk("".join(tokens[opened[-1] + 1:])) >= 2 and not {"）", ")"} & set(tokens[opened[-1]:]):
        tokens = tokens[opened[-1] + 1:]  # 72.6分（满分100分）: what follows the bracket, not 分（满分
    # (A bracket closed before the figure is a note on the measure, kept: 医院（含民营）288个 is 医院's, not 含民营）'s.)
    if "等" in tokens and _cjk("".join(tokens[len(tokens) - tokens[::-1].index("等"):])) >= 2:
        tokens = tokens[len(tokens) - tokens[::-1].index("等"):]
    cut = 0
    for i, token in enumerate(tokens):
        rest = _strip_trail("".join(tokens[i + 1:]))
        if token in _LEAD and _cjk(rest) >= 2 and rest not in _TRAIL and rest not in _LEAD:
            cut = i + 1
    label = _strip_trail("".join(tokens[cut:]).strip(" 　、"))
    while len(label) > MAX_LABEL:  # keep the words nearest the figure
        tokens = words(label)
        if len(tokens) < 2:
            break
        label = "".join(tokens[1:])
    label = label.strip(" 　、-－—")
    return "" if label in _LEAD or label in _TRAIL else label


def _before(sentence: str, start: int, previous_end: int) -> str:
    """The text between the clause (or the previous figure) and the figure; a 、-list of words is kept whole
    (技术改造、工艺改进、产品升级 1 200 余家), a 、 after a figure ends the label (资料320余份、岗位能力标准140余份)."""
    left = previous_end
    for m in _CLAUSE_END.finditer(sentence, previous_end, start):
        left = m.end()
    span = sentence[left:start]
    return _PERIOD.sub(" ", span) if _PERIOD.fullmatch(span.strip()) else span


def _after(sentence: str, end: int) -> str:
    """The words a figure counts (20个协同创新平台); of a long run only its first word (27个省份出台…)."""
    m = _AFTER_STOP.search(sentence, end)
    if m and m.group(0) in ("担任", "受聘"):  # 1000余名技术骨干担任院校兼职教师: the role is what is counted
        m = _CLAUSE_END.search(sentence, m.end())
    span = sentence[end: m.start() if m else len(sentence)]
    if span.startswith(("之间", "以上", "以下", "以内", "左右", "之多")):
        return ""
    return span if len(span) <= MAX_LABEL else (words(span) or [""])[0]


def _text_label(sentence: str, fig: numbers.Figure, previous_end: int, previous_label: str,
                previous_unit: str | None = None) -> str:
    """What a figure of running text measures: the words it counts (200万元日常运行经费, 20个协同创新平台), else
    the words before it (专项培训 80 余场). A bare predicate (攻关解决 240 余项) names the thing counted by the figure
    before it in the sentence: 技术需求（攻关解决）."""
    caption = _CAPTION.match(sentence)
    if caption and sentence.find("：", 0, fig.start) > 0:
        return caption.group(1).strip()
    after = _after(sentence, fig.end).strip()
    glued = fig.end < len(sentence) and not sentence[fig.end].isspace()
    if glued and _cjk(after) >= 2 and re.match(r"[\u4e00-\u9fff]", after) and not re.search(r"\d", after):
        return after if re.search("担任|受聘", after) else _strip_lead(after) or after
    before = _before(sentence, fig.start, previous_end)
    change = _PERIOD.sub("", before).strip(" ，,-－—")
    if previous_label and _CHANGE.fullmatch(change):  # 同比增长19.76%: the change of the figure before it
        return f"{previous_label}（{change}）"
    label = _strip_lead(before)
    if previous_label and previous_unit == fig.unit and re.search(r"为\s*$", before) and _WHOSE.search(label):
        return f"{previous_label}（{label}）"  # …建有在线课程186门，中职学校为47门: 在线课程 of 中职学校
    verbs = ("解决", "完成", "攻关", "达成", "实现", "新增", "开展", "举办", "培训", "培养", "服务")
    if previous_label and (not label or any(label.endswith(v) for v in verbs) and len(label) <= 4):
        return f"{previous_label}（{label}）" if label else previous_label
    if label.startswith("占") and previous_label:  # 具有高级职称的专任教师177人，占专任教师总数的36.4%
        return f"{previous_label}{label}"
    if _cjk(label) < 2:
        label = previous_label
    if not label:  # 超过40%来自职业学校: what the share is of follows it
        rest = _CLAUSE_END.search(sentence, fig.end)
        label = sentence[fig.end: rest.start() if rest else len(sentence)].strip()[:MAX_LABEL]
    return label


_FIGURE_NUMBER = re.compile(r"[图表]\s*\d+\s*[-－—–.．]\s*$")  # the 1 of 图3-1


_RESPECTIVELY = re.compile(r"分别(?:为|是|达到|达|占)?\s*(?=[\d约近超])")


def _respective(sentence: str, figures: list[numbers.Figure]) -> dict[int, str]:
    """The figures of "A、B分别为x和y" by their start: x is A's, y is B's, as many names as figures (诉求解决率、群众满意率分别
    达到 95.5%和 96.1%: both rows had been labelled 率、群众满意率, and the difference asked was refused: dev split). A
    short name shares the last one's measure (城镇、农村居民人均可支配收入: 城镇居民人均可支配收入)."""
    out: dict[int, str] = {}
    for m in _RESPECTIVELY.finditer(sentence):
        start = max([0] + [c.end() for c in _CLAUSE_END.finditer(sentence, 0, m.start())])
        stop = _CLAUSE_END.search(sentence, m.end())
        names = [n.strip(" 　") for n in re.split(r"、|和|与|及", sentence[start:m.start()]) if n.strip(" 　")]
        figures_after = [f for f in figures if m.end() <= f.start < (stop.start() if stop else len(sentence))]
        if len(names) < 2 or len(names) != len(figures_after) or any(_cjk(n) < 2 for n in names):
            continue
        names[0] = _strip_lead(names[0]) or names[0]
        last, head = names[-1], (words(names[-1]) or [""])[0]
        names = [n + last[len(head):] if len(n) <= 3 and len(last) >= len(n) + 3 else n for n in names]
        out |= {f.start: name for f, name in zip(figures_after, names)}
    return out


def _not_a_measure(sentence: str, fig: numbers.Figure) -> bool:
    """The 1 of 图3-1; a span of years that dates something (三年后, 近三年, 5年内) rather than measures it."""
    if _FIGURE_NUMBER.search(sentence[max(0, fig.start - 8):fig.start]):
        return True
    if fig.unit is None and sentence[max(0, fig.start - 1):fig.start] == "每":
        return True  # 每10股: the base of a rate, not an amount
    if fig.unit == "年度":  # 一百十三年度: a (ROC) year, not an amount
        return True
    if fig.unit == "位" and sentence[fig.end:fig.end + 2] == "一体":  # 五位一体: an idiom
        return True
    if fig.unit in ("年", "个月") and (not re.search(r"\d", fig.raw) or fig.raw.startswith("近")
                                      or sentence[fig.end:fig.end + 2].startswith(("内", "后", "来", "间", "以来", "前"))):
        return True
    return False


# -- extraction -------------------------------------------------------------------------------------------------
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def _last_heading(passage: Passage) -> str:
    """A figure printed with no words of its own (a chart's values) measures what its heading names."""
    return passage.section.split(" / ")[-1] if passage.section else ""


def _short_case(case: str) -> str:
    return re.split(r"[：:]", case, maxsplit=1)[0].strip()


def _base(passage: Passage) -> dict:
    return dict(passage_id=passage.id, citation=passage.citation, document=passage.document, source=passage.source,
                chapter=passage.chapter, case=passage.case, section=passage.section, page=passage.page,
                page_exact=passage.page_exact, year=passage.year,
                subject=_short_case(passage.case) or passage.document)


_CODE = re.compile(r"代码|编号|编码|电话|传真|邮编|邮政|网址|股票简称")
_BRACKET_UNIT = re.compile(r"[（(]([^（）()\d]{1,4})[）)]\s*$")


def _bracket_unit(name: str) -> str:
    """精品在线开放课程（门） → 门; 数据中心覆盖率（%） → %."""
    m = _BRACKET_UNIT.search(name)
    unit = m.group(1).replace("％", "%") if m else ""
    if not unit or unit in ("%", "‰", "Gbps"):
        return unit
    read = numbers.extract_figures(f"1{unit}", include_all=True)  # （年）, （万股）: read as no unit, or as none at all
    return unit if read and read[0].unit == unit else ""


def _table_figures(passage: Passage, caption: str) -> list[Figure]:
    out = []
    lines = passage.text.split("\n")
    row_lines = [(i, line) for i, line in enumerate(lines) if re.match(r"^[^：\n]{1,40}：", line)]
    for cell in cells(passage.text):
        index, line = row_lines[cell.line] if cell.line < len(row_lines) else (0, "")
        line_start = sum(len(x) + 1 for x in lines[:index])
        at = line.find(cell.figure.raw, line.find(cell.column) if cell.column else 0)
        if (re.search(r"\d-\d", line[max(at, 0):max(at, 0) + len(cell.figure.raw) + 2]) or cell.figure.kind != "quantity"
                or _CODE.search(cell.row + cell.column)):
            continue  # 0571-86923418 is a telephone number, 603917 a stock code
        negative = at > 0 and line[at - 1] in "-−－"
        figure = cell.figure
        unit = figure.unit or _bracket_unit(cell.row) or _bracket_unit(cell.column)
        column = cell.column
        period = re.sub(r"\s+", "", column) if _PERIOD.fullmatch(column.strip()) else _period("", caption)
        out.append(Figure(raw=("-" if negative else "") + figure.raw, value=-figure.number if negative else figure.number,
                          unit=unit, qualifier=figure.qualifier or "", label=cell.row, column=column, period=period,
                          sentence=line, kind="table", start=line_start + max(at, 0) - negative, **_base(passage)))
    return out


def extract(passage: Passage) -> list[Figure]:
    """Every quantity the passage prints, as figures-table rows (contents and cover pages give none)."""
    if passage.kind in ("toc", "cover"):
        return []
    if passage.kind == "table":
        caption = passage.text.split("\n", 1)[0]
        return [f for f in _table_figures(passage, caption) if f.kind == "table"]
    out: list[Figure] = []
    context = passage.heading_path()
    for m in _SENTENCE.finditer(passage.text):
        sentence = m.group(0)
        previous_end, previous_label, previous_unit = 0, "", None
        last_label, label_unit = "", ""
        figures = numbers.extract_figures(sentence)
        respective = _respective(sentence, figures)
        for fig in figures:
            if _not_a_measure(sentence, fig):
                continue
            label = (respective.get(fig.start) or _text_label(sentence, fig, previous_end, previous_label, previous_unit)
                     or _last_heading(passage))
            negative = fig.start > 0 and sentence[fig.start - 1] in "-−－" and not sentence[:fig.start - 1][-1:].isdigit()
            clause = sentence[max([0] + [c.end() for c in _CLAUSE_END.finditer(sentence, 0, fig.start)]):fig.start]
            # 数据中心覆盖率（%） 81.2 46.5: the label's unit is the bare figures' (the next one's too, same label).
            unit = fig.unit or _bracket_unit(label) or (label_unit if label_key(label) == label_key(last_label) else "")
            out.append(Figure(raw=("-" if negative else "") + fig.raw, value=-fig.number if negative else fig.number,
                              unit=unit, qualifier=fig.qualifier or "", label=label,
                              period=_period(clause, context), sentence=sentence.strip(),
                              start=m.start() + fig.start - negative, **_base(passage)))
            previous_end, previous_label, previous_unit = fig.end, label.split("（")[0], fig.unit
            last_label, label_unit = label, unit
    return out


def table_of(passages: list[Passage], known: dict[str, list[Figure]] | None = None,
             key: Callable[[Passage], str] | None = None) -> list[Figure]:
    """The figures table of an index: every passage's rows, in passage order. known: rows extracted before, by
    key(passage) (the text hash): reused with the passage's current place (page, citation) instead of re-read."""
    rows: list[Figure] = []
    for p in passages:
        reused = known.get(key(p)) if known is not None and key is not None else None
        rows += [replace(f, **_base(p)) for f in reused] if reused is not None else extract(p)
    return [replace(f, ordinal=i) for i, f in enumerate(rows)]


__all__ = ["FACTS_VERSION", "Figure", "extract", "table_of", "label_key"]
