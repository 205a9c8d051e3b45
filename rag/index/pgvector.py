"""Dense vectors in PostgreSQL with pgvector: one table per index version, named in the version folder."""
from __future__ import annotations

import json
import re
import secrets
import threading
from pathlib import Path

import numpy as np

from rag.errors import IndexStaleError, VectorStoreError

# The version folder names its table here, written before the table exists: whoever removes the folder
# (pruning, a failed or crashed build) can drop the table with it.
POINTER = "dense.pgvector"
CONNECT_TIMEOUT = 5  # seconds: an unreachable database is an error soon, not a hung request
TABLE = re.compile(r"rag_dense_[0-9a-f]{16}")  # the only names ever written; a table name is spliced into SQL


def _where(dsn: str) -> str:
    """host:port/dbname of a DSN, for messages: never the password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(dsn)
    except Exception:
        return "（无法解析的 pg_dsn）"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def _table(folder: Path) -> tuple[str, int, dict | None]:
    """Table name, dimension and HNSW parameters (None: exact search) recorded in a version folder."""
    try:
        pointer = json.loads((folder / POINTER).read_text(encoding="utf-8"))
        table, dim, hnsw = str(pointer["table"]), int(pointer["dim"]), pointer.get("hnsw")
        if hnsw is not None:
            hnsw = {key: int(hnsw[key]) for key in ("m", "ef_construction", "ef_search")}
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexStaleError(f"向量表记录缺失或损坏：{folder / POINTER}（pgvector pointer damaged）") from None
    if not TABLE.fullmatch(table):
        raise IndexStaleError(f"向量表名无效：{folder / POINTER}（bad table name）")
    return table, dim, hnsw


def connect(dsn: str):
    if not dsn:
        raise VectorStoreError("vector_store=pgvector 需要数据库地址：请设置 pg_dsn 或 RAG_PG_DSN（pg_dsn missing）")
    try:
        import psycopg
    except ImportError:
        raise VectorStoreError("未安装 PostgreSQL 驱动：pip install 'psycopg[binary]'（psycopg missing）") from None
    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as err:
        reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
        raise VectorStoreError(f"无法连接向量数据库 PostgreSQL {_where(dsn)}（{reason}）（vector database unreachable）") from None


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.8g}" for x in vector) + "]"


class PgDense:
    """Rows (passage positions) and their vectors in one table, searched by inner product (<#>).

    Exact search on small tables; on large ones (the same size rule as FAISS) an HNSW index, built once the
    rows are in, answers top-k queries up to its ef_search, and larger rankings (filtered searches) stay exact.
    """

    kind = "pgvector"

    def __init__(self, dsn: str, table: str, dim: int, hnsw: dict | None = None) -> None:
        self.dsn, self.table, self.dim, self.hnsw = dsn, table, dim, hnsw
        self._conn = None
        self._lock = threading.Lock()  # one connection per open version; queries are short

    @classmethod
    def create(cls, folder: Path, dsn: str, dim: int, hnsw: dict | None = None) -> PgDense:
        store = cls(dsn, f"rag_dense_{secrets.token_hex(8)}", dim, hnsw)
        pointer = {"table": store.table, "dim": dim, "hnsw": hnsw}
        (folder / POINTER).write_text(json.dumps(pointer), encoding="utf-8")
        store._execute("CREATE EXTENSION IF NOT EXISTS vector", need_vector=True)
        store._execute(f"CREATE TABLE {store.table} (row integer PRIMARY KEY, embedding vector({dim}) NOT NULL)")
        return store

    @classmethod
    def load(cls, folder: Path, dsn: str) -> PgDense:
        store = cls(dsn, *_table(folder))
        if store._execute("SELECT to_regclass(%s)", (store.table,))[0][0] is None:
            raise IndexStaleError(f"数据库中没有该索引版本的向量表 {store.table}（vector table missing）：请重建索引")
        return store

    def _connect(self):
        conn = connect(self.dsn)
        if self.hnsw:  # a session setting: every search on this connection explores as many candidates
            conn.execute(f"SET hnsw.ef_search = {self.hnsw['ef_search']}")
        return conn

    def _execute(self, sql: str, params: tuple = (), need_vector: bool = False) -> list[tuple]:
        import psycopg

        with self._lock:
            for attempt in (1, 2):
                if self._conn is None or self._conn.closed:
                    self._conn = self._connect()
                try:
                    with self._conn.cursor() as cur:
                        cur.execute(sql, params)
                        return cur.fetchall() if cur.description else []
                except psycopg.OperationalError as err:  # the server restarted or dropped us: reconnect once
                    self._conn = None
                    if attempt == 2:
                        raise VectorStoreError(f"向量数据库连接中断 {_where(self.dsn)}（{err}）（vector database lost）") from None
                except psycopg.Error as err:
                    hint = "：需要 pgvector 扩展（apt install postgresql-15-pgvector，且有权 CREATE EXTENSION）" if need_vector else ""
                    raise VectorStoreError(f"向量数据库拒绝请求{hint}（{type(err).__name__}: {str(err).strip().splitlines()[0]}）") from None
        raise AssertionError("unreachable: the second attempt returns or raises")

    def add(self, vectors: np.ndarray) -> None:
        start = len(self)
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._conn = self._connect()
            with self._conn.transaction(), self._conn.cursor() as cur:
                with cur.copy(f"COPY {self.table} (row, embedding) FROM STDIN") as copy:
                    for i, v in enumerate(vectors):
                        copy.write_row((start + i, _literal(v)))

    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]]:
        # <#> is the negative inner product; over normalised vectors, the same order and scores as IndexFlatIP.
        vector = _literal(query)
        if self.hnsw and n <= self.hnsw["ef_search"]:
            # Ordered by the distance alone, so that the planner can walk the HNSW index.
            sql = f"SELECT row, -(embedding <#> %s::vector) FROM {self.table} ORDER BY embedding <#> %s::vector LIMIT %s"
        else:
            # Adding 0 hides the expression from the index: an HNSW scan returns at most ef_search rows,
            # fewer than a filtered search must rank.
            sql = (f"SELECT row, -(embedding <#> %s::vector) FROM {self.table} "
                   f"ORDER BY (embedding <#> %s::vector) + 0, row LIMIT %s")
        return [(int(r), float(s)) for r, s in self._execute(sql, (vector, vector, n))]

    def persist(self, folder: Path) -> dict:
        # Rows were committed by add and the folder has POINTER; the HNSW index is built in one pass at the end.
        if self.hnsw:
            self._execute(f"CREATE INDEX {self.table}_hnsw ON {self.table} USING hnsw (embedding vector_ip_ops) "
                          f"WITH (m = {self.hnsw['m']}, ef_construction = {self.hnsw['ef_construction']})")
        return {"kind": self.kind, "table": self.table, "index": "hnsw" if self.hnsw else "exact"}

    def vectors(self) -> np.ndarray:
        rows = self._execute(f"SELECT embedding::text FROM {self.table} ORDER BY row")
        return np.array([json.loads(text) for (text,) in rows], dtype=np.float32).reshape(len(rows), self.dim)

    def __len__(self) -> int:
        return int(self._execute(f"SELECT count(*) FROM {self.table}")[0][0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def drop(folder: Path, dsn: str) -> None:
    """Drop the table of a removed version; an unreachable database only leaves an orphan table behind."""
    try:
        store = PgDense(dsn, *_table(folder))
        store._execute(f"DROP TABLE IF EXISTS {store.table}")
        store.close()
    except (IndexStaleError, VectorStoreError):
        pass
