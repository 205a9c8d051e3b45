"""Which language a text is in: English, Chinese, or a script the report and the model do not serve."""
from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def is_english(text: str) -> bool:
    """English when it has Latin letters and no Chinese: 'What did 常州 do?' is answered in Chinese."""
    return bool(_LATIN.search(text)) and not _CJK.search(text)


def unsupported_script(text: str) -> bool:
    """Letters but none Chinese or Latin (Сколько…, كم…): a language the report and the model do not serve."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not _CJK.search(text) and not any(ch.isascii() for ch in letters)
