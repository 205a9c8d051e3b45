"""Any OpenAI-compatible chat endpoint through the official openai SDK: streamed, time-bounded, never retried."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import openai

from rag.answer.budget import estimate_tokens
from rag.answer.chat import Message
from rag.errors import LLMError
from rag.llm.messages import guard_messages

_ERROR_BODY_CHARS = 500
# The SDK refuses to start without a key. With none configured it gets this placeholder, and every request
# omits the Authorization header (the SDK's own opt-out), so a keyless local server sees no header at all.
_NO_KEY = "no-key-configured"
# The SDK would fill these from OPENAI_ORG_ID / OPENAI_PROJECT_ID; a self-hosted server is not told them.
_NEVER_SENT = ("OpenAI-Organization", "OpenAI-Project")
# The window assumed when none is given: the smallest that a served chat model has today (the local Qwen2.5's
# 4096 under llama_cpp.server); a larger model only has very long passages trimmed that it could have read whole.
DEFAULT_CONTEXT_WINDOW = 4096


class OpenAICompatible:
    """Streams POST {base_url}/chat/completions; base_url ends in /v1 as with OpenAI's SDK."""

    def __init__(self, base_url: str, api_key: str | None = None, model: str = "local",
                 timeout: float = 60.0, context_window: int = DEFAULT_CONTEXT_WINDOW) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LLMError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key or None
        self.model = model
        self.timeout = timeout
        self._context_window = context_window
        # A float timeout bounds the connect and every single read (not the whole answer), so a stalled
        # server fails within `timeout` while a long answer that keeps streaming is not cut off.
        # No retries: the caller falls back to extraction at once; a retry would double the user's wait.
        self._client = openai.OpenAI(base_url=self.base_url, api_key=self._api_key or _NO_KEY,
                                     timeout=timeout, max_retries=0)
        omitted = _NEVER_SENT if self._api_key else (*_NEVER_SENT, "Authorization")
        self._headers: dict[str, Any] = {name: openai.Omit() for name in omitted}

    def __repr__(self) -> str:  # never show the key
        return f"OpenAICompatible(base_url={self.base_url!r}, model={self.model!r})"

    def count_tokens(self, text: str) -> int:
        """An estimate (the server's tokenizer is not at hand): 1 token per CJK character, 1 per 4 other characters,
        generous for Chinese (1.45× Qwen2.5's count on corpus/), so that an estimated prompt is not too long."""
        return estimate_tokens(text)

    def context_window(self) -> int:
        """The window the endpoint's model is assumed to have (given to the constructor; 4096 by default)."""
        return self._context_window

    def stream(self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2) -> Iterator[str]:
        """The reply's text pieces as they arrive; bad messages raise LLMError here, before any request."""
        return self._pieces(guard_messages(messages), max_tokens, temperature)

    def complete(self, messages: list[Message], max_tokens: int = 512, temperature: float = 0.2) -> str:
        return "".join(self.stream(messages, max_tokens, temperature))

    def close(self) -> None:
        self._client.close()

    def _fail(self, what: str) -> LLMError:
        text = f"{what} ({self.base_url}/chat/completions)"
        return LLMError(text.replace(self._api_key, "***") if self._api_key else text)

    def _pieces(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[str]:
        try:
            # The raw response shows the Content-Type before the body is read: some servers ignore
            # stream=true and answer with one JSON document, which the SDK's SSE reader would see as empty.
            raw = self._client.chat.completions.with_raw_response.create(
                model=self.model, messages=messages, max_tokens=max_tokens, temperature=temperature,  # type: ignore[arg-type]
                stream=True, extra_headers=self._headers,
            )
        except openai.APITimeoutError as exc:
            raise self._fail(f"no response within {self.timeout:g}s") from exc
        except openai.APIConnectionError as exc:
            raise self._fail(_unreachable(exc)) from exc
        except openai.APIStatusError as exc:
            body = exc.response.text[:_ERROR_BODY_CHARS].strip()
            raise self._fail(f"HTTP {exc.status_code} {exc.response.reason_phrase}: {body}") from exc
        except openai.OpenAIError as exc:
            raise self._fail(f"request failed: {exc}") from exc
        response = raw.http_response
        try:
            if "text/event-stream" not in response.headers.get("content-type", ""):
                yield self._whole_reply(raw)
                return
            yield from self._deltas(raw.parse())
        except openai.APITimeoutError as exc:
            raise self._fail(f"server stalled for more than {self.timeout:g}s") from exc
        except openai.APIConnectionError as exc:
            raise self._fail(f"connection lost: {exc.__cause__!r}") from exc
        except openai.APIError as exc:  # an {"error": …} event inside the stream
            raise self._fail(f"server error: {exc.message}") from exc
        except ValueError as exc:  # json.JSONDecodeError from the SDK's event parser
            raise self._fail(f"malformed JSON from server: {exc}") from exc
        finally:
            response.close()  # also when the caller abandons the stream mid-answer

    def _deltas(self, chunks: openai.Stream[Any]) -> Iterator[str]:
        finished = False
        for chunk in chunks:
            choices = getattr(chunk, "choices", None)
            if not isinstance(choices, list):
                raise self._fail(f"response has no choices: {_show(chunk)}")
            if not choices:
                continue  # e.g. a trailing usage-only chunk
            delta = getattr(choices[0], "delta", None)
            text = getattr(delta, "content", None)
            if isinstance(text, str) and text:
                yield text
            finished = finished or bool(getattr(choices[0], "finish_reason", None))
        if not finished:
            raise self._fail("stream ended before the answer was complete")

    def _whole_reply(self, raw: Any) -> str:
        try:
            body = raw.http_response.read().decode("utf-8", "replace")
        except Exception as exc:  # the HTTP layer's own (httpx2) errors: a stall or a cut while reading the body
            raise self._fail(f"connection lost while reading the reply: {exc!r}") from exc
        try:
            event = json.loads(body)
        except json.JSONDecodeError as exc:
            raise self._fail(f"malformed JSON from server: {body[:200]!r}") from exc
        if isinstance(event, dict) and "error" in event:
            err = event["error"]
            raise self._fail(f"server error: {err.get('message', err) if isinstance(err, dict) else err}")
        if not isinstance(event, dict) or not isinstance(event.get("choices"), list) or not event["choices"]:
            raise self._fail(f"response has no choices: {body[:200]}")
        message = event["choices"][0].get("message") if isinstance(event["choices"][0], dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            raise self._fail(f"response has no message content: {body[:200]}")
        return content


def _unreachable(exc: openai.APIConnectionError) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused: is the server running?"
        cause = cause.__cause__ or cause.__context__
    return f"cannot reach server: {exc.__cause__!r}"


def _show(chunk: Any) -> str:
    """The chunk as the server sent it (the SDK builds chunks without validating; a malformed one would warn)."""
    return json.dumps(chunk.to_dict(mode="json", warnings=False), ensure_ascii=False)[:200]
