"""Page furniture of a PDF from line positions: each page's printed number (folio) and the running lines to drop."""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PageLine:
    text: str
    top: float  # points from the top of the page to the top of the line
    bottom: float  # points from the top of the page to the bottom of the line


@dataclass(frozen=True)
class PageLines:
    lines: tuple[PageLine, ...]  # the page's lines in physical order, top to bottom (all columns merged by position)
    height: float  # page height in points


@dataclass(frozen=True)
class Folio:
    number: int | None  # the arabic page number printed (or implied by its neighbours); None when unknown or non-arabic
    label: str  # what to cite: "17", "iii", or "" when nothing is known


@dataclass(frozen=True)
class Furniture:
    folios: tuple[Folio, ...]  # one per page
    drop: tuple[frozenset[int], ...]  # per page: indices into PageLines.lines of furniture lines to remove
    # What the folios rest on: "printed" (numbers printed on the pages), "labels" (the PDF's /PageLabels, nothing
    # usable printed) or "file" (neither: the PDF's own page index).
    basis: str = "printed"


@dataclass(frozen=True)
class _Candidate:
    line: int  # index into the page's lines
    value: int
    style: str  # "arabic", "lower" (iii) or "upper" (III)
    strong: bool  # the whole line is the folio ("- 17 -"), not text with a number at one end
    rank: int  # footer before header, nearest the edge first


_BAND = 0.12  # furniture sits in the top or bottom 12% of the page ...
_EDGE_LINES = 3  # ... and only in the 1-3 lines nearest that edge
_WINDOW = 6  # a folio is confirmed by a page at most this far away with the same offset (chapter openers between)
_ENOUGH = 0.5  # fewer pages than this share with a confirmed folio: the document has no usable printed numbers
_SAME_PLACE = 0.015  # a running line repeats at the same height, within this share of the page (12 pt on A4)

_OPEN = r"[\s\-‐‑‒–—―~•·|<«\[(【〔]*"
_CLOSE = r"[\s\-‐‑‒–—―~•·|>»\])】〕]*"
_N = r"(?P<n>\d{1,4})"
_T = r"(?P<t>\d{1,4})"
# Most specific first: "第 17 页 共 40 页" must not leave "共 40 页" to be read as page 40.
_FORMS = [
    rf"第\s*{_N}\s*页\s*[,，/、|]?\s*共\s*{_T}\s*页",
    rf"共\s*{_T}\s*页\s*[,，/、|]?\s*第\s*{_N}\s*页",
    rf"(?:(?i:page|p\.?)\s*)?{_N}\s*(?:/|(?i:of))\s*{_T}",
    rf"第\s*{_N}\s*页",
    rf"(?i:page|p\.?)\s*{_N}",
    _N,
    r"(?P<r>[ivxlcdm]{1,7}|[IVXLCDM]{1,7})",
]
_STRONG = [re.compile(rf"{_OPEN}(?:{form}){_CLOSE}") for form in _FORMS]
_AT_END = [re.compile(rf"(?:{form}){_CLOSE}$") for form in _FORMS]
_AT_START = [re.compile(rf"{_OPEN}(?:{form})") for form in _FORMS]
_ROMAN_WORD = re.compile(r"(?<![A-Za-z])[ivxlcdmIVXLCDM]+(?![A-Za-z])")
_WORTH = re.compile(r"[\divxlcdmIVXLCDM]")
_SEPARATORS = " |·•,，/:：-–—"
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def furniture(pages: Sequence[PageLines], labels: Sequence[str] | None = None) -> Furniture:
    """Folio of every page and the furniture lines to drop, decided by consistency across the pages.

    A number printed in a page's top or bottom band is its folio when a nearby page prints one with the same
    offset from the PDF index (so a year or a figure is never taken); pages without one get what their place
    in the run implies. `labels` (the PDF's /PageLabels, one a page) name the pages no printed number covers.
    """
    if labels is not None and len(labels) != len(pages):
        labels = None  # a damaged /PageLabels tree: the printed numbers and the index are safer
    bands = [_bands(page) for page in pages]
    keys = [{i: _key(page.lines[i].text) for i in top + bottom} for page, (top, bottom) in zip(pages, bands)]
    repeated = _key_pages(keys)
    candidates = [_candidates(page, band, key, repeated) for page, band, key in zip(pages, bands, keys)]
    printed = _confirmed(candidates, keys)
    folios = _folios(printed, labels, len(pages))
    drop = _drop(pages, bands, keys, printed, candidates)
    known = sum(c is not None for c in printed)
    basis = "printed" if known >= max(1, len(pages) * _ENOUGH) else "labels" if labels and any(
        label.strip() for label in labels) else "file"
    return Furniture(tuple(folios), tuple(drop), basis)


