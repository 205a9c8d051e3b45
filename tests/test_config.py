"""Configuration: settings declared once, read from defaults, then rag.toml, then environment variables."""
import sys
from pathlib import Path

import pytest

from rag import RagError
from rag.config import PROJECT_ROOT, Settings, declared_settings, load_settings

from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import config_docs  # noqa: E402  scripts/config_docs.py: the page's generator

SETTINGS = declared_settings()
# A value each setting accepts; vector_store is checked against the known stores.
SAMPLES = {"str": "pgvector", "int": "5", "float": "0.25", "Path": "elsewhere/folder", "bool": "false"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Settings read RAG_* variables: start every test without the ones the machine may have set."""
    for info in SETTINGS:
        monkeypatch.delenv(info.env, raising=False)
    monkeypatch.delenv("RAG_CONFIG", raising=False)


def test_file_then_environment(tmp_path, monkeypatch):
    config = tmp_path / "rag.toml"
    config.write_text('[rag]\ncorpus_dir = "docs"\nchunk_max_chars = 250\n\n[llm]\nbackend = "extractive"\n', encoding="utf-8")
    settings = load_settings(config)
    assert settings.corpus_dir == tmp_path / "docs" and settings.chunk_max_chars == 250
    assert settings.extra["llm"]["backend"] == "extractive"
    monkeypatch.setenv("RAG_CHUNK_MAX_CHARS", "180")
    assert load_settings(config).chunk_max_chars == 180


def test_mistakes_in_the_file_are_named(tmp_path, monkeypatch):
    config = tmp_path / "rag.toml"
    config.write_text("[rag]\nchunk_size = 3\n", encoding="utf-8")
    with pytest.raises(RagError, match="未知配置项 rag.chunk_size"):
        load_settings(config)
    monkeypatch.setenv("RAG_CHUNK_MAX_CHARS", "big")
    with pytest.raises(RagError, match="应为整数"):
        load_settings(tmp_path / "absent.toml")
    monkeypatch.delenv("RAG_CHUNK_MAX_CHARS")
    monkeypatch.setenv("RAG_ANSWER_QUOTED_ONLY", "half")
    with pytest.raises(RagError, match="应为数字"):
        load_settings(tmp_path / "absent.toml")


CHOICES = {"vector_store": ("milvus", "pgvector", "faiss"), "embed_engine": ("ray", "local", "ray")}


@pytest.mark.parametrize("info", SETTINGS, ids=lambda info: info.name)
def test_every_setting_is_read_from_the_file_then_the_environment_then_overrides(info, tmp_path, monkeypatch):
    choice = CHOICES.get(info.name)  # a setting of a few values is tried with each of three of them
    sample = choice[0] if choice else "other" if info.kind == "str" else SAMPLES[info.kind]
    table, key = info.toml_key.split(".")
    config = tmp_path / "rag.toml"
    config.write_text(f'[{table}]\n{key} = "{sample}"\n', encoding="utf-8")
    expected = {"str": sample, "int": 5, "float": 0.25, "Path": tmp_path / sample,
                "bool": False}[info.kind]  # paths: relative to the file
    assert getattr(load_settings(config), info.name) == expected

    from_env = {"str": choice[1] if choice else "from-env", "int": "7", "float": "0.75", "Path": "env/folder",
                "bool": "yes"}
    monkeypatch.setenv(info.env, from_env[info.kind])
    expected = {"str": from_env["str"], "int": 7, "float": 0.75, "Path": Path("env/folder"), "bool": True}[info.kind]
    assert getattr(load_settings(config), info.name) == expected  # the environment wins over the file
    override = {"str": choice[2] if choice else "override", "int": 9, "float": 0.0, "Path": tmp_path,
                "bool": False}[info.kind]
    assert getattr(load_settings(config, **{info.name: override}), info.name) == override


def test_the_web_table_holds_the_web_settings(tmp_path, monkeypatch):
    config = tmp_path / "rag.toml"
    config.write_text('[web]\nhost = "0.0.0.0"\nport = 8080\nfeedback = "fb/log.jsonl"\nauth = "官员:s3cret"\n',
                      encoding="utf-8")
    settings = load_settings(config)
    assert (settings.web_host, settings.web_port, settings.web_auth) == ("0.0.0.0", 8080, "官员:s3cret")
    assert settings.web_feedback == tmp_path / "fb" / "log.jsonl"
    assert settings.extra["web"]["port"] == 8080  # still readable as a table by callers that read it so
    monkeypatch.setenv("RAG_WEB_PORT", "9090")
    assert load_settings(config).web_port == 9090
    assert load_settings(config, web_port=9191).web_port == 9191

    monkeypatch.delenv("RAG_WEB_PORT")
    defaults = load_settings(tmp_path / "absent.toml")
    assert (defaults.web_host, defaults.web_port, defaults.web_auth) == ("127.0.0.1", 7860, "")
    assert defaults.web_feedback == PROJECT_ROOT / "eval" / "feedback" / "feedback.jsonl"

    config.write_text('[web]\nhots = "0.0.0.0"\n', encoding="utf-8")
    with pytest.raises(RagError, match="未知配置项 web.hots"):
        load_settings(config)
    monkeypatch.setenv("RAG_WEB_PORT", "70000")
    with pytest.raises(RagError, match="web_port 应在 1–65535 之间"):
        load_settings(tmp_path / "absent.toml")


def test_secrets_are_never_printed(monkeypatch, tmp_path):
    secrets = {"RAG_PG_DSN": "postgresql://u:pg-secret@db/rag", "RAG_OPENAI_API_KEY": "sk-key-secret",
               "RAG_WEB_AUTH": "官员:web-secret", "RAG_MILVUS_TOKEN": "root:milvus-secret",
               "RAG_WEB_MAINTAINER_AUTH": "维护:maintainer-secret"}
    for env, value in secrets.items():
        monkeypatch.setenv(env, value)
    settings = load_settings(tmp_path / "absent.toml")
    assert settings.pg_dsn == secrets["RAG_PG_DSN"] and settings.web_auth == secrets["RAG_WEB_AUTH"]
    listed = [info for info in SETTINGS if info.secret]
    assert {info.name for info in listed} == {"pg_dsn", "milvus_token", "openai_api_key", "web_auth",
                                              "web_maintainer_auth"}
    assert all(info.default is None and info.shown_default == "—" for info in listed)
    shown = repr(settings) + repr(SETTINGS)
    assert not any(secret in shown for secret in ("pg-secret", "sk-key-secret", "web-secret", "milvus-secret",
                                                  "maintainer-secret"))


def test_every_setting_is_declared_once_with_a_distinct_environment_variable_and_help():
    names = [f for f in Settings.__dataclass_fields__ if f != "extra"]
    assert [info.name for info in SETTINGS] == names
    envs = [info.env for info in SETTINGS]
    assert len(set(envs)) == len(envs) and all(env.startswith("RAG_") for env in envs)
    assert len({info.toml_key for info in SETTINGS}) == len(SETTINGS)
    assert all(info.help.strip() for info in SETTINGS)


def _docs_table() -> dict[str, tuple[str, str]]:
    """rag.toml key -> (environment variable, default) from the generated table of docs/configuration.md."""
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = text.split(config_docs.BEGIN, 1)[1].split(config_docs.END, 1)[0]
    lines = section.strip().splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("|---")) + 1  # below the header
    rows = {}
    for line in lines[start:]:
        if line.startswith("|"):
            key, env, default = (cell.strip().strip("`") for cell in line.strip("|").split(" | ")[:3])
            assert key not in rows, f"docs/configuration.md lists {key} twice"
            rows[key] = (env, default)
    return rows


def test_the_configuration_page_documents_every_setting_and_no_other():
    documented = _docs_table()
    declared = {info.toml_key: (info.env, info.shown_default) for info in SETTINGS}
    assert sorted(set(declared) - set(documented)) == [], "settings missing from docs/configuration.md"
    assert sorted(set(documented) - set(declared)) == [], "docs/configuration.md documents settings that do not exist"
    assert documented == declared  # each with its environment variable and default


def test_the_configuration_page_is_the_one_generated_from_the_code():
    """The table cannot drift: it is written from rag/config.py (python scripts/config_docs.py, run by make docs)."""
    page = config_docs.PAGE.read_text(encoding="utf-8")
    assert config_docs.render(page) == page, "docs/configuration.md is stale: run python scripts/config_docs.py"
    for info in SETTINGS:  # the help text too, not only key, variable and default
        assert info.help.replace("|", "\\|") in page, info.name
