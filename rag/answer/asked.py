"""What a question asks for, read once from its words: the kind of answer (a code, a date, a name, a quantity or
text) and the computation it needs (a lookup, or a difference, sum, ratio, share or remainder of printed figures)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rag.retrieve.figures import ASKING
from rag.text.figures import DATE, QUANTITY, extract_figures, is_grounded
from rag.text.keywords import atoms, tokens
from rag.text.normalize import for_search, to_simplified

CODE, DATE_KIND, DAY, NAME, AMOUNT, TEXT = "code", "date", "day", "name", "quantity", "text"
LOOKUP, DIFFERENCE, SUM, RATIO, SHARE, REMAINDER = "lookup", "difference", "sum", "ratio", "share", "remainder"

# Kinds are tested in this order: 专业代码是多少 asks for a code though it says 多少; 哪一年 asks for a date.
_CODE = re.compile(r"代码|编码|编号|代号|识别码|文号|证书号|\bcodes?\b|\bidentifier\b|\bserial\b", re.I)
_DATE = re.compile(r"什么时候|何时|哪一天|哪天|几月几日|哪一年|哪年|几月|日期|截止时间|截至时间|期限|时限|起止时间|"
                   r"\bwhen\b|\bwhat date\b|\bwhich date\b|\bdeadline\b|\bwhat year\b|\bwhich year\b|\bby when\b", re.I)
# A day asked (哪一天发布) is answered by a month and day, not by a year: 本公报2023年数据为初步统计结果 was quoted for
# 哪一天发布 (library evaluation, dev, 1 wrong).
_DAY = re.compile(r"哪一天|哪天|几月几[日号]|何日|\bwhat date\b|\bwhich date\b|\bwhich day\b", re.I)
_DAY_TOKEN = re.compile(r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|"
                        r"[一二三四五六七八九十]+月[一二三四五六七八九十]+日|"
                        r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
                        r"December)\s+\d{1,2}\b|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|"
                        r"September|October|November|December)\b", re.I)
_NAME = re.compile(r"名称|叫什么|是谁|谁|哪家|哪所|哪位|由哪|哪(?:个|一个|种|门|项)(?![数项])|\bwho\b|\bwhat is the name\b|\bname of\b|"
                   r"\bwhich (?:company|unit|department|school|college|firm|auditor|body|organi[sz]ation|county|city|"
                   r"programme|program|major|bank|agency)\b", re.I)
_QUANTITY = re.compile(r"多少|几[个项家名次场所门件部位天年月]?|数量|人数|金额|规模|比例|比重|占比|百分之|率|"
                       r"\bhow (?:many|much)\b|\bwhat (?:share|percentage|proportion|rate|amount|number)\b|\btotal\b",
                       re.I)
# 哪个多, 哪一笔更高: a comparison of figures (the table names the larger), not a name asked.
_WHICH_MORE = re.compile(r"哪[个项笔类种一位家所][^，。？?]{0,6}(?:多|少|高|低|大|小|长|短|快|慢)")
_RANKING = re.compile(r"最多|最少|最高|最低|最大|最小|排名|\bmost\b|\bhighest\b|\blargest\b|\bfewest\b|\blowest\b", re.I)

# Computations, tested in this order (a share's 占 before a difference's 比).
_SHARE_OP = re.compile(r"占[^，。？?]{1,30}(?:的)?(?:比例|比重|百分之|多少%|份额|几成)|占比(?:是|为)?多少|的?占多少(?=[？?，。（(]|$)|"
                       r"\bwhat (?:share|percentage|proportion|fraction) of\b|\bas a (?:share|percentage) of\b", re.I)
# Only the rest asked as such (其余, 除…以外的): 收集岗位需求之外，联合体办了多少场 and 其他媒体 ask a lookup.
# … and the part that is not (没有考入“双一流”高校的, 未列入的): a figure printed as such (暂未落实的占27.66%) says 未 too.
# … and the rest asked as what a part is not (除因公出国（境）费外还有多少, 还有多少万元没有追回, 2024年以前收取的: the
# total and one part printed, dev split, three quoted the part). (除央视栏目外，各类媒体累计报道 is the total asked.)
_REMAINDER_OP = re.compile(r"其余|剩余|剩下|除?[^，。？?]{1,20}(?:以外|之外)的|除[^，。？?]{1,20}外还(?:有|剩)|没有[^，。？?]{1,20}的|"
                           r"(?:未|没有)[^，。？?]{1,12}(?:的|[？?]?$)|(?:19|20)\d\d年(?:以前|之前)|"
                           r"\bthe rest\b|\bremaining\b|\bdid not\b|\bwere not\b", re.I)
_DIFFERENCE_OP = re.compile(r"差多少|多多少|少多少|多出多少|高多少|低多少|高出多少|低了多少|相差|差距|差额|差值|"
                            r"(?:增加|减少|增长|下降|提高|降低|上升|回落)了?多少(?!%|个百分点)|"
                            r"\bdifference\b|\bhow (?:many|much) (?:more|less|fewer|higher|lower)\b", re.I)
_SUM_OP = re.compile(r"一共|合计|总共|总计|共计|加起来|加在一起|总和|合起来|\bin total\b|\baltogether\b|\bcombined\b", re.I)
_RATIO_OP = re.compile(r"几倍|多少倍|倍数|\bhow many times\b", re.I)


# A sentence that prints a computation's result says so: 比上年增长8.1%, 占全部的36.4%, 是上年的2倍, 合计, 其余.
# A difference is printed as a change by a figure (减少4410万通), not as a change to one (从5080万通降至670万通).
RESULT_WORDS = {
    DIFFERENCE: re.compile(r"(?:增加|增长|减少|下降|降低|提高|上升|回落|多|少|差|高出|低于|超出|增|减|降|升)(?![至到])了?"
                           r"(?:约|近|超过)?\s*\d|\bmore\b|\bless\b|\bfewer\b|\bup\b|\bdown\b", re.I),
    RATIO: re.compile(r"倍|\btimes\b", re.I),
    SHARE: re.compile(r"占|比重|比例|%|％|百分之|\bshare\b|\bpercent", re.I),
    # (Not a bare 不 or 非: 不合格1,631家 is the whole, not the rest.)
    # The word before the figure it says is the rest (其余0.5万元, 未落实的占27.66%): 剩余部分正在追回 prints no rest,
    # and 共收取152.80万元，其中2024年41.35万元，未按规定上缴 says 未 after its figures (dev split, 2 wrong).
    REMAINDER: re.compile(r"(?:其余|其他|剩余|以外|之外|以前|之前|未|没有)[^，,。；;]{0,30}?\d|\bother\b|\brest\b|\bnot\b",
                          re.I),
}


# What a difference is taken against: 比农村常住居民多多少元 against 农村常住居民, 比上年增长8.3% against the year before.
# (Not 比率, 比例, 比重: 所占比率最高 50.19% compares nothing.)
_BASE = re.compile(r"(?:比(?![率例重])|较|相比于?|低于|高于)([^，,。？?；;]{1,16}?)(?=多|少|高|低|增|减|下降|提高|上升|降低|相差|差|$)")
_TIME_BASE = re.compile(r"^(?:上年|去年|上一年|前一年|同期|上年同期|(?:19|20)\d\d年[^，。]{0,6})$")


def printed_against(question: str, sentence: str) -> bool:
    """A printed change answers a difference only against what the question takes it against: asked how much more
    城镇 residents spend than 农村 ones, 农村…13478元，比上年增长8.3% prints a change against the year before (dev
    split: quoted as the answer, 1 wrong). A question naming no base (增长了多少) takes any; a base of time any time."""
    wanted = [m.group(1) for m in _BASE.finditer(question)]
    if not wanted:
        return True
    printed = [m.group(1) for m in _BASE.finditer(sentence)]
    if all(_TIME_BASE.match(w) for w in wanted):
        return any(_TIME_BASE.match(p) for p in printed) or not printed
    words = [_measure_words(w) or {w} for w in wanted if not _TIME_BASE.match(w)]
    return any(all(any(w in p for p in printed) for w in need) for need in words)


def against_time(question: str) -> bool:
    """A change asked against a time only (比上年增长多少, 同比增长多少, 比2022年增加多少): of one measure, not of two
    things the question names."""
    wanted = [m.group(1) for m in _BASE.finditer(question)]
    return (bool(wanted) and all(_TIME_BASE.match(w) for w in wanted)) or bool(re.search(r"同比|环比", question))


def stated_aside(question: str) -> str:
    """The question without its clauses that state a figure and ask nothing (截至113年12月底，民參案件總計簽約123件，
    民間投資金額是多少: the 總計 is said of the 123件, and the question asks a lookup, not a sum)."""
    clauses = re.split(r"(?<=[，,；;])", question)
    kept = [c for c in clauses if _ASKS.search(c) or re.search(r"\b(?:how|what|which)\b", c, re.I)
            or not re.search(r"\d", c)]
    return "".join(kept)


def compared_with(text: str) -> str:
    """text without what its figures are compared with (比2024年预算, 较上年): the words of the base are not the
    figures' own."""
    return _BASE.sub(" ", text)


