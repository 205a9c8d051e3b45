"""A stage's public seam: the names and modules other stages may import from it, declared in its __init__.py (SEAM,
MODULES) and loaded from their modules on first use; tests/test_layers.py fails on an import from outside that misses it."""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def loader(package: str, names: Mapping[str, str], modules: tuple[str, ...]) -> Callable[[str], object]:
    """The stage package's __getattr__ (PEP 562): `from rag.index import Manifest` imports rag.index.manifest only
    then, so that opening a package costs nothing and its modules may import each other without passing through it."""

    def __getattr__(name: str) -> object:
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        if name in modules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
