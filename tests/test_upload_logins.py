"""Two logins (issue 31): the officials' (`[web] auth`) asks, the maintainer's (`[web] maintainer_auth`) also adds
documents when `allow_upload` is on. Who may upload for each combination of settings and address, the accounts the
page accepts, and the upload handler itself refusing any visitor but the maintainer (a real gr.Request, as gradio
hands it, whatever the page showed); the page's upload controls hidden until the visit is the maintainer's."""
from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr
import pytest

from rag import Report
from rag.config import load_settings
from rag.errors import RagError
from rag.serve.web import logins, parse_auth, upload_allowed, upload_off_reason
from rag.serve.webapp import ChatApp, build_app

from helpers import CORPUS

OFFICIAL = ("官员", "ask-secret")
MAINTAINER = ("维护", "upload-secret")
REFUSED = "只有维护人员账号可以上传文档"


@pytest.mark.parametrize("setting, host, auth, maintainer, allowed", [
    # allow_upload off: nobody uploads, whatever the logins.
    (False, "127.0.0.1", None, None, False), (False, "127.0.0.1", None, MAINTAINER, False),
    (False, "0.0.0.0", OFFICIAL, MAINTAINER, False),
    # No maintainer login: the one local user on loopback with no login at all; never the officials' login, never a
    # network address.
    (True, "127.0.0.1", None, None, True), (True, "localhost", None, None, True), (True, "::1", None, None, True),
    (True, "127.0.0.1", OFFICIAL, None, False), (True, "0.0.0.0", None, None, False),
    (True, "10.1.2.3", OFFICIAL, None, False),
    # A maintainer login: uploads on, for that login only (the handler checks who asks), on any address.
    (True, "127.0.0.1", None, MAINTAINER, True), (True, "127.0.0.1", OFFICIAL, MAINTAINER, True),
    (True, "0.0.0.0", None, MAINTAINER, True), (True, "10.1.2.3", OFFICIAL, MAINTAINER, True),
])
def test_uploads_are_on_only_with_a_maintainer_or_alone_on_loopback(setting, host, auth, maintainer, allowed):
    assert upload_allowed(setting, host, auth, maintainer) is allowed


def test_the_warning_says_why_uploads_are_off():
    assert "提问账号不能上传" in upload_off_reason("127.0.0.1", OFFICIAL)
    assert "监听 0.0.0.0 而未设置维护人员账号" in upload_off_reason("0.0.0.0", None)
    assert not any(secret in upload_off_reason("0.0.0.0", OFFICIAL) for secret in ("ask-secret", "upload-secret"))


def test_the_page_accepts_both_logins_and_refuses_one_name_for_both():
    assert logins(None, None) is None
    assert logins(OFFICIAL, None) == [OFFICIAL] and logins(None, MAINTAINER) == [MAINTAINER]
    assert logins(OFFICIAL, MAINTAINER) == [OFFICIAL, MAINTAINER]
    with pytest.raises(RagError, match="维护人员与提问账号须分开"):
        logins(OFFICIAL, (OFFICIAL[0], "other"))
    assert parse_auth("维护:a:b", "--maintainer-auth", "RAG_WEB_MAINTAINER_AUTH") == ("维护", "a:b")
    with pytest.raises(RagError, match="--maintainer-auth 应为 用户名:密码（RAG_WEB_MAINTAINER_AUTH 同样格式）"):
        parse_auth("no-colon", "--maintainer-auth", "RAG_WEB_MAINTAINER_AUTH")