@dataclass(frozen=True)
class Asked:
    kind: str  # code | date | name | quantity | text
    op: str  # lookup | difference | sum | ratio | share | remainder

    @property
    def computed(self) -> bool:
        return self.op != LOOKUP

    @property
    def figure_kind(self) -> bool:
        """Not a code, a date or a name: a table of figures may answer (which of two is more, what a quoted figure
        refers to, how many)."""
        return self.kind in (AMOUNT, TEXT)


def asked(question: str) -> Asked:
    """The kind and the computation a question asks for (read in Simplified: 每月減少了多少萬通 asks a difference)."""
    question = to_simplified(question)
    # A question stating a code asks what it is or what it has (专业代码为130216T的是哪个专业, 代号K58702的投档线), not a code.
    if _CODE.search(question) and not stated_codes(question):
        kind = CODE
    elif _DATE.search(question) and not _RANKING.search(question):
        kind = DAY if _DAY.search(question) else DATE_KIND
    elif _NAME.search(question) and not _RANKING.search(question) and not _WHICH_MORE.search(question) \
            and not re.search(r"多少|几|how (?:many|much)", question, re.I):
        kind = NAME
    elif re.search(r"哪几|哪些|\bwhich\b", question, re.I) and not _RANKING.search(question):
        kind = TEXT  # 由哪几部分组成 asks for a list of things, not a count
    elif _QUANTITY.search(question):
        kind = AMOUNT
    else:
        kind = TEXT
    op = LOOKUP
    if kind == AMOUNT:
        for name, pattern in ((SHARE, _SHARE_OP), (RATIO, _RATIO_OP), (DIFFERENCE, _DIFFERENCE_OP),
                              (REMAINDER, _REMAINDER_OP), (SUM, _SUM_OP)):
            if pattern.search(stated_aside(question)):
                op = name
                break
    return Asked(kind, op)


