"""llama-index integration: a BaseRetriever over our hybrid search, a query engine over rag.ask, our chat model as an LLM."""
from __future__ import annotations

import asyncio
from dataclasses import fields
from collections.abc import Iterator, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage, ChatResponse, ChatResponseGen, CompletionResponse, CompletionResponseGen, LLMMetadata, MessageRole,
)
from llama_index.core.base.response.schema import Response
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

import rag
from rag.config import Settings, load_settings
from rag.errors import LLMError, QueryError
from rag.llm.backends import chat_model
from rag.passage import Passage
from rag.report import Report
from rag.retrieve.retriever import Filters

__all__ = ["retriever", "query_engine", "llm", "to_node", "ReportRetriever", "ReportQueryEngine", "ReportLLM"]

FILTERS = tuple(f.name for f in fields(Filters))  # of a search
ANSWER_FILTERS = tuple(f for f in FILTERS if f != "kind")  # of an answer: it chooses the kinds of passage itself
METADATA = ("citation", "chapter", "case", "section", "page", "page_exact", "kind", "source", "document", "year")
# What a prompt or an embedding sees besides the text: the citation alone. It already names the chapter, case,
# section and page, so the other keys would only repeat it (and source/kind/year are bookkeeping).
HIDDEN = [key for key in METADATA if key != "citation"]


def _check_filters(filters: dict, known: tuple[str, ...] = FILTERS) -> dict:
    unknown = sorted(set(filters) - set(known))
    if unknown:
        raise QueryError(f"未知的筛选条件 {'、'.join(unknown)}，可选：{'、'.join(known)}（unknown filter）")
    return filters


def to_node(passage: Passage, score: float | None = None) -> NodeWithScore:
    """A passage as a llama-index node: its id, its text, its citation metadata (only the citation shown to an LLM)."""
    node = TextNode(
        id_=passage.id, text=passage.text,
        metadata={key: getattr(passage, key) for key in METADATA},
        excluded_llm_metadata_keys=list(HIDDEN), excluded_embed_metadata_keys=list(HIDDEN),
    )
    return NodeWithScore(node=node, score=score)


def _as_node(hit: Any) -> NodeWithScore:
    # A search result is a rag.Hit (passage and score); an answer's citations are plain Passages.
    return to_node(getattr(hit, "passage", hit), getattr(hit, "score", None))


class ReportRetriever(BaseRetriever):
    """Our hybrid search (BM25 + dense, fused, case-aware) as a llama-index retriever; filters fixed per retriever."""

    def __init__(self, report: Report | None = None, k: int = 5, mode: str = "hybrid", **filters: Any) -> None:
        super().__init__()
        self.report = rag.default_report() if report is None else report
        self.k, self.mode, self.filters = k, mode, _check_filters(filters)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # Our own embedder embeds the query string; an embedding llama-index put on the bundle is not used.
        hits = self.report.search(query_bundle.query_str, k=self.k, mode=self.mode, **self.filters)
        return [_as_node(hit) for hit in hits]

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return await asyncio.to_thread(self._retrieve, query_bundle)


def retriever(report: Report | None = None, k: int = 5, mode: str = "hybrid", **filters: Any) -> ReportRetriever:
    """A llama-index BaseRetriever over report.search (default: rag.default_report()); filters: case, chapter,
    kind, document, year. Bad input raises QueryError (a RagError) with a one-line message."""
    return ReportRetriever(report, k=k, mode=mode, **filters)


class ReportQueryEngine(CustomQueryEngine):
    """rag.ask as a llama-index query engine: the checked, cited answer; [n] in the text is source_nodes[n-1]."""

    report: Any = Field(default=None, description="a rag.Report; None: rag.default_report()")
    backend: str | None = Field(default=None, description="local, openai or extractive; None: llm_backend")
    filters: dict = Field(default_factory=dict, description="case, chapter, document, year")
    # rag.ask answers over the default report; another report has its own answerer, kept with the engine
    # (it caches word statistics per index version).
    answerer: Any = Field(default=None, exclude=True)

    def custom_query(self, query_str: str) -> Response:
        if self.answerer is None:
            answer = rag.ask(query_str, backend=self.backend, **self.filters)
        else:
            answer = self.answerer.ask(query_str, backend=self.backend, **self.filters)
        return Response(
            response=answer.text,
            source_nodes=[_as_node(p) for p in answer.citations],
            metadata={"found": answer.found, "backend": answer.backend, "notice": answer.notice},
        )

    async def acustom_query(self, query_str: str) -> Response:
        return await asyncio.to_thread(self.custom_query, query_str)


