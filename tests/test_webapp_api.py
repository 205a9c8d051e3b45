"""The real app.py in a subprocess, called through gradio_client: /ask, /search, /figures and /documents, errors, auth,
start-up."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from helpers import FUNDS, ROOT, running_app

@pytest.fixture(scope="module")
def app_index(built_index, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("web") / "index"
    shutil.copytree(built_index, target)
    return target


@pytest.fixture(scope="module")
def served(app_index, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """One extractive app for the module (instant answers); the slow test asks it for the local model."""
    logs = tmp_path_factory.mktemp("web-logs")
    with running_app(app_index, logs, "--backend", "extractive") as url:
        yield url, logs


@pytest.fixture(scope="module")
def client(served) -> Client:
    return Client(served[0], verbose=False)


def test_only_ask_search_figures_page_and_documents_are_offered(client):
    api = client.view_api(return_format="dict", print_info=False)
    assert set(api["named_endpoints"]) == {"/ask", "/search", "/figures", "/page", "/documents"}
    assert not api["unnamed_endpoints"]  # the upload is a page event only, never an endpoint
    assert [p["parameter_name"] for p in api["named_endpoints"]["/page"]["parameters"]] == ["passage_id", "width"]
    assert api["named_endpoints"]["/documents"]["parameters"] == []
    names = [p["parameter_name"] for p in api["named_endpoints"]["/ask"]["parameters"]]
    assert names == ["question", "history", "backend", "case", "chapter", "documents"]
    names = [p["parameter_name"] for p in api["named_endpoints"]["/search"]["parameters"]]
    assert names == ["query", "k", "case", "chapter", "documents"]
    figures = api["named_endpoints"]["/figures"]["parameters"]
    assert [(p["parameter_name"], p["parameter_default"]) for p in figures] == [
        ("query", ""), ("case", ""), ("chapter", ""), ("document", ""), ("year", "")]


def test_documents_and_asking_over_chosen_documents(client, report):
    records = client.predict(api_name="/documents")
    assert [(r["source"], r["title"], r["year"]) for r in records] == [
        (d.source, d.title, d.year) for d in report.documents()]
    assert records[0]["audit"] == "✓" and records[0]["problems"] == [] and records[0]["figures"] > 20
    source = records[0]["source"]
    assert client.predict(FUNDS, None, "", "", "", f'["{source}"]', api_name="/ask")["found"]
    elsewhere = client.predict(FUNDS, None, "", "", "", "another.pdf", api_name="/ask")
    assert not elsewhere["found"] and elsewhere["citations"] == []
    assert client.predict("日常运行经费", 3, "", "", source, api_name="/search")
    assert client.predict("日常运行经费", 3, "", "", "another.pdf, other.docx", api_name="/search") == []


def test_page_of_a_text_source_or_an_unknown_id_is_a_one_line_error(client):
    """The report's corpus is text: /page says so (the PDF case: tests/test_page_browser.py and test_page_image.py)."""
    from gradio_client.exceptions import AppError

    hit = client.predict("日常运行经费", 1, api_name="/search")[0]
    with pytest.raises(AppError, match="not a PDF source"):
        client.predict(hit["id"], None, api_name="/page")
    with pytest.raises(AppError, match="unknown passage id"):
        client.predict("no-such-passage", None, api_name="/page")


def test_ask_answers_with_the_figure_and_its_citation(client):
    result = client.predict(FUNDS, api_name="/ask")
    # An extractive app: the passage quoted, or the figures table's row (the same figure, computed in code).
    assert result["found"] and result["partial"] is False and result["backend"] in ("extractive", "figures")
    assert "200万元" in result["text"] and "[1]" in result["text"]
    first = result["citations"][0]
    assert "常州" in first["case"] and first["page"] == 71 and "第71页" in first["citation"]
    assert "200万元" in first["text"]


def test_ask_says_which_language_it_answered_in(client):
    english = client.predict("Which two institutions lead the Jinjiang city-level industry-education consortium?",
                             api_name="/ask")
    assert english["language"] == "en" and english["found"] and "泉州职业技术大学" in english["text"]
    assert client.predict(FUNDS, api_name="/ask")["language"] == "zh"


