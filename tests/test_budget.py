"""The answer prompt fits the model's context window: long passages trimmed around the question, the rest dropped."""
from __future__ import annotations

import dataclasses
import re

import pytest

from helpers import FUNDS, REPORT_FILE
from rag import Answerer
from rag.answer import prompts
from rag.answer.budget import GAP, estimate_tokens, fit, prompt_budget, prompt_tokens, sentences, trim
from rag.passage import Passage
from rag.text.figures import extract_figures

TEXT = REPORT_FILE.read_text(encoding="utf-8")
CHANGZHOU = TEXT[TEXT.index("## 常州"):TEXT.index("## 晋江")].split("\n", 1)[1]  # 3,479 characters, the case body
JINJIANG = TEXT[TEXT.index("## 晋江"):].split("\n", 1)[1]
OPENING = TEXT[:TEXT.index("## 常州")]
FUNDS_SENTENCE = re.search(r"[^。]*200万元[^。]*。", CHANGZHOU).group()


def build(question: str):
    return lambda given: prompts.answer_messages(question, given, english=False)


def passage(pid: str, text: str, case: str = "") -> Passage:
    return Passage(id=pid, text=text, case=case, section="二、特色做法", source="report.txt")


def whole_sentences_of(part: str, text: str) -> bool:
    """`part` is a run of whole sentences of `text` (starts and ends on sentence boundaries)."""
    bounds = {0}
    for s in sentences(text):
        bounds.add(max(bounds) + len(s))
    start = text.find(part)
    return start in bounds and start + len(part) in bounds


# ---------------------------------------------------------------- fast: a simple counter

def test_sentences_give_the_text_back():
    assert "".join(sentences(CHANGZHOU)) == CHANGZHOU
    assert "".join(sentences("营业收入 | 1,200\n净利润 | 300")) == "营业收入 | 1,200\n净利润 | 300"
    assert sentences("增长3.5万人次。完成") == ["增长3.5万人次。", "完成"]  # never split inside 3.5


@pytest.mark.parametrize("limit", [90, 150, 300, 900])
def test_a_long_passage_is_trimmed_around_the_sentence_that_answers(limit):
    short = trim(CHANGZHOU, FUNDS, limit, len)
    assert FUNDS_SENTENCE in short and len(short) <= limit
    assert GAP in short
    for part in re.split(f"{GAP}\n?", short):  # what is kept is whole sentences of the passage, so whole figures
        assert not part or whole_sentences_of(part, CHANGZHOU), part
    kept = {f.raw for f in extract_figures(short)}
    assert kept <= {f.raw for f in extract_figures(CHANGZHOU)}


