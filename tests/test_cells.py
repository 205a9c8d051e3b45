"""A right figure under the wrong row or column of a table is caught, on a table the real parser read."""
import pytest

from rag.answer.cells import misplaced
from rag.ingest.table import cells
from rag.answer.grounding import Citer
from rag.text.figures import extract_figures
from test_pdf_documents import passages


@pytest.fixture(scope="module")
def indicators():
    """The generated slide deck's 主要办学指标对比 table: rows of 2023年 / 2024年 / 增减 values."""
    _, ps = passages("slides")
    return next(p for p in ps if p.kind == "table" and "双师型" in p.text)


def _figure(text: str):
    return next(f for f in extract_figures(text, include_all=True) if f.kind == "quantity")


def test_cells_name_their_row_and_column(indicators):
    found = {(c.row, c.column, str(c.figure.value)) for c in cells(indicators.text)}
    assert ("“双师型”教师比例（%）", "2023年", "67.4") in found and ("“双师型”教师比例（%）", "2024年", "71.2") in found
    assert cells("调查显示，制造业企业中开展数字化改造的比例已达到63.8%。") == []  # running text has no cells


def test_a_figure_from_another_column_or_row_is_misplaced(indicators):
    table = cells(indicators.text)
    asked = "2023年“双师型”教师比例是多少？"
    assert misplaced(_figure("71.2%"), "71.2%" + asked, table)  # 2024年's cell for 2023年
    assert misplaced(_figure("2023年比例是71.2%"), "2023年“双师型”教师比例是71.2%", table)
    assert not misplaced(_figure("67.4%"), "2023年“双师型”教师比例是67.4%" + asked, table)
    assert misplaced(_figure("生师比为71.2%"), "生师比为71.2%", table)  # another row's label
    # Naming two columns is a comparison, not a claim about one cell; an unnamed column is not judged.
    assert not misplaced(_figure("增加了1.31%"), "增加了1.31%2024年毕业去向落实率比2023年增加了多少？", table)
    assert not misplaced(_figure("增加了1.31%"), "增加了1.31%毕业去向落实率比上年增加了多少？", table)


def test_the_citer_drops_the_wrong_cell_and_keeps_the_right_one(indicators):
    citer = Citer([indicators], "2023年“双师型”教师比例是多少？")
    assert citer.check("2023年“双师型”教师比例是71.2%[1]。") is None
    assert citer.check("2023年“双师型”教师比例是67.4%[1]。") == "2023年“双师型”教师比例是67.4%[1]。"