_CODE_TOKEN = re.compile(r"(?<![0-9A-Za-z.])(?=[0-9A-Z]*\d)[0-9A-Z][0-9A-Z\-]{3,}(?![0-9A-Za-z.])")
_DATE_TOKEN = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|"
                         r"\d{4}\s*年(?:底|末|前|内|上半年|下半年)|\d{4}\s*年|[一二三四五六七八九十]+月|月底|年底|年末|"
                         r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
                         r"December)\b", re.I)


def stated_codes(question: str) -> set[str]:
    """The codes a question states (130216T, K58702), lower-cased as for_search text is; not a year, not a count."""
    return {m.group().lower() for m in _CODE_TOKEN.finditer(question)
            if not _YEAR_WORD.fullmatch(m.group()) and not followed_by_unit(question, m.end())}


def code_entries(text: str) -> list[tuple[str, str]]:
    """Each code a text prints (a catalogue's 080910T, a budget's 2050302) with its entry: the text between the codes
    before and after it, where what it is the code of is printed (数据科学与大数据技术 080910T …)."""
    found = [m for m in _CODE_TOKEN.finditer(text) if not _YEAR_WORD.fullmatch(m.group())
             and not followed_by_unit(text, m.end())]
    return [(m.group(), text[found[i - 1].end() if i else 0:found[i + 1].start() if i + 1 < len(found) else len(text)])
            for i, m in enumerate(found)]


