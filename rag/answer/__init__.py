"""Stage 5, answer: cited answers from retrieved passages; every figure checked against the passage it cites.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM = {  # name -> the module that defines it
    "Answerer": "rag.answer.answerer",
    "Answer": "rag.answer.types", "StreamingAnswer": "rag.answer.types", "Sources": "rag.answer.types",
    "Provisional": "rag.answer.types", "Queued": "rag.answer.types", "Sentence": "rag.answer.types",
    "ChatModel": "rag.answer.chat", "Message": "rag.answer.chat", "ModelProvider": "rag.answer.chat",
    "Line": "rag.answer.line", "estimate_tokens": "rag.answer.budget",
    "in_english": "rag.answer.english", "figure_support": "rag.answer.grounding",
}
MODULES = ("takeaway", "prompts", "followup")  # exports, the prompts' files, follow-up resolution
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.answer import X` loads X's module on first use
