"""Milvus as the whole search engine of one index version: passages, dense vectors and BM25 in one collection,
hybrid search and reciprocal-rank fusion run in the engine; the version folder names its collection."""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from rag.errors import IndexStaleError, VectorStoreError
from rag.index.rows import Candidate, RowFilter
from rag.passage import Passage
from rag.text import keywords

# The version folder names its collection here, written before the collection exists: whoever removes the
# folder (pruning, a failed or crashed build) can drop the collection with it.
POINTER = "milvus.json"
CONNECT_TIMEOUT = 5.0  # seconds: an unreachable server is an error soon, not a hung request (pymilvus: connect only)
COLLECTION = re.compile(r"rag_c_[0-9a-f]{16}")  # the only names ever written; a name is spliced into requests
ALIAS_PREFIX = "rag_"  # rag_<16 hex of the index folder>: the engine's name of the version in use
# One insert request: rows of ~2 KB (a 384-d vector, the passage JSON, its tokens) stay far below gRPC's 64 MB.
INSERT_BATCH = 500
QUERY_BATCH = 1000  # rows per page when a whole collection is read back (vectors, passages)
TOP_LIMIT = 16384  # Milvus refuses a search for more results than this
# Text fields: VARCHAR lengths are bytes; 65535 is Milvus's most. A passage's JSON (with its PDF boxes) is the
# longest field: 1.5 KB at most in the corpus (measured); a longer one stops the build with a message.
MAX_VARCHAR = 65535
# What the engine's BM25 reads, recorded per collection in POINTER:
# "tokens" (default): the product's own jieba tokens (rag.text.keywords: figures kept whole, 3.5万 also as 35000,
#   科学技术 also as 科技), after bm25s's own steps (lower case, English stopwords; questions drop one-character
#   words), each written as one opaque word k<16 hex>. milvus-lite knows only the standard and jieba tokenizers
#   (its error says so), and standard would cut Chinese words into characters; an opaque word it keeps whole.
#   So the engine scores exactly the tokens bm25s scored in process.
# "jieba": the raw text under Milvus's {"tokenizer": "jieba"} analyzer, which lacks those rules.
# Measured against FAISS + bm25s on the 193 questions of eval/questions.jsonl (k = 3): "tokens" gives the same
# hybrid top-1 for 193/193 and top-3 overlap 1.00; "jieba" 180/193 and 0.90 (BM25 alone: 180/193, 0.69).
KEYWORDS = "tokens"
ANALYZERS = {"tokens": {"tokenizer": "standard"}, "jieba": {"tokenizer": "jieba"}}
BM25_PARAMS = {"bm25_k1": 1.5, "bm25_b": 0.75}  # bm25s's Lucene defaults, so that both rank alike
# Filterable passage metadata, each with an INVERTED index: name in the collection -> Passage attribute.
METADATA = {"pid": "id", "source": "source", "document": "document", "chapter": "chapter", "case_name": "case",
            "section": "section", "kind": "kind"}
NUMBERS = {"year": "year", "page": "page"}  # nullable INT64: None is NULL, never matched by year == 2024


