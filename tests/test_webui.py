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
    assert webui.NOT_COVERED_LABEL.zh in webui.chat_message(answer)
    assert "报告未涉及" in webui.source_cards(answer, [])
    assert "来源（" not in webui.chat_message(answer)


def test_message_names_the_backend_and_the_fallback_notice(report):
    passage = hit(report, FUNDS, "200万元日常运行经费")
    answer = Answer(text="报告原文：……200万元……[1]。", citations=[passage], found=True, backend="extractive",
                    notice="本地模型不可用（model file not found），改用摘录式回答。")
    message = webui.chat_message(answer)
    assert "回答方式：原文摘录" in message and "本地模型不可用" in message
    assert "第71页起" in message and webui.NOT_COVERED_LABEL.zh not in message
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


def test_an_answers_language_picks_the_labels_around_it(report):
    passage = hit(report, FUNDS, "200万元日常运行经费")
    english = Answer(text="The report gives 2 million yuan (200万元) [1].", citations=[passage], found=True,
                     backend="extractive", language="en", notice="Translated in code.")
    chinese = Answer(text="日常运行经费是200万元[1]。", citations=[passage], found=True, backend="extractive")
    cards, message = webui.source_cards(english, report.passages()), webui.chat_message(english)
    assert "Sources (1)" in cards and "The whole section (paragraphs: " in cards
    assert "来源（" not in cards and "查看整节" not in cards
    assert "<summary>Sources (1)</summary>" in message and "第71页起" in message  # the report's own words stay
    assert webui.backend_line(english) == ("Answered with: excerpts from the report (no language model). "
                                           "Translated in code.")
    cards, message = webui.source_cards(chinese, report.passages()), webui.chat_message(chinese)
    assert "来源（1 条）" in cards and "查看整节（" in cards and "Sources" not in cards
    assert "<summary>来源（1 条）</summary>" in message and "回答方式：原文摘录" in message
    not_covered = Answer(text="The report does not cover this.", citations=[], found=False, backend="extractive",
                         language="en")
    assert webui.NOT_COVERED_LABEL.en in webui.chat_message(not_covered)
    assert webui.SOURCES_NOT_COVERED.en in webui.source_cards(not_covered, [])
    assert webui.source_cards(None, [], "en") == webui.sources_empty("en") and "[1]" in webui.sources_empty("en")
    labels = [v for v in vars(webui).values() if isinstance(v, webui.Label)]
    labels += [*webui.BACKEND_NAMES.values(), *webui.RATING_NAMES.values()]
    assert len(labels) > 20
    for label in labels:  # every string the page shows around an answer, in both languages
        assert label.zh and label.en and not re.search(r"[\u3400-\u9fff]", label.en), label


def test_an_error_is_shown_in_the_questions_language():
    from rag.retrieve.query import MAX_QUERY_CHARS

    too_long = (f"问题过长（500 字），请精简到 {MAX_QUERY_CHARS} 字以内再问"
                f"（question too long: at most {MAX_QUERY_CHARS} characters）")
    assert webui.in_language(too_long, "en") == f"Question too long: at most {MAX_QUERY_CHARS} characters."
    assert webui.in_language(too_long, "zh") == too_long
    assert webui.in_language("抱歉，系统内部出错。", "en") == "抱歉，系统内部出错。"  # no English part: all of it
    assert webui.in_language("年份（2024）", "en") == "年份（2024）"  # a number in brackets is not English
    shown = webui.error_message(too_long, "en")
    assert "Cannot answer" in shown and "无法回答" not in shown and "问题过长" not in shown
    assert "无法回答" in webui.error_message(too_long) and "问题过长" in webui.error_message(too_long)


def test_the_first_language_is_the_address_s_or_the_browser_s():
    assert [webui.preferred_language(v) for v in ("en", "zh", "en-US,en;q=0.9", "zh-CN,zh;q=0.9,en;q=0.8",
                                                  "fr-FR,en;q=0.5,zh;q=0.4", "fr,de", "", "zh;q=0.2,en;q=0.7")] == [
        "en", "zh", "en", "zh", "en", "zh", "zh", "en"]