def prints_total(sentence: str, unit: str | None) -> bool:
    """A sentence quoted for a sum prints one (合计, 共, 累计 …) or a single figure in the unit asked (三级组织架构 for
    一共分几级): the four quarters' profits quoted are not the first half's."""
    if re.search(r"合计|总计|共计|一共|总共|累计|共|总|全年|\btotal\b|\bin all\b", sentence, re.I):
        return True
    return len([f for f in extract_figures(sentence) if f.kind == QUANTITY and (not unit or f.unit == unit)]) <= 1


def asks_ranking(question: str) -> bool:
    """最高, 最少, 排名: which is first, which a quote answers only when it prints the ranking (最高的是…)."""
    return bool(_RANKING.search(question))


def prints_ranking(sentence: str) -> bool:
    return bool(re.search(r"最|第一|首位|居首|排名|排第|\bmost\b|\bhighest\b|\blowest\b|\blargest\b", sentence, re.I))


def holds_kind(kind: str, text: str) -> bool:
    """The text holds an answer of the kind asked: a code (4+ letters or digits with a digit, no unit after it), a
    date, a quantity. A name or text is not checked here (any words may name it)."""
    if kind == CODE:
        return any(not followed_by_unit(text, m.end()) for m in _CODE_TOKEN.finditer(text))
    if kind == DAY:
        return bool(_DAY_TOKEN.search(text))
    if kind == DATE_KIND:
        return bool(_DATE_TOKEN.search(text)) or any(f.kind == DATE for f in extract_figures(text, include_all=True))
    if kind == AMOUNT:  # a table row prints its figures bare (数据中心覆盖率（%） 81.2 46.5)
        return bool(re.search(r"\d", text)) or any(f.kind == QUANTITY for f in extract_figures(text, include_all=True))
    return True


def said_in(kind: str, answer: str, sentences: list[str]) -> bool:
    """Every figure of the kind asked that the answer states is printed by one of the sentences: a quantity (any
    notation), a code or a date as printed (spaces aside). A name or text is not checked here."""
    if kind == AMOUNT:
        return all(any(is_grounded(f, s) for s in sentences)
                   for f in extract_figures(answer) if f.kind == QUANTITY)
    if kind in (CODE, DATE_KIND, DAY):
        printed = [re.sub(r"\s", "", s) for s in sentences]
        token = {CODE: _CODE_TOKEN, DATE_KIND: _DATE_TOKEN, DAY: _DAY_TOKEN}[kind]
        found = (m.group() for m in token.finditer(answer)
                 if kind != CODE or not followed_by_unit(answer, m.end()))
        return all(any(re.sub(r"\s", "", token) in s for s in printed) for token in found)
    return True


def followed_by_unit(text: str, end: int) -> bool:
    """1,234个 or 2024年 is a count or a year, not a code."""
    return bool(re.match(r"\s*(?:[万亿]?(?:元|人次|人|名|个|家|所|项|件|次|场|门|年|届|级|%|％|学时|学分|周|天)|[.,]\d)", text[end:]))


