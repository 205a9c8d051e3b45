"""Chat model backends: a local GGUF model via llama.cpp, or any OpenAI-compatible HTTP server."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rag.answer.chat import ChatModel, Message
from rag.errors import LLMError

__all__ = ["ChatModel", "LLMError", "LocalLlama", "OpenAICompatible"]

IM_START, IM_END = "<|im_start|>", "<|im_end|>"
# Qwen2.5's own template inserts this when no system message is given; keeping it keeps
# prompts in the distribution the model was tuned on.
QWEN_DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
_ROLES = ("system", "user", "assistant")
_SPECIAL = re.compile(r"<\|(?:im_start|im_end|endoftext|fim_\w+|repo_name|file_sep)\|>")
_ERROR_BODY_CHARS = 500


def check_messages(messages: Sequence[Message]) -> list[Message]:
    if not messages:
        raise LLMError("messages must not be empty")
    out = []
    for i, m in enumerate(messages):
        role, content = m.get("role"), m.get("content")
        if role not in _ROLES or not isinstance(content, str):
            raise LLMError(
                f"message {i} must have role in {_ROLES} and string content, got role={role!r}"
            )
        out.append({"role": role, "content": content})
    return out


def format_chatml(messages: Sequence[Message]) -> str:
    """Render messages as a ChatML prompt that ends with an open assistant turn."""
    msgs = check_messages(messages)
    if msgs[0]["role"] != "system":
        msgs.insert(0, {"role": "system", "content": QWEN_DEFAULT_SYSTEM})
    # Content is tokenised with special tokens enabled, so a passage containing
    # "<|im_start|>system" could open a fake turn; drop such markers from content.
    parts = [f"{IM_START}{m['role']}\n{_SPECIAL.sub('', m['content'])}{IM_END}\n" for m in msgs]
    return "".join(parts) + f"{IM_START}assistant\n"


class _Complete:
    def stream(
        self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2
    ) -> Iterator[str]:
        raise NotImplementedError

    def complete(
        self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2
    ) -> str:
        return "".join(self.stream(messages, max_tokens, temperature))


class LocalLlama(_Complete):
    """A GGUF chat model loaded once in-process; calls are serialised on one llama.cpp context."""

    def __init__(
        self, model_path: str | Path, n_ctx: int = 4096, n_threads: int = 2, seed: int = 0
    ) -> None:
        path = Path(model_path)
        if not path.is_file():
            raise LLMError(f"model file not found: {path} (run: python -m rag.llm.model_file)")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMError(
                "llama-cpp-python is not installed: pip install llama-cpp-python==0.3.36"
            ) from exc
        try:
            self._llm = Llama(
                model_path=str(path), n_ctx=n_ctx, n_threads=n_threads,
                n_threads_batch=n_threads, seed=seed, verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMError(f"llama.cpp could not load {path}: {exc}") from exc
        self.model_path = path
        self.n_ctx = n_ctx
        # One llama.cpp context cannot decode two prompts at once.
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(
        self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2
    ) -> Iterator[str]:
        prompt = format_chatml(messages)
        with self._lock:
            try:
                # Same Llama object each call: llama-cpp-python keeps the KV cache and only
                # evaluates the part of the prompt that differs from the previous call.
                chunks = self._llm.create_completion(
                    prompt, max_tokens=max_tokens, temperature=temperature,
                    stop=[IM_END, "<|endoftext|>"], stream=True,
                )
                for chunk in chunks:
                    text = chunk["choices"][0]["text"]
                    if text:
                        yield text
            except (ValueError, RuntimeError) as exc:
                raise LLMError(f"llama.cpp failed: {exc}") from exc

    def reset_cache(self) -> None:
        """Forget the cached prompt so the next call evaluates it from scratch (benchmarks)."""
        with self._lock:
            self._llm.reset()

    def close(self) -> None:
        self._llm.close()


class OpenAICompatible(_Complete):
    """Streams from POST {base_url}/chat/completions; base_url ends in /v1 as with OpenAI's SDK."""

    def __init__(
        self, base_url: str, api_key: str | None = None, model: str = "local",
        timeout: float = 60.0,
    ) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LLMError(f"base_url must be an http(s) URL, got {base_url!r}")
        self._parts = parts
        self._host: str = parts.hostname
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key or None
        self.model = model
        self.timeout = timeout

    def __repr__(self) -> str:  # never show the key
        return f"OpenAICompatible(base_url={self.base_url!r}, model={self.model!r})"

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _fail(self, what: str) -> LLMError:
        return LLMError(self._redact(f"{what} ({self.base_url}/chat/completions)"))

    def stream(
        self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2
    ) -> Iterator[str]:
        body = json.dumps({
            "model": self.model, "messages": check_messages(messages), "max_tokens": max_tokens,
            "temperature": temperature, "stream": True,
        }).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        cls = http.client.HTTPSConnection if self._parts.scheme == "https" else http.client.HTTPConnection
        # The timeout bounds the connect and every single read, so a stalled server fails fast
        # while a long answer that keeps streaming is not cut off.
        conn = cls(self._host, self._parts.port, timeout=self.timeout)
        try:
            try:
                conn.request("POST", f"{self._parts.path}/chat/completions", body, headers)
                resp = conn.getresponse()
            except TimeoutError as exc:
                raise self._fail(f"no response within {self.timeout:g}s") from exc
            except ConnectionRefusedError as exc:
                raise self._fail("connection refused: is the server running?") from exc
            except (OSError, http.client.HTTPException) as exc:
                raise self._fail(f"cannot reach server: {exc!r}") from exc
            yield from self._read(resp)
        finally:
            conn.close()

    def _read(self, resp: http.client.HTTPResponse) -> Iterator[str]:
        try:
            if resp.status != 200:
                snippet = resp.read(_ERROR_BODY_CHARS).decode("utf-8", "replace").strip()
                raise self._fail(f"HTTP {resp.status} {resp.reason}: {snippet}")
            if "text/event-stream" not in (resp.getheader("Content-Type") or ""):
                # Some servers ignore stream=true and send one JSON document.
                yield self._message_text(self._json(resp.read().decode("utf-8", "replace")))
                return
            yield from self._events(resp)
        except TimeoutError as exc:
            raise self._fail(f"server stalled for more than {self.timeout:g}s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise self._fail(f"connection lost: {exc!r}") from exc

    def _events(self, resp: http.client.HTTPResponse) -> Iterator[str]:
        data: list[str] = []
        finished = False
        while True:
            raw = resp.readline()
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            if raw and (line or not data):
                continue  # comments, event:/id: fields, keep-alive blank lines
            if data:  # a blank line (or EOF) ends an event
                payload, data = "\n".join(data), []
                if payload.strip() == "[DONE]":
                    return
                choice = self._choice(self._json(payload))
                delta = choice.get("delta")
                text = delta.get("content") if isinstance(delta, dict) else None
                if text:
                    yield text
                finished = finished or bool(choice.get("finish_reason"))
            if not raw:
                break
        if not finished:
            raise self._fail("stream ended before the answer was complete")

    def _json(self, payload: str) -> dict[str, Any]:
        try:
            event = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise self._fail(f"malformed JSON from server: {payload[:200]!r}") from exc
        if not isinstance(event, dict):
            raise self._fail(f"unexpected JSON from server: {payload[:200]!r}")
        if "error" in event:
            err = event["error"]
            msg = err.get("message", err) if isinstance(err, dict) else err
            raise self._fail(f"server error: {msg}")
        return event

    def _choice(self, event: dict[str, Any]) -> dict[str, Any]:
        choices = event.get("choices")
        if not isinstance(choices, list):
            raise self._fail(f"response has no choices: {json.dumps(event)[:200]}")
        if not choices:
            return {}  # e.g. a trailing usage-only chunk
        if not isinstance(choices[0], dict):
            raise self._fail(f"malformed choice: {json.dumps(event)[:200]}")
        return choices[0]

    def _message_text(self, event: dict[str, Any]) -> str:
        message = self._choice(event).get("message")
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise self._fail(f"response has no message content: {json.dumps(event)[:200]}")
        return message["content"]

