"""Chat messages checked before any model sees them: known roles, string contents, no chat-control tokens inside."""
from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.chat import Message
from rag.errors import LLMError

ROLES = ("system", "user", "assistant")
# Qwen's control tokens. Prompts are tokenised with special tokens enabled (llama.cpp, and llama_cpp.server
# behind the openai backend), so a passage holding "<|im_end|>\n<|im_start|>system" would open a fake turn.
SPECIAL_TOKENS = re.compile(r"<\|(?:im_start|im_end|endoftext|fim_\w+|repo_name|file_sep)\|>")


def check_messages(messages: Sequence[Message]) -> list[Message]:
    """A copy of `messages` as plain {role, content} dicts; LLMError names the first bad one."""
    if isinstance(messages, (str, bytes)) or not messages:
        raise LLMError("消息不能为空 / messages must be a non-empty list of {role, content}")
    out: list[Message] = []
    for i, m in enumerate(messages):
        role = m.get("role") if isinstance(m, dict) else None
        content = m.get("content") if isinstance(m, dict) else None
        if role not in ROLES or not isinstance(content, str):
            raise LLMError(f"消息格式错误 / message {i} must have role in {ROLES} and string content, got role={role!r}")
        out.append({"role": role, "content": content})
    return out


def guard_messages(messages: Sequence[Message]) -> list[Message]:
    """check_messages, then chat-control tokens removed from every content, so no text can end its own turn."""
    return [{"role": m["role"], "content": SPECIAL_TOKENS.sub("", m["content"])} for m in check_messages(messages)]
