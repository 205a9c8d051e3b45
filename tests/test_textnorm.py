"""Spaces in numbers and Chinese sentence ends."""
from rag.text.normalize import clean_title, for_search, split_sentences, squeeze_spaces


def test_spaces_inside_numbers_are_removed_for_search():
    assert squeeze_spaces("产品升级 1 200 余家") == "产品升级1200余家"
    assert squeeze_spaces("技术难题 1 369 项") == "技术难题1369项"
    assert squeeze_spaces("近 6 亿元") == "近6亿元"
    assert squeeze_spaces("3.5 万个岗位") == "3.5万个岗位"
    assert for_search("1 200余家") == for_search("1200余家") == for_search("1,200余家")


def test_unrelated_numbers_and_english_keep_their_spaces():
    assert squeeze_spaces("in 2024 there were 18 majors") == "in 2024 there were 18 majors"
    assert squeeze_spaces("12 34") == "12 34"  # not a thousands group


def test_sentences_split_only_at_chinese_ends():
    text = "培训在岗人员3.5万人次。毕业生留在当地就业率超40%；e.g. 这不是句末！最后一句没有句号"
    assert split_sentences(text) == ["培训在岗人员3.5万人次。", "毕业生留在当地就业率超40%；", "e.g. 这不是句末！", "最后一句没有句号"]


def test_closing_quote_stays_with_its_sentence():
    assert split_sentences("他说：“好。”然后走了。") == ["他说：“好。”", "然后走了。"]


def test_titles_lose_decorations_and_conversion_spaces():
    assert clean_title("### ◎ 二、特色做法") == "二、特色做法"
    assert clean_title("## 常州：新能源产教联合体的 “破壁·共生·赋能”") == "常州：新能源产教联合体的“破壁·共生·赋能”"
    assert clean_title("## ▶ 第三章 “一体两翼”的探索与实践") == "第三章 “一体两翼”的探索与实践"
