"""Choose and hold the chat model: the local GGUF (loaded once per process) or a remote endpoint."""
from __future__ import annotations

import threading

from rag.config import BACKENDS, Settings
from rag.errors import LLMError
from rag.llm.clients import ChatModel, LocalLlama, OpenAICompatible

__all__ = ["BACKENDS", "chat_model", "local_model"]

_local: dict[tuple, LocalLlama] = {}
_local_lock = threading.Lock()


def local_model(settings: Settings) -> LocalLlama:
    """The embedded model, assembled from its PyPI parts on first use and kept for the process."""
    from rag.llm.model_file import assemble

    path = settings.llm_model_path or str(assemble())  # ModelFileError is an LLMError: the caller falls back
    key = (path, settings.llm_n_ctx, settings.llm_threads)
    with _local_lock:
        if key not in _local:
            _local[key] = LocalLlama(path, n_ctx=settings.llm_n_ctx, n_threads=settings.llm_threads)
        return _local[key]


def chat_model(settings: Settings, backend: str) -> ChatModel:
    """Raises LLMError with the reason when the backend cannot be used (the caller falls back)."""
    if backend == "local":
        return local_model(settings)
    if backend == "openai":
        if not settings.openai_base_url:
            raise LLMError("未配置远程接口地址 openai_base_url（RAG_OPENAI_BASE_URL）")
        return OpenAICompatible(settings.openai_base_url, settings.openai_api_key or None,
                                settings.openai_model or "default", timeout=settings.llm_timeout)
    raise LLMError(f"unknown backend {backend!r}")
