"""A right figure given under the wrong row or column of its table: caught sentence by sentence."""
from __future__ import annotations

from rag.ingest.table import Cell, label_key as _key
from rag.text.figures import Figure, same_figure


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
