"""Printed page numbers and running lines, decided from line positions across the pages of a document."""
from __future__ import annotations

import pytest

from rag.ingest.folios import Folio, PageLine, PageLines, furniture

A4 = 842.0


def page(body=("正文第一行", "正文第二行"), head=(), foot=(), height=A4, head_at=30.0) -> PageLines:
    """A page: header lines from `head_at`, body in the middle, footer lines ending at the bottom margin."""
    lines = [PageLine(text, head_at + 14 * n, head_at + 14 * n + 10) for n, text in enumerate(head)]
    lines += [PageLine(text, 300 + 20 * n, 312 + 20 * n) for n, text in enumerate(body)]
    first = height - 42 - 14 * (len(foot) - 1)
    lines += [PageLine(text, first + 14 * n, first + 14 * n + 10) for n, text in enumerate(foot)]
    return PageLines(tuple(lines), height)


def texts(doc: list[PageLines], drop) -> list[list[str]]:
    """What is left of each page once the furniture is dropped."""
    return [[line.text for i, line in enumerate(p.lines) if i not in d] for p, d in zip(doc, drop)]


def numbers(result) -> list[int | None]:
    return [f.number for f in result.folios]


def labels(result) -> list[str]:
    return [f.label for f in result.folios]


FORMS = [
    "{n}", "- {n} -", "— {n} —", "第 {n} 页", "第 {n} 页 共 40 页", "第{n}页/共40页", "{n} / 40", "{n}/40",
    "©2020 某某研究院 www.example.com {n}", "{n} 某某大学学报", "Page {n} of 40", "P{n}", "某某学院 | {n}",
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("where", ["foot", "head"])
def test_every_printed_form_is_read_and_dropped(form, where):
    doc = [page(**{where: (form.format(n=n),)}) for n in range(17, 23)]
    result = furniture(doc)
    assert numbers(result) == list(range(17, 23)) and labels(result) == [str(n) for n in range(17, 23)]
    assert texts(doc, result.drop) == [["正文第一行", "正文第二行"]] * 6


def test_full_width_digits():
    doc = [page(foot=(f"－{str(n).translate(str.maketrans('0123456789', '０１２３４５６７８９'))}－",)) for n in range(17, 21)]
    assert labels(furniture(doc)) == ["17", "18", "19", "20"]


def test_white_paper_of_forty_pages_with_cover_and_contents_unnumbered():
    doc = [page(body=("某某白皮书",)), page(body=("目录", "一、总体情况 ...... 1", "二、发展 ...... 5"), foot=("三、展望 ...... 9",))]
    doc += [page(foot=(f"{n} / 38",)) for n in range(1, 39)]
    result = furniture(doc)
    assert result.folios[7] == Folio(6, "6")  # "6 / 26" printed on PDF page 8 is cited 6
    assert result.folios[:3] == (Folio(None, ""), Folio(None, ""), Folio(1, "1"))
    assert numbers(result)[2:] == list(range(1, 39))
    assert texts(doc, result.drop)[1][-1] == "三、展望 ...... 9"  # a contents line is kept
    assert all(d == {len(p.lines) - 1} for p, d in zip(doc[2:], result.drop[2:]))


def test_labels_name_the_unnumbered_pages_when_they_agree_and_lose_when_they_disagree():
    doc = [page(), page()] + [page(foot=(f"第 {n} 页",)) for n in range(1, 9)]
    agreeing = ["封面", "目录"] + [str(n) for n in range(1, 9)]
    assert labels(furniture(doc, agreeing))[:3] == ["封面", "目录", "1"]
    assert furniture(doc, agreeing).folios[0] == Folio(None, "封面")
    # /PageLabels that merely count PDF pages: the printed number wins, the cover stays unnamed.
    counting = [str(n) for n in range(1, 11)]
    assert numbers(furniture(doc, counting)) == [None, None, *range(1, 9)]
    assert labels(furniture(doc, counting))[:2] == ["", ""]
    assert furniture(doc, None).folios == furniture(doc, counting).folios
    # A roman label names a page without a number: number None.
    assert furniture(doc, ["i", "ii"] + counting[2:]).folios[:2] == (Folio(None, "i"), Folio(None, "ii"))


def test_trusted_labels_settle_a_jump_the_run_cannot():
    doc = [page(foot=("55",)), page(foot=("56",)), page(), page(foot=("71",)), page(foot=("72",))]
    assert numbers(furniture(doc)) == [55, 56, 57, 71, 72]  # the gap continues the run before it
    assert numbers(furniture(doc, ["55", "56", "70", "71", "72"])) == [55, 56, 70, 71, 72]


def test_without_printed_numbers_the_labels_else_the_index():
    doc = [page(foot=("某某学院",)) for _ in range(4)]
    assert labels(furniture(doc)) == ["1", "2", "3", "4"] and numbers(furniture(doc)) == [1, 2, 3, 4]
    assert furniture(doc, ["i", "ii", "1", "2"]).folios == (Folio(None, "i"), Folio(None, "ii"), Folio(1, "1"), Folio(2, "2"))
    assert numbers(furniture(doc, ["1", "2"])) == [1, 2, 3, 4]  # labels not one a page are ignored


def test_a_footer_year_is_never_a_page_number():
    doc = [page(foot=("某某职业技术学院 · 2024", str(n))) for n in range(3, 13)]
    result = furniture(doc)
    assert numbers(result) == list(range(3, 13))
    assert texts(doc, result.drop) == [["正文第一行", "正文第二行"]] * 10
    alone = [page(foot=("2024",)) for _ in range(6)]
    assert numbers(furniture(alone)) == [1, 2, 3, 4, 5, 6]
    covers = [page(body=("某某质量报告",), foot=("2024",))] + [page(foot=(str(n),)) for n in range(1, 7)]
    covers += [page(body=("封底",), foot=("2024",))]
    assert labels(furniture(covers)) == ["", "1", "2", "3", "4", "5", "6", "7"]


def test_figures_in_the_header_and_numbers_mid_page_are_not_page_numbers():
    doc = [page(head=("2024年度质量报告", "88"), body=("正文", str(n + 100)), foot=(str(n),)) for n in range(1, 9)]
    result = furniture(doc)
    assert numbers(result) == list(range(1, 9))
    assert texts(doc, result.drop)[0] == ["正文", "101"]  # the repeated header figure goes, the body number stays
    middle = [page(body=("正文", str(n))) for n in range(10, 18)]  # counts up with the pages, but mid-page
    assert numbers(furniture(middle)) == list(range(1, 9)) and not any(furniture(middle).drop)


def test_chapter_openers_and_covers_get_the_number_their_place_implies():
    doc = [page(body=("书名",))] + [page(foot=(str(n),)) for n in range(2, 6)] + [page(body=("第二章",))]
    doc += [page(foot=(str(n),)) for n in range(7, 10)] + [page(body=("封底",))]
    assert numbers(furniture(doc)) == list(range(1, 11))


def test_a_single_page_excerpt_keeps_its_number():
    assert furniture([page(foot=("第 3 页 共 5 页",))]).folios == (Folio(3, "3"),)
    assert furniture([page(foot=("某某学院 2024",))]).folios == (Folio(1, "1"),)
    assert furniture([]).folios == () and furniture([]).drop == ()


def test_roman_front_matter_then_arabic_from_37():
    roman = ["i", "ii", "iii", "iv", "v", "vi"]
    doc = [page(body=("书名",))] + [page(foot=(r,)) for r in roman[:3]] + [page()] + [page(foot=(r,)) for r in roman[4:]]
    doc += [page(foot=(str(n),)) for n in range(37, 45)]
    result = furniture(doc)
    assert labels(result) == ["", *roman, *map(str, range(37, 45))]  # the blank page between iii and v is iv
    assert numbers(result) == [None] * 7 + list(range(37, 45))
    assert texts(doc, result.drop)[2] == ["正文第一行", "正文第二行"]
    upper = [page(foot=(r,)) for r in ("I", "II", "III")] + [page(foot=(str(n),)) for n in range(1, 4)]
    assert furniture(upper).folios[:4] == (Folio(None, "I"), Folio(None, "II"), Folio(None, "III"), Folio(1, "1"))


def test_roman_numbers_at_the_end_of_a_running_footer():
    doc = [page(foot=(f"某某质量报告 | {r}",)) for r in ("i", "ii", "iii")] + [page(foot=(f"某某质量报告 | {n}",)) for n in (1, 2, 3)]
    result = furniture(doc)
    assert labels(result) == ["i", "ii", "iii", "1", "2", "3"] and all(d == {2} for d in result.drop)


def test_alternating_running_heads_are_dropped():
    heads = ["第一章 总体情况"] * 6 + ["第二章 产教融合"] * 4  # the second chapter's title shows on two pages only
    doc = [page(head=("某某职业教育质量报告" if n % 2 else heads[n],), body=("正文",), foot=(str(n + 1),)) for n in range(10)]
    result = furniture(doc)
    assert texts(doc, result.drop) == [["正文"]] * 10


def test_a_heading_opening_two_pages_of_a_long_document_stays():
    doc = [page(head=("某某职业教育质量报告",), foot=(str(n),)) for n in range(1, 9)]
    for n in (3, 6):  # a heading at the top of two pages, below where the running head sits
        doc[n] = page(head=("一、案例分析",), foot=(str(n + 1),), head_at=70.0)
    result = furniture(doc)
    assert texts(doc, result.drop)[3] == ["一、案例分析", "正文第一行", "正文第二行"]
    short = [page(head=("一、案例分析",)), page(head=("一、案例分析",)), page()]  # two repeats suffice in a short one
    assert texts(short, furniture(short).drop)[0] == ["正文第一行", "正文第二行"]


def test_running_lines_are_dropped_only_from_the_bands():
    doc = [page(head=("2024年度质量报告",), body=("2024年度质量报告", "正文"), foot=("某某职业技术学院 · 2024",)) for _ in range(4)]
    result = furniture(doc)
    assert texts(doc, result.drop) == [["2024年度质量报告", "正文"]] * 4


def test_only_the_lines_nearest_the_edge_count():
    foot = ("注释一", "注释二", "注释三", str(0))
    doc = [page(foot=foot[:3] + (str(n),)) for n in range(5, 9)]
    result = furniture(doc)
    assert numbers(result) == [5, 6, 7, 8]
    assert all(min(d) == 3 for d in result.drop)  # the first note is the fourth line from the edge: it stays


def test_the_old_text_only_cases():
    # printed_page_numbers of rag/ingest/pdf.py, now with positions: the cover gets the number its place implies.
    doc = [page(body=("封面",)), page(foot=("55",)), page(foot=("56",)), page(foot=("- 57 -",))]
    assert numbers(furniture(doc)) == [54, 55, 56, 57]
    doc = [page(body=("封面",)), page(foot=("55",)), page(head=("03",)), page(foot=("71",)), page(foot=("72",))]
    assert numbers(furniture(doc)) == [54, 55, 56, 71, 72]
    assert numbers(furniture([page(body=(t,)) for t in "abc"])) == [1, 2, 3]
    doc = [page(body=("a",)), page(body=("b",), foot=("12",)), page(body=("c",)), page(body=("d",))]
    assert numbers(furniture(doc)) == [1, 2, 3, 4]  # too few printed numbers
    assert furniture(doc).drop[1] == frozenset()  # an unconfirmed number is kept, as before


def test_pages_without_geometry_use_their_first_and_last_lines():
    body = [PageLine("正文" + chr(0x4E00 + 7 * n), 0, 0) for n in range(40)]  # no digits: each line its own
    doc = [PageLines((PageLine("报告", 0, 0), *body[4 * n:4 * n + 3], PageLine(str(n), 0, 0)), 0.0) for n in range(4, 8)]
    result = furniture(doc)
    assert numbers(result) == [4, 5, 6, 7] and all(d == {0, len(p.lines) - 1} for p, d in zip(doc, result.drop))


def test_a_landscape_page_keeps_its_footer_and_running_head_in_the_same_place():
    doc = [page(head=("某某质量报告",), foot=(str(n),), height=595.0 if n == 4 else A4) for n in range(1, 9)]
    result = furniture(doc)
    assert numbers(result) == list(range(1, 9)) and texts(doc, result.drop)[3] == ["正文第一行", "正文第二行"]
