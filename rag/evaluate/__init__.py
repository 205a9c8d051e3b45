"""Stage 8, evaluate: the evaluation run over eval/questions.jsonl, scoring, metrics, thresholds and reports.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM = {"load_questions": "rag.evaluate.metrics"}  # name -> the module that defines it
MODULES = ("run", "documents", "results", "library")  # the command line's eval, eval --documents and eval --library
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.evaluate import X` loads X's module on first use