def test_english_examples_are_answered_in_english(report, tmp_path):
    from rag.serve.webapp import ChatApp

    chat = ChatApp(report, "extractive", tmp_path / "feedback.jsonl")
    cases = [value for _, value in webui.case_choices(report.passages())[1:]]
    examples = webui.example_questions(cases, "en")
    assert len(examples) == 5 and all(q.isascii() for q in examples)
    assert webui.example_questions(cases, "zh") == webui.example_questions(cases)  # Chinese unless asked
    for question in examples:
        _, turns, _ = chat.add_question(question, [])
        *_, (messages, sources, backend, _, _) = chat.respond(turns, "", "")
        assert turns[0].answer.found and turns[0].language == "en", question
        assert "Sources (" in sources and backend.startswith("Answered with: ")
        assert "回答方式" not in messages[1]["content"]


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
    # Extraction, or the figures table (the same figure, computed in code): either named in plain words.
    assert backend.startswith(("回答方式：原文摘录", "回答方式：报告数据表")) and shown == 0
    assert turns[0].answer.found
    assert json.loads(json.dumps(turns[0].answer.to_dict(), ensure_ascii=False))["text"] == turns[0].answer.text


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
    assert webui.NOT_COVERED_LABEL.zh in messages[1]["content"] and "未收入当前索引" in messages[1]["content"]
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


def test_an_english_question_gets_english_messages_waiting_errors_and_feedback(chat):
    from rag.retrieve.query import MAX_QUERY_CHARS
    from rag.serve.webapp import Turn, chat_messages

    question = "How much money does the Changzhou city government allocate each year for daily operations?"
    assert chat_messages([Turn(question)])[1]["content"] == webui.WAITING.en
    assert chat_messages([Turn(FUNDS)])[1]["content"] == webui.WAITING.zh
    turns, (messages, sources, backend, shown, _) = answer_turn(chat, [], question)
    assert turns[0].answer.language == "en" and "200万元" in messages[1]["content"] and "Sources (1)" in sources
    assert chat.sources(turns, None, "en")[0] == webui.sources_empty("en")
    assert chat.rate(turns, None, "useful", "", "en") == webui.NOTHING_TO_RATE.en
    assert chat.rate(turns, 0, "wrong_figure", "") == "Recorded for the answer to question 1: Wrong figure. Thank you!"
    turns, (messages, *_) = answer_turn(chat, turns, "Why? " * MAX_QUERY_CHARS)
    assert "Cannot answer" in messages[3]["content"] and "Question too long" in messages[3]["content"]
    assert "问题过长" not in messages[3]["content"] and turns[1].language == "en"


def test_the_api_says_which_language_it_answered_in(chat):
    english = list(chat.api_ask("What results has the Changzhou consortium achieved?"))[-1]
    assert english["language"] == "en" and english["partial"] is False and english["found"]
    assert list(chat.api_ask(FUNDS))[-1]["language"] == "zh"


def test_without_the_model_the_first_look_is_the_answer(chat, report, tmp_path):
    from rag.serve.webapp import ChatApp

    _, turns, _ = chat.add_question("常州联合体由哪两家单位牵头？", [])
    messages, sources, backend, shown, turns = chat.first_look(turns, "", "")
    assert turns[0].done and turns[0].answer.backend == "extractive" and "万帮数字能源" in messages[1]["content"]
    assert "第71页起" in sources and shown == 0
    *_, (again, *_rest) = chat.respond(turns, "", "")  # the model's pass has nothing left to do
    assert again == messages and turns[0].answer.backend == "extractive"
    # With the local model, a figure the table answers is the answer too: the model is never loaded for it.
    local = ChatApp(report, "local", tmp_path / "feedback.jsonl")
    _, turns, _ = local.add_question(FUNDS, [])
    messages, *_ = local.first_look(turns, "", "")
    assert turns[0].answer.backend == "figures" and "200万元" in messages[1]["content"]


@pytest.mark.slow
def test_the_extract_is_shown_while_the_model_writes_then_replaced(report, tmp_path, model_path):
    import dataclasses

    from rag import Report
    from rag.serve.webapp import ChatApp

    # The figures table off, so that the model answers the figure (with it, the table's row is the answer at once).
    settings = dataclasses.replace(report.settings, llm_model_path=str(model_path), answer_from_figures=False)
    local = ChatApp(Report(settings=settings, auto_rebuild=False), "local", tmp_path / "feedback.jsonl")
    _, turns, _ = local.add_question(FUNDS, [])
    messages, sources, backend, shown, turns = local.first_look(turns, "", "")
    assert turns[0].provisional is not None and not turns[0].done
    assert webui.PROVISIONAL.zh in messages[1]["content"] and "200万元" in messages[1]["content"]
    assert backend == webui.PROVISIONAL.zh and "第71页起" in sources and shown is None
    outputs = list(local.respond(turns, "", ""))
    final_messages, _, final_backend, _, _ = outputs[-1]
    assert turns[0].answer.backend == "local" and "200万元" in final_messages[1]["content"]
    assert webui.PROVISIONAL.zh not in final_messages[1]["content"] and "本地模型" in final_backend


