"""The local chat model: a GGUF run in-process by llama.cpp, prompted through the GGUF's own chat template."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rag.answer.chat import Message
from rag.answer.line import Line
from rag.errors import LLMError
from rag.llm.messages import guard_messages

# Qwen ends a turn with <|im_end|> and a document with <|endoftext|>; the template adds its eos token too.
STOP = ("<|im_end|>", "<|endoftext|>")
# Prompt states kept: one per kind of prompt in use at once (answer, English answer, translation of the question and of
# the answer, follow-up condensation) and a spare. About 29 KB a token: 6 states of 700-1000 tokens ≈ 120-170 MB.
KEPT_STATES = 6


def _common(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class PromptStates:
    """llama.cpp's context state after recent calls, each under its tokens (prompt and reply), least recent dropped
    first; llama-cpp-python restores the one sharing the longest head with a new prompt when that is longer than what
    the context holds. One context serves every kind of prompt: a translation or a follow-up's condensation overwrote
    the answer rules' 215 cached tokens, and the answer after it read them again (3.9 s, bench_levers.py)."""

    def __init__(self, entries: int = KEPT_STATES) -> None:
        self.entries = entries
        self._states: OrderedDict[tuple[int, ...], Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._states)

    def __bool__(self) -> bool:
        return True  # llama-cpp-python asks `if self.cache:` before using it, empty or not

    def __contains__(self, tokens: Sequence[int]) -> bool:
        return self._best(tokens) is not None

    def __getitem__(self, tokens: Sequence[int]) -> Any:
        key = self._best(tokens)
        if key is None:
            raise KeyError("no kept state shares a head with this prompt")
        self._states.move_to_end(key)
        return self._states[key]

    def __setitem__(self, tokens: Sequence[int], state: Any) -> None:
        key = tuple(tokens)
        self._states.pop(key, None)
        self._states[key] = state
        while len(self._states) > self.entries:
            self._states.popitem(last=False)

    def _best(self, tokens: Sequence[int]) -> tuple[int, ...] | None:
        shared = {key: _common(key, tokens) for key in self._states}
        key = max(shared, key=shared.__getitem__, default=None)
        return key if key is not None and shared[key] > 0 else None


class LocalLlama:
    """A GGUF chat model loaded once in-process; calls take turns in its line on one llama.cpp context."""

    def __init__(self, model_path: str | Path, n_ctx: int = 4096, n_threads: int = 2, seed: int = 0,
                 n_batch: int = 512, kept_states: int = KEPT_STATES) -> None:
        path = Path(model_path)
        if not path.is_file():
            raise LLMError(f"model file not found: {path} (run: python -m rag.llm.model_file)")
        try:
            self._llm = _llama_class()(
                model_path=str(path), n_ctx=n_ctx, n_threads=n_threads,
                n_threads_batch=n_threads, n_batch=n_batch, seed=seed, verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMError(f"llama.cpp could not load {path}: {exc}") from exc
        self.states = PromptStates(kept_states)
        if kept_states:
            self._llm.set_cache(self.states)  # type: ignore[arg-type]
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
        """Forget the cached prompts so the next call evaluates it from scratch (benchmarks)."""
        with self.line.turn():
            self._llm.reset()
            self.states = PromptStates(self.states.entries)
            if self.states.entries:
                self._llm.set_cache(self.states)  # type: ignore[arg-type]

    def close(self) -> None:
        self._llm.close()


def _llama_class() -> type:
    """llama_cpp.Llama, its state saved without the logits of the last prompt batch: they serve log-probabilities
    only (not asked for here) and are 512 × 151,936 floats, 311 MB copied after every call for nothing."""
    try:
        import numpy as np
        from llama_cpp import Llama, LlamaState
    except ImportError as exc:
        raise LLMError("llama-cpp-python is not installed: pip install llama-cpp-python==0.3.36") from exc

    class StateLlama(Llama):
        def save_state(self) -> LlamaState:
            import llama_cpp
            size = llama_cpp.llama_state_get_size(self._ctx.ctx)
            buffer = (llama_cpp.ctypes.c_uint8 * int(size))()
            written = int(llama_cpp.llama_state_get_data(self._ctx.ctx, buffer, size))
            # One row of zeros: load_state broadcasts it over the logits it resets; the next decode renews them.
            return LlamaState(input_ids=self.input_ids.copy(), scores=np.zeros((1, self.n_vocab()), dtype=np.single),
                              n_tokens=self.n_tokens, llama_state=bytes(buffer)[:written], llama_state_size=written,
                              seed=self._seed)

    return StateLlama
