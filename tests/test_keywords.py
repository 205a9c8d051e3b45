"""Keyword tokens: jieba words plus whole figures, identical for passages and questions."""
from rag.text.keywords import tokens


def test_chinese_is_segmented_into_words():
    words = tokens("常州联合体每年的日常运行经费是多少？")
    assert {"常州", "联合体", "日常", "运行", "经费"} <= set(words)
    assert "多少" not in words and "的" not in words  # question words say nothing about the passage


def test_figures_are_single_tokens_whatever_their_spacing():
    assert "1200" in tokens("产品升级 1 200 余家") and "1200" in tokens("1200余家")
    assert {"3.5万", "35000"} <= set(tokens("3.5 万人次"))
    assert "35000" in tokens("35,000 person-times")
    assert "40%" in tokens("就业率超40%") and {"6亿", "600000000"} <= set(tokens("近 6 亿元"))


def test_a_scaled_figure_also_gives_the_unit_word_a_question_asks_with():
    """多少万元 / 多少万件 are asked with 万元 / 万件; the printed 3,465萬元 and 3524.70万件 give them too."""
    assert "万元" in tokens("编列多少萬元") and "万元" in tokens("新臺幣3,465萬元，預計")
    assert {"万件", "3524.70万"} <= set(tokens("快递业务量3524.70万件"))
    assert "万学生" not in tokens("共3.5万，学生") and "万人次" in tokens("3.5万人次")