# What a question asks by: its measure — the noun phrase before 多少/几 after its last 的 (就业率; 岗位能力标准) — and its
# subjects — places, bodies, levels, years and things named by their kind (硕士; 机电工程学院; 2024届). Other words
# (重构课程体系时引入的) are context the sentence may carry.
_ASKS = re.compile(r"(?:是|有|为|达|约|共|总共|一共|合计|分别)?(?:多少|几)")
# A name, a code or a date is asked by its own words: 证券事务代表是谁, 统一社会信用代码是什么, 何时成立.
_ASKS_OTHER = re.compile(r"(?:是|为|叫)?(?:谁|什么|哪一天|哪天|哪一年|哪年|何时|什么时候|几月几日|哪个|哪家|哪所|哪位|哪些)")
# Levels, and grades of one kind (一级, 二级): a row or sentence of another one does not answer (asked NCRE 二级's
# subject, the 一级 certificate's line was quoted: dev split, 1 wrong).
_LEVEL = re.compile(r"硕士|博士|本科|专科|研究生|中职|高职|职教本科|普通高中|(?<![\d一二三四五六七八九十])[一二三四五六七八九]级(?!\d)")
# An admission track (历史类, printed 首选历史) is a subject by its stem: 历史类 asked of a 首选物理 table is no row of it
# (dev split, 2 answered by the local model).
_TRACK = re.compile(r"(历史|物理|文史|理工)类")
_ENTITY = re.compile(r"(?:学院|学校|大学|专业|专业群|公司|集团|局|厅|委员会|县|市|区|省|州|镇|乡|中心|基地)$")
_BODY = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:职业技术学院|职业技术大学|职业学院|学院|大学|学校|公司|集团|研究院|委员会|"
                   r"人民政府|办事处|教育厅|教育局|财政局|统计局)")
# A thing named with its number (学习情境3, 项目6, 第二批): which one, not what is measured.
# (Not a quantity's number: 60周岁及以上, 以上年为100 — a 2023年末周口市60 subject refused 190.90万人; nor a
# generation's: 黔东南州5G移动电话用户 is no 5th 黔东南州.)
_NUMBERED = re.compile(r"[\u4e00-\u9fff]{2,6}(?<![为是达约占有共超近])(?:[0-9]{1,3}|[一二三四五六七八九十]{1,3}(?=[（(“\"，,、的中里]))"
                       r"(?![0-9A-Za-z年届级月日号%％.．万亿千百元人个项所家名场次岁周倍件张台套辆座户条篇册株吨亩米])")
# A place opening the question or following its year (2023年项城市…, which the tokenizer reads as 项 · 城市).
# (Not the period's end: 2023年底周口市 is 周口市, not 底周口市; nor 2024年末本集团市场 a place.)
_PLACE = re.compile(r"(?:^|(?<=年)|(?<=年[末底初])|(?<=[，,、]))(?![末底初度内中本该全各按据在从对向于])[\u4e00-\u9fff]{2,3}(?:省|市|县|区|州|旗)(?![场域份值])(?=[\u4e00-\u9fff\d])")
_YEAR_WORD = re.compile(r"(?:19|20)\d\d(?:年|届|级|学年)?")


def _atoms_of(text: str) -> set[str]:
    return atoms(set(tokens(text)))


_UNIT_FIRST = re.compile(r"^[万亿千百萬億]?(?:个?百分点|元|人次|人|名|位|家|场|项|个|份|次|所|门|件|部|篇|台|套|天|小时|学时|学分|吨|亩|%|％|"
                         r"平方米|平方千米|平方公里|立方米|公顷|公里|千米|米|千瓦时|千瓦|辆|座|张|床|册|株|户|分|通|届|年|月|岁)")


_GENERIC_BODY = re.compile(r"^(?:职业|高职|中职|技工|本科|高等|普通|成员|合作|其他|相关|当地|各类|多所|兄弟|重点|示范|优质)+$")


# A programme or course named by its kind, where what is said of it begins (汽车检测与维修技术专业的, 专业2024年, 课程
# 总学时) — not one word of a longer name (新能源先进制造专业集群, 课程体系, 专业技术人员: report, 2 refused).
_PROGRAMME = re.compile(r"([\u4e00-\u9fff]{2,16}?)(?:专业|课程)(?=[^\u4e00-\u9fff]|的|在|有|共|是|毕业|学生|招生|计划|实际|"
                        r"录取|报到|在校|就业|代码|学时|总学时|学分|开设)")


