"""rag.llamaindex inside real llama-index machinery: query engines, postprocessors, tools, async retrieval."""
from __future__ import annotations

import asyncio
import dataclasses
import re

import pytest
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.postprocessor import MetadataReplacementPostProcessor, SimilarityPostprocessor
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers.no_text import NoText
from llama_index.core.schema import MetadataMode
from llama_index.core.tools import QueryEngineTool

import rag
from helpers import FUNDS
from rag.errors import LLMError, QueryError
from rag.llamaindex import llm, query_engine, retriever

JINJIANG = "晋江联合体依托哪个开发区、由哪两家单位牵头？"


def _no_text_engine(report, postprocessors=(), **kwargs):
    # The whole pipeline runs (retrieve, postprocess, synthesise) but NoText asks the model nothing, so it is never
    # loaded. NoText is built here: from_args(response_mode=NO_TEXT) does not pass its llm on, and NoText would
    # then resolve llama-index's default LLM (OpenAI, not installed).
    return RetrieverQueryEngine(retriever(report, **kwargs), response_synthesizer=NoText(llm=llm()),
                                node_postprocessors=list(postprocessors))


def test_nodes_carry_the_citation_metadata_through_a_query_engine(report):
    response = _no_text_engine(report, k=3).query(FUNDS)
    top = response.source_nodes[0]
    passage = report.search(FUNDS, k=1)[0]
    assert top.node.node_id == passage.id and top.score == pytest.approx(passage.score)
    assert "200万元日常运行经费" in top.node.text
    meta = top.node.metadata
    assert meta["case"].startswith("常州") and meta["chapter"].startswith("第三章")
    assert meta["page"] == 71 and "第71页" in meta["citation"] and meta["citation"] == passage.citation
    assert meta["kind"] == "text" and meta["year"] == 2024 and meta["source"].endswith(".txt")
    # An LLM (and an embedding model) sees the citation above the text, not the bookkeeping keys.
    for mode in (MetadataMode.LLM, MetadataMode.EMBED):
        shown = top.node.get_content(metadata_mode=mode)
        assert shown.startswith(f"citation: {passage.citation}") and shown.endswith(passage.text)
        assert "source:" not in shown and "page_exact" not in shown
    scores = [n.score for n in response.source_nodes]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)


def test_filters_and_mode_pass_through(report):
    assert not all(p.case.startswith("晋江") for p in report.search("经费", k=2))
    nodes = retriever(report, k=2, case="晋江").retrieve("经费")  # llama-index's retrieve, not our _retrieve
    assert len(nodes) == 2 and all(n.node.metadata["case"].startswith("晋江") for n in nodes)
    bm25 = retriever(report, k=3, mode="bm25").retrieve(FUNDS)
    expected = report.search(FUNDS, k=3, mode="bm25")
    assert [n.node.node_id for n in bm25] == [p.id for p in expected]
    assert [n.score for n in bm25] == pytest.approx([p.score for p in expected])
    assert [n.node.node_id for n in retriever(report, k=5, kind="toc").retrieve("常州")] == \
           [p.id for p in report.search("常州", k=5, kind="toc")]


def test_llama_index_postprocessors_work_on_our_nodes(report):
    scores = [p.score for p in report.search(FUNDS, k=5)]
    engine = _no_text_engine(report, [SimilarityPostprocessor(similarity_cutoff=scores[1]),
                                      MetadataReplacementPostProcessor(target_metadata_key="citation")], k=5)
    nodes = engine.query(FUNDS).source_nodes
    assert len(nodes) == sum(s >= scores[1] for s in scores) >= 2  # our fused scores are what it cuts on
    assert nodes[0].node.get_content() == nodes[0].node.metadata["citation"]  # the citation metadata it reads


def test_async_retrieval_gives_the_same_nodes(report):
    ours = retriever(report, k=3)
    assert [n.node.node_id for n in asyncio.run(ours.aretrieve(FUNDS))] == \
           [n.node.node_id for n in ours.retrieve(FUNDS)]


def _cited(text: str, phrase: str) -> int:
    """The [n] of the sentence that holds phrase."""
    sentence = next(s for s in re.findall(r"[^。！？]*[。！？]?", text) if phrase in s)
    return int(re.findall(r"\[(\d+)\]", sentence)[0])


