"""Stage 6, llm: the chat models the answers are written by: the local GGUF (llama.cpp) or an OpenAI-compatible server.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM = {"provider": "rag.llm.backends", "chat_model": "rag.llm.backends"}  # name -> the module that defines it
MODULES: tuple[str, ...] = ()
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.llm import X` loads X's module on first use