def test_ask_streams_partial_text_then_the_answer(client):
    job = client.submit(FUNDS, api_name="/ask")
    final = job.result(timeout=60)
    outputs = job.outputs()
    assert outputs[-1] == final and final["partial"] is False and final["stage"] == "final"
    stages = [o["stage"] for o in outputs]
    assert stages[0] == "sources" and "sentence" in stages  # the passages first, then the checked text
    first = outputs[0]
    assert first["partial"] is True and first["sources"][0]["citation"] and first["text"] == ""
    assert next(o for o in outputs if o["stage"] == "sentence")["text"]


@pytest.mark.parametrize("question", ["晋江联合体2023年培训了多少人？", "报告第一章的标题是什么，主要讲了哪些内容？",
                                      "浙金院教材建设的“四化”分别指什么？"])
def test_ask_says_when_the_report_does_not_cover_it(client, question):
    result = client.predict(question, api_name="/ask")
    assert result["found"] is False and result["citations"] == []
    assert "没有" in result["text"] or "未收入" in result["text"]


def test_ask_follows_up_with_history_as_list_or_json(client):
    history = [[FUNDS, "常州联合体每年的日常运行经费是200万元[1]。"]]
    for given in (history, json.dumps(history, ensure_ascii=False)):
        result = client.predict("那专项建设经费呢？", given, api_name="/ask")
        assert result["found"] and "2000万元" in result["text"]


def test_ask_filters_by_case_and_chapter(client):
    result = client.predict(FUNDS, None, "", "晋江", api_name="/ask")
    assert all("晋江" in c["case"] for c in result["citations"])
    result = client.predict(FUNDS, None, "", "", "第三章", api_name="/ask")
    assert result["found"] and all(c["chapter"].startswith("第三章") for c in result["citations"])


def test_search_returns_cited_passages_with_filters(client):
    hits = client.predict("日常运行经费", 3, api_name="/search")
    assert len(hits) == 3 and "200万元" in hits[0]["text"] and hits[0]["citation"].startswith("第三章")
    hits = client.predict("经费", 2, "晋江", api_name="/search")
    assert len(hits) == 2 and all(h["case"].startswith("晋江") for h in hits)


def test_figures_lists_every_figure_with_its_citation(client, report):
    rows = client.predict(api_name="/figures")
    assert [r["id"] for r in rows] == [f.id for f in report.figures()] and len(rows) > 20
    funds = next(r for r in rows if r["label"] == "日常运行经费")
    assert (funds["raw"], funds["value"], funds["unit"], funds["subject"], funds["period"]) == (
        "200万元", 2000000.0, "元", "常州", "每年")
    assert funds["page"] == 71 and funds["citation"].endswith("第71页起") and "日常运行经费" in funds["sentence"]
    assert funds.keys() == report.figures()[0].to_dict().keys()


def test_figures_filters_by_words_case_chapter_document_and_year(client, report):
    rows = client.predict("经费", "常州", api_name="/figures")
    assert {"日常运行经费", "专项建设经费"} <= {r["label"] for r in rows} and all(r["subject"] == "常州" for r in rows)
    assert len(rows) < len(client.predict(case="常州", api_name="/figures"))
    chapter = client.predict(chapter="第三章", api_name="/figures")
    assert chapter and all(r["chapter"].startswith("第三章") for r in chapter)
    title = report.figures()[0].document
    assert len(client.predict(document=title[:6], api_name="/figures")) == len(report.figures())
    assert client.predict(year="2024", api_name="/figures") == client.predict(year=2024, api_name="/figures")
    assert client.predict(year="2024", api_name="/figures") and client.predict(year="2023", api_name="/figures") == []
    assert client.predict("没有这个指标", api_name="/figures") == []


