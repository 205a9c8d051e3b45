"""The 文档 tab and the maintainers' upload, without a browser: safe names, each refusal (by name, in Chinese, within
the limits, nothing indexed lost), the registry table and its filters, the documents chosen restricting answers, the
examples drawn from the documents, /documents' records, and an accepted upload indexed incrementally."""
from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path

import pytest

from rag import Report
from rag.config import load_settings
from rag.serve import library, upload
from rag.serve.webapp import ChatApp

import upload_files as files
from helpers import CORPUS

LIMITS = upload.Limits(max_bytes=5 * 1024 * 1024, max_pages=20, seconds=60, memory_mb=1024)


@pytest.mark.parametrize("uploaded, safe", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\Windows\\报告.PDF", "报告.pdf"),
    (".hidden.docx", "hidden.docx"),
    ("江川市 2024 年质量报告（终稿）.pdf", "江川市_2024_年质量报告(终稿).pdf"),  # NFKC: full-width to ASCII
    ("报告<1>|*?.pdf", "报告_1.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),  # the last path part only: "script>.pdf"
    ("a;rm -rf ~.pdf", "a_rm_-rf.pdf"),
    ("report.pdf\x00.exe", ""),
    ("report.exe", ""), ("old.doc", ""), (".pdf", ""), ("....pdf", ""), ("", ""),
])
def test_an_uploaded_name_is_made_safe(uploaded, safe):
    assert upload.safe_name(uploaded) == safe


