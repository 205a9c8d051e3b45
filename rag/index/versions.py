"""Versioned index folders with an atomic switch: readers only ever see a complete index."""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from rag.errors import IndexBuildError
from rag.index.manifest import MANIFEST

CURRENT = "CURRENT"  # names the complete version in use; replaced atomically


def current_version(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    version = index_dir / name
    return version if name and version.is_dir() else None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def build_lock(index_dir: Path):
    """One builder at a time per index folder (readers never take it)."""
    with open(index_dir / ".lock", "a+") as handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except ImportError:  # Windows: no flock; concurrent builds there are the user's risk
            pass
        yield


def _remove(folder: Path, release: Callable[[Path], None] | None) -> None:
    """Delete a version or staging folder, first freeing what it holds elsewhere (a database table)."""
    if release is not None:
        release(folder)
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def new_version(index_dir: Path, release: Callable[[Path], None] | None = None):
    """Yield an empty staging folder; on success it becomes the current version in one rename.

    release(folder) is called before any version or staging folder is deleted."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        staging = index_dir / f".build-{os.getpid()}-{time.time_ns()}"
        staging.mkdir()
    except OSError as err:
        raise IndexBuildError(f"无法写入索引目录 {index_dir}：{err.strerror}（index folder not writable）") from None
    try:
        with build_lock(index_dir):
            yield staging
            final = index_dir / f"v-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}"
            os.rename(staging, final)
            _write_atomic(index_dir / CURRENT, final.name + "\n")
            # A human-readable copy at the documented place; readers use the one inside the version.
            shutil.copyfile(final / MANIFEST, index_dir / f".{MANIFEST}.tmp")
            os.replace(index_dir / f".{MANIFEST}.tmp", index_dir / MANIFEST)
            _prune(index_dir, keep=final.name, release=release)
    except (OSError, RuntimeError) as err:
        _remove(staging, release)
        # FAISS reports a failed write (disk full, file too large) as a RuntimeError naming the write.
        if isinstance(err, RuntimeError) and "write error" not in str(err):
            raise
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err).rsplit("(", 1)[-1].rstrip(")")
        raise IndexBuildError(
            f"写入索引失败（{reason}），原有索引未改动（index write failed; previous index untouched）"
        ) from None
    except BaseException:
        _remove(staging, release)
        raise


def _prune(index_dir: Path, keep: str, release: Callable[[Path], None] | None = None) -> None:
    """Keep the new version and the one before it: a reader that just resolved it can still load it."""
    versions = sorted((p for p in index_dir.glob("v-*") if p.is_dir()), key=lambda p: p.name)
    for old in [v for v in versions if v.name != keep][:-1]:
        _remove(old, release)
    for stale in index_dir.glob(".build-*"):
        pid = stale.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            _remove(stale, release)  # left by a build that crashed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
