"""Incremental reindex: only passages whose embedded text changed are embedded again."""
import json

from rag import Report
from rag.index.versions import current_version

SAMPLE = "## 常州：补充\n\n### 一、背景介绍\n\n补充材料说联合体新增了测试专业7个。\n\n补充材料还说联合体举办了洽谈会9场。\n"


def _hits(report, question):
    return [(h.id, h.score, h.citation) for h in report.search(question, k=5)]


def test_unchanged_corpus_embeds_nothing_and_searches_alike(mini_corpus, tmp_path):
    report = Report(mini_corpus, tmp_path / "index", auto_rebuild=False)
    first = report.build()
    assert first.embedded == first.added == first.passages > 5 and first.reused == 0
    before = _hits(report, "晋江联合体依托哪个开发区、由哪两家单位牵头？")
    again = report.build()
    assert (again.embedded, again.added, again.changed, again.removed, again.reused) == (0, 0, 0, 0, first.passages)
    assert again.folder != first.folder  # still a new version behind the atomic switch
    assert _hits(report, "晋江联合体依托哪个开发区、由哪两家单位牵头？") == before


def test_one_edited_sentence_embeds_one_passage(mini_corpus, tmp_path):
    report = Report(mini_corpus, tmp_path / "index", auto_rebuild=False)
    first = report.build()
    path = mini_corpus / "jinjiang.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("福建盼盼食品有限公司", "某某食品公司"), encoding="utf-8")
    edited = report.build()
    assert (edited.embedded, edited.changed, edited.added, edited.removed) == (1, 1, 0, 0)
    assert edited.reused == first.passages - 1
    assert any("某某食品公司" in h.text for h in report.search("晋江联合体由哪两家单位牵头？", k=3))


def test_deleted_file_loses_its_passages(mini_corpus, tmp_path):
    report = Report(mini_corpus, tmp_path / "index", auto_rebuild=False)
    base = report.build()
    (mini_corpus / "extra.md").write_text(SAMPLE, encoding="utf-8")
    grown = report.build()
    assert grown.added == grown.embedded == grown.passages - base.passages > 0
    assert any(h.source == "extra.md" for h in report.search("联合体新增了几个测试专业？", k=3))
    (mini_corpus / "extra.md").unlink()
    shrunk = report.build()
    assert (shrunk.removed, shrunk.embedded, shrunk.passages) == (grown.added, 0, base.passages)
    assert not any(h.source == "extra.md" for h in report.search("联合体新增了几个测试专业？", k=5))


def test_another_model_or_chunker_means_a_full_rebuild(mini_corpus, tmp_path):
    report = Report(mini_corpus, tmp_path / "index", auto_rebuild=False)
    first = report.build()
    version = current_version(tmp_path / "index")
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest["chunker_version"] = "0"
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    rebuilt = report.build()
    assert rebuilt.embedded == rebuilt.added == first.passages and rebuilt.reused == 0
