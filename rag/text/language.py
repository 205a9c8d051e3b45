"""Which language a question is in, and what kind of answer it asks for."""
from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
QUANTITY = re.compile(r"多少|几[个项家名次场批所年月天人份]|多大|比例|比重|占比|金额|规模|数量|how (?:many|much)|what (?:share|percentage|proportion|number|amount)|number of|percentage|\bsum\b", re.I)
YEAR = re.compile(r"哪一?年|何时|什么时候|年份|\bwhen\b|\bwhat year\b", re.I)


def is_english(text: str) -> bool:
    """English when it has Latin letters and no Chinese: 'What did 常州 do?' is answered in Chinese."""
    return bool(_LATIN.search(text)) and not _CJK.search(text)


def unsupported_script(text: str) -> bool:
    """Letters but none Chinese or Latin (Сколько…, كم…): a language the report and the model do not serve."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not _CJK.search(text) and not any(ch.isascii() for ch in letters)


def asks_quantity(question: str) -> bool:
    return bool(QUANTITY.search(question))


def asks_year(question: str) -> bool:
    return bool(YEAR.search(question))

_MONEY = re.compile(r"经费|资金|钱|金额|投入|薪|工资|收入|产值|合同额|登记额|预算|money|fund|budget|salary|income|revenue|yuan|worth", re.I)
_SHARE = re.compile(r"比例|比率|比重|占比|百分|[就升]业率|share|percentage|proportion|\brate\b", re.I)


def expected_unit(question: str) -> str | None:
    """元 for a question about money, % for a share; None when the question does not say."""
    if not asks_quantity(question):
        return None
    if _SHARE.search(question):
        return "%"
    if _MONEY.search(question):
        return "元"
    return None
