"""Reading the corpus folder: every file ingested, bad files reported and skipped."""
import pytest

from rag.ingest.corpus import corpus_hash, read_corpus
from rag.errors import CorpusError

SAMPLE = "## 常州：测试\n\n### 一、背景介绍\n\n联合体每年安排200万元日常运行经费。\n"


def test_missing_and_empty_folders_are_errors(tmp_path):
    with pytest.raises(CorpusError, match="找不到语料目录"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="语料目录为空"):
        read_corpus(tmp_path)


def test_every_file_is_read_and_bad_ones_are_skipped(tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(SAMPLE.encode("gbk"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    (tmp_path / "report.docx").write_bytes(b"PK\3\4")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\3\4")
    (tmp_path / ".hidden.txt").write_text(SAMPLE, encoding="utf-8")
    texts, skipped = read_corpus(tmp_path)
    assert {t.name for t in texts} == {"a.txt", "sub/b.md", "gbk.txt"}
    assert next(t for t in texts if t.name == "gbk.txt").text == SAMPLE  # GBK decoded, not mojibake
    reasons = {s.name: s.reason for s in skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "report.docx", "sheet.xlsx"}
    assert "空文件" in reasons["empty.txt"] and "二进制" in reasons["binary.txt"] and "不支持" in reasons["sheet.xlsx"]
    assert reasons["report.docx"].startswith("无法读取 DOCX")


def test_nothing_readable_is_an_error_naming_the_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    with pytest.raises(CorpusError, match="empty.txt"):
        read_corpus(tmp_path)


def test_corpus_hash_changes_with_any_file(tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    before = corpus_hash(tmp_path)
    assert corpus_hash(tmp_path) == before
    (tmp_path / "a.txt").write_text(SAMPLE + "又一句。", encoding="utf-8")
    assert corpus_hash(tmp_path) != before