@dataclass(frozen=True)
class MilvusAddress:
    """Where the engine is: a local .db file (milvus-lite, in this process) or http(s)://host:port."""
    uri: str = field(default="", repr=False)  # may hold user:password@: printed through where() only
    token: str = field(default="", repr=False)  # never printed

    @property
    def lite(self) -> bool:
        return not re.match(r"(?i)^(https?|tcp|grpc|unix)://", self.uri.strip())

    def target(self) -> str:
        """The uri handed to the client: an absolute file path for milvus-lite."""
        if not self.uri.strip():
            raise VectorStoreError("vector_store=milvus 需要 Milvus 地址：请设置 milvus_uri 或 RAG_MILVUS_URI"
                                   "（本地文件 …/rag.db 或 http://host:19530；milvus_uri missing）")
        if not self.lite:
            return self.uri.strip()
        path = Path(self.uri.strip()).expanduser().resolve()
        if path.suffix != ".db":  # pymilvus takes only a .db path for milvus-lite
            raise VectorStoreError(f"milvus_uri 本地文件须以 .db 结尾：{path}（milvus-lite file must end in .db）")
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(path)

    def where(self) -> str:
        """The address for messages: a file path, or scheme://host:port without user, password or token."""
        if self.lite:
            return self.uri.strip()
        parts = urlsplit(self.uri.strip())
        return f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}"

    def scrub(self, text: str) -> str:
        """A message from the client without the token (or the password of user:password), nor a password
        written into the uri."""
        secrets_ = {self.token, *self.token.split(":")[1:]}
        if not self.lite:
            parts = urlsplit(self.uri.strip())
            secrets_ |= {parts.password or "", parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""}
        for secret in sorted(secrets_ - {""}, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


_clients: dict[tuple[str, str], object] = {}
_clients_lock = threading.Lock()


def _reason(err: Exception, address: MilvusAddress) -> str:
    text = str(getattr(err, "message", "") or err).strip() or type(err).__name__
    return address.scrub(text.splitlines()[0])[:200]


def client(address: MilvusAddress):
    """One client per address and process (milvus-lite starts its server once per file)."""
    target = address.target()
    key = (target, address.token)
    with _clients_lock:
        if key in _clients:
            return _clients[key]
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise VectorStoreError("未安装 Milvus 客户端：pip install 'report-rag[milvus]'（pymilvus missing）") from None
        try:
            made = MilvusClient(uri=target, token=address.token, timeout=CONNECT_TIMEOUT)
        except Exception as err:  # MilvusException, grpc errors, a milvus-lite that cannot start
            # Measured: a second process opening the same milvus-lite file gets "Open local milvus failed".
            hint = "；milvus-lite 的文件同一时刻只能由一个进程打开，多个进程请用 Milvus 服务器" if address.lite else ""
            raise VectorStoreError(f"无法连接向量数据库 Milvus {address.where()}（{_reason(err, address)}{hint}）"
                                   "（vector database unreachable）") from None
        _clients[key] = made
        return made


def _call(address: MilvusAddress, what: str, run):
    """Run one request; any engine error becomes a one-line VectorStoreError naming what was asked."""
    try:
        return run(client(address))
    except VectorStoreError:
        raise
    except Exception as err:
        raise VectorStoreError(f"Milvus 请求失败：{what}，{address.where()}（{_reason(err, address)}）"
                               "（vector database refused a request）") from None


def alias_of(index_dir: Path) -> str:
    """The engine's name of the version in use of one index folder."""
    return ALIAS_PREFIX + hashlib.sha1(str(Path(index_dir).resolve()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Pointer:
    """What a version folder records of its collection (POINTER), written before the collection exists."""
    collection: str
    dim: int
    keywords: str = KEYWORDS  # what the BM25 field holds: "tokens" or "jieba" (see KEYWORDS)
    hnsw: dict | None = None  # {"m", "ef_construction", "ef_search"}: an HNSW dense index; None: FLAT (exact)

    @classmethod
    def read(cls, folder: Path) -> Pointer:
        try:
            data = json.loads((folder / POINTER).read_text(encoding="utf-8"))
            hnsw = data.get("hnsw")
            pointer = cls(str(data["collection"]), int(data["dim"]), str(data["keywords"]),
                          None if hnsw is None else {k: int(hnsw[k]) for k in ("m", "ef_construction", "ef_search")})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise IndexStaleError(f"Milvus 集合记录缺失或损坏：{folder / POINTER}（milvus pointer damaged）") from None
        if not COLLECTION.fullmatch(pointer.collection) or pointer.keywords not in ANALYZERS:
            raise IndexStaleError(f"Milvus 集合名无效：{folder / POINTER}（bad collection name）")
        return pointer

    def write(self, folder: Path) -> None:
        data = {"collection": self.collection, "dim": self.dim, "keywords": self.keywords, "hnsw": self.hnsw}
        (folder / POINTER).write_text(json.dumps(data), encoding="utf-8")


def _opaque(token: str) -> str:
    return "k" + hashlib.blake2b(token.encode("utf-8"), digest_size=8).hexdigest()


def keyword_texts(texts: Sequence[str], mode: str) -> list[str]:
    """What the engine's BM25 reads of each passage text (heading path + text)."""
    if mode == "jieba":
        return list(texts)
    import bm25s

    from rag.index.keyword import TOKEN_PATTERN

    # The steps of rag.index.keyword.KeywordIndex.build, so that both indexes hold the same tokens.
    tokens = bm25s.tokenize([" ".join(keywords.tokens(t)) for t in texts], token_pattern=TOKEN_PATTERN,
                            stopwords="en", stemmer=None, return_ids=False, show_progress=False)
    return [" ".join(_opaque(t) for t in row) for row in tokens]


def query_keywords(query: str, mode: str) -> str:
    """What the engine's BM25 is asked for a question ("" when no keyword is left)."""
    if mode == "jieba":
        return query
    import bm25s

    from rag.index.keyword import QUERY_PATTERN

    # The steps of rag.index.keyword.KeywordIndex.ranking.
    query_tokens = keywords.tokens(query)
    if not query_tokens:
        return ""
    tokens = bm25s.tokenize(" ".join(query_tokens), token_pattern=QUERY_PATTERN, stopwords="en", stemmer=None,
                            return_ids=False, show_progress=False)[0]
    return " ".join(_opaque(t) for t in tokens)


def _one(milvus, index):
    """IndexParams holding one index of a prepared set (create_index takes a set)."""
    params = milvus.prepare_index_params()
    params.append(index)
    return params


def _string(value: str) -> str:
    """A string literal of Milvus's filter language (double quotes, backslash escapes)."""
    return json.dumps(value, ensure_ascii=False)


def expression(where: RowFilter) -> str | None:
    """The filter in Milvus's language, over exact values ("" none); None when an empty set means nothing can
    match (then no request is made). Every Filters field becomes exact here: the retriever resolved case aliases
    and parts of chapter and document titles against the version's Facets, so nothing is filtered in Python."""
    parts = []
    for name, values in (("case_name", where.cases), ("chapter", where.chapters)):
        if values is not None:
            if not values:
                return None
            parts.append(f"{name} in [{', '.join(_string(v) for v in sorted(values))}]")
    if where.kind is not None:
        parts.append(f"kind == {_string(where.kind)}")
    if where.documents is not None:
        if not where.documents:
            return None
        pairs = [f"(source == {_string(s)} and document == {_string(d)})" for s, d in sorted(where.documents)]
        parts.append("(" + " or ".join(pairs) + ")")
    if where.year is not None:
        parts.append(f"year == {int(where.year)}")
    return " and ".join(parts)


class MilvusIndex:
    """One index version's collection: row (passage position) primary, the passage JSON, its metadata with
    INVERTED indexes, the dense vector (FLAT, or HNSW past the FAISS size rule) and a BM25 sparse field that the
    engine computes from the keyword text. Searched by inner product over normalised vectors (cosine)."""

    kind = "milvus"

    def __init__(self, address: MilvusAddress, pointer: Pointer) -> None:
        self.address, self.pointer = address, pointer
        self.name, self.dim = pointer.collection, pointer.dim
        self._by_id: OrderedDict[str, Passage] = OrderedDict()  # a few recently fetched passages
        self._lock = threading.Lock()

    # -- building --------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, folder: Path, address: MilvusAddress, dim: int, hnsw: dict | None = None) -> MilvusIndex:
        store = cls(address, Pointer(f"rag_c_{secrets.token_hex(8)}", dim, KEYWORDS, hnsw))
        store.pointer.write(folder)
        _call(address, f"创建集合 {store.name}", store._create)
        return store

    def _create(self, milvus) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = milvus.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                         analyzer_params=ANALYZERS[self.pointer.keywords])
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("text_hash", DataType.VARCHAR, max_length=64)
        for name in METADATA:
            schema.add_field(name, DataType.VARCHAR, max_length=MAX_VARCHAR)
        for name in NUMBERS:
            schema.add_field(name, DataType.INT64, nullable=True)
        schema.add_field("passage", DataType.VARCHAR, max_length=MAX_VARCHAR)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                                     output_field_names=["sparse"]))
        params = milvus.prepare_index_params()
        hnsw = self.pointer.hnsw
        if hnsw:
            params.add_index(field_name="dense", index_type="HNSW", metric_type="IP",
                             params={"M": hnsw["m"], "efConstruction": hnsw["ef_construction"]})
        else:
            params.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
        params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params=BM25_PARAMS)
        for name in (*METADATA, *NUMBERS):
            params.add_index(field_name=name, index_type="INVERTED")
        # Strong consistency: a search right after the build sees every row inserted.
        milvus.create_collection(self.name, schema=schema, consistency_level="Strong")
        # Indexes are requested without waiting for each: pymilvus waits on an index by sleeping 0.5 s before it
        # first asks its state, which made 5.5 s of an 11-index collection's build (measured on milvus-lite);
        # loading the collection waits for them all at once.
        for index in params:
            milvus.create_index(self.name, _one(milvus, index), sync=False)
        milvus.load_collection(self.name)

    def add_passages(self, passages: Sequence[Passage], vectors: np.ndarray, texts: Sequence[str],
                     hashes: Sequence[str]) -> None:
        """Rows 0..n-1 in passage order: texts are what is keyword-indexed, hashes the embedded texts' identity."""
        rows = []
        searched = keyword_texts(texts, self.pointer.keywords)
        for i, (p, vector, text, digest) in enumerate(zip(passages, vectors, searched, hashes)):
            row = {"row": i, "text": text, "dense": [float(x) for x in vector], "text_hash": digest,
                   "passage": json.dumps(p.to_dict(), ensure_ascii=False)}
            row |= {name: str(getattr(p, attr) or "") for name, attr in METADATA.items()}
            row |= {name: getattr(p, attr) for name, attr in NUMBERS.items()}
            too_long = [k for k, v in row.items() if isinstance(v, str) and len(v.encode("utf-8")) > MAX_VARCHAR]
            if too_long:
                raise VectorStoreError(f"段落 {p.id} 的字段过长，Milvus 无法存放：{'、'.join(too_long)}"
                                       f"（field over {MAX_VARCHAR} bytes）")
            rows.append(row)
        for start in range(0, len(rows), INSERT_BATCH):
            chunk = rows[start:start + INSERT_BATCH]
            _call(self.address, f"写入集合 {self.name}", lambda m: m.insert(self.name, chunk))

    def persist(self, folder: Path) -> dict:
        # Rows were inserted and the folder has POINTER; a flush seals them so that a restarted engine keeps them.
        _call(self.address, f"写入集合 {self.name}", lambda m: m.flush(self.name))
        return {"kind": self.kind, "collection": self.name, "index": "hnsw" if self.pointer.hnsw else "exact",
                "keywords": self.pointer.keywords}

    # -- opening ---------------------------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: Path, address: MilvusAddress) -> MilvusIndex:
        store = cls(address, Pointer.read(folder))
        name = store.name
        if not _call(address, f"查找集合 {name}", lambda m: m.has_collection(name)):
            raise IndexStaleError(f"Milvus 中没有该索引版本的集合 {name}（collection missing）：请重建索引")
        _call(address, f"加载集合 {name}", lambda m: m.load_collection(name))  # a restarted engine starts released
        return store

    def __len__(self) -> int:
        rows = _call(self.address, f"统计集合 {self.name}",
                     lambda m: m.query(self.name, filter="", output_fields=["count(*)"]))
        return int(rows[0]["count(*)"])

    # -- searching -------------------------------------------------------------------------------------------
    def _dense_param(self, limit: int) -> dict:
        if self.pointer.hnsw:  # ef must cover the results asked for
            return {"metric_type": "IP", "params": {"ef": max(self.pointer.hnsw["ef_search"], limit)}}
        return {"metric_type": "IP"}

    def candidates(self, query: str, vector: np.ndarray | None, n: int, where: RowFilter, rrf_k: int,
                   mode: str = "hybrid") -> list[Candidate]:
        """The best rows for the question under the filter, best first.

        hybrid: one hybrid_search, dense and BM25 requests of n each fused by the engine's RRFRanker(rrf_k),
        up to 2n rows (the union both can give, as fusion in process had). dense or bm25: one search, its ranks
        turned into the same reciprocal-rank score. BM25 scores are never read: milvus-lite returns them
        negative (order right), a server positive."""
        n = max(1, min(n, TOP_LIMIT))
        expr = expression(where)
        if expr is None:
            return []
        keywords_text = query_keywords(query, self.pointer.keywords) if mode != "dense" else ""
        if mode == "bm25" and not keywords_text:
            return []
        out = ["passage"]
        if mode == "hybrid" and keywords_text:
            from pymilvus import AnnSearchRequest, RRFRanker

            requests = [AnnSearchRequest(data=[vector.tolist()], anns_field="dense", param=self._dense_param(n),
                                         limit=n, expr=expr),
                        AnnSearchRequest(data=[keywords_text], anns_field="sparse", param={"metric_type": "BM25"},
                                         limit=n, expr=expr)]
            found = _call(self.address, "混合检索", lambda m: m.hybrid_search(
                self.name, reqs=requests, ranker=RRFRanker(rrf_k), limit=min(2 * n, TOP_LIMIT), output_fields=out))
            return [Candidate(int(h["row"]), self._passage_of(h), float(h["distance"])) for h in found[0]]
        if mode == "bm25":
            found = _call(self.address, "关键词检索", lambda m: m.search(
                self.name, data=[keywords_text], anns_field="sparse", search_params={"metric_type": "BM25"},
                limit=n, filter=expr, output_fields=out))
            return [Candidate(int(h["row"]), self._passage_of(h), 1.0 / (rrf_k + rank + 1))
                    for rank, h in enumerate(found[0])]
        # Dense alone (mode dense, or a question with no keyword left): cosine scores, as FAISS gives them.
        found = _call(self.address, "向量检索", lambda m: m.search(
            self.name, data=[vector.tolist()], anns_field="dense", search_params=self._dense_param(n),
            limit=n, filter=expr, output_fields=out))
        return [Candidate(int(h["row"]), self._passage_of(h), 1.0 / (rrf_k + rank + 1), dense=float(h["distance"]))
                for rank, h in enumerate(found[0])]

    @staticmethod
    def _passage_of(hit: dict) -> Passage:
        entity = hit.get("entity") or hit
        return Passage.from_dict(json.loads(entity["passage"]))

    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]]:
        """Dense rows and cosine scores (the DenseStore protocol: benchmarks, contract tests)."""
        found = _call(self.address, "向量检索", lambda m: m.search(
            self.name, data=[query.tolist()], anns_field="dense", search_params=self._dense_param(n),
            limit=max(1, min(n, TOP_LIMIT)), output_fields=["row"]))
        return [(int(h["row"]), float(h["distance"])) for h in found[0]]

    def passage(self, passage_id: str) -> Passage:
        """The passage with that id, fetched from the engine (KeyError when there is none)."""
        with self._lock:
            if passage_id in self._by_id:
                self._by_id.move_to_end(passage_id)
                return self._by_id[passage_id]
        rows = _call(self.address, "读取段落", lambda m: m.query(
            self.name, filter=f"pid == {_string(passage_id)}", output_fields=["passage"], limit=1))
        if not rows:
            raise KeyError(passage_id)
        found = Passage.from_dict(json.loads(rows[0]["passage"]))
        with self._lock:
            self._by_id[passage_id] = found
            while len(self._by_id) > 256:  # an answer cites a handful; a page view reads one
                self._by_id.popitem(last=False)
        return found

    def _rows(self, fields: list[str]) -> list[dict]:
        """Every row of the collection with those fields, in row order, read by ranges of rows (rows are the
        passage positions 0..n-1; pymilvus's query_iterator warns on milvus-lite and orders nothing)."""
        total, rows = len(self), []
        for start in range(0, total, QUERY_BATCH):
            where = f"row >= {start} and row < {start + QUERY_BATCH}"
            rows += _call(self.address, f"读取集合 {self.name}", lambda m: m.query(
                self.name, filter=where, output_fields=["row", *fields], limit=QUERY_BATCH))
        return sorted(rows, key=lambda r: int(r["row"]))

    def all_passages(self) -> list[Passage]:
        """Every passage, in row order: only for the features that read the whole corpus (see artefacts)."""
        return [Passage.from_dict(json.loads(r["passage"])) for r in self._rows(["passage"])]

    def hashes(self) -> list[tuple[str, str]]:
        """(passage id, text hash) of every row, in row order."""
        return [(str(r["pid"]), str(r["text_hash"])) for r in self._rows(["pid", "text_hash"])]

    def vectors(self) -> np.ndarray:
        rows = self._rows(["dense"])
        return np.array([r["dense"] for r in rows], dtype=np.float32).reshape(len(rows), self.dim)

    def hashed_vectors(self) -> tuple[list[str], list[str], np.ndarray]:
        """Passage ids, text hashes and vectors of every row, in row order: what an incremental build reuses."""
        rows = self._rows(["pid", "text_hash", "dense"])
        vectors = np.array([r["dense"] for r in rows], dtype=np.float32).reshape(len(rows), self.dim)
        return [str(r["pid"]) for r in rows], [str(r["text_hash"]) for r in rows], vectors