def _named_body(m: re.Match[str]) -> str:
    """A body named by its kind (江川职业技术学院), not one described (来自职业学校, 派到学校): the run after the last
    function word, with a name of its own before the kind."""
    text = re.split(r"[的中在自和与及有派到是为对向从由了多少几哪什么各每该本其年届就给把被将经按据]", m.group())[-1]  # (2025年万里街道办事处)
    suffix = _BODY.fullmatch(text)
    if suffix is None:
        return ""
    name = re.sub(r"(?:职业技术学院|职业技术大学|职业学院|学院|大学|学校|公司|集团|研究院|委员会|人民政府|办事处|教育厅|教育局|"
                  r"财政局|统计局)$", "", text)
    return text if len(name) >= 2 and not _GENERIC_BODY.match(name) else ""


def asked_terms(question: str) -> tuple[set[str], set[str]]:
    """(measure words, subject words) of a question; both empty when it asks by no 多少/几 (nor 谁, 什么, 何时 … for a
    name, a code or a date: 证券事务代表是谁 asks by 证券事务代表). The measure is what
    follows the last 多少 (核销了多少亿元贷款), else the phrase before it after its last 的 (就业率是多少), else — a verb
    before it (联合体组织了多少场) — the phrase the clause before ends with (这类对接活动)."""
    import jieba.posseg

    # 全市, 全省 … is the document's own place (a work report or bulletin says 全市 for itself): neither what is measured
    # nor a subject a sentence must print (2023年北京全市企业总数 asked 北京全市; 占全市地区生产总值的比重, printed
    # 占地区生产总值比重: dev split, both refused).
    question = _WHOLE_PLACE.sub(" ", question)
    marker = _ASKS if _ASKS.search(question) else _ASKS_OTHER
    asks = list(marker.finditer(question))
    if not asks:
        return set(), set()
    # Bodies named by their kind (江川职业技术学院, 机电工程学院): subjects whole, and no part of the measure.
    bodies = [b for b in map(_named_body, _BODY.finditer(question)) if b]
    for body in bodies:
        question = question.replace(body, " ")
    # A programme or course named by its kind (汽车检测与维修技术专业): its name is a subject (a row prints it as 专业
    # 汽车检测与维修技术), never words of the measure, where half of them let a neighbouring programme's row answer.
    for named in _PROGRAMME.finditer(question):
        name = re.split(r"[的在和及是为对向从由了年届每各该本其哪多少几个些]", named.group(1))[-1]  # (与, 中, 据 in names)
        if len(name) >= 2 and not _GENERIC_BODY.match(name):
            bodies.append(name)
            question = question.replace(named.group(), " ")
    asks = list(marker.finditer(question))
    if not asks:
        return set(), set(bodies)
    ask = asks[-1]
    measure: set[str] = set()
    # (After 哪个 comes the kind of answer, not what is asked: 金融数据来自哪个机构 asks by 金融数据来自.)
    for each in reversed(asks if marker is _ASKS else []):  # 共梳理了多少需求、解决了多少: the measure after an earlier 多少
        # (A note in brackets after it is no measure: 是多少（以上年为100）, 多少（%，保留一位小数）.)
        after = re.split(r"[，,。？?；;！!、]", _unbracketed(question[each.end():]))[0]
        measure = _measure_words(_UNIT_FIRST.sub("", after))
        if measure:
            break
    if not measure:
        # (A note in brackets is no measure: 就业率（不含升学和出国（境））是多少 asks about 就业率.)
        clauses = re.split(r"[，,；;：:]", _YEAR_WORD.sub(" ", _unbracketed(question[:ask.start()])))
        # Back over phrases that only say a quantity is asked: 出国（境）的比例是多少 asks about 出国（境）.
        parts = re.split(r"(的|在|中|里)", clauses[-1])  # phrases at even places, the word before each at odd ones
        for at in range(len(parts) - 1, -1, -2):
            measure = _measure_words(parts[at])
            if measure or not _only_generic(parts[at]):
                break
        # A part of a whole (一般公共预算支出中教育支出, 城乡社区支出的基本支出) is told from the whole and its other parts
        # by its own words: the whole's 一般公共预算支出 492.40亿元 named half of 教育支出 and answered it, and a 城乡社区
        # 支出 sentence half of 基本支出 (dev split, 2 wrong).
        distinct = measure - _measure_words(parts[at - 2]) if at >= 2 and parts[at - 1] in "中里的" else measure
        if distinct - set(_LEVEL.findall(question)):  # (毕业生中本科毕业生: 本科 is whose, not what)
            measure = distinct
        # (Not a clause saying where: 制作…模板的情境中，修改幻灯片母版安排了几学时 asks about 修改幻灯片母版, and the 情境
        # refused the row printing it.)
        # (Nor one saying when: 截至2023年，在北京登记落户的国际组织机构增加到了多少家 asks about 国际组织机构, not 截至.)
        if re.search(r"[了过]\s*$", clauses[-1]) and len(clauses) > 1 \
                and not re.search(r"(?:中|里|内|方面|期间)\s*$", clauses[-2]):
            measure = _measure_words(re.split(r"的", clauses[-2])[-1]) - _WHEN or measure
    tokens("")  # jieba initialised once, under keywords' lock
    subjects = {w for w, flag in jieba.posseg.lcut(question, HMM=False)  # HMM guesses words: 攻关上共梳理 → 上共 (ns)
                if flag in ("ns", "nt", "nz") and len(w) >= 2 or _ENTITY.search(w) and len(w) >= 3}
    subjects |= set(_LEVEL.findall(question)) | {re.sub(r"\D", "", y) for y in _YEAR_WORD.findall(question)}
    subjects |= set(_TRACK.findall(question))
    subjects |= {p for p in _PLACE.findall(question) if not any(p in w and p != w for w in subjects)}
    subjects |= {m.group() for m in _NUMBERED.finditer(question) if not _YEAR_WORD.search(m.group())}
    subjects |= set(bodies)
    # A code the question states (专业代码为130216T的是哪个专业, 代号K58702) says which thing is asked: the sentence or row
    # that answers prints it (a quote of the 140007T line answered 130216T: dev split, 2 wrong). Compared lower-cased,
    # as names_asked_in reads for_search text.
    codes = stated_codes(question)
    subjects |= codes
    if codes and asked(question).kind == NAME:
        measure = set()  # what the code is: the code names it, 专业 and 代码 are the kind of answer, not words printed
    subjects = {w for w in subjects if not any(w != s and w in s for s in subjects)}  # 项城市, not also 城市
    # Whose is not what: 本科毕业生出国（境）的比例 asks 本科's 出国, 周口市城镇居民人均可支配收入 周口市's 收入 (and
    # 项城市, read as 项 · 城市, is not 城市 either).
    # A code's or a name's kind (文号, 代码) is what the sentence prints, not a word of it: the thing it is of is
    # what a sentence must name (《促进毕业生高质量就业十条措施》的印发文号: the sentence prints 江科大发〔2024〕18号).
    titled = re.findall(r"《([^》]{2,40})》", question)
    if titled and measure and measure <= _KIND_OF_ANSWER:
        measure = _measure_words(titled[-1])
    return {w for w in measure if not any(w in s for s in subjects)} or measure, subjects