def test_more_room_keeps_more_and_all_of_it_keeps_the_text():
    sizes = [len(trim(CHANGZHOU, FUNDS, limit, len)) for limit in (100, 400, 1600)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert trim(CHANGZHOU, FUNDS, len(CHANGZHOU), len) == CHANGZHOU


def test_no_room_for_the_answering_sentence_gives_nothing():
    assert trim(CHANGZHOU, FUNDS, len(FUNDS_SENTENCE) - 1, len) == ""


def test_table_rows_are_kept_whole_with_the_gap_on_its_own_line():
    rows = "表1 主要会计数据\n项目 | 2023年 | 2022年\n营业收入 | 1,200 | 1,100\n净利润 | 300 | 250\n研发投入 | 80 | 70\n"
    short = trim(rows, "2023年的净利润是多少？", 60, len)
    assert "净利润 | 300 | 250\n" in short and "营业收入" not in short and f"{GAP}\n" in short
    assert short.startswith("表1 主要会计数据\n")  # the opening line (the caption) comes right after the match


def test_a_prompt_that_fits_is_left_exactly_as_it_was():
    hits = [passage("a", CHANGZHOU[:200]), passage("b", JINJIANG[:200])]
    fitted = fit(FUNDS, hits, build(FUNDS), len, 10_000)
    assert fitted.given == hits and fitted.sources == hits and not fitted.dropped and not fitted.trimmed
    assert prompts.answer_messages(FUNDS, fitted.given, False) == prompts.answer_messages(FUNDS, hits, False)


def test_passages_beyond_the_budget_are_trimmed_then_dropped_in_rank_order():
    hits = [passage("opening", OPENING), passage("changzhou", CHANGZHOU), passage("jinjiang", JINJIANG)]
    total = prompt_tokens(build(FUNDS)(hits), len)
    budget = total // 2
    fitted = fit(FUNDS, hits, build(FUNDS), len, budget)
    assert fitted.tokens <= budget == prompt_budget(budget + 320 + 32, 320)
    assert fitted.tokens == prompt_tokens(build(FUNDS)(fitted.given), len)
    assert [p.id for p in fitted.sources] == ["opening", "changzhou"] and fitted.dropped == 1
    assert fitted.given[0] is hits[0]  # the first fits whole
    assert fitted.sources[1] is hits[1] and fitted.given[1].text != CHANGZHOU and FUNDS_SENTENCE in fitted.given[1].text


def test_each_passage_is_cut_to_the_sentences_that_answer_within_the_cap():
    body = CHANGZHOU[:CHANGZHOU.index(FUNDS_SENTENCE) + len(FUNDS_SENTENCE) + 120]
    hits = [passage("changzhou", body, case="常州：新能源产教联合体"), passage("jinjiang", JINJIANG[:90])]
    fitted = fit(FUNDS, hits, build(FUNDS), len, 10_000, cap=len(FUNDS_SENTENCE) + 10)
    assert FUNDS_SENTENCE in fitted.given[0].text and len(fitted.given[0].text) <= len(FUNDS_SENTENCE) + 10
    assert GAP in fitted.given[0].text and whole_sentences_of(fitted.given[0].text.strip("\n" + GAP), body)
    assert fitted.given[1] is hits[1]  # shorter than the cap: whole
    assert fitted.sources == hits and fitted.trimmed == 1  # the reader's citation is the whole passage
    # Its best sentence alone longer than the cap: that sentence, not the whole passage nor nothing.
    tight = fit(FUNDS, hits, build(FUNDS), len, 10_000, cap=len(FUNDS_SENTENCE) // 2 + 5)
    assert FUNDS_SENTENCE in tight.given[0].text and len(tight.given[0].text) < len(body)
    assert fit(FUNDS, hits, build(FUNDS), len, 10_000, cap=0).given == hits  # 0: whole passages


def test_a_short_source_line_is_the_case_and_heading_of_a_passage_not_its_chapter_or_page():
    p = dataclasses.replace(passage("p", "经费。", case="常州：新能源产教联合体"), chapter="第三章 “一体两翼”",
                            section="二、特色做法 / （一）政府主导", page=71)
    assert prompts.source_line(p) == "常州 · （一）政府主导"
    assert "第三章" in p.citation and "第71页" in p.citation  # the reader's citation keeps them
    assert f"出处：{p.citation}\n经费。" in prompts.answer_messages("问", [p], False)[1]["content"]  # off by default
    named = dataclasses.replace(p, document="某职业学院质量年度报告", extra={"cite_document": True})
    assert prompts.source_line(named).startswith("《某职业学院质量年度报告》 · 常州")


def test_the_estimate_counts_chinese_by_character_and_latin_by_four():
    assert estimate_tokens("经费200万元") == 4 + 1 and estimate_tokens("operating funds") == 4


class Counting:
    """A chat model that counts by characters in a small window and cites the passage that holds 200万元."""

    def __init__(self, window: int):
        self.window = window
        self.seen: list[list[dict]] = []

    def count_tokens(self, text: str) -> int:
        return len(text)

    def context_window(self) -> int:
        return self.window

    def complete(self, messages, max_tokens=512, temperature=0.2) -> str:
        return ""

    def stream(self, messages, max_tokens=512, temperature=0.2):
        self.seen.append(messages)
        given = re.split(r"\n\n(?=\[\d+\] 出处：)", messages[-1]["content"].split("资料：\n", 1)[1])
        n = next(i for i, block in enumerate(given, 1) if "200万元" in block)
        yield f"常州联合体每年安排200万元日常运行经费[{n}]。"


class FixedPassages(Answerer):
    """Answers over the given passages instead of retrieving (the index still decides what is covered)."""

    def __init__(self, report, hits, model):
        # The figures table would answer FUNDS before any passage is read: these tests are about the passages, and
        # about the context window (so passages are not cut to the question first).
        super().__init__(report, models=lambda backend: model,
                         settings=dataclasses.replace(report.settings, answer_from_figures=False,
                                                      answer_passage_tokens=0))
        self.hits = hits

    def passages(self, snapshot, req):
        return self.hits


def test_citations_map_to_the_passages_the_model_was_given(report):
    case = next(p.case for p in report.retriever().passages if p.case.startswith("常州"))
    hits = [passage("opening", OPENING), passage("changzhou", CHANGZHOU, case), passage("jinjiang", JINJIANG)]
    model = Counting(window=report.settings.llm_max_tokens + 1800)
    answer = FixedPassages(report, hits, model).ask(FUNDS, backend="local")
    prompt = model.seen[-1]
    assert prompt_tokens(prompt, len) <= model.window - report.settings.llm_max_tokens
    # The passage extraction quotes (常州's, with 200万元) is given first; what does not fit is left out.
    assert prompt[-1]["content"].startswith("资料：\n[1] 出处：常州") and "[3] 出处" not in prompt[-1]["content"]
    assert answer.backend == "local" and answer.found and "200万元" in answer.text
    assert answer.citations == [hits[1]]  # whole, as retrieved, though the model read part of it


# ---------------------------------------------------------------- slow: the real local model

@pytest.fixture(scope="module")
def small_window(model_path):
    """The real Qwen2.5 with a 1,536-token window: the passages below are 1.9 times that."""
    from rag.llm.local import LocalLlama

    llm = LocalLlama(model_path, n_ctx=1536, n_threads=2)
    yield llm
    llm.close()


def real_prompt_tokens(llm, messages) -> int:
    """The prompt as llama.cpp reads it: the GGUF's own chat template, tokenised with its special tokens."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    meta = llm._llm.metadata
    vocab = llm._llm._model
    formatter = Jinja2ChatFormatter(meta["tokenizer.chat_template"], eos_token=vocab.token_get_text(vocab.token_eos()),
                                    bos_token=vocab.token_get_text(vocab.token_bos()))
    return llm.count_tokens(formatter(messages=messages).prompt)


class Recording:
    def __init__(self, model):
        self.model, self.seen = model, []

    def count_tokens(self, text):
        return self.model.count_tokens(text)

    def context_window(self):
        return self.model.context_window()

    def complete(self, messages, **kw):
        return self.model.complete(messages, **kw)

    def stream(self, messages, **kw):
        self.seen.append(messages)
        return self.model.stream(messages, **kw)


@pytest.mark.slow
def test_the_real_model_answers_from_passages_far_longer_than_its_window(report, small_window):
    case = next(p.case for p in report.retriever().passages if p.case.startswith("常州"))
    hits = [passage("changzhou", CHANGZHOU, case), passage("opening", OPENING), passage("jinjiang", JINJIANG)]
    whole = real_prompt_tokens(small_window, prompts.answer_messages(FUNDS, hits, False))
    assert whole > 1.5 * small_window.context_window()  # 2,9xx tokens for a 1,536-token window
    model = Recording(small_window)
    answer = FixedPassages(report, hits, model).ask(FUNDS, backend="local")
    reserve = report.settings.llm_max_tokens
    assert real_prompt_tokens(small_window, model.seen[-1]) <= small_window.context_window() - reserve
    assert FUNDS_SENTENCE in model.seen[-1][-1]["content"]
    assert answer.backend == "local" and not answer.notice, answer.notice  # the model's answer, no fallback
    assert answer.found and "200万元" in answer.text and answer.citations[0] is hits[0]


def test_the_remote_backend_estimates_and_is_told_its_window():
    from rag.llm.openai_compat import OpenAICompatible

    remote = OpenAICompatible("http://127.0.0.1:9/v1", context_window=32768)
    assert remote.context_window() == 32768 and OpenAICompatible("http://127.0.0.1:9/v1").context_window() == 4096
    assert remote.count_tokens(FUNDS_SENTENCE) == estimate_tokens(FUNDS_SENTENCE) >= len(FUNDS_SENTENCE) * 0.9