@pytest.mark.slow
def test_a_visitor_waiting_for_the_model_sees_the_extract_and_the_place_in_line(report, tmp_path, model_path):
    import dataclasses
    import threading
    import time

    from rag import Report
    from rag.serve.webapp import ChatApp

    settings = dataclasses.replace(report.settings, llm_model_path=str(model_path), answer_from_figures=False)
    local = ChatApp(Report(settings=settings, auto_rebuild=False), "local", tmp_path / "feedback.jsonl")
    _, first, _ = local.add_question("联合体面向企业提供了多少个培训项目？", [])
    _, second, _ = local.add_question(FUNDS, [])
    answering = local.respond(first, "", "")
    next(answering), next(answering)  # the first visitor's extract shown
    writing = threading.Thread(target=lambda: list(answering))  # …and the model writing its answer
    writing.start()
    line = local.answerer.models("local").line
    deadline = time.monotonic() + 30
    while len(line) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    seen = []
    for messages, *_ in local.respond(second, "", ""):
        seen.append(messages[1]["content"])
    writing.join()
    waiting = [text for text in seen if webui.IN_LINE.zh.format(n=1) in text]
    assert waiting and all("200万元" in text for text in waiting)  # its extract, with its place, while it waited
    assert first[0].answer.backend == "local" and second[0].answer.backend == "local"
    assert "200万元" in seen[-1] and webui.IN_LINE.zh.format(n=1) not in seen[-1]


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


# -- 数据一览: the figures table ------------------------------------------------------------------


def figure(report, label: str, printed: str):
    """The row of the real figures table with that label and figure."""
    return next(f for f in report.figures() if f.label == label and f.printed == printed)


def test_figure_rows_are_the_table_as_shown(report):
    rows = report.figures()
    values = webui.figure_rows(rows)
    assert len(values) == len(rows) > 20 and all(len(v) == len(webui.FIGURE_HEADERS) for v in values)
    assert webui.FIGURE_HEADERS[:5] == ["指标", "所属", "时期", "数值", "出处"]
    funds = figure(report, "日常运行经费", "200万元")
    assert values[rows.index(funds)] == ["日常运行经费", "常州", "每年", "200万元", funds.citation, funds.id]
    assert funds.citation.startswith("第三章 · 常州") and funds.citation.endswith("第71页起")
    shown = {v[3] for v in values}
    assert "1200余家" in shown and "1 200 余家" not in shown  # as printed, the spaces of the layout removed
    assert len({v[-1] for v in values}) == len(values)  # the id picks out one row


def test_figures_count_says_how_many_of_how_many():
    assert webui.figures_count(36, 36) == "共 36 条数据"
    assert webui.figures_count(4, 36) == "符合条件的数据 4 条（共 36 条）"
    assert "没有符合条件的数据" in webui.figures_count(0, 36) and "放宽" in webui.figures_count(0, 36)
    assert "没有可列出的数字" in webui.figures_count(0, 0)


def test_document_choices_list_each_title_once_in_index_order(report):
    import dataclasses

    rows = report.figures()
    title = rows[0].document
    assert webui.document_choices(rows) == [("全部文档", webui.ALL), (f"《{title}》", title)]
    other = [dataclasses.replace(rows[0], document="2023年度某市职业教育质量报告"), *rows,
             dataclasses.replace(rows[1], document="")]
    assert [v for _, v in webui.document_choices(other)] == [webui.ALL, "2023年度某市职业教育质量报告", title]


def test_figure_card_marks_the_figure_where_the_row_reads_it(report):
    # 岗位需求 3.5 万个 and 培训在岗人员 3.5 万人次 share a passage: each row marks its own, nothing else.
    jobs = figure(report, "岗位需求", "3.5万个")
    people = next(f for f in report.figures() if f.passage_id == jobs.passage_id and f.printed == "3.5万人次")
    passages = report.passages()
    passage = next(p for p in passages if p.id == jobs.passage_id)
    section = webui.section_passages(passage, passages)
    for row, other in ((jobs, "3.5 万人次"), (people, "3.5 万个")):
        card = webui.figure_card(row, passage, section)
        text = card.split('<div class="source-text">', 1)[1].split("</div>", 1)[0]
        assert text.count("<mark>") == 1 and f"<mark>{row.raw}</mark>" in text
        assert f"<mark>{other}" not in card
        assert row.citation in card and f"<b>{row.printed}</b>" in card
        assert f"查看整节（{len(section)} 段）" in card and card.count('class="cited"') == 1


def test_figure_card_finds_a_figure_that_moved_and_shows_the_sentence_when_the_passage_is_gone(report):
    import dataclasses

    funds = figure(report, "日常运行经费", "200万元")
    passage = next(p for p in report.passages() if p.id == funds.passage_id)
    moved = dataclasses.replace(funds, start=0)  # the passage was edited: the figure is found by its notation
    assert webui.figure_spans(moved, passage.text) == webui.figure_spans(funds, passage.text)
    assert passage.text[slice(*webui.figure_spans(funds, passage.text)[0])] == "200万元"
    card = webui.figure_card(dataclasses.replace(funds, sentence="<b>经费</b>200万元"), None, [])
    assert "&lt;b&gt;经费&lt;/b&gt;200万元" in card and "查看整节" not in card


