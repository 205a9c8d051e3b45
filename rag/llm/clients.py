"""The chat model clients in one place: LocalLlama (llama.cpp, in-process) and OpenAICompatible (the openai SDK)."""
from __future__ import annotations

from rag.answer.chat import ChatModel
from rag.errors import LLMError
from rag.llm.local import LocalLlama
from rag.llm.messages import check_messages, guard_messages
from rag.llm.openai_compat import OpenAICompatible

__all__ = ["ChatModel", "LLMError", "LocalLlama", "OpenAICompatible", "check_messages", "guard_messages"]