def _bands(page: PageLines) -> tuple[list[int], list[int]]:
    """Indices of the lines of the top band (nearest the edge first) and of the bottom band (likewise)."""
    n = len(page.lines)
    if page.height <= 0:  # no geometry: the first and last two lines, as the text-only reader did
        top = list(range(min(2, n)))
        return top, [i for i in range(n - 1, max(-1, n - 3), -1) if i not in top]
    middle = [(line.top + line.bottom) / 2 for line in page.lines]
    top = []
    for i in range(n):
        if len(top) == _EDGE_LINES or middle[i] > page.height * _BAND:
            break
        top.append(i)
    bottom = []
    for i in range(n - 1, -1, -1):
        if len(bottom) == _EDGE_LINES or i in top or middle[i] < page.height * (1 - _BAND):
            break
        bottom.append(i)
    return top, bottom


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()  # full-width digits and slashes, Ⅲ -> III, ideographic space


def _key(text: str) -> str:
    """A line's identity as running furniture: numbers (arabic or roman) masked, then spaces ignored."""
    text = _ROMAN_WORD.sub(lambda m: "#" if _roman_word(m.group()) else m.group(), re.sub(r"\d+", "#", _normal(text)))
    return re.sub(r"\s+", "", text)


def _roman_word(word: str) -> bool:
    return (word.islower() or word.isupper()) and _roman(word) is not None


