"""The local chat model: a GGUF run in-process by llama.cpp, prompted through the GGUF's own chat template."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rag.answer.chat import Message
from rag.answer.line import Line
from rag.errors import LLMError
from rag.llm.messages import guard_messages

# Qwen ends a turn with <|im_end|> and a document with <|endoftext|>; the template adds its eos token too.
STOP = ("<|im_end|>", "<|endoftext|>")


class LocalLlama:
    """A GGUF chat model loaded once in-process; calls take turns in its line on one llama.cpp context."""

    def __init__(self, model_path: str | Path, n_ctx: int = 4096, n_threads: int = 2, seed: int = 0,
                 n_batch: int = 512) -> None:
        path = Path(model_path)
        if not path.is_file():
            raise LLMError(f"model file not found: {path} (run: python -m rag.llm.model_file)")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMError("llama-cpp-python is not installed: pip install llama-cpp-python==0.3.36") from exc
        try:
            self._llm = Llama(
                model_path=str(path), n_ctx=n_ctx, n_threads=n_threads,
                n_threads_batch=n_threads, n_batch=n_batch, seed=seed, verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMError(f"llama.cpp could not load {path}: {exc}") from exc
        self.model_path = path
        self.n_ctx = n_ctx
        # One llama.cpp context cannot decode two prompts at once: callers take turns, first come first served, and
        # an answer waiting for its turn can say how many are before it.
        self.line = Line()

    @property
    def chat_format(self) -> str | None:
        """llama-cpp-python's name for the prompt format in use: "chat_template.default" is the GGUF's own."""
        return self._llm.chat_format

    def count_tokens(self, text: str) -> int:
        """The model's own tokenizer. Special tokens count as llama.cpp reads the prompt (parsed as one each):
        guard_messages has removed any from a message's content, so content counts alike either way."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def context_window(self) -> int:
        """Tokens of prompt and reply together in one call: the context llama.cpp was given (n_ctx)."""
        return self._llm.n_ctx()

    def stream(self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2) -> Iterator[str]:
        """The reply's text pieces as llama.cpp decodes them; bad messages raise LLMError here, at once."""
        return self._pieces(guard_messages(messages), max_tokens, temperature)

    def complete(self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2) -> str:
        return "".join(self.stream(messages, max_tokens, temperature))

    def _pieces(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[str]:
        with self.line.turn():
            try:
                # Same Llama object each call: llama-cpp-python keeps the KV cache and only evaluates
                # the part of the prompt that differs from the previous call.
                chunks = self._llm.create_chat_completion(
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=max_tokens, temperature=temperature, stop=list(STOP), stream=True,
                )
                for chunk in chunks:
                    text = chunk["choices"][0]["delta"].get("content")  # type: ignore[index, union-attr]
                    if text:
                        yield text
            except (ValueError, RuntimeError) as exc:
                raise LLMError(f"llama.cpp failed: {exc}") from exc

    def reset_cache(self) -> None:
        """Forget the cached prompt so the next call evaluates it from scratch (benchmarks)."""
        with self.line.turn():
            self._llm.reset()

    def close(self) -> None:
        self._llm.close()
