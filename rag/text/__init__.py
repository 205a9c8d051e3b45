"""Stage 1, text: normalisation, sentence ends, figures (amounts, years, units), keyword tokens, language.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM: dict[str, str] = {}
# A library of small pure functions every stage reads text with: each module is public whole.
MODULES = ("normalize", "figures", "keywords", "language", "english", "garbage")
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.text import X` loads X's module on first use
