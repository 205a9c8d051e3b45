"""Questions over a library of documents: restricted to the documents they name; answered per document, never by
one document chosen silently, when several print the measure asked; ranked, listed, totalled or compared with the
year before across documents in code, every row cited on its page and the computation written out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rag.answer import numeric
from rag.answer.asked import AMOUNT
from rag.ingest import label_key
from rag.ingest.facts import Figure
from rag.retrieve.retriever import Retriever
from rag.retrieve.scope import asks_previous
from rag.text.figures import units_compatible

MAX_TABLE = 8  # documents a per-document table lists; more are counted and listed to choose from
NOTICE = "按文档分别列出，每个数字注明出处；排序、合计、差值由程序按原文数字计算。"

# What makes a question one across documents rather than within one: which school (哪所学校…最高), each school
# (各校, 每所学校), all of them together (各校…合计) — the words taken out, the measure left is asked of each document.
_WHICH = re.compile(r"哪(?:一)?(?:所|个|家|份|座)(?:学校|院校|高校|学院|单位|城市|地区|银行|文档|报告|公报)?的?")
_EACH = re.compile(r"各(?:所|个|份)?(?:学校|院校|高校|校|学院|文档|报告|公报|地区|城市|市|州|单位)的?|每(?:所|个|份)"
                   r"(?:学校|院校|高校|学院|文档|报告|公报)?的?|所有(?:学校|院校|文档|报告)的?")
_RANK = re.compile(r"最高|最低|最多|最少|最大|最小|排名|排序|排第几")
_FEWEST = ("最低", "最少", "最小")
_TOTAL = re.compile(r"一共|合计|总共|总计|共计|加起来|加在一起|总和")
_CHANGE = re.compile(r"(?:增加|减少|增长|下降|提高|降低|上升|变化)了?多少|相比|比较|差多少|多多少|少多少|相差")
_ASKING = re.compile(r"是多少|有多少|为多少|多少|分别|各是|是|[？?。！!]")
_PREVIOUS_WORDS = re.compile(r"(?:与|和|同|跟|较|比)?(?:上一年|上年|前一年|上一份)(?:度)?的?(?:报告|公报|年报|预算|决算|文件)"
                             r"(?:相比|比较|对比)?|(?:19|20)\d{2}\s*年(?:度)?的?(?:质量年度报告|报告|公报|年报)")


@dataclass(frozen=True)
class DocumentAnswer:
    """What one document's figures table answers: its rows (one, or several that fit with different values)."""
    source: str
    title: str
    year: int | None
    issuer: str
    kind: str  # numeric's kind: lookup, compare, rank, total, where
    rows: tuple[Figure, ...]
    text: str  # numeric's answer within this document, [n] by its passage_ids
    passage_ids: tuple[str, ...]


@dataclass(frozen=True)
class Across:
    """The hook's result: an answer written here (text and its passages, [n] in order), or none and the index
    snapshot the question goes on with (narrowed to the one document that answers, or as it was)."""
    snapshot: Retriever
    text: str = ""
    passage_ids: tuple[str, ...] = ()
    notice: str = NOTICE
    documents: tuple[str, ...] = field(default=())  # the documents the answer lists