def test_the_query_engine_answers_with_its_cited_passages_in_order(report):
    passages_only = rag.Report(settings=dataclasses.replace(report.settings, answer_from_figures=False))
    response = query_engine(passages_only, backend="extractive").query(FUNDS)
    assert "200万元" in response.response
    assert response.metadata == {"found": True, "backend": "extractive", "notice": ""}
    assert response.source_nodes and "200万元" in response.source_nodes[0].node.text
    n = _cited(response.response, "200万元")
    assert "200万元" in response.source_nodes[n - 1].node.text  # [n] is source_nodes[n-1]
    cited = {int(m) for m in re.findall(r"\[(\d+)\]", response.response)}
    assert cited == set(range(1, len(response.source_nodes) + 1))
    assert response.source_nodes[0].node.metadata["citation"].startswith("第三章 · 常州")


def test_the_query_engine_keeps_filters_and_says_when_the_report_is_silent(report):
    jinjiang = query_engine(report, backend="extractive", case="晋江").query(JINJIANG)
    assert jinjiang.metadata["found"] and jinjiang.source_nodes
    assert all(n.node.metadata["case"].startswith("晋江") for n in jinjiang.source_nodes)
    silent = query_engine(report, backend="extractive").query("月球上有多少所职业学校？")
    assert silent.metadata["found"] is False and "没有找到" in silent.response and not silent.source_nodes


def test_the_query_engine_is_a_llama_index_tool_and_asks_rag_ask_by_default(report, monkeypatch):
    monkeypatch.setattr(rag, "_default", report)  # rag.ask's default report: the session's index
    monkeypatch.setattr(rag, "_default_answerer", None, raising=False)  # and no answerer over another one
    tool = QueryEngineTool.from_defaults(query_engine(backend="extractive"), name="report",
                                         description="2024年度中国职业教育质量报告问答")
    output = tool.call(FUNDS)  # what an agent calls
    assert "200万元" in output.content and "200万元" in output.raw_output.source_nodes[0].node.text
    assert asyncio.run(query_engine(backend="extractive").aquery(FUNDS)).response == output.content


def test_bad_input_reaches_the_caller_as_one_line(report):
    cases = [
        (lambda: retriever(report).retrieve("？？"), "问题为空"),
        (lambda: retriever(report, mode="magic").retrieve(FUNDS), "未知的检索方式"),
        (lambda: retriever(report, kind="poem").retrieve(FUNDS), "未知的段落类型"),
        (lambda: retriever(report, cas="晋江"), "未知的筛选条件 cas"),
        (lambda: _no_text_engine(report).query(""), "问题为空"),
        (lambda: query_engine(report, backend="gpt").query(FUNDS), "未知的回答方式"),
        (lambda: query_engine(report, chapters="第三章"), "未知的筛选条件 chapters"),
        (lambda: query_engine(report, kind="toc"), "未知的筛选条件 kind"),  # an answer picks its passages' kinds
    ]
    for call, message in cases:
        with pytest.raises(QueryError, match=message) as err:
            call()
        assert "\n" not in str(err.value), message
    with pytest.raises(LLMError, match="未知的模型后端"):
        llm(backend="claude")
    with pytest.raises(LLMError, match="tool"):  # refused before any model is loaded
        llm().chat([ChatMessage(role=MessageRole.TOOL, content="{}")])


@pytest.mark.slow
def test_a_llama_index_pipeline_answers_with_the_bundled_model(report):
    engine = RetrieverQueryEngine.from_args(retriever(report, k=3), llm=llm())
    response = engine.query(FUNDS)
    assert "200" in response.response and "万" in response.response, response.response
    assert "200万元" in response.source_nodes[0].node.text
    assert response.source_nodes[0].node.metadata["citation"].startswith("第三章 · 常州")
    pieces = list(llm().stream_chat([ChatMessage(role="system", content="只回答一个数字。"),
                                     ChatMessage(role="user", content="1加1等于几？")]))
    assert "2" in pieces[-1].message.content and "".join(p.delta for p in pieces) == pieces[-1].message.content