def query_engine(report: Report | None = None, backend: str | None = None, **filters: Any) -> ReportQueryEngine:
    """A llama-index query engine answering with our answerer (retrieval, model or extraction, figure check);
    filters: case, chapter, document, year. Bad input raises QueryError (a RagError) with a one-line message."""
    return ReportQueryEngine(report=report, backend=backend, filters=_check_filters(filters, ANSWER_FILTERS),
                             answerer=None if report is None else rag.answerer(report))


_ROLE = {MessageRole.SYSTEM: "system", MessageRole.DEVELOPER: "system", MessageRole.USER: "user",
         MessageRole.ASSISTANT: "assistant", MessageRole.CHATBOT: "assistant", MessageRole.MODEL: "assistant"}


def _messages(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    out = []
    for message in messages:
        if message.role not in _ROLE:
            raise LLMError(f"本地模型不支持 {message.role.value} 消息（only system, user and assistant messages）")
        out.append({"role": _ROLE[message.role], "content": message.content or ""})
    return out


class ReportLLM(CustomLLM):
    """Our chat model (the bundled Qwen GGUF by default) as a llama-index LLM; loaded on first use.

    It takes chat messages as they are: the model applies its own chat template and keeps special tokens out of
    the content. Failures raise rag.errors.LLMError (a RagError) with a one-line message.
    """

    backend: str = Field(default="local", description="local or openai")
    max_tokens: int = Field(default=320, description="tokens generated at most per reply")
    temperature: float = Field(default=0.2)
    context_window: int = Field(default=4096)
    _settings: Settings = PrivateAttr()
    _model: Any = PrivateAttr(default=None)

    def __init__(self, settings: Settings, backend: str = "local", **kwargs: Any) -> None:
        super().__init__(backend=backend, max_tokens=settings.llm_max_tokens, context_window=settings.llm_n_ctx,
                         **kwargs)
        self._settings = settings

    @classmethod
    def class_name(cls) -> str:
        return "report_rag_llm"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.max_tokens, is_chat_model=True,
                           model_name=f"report-rag-{self.backend}")

    def _chat_model(self):
        if self._model is None:
            self._model = chat_model(self._settings, self.backend)
        return self._model

    def _pieces(self, messages: list[dict[str, str]], kwargs: dict) -> Iterator[str]:
        return self._chat_model().stream(messages, max_tokens=int(kwargs.get("max_tokens", self.max_tokens)),
                                         temperature=float(kwargs.get("temperature", self.temperature)))

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        text = "".join(self._pieces(_messages(messages), kwargs))
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        pieces = self._pieces(_messages(messages), kwargs)

        def replies() -> ChatResponseGen:
            text = ""
            for piece in pieces:
                text += piece
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece)
        return replies()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text="".join(self._pieces([{"role": "user", "content": prompt}], kwargs)))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        pieces = self._pieces([{"role": "user", "content": prompt}], kwargs)

        def replies() -> CompletionResponseGen:
            text = ""
            for piece in pieces:
                text += piece
                yield CompletionResponse(text=text, delta=piece)
        return replies()


def llm(settings: Settings | None = None, backend: str = "local") -> ReportLLM:
    """Our chat model as a llama-index LLM (backend "local": the bundled Qwen2.5 GGUF; "openai": the endpoint)."""
    if backend not in ("local", "openai"):
        raise LLMError(f"未知的模型后端 {backend!r}，可选：local、openai（unknown backend）")
    return ReportLLM(settings or load_settings(), backend=backend)