class _Cite:
    """[n] marks by passage, in the order first used."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def __call__(self, *rows: Figure) -> str:
        marks = []
        for row in rows:
            if row.passage_id not in self.ids:
                self.ids.append(row.passage_id)
            mark = f"[{self.ids.index(row.passage_id) + 1}]"
            if mark not in marks:
                marks.append(mark)
        return "".join(marks)

    def renumber(self, text: str, passage_ids: tuple[str, ...]) -> str:
        """A document's own answer text with its [n] renumbered into this answer's."""
        def mark(m: re.Match) -> str:
            n = int(m.group(1))
            if not 1 <= n <= len(passage_ids):
                return m.group(0)
            pid = passage_ids[n - 1]
            if pid not in self.ids:
                self.ids.append(pid)
            return f"[{self.ids.index(pid) + 1}]"
        return re.sub(r"\[(\d{1,3})\]", mark, text)


def _page(row: Figure) -> str:
    return f"第{row.page}页" if row.page is not None and row.page_exact else (
        f"第{row.page}页起" if row.page is not None else "—")


_GENERIC_COLUMN = frozenset({"数值", "数据", "值", "指标值", "数量", "金额"})


def _measure(row: Figure) -> str:
    """What the row measures, with its case and period: the document is its own column."""
    measure = row.label if row.column in _GENERIC_COLUMN else row.measure
    where = "，".join(p for p in (row.case, row.period) if p)
    return f"{measure}（{where}）" if where else measure


def _name(answer: DocumentAnswer) -> str:
    return f"《{answer.title}》"


def sources_of(snapshot: Retriever) -> tuple[str, ...]:
    """The documents the snapshot searches: its scope, or every document of its version."""
    every = snapshot.library.sources
    return tuple(s for s in every if snapshot.scope is None or s in snapshot.scope)


def per_document(snapshot: Retriever, question: str) -> list[DocumentAnswer]:
    """Each document's own figures-table answer to the question (those that answer), in registry order."""
    out = []
    for source in sources_of(snapshot):
        cases = {c: names for c, names in snapshot.aliases.items()
                 if source in snapshot.library.case_sources.get(c, frozenset())}  # the cases this document prints
        found = numeric.answer(snapshot.figures.of_sources(frozenset({source}), cases), question)
        if found is None or not found.figures:
            continue
        record = snapshot.library.record(source)
        out.append(DocumentAnswer(source, record.title if record else source, record.year if record else None,
                                  record.issuer if record else "", found.kind, tuple(found.figures), found.text,
                                  tuple(found.passage_ids)))
    return out


def measure_question(question: str) -> str:
    """The measure asked of each document: 哪所学校的毕业去向落实率最高 -> 毕业去向落实率是多少."""
    text = _PREVIOUS_WORDS.sub("", question)
    for pattern in (_WHICH, _EACH, _RANK, _TOTAL, _CHANGE, _ASKING):
        text = pattern.sub("", text)
    text = re.sub(r"[，,、]", "", text.strip()).strip("的")
    return f"{text}是多少" if text else ""


def _same_measure(a: Figure, b: Figure) -> bool:
    """毕业去向落实率 / 去向落实率 / 毕业去向落实率（%）: one measure, its unit bracket aside, one name inside the other,
    counted in compatible units."""
    ka, kb = label_key(a.label), label_key(b.label)
    return (len(min(ka, kb, key=len)) >= 2 and (ka in kb or kb in ka)
            and units_compatible(a.unit or None, b.unit or None) and bool(a.unit) == bool(b.unit))


def _aligned(answers: list[DocumentAnswer]) -> tuple[list[tuple[DocumentAnswer, Figure]], list[tuple[DocumentAnswer, str]]]:
    """One row per document of the measure most documents print; the others left out with the reason."""
    single = [(a, a.rows[0]) for a in answers if a.kind == numeric.LOOKUP and len({(r.value, r.unit) for r in a.rows}) == 1]
    left = [(a, "印有多个相符的数字") for a in answers if all(a is not s for s, _ in single)]
    if not single:
        return [], left
    anchor = max((row for _, row in single), key=lambda r: sum(_same_measure(r, o) for _, o in single))
    kept = [(a, r) for a, r in single if _same_measure(r, anchor)]
    left += [(a, f"所印“{r.measure}”与“{anchor.measure}”不是同一指标") for a, r in single if not _same_measure(r, anchor)]
    return kept, left


def _latest_per_issuer(rows: list[tuple[DocumentAnswer, Figure]]) -> tuple[list[tuple[DocumentAnswer, Figure]], list[str]]:
    """One report per issuer, the latest: a school is ranked by its newest report; the others are named."""
    best: dict[str, tuple[DocumentAnswer, Figure]] = {}
    for x in rows:
        key = x[0].issuer or x[0].source
        if key not in best or (x[0].year or 0) > (best[key][0].year or 0):
            best[key] = x
    kept = [x for x in rows if best[x[0].issuer or x[0].source] is x]
    older = []
    for issuer, (latest, _) in best.items():
        years = sorted({a.year for a, _ in rows if (a.issuer or a.source) == issuer and a is not latest and a.year})
        if years:
            older.append(f"{issuer}取{latest.year}年的报告（另有{'、'.join(map(str, years))}年的报告）")
    return kept, older


def _plain(rows: list[Figure]) -> str:
    """The measure's name as the answer says it: the longest of the labels printed, its unit bracket out
    (去向落实率 and 毕业去向落实率（%） are 毕业去向落实率)."""
    labels = [re.sub(r"[（(][^（）()]{1,6}[）)]$", "", r.label).strip() for r in rows]
    return max(labels, key=len)