_KIND_OF_ANSWER = frozenset("文号 代码 编号 代号 号码 名称 日期 时间 印发 发文".split())


_WHOLE_PLACE = re.compile(r"全(?:市|省|州|县|区|盟|旗)(?![场域长])")
_WHEN = frozenset("截至 截止 目前 至今 年底 年末 年初 全年 当年 今年 去年 上年 同期 期间".split())


def _unbracketed(text: str) -> str:
    """text without its notes in brackets, nested ones too (（不含升学和出国（境））)."""
    while True:
        shorter = re.sub(r"[（(][^（()）]*[）)]", "", text)
        if shorter == text:
            return text
        text = shorter


# Words that say only that a quantity is asked, which the figure's unit says for them: 来自职业学校的比例 is 超过40%.
_GENERIC_MEASURE = frozenset("比例 比重 占比 百分比 数量 数目 人数 金额 规模 数额 情况 数字 具体 时候 时间 名称 名字".split())


def _only_generic(text: str) -> bool:
    """The phrase says no more than that a quantity is asked (的比例是, 的人数)."""
    return all(w in ASKING or w in _GENERIC_MEASURE for w in _atoms_of(text))


def _measure_words(text: str) -> set[str]:
    return {w for w in _atoms_of(re.sub(r"这一|这项|这种|这类|这些|这个|那些|该|此", " ", text))
            if len(w) >= 2 and w not in ASKING and w not in _GENERIC_MEASURE}


