"""kg: an offline knowledge-graph builder for news.

Heavy dependencies (spaCy, rdflib, pyoxigraph, pyvis) are imported inside the functions that need
them, so ``import kg`` stays fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "build", "open_store"]


def build(*args: Any, **kwargs: Any) -> Any:
    """Run the whole pipeline; see :func:`kg.run.build.build`."""
    from kg.run.build import build as _build

    return _build(*args, **kwargs)


def open_store(*args: Any, **kwargs: Any) -> Any:
    """Open a store; see :func:`kg.store.open_store`."""
    from kg.store import open_store as _open

    return _open(*args, **kwargs)