def test_figures_page_filters_exports_and_shows_a_rows_passage(chat, report):
    import csv
    import io
    import tempfile
    from pathlib import Path

    from rag.serve import export

    table, count, csv_file, xlsx_file = chat.figure_table("", "", "", "")
    assert len(table["data"]) == len(report.figures()) and table["headers"] == webui.FIGURE_HEADERS
    assert count == f"共 {len(report.figures())} 条数据"
    changzhou = next(v for _, v in webui.case_choices(report.passages()) if v.startswith("常州"))
    table, count, csv_file, xlsx_file = chat.figure_table(" 经费 ", "第三章", changzhou, "")
    labels = [row[0] for row in table["data"]]
    assert "日常运行经费" in labels and "专项建设经费" in labels and len(labels) < len(report.figures())
    assert all(row[1] == "常州" for row in table["data"]) and count.startswith(f"符合条件的数据 {len(labels)} 条")
    for path in (csv_file, xlsx_file):  # both files hold exactly the rows shown, in a temporary folder
        assert Path(path).is_file() and Path(path).is_relative_to(tempfile.gettempdir())
        assert not Path(path).is_relative_to(report.settings.index_dir)
    exported = list(csv.reader(io.StringIO(Path(csv_file).read_bytes().decode("utf-8-sig"))))
    assert exported[0] == export.HEADINGS and [r[-1] for r in exported[1:]] == [r[-1] for r in table["data"]]
    table, count, *_ = chat.figure_table("没有这个指标", "", "", "")
    assert table["data"] == [] and "没有符合条件的数据" in count

    funds = figure(report, "日常运行经费", "200万元")
    card = chat.figure_passage(funds.id)
    assert "第71页起" in card and "<mark>200万元</mark>日常运行经费" in card
    assert "已不在当前索引中" in chat.figure_passage("0000000000000000:0")
    assert chat.figure_passage(None) == webui.FIGURE_PASSAGE_EMPTY


def test_figures_api_filters_and_refuses_a_year_that_is_not_a_number(chat, report):
    import gradio as gr

    from rag.serve.webapp import parse_year

    rows = chat.api_figures()
    assert [r["id"] for r in rows] == [f.id for f in report.figures()]
    assert rows[0].keys() == report.figures()[0].to_dict().keys()
    assert chat.api_figures(year="2024") == rows == chat.api_figures(year=2024)  # the client may send either
    assert chat.api_figures(year="2023") == []
    assert {r["label"] for r in chat.api_figures("经费", "常州")} >= {"日常运行经费", "专项建设经费"}
    assert [parse_year(v) for v in ("", " ", None, " 2024 ", 2023)] == [None, None, None, 2024, 2023]
    with pytest.raises(gr.Error, match="年份应为整数"):
        chat.api_figures(year="去年")


def test_the_page_has_the_figures_tab_beside_the_chat(report, tmp_path):
    from rag.serve.webapp import build_app

    config = build_app(report, tmp_path / "feedback.jsonl", "extractive").get_config_file()
    props = {c["props"].get("elem_id"): c for c in config["components"] if c["props"].get("elem_id")}
    for chat_id in ("chat", "question", "send", "clear", "chapter", "case", "sources", "comment", "rate-useful"):
        assert chat_id in props  # the chat is unchanged inside its tab
    assert props["chat-tab"]["props"]["label"] == "问答" and props["figures-tab"]["props"]["label"] == "数据一览"
    assert props["export-csv"]["props"]["label"] == "导出 CSV" and "XLSX" in props["export-xlsx"]["props"]["label"]
    assert props["figures-table"]["props"]["headers"] == webui.FIGURE_HEADERS
    assert props["figures-document"]["props"]["visible"] is False  # one document: nothing to choose
    assert [tuple(c) for c in props["figures-chapter"]["props"]["choices"]] == webui.chapter_choices(report.passages())


def test_one_export_failing_leaves_the_table_and_the_other_file(chat, report, monkeypatch):
    from rag.serve import export

    def no_xlsxwriter(rows, path):
        raise ImportError("No module named 'xlsxwriter'")

    monkeypatch.setattr(export, "write_xlsx", no_xlsxwriter)
    with pytest.warns(UserWarning, match="导出 XLSX 文件未能生成"):  # gr.Warning: a notice on the page
        table, count, csv_file, xlsx_file = chat.figure_table("经费", "", "", "")
    assert table["data"] and csv_file.endswith("数据一览.csv") and xlsx_file is None
