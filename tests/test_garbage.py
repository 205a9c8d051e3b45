"""Garbage text layers are recognised (random rare characters, private-use glyphs, mojibake, "(cid:N)"); real
Chinese, simplified or traditional, is not; Wingdings bullets are removed."""
from __future__ import annotations

import random
from pathlib import Path

import pdfplumber
import pytest

from helpers import REPORT_FILE
from rag.text.garbage import GARBAGE_SHARE, garbage_share, is_garbage, strip_private_use

DOCUMENTS = Path(__file__).parent / "documents"
REAL = REPORT_FILE.read_text(encoding="utf-8")


def pages(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def test_real_chinese_scores_zero():
    assert garbage_share(REAL) == 0.0 and not is_garbage(REAL)
    assert garbage_share("") == 0.0 and garbage_share(" \n") == 0.0


@pytest.mark.parametrize("pdf", sorted(DOCUMENTS.glob("*/*.pdf")), ids=lambda p: p.parent.name)
def test_every_page_of_the_test_pdfs_is_text(pdf):
    for text in pages(pdf):
        assert garbage_share(text) < GARBAGE_SHARE / 2, text[:200]
        assert garbage_share(strip_private_use(text)) < 0.01, text[:200]


def test_traditional_chinese_is_text_though_outside_gb2312():
    text = "".join(pages(DOCUMENTS / "traditional" / "energy-saving-handbook.pdf"))
    outside = {ch for ch in text if "\u4e00" <= ch <= "\u9fff" and not ch.encode("gb2312", "ignore")}
    assert len(outside) >= 20  # 節 與 環 … : a check on GB2312 alone would call it garbage
    assert garbage_share(text) < 0.01


@pytest.mark.parametrize("first", [0x4E00, 0x3400])
def test_random_cjk_characters_are_garbage(first):
    rng = random.Random(first)
    noise = "".join(chr(rng.randint(first, 0x9FFF)) for _ in range(2000))
    assert garbage_share(noise) > 0.5 and is_garbage(noise)


def test_private_use_glyphs_mojibake_and_unmapped_glyphs_are_garbage():
    rng = random.Random(1)
    pua = "".join(rng.choice("\uf06c\uf0b7\ue001\ue2a5") if rng.random() < 0.5 else ch for ch in REAL[:2000])
    assert 0.4 < garbage_share(pua) < 0.6 and is_garbage(pua)
    assert is_garbage(REAL[:2000].encode("gbk", "replace").decode("latin-1"))  # GBK bytes read as Latin-1
    assert is_garbage(REAL[:2000].encode("utf-8").decode("gbk", "replace"))
    assert is_garbage("(cid:1234)(cid:567) (cid:89)报告") and is_garbage("\ufffd\ufffd报告\ufffd")
    assert is_garbage("\x01\x02\x03报告")


def test_a_few_bullets_are_not_garbage_and_are_removed():
    slide = pages(DOCUMENTS / "slides" / "annual-report-briefing.pdf")[1]
    assert "\uf06c" in slide and 0 < garbage_share(slide) < GARBAGE_SHARE
    stripped = strip_private_use(slide)
    assert garbage_share(stripped) == 0.0 and "\n\n" not in stripped
    assert stripped.splitlines() == [line for line in slide.splitlines() if line not in ("\uf06c", "\uf0a7")]


@pytest.mark.parametrize("text,clean", [
    ("\uf06c 项目一\n\uf0b7\t项目二", "项目一\n项目二"),
    ("项目 \uf0d8 内容", "项目 内容"),
    ("项目\uf0d8内容", "项目内容"),
    ("内容\uf0b7\n下一行", "内容\n下一行"),
    ("甲\n\uf06c\n乙", "甲\n乙"),
    ("• 普通项目 · 中点", "• 普通项目 · 中点"),
])
def test_strip_private_use(text, clean):
    assert strip_private_use(text) == clean