def test_a_long_name_is_cut_and_stays_a_pdf():
    name = upload.safe_name("报" * 300 + ".pdf")
    assert name == "报" * upload.NAME_CHARS + ".pdf"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The good report and the bad files, made once."""
    folder = tmp_path_factory.mktemp("uploads")
    good = files.report_pdf(folder / "青禾职业学院2025年质量年度报告.pdf")
    files.report_pdf(folder / "encrypted.pdf", encrypt="secret")
    files.report_pdf(folder / "long.pdf", pages=25)
    files.scanned_pdf(folder / "scanned.pdf")
    files.truncated_pdf(good, folder / "truncated.pdf")
    files.garbage_pdf(folder / "garbage.pdf")
    (folder / "notes.pdf").write_text("这不是 PDF，只是改了扩展名的文本。", encoding="utf-8")
    (folder / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 2000)  # a Word 97 file renamed
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for part in ("txt", "meta.toml"):  # as the session's index was built: no rebuild before the upload
        shutil.copy(CORPUS / f"vocational-education-quality-report-2024-excerpt.{part}", folder)
    return folder


@pytest.mark.parametrize("name, reason", [
    ("encrypted.pdf", "PDF 已加密"),
    ("scanned.pdf", "扫描件"),
    ("truncated.pdf", "PDF 文件不完整"),
    ("garbage.pdf", "无法读取 PDF"),
    ("notes.pdf", "不是有效的 PDF 文件"),
    ("old.docx", "不是有效的 Word"),
    ("long.pdf", "共 25 页，超过上限 20 页"),
])
def test_a_bad_file_is_refused_by_name_with_the_reason(made, corpus, name, reason):
    checked = upload.check(made / name, name, LIMITS, corpus)
    assert not checked.ok and reason in checked.reason, checked
    assert checked.line.startswith(f"✗ 未收入 {name}：") and "Error" not in checked.line
    assert sorted(p.name for p in corpus.iterdir()) == ["vocational-education-quality-report-2024-excerpt.meta.toml",
                                                        "vocational-education-quality-report-2024-excerpt.txt"]


def test_size_and_duplicates_are_refused_before_reading(made, corpus):
    good = made / "青禾职业学院2025年质量年度报告.pdf"
    small = dataclasses.replace(LIMITS, max_bytes=10_000)
    assert "超过上限 0 MB" in upload.check(good, good.name, small, corpus).reason
    shutil.copy(good, corpus / "same-bytes.pdf")
    assert "与语料目录中的 same-bytes.pdf 内容相同" in upload.check(good, "another name.pdf", LIMITS, corpus).reason
    shutil.copy(made / "scanned.pdf", corpus / "taken.pdf")
    assert "已有同名文件 taken.pdf" in upload.check(good, "taken.pdf", LIMITS, corpus).reason
    assert "只接受 PDF 或 Word" in upload.check(good, "report.txt", LIMITS, corpus).reason


def test_a_good_report_is_read_with_its_title_pages_and_passages(made, corpus):
    good = made / "青禾职业学院2025年质量年度报告.pdf"
    checked = upload.check(good, good.name, LIMITS, corpus)
    assert checked.ok, checked.reason
    assert (checked.title, checked.pages) == (files.TITLE, 2) and checked.passages >= 2
    assert checked.line == f"✓ {good.name}：《{files.TITLE}》，2 页，{checked.passages} 个段落"


def test_a_bomb_is_stopped_by_the_memory_limit(tmp_path, corpus):
    """A page inflating to 600 MB: the reading process stops at its address-space limit, in seconds (unlimited,
    reading a 1.5 GB one took 12 s and 3.1 GB)."""
    bomb = files.bomb_pdf(tmp_path / "bomb.pdf", 600)
    started = time.monotonic()
    checked = upload.check(bomb, "bomb.pdf", dataclasses.replace(LIMITS, memory_mb=512), corpus)
    assert checked.reason == upload.MEMORY_REFUSAL and time.monotonic() - started < 60


def test_a_slow_file_is_stopped_by_the_time_limit(tmp_path, corpus):
    """The same kind of page with room in memory: it is the time limit that stops it, and says so."""
    bomb = files.bomb_pdf(tmp_path / "slow.pdf", 300)
    started = time.monotonic()
    checked = upload.check(bomb, "slow.pdf", dataclasses.replace(LIMITS, seconds=2, memory_mb=4096), corpus)
    assert "读取超过时限（2 秒）" in checked.reason and time.monotonic() - started < 10


def test_a_zip_bomb_with_a_word_name_is_refused(tmp_path, corpus):
    bomb = files.bomb_docx(tmp_path / "report.docx", 300)
    assert "疑似压缩炸弹" in upload.check(bomb, "report.docx", LIMITS, corpus).reason


def test_placing_never_writes_outside_the_corpus_nor_over_a_file(made, corpus):
    good = made / "青禾职业学院2025年质量年度报告.pdf"
    placed = upload.place(good, "qinghe.pdf", corpus)
    assert placed == (corpus / "qinghe.pdf").resolve() and placed.read_bytes() == good.read_bytes()
    for name in ("../escape.pdf", "sub/x.pdf", "qinghe.pdf"):
        with pytest.raises(upload.UploadRefused):
            upload.place(good, name, corpus)
    assert not (corpus.parent / "escape.pdf").exists()
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]  # no staging file left behind


# -- the registry table, the choice of documents, the examples, on the real index --------------------------------------

def test_the_documents_table_and_its_filters(report):
    audits = report.audit()
    rows = library.document_rows(audits)
    title, issuer, kind, year, region, pages, passages, figures, audit, source = rows[0]
    assert (title, issuer, kind, year) == ("2024年度中国职业教育质量报告——生机与力量：职业教育的中国故事",
                                          "中国教育科学研究院", "质量年度报告", 2024)
    assert passages > 20 and figures > 20 and audit == "✓" and source.endswith(".txt")
    choices = library.filter_choices(audits)
    assert ("2024", "2024") in choices["year"] and choices["kind"][0] == ("全部类型", "")
    assert library.shown(audits, year="2024") == audits and library.shown(audits, year="2023") == []
    assert library.count_line(0, 1) == "没有符合条件的文档（共 1 份）"
    assert library.header(12).count("已载入 12 份文档") == 1


def test_an_audit_line_is_chinese_for_officials():
    from rag.ingest.registry import DocumentAudit, DocumentRecord, problems

    record = DocumentRecord("scan.pdf", "scan", "file name", pages=4)
    line = library.audit_line(DocumentAudit(record, problems=problems(record)))
    assert line.startswith("✗ 没有找到标题，以文件名作标题") and "no title found" not in line


def test_chosen_documents_restrict_answers_and_the_api_parses_them(report):
    source = report.documents()[0].source
    assert library.parse_documents("") is None and library.parse_documents(f'["{source}"]') == (source,)
    assert library.parse_documents(f"{source}, other.pdf") == (source, "other.pdf")
    chat = ChatApp(report, "extractive", Path("/nonexistent/feedback.jsonl"))
    funds = "常州联合体每年的日常运行经费是多少？"
    assert chat.stream(funds, [], "extractive", None, None, (source,)).answer.found
    elsewhere = chat.stream(funds, [], "extractive", None, None, ("another-report.pdf",)).answer
    assert not elsewhere.found and not elsewhere.citations
    assert library.scope_line([], report.audit()).startswith("提问范围：全部 1 份文档")
    assert "2024年度中国职业教育质量报告" in library.scope_line([source], report.audit())


def test_examples_are_drawn_from_the_documents_and_answered(report):
    audits, figures, passages = report.audit(), report.figures(), report.passages()
    questions = library.example_questions(audits, figures, passages)
    assert questions and all(q.endswith("？") for q in questions)
    figure = library.figure_question(audits[0], figures)
    assert figure == "常州每年日常运行经费是多少？"
    chat = ChatApp(report, "extractive", Path("/nonexistent/feedback.jsonl"))
    for question in questions:
        assert chat.stream(question, [], "extractive", None, None).answer.found, question


def test_documents_endpoint_returns_the_registry_with_its_audit(report):
    chat = ChatApp(report, "extractive", Path("/nonexistent/feedback.jsonl"))
    records = chat.api_documents()
    assert [r["source"] for r in records] == [d.source for d in report.documents()]
    assert {"title", "issuer", "kind", "year", "region", "pages", "figures", "problems", "audit"} <= set(records[0])
    import json
    json.dumps(records, ensure_ascii=False)  # what gradio_client receives


def test_an_accepted_upload_is_indexed_incrementally_and_a_bad_one_changes_nothing(made, corpus, index_copy):
    """Through ChatApp.upload as the page calls it: the good report is checked, placed and indexed (one version
    more, the old passages' vectors reused), a bad one is refused by name; the chat then answers from the new
    document when it is chosen, citing it."""
    settings = load_settings(corpus_dir=corpus, index_dir=index_copy, web_allow_upload=True)
    report = Report(settings=settings, auto_rebuild=True)
    before = report.index_version()
    chat = ChatApp(report, "extractive", corpus.parent / "feedback.jsonl", allow_upload=True)
    good = made / "青禾职业学院2025年质量年度报告.pdf"
    steps = list(chat.upload([str(good), str(made / "encrypted.pdf")], "", "", "", []))
    status = steps[-1][0]
    assert f"✓ {good.name}：《{files.TITLE}》" in status and "✗ 未收入 encrypted.pdf：PDF 已加密" in status
    assert "完成：加入 1 份，未收入 1 份。" in status and "Traceback" not in status
    header, *_, table, count, chosen, scope = steps[-1][1:9]
    assert "已载入 2 份文档" in header and count == "共 2 份文档"
    assert files.TITLE in [row[0] for row in table["data"]]
    assert report.index_version() != before and (corpus / good.name).is_file()
    assert not (corpus / "encrypted.pdf").exists()
    answer = chat.stream(files.QUESTION, [], "extractive", None, None, (good.name,)).answer
    assert answer.found and files.FIGURE in answer.text and answer.citations[0].source == good.name
    assert files.TITLE in answer.citations[0].citation


def test_upload_is_refused_when_not_allowed(report):
    chat = ChatApp(report, "extractive", Path("/nonexistent/feedback.jsonl"))
    (status, *_), = list(chat.upload(["/etc/passwd"], "", "", "", []))
    assert "未开启网页上传" in status


def test_the_page_has_the_documents_tab_and_the_upload_only_when_allowed(report, tmp_path):
    from rag.serve.webapp import build_app

    def props_of(allow: bool) -> dict:
        config = build_app(report, tmp_path / "feedback.jsonl", "extractive", allow_upload=allow).get_config_file()
        return {c["props"].get("elem_id"): c["props"] for c in config["components"] if c["props"].get("elem_id")}

    props = props_of(False)
    assert props["documents-tab"]["label"] == "文档" and "已载入 1 份文档" in props["header"]["value"]
    assert "2024年度中国职业教育质量报告" not in props["header"]["value"]  # the count, not the titles
    assert props["documents-table"]["headers"] == library.DOCUMENT_HEADERS
    assert [tuple(c) for c in props["documents-chosen"]["choices"]] == library.document_choices(report.audit())
    assert "upload-files" not in props and "upload-button" not in props
    props = props_of(True)
    assert props["upload-files"]["file_types"] == [".pdf", ".docx"] and "upload-button" in props


def test_asking_goes_on_while_an_upload_is_indexed(made, corpus, index_copy):
    """The upload's checks and rebuild run beside the chat: questions asked meanwhile are answered from the version
    answering then, none fails, and the next one after it sees the new document."""
    import threading

    settings = load_settings(corpus_dir=corpus, index_dir=index_copy, web_allow_upload=True)
    report = Report(settings=settings, auto_rebuild=True)
    chat = ChatApp(report, "extractive", corpus.parent / "feedback.jsonl", allow_upload=True)
    chat.stream("预热", [], "extractive", None, None)  # the embedding model and the index, loaded before
    good = made / "青禾职业学院2025年质量年度报告.pdf"
    done = threading.Event()
    statuses: list[str] = []

    def uploading() -> None:
        statuses.extend(step[0] for step in chat.upload([str(good)], "", "", "", []))
        done.set()

    threading.Thread(target=uploading).start()
    while not chat._uploading.locked() and not done.is_set():
        time.sleep(0.05)
    (second, *_), = list(chat.upload([str(good)], "", "", "", []))  # one upload at a time
    assert second == "另一批文档正在入库，请等它完成后再上传。"
    answered_meanwhile = 0
    while not done.is_set():
        answer = chat.stream("常州联合体每年的日常运行经费是多少？", [], "extractive", None, None).answer
        assert answer.found and "200万元" in answer.text
        answered_meanwhile += not done.is_set()
    assert answered_meanwhile >= 3 and "完成：加入 1 份" in statuses[-1]
    assert chat.stream(files.QUESTION, [], "extractive", None, None).answer.citations[0].source == good.name


def test_a_word_report_is_accepted(corpus):
    """A real .docx (made with LibreOffice, tests/documents): read in the child like a PDF, pages 0 (Word has none)."""
    from helpers import ROOT

    word = ROOT / "tests" / "documents" / "make" / "school-quality-report.docx"
    checked = upload.check(word, word.name, LIMITS, corpus)
    assert checked.ok, checked.reason
    assert checked.title and checked.passages > 3 and checked.line.startswith("✓ school-quality-report.docx：《")


@pytest.mark.parametrize("setting, host, auth, allowed", [
    (False, "127.0.0.1", None, False), (True, "127.0.0.1", None, True), (True, "localhost", None, True),
    (True, "0.0.0.0", None, False), (False, "0.0.0.0", ("a", "b"), False),
    # The officials' login asks, never uploads: without a maintainer login (tests/test_upload_logins.py) uploads are off.
    (True, "10.1.2.3", ("admin", "pw"), False), (True, "127.0.0.1", ("admin", "pw"), False),
])
def test_upload_is_never_open_to_a_network_without_a_login(setting, host, auth, allowed):
    from rag.serve.web import upload_allowed

    assert upload_allowed(setting, host, auth) is allowed