def test_the_maintainer_login_is_a_secret_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_WEB_MAINTAINER_AUTH", "维护:upload-secret")
    settings = load_settings(tmp_path / "absent.toml")
    assert settings.web_maintainer_auth == "维护:upload-secret" and "upload-secret" not in repr(settings)
    monkeypatch.delenv("RAG_WEB_MAINTAINER_AUTH")
    (tmp_path / "rag.toml").write_text('[web]\nallow_upload = true\nmaintainer_auth = "维护:toml-secret"\n',
                                       encoding="utf-8")
    settings = load_settings(tmp_path / "rag.toml")
    assert settings.web_allow_upload and settings.web_maintainer_auth == "维护:toml-secret"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for part in ("txt", "meta.toml"):  # as the session's index was built: no rebuild
        shutil.copy(CORPUS / f"vocational-education-quality-report-2024-excerpt.{part}", folder)
    return folder


def uploaded(chat: ChatApp, path: Path, username: str | None) -> str:
    """The upload handler as gradio calls it, with the request of a visitor logged in as username (None: no login)."""
    steps = list(chat.upload([str(path)], "", "", "", [], gr.Request(username=username)))
    return steps[-1][0]


def test_the_handler_lets_only_the_maintainer_upload(corpus, index_copy, tmp_path, caplog):
    """An official, a visitor without a login and a stranger are refused before any file is read or written; the
    maintainer's upload goes on to the checks (a text renamed .pdf: refused there, by name, so nothing is rebuilt)."""
    settings = load_settings(corpus_dir=corpus, index_dir=index_copy, web_allow_upload=True)
    chat = ChatApp(Report(settings=settings), "extractive", tmp_path / "feedback.jsonl", allow_upload=True,
                   maintainer=MAINTAINER[0])
    fake = tmp_path / "notes.pdf"
    fake.write_text("这不是 PDF。", encoding="utf-8")
    before = sorted(p.name for p in corpus.iterdir())
    for visitor in (OFFICIAL[0], None, "someone"):
        status = uploaded(chat, fake, visitor)
        assert REFUSED in status and "当前账号只能提问" in status, (visitor, status)
        assert not chat.may_upload(gr.Request(username=visitor))
    assert sorted(p.name for p in corpus.iterdir()) == before and not chat._uploading.locked()
    status = uploaded(chat, fake, MAINTAINER[0])
    assert REFUSED not in status and f"（登录用户：{MAINTAINER[0]}）" in status
    assert "✗ 未收入 notes.pdf：" in status and "完成：加入 0 份，未收入 1 份。" in status
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert "ask-secret" not in caplog.text and "upload-secret" not in caplog.text


def test_without_a_maintainer_only_a_visitor_without_login_uploads(report, tmp_path):
    """The page served with no login on loopback: its one user uploads; a logged-in visitor (a page launched with
    the officials' login only) does not."""
    chat = ChatApp(report, "extractive", tmp_path / "feedback.jsonl", allow_upload=True)
    assert chat.may_upload(gr.Request(username=None)) and chat.may_upload(None)
    assert not chat.may_upload(gr.Request(username=OFFICIAL[0]))
    assert REFUSED in uploaded(chat, tmp_path / "absent.pdf", OFFICIAL[0])
    off = ChatApp(report, "extractive", tmp_path / "feedback.jsonl", allow_upload=False, maintainer=MAINTAINER[0])
    assert not off.may_upload(gr.Request(username=MAINTAINER[0]))
    assert "未开启网页上传" in uploaded(off, tmp_path / "absent.pdf", MAINTAINER[0])


def test_the_upload_controls_are_hidden_until_the_visit_is_the_maintainers(report, tmp_path):
    def group(maintainer: str | None) -> dict:
        demo = build_app(report, tmp_path / "feedback.jsonl", "extractive", allow_upload=True, maintainer=maintainer)
        config = demo.get_config_file()
        return next(c["props"] for c in config["components"] if c["props"].get("elem_id") == "upload"), demo

    props, demo = group(MAINTAINER[0])
    assert props["visible"] is False
    chat = demo.rag_app
    assert chat.upload_shown(gr.Request(username=MAINTAINER[0])).visible is True
    assert chat.upload_shown(gr.Request(username=OFFICIAL[0])).visible is False
    props, _ = group(None)
    assert props["visible"] is True  # no login at all: the local user's page shows it at once
