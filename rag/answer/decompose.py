"""A question that asks several things at once, split into parts each answered on its own: one per case it names
(常州和晋江两个联合体分别由哪些单位牵头 → 常州联合体由哪些单位牵头, 晋江联合体由哪些单位牵头), or one per question
it puts (实施了几项现场工程师项目？拿了几项省科技奖？)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rag.retrieve.query import asks_comparison, mentions, shared_title_words
from rag.text.normalize import for_search

# Between two cases named for the same thing only a joining word, after the word the case titles name their kind with
# (常州和晋江, 常州联合体与晋江联合体: shared_title_words).
_JOIN = r"(?:[和与及、跟同,，]|以及)*"


def _joined(aliases: Mapping[str, set[str]]) -> re.Pattern[str]:
    kinds = "|".join(re.escape(w) for w in sorted(shared_title_words(aliases), key=len, reverse=True))
    return re.compile(rf"(?:的)?(?:[\u4e00-\u9fff]{{0,2}}(?:{kinds}))?{_JOIN}" if kinds else rf"(?:的)?{_JOIN}")
_BOTH = re.compile(r"^(?:这|那)?(?:两|二)(?:个|家|地|者|所)?")
_EACH = re.compile(r"分别|各自|各(?=[是有为自])")
# What is left of a question once its question words are gone: too little, and it asks nothing of its own
# (各是多少？ 请分别说明。 是否一致？).
_ASKING = re.compile(r"请|分别|各自|各|说明|列出|是否|一致|是|有|为|多少|什么|哪些|哪个|几|呢|吗|怎么样|如何|[？?。！!，,\s]")
_SPLIT = re.compile(r"(?<=[？?])")


@dataclass(frozen=True)
class Part:
    """One thing the question asks: its own words, and the case it is restricted to (None: as the question)."""
    question: str
    case: str | None = None


def _first_mentions(key: str, aliases: Mapping[str, set[str]]) -> list[tuple[int, int, str]]:
    """(start, end, case) of each case's first mention, longest name at that place, in order."""
    found = []
    for case, names in aliases.items():
        spots = [(key.find(n), -len(n), n) for n in names if mentions(key, n) and not n.isascii()]
        if spots:
            start, _, name = min(spots)
            found.append((start, start + len(name), case))
    found.sort()
    for (_, end, _), (start, _, _) in zip(found, found[1:]):
        if start < end:
            return []  # names inside one another: not two cases
    return found


def by_case(question: str, aliases: Mapping[str, set[str]]) -> list[Part]:
    """One part per case when a comparison names two or more cases for each of them (分别/各自/各是)."""
    key = for_search(question)
    named = _first_mentions(key, aliases)
    key = question if len(question) == len(key) else key  # parts quoted as asked (？ not ?) where places agree
    if len(named) < 2 or not asks_comparison(key) or not _EACH.search(key):
        return []
    head = key[: named[0][0]]
    between = [key[end:nxt] for (_, end, _), (nxt, _, _) in zip(named, named[1:])]
    joined = _joined(aliases)
    if all(joined.fullmatch(b) for b in between):  # the same thing asked of each: 常州和晋江两个联合体分别…
        tail = _EACH.sub("", _BOTH.sub("", key[named[-1][1]:]), count=1)
        return [Part(head + key[s:e] + tail, case) for s, e, case in named]
    # Each case with its own thing: 常州联合体的运行理念与晋江联合体的协同驱动机制各是什么
    last = key[named[-1][0]:]
    each = _EACH.search(last)
    if each is None:
        return []
    asked = last[each.end():]
    spans = [key[s:nxt] for (s, _, _), (nxt, _, _) in zip(named, named[1:])] + [last[: each.start()]]
    return [Part(head + re.sub(r"(?:[和与及、跟同,，]|以及)+$", "", span) + asked, case)
            for span, (_, _, case) in zip(spans, named)]


def by_question(question: str, aliases: Mapping[str, set[str]]) -> list[Part]:
    """One part per question put (…几项？…几项？请分别说明。), each naming the case the first part names."""
    asked = [p.strip() for p in _SPLIT.split(question.strip()) if len(_ASKING.sub("", p)) >= 3]
    if len(asked) < 2:
        return []
    named = _first_mentions(for_search(asked[0]), aliases)
    subject = for_search(asked[0])[named[0][0]: named[0][1]] if len(named) == 1 else ""
    case = named[0][2] if subject else None
    out = []
    for part in asked:
        own = _first_mentions(for_search(part), aliases)
        out.append(Part(part if own or not subject else subject + part, None if own else case))
    return out


def parts(question: str, aliases: Mapping[str, set[str]]) -> list[Part]:
    """The parts of a question asking several things, or [] for a question that asks one."""
    return by_question(question, aliases) or by_case(question, aliases)
