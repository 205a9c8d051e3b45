"""Choose and hold the chat model: the local GGUF (loaded once per process) or a remote endpoint."""
from __future__ import annotations

import atexit
import functools
import threading

from rag.answer.chat import ChatModel, ModelProvider
from rag.config import Settings
from rag.errors import LLMError
from rag.llm.local import LocalLlama

__all__ = ["chat_model", "local_model", "provider", "remote_model"]

_local: dict[tuple, LocalLlama] = {}
_remote: dict[tuple, ChatModel] = {}
_local_lock = threading.Lock()  # held while a model loads (seconds): a remote client need not wait
_remote_lock = threading.Lock()


@atexit.register
def _close_local_models() -> None:
    """Free the models while the interpreter still works: left to Llama.__del__ at exit, llama-cpp-python
    prints "Exception ignored in Llama.__del__ … TypeError" after every command that used one."""
    with _local_lock:
        while _local:
            _local.popitem()[1].close()


def local_model(settings: Settings) -> LocalLlama:
    """The embedded model, assembled from its PyPI parts on first use and kept for the process."""
    from rag.llm.model_file import assemble

    path = settings.llm_model_path or str(assemble())  # ModelFileError is an LLMError: the caller falls back
    key = (path, settings.llm_n_ctx, settings.llm_threads)
    with _local_lock:
        if key not in _local:
            _local[key] = LocalLlama(path, n_ctx=settings.llm_n_ctx, n_threads=settings.llm_threads)
        return _local[key]


def remote_model(settings: Settings) -> ChatModel:
    """The OpenAI-compatible endpoint's client, one per configuration: its connection pool is reused."""
    if not settings.openai_base_url:
        raise LLMError("未配置远程接口地址 openai_base_url（RAG_OPENAI_BASE_URL）")
    # Imported here: the openai SDK takes ~0.8 s to import and most processes only run the local model.
    from rag.llm.openai_compat import OpenAICompatible

    key = (settings.openai_base_url, settings.openai_api_key, settings.openai_model, settings.llm_timeout)
    with _remote_lock:
        if key not in _remote:
            _remote[key] = OpenAICompatible(settings.openai_base_url, settings.openai_api_key or None,
                                            settings.openai_model or "default", timeout=settings.llm_timeout)
        return _remote[key]


def chat_model(settings: Settings, backend: str) -> ChatModel:
    """Raises LLMError with the reason when the backend cannot be used (the caller falls back)."""
    if backend == "local":
        return local_model(settings)
    if backend == "openai":
        return remote_model(settings)
    raise LLMError(f"unknown backend {backend!r}")


def provider(settings: Settings) -> ModelProvider:
    """What the answerer is handed: backend name -> its ChatModel, under these settings (LLMError if unusable)."""
    return functools.partial(chat_model, settings)
