"""Stage 2, ingest: corpus files read (PDF, DOCX, Markdown, text), parsed into chapters/cases/sections, cut into passages.

Its seam, what other stages (and rag.report, rag.cli, the public face) may import: a name of SEAM, from the module
it names or from this package, or a module of MODULES, whole; tests/test_layers.py fails on any other import
from outside. Add to it deliberately: everything not in it may change without telling the other stages."""

from rag import seam

SEAM = {  # name -> the module that defines it
    "ingest": "rag.ingest.pipeline", "Corpus": "rag.ingest.pipeline", "OutlineEntry": "rag.ingest.pipeline",
    "SourceInfo": "rag.ingest.pipeline",
    "CHUNKER_VERSION": "rag.ingest.chunk",
    "Skipped": "rag.ingest.corpus", "corpus_hash": "rag.ingest.corpus", "sidecar_of": "rag.ingest.corpus",
    "Cell": "rag.ingest.table", "cells": "rag.ingest.table", "label_key": "rag.ingest.table", "row_words": "rag.ingest.table",
    "DocumentRecord": "rag.ingest.registry", "DocumentAudit": "rag.ingest.registry", "audit": "rag.ingest.registry",
    "from_source": "rag.ingest.registry", "short_names": "rag.ingest.registry",
}
MODULES = ("facts",)  # the figures table's rows (Figure), read by index, retrieve, answer and serve
__all__ = [*SEAM, *MODULES]
__getattr__ = seam.loader(__name__, SEAM, MODULES)  # `from rag.ingest import X` loads X's module on first use
