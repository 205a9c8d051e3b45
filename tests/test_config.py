"""Configuration: defaults, then rag.toml, then environment variables."""
import pytest

from rag import RagError
from rag.config import load_settings


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
