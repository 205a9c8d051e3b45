"""Shared fixtures: the real corpus, one real index built once per session, a network guard."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORT_FILE = CORPUS / "vocational-education-quality-report-2024-excerpt.txt"


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> Path:
    """The real corpus indexed once with the real embedding model; tests copy it, never change it."""
    index_dir = tmp_path_factory.mktemp("index")
    Report(CORPUS, index_dir, auto_rebuild=False).build()
    return index_dir


@pytest.fixture(scope="session")
def report(built_index) -> Report:
    return Report(CORPUS, built_index, auto_rebuild=False)


@pytest.fixture
def index_copy(built_index, tmp_path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


@pytest.fixture
def mini_corpus(tmp_path, report_text) -> Path:
    """A small real corpus: the table of contents and the 晋江 case only (fast to rebuild)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    start = report_text.index("# 03")
    toc_end = report_text.index("【点评】中联重科")
    jinjiang = report_text.index("## 晋江：")
    (folder / "jinjiang.txt").write_text(report_text[start:toc_end] + report_text[jinjiang:], encoding="utf-8")
    return folder
