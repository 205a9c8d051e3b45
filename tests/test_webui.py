"""The web chat's own functions on the real index: source cards, highlighting, filters, examples, handlers."""
from __future__ import annotations

import json
import re

import pytest

from rag import Answer, Passage
from rag.serve import webui
from rag.text.figures import extract_figures

FUNDS = "常州联合体每年的日常运行经费是多少？"


def hit(report, query: str, needle: str) -> Passage:
    """The passage of the real index that states `needle` (found by search, not by position)."""
    return next(p for p in report.search(query, k=10) if needle in p.text)


def test_highlight_marks_the_quoted_figure_and_not_its_neighbour(report):
    passage = hit(report, FUNDS, "200万元日常运行经费")
    html = webui.highlight(passage.text, extract_figures("日常运行经费是200万元[1]。"))
    assert "<mark>200万元</mark>日常运行经费" in html
    assert "<mark>2000万元</mark>" not in html and html.count("<mark>") == 1


def test_highlight_matches_spacing_and_notation_variants(report):
    passage = hit(report, "服务了多少家新能源企业", "1 200 余家")
    html = webui.highlight(passage.text, extract_figures("服务企业1200余家，解决难题一千三百六十九项"))
    assert "<mark>1 200 余家</mark>" in html
    assert "<mark>1 369 项</mark>" in html


def test_highlight_prefers_the_same_unit(report):
    passage = hit(report, "累计培训在岗人员多少人次", "3.5 万人次")
    html = webui.highlight(passage.text, extract_figures("累计培训在岗人员3.5万人次[1]。"))
    assert "<mark>3.5 万人次</mark>" in html
    assert "<mark>3.5 万个" not in html  # 3.5万个岗位需求 is another fact with the same number


