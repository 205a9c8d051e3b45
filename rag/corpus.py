"""Read every document in the corpus folder; a bad file is reported and skipped, never fatal alone."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}


@dataclass(frozen=True)
class SourceText:
    name: str  # path relative to the corpus folder, used as Passage.source
    text: str
    encoding: str


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str  # Chinese first, English after: shown to maintainers as is


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"找不到语料目录：{corpus_dir}（corpus folder not found）")
    files = sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )
    if not files:
        raise CorpusError(f"语料目录为空：{corpus_dir}（corpus folder is empty）")
    return files


def corpus_hash(corpus_dir: Path) -> str:
    """Hash of every file's name and bytes: any change to the corpus changes it."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.relative_to(corpus_dir).as_posix().encode("utf-8") + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312) as Chinese PDFs often give."""
    if b"\0" in data[:8192]:
        raise ValueError("二进制文件，不是文本（binary file, not text）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls > len(text[:8192]) * 0.01:
            raise ValueError("含大量控制字符，不像文本（too many control characters）")
        return text, encoding.replace("-sig", "")
    raise ValueError("无法识别的文字编码，请转为 UTF-8（unknown encoding; convert to UTF-8）")


def read_corpus(corpus_dir: Path) -> tuple[list[SourceText], list[Skipped]]:
    texts: list[SourceText] = []
    skipped: list[Skipped] = []
    for path in corpus_files(corpus_dir):
        name = path.relative_to(corpus_dir).as_posix()
        if path.suffix.lower() not in TEXT_SUFFIXES:
            skipped.append(Skipped(name, f"不支持的文件类型 {path.suffix or '（无扩展名）'}（unsupported file type）"))
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            skipped.append(Skipped(name, "文件在建索引时被删除（file disappeared while indexing）"))
            continue
        except OSError as err:
            skipped.append(Skipped(name, f"无法读取：{err.strerror}（unreadable）"))
            continue
        if not data.strip():
            skipped.append(Skipped(name, "空文件（empty file）"))
            continue
        try:
            text, encoding = decode(data)
        except ValueError as err:
            skipped.append(Skipped(name, str(err)))
            continue
        texts.append(SourceText(name, text, encoding))
    if not texts:
        reasons = "；".join(f"{s.name}：{s.reason}" for s in skipped)
        raise CorpusError(f"语料目录中没有可读取的文档：{corpus_dir}（no readable document）{('：' + reasons) if reasons else ''}")
    return texts, skipped
