"""The index manifest: what one index version was built from and holds, typed, with its JSON file form."""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from rag.ingest.corpus import Skipped
from rag.ingest.pipeline import Corpus, OutlineEntry, SourceInfo
from rag.ingest.registry import DocumentRecord, from_source

# The layout of an index version folder; another value means a full rebuild. 2: the keyword index is saved by
# bm25s itself (1: through llama-index's BM25Retriever wrapper).
FORMAT = 2
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Embedding:
    name: str
    dim: int


@dataclass(frozen=True)
class Manifest:
    """manifest.json of one index version. vector_store is the dense store's own pointer (its kind first)."""
    chunker_version: str
    chunk_max_chars: int
    corpus_hash: str
    corpus_dir: str
    sources: tuple[SourceInfo, ...]
    skipped: tuple[Skipped, ...]
    outline: tuple[OutlineEntry, ...]
    built_at: str
    format: int = FORMAT
    passages: int = 0
    embedding: Embedding = Embedding("", 0)
    vector_store: dict[str, Any] = field(default_factory=dict)
    reused: int = 0  # vectors taken from the previous version (same embedded text)
    embedded: int = 0  # vectors computed for this version
    build_seconds: float = 0.0
    # The document registry (rag.ingest.registry); () in a version built before it: read from `sources` then.
    documents: tuple[DocumentRecord, ...] = ()

    @classmethod
    def of(cls, corpus: Corpus, chunker_version: str, chunk_max_chars: int) -> "Manifest":
        """Before embedding: what was read; the index stage fills in the rest with `built`."""
        return cls(chunker_version, chunk_max_chars, corpus.digest, str(corpus.folder), corpus.sources,
                   corpus.skipped, corpus.outline, time.strftime("%Y-%m-%dT%H:%M:%S%z"), documents=corpus.documents)

    def built(self, **done: Any) -> "Manifest":
        return replace(self, **done)

    @property
    def store_kind(self) -> str:
        """Which store holds the vectors; versions written before the switch existed are FAISS."""
        return str(self.vector_store.get("kind", "faiss"))

    def registry(self) -> tuple[DocumentRecord, ...]:
        """The document registry of this version; for a version built before it, records read from `sources`."""
        if self.documents:
            return self.documents
        return tuple(from_source(s.name, s.encoding, s.title, s.year, s.publisher, s.passages) for s in self.sources)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        """Raises ValueError (or TypeError/KeyError) when the text is not a manifest of this format."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("manifest is not an object")
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["sources"] = tuple(SourceInfo(**{**s, "incomplete_cases": tuple(s.get("incomplete_cases", ()))})
                                for s in data.get("sources", ()))
        data["skipped"] = tuple(Skipped(**s) for s in data.get("skipped", ()))
        data["outline"] = tuple(OutlineEntry(**e) for e in data.get("outline", ()))
        data["embedding"] = Embedding(**data.get("embedding", {"name": "", "dim": 0}))
        data["documents"] = tuple(DocumentRecord.from_dict(d) for d in data.get("documents", ()))
        return cls(**data)


def read_manifest(version: Path) -> Manifest | None:
    """The manifest of one version folder; None when it is missing or unreadable (the version is not used)."""
    try:
        return Manifest.from_json((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write_manifest(version: Path, manifest: Manifest) -> None:
    (version / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