@pytest.mark.parametrize("call, message", [
    ({"question": "？？", "api_name": "/ask"}, "问题为空"),
    ({"question": FUNDS, "history": "[[不是 JSON", "api_name": "/ask"}, "对话历史应为 JSON"),
    ({"question": FUNDS, "history": [["只有问题"]], "api_name": "/ask"}, "对话历史格式错误"),
    ({"question": FUNDS, "backend": "gpt-9", "api_name": "/ask"}, "未知的回答方式"),
    ({"query": "经费", "k": 0, "api_name": "/search"}, "k 必须是"),
    ({"query": "", "api_name": "/search"}, "问题为空"),
    ({"year": "去年", "api_name": "/figures"}, "年份应为整数"),
])
def test_bad_input_gets_a_clear_message_not_a_traceback(client, served, call, message):
    with pytest.raises(AppError, match=message):
        client.predict(**call)
    assert "Traceback" not in (served[1] / next(p.name for p in served[1].glob("app-*.log"))).read_text()


@pytest.mark.slow  # 11 s measured on 2 busy cores
def test_auth_from_the_environment_is_required(app_index, tmp_path):
    with running_app(app_index, tmp_path, "--backend", "extractive", env={"RAG_WEB_AUTH": "官员:s3cret"}) as url:
        with pytest.raises(Exception):
            Client(url, verbose=False).predict("经费", 1, api_name="/search")
        hits = Client(url, auth=("官员", "s3cret"), verbose=False).predict("经费", 1, api_name="/search")
        assert len(hits) == 1
    assert "需登录" in next(tmp_path.glob("app-*.log")).read_text()


def test_start_up_prints_what_was_loaded_and_the_address(served):
    url, logs = served
    log = next(logs.glob("app-*.log")).read_text()
    assert "已载入 索引" in log and "原文摘录" in log and f"网页地址：{url}" in log


@pytest.mark.parametrize("args, message", [
    (["--auth", "no-colon"], "--auth 应为 用户名:密码"),
    (["--maintainer-auth", "no-colon"], "--maintainer-auth 应为 用户名:密码"),
    (["--auth", "官员:a", "--maintainer-auth", "官员:b"], "维护人员与提问账号须分开"),
    (["--port", "abc"], "参数错误"),
    (["--corpus", "/nonexistent/corpus", "--backend", "extractive"], "找不到语料目录"),
])
def test_start_up_errors_are_one_line(args, message, tmp_path):
    index = tmp_path / "index" if "--corpus" in args else ROOT / "index"
    done = subprocess.run([sys.executable, str(ROOT / "app.py"), "--index", str(index), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    errors = [line for line in done.stderr.splitlines() if line.startswith("错误：")]
    assert done.returncode != 0 and len(errors) == 1 and message in errors[0]
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # 10 s measured on 2 busy cores
def test_a_busy_port_is_reported(app_index, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, str(ROOT / "app.py"), "--port", str(port), "--index", str(app_index),
                               "--backend", "extractive"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "端口已被占用" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_ask_with_the_local_model(app_index, model_path, tmp_path):
    # Its own app: with the figures table on, this numeric question would be answered by the table, not the model.
    with running_app(app_index, tmp_path, "--backend", "extractive", env={"RAG_ANSWER_FROM_FIGURES": "false"}) as url:
        client = Client(url, verbose=False)
        result = client.predict(FUNDS, None, "local", api_name="/ask")
        # Two at once: the one behind is told so (queued, 1 ahead) after its sources and extract, then answered.
        jobs = [client.submit(question, None, "local", api_name="/ask")
                for question in ("联合体面向企业提供了多少个培训项目？", "有多少名院校教师受聘为企业工程师？")]
        streams = [(job.result(), job.outputs())[1] for job in jobs]
    assert all(stream[-1]["backend"] == "local" and stream[-1]["found"] for stream in streams), streams
    stages = [[partial["stage"] for partial in stream] for stream in streams]
    waited = [stream for stream in streams if any(p["stage"] == "queued" for p in stream)]
    assert len(waited) == 1, stages
    queued = [p for p in waited[0] if p["stage"] == "queued"]
    assert queued[0]["ahead"] == 1 and stages[streams.index(waited[0])][:3] == ["sources", "provisional", "queued"]
    assert result["backend"] == "local" and result["found"], result
    assert "200万元" in result["text"] and "[1]" in result["text"]
    assert result["citations"][0]["page"] == 71