def _key_pages(keys: list[dict[int, str]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for page in keys:
        for key in set(page.values()):
            counts[key] += 1
    return counts


def _roman(text: str) -> int | None:
    upper = text.upper()
    if not _ROMAN.fullmatch(upper):
        return None
    values = [_ROMAN_VALUES[ch] for ch in upper]
    total = sum(-v if v < w else v for v, w in zip(values, values[1:] + [0]))
    return total if 0 < total < 100 else None


def _value(match: re.Match) -> tuple[int, str] | None:
    groups = match.groupdict()
    if groups.get("r"):
        value = _roman(groups["r"])
        return (value, "upper" if groups["r"].isupper() else "lower") if value else None
    if groups["n"].startswith("0"):
        return None  # "03": a chapter number printed large on its opener, never a folio
    value = int(groups["n"])
    if value < 1 or (groups.get("t") and value > int(groups["t"])):
        return None
    return value, "arabic"


def _parse(text: str) -> tuple[int, str, bool] | None:
    """(value, style, strong) of the folio a line prints, whole or at one end of a footer, else None."""
    text = _normal(text)
    if not _WORTH.search(text):
        return None  # most band lines are running heads in Chinese: no regex to try
    for pattern in _STRONG:
        match = pattern.fullmatch(text)
        if match and (found := _value(match)):
            return (*found, True)
    for pattern in _AT_END:
        match = pattern.search(text)
        # "©2020 某某研究院 17": text, a separator, the number; "Appendix" does not end in page ix.
        if match and text[: match.start()].strip(_SEPARATORS) and (
            text[match.start() - 1] in _SEPARATORS or text[match.start()] in "第共Pp"
        ) and (found := _value(match)):
            return (*found, False)
    for pattern in _AT_START:
        match = pattern.match(text)
        # "17 某某大学学报", but not "2024年度质量报告".
        rest = text[match.end():] if match else ""
        if match and rest.strip(_SEPARATORS) and (rest[0] in _SEPARATORS or text[match.end() - 1] == "页") and (
            found := _value(match)
        ):
            return (*found, False)
    return None


def _candidates(page: PageLines, band: tuple[list[int], list[int]], keys: dict[int, str],
                repeated: dict[str, int]) -> list[_Candidate]:
    top, bottom = band
    found = []
    for rank, i in enumerate(bottom + top):  # footer first: headers more often hold other figures
        parsed = _parse(page.lines[i].text)
        # Text with a number at its end counts only as a footer repeated on other pages, never a contents line.
        if parsed and (parsed[2] or repeated[keys[i]] >= 2):
            found.append(_Candidate(i, parsed[0], parsed[1], parsed[2], rank))
    return found


def _confirmed(candidates: list[list[_Candidate]], keys: list[dict[int, str]]) -> list[_Candidate | None]:
    """Per page, the candidate whose offset from the PDF index a nearby page shares (the most such pages)."""
    pages_of: dict[tuple[str, int], list[int]] = defaultdict(list)
    for index, found in enumerate(candidates):
        for offset in {(c.style, c.value - index) for c in found}:
            pages_of[offset].append(index)

    def support(index: int, c: _Candidate) -> int:
        at = pages_of[(c.style, c.value - index)]
        return bisect.bisect_right(at, index + _WINDOW) - bisect.bisect_left(at, index - _WINDOW) - 1

    confirmed: list[_Candidate | None] = []
    for index, found in enumerate(candidates):
        scored = [(support(index, c), c.strong, -c.rank, c) for c in found]
        best = max(scored, key=lambda s: s[:3], default=None)
        single = len(candidates) == 1 and best is not None and best[1]  # a one-page excerpt: nothing to agree with
        confirmed.append(best[3] if best and (best[0] >= 1 or single) else None)
    return _lone(candidates, confirmed, keys)


def _lone(candidates: list[list[_Candidate]], confirmed: list[_Candidate | None],
          keys: list[dict[int, str]]) -> list[_Candidate | None]:
    """A number alone before a jump (55, then 71, 72) is a folio when printed like the confirmed ones around it
    and in order with them: after the run before it, before the run after it (so a cover's "2024" is not)."""
    known = [i for i, c in enumerate(confirmed) if c is not None]
    forms = {keys[i][confirmed[i].line] for i in known}
    out = list(confirmed)
    before = None  # the last page with a folio, lone ones included
    for index, found in enumerate(candidates):
        if confirmed[index] is not None:
            before = index
            continue
        at = bisect.bisect_right(known, index)
        if at == len(known):
            break  # after the last run a lone number would be continued by nothing
        after, nxt = known[at], confirmed[known[at]]
        prev = out[before] if before is not None else None
        for c in found:
            alike = c.strong and c.style == nxt.style == "arabic" and keys[index][c.line] in forms
            # An excerpt may print chapter openers out of order (55, 93, 117, then 70, 71): a bare number printed
            # like the folios counts even above the next run, unless it reads as a year (a cover's 2024).
            below_next = c.value <= nxt.value - (after - index) or (index > 0 and not 1900 <= c.value <= 2100)
            above_prev = prev is None or (prev.style == "arabic" and c.value >= prev.value + index - before)
            if alike and below_next and above_prev:
                out[index], before = c, index
                break
    return out


def _to_roman(value: int, style: str) -> str:
    digits = [(90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for amount, letters in digits:
        while value >= amount:
            out, value = out + letters, value - amount
    return out.lower() if style == "lower" else out


def _folio(value: int, style: str) -> Folio:
    if value < 1 or (style != "arabic" and value >= 100):
        return Folio(None, "")
    return Folio(value, str(value)) if style == "arabic" else Folio(None, _to_roman(value, style))


def _from_label(label: str) -> Folio:
    label = label.strip()
    return Folio(int(label) if label.isascii() and label.isdigit() else None, label)


def _folios(printed: list[_Candidate | None], labels: Sequence[str] | None, n: int) -> list[Folio]:
    known = [i for i, c in enumerate(printed) if c is not None]
    if len(known) < max(1, n * _ENOUGH):  # no usable printed numbers: the PDF's labels, else its index
        return [_from_label(labels[i]) if labels and labels[i].strip() else Folio(i + 1, str(i + 1)) for i in range(n)]
    shown = {i: _folio(printed[i].value, printed[i].style) for i in known}
    # The labels are trusted where nothing is printed when they agree with the printed numbers; when they
    # disagree the printed number wins (it is what the reader finds on paper).
    agree = sum(labels[i].strip().lower() == shown[i].label.lower() for i in known) if labels is not None else 0
    trusted = labels is not None and 2 * agree >= len(known)
    folios = []
    for i in range(n):
        if i in shown:
            folios.append(shown[i])
            continue
        before = _nearest_before(known, i)
        anchor = printed[before] if before is not None else printed[known[0]]
        implied = _folio(anchor.value + i - (before if before is not None else known[0]), anchor.style)
        label = labels[i].strip() if labels else ""
        if label and (trusted or (not implied.label and not label.isdigit())):
            folios.append(_from_label(label))  # an unnumbered page the PDF names ("i", "封面"), or trusted labels
        else:
            folios.append(implied)  # a chapter opener continues the run; a cover before page 1 stays unnamed
    return folios


def _nearest_before(known: list[int], index: int) -> int | None:
    at = bisect.bisect_left(known, index)
    return known[at - 1] if at else None


def _edge_distance(page: PageLines, i: int, side: str) -> float:
    """How far a band line sits from its edge: comparable between an A4 page and a landscape one."""
    line = page.lines[i]
    return line.top if side == "top" else page.height - line.bottom


def _drop(pages: Sequence[PageLines], bands: list[tuple[list[int], list[int]]], keys: list[dict[int, str]],
          printed: list[_Candidate | None], candidates: list[list[_Candidate]]) -> list[frozenset[int]]:
    """Folio lines, and band lines repeated at the same height on several pages (running heads and footers)."""
    # Two pages suffice in a short document; a long one needs three, so a heading that happens to open
    # two pages is not taken for a running head.
    repeats = 2 if len(pages) <= 5 else 3
    placed = [[(side, i, key[i], _edge_distance(page, i, side)) for side, band in zip(("top", "bottom"), bands[n])
               for i in band if key[i]] for n, (page, key) in enumerate(zip(pages, keys))]
    heights: dict[tuple[str, str], list[float]] = defaultdict(list)
    for lines in placed:
        for side, _, key, y in lines:
            heights[(side, key)].append(y)
    for values in heights.values():
        values.sort()

    def near(values: list[float], y: float, page: PageLines) -> int:
        """How many of the sorted heights lie at y (a running line moves by a point or two between pages)."""
        tolerance = max(page.height * _SAME_PLACE, 1.0)
        return bisect.bisect_right(values, y + tolerance) - bisect.bisect_left(values, y - tolerance)

    drop: list[set[int]] = []
    slots: dict[str, list[float]] = {"top": [], "bottom": []}
    for page, lines, chosen, found in zip(pages, placed, printed, candidates):
        dropped = set()
        if chosen is not None:  # the folio, and the same number printed again on the page
            same = (chosen.value, chosen.style)
            dropped |= {c.line for c in found if c.line == chosen.line or (c.strong and (c.value, c.style) == same)}
        for side, i, key, y in lines:
            if near(heights[(side, key)], y, page) >= repeats:
                dropped.add(i)
                slots[side].append(y)
        drop.append(dropped)
    for values in slots.values():
        values.sort()
    # Alternating running heads: a chapter's title printed on its even pages only may repeat just twice, but
    # it sits where the other running heads sit.
    for page, lines, dropped in zip(pages, placed, drop):
        for side, i, key, y in lines:
            if i not in dropped and near(heights[(side, key)], y, page) >= 2 and near(slots[side], y, page) >= repeats:
                dropped.add(i)
    return [frozenset(d) for d in drop]