PHRASE_CHARS = 12  # the longest measure phrase looked for as printed


def as_printed(terms: tuple[set[str], set[str]], question: str, printed: Callable[[str], bool] | None
               ) -> tuple[set[str], set[str]]:
    """Where an indexed document prints two or more of the measure's words as the question writes them (工会经费,
    国有企业), each of them is required as a subject is — in the sentence or row, its headings or caption — beside half
    the measure's words where the figure is printed: a document that prints 工会经费 answers it by that, never by
    机关运行经费's 经费 and 预算 (dev split: 2 wrong, with 企业就业 286人 for 国有企业). A phrase nothing prints is the
    asker's own wording (本地就业 for a report's 当地就业率). (Requiring the phrase whole where the figure is printed
    refused 9 right answers on the dev split and made one wrong: a table splits it between row and column, 钢材 · 产量.)"""
    measure, subjects = terms
    if printed is None or len(measure) < 2:
        return terms
    text = for_search(question)
    spans = [(m.start(), m.end()) for w in measure for m in re.finditer(re.escape(w), text)]
    phrases = {text[a:d] for a, b in spans for c, d in spans if c > a and d > b}
    phrases = [p for p in phrases if sum(w in p for w in measure) >= 2 and len(p) <= PHRASE_CHARS]
    required = {w for p in phrases if printed(p) for w in measure if w in p}  # (工会经费 and 经费预算 both printed)
    return (measure, subjects | required) if required else terms


_A_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def title_beside(text: str, title: str) -> str:
    """A document's title as what a sentence is about: without its years when the sentence or its headings print a
    year of their own — a 2024 report's 一、2023年工作回顾 is 2023's, though 2024 heads its title (or its file name):
    that chapter's 1730条 had answered the 2024 plan asked (local model, dev split)."""
    return _A_YEAR.sub(" ", title) if _A_YEAR.search(text) else title


def names_asked_in(own: str, where: str, terms: tuple[set[str], set[str]], title: str = "") -> bool:
    """own (where a figure is labelled: a row's label and clause, a quoted sentence) names at least half the measure's
    words, and where (own with its headings, case and document) every subject. Half: 联合体组织了多少场 names its
    measure (对接活动) before the comma, and the clause of 80余场 prints 组织 but not 联合体 (the case's title does).
    title: the document's; a measure word it holds tells no row of it from another (毕业生 of a 毕业生就业质量报告:
    asked 毕业生出国（境）的比例, 本科毕业生 91.37% named half the measure), and is not counted."""
    measure, subjects = terms
    own, where = for_search(own), for_search(where)  # the words are tokens: simplified, width-folded (冷氣機 is 冷气机)
    levels = {w for w in subjects if _LEVEL.fullmatch(w)}
    printed = set(_LEVEL.findall(own))
    if levels and printed and not printed & levels:
        return False  # asked 专科's rate, a row of 层次 本科 does not answer though its table's caption says 本科、专科
    title = for_search(title)
    measure = {w for w in measure if w not in title} or measure
    # Half, not all: 本地就业的比例 is printed 当地就业率 (requiring both words refused it; 国有企业 asked is still
    # answered by a clause of 企业就业 — the measured cost of the synonym).
    return (not measure or sum(w in own for w in measure) >= len(measure) / 2) and all(w in where for w in subjects)
