"""Stage 3, index: versioned index folders, embeddings, the dense stores (FAISS, pgvector, Milvus) and BM25.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM = {  # name -> the module that defines it
    "Manifest": "rag.index.manifest", "FORMAT": "rag.index.manifest", "read_manifest": "rag.index.manifest",
    "Embedder": "rag.index.embed", "make_embedder": "rag.index.embed",
    "CURRENT": "rag.index.versions", "current_version": "rag.index.versions", "new_version": "rag.index.versions",
    "build_lock": "rag.index.versions",
    "Candidate": "rag.index.rows", "RowFilter": "rag.index.rows", "LoadedIndex": "rag.index.artefacts",
}
# rag.report builds and opens versions through these; the retriever searches a LoadedIndex.
MODULES = ("artefacts", "dense", "pages")
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.index import X` loads X's module on first use
