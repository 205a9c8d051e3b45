"""Read every document in the corpus folder; a bad file is reported and skipped, never fatal alone."""
from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import CorpusError
from rag.ingest.plain import Progress, ReadInfo
from rag.ingest.readers import READERS
from rag.ingest.table import Table

META_SUFFIX = ".meta.toml"  # report.pdf's metadata lives in report.meta.toml beside it
META_KEYS = {"title": str, "year": int, "publisher": str, "issuer": str}  # issuer: the same as publisher


@dataclass(frozen=True)
class SourceText:
    name: str  # path relative to the corpus folder, used as Passage.source
    text: str
    encoding: str
    line_pages: tuple[int | None, ...] = ()  # page of each line (PDF); empty when the format has no pages
    continued: frozenset[int] = frozenset()  # lines that continue the line before (PDF line wraps)
    meta: dict = field(default_factory=dict)  # title, year, publisher / issuer from the sidecar file, where given
    tables: dict[int, Table] = field(default_factory=dict)  # line index -> the table printed there
    title: str = ""  # the document's metadata title, when it is a real one
    page_labels: dict[int, str] = field(default_factory=dict)  # line index -> printed page that is no number
    breaks: frozenset[int] = frozenset()  # lines that start a paragraph (PDF: the line above stopped short)
    info: ReadInfo = field(default_factory=ReadInfo)  # printed title and issuer, author, pages (the registry's)


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str  # Chinese first, English after: shown to maintainers as is


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(META_SUFFIX)


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.stem + META_SUFFIX)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every visible file, metadata sidecars included (their changes must change the corpus hash)."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"找不到语料目录：{corpus_dir}（corpus folder not found）")
    files = sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )
    if not [p for p in files if not is_sidecar(p)]:
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


def read_meta(path: Path) -> dict:
    """title / year / publisher (or issuer) from a sidecar; a missing one is {}, a malformed one raises ValueError."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ValueError(f"元数据文件无法解析，已忽略（bad metadata file: {type(err).__name__}）") from None
    wrong = [k for k, kind in META_KEYS.items() if k in data and not isinstance(data[k], kind)]
    if wrong:
        raise ValueError(f"元数据字段类型错误：{'、'.join(wrong)}，已忽略（bad metadata field）")
    return {k: data[k] for k in META_KEYS if k in data}


def _read_one(path: Path, name: str, progress: bool = False) -> SourceText | Skipped:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return Skipped(name, f"不支持的文件类型 {path.suffix or '（无扩展名）'}（unsupported file type）")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Skipped(name, "文件在建索引时被删除（file disappeared while indexing）")
    except OSError as err:
        return Skipped(name, f"无法读取：{err.strerror}（unreadable）")
    if not data.strip():
        return Skipped(name, "空文件（empty file）")
    try:
        read = reader(data, _page_bar(name) if progress else None)
    except ValueError as err:
        return Skipped(name, str(err))
    return SourceText(name, read.text, read.encoding, read.line_pages, read.continued, tables=read.tables, title=read.title,
                      page_labels=read.page_labels, breaks=read.breaks, info=read.info)


def _page_bar(name: str) -> Progress:
    """A progress bar over a long document's pages (a 1,000-page PDF takes minutes to read)."""
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=f"读取 {name}", unit="页", leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def read_corpus(corpus_dir: Path, progress: bool = False) -> tuple[list[SourceText], list[Skipped]]:
    texts: list[SourceText] = []
    skipped: list[Skipped] = []
    for path in corpus_files(corpus_dir):
        if is_sidecar(path):
            continue
        name = path.relative_to(corpus_dir).as_posix()
        result = _read_one(path, name, progress)
        if isinstance(result, Skipped):
            skipped.append(result)
            continue
        sidecar = sidecar_of(path)
        try:
            result = dataclasses.replace(result, meta=read_meta(sidecar))
        except ValueError as err:  # the document is still indexed, with the metadata of its own title
            skipped.append(Skipped(sidecar.relative_to(corpus_dir).as_posix(), str(err)))
        texts.append(result)
    if not texts:
        reasons = "；".join(f"{s.name}：{s.reason}" for s in skipped)
        raise CorpusError(f"语料目录中没有可读取的文档：{corpus_dir}（no readable document）{('：' + reasons) if reasons else ''}")
    return texts, skipped