def publish(folder: Path, index_dir: Path, address: MilvusAddress) -> str:
    """Point the index folder's alias at the collection of its (complete, current) version folder: one
    alter_alias, atomic in the engine. Returns the alias."""
    name = Pointer.read(folder).collection
    alias = alias_of(index_dir)

    def move(milvus) -> None:
        if alias in milvus.list_aliases().get("aliases", []):
            milvus.alter_alias(collection_name=name, alias=alias)
        else:  # the folder's first version in this engine
            milvus.create_alias(collection_name=name, alias=alias)

    _call(address, f"切换别名 {alias}", move)
    return alias


def alias_target(index_dir: Path, address: MilvusAddress) -> str | None:
    """The collection the index folder's alias names now; None when it has none."""
    alias = alias_of(index_dir)

    def read(milvus):
        if alias not in milvus.list_aliases().get("aliases", []):
            return None
        return milvus.describe_alias(alias).get("collection_name")

    return _call(address, f"读取别名 {alias}", read)


def drop(folder: Path, address: MilvusAddress) -> None:
    """Drop the collection of a removed version; an unreachable engine only leaves an orphan collection behind.
    An alias still on it (the folder's versions removed by hand) is dropped first: Milvus keeps a named one."""
    try:
        name = Pointer.read(folder).collection

        def remove(milvus) -> None:
            for alias in milvus.list_aliases(collection_name=name).get("aliases", []):
                milvus.drop_alias(alias)
            milvus.drop_collection(name)

        _call(address, f"删除集合 {name}", remove)
    except (IndexStaleError, VectorStoreError):
        pass
