"""Errors that carry a message fit to show a user (Chinese first, English after)."""


class RagError(Exception):
    """Base class: str(err) is a one-line message meant for the user."""


class CorpusError(RagError):
    """The corpus folder is missing, empty, or holds nothing readable."""


class IndexBuildError(RagError):
    """The index could not be built or written; the previous index is untouched."""


class IndexStaleError(RagError):
    """The index on disk does not match the corpus, model or chunker."""


class QueryError(RagError):
    """The question or its filters cannot be searched."""


class LLMError(RagError):
    """A chat model could not produce an answer (bad model file, server error, timeout…); answers fall back."""


class ModelFileError(LLMError):
    """The local model file is missing, incomplete or does not match its checksum."""


class VectorStoreError(RagError):
    """The vector database is not configured, cannot be reached, or refused a request."""


class PageError(RagError):
    """The printed page of a passage cannot be shown: unknown passage, not a PDF, the PDF gone or changed."""
