"""Table cells in passages: a figure's row and column, to catch a right figure given under the wrong one."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.figures import Figure, extract_figures, same_figure
from rag.text.normalize import for_search

# A table row as the chunker writes it (rag.ingest.table.row_text): 营业收入：2024年 1,234.5万元，2023年 1,100.2万元。
_ROW = re.compile(r"^(?P<label>[^：\n]{1,40})：(?P<cells>[^\n]+?)。?$", re.M)
_CELL = re.compile(r"^(?P<name>\S.*?)\s+(?P<value>[-+−]?[\d.,，%]+\S*)$")
_UNIT = re.compile(r"[（(][^）)]*[）)]")


@dataclass(frozen=True)
class Cell:
    row: str  # the row's label as printed
    column: str  # the column's name ("" when the row prints bare values)
    figure: Figure
    line: int  # which row line of the passage


def _key(text: str) -> str:
    """A label as compared: unit brackets, quotes and spaces out (“双师型”教师比例（%） is 双师型教师比例)."""
    return re.sub(r"[\s“”\"'‘’《》]", "", for_search(_UNIT.sub("", text)))


def cells(text: str) -> list[Cell]:
    """The named cells of the passage's table-row lines; lines of running text give none."""
    out: list[Cell] = []
    for line, row in enumerate(_ROW.finditer(text)):
        for part in row.group("cells").split("，"):
            named = _CELL.match(part.strip())
            if named is None:
                continue
            figures = extract_figures(named.group("value"), include_all=True)
            if figures:
                out.append(Cell(row.group("label").strip(), named.group("name").strip(), figures[0], line))
    return out


def _says(text: str, label: str) -> bool:
    key = _key(label)
    return len(key) >= 2 and key in text


def misplaced(figure: Figure, said: str, table: list[Cell]) -> bool:
    """Whether the figure is stated under a row or column other than the one it is printed in: the sentence (or,
    for a bare figure, the question) names another column of its row and not its own (2023年 asked, the 2024年 cell
    given — measured on the generated slide deck), or another row of its table and not its own."""
    where = [c for c in table if same_figure(figure, c.figure)]
    if len(where) != 1:
        return False  # not a table figure, or printed in two cells: nothing to decide between
    cell, said = where[0], _key(said)
    columns = {c.column for c in table if c.line == cell.line and c.column}
    rows = {c.row for c in table}
    return _names_other(said, cell.column, columns) or _names_other(said, cell.row, rows)


def _names_other(said: str, own: str, labels: set[str]) -> bool:
    """Exactly one of the labels named, and not the figure's own (a label inside the own one does not count):
    naming two (2024年比2023年增加了多少) is a comparison, not a claim about one cell."""
    if not own or _says(said, own):
        return False
    named = [label for label in labels if _says(said, label) and _key(label) not in _key(own)]
    return len(named) == 1
