"""Stage 7, serve: the Gradio web chat, its API endpoints, answer formatting and user feedback.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM = {"serve": "rag.serve.web", "WebOptions": "rag.serve.web"}  # name -> the module that defines it
MODULES = ("export",)  # 数据一览's CSV, which the command line writes too
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.serve import X` loads X's module on first use
