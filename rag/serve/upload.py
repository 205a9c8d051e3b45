"""Adding documents from the web page: an upload's name made safe, its bytes checked, the file read in a process of
its own under time and memory limits, refused by name with the reason in Chinese, or placed in the corpus folder and
the index rebuilt incrementally (published atomically: visitors keep asking the previous version meanwhile)."""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError

log = logging.getLogger("rag.serve.upload")
ACCEPTED = (".pdf", ".docx")
# A DOCX is a zip: more than this unpacked, or packed more tightly than this, is a zip bomb, not a report (a 300-page
# Word report with its pictures unpacks to well under 200 MB; text compresses about 5-10 times, not 100).
DOCX_MAX_UNPACKED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 100
MEMORY_REFUSAL = "读取时所需内存超过上限，文件结构异常（如一页内容解压后达数百 MB），未收入"
NAME_CHARS = 80  # the stem kept of an uploaded file's name
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff\-（）()《》·]+")


class UploadRefused(Exception):
    """Why an upload is not added, in Chinese, for the maintainer who sent it."""


@dataclass(frozen=True)
class Limits:
    """What one upload may cost: bytes, PDF pages, seconds (wall and CPU) and memory of the process reading it."""
    max_bytes: int
    max_pages: int
    seconds: int
    memory_mb: int
    chunk_max_chars: int = 200

    @classmethod
    def of(cls, settings) -> Limits:
        return cls(settings.web_upload_max_mb * 1024 * 1024, settings.web_upload_max_pages,
                   settings.web_upload_timeout, settings.web_upload_memory_mb, settings.chunk_max_chars)


@dataclass(frozen=True)
class Checked:
    """One uploaded file after its checks: accepted (with what reading it found) or refused with the reason."""
    original: str  # the name as uploaded (shown back, never used as a path)
    name: str  # the safe name it takes in the corpus folder ("" when none could be made)
    reason: str = ""  # why it is refused, in Chinese; "" when accepted
    title: str = ""
    pages: int = 0
    passages: int = 0

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def line(self) -> str:
        """One line for the page: ✓ what was added, or ✗ the file by name and why not."""
        if not self.ok:
            return f"✗ 未收入 {self.original}：{self.reason}"
        pages = f"{self.pages} 页，" if self.pages else ""
        return f"✓ {self.original}：《{self.title}》，{pages}{self.passages} 个段落"


@dataclass
class Outcome:
    """What an upload did: the files checked, whether the index was rebuilt, and its new version."""
    checked: list[Checked] = field(default_factory=list)
    version: str = ""  # the index version answering after the upload ("" when nothing was added)
    error: str = ""  # the rebuild failed (the files were taken out again; the previous index still answers)

    @property
    def added(self) -> list[Checked]:
        return [c for c in self.checked if c.ok] if not self.error else []


def safe_name(name: str) -> str:
    """The file name an upload takes in the corpus: its last path part only, characters other than letters, digits,
    Chinese, - and brackets turned into _, no leading dot, the stem cut to NAME_CHARS, the suffix lower-case; "" when
    nothing usable is left or the suffix is not accepted."""
    base = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/").split("/")[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot or f".{suffix.lower()}" not in ACCEPTED:
        return ""
    stem = _UNSAFE.sub("_", stem).strip("_.- ")[:NAME_CHARS].strip("_.- ")
    return f"{stem}.{suffix.lower()}" if stem else ""


def _plain(reason: str) -> str:
    """A reader's 中文（English） reason as the Chinese alone."""
    return re.sub(r"（[\x20-\x7e]*[A-Za-z][\x20-\x7e]*）$", "", reason.strip()) or reason


