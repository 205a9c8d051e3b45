"""pgvector as the dense store: a throwaway PostgreSQL cluster (conftest.py's pg_dsn), the real corpus, FAISS as the reference."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from helpers import CORPUS, free_port
from rag import Report
from rag.config import load_settings
from rag.errors import RagError, VectorStoreError
from rag.index.versions import CURRENT, current_version
from rag.index.pgvector import POINTER

QUESTIONS = [
    "常州联合体每年的日常运行经费是多少？",
    "晋江联合体依托哪个开发区、由哪两家单位牵头？",
    "联合体面向企业提供了多少个培训项目？",
    "职业教育国际化有哪些做法？",
]


def _settings(dsn: str, **changes):
    return dataclasses.replace(load_settings(), vector_store="pgvector", pg_dsn=dsn, **changes)


def _tables(dsn: str) -> set[str]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'rag_dense_%'")}


def _table_of(version: Path) -> str:
    import json

    return json.loads((version / POINTER).read_text(encoding="utf-8"))["table"]


def test_pgvector_index_returns_the_same_passages_as_faiss(pg_dsn, report, index_copy):
    # The FAISS copy becomes the previous version: the switch reuses its vectors and embeds nothing.
    pg_report = Report(CORPUS, index_copy, settings=_settings(pg_dsn), auto_rebuild=False)
    assert any("向量库设置已改变" in r for r in pg_report.stale_reasons(report.manifest()))
    built = pg_report.build()
    assert built.reused == built.passages and built.embedded == 0
    version = current_version(index_copy)
    assert not (version / "dense.faiss").exists() and _table_of(version) in _tables(pg_dsn)
    assert pg_report.manifest().vector_store["kind"] == "pgvector"
    for question in QUESTIONS:
        for mode in ("dense", "hybrid"):
            expected = report.search(question, k=5, mode=mode)
            got = pg_report.search(question, k=5, mode=mode)
            assert [h.id for h in got] == [h.id for h in expected], (question, mode)
            assert [h.dense for h in got] == pytest.approx([h.dense for h in expected], abs=1e-5)
    assert "200万元日常运行经费" in pg_report.search(QUESTIONS[0], k=1)[0].text
    filtered = pg_report.search("经费", k=3, case="晋江")  # a filter ranks every row of the table
    assert filtered and all(h.case.startswith("晋江") for h in filtered)


def test_a_rebuild_switches_versions_atomically_and_prunes_old_tables(pg_dsn, mini_corpus, tmp_path):
    index_dir = tmp_path / "index"
    reader = Report(mini_corpus, index_dir, settings=_settings(pg_dsn), auto_rebuild=False)
    reader.build()
    first = current_version(index_dir)
    question = "晋江联合体依托哪个开发区、由哪两家单位牵头？"
    old_index = reader.retriever()  # a reader mid-request keeps this version
    assert any("福建盼盼食品有限公司" in h.text for h in reader.search(question, k=3))

    path = mini_corpus / "jinjiang.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("福建盼盼食品有限公司", "某某食品公司"), encoding="utf-8")
    writer = Report(mini_corpus, index_dir, settings=_settings(pg_dsn), auto_rebuild=False)
    assert writer.build().embedded == 1
    second = current_version(index_dir)
    first_table, second_table = _table_of(first), _table_of(second)
    assert first_table != second_table and {first_table, second_table} <= _tables(pg_dsn)
    assert any("福建盼盼食品有限公司" in h.text for h in old_index.search(question, k=3))  # old table still serves
    assert any("某某食品公司" in h.text for h in reader.search(question, k=3))  # readers switch when complete

    writer.build()  # a third version: the first is pruned, folder and table together
    assert not first.exists() and first_table not in _tables(pg_dsn)
    assert second_table in _tables(pg_dsn) and len(list(index_dir.glob("v-*"))) == 2


def test_an_unreachable_database_is_a_clear_error(pg_dsn, mini_corpus, tmp_path):
    closed = f"postgresql://rag:hunter2@127.0.0.1:{free_port()}/postgres"
    index_dir = tmp_path / "index"
    with pytest.raises(VectorStoreError, match="无法连接向量数据库 PostgreSQL 127.0.0.1") as err:
        Report(mini_corpus, index_dir, settings=_settings(closed), auto_rebuild=False).build()
    assert "hunter2" not in str(err.value) and "\n" not in str(err.value)
    assert current_version(index_dir) is None and not list(index_dir.glob(".build-*"))

    Report(mini_corpus, index_dir, settings=_settings(pg_dsn), auto_rebuild=False).build()
    before = (index_dir / CURRENT).read_text()
    with pytest.raises(VectorStoreError, match="无法连接向量数据库"):
        Report(mini_corpus, index_dir, settings=_settings(closed), auto_rebuild=False).search("经费")
    with pytest.raises(VectorStoreError, match="pg_dsn"):
        Report(mini_corpus, index_dir, settings=_settings(""), auto_rebuild=False).search("经费")
    assert (index_dir / CURRENT).read_text() == before


def test_the_switch_is_read_from_file_and_environment(tmp_path, monkeypatch):
    config = tmp_path / "rag.toml"
    config.write_text('[rag]\nvector_store = "pgvector"\npg_dsn = "postgresql://rag:pw@db/rag"\n', encoding="utf-8")
    settings = load_settings(config)
    assert (settings.vector_store, settings.pg_dsn) == ("pgvector", "postgresql://rag:pw@db/rag")
    assert "pw@" not in repr(settings)
    monkeypatch.setenv("RAG_VECTOR_STORE", "faiss")
    monkeypatch.setenv("RAG_PG_DSN", "postgresql://other/rag")
    assert (load_settings(config).vector_store, load_settings(config).pg_dsn) == ("faiss", "postgresql://other/rag")
    monkeypatch.setenv("RAG_VECTOR_STORE", "qdrant")  # not a store (milvus now is)
    with pytest.raises(RagError, match="未知的向量库"):
        load_settings(config)


def _plan(dsn: str, table: str, sql: str) -> str:
    import psycopg

    with psycopg.connect(dsn) as conn:
        conn.execute("SET enable_seqscan = off")  # on 31 rows the planner would scan them all anyway
        vector = conn.execute(f"SELECT embedding::text FROM {table} LIMIT 1").fetchone()[0]
        return "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql.format(t=table, v=vector)))


def test_a_large_index_is_searched_through_an_hnsw_index(pg_dsn, report, tmp_path, monkeypatch):
    # 31 passages stand in for 50,000: the size rule is lowered, the code path is the one a large corpus takes.
    monkeypatch.setattr("rag.index.dense.HNSW_FROM", 10)
    pg_report = Report(CORPUS, tmp_path / "index", settings=_settings(pg_dsn), auto_rebuild=False)
    pg_report.build()
    assert pg_report.manifest().vector_store["index"] == "hnsw"
    table = _table_of(current_version(tmp_path / "index"))
    top_k = "SELECT row FROM {t} ORDER BY embedding <#> '{v}'::vector LIMIT 5"
    exact = "SELECT row FROM {t} ORDER BY (embedding <#> '{v}'::vector) + 0, row LIMIT 500"
    assert f"Index Scan using {table}_hnsw" in _plan(pg_dsn, table, top_k)
    assert "_hnsw" not in _plan(pg_dsn, table, exact)  # a filtered search ranks every row exactly
    for question in QUESTIONS:  # HNSW over 31 vectors misses nothing: the same passages as FAISS
        assert [h.id for h in pg_report.search(question, k=5, mode="dense")] == \
               [h.id for h in report.search(question, k=5, mode="dense")], question
    filtered = pg_report.search("经费", k=3, case="晋江")
    assert filtered and all(h.case.startswith("晋江") for h in filtered)
