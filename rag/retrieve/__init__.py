"""Stage 4, retrieve: what a question asks, dense and keyword rankings, fusion, filters: passages best first.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM = {  # name -> the module that defines it
    "Retriever": "rag.retrieve.retriever", "Filters": "rag.retrieve.retriever", "Hit": "rag.retrieve.retriever",
    "FigureTable": "rag.retrieve.figures", "FigureMatch": "rag.retrieve.figures", "asked_unit": "rag.retrieve.figures",
    "ASKING": "rag.retrieve.figures", "Library": "rag.retrieve.scope", "Scope": "rag.retrieve.scope",
    "asks_previous": "rag.retrieve.scope",
}
MODULES = ("query",)  # every rule about what a question asks, which the answer stage asks too
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.retrieve import X` loads X's module on first use