def test_highlight_escapes_the_passage_before_marking():
    html = webui.highlight('<script>alert(1)</script> 经费200万元 & "更多"', extract_figures("200万元"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>200万元</mark>" in html and "&amp;" in html


def test_answer_text_is_escaped_and_each_citation_becomes_its_badge():
    html = webui.format_answer_text("经费是200万元[1]，另有<b>2000万元</b>[2]。")
    assert '<span class="cite">[1]</span>' in html and '<span class="cite">[2]</span>' in html
    assert "<b>" not in html and "&lt;b&gt;" in html


def test_source_card_shows_citation_marked_text_and_the_whole_section(report):
    passage = hit(report, FUNDS, "200万元日常运行经费")
    answer = Answer(text="常州联合体每年的日常运行经费是200万元[1]。", citations=[passage], found=True, backend="local", question=FUNDS)
    html = webui.source_cards(answer, report.passages())
    card = re.search(r'<div class="source-card" id="source-1">.*', html).group(0)
    assert '<span class="cite">[1]</span>' in card
    assert "常州：新能源产教联合体" in card and "第71页起" in card and "二、特色做法" in card
    assert "<mark>200万元</mark>" in card
    section = webui.section_passages(passage, report.passages())
    assert len(section) >= 2 and passage.id in [p.id for p in section]
    assert {(p.case, p.section) for p in section} == {(passage.case, passage.section)}
    assert [p.ordinal for p in section] == sorted(p.ordinal for p in section)
    assert f"查看整节（{len(section)} 段）" in card
    whole = card.split("查看整节", 1)[1]
    for p in section:  # every paragraph of the section, in order, the cited one set apart
        assert webui.highlight(p.text, []).split("<mark>")[0][:20] in whole
    assert whole.count('class="cited"') == 1


def test_commentary_section_is_the_commentary_not_the_case_body(report):
    commentary = next(p for p in report.passages() if p.kind == "commentary" and p.case.startswith("常州"))
    section = webui.section_passages(commentary, report.passages())
    assert all(p.kind == "commentary" and p.speaker == commentary.speaker for p in section)


def test_cards_numbering_follows_the_answer(report):
    first = hit(report, FUNDS, "200万元日常运行经费")
    second = hit(report, "累计培训在岗人员多少人次", "3.5 万人次")
    answer = Answer(text="经费200万元[1]，培训3.5万人次[2]。", citations=[first, second], found=True, backend="local")
    html = webui.source_cards(answer, report.passages())
    assert html.index('id="source-1"') < html.index('id="source-2"')
    assert html.split('id="source-2"')[1].count("<mark>3.5 万人次</mark>") >= 1
    assert "来源（2 条）" in html


def test_not_covered_answer_says_so_plainly():
    answer = Answer(text="已索引的报告内容中没有找到能回答这个问题的信息，无法给出答案（不作推测）。", citations=[], found=False, backend="extractive")
    assert webui.NOT_COVERED_LABEL in webui.chat_message(answer)
    assert "报告未涉及" in webui.source_cards(answer, [])
    assert "来源（" not in webui.chat_message(answer)


def test_message_names_the_backend_and_the_fallback_notice(report):
    passage = hit(report, FUNDS, "200万元日常运行经费")
    answer = Answer(text="报告原文：……200万元……[1]。", citations=[passage], found=True, backend="extractive",
                    notice="本地模型不可用（model file not found），改用摘录式回答。")
    message = webui.chat_message(answer)
    assert "回答方式：原文摘录" in message and "本地模型不可用" in message
    assert "第71页起" in message and webui.NOT_COVERED_LABEL not in message
    assert webui.backend_line(Answer(text="…", citations=[], found=True, backend="local")) == "回答方式：本地模型"


def test_filter_choices_come_from_the_indexed_headings(report):
    passages = report.passages()
    chapters = webui.chapter_choices(passages)
    assert chapters[0] == ("全部章节", webui.ALL)
    assert ("第三章 “一体两翼”的探索与实践", "第三章") in chapters
    assert all(value != "第四章" for _, value in chapters)  # only its table of contents is indexed
    cases = dict((value, label) for label, value in webui.case_choices(passages))
    assert any(c.startswith("常州：") for c in cases) and any(c.startswith("晋江：") for c in cases)
    assert not any(c.startswith("山东：") for c in cases)  # a contents line, no text
    assert webui.case_choices(passages, "第四章") == [("全部案例", webui.ALL)]


def test_each_filter_value_restricts_the_search_to_it(report):
    for _, case in webui.case_choices(report.passages())[1:]:
        assert {p.case for p in report.search("经费和培训", k=3, case=case)} == {case}
    for _, chapter in webui.chapter_choices(report.passages())[1:]:
        assert {p.chapter_number for p in report.search("经费", k=3, chapter=chapter)} == {chapter}


def test_example_questions_are_drawn_from_indexed_cases(report):
    cases = [value for _, value in webui.case_choices(report.passages())[1:]]
    examples = webui.example_questions(cases)
    assert len(examples) == 5 and any(q.isascii() for q in examples)  # one in English
    for question in examples:
        assert report.search(question, k=1)[0].case.startswith("常州")
    other = webui.example_questions(["深圳：某某案例", "苏州：另一案例"])
    assert other == ["「深圳」案例有哪些主要做法和成效？", "「苏州」案例有哪些主要做法和成效？"]


# -- the page's handlers, run without a server -------------------------------------------------


@pytest.fixture
def chat(report, tmp_path):
    from rag.serve.webapp import ChatApp

    return ChatApp(report, "extractive", tmp_path / "feedback.jsonl")


def answer_turn(chat, turns, text, chapter="", case=""):
    _, turns, _ = chat.add_question(text, turns)
    outputs = list(chat.respond(turns, chapter, case))
    return turns, outputs[-1]


def test_respond_streams_then_shows_the_final_answer_sources_and_backend(chat):
    turns, (messages, sources, backend, shown, _) = answer_turn(chat, [], FUNDS)
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "200万元" in messages[1]["content"] and '<span class="cite">[1]</span>' in messages[1]["content"]
    assert "第71页起" in sources and "<mark>200万元</mark>" in sources
    assert backend.startswith("回答方式：原文摘录") and shown == 0
    assert turns[0].answer.found and turns[0].answer.text in json.dumps(turns[0].answer.to_dict(), ensure_ascii=False)


def test_follow_up_gets_the_history_and_errors_become_messages(chat):
    turns, _ = answer_turn(chat, [], FUNDS)
    turns, (messages, *_) = answer_turn(chat, turns, "那专项建设经费呢？")
    assert turns[1].history == [(FUNDS, turns[0].answer.text)]
    assert "2000万元" in messages[3]["content"]
    turns, (messages, sources, _, shown, _) = answer_turn(chat, turns, "？？？")
    assert "无法回答" in messages[5]["content"] and "问题为空" in messages[5]["content"]
    assert shown is None and turns[2].answer is None
    assert len(turns[2].history) == 2  # the failed turn is not history for the next one


def test_out_of_scope_and_filters(chat):
    turns, (messages, sources, *_) = answer_turn(chat, [], "浙金院教材建设的“四化”分别指什么？")
    assert webui.NOT_COVERED_LABEL in messages[1]["content"] and "未收入当前索引" in messages[1]["content"]
    assert "报告未涉及" in sources
    jinjiang = next(value for _, value in webui.case_choices(chat.report.passages()) if value.startswith("晋江"))
    turns, _ = answer_turn(chat, [], FUNDS, case=jinjiang)
    assert all(p.case == jinjiang for p in turns[0].answer.citations)


def test_feedback_is_about_the_answer_shown(chat):
    turns, _ = answer_turn(chat, [], FUNDS)
    turns, _ = answer_turn(chat, turns, "常州新能源产教联合体由哪两家单位牵头？")
    assert chat.rate(turns, None, "useful", "") == "还没有可以评价的回答。"
    assert "数字有误" in chat.rate(turns, 0, "wrong_figure", "应为两百万元")
    record = json.loads(chat.feedback_path.read_text(encoding="utf-8"))
    assert record["question"] == FUNDS and record["rating"] == "wrong_figure" and record["comment"] == "应为两百万元"
    assert record["citations"][0]["n"] == 1 and "第71页起" in record["citations"][0]["citation"]


def test_a_second_question_waits_for_the_first(chat):
    _, turns, _ = chat.add_question(FUNDS, [])
    box, same, _ = chat.add_question("那专项建设经费呢？", turns)
    assert same is turns and len(turns) == 1


def test_missing_model_falls_back_to_extraction_with_a_visible_notice(report, tmp_path):
    import dataclasses

    from rag import Report
    from rag.serve.webapp import build_app, warm_up

    settings = dataclasses.replace(report.settings, llm_model_path=str(tmp_path / "missing.gguf"))
    broken = Report(report.settings.corpus_dir, report.settings.index_dir, settings=settings, auto_rebuild=False)
    backend, notice, loaded = warm_up(broken, "local")
    assert backend == "extractive" and "本地模型不可用" in notice and "missing.gguf" in notice
    assert any("原文摘录" in line for line in loaded) and any("个段落" in line for line in loaded)
    config = build_app(broken, tmp_path / "feedback.jsonl", backend, notice).get_config_file()
    banner = next(c["props"] for c in config["components"] if c["props"].get("elem_id") == "notice")
    assert notice in banner["value"] and banner["visible"]
