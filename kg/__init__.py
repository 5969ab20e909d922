"""kg: an offline knowledge-graph builder for news.

``kg.build`` runs the whole pipeline (``kg.run.build.build``); ``kg.open_store`` opens a store
(``kg.store.open_store``). Both are the real functions, looked up on first use: every ``import
kg.<module>`` runs this file first, so it imports nothing heavy itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "build", "open_store"]

if TYPE_CHECKING:
    from kg.run.build import build
    from kg.store import open_store

_EXPORTS = {"build": "kg.run.build", "open_store": "kg.store"}


def __getattr__(name: str) -> Any:
    """``kg.build`` and ``kg.open_store``, imported when first asked for (PEP 562)."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