def _scaled(row: Figure) -> tuple[Decimal, str]:
    """The value in the unit as printed (612人, 2.35万元 -> 2.35, 万元)."""
    m = re.search(r"([万亿]+)\s*" + re.escape(row.unit) + r"\s*$", row.printed) if row.unit else None
    scale = m.group(1) if m else ""
    divisor = Decimal(1)
    for c in scale:
        divisor *= 10_000 if c == "万" else 100_000_000
    return Decimal(str(row.value)) / divisor, scale + row.unit


def _values(rows: list[Figure]) -> tuple[list[Decimal], str]:
    scaled = [_scaled(r) for r in rows]
    if len({u for _, u in scaled}) == 1:
        return [v for v, _ in scaled], scaled[0][1]
    return [Decimal(str(r.value)) for r in rows], rows[0].unit


def _number(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral_value() else f"{int(value):,}"
    return text.replace(",", "") if abs(value) < 10000 else text


def _left_note(left: list[tuple[DocumentAnswer, str]]) -> str:
    if not left:
        return ""
    return "\n\n未计入：" + "；".join(f"{_name(a)}{why}" for a, why in left) + "。"


def _table(rows: list[tuple[DocumentAnswer, Figure]], cite: _Cite) -> str:
    lines = ["| 文档 | 指标 | 数值 | 页码 |", "|---|---|---|---|"]
    for a, r in rows:
        lines.append(f"| {_name(a)} | {_measure(r)} | {r.printed}{cite(r)} | {_page(r)} |")
    return "\n".join(lines)


def _per_document(answers: list[DocumentAnswer], cite: _Cite) -> str:
    """A lookup several documents answer: a table (document → figure, cited on its page) up to MAX_TABLE documents,
    else how many answer and their list to choose from."""
    if len(answers) > MAX_TABLE:
        lines = [f"共有 {len(answers)} 份文档印有与问题相符的数字，请指明所问的文档后再问："]
        lines += [f"{n}. {_name(a)}{cite(a.rows[0])}" for n, a in enumerate(answers, 1)]
        return "\n".join(lines)
    if all(a.kind == numeric.LOOKUP for a in answers):
        rows = [(a, r) for a in answers for r in a.rows]
        return (f"{len(answers)} 份文档都印有与问题相符的数字，按文档列出，请按所指选用：\n\n" + _table(rows, cite))
    parts = [f"{len(answers)} 份文档都印有与问题相符的数字，按文档分别作答："]
    parts += [f"（{n}）{_name(a)}\n{cite.renumber(a.text, a.passage_ids)}" for n, a in enumerate(answers, 1)]
    return "\n\n".join(parts)


def _ranked(question: str, kept: list[tuple[DocumentAnswer, Figure]], left, older: list[str], cite: _Cite) -> str:
    word = _RANK.search(question).group(0)
    fewest = word in _FEWEST
    ordered = sorted(kept, key=lambda x: (x[1].value if fewest else -x[1].value, x[0].source))
    top_doc, top = ordered[0]
    word = word if word.startswith("最") else ("最低" if fewest else "最高")
    values, unit = _values([r for _, r in ordered])
    measure = _plain([r for _, r in ordered])
    lines = [f"{measure}{word}的是{_name(top_doc)}：{top.printed}{cite(top)}（{_page(top)}）。", "",
             f"按{measure}排列（{len(ordered)} 份文档，由程序比较原文数字）：", ""]
    lines.append(_table(ordered, cite))
    lines += ["", "排序：" + (" < " if fewest else " > ").join(f"{_number(v)}{unit}" for v in values) + "。"]
    if any(r.qualifier for _, r in ordered):
        lines.append("（部分数字带“余/近/超”等，排序按原文数字。）")
    text = "\n".join(lines)
    if older:
        text += "\n\n同一单位有多份报告的取最新一份：" + "；".join(older) + "。"
    return text + _left_note(left)


def _each(kept, left, older, cite: _Cite) -> str:
    text = f"各文档所印{_plain([r for _, r in kept])}（{len(kept)} 份）：\n\n" + _table(kept, cite)
    if older:
        text += "\n\n同一单位有多份报告的取最新一份：" + "；".join(older) + "。"
    return text + _left_note(left)


def _total(kept, left, older, cite: _Cite) -> str | None:
    rows = [r for _, r in kept]
    if len({r.unit for r in rows}) != 1:
        return None
    values, unit = _values(rows)
    about = "约" if any(r.qualifier for r in rows) else ""
    terms = " + ".join(f"{_number(v)}{unit}" for v in values)
    text = (f"各文档所印{_plain(rows)}（{len(kept)} 份）：\n\n" + _table(kept, cite)
            + f"\n\n合计：{terms} = {about}{_number(sum(values))}{unit}，据{cite(*rows)}计算。")
    if older:
        text += "\n\n同一单位有多份报告的取最新一份：" + "；".join(older) + "。"
    return text + _left_note(left)


def _change(kept, left, cite: _Cite) -> str | None:
    """The same issuer's two reports: the later one's figure minus the earlier one's, written out."""
    if len(kept) != 2 or kept[0][0].issuer != kept[1][0].issuer or None in (kept[0][0].year, kept[1][0].year) \
            or kept[0][0].year == kept[1][0].year:
        return None
    (old_doc, old), (new_doc, new) = sorted(kept, key=lambda x: x[0].year)
    (vo, vn), unit = _values([old, new])
    diff = vn - vo
    if unit == "%":
        said = f"{'提高' if diff >= 0 else '下降'}{_number(abs(diff))}个百分点"
        sum_line = f"{_number(vn)}% − {_number(vo)}% = {_number(diff)}个百分点"
    else:
        said = f"{'增加' if diff >= 0 else '减少'}{_number(abs(diff))}{unit}"
        sum_line = f"{_number(vn)}{unit} − {_number(vo)}{unit} = {_number(diff)}{unit}"
    return (f"{_plain([new, old])}：{new_doc.year}年的报告{new.printed}{cite(new)}（{_page(new)}），{old_doc.year}年的报告"
            f"{old.printed}{cite(old)}（{_page(old)}），{said}。\n\n计算：{sum_line}，据{cite(new, old)}计算。"
            + _left_note(left))


def across(snapshot: Retriever, question: str, english: bool = False, figure_kind: bool = True,
           previous: bool = False) -> Across:
    """The hook before the figures table: a question over several documents answered per document or across them
    in code (Across.text), or the snapshot narrowed to the one document whose table answers it."""
    if english or not figure_kind or len(sources_of(snapshot)) < 2:
        return Across(snapshot)
    cite = _Cite()
    across_words = bool(_WHICH.search(question) or _EACH.search(question))
    same_issuer = len({(snapshot.library.record(s) or None) and snapshot.library.record(s).issuer
                       for s in sources_of(snapshot)}) == 1
    change = bool(_CHANGE.search(question)) and (previous or same_issuer)
    if (across_words and (_RANK.search(question) or _TOTAL.search(question) or _EACH.search(question))) or change:
        measure = measure_question(question)
        answers = per_document(snapshot, measure) if measure else []
        kept, left = _aligned(answers)
        text = None
        if change:
            text = _change(kept, left, cite)
        elif len(kept) >= 2:
            kept_latest, older = _latest_per_issuer(kept)
            if _RANK.search(question):
                text = _ranked(question, kept_latest, left, older, cite)
            elif _TOTAL.search(question):
                text = _total(kept_latest, left, older, cite)
            else:
                text = _each(kept_latest, left, older, cite)
        if text:
            return Across(snapshot, text, tuple(cite.ids), documents=tuple(a.source for a, _ in kept))
        return Across(snapshot)
    answers = per_document(snapshot, question)
    if len(answers) == 1:
        return Across(snapshot.scoped(frozenset({answers[0].source})))
    if len(answers) < 2:
        return Across(snapshot)
    text = _per_document(answers, cite)
    return Across(snapshot, text, tuple(cite.ids), documents=tuple(a.source for a in answers))


def scoped(snapshot: Retriever, req) -> Retriever:
    """The snapshot searched only in the documents the question names (a follow-up that names none: those its
    earlier question named); as it was when it names none, or a document filter is given."""
    if req.filters.document is not None:
        return snapshot
    if req.filters.sources is not None:  # the documents chosen on the page: names choose among them only
        snapshot = snapshot.scoped(frozenset(req.filters.sources))
    cases = snapshot.cases_named(req.question)
    scope = snapshot.library.named(req.question, cases)
    if not scope.named and req.history:
        earlier = req.history[-1][0]
        scope = snapshot.library.named(earlier, snapshot.cases_named(earlier))
    return snapshot.scoped(scope.sources) if scope.named else snapshot


def previous(req) -> bool:
    """The question compares with the report of the year before (与上一年的报告相比)."""
    return asks_previous(req.question)