def precheck(path: Path, original: str, limits: Limits, corpus_dir: Path) -> str:
    """The safe name, after the checks that need no parsing (type, name, size, signature, a complete file, not
    already in the corpus); UploadRefused with the reason otherwise."""
    name = safe_name(original)
    if not name:
        suffix = Path(str(original)).suffix or "（无扩展名）"
        raise UploadRefused(f"只接受 PDF 或 Word（.docx）文件，收到的是 {suffix}")
    try:
        size = path.stat().st_size
    except OSError:
        raise UploadRefused("上传的文件已不存在，请重新上传") from None
    if size == 0:
        raise UploadRefused("空文件")
    if size > limits.max_bytes:
        raise UploadRefused(f"文件 {size / 1048576:.1f} MB，超过上限 {limits.max_bytes // 1048576} MB")
    with open(path, "rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if name.endswith(".pdf"):
        if b"%PDF-" not in head:
            raise UploadRefused("不是有效的 PDF 文件（文件开头没有 PDF 标记，可能是改了扩展名的其他文件）")
        if b"%%EOF" not in tail:  # a PDF ends with %%EOF: without it the upload was cut off or the file damaged
            raise UploadRefused("PDF 文件不完整（缺少文件结尾，可能上传中断或文件已损坏），请重新导出后再上传")
    elif not head.startswith(b"PK\x03\x04"):
        raise UploadRefused("不是有效的 Word（.docx）文件（可能是旧版 .doc 改了扩展名，请用 Word 另存为 .docx）")
    target = corpus_dir / name
    if target.exists() or target.with_name(target.stem + ".meta.toml").exists():
        raise UploadRefused(f"语料目录中已有同名文件 {name}；如要替换，请由管理员在服务器上操作")
    digest = _digest(path)
    for existing in corpus_dir.rglob(f"*{Path(name).suffix}"):
        if existing.is_file() and existing.stat().st_size == size and _digest(existing) == digest:
            raise UploadRefused(f"与语料目录中的 {existing.relative_to(corpus_dir).as_posix()} 内容相同，已收录")
    return name


def _digest(path: Path) -> str:
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _limit_myself(memory_mb: int, seconds: int) -> None:
    """In the child, before the file is opened: its address space and CPU time capped, its priority lowered. Set by
    the child itself, not by a preexec_fn: the web app has threads, and a preexec_fn may deadlock in a forked child."""
    import resource

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    os.nice(5)  # two cores: visitors' questions come first


def read_in_child(path: Path, name: str, limits: Limits) -> dict:
    """What reading the file found (title, pages, passages, pages without text, garbage pages), from a child process
    under the limits: UploadRefused when it refuses the file, runs out of time or memory, or dies."""
    env = os.environ | {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONIOENCODING": "utf-8",
                        "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                       os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "rag.serve.upload", str(path), name, str(limits.max_pages),
           str(limits.chunk_max_chars), str(limits.memory_mb), str(limits.seconds)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=limits.seconds, env=env, cwd=tempfile.gettempdir())
    except subprocess.TimeoutExpired:
        raise UploadRefused(f"读取超过时限（{limits.seconds} 秒），文件过大或结构异常") from None
    lines = [ln for ln in done.stdout.decode("utf-8", "replace").splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        log.warning("reading the upload %s ended with %s: %s", name, done.returncode,
                    done.stderr.decode("utf-8", "replace")[-2000:])
        if done.returncode in (-9, -24, 152):  # SIGKILL / SIGXCPU: the CPU limit
            raise UploadRefused(f"读取超过时限（{limits.seconds} 秒），文件过大或结构异常")
        if b"MemoryError" in done.stderr:
            raise UploadRefused(MEMORY_REFUSAL)
        raise UploadRefused("文件无法读取（读取进程异常退出），可能已损坏")
    result = json.loads(lines[-1])
    if result.get("refused"):
        raise UploadRefused(result["refused"])
    return result


def judge(found: dict) -> str:
    """Why a file that was read is still refused (no text, scanned, garbage), or "" when it is worth indexing."""
    pages, passages = int(found.get("pages") or 0), int(found.get("passages") or 0)
    blank, garbage = int(found.get("without_text") or 0), int(found.get("garbage") or 0)
    if passages == 0:
        return "没有可检索的文字（可能是扫描件或图片），请先做文字识别（OCR）再上传"
    if pages and blank * 2 > pages:
        return f"{pages} 页中有 {blank} 页没有文字层（扫描件），请先做文字识别（OCR）再上传"
    if pages and garbage * 2 > max(1, pages - blank):
        return f"文字层是乱码（{garbage} 页字体缺少 Unicode 映射），请重新导出 PDF（嵌入字体）或做文字识别"
    return ""


def check(path: Path, original: str, limits: Limits, corpus_dir: Path) -> Checked:
    """One upload checked end to end: accepted with its title, pages and passages, or refused with the reason."""
    try:
        name = precheck(path, original, limits, corpus_dir)
        found = read_in_child(path, name, limits)
        reason = judge(found)
    except UploadRefused as err:
        return Checked(original, safe_name(original), str(err))
    except Exception as err:  # never a traceback to the page: the reason, and the log has the rest
        log.exception("checking the upload %s failed", original)
        return Checked(original, safe_name(original), f"检查时出错（{type(err).__name__}），未收入")
    return Checked(original, name, reason, found.get("title", ""), int(found.get("pages") or 0),
                   int(found.get("passages") or 0))


def place(path: Path, name: str, corpus_dir: Path) -> Path:
    """Copies the upload into the corpus folder under its safe name: written hidden, then renamed, so an index
    build never reads half a file; never outside the corpus folder, never over an existing file."""
    root = corpus_dir.resolve()
    target = (root / name).resolve()
    if target.parent != root or target.name != name:
        raise UploadRefused(f"文件名 {name} 不可用")
    staging = root / f".upload-{uuid.uuid4().hex}"
    shutil.copyfile(path, staging)
    try:
        if target.exists():
            raise UploadRefused(f"语料目录中已有同名文件 {name}")
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
    return target


def add(report, uploads: list[tuple[Path, str]], say: Callable[[str], None]) -> Outcome:
    """Checks every upload ((its temporary path, its name as uploaded)), places those accepted in the corpus and
    rebuilds the index incrementally; a failed rebuild takes them out again and the previous version keeps
    answering. say(line) reports progress, in Chinese."""
    settings = report.settings
    limits, corpus = Limits.of(settings), settings.corpus_dir
    outcome = Outcome()
    for n, (path, original) in enumerate(uploads, 1):
        say(f"正在检查第 {n}/{len(uploads)} 份：{original}（每份最多 {limits.seconds} 秒）")
        checked = check(Path(path), original, limits, corpus)
        if checked.ok and any(c.ok and c.name == checked.name for c in outcome.checked):
            checked = Checked(original, checked.name, f"与本次上传的另一份文件同名（{checked.name}）")
        outcome.checked.append(checked)
        say(checked.line)
    placed: list[Path] = []
    accepted = [(Path(p), c) for (p, _), c in zip(uploads, outcome.checked) if c.ok]
    if not accepted:
        return outcome
    try:
        for path, checked in accepted:
            placed.append(place(path, checked.name, corpus))
        say("正在更新索引（只为新文件计算向量；其他人可以照常提问，新索引就绪后自动切换）…")
        started = time.monotonic()
        result = report.build()
        # Read alone in the child, a file could still be skipped by the whole build: it leaves the corpus again.
        indexed = {d.source for d in report.documents()}
        skipped = {s.name: s.reason for s in result.skipped}
        lost = [(target, c) for target, (_, c) in zip(placed, accepted) if target.name not in indexed]
        for target, checked in lost:
            target.unlink(missing_ok=True)
            placed.remove(target)
            why = _plain(skipped.get(target.name, "")) or "建立索引时未能读取"
            outcome.checked[outcome.checked.index(checked)] = dataclasses.replace(checked, reason=why)
            say(f"✗ 未收入 {checked.original}：{why}")
        if lost:
            result = report.build()  # the corpus as it was, plus the files that were indexed: vectors all reused
        outcome.version = report.index_version()
        say(f"索引已更新：共 {result.passages} 个段落，新增 {result.added} 个，用时 {time.monotonic() - started:.0f} 秒")
    except Exception as err:  # the files go, the previous complete version keeps answering
        for target in placed:
            target.unlink(missing_ok=True)
        if isinstance(err, UploadRefused | RagError):
            why = _plain(str(err))
        else:
            log.exception("index rebuild after an upload failed")
            why = f"内部错误 {type(err).__name__}"
        outcome.error = f"索引更新失败（{why}），上传的文件已移除，原有索引未改动"
        say(f"✗ {outcome.error}")
    return outcome


# -- the child: reads one file, prints what it found as one JSON line ------------------------------------------------

def _pdf_pages(path: Path) -> int:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as err:
        if "password" in str(err).lower():
            raise UploadRefused("PDF 已加密，需要密码才能打开；请上传未加密的文件") from None
        raise UploadRefused("无法读取 PDF，文件可能已损坏") from None
    try:
        return len(document)
    finally:
        document.close()


def _docx_sane(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise UploadRefused("Word 文件已损坏（不是完整的 .docx 压缩包）") from None
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > DOCX_MAX_UNPACKED or unpacked / packed > DOCX_MAX_RATIO:
        raise UploadRefused("Word 文件解压后异常巨大（疑似压缩炸弹），未收入")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise UploadRefused("不是 Word 文档（压缩包中没有 word/document.xml）")


def read_one(path: Path, name: str, max_pages: int, max_chars: int) -> dict:
    """In the child: the file read exactly as indexing reads it (rag.ingest), alone in a folder of its own."""
    from rag.errors import CorpusError
    from rag.ingest import ingest

    pages = 0
    if name.endswith(".pdf"):
        pages = _pdf_pages(path)
        if pages > max_pages:
            raise UploadRefused(f"共 {pages} 页，超过上限 {max_pages} 页；请拆分，或由管理员在服务器上入库")
    else:
        _docx_sane(path)
    with tempfile.TemporaryDirectory(prefix="rag-upload-") as folder:
        os.symlink(path.resolve(), Path(folder) / name)
        try:
            corpus = ingest(Path(folder), max_chars)
        except CorpusError as err:
            if "MemoryError" in str(err):  # the reader wraps it: the address-space limit stopped a bomb
                raise UploadRefused(MEMORY_REFUSAL) from None
            reasons = [_plain(s) for s in re.findall(r"：([^：；]+（[^）]*）)", str(err))]
            text = reasons[-1] if reasons else _plain(str(err))
            if "没有可索引的文字" in text or "nothing to index" in str(err):
                return {"pages": pages, "passages": 0}
            raise UploadRefused(text + ("，请先做文字识别（OCR）再上传" if "扫描件" in text else "")) from None
    if not corpus.documents:
        reason = corpus.skipped[0].reason if corpus.skipped else "没有可检索的文字"
        raise UploadRefused(_plain(reason))
    record = corpus.documents[0]
    return {"title": record.title, "pages": record.pages or pages, "passages": record.findings.passages,
            "without_text": len(record.findings.pages_without_text), "garbage": len(record.findings.garbage_pages)}


def _near_the_memory_limit(memory_mb: int) -> bool:
    """Whether this process came close to its address-space limit: the readers wrap a MemoryError in their own
    error types (pdfminer's PdfminerException), so the peak is what tells a bomb from a damaged file (measured: a
    page inflating to 1.5 GB stopped at a 656 MB peak under 1024 MB; a normal 1-page report peaks near 210 MB)."""
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of the web app (the embedding model
    # loaded) would start with the parent's peak; VmHWM belongs to this program's own memory map.
    try:
        status = Path("/proc/self/status").read_text()
        peak = int(re.search(r"^VmHWM:\s*(\d+)\s*kB", status, re.M).group(1))
    except (OSError, AttributeError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * 1024 > memory_mb * 1024 * 1024 * 0.5


def main(argv: list[str]) -> int:
    path, name, max_pages, max_chars, memory_mb, seconds = Path(argv[0]), argv[1], *map(int, argv[2:6])
    _limit_myself(memory_mb, seconds)
    try:
        found = read_one(path, name, max_pages, max_chars)
    except UploadRefused as err:
        found = {"refused": str(err)}
    except MemoryError:
        found = {"refused": MEMORY_REFUSAL}
    except Exception as err:  # a reader's own error types: the file cannot be read
        found = {"refused": f"文件无法读取，可能已损坏（{type(err).__name__}）"}
    if found.get("refused") and _near_the_memory_limit(memory_mb):
        found = {"refused": MEMORY_REFUSAL}
    print(json.dumps(found, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
