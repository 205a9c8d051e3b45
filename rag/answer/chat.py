"""What the answerer needs of a chat model (a Protocol the llm stage implements) and how it gets one by name."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, runtime_checkable

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": text}


@runtime_checkable
class ChatModel(Protocol):
    """A chat model: streamed or whole replies; raises rag.errors.LLMError when it cannot answer.

    It also says how long a text is in its tokens and how many tokens it reads and writes in one call, so that
    a prompt is built to fit (rag.answer.budget); a backend without a tokenizer at hand estimates. A model that
    answers one call at a time has a `line` (rag.answer.line.Line) its calls wait in: the answer says its place."""

    def count_tokens(self, text: str) -> int: ...

    def context_window(self) -> int: ...

    def stream(self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2) -> Iterator[str]: ...

    def complete(self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2) -> str: ...


# Backend name ("local", "openai") -> its model; raises LLMError with the reason when it cannot be used.
ModelProvider = Callable[[str], ChatModel]
