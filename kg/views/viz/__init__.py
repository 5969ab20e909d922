"""The interactive network page: a self-contained, offline HTML file drawn with vis-network.

``select`` loads the graph (:func:`kg.views.network.to_networkx`) and cuts it to what is shown,
``layout`` places the nodes, ``render`` assembles the vis-network nodes and edges with pyvis and
renders the page from our own template, ``page.html`` (pyvis's stock template loads Bootstrap from
a CDN and switches its tooltips to ``innerHTML`` when a title contains "href").

Safety: every string from an article reaches the page either through Jinja autoescaping (heading,
legend, notes) or inside a JSON data block whose ``<``, ``>``, ``&`` and ``'`` are \\u-escaped;
vis-network draws labels on a canvas and puts string tooltips in with ``innerText``, so article
text is never parsed as HTML. A Content-Security-Policy allows only the page's own two scripts (by
hash), so an injected inline event handler would not run even if markup slipped through.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kg.store.files import atomic_write_text
from kg.views.viz.layout import compute_layout, force_layout
from kg.views.viz.render import (
    CLASS_STYLE,
    PROPERTY_COLOURS,
    build_vis_data,
    edge_tooltip,
    node_tooltip,
    render_page,
)
from kg.views.viz.select import DEFAULT_MAX_NODES, prepare_view

__all__ = [
    "CLASS_STYLE",
    "DEFAULT_MAX_NODES",
    "PROPERTY_COLOURS",
    "build_vis_data",
    "compute_layout",
    "edge_tooltip",
    "force_layout",
    "node_tooltip",
    "prepare_view",
    "render_page",
    "write_html",
]


def write_html(
    source: Any,
    path: Path,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: Iterable[str] | None = None,
    properties: Iterable[str] | None = None,
    document: str | Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    min_confidence: float = 0.0,
    max_nodes: int = DEFAULT_MAX_NODES,
    isolated: bool = False,
    size_by: str = "degree",
    title: str | None = None,
    physics: bool | None = None,
    naming: Callable[[str], str] = str,
) -> str:
    """Write the network page of ``source`` to ``path`` (atomically) and return a summary line.

    Args:
        source: A kg store, an rdflib Graph/Dataset, or an entity graph from ``kg.views.network``.
        path: The HTML file to write.
        focus: Show only the neighbourhood of the entity with this label, alias or IRI.
        depth: Hops around ``focus``.
        types: Keep only these classes (local names, e.g. ``MilitaryUnit``).
        properties: Keep only facts with these properties.
        document: Keep only evidence from this document (IRI, id or title), or these documents.
        since: Keep only evidence from documents dated on or after this ISO date.
        until: Keep only evidence from documents dated on or before this ISO date.
        min_confidence: Keep only evidence with at least this confidence.
        max_nodes: The node budget; past it the most connected part is shown, and the page says
            what was left out.
        isolated: Also draw entities that take part in no fact (left out by default, and
            counted in a note on the page).
        size_by: ``degree`` (facts) or ``corroboration`` (documents naming the entity).
        title: The page heading (default "Knowledge graph").
        physics: Let the browser refine the layout (bounded); default: only for small graphs.
        naming: How the page's notes name these parameters (``focus``, ``types``, ``properties``,
            ``min_confidence``, ``isolated``): as themselves by default; the CLI passes its flags.

    Returns:
        A one-line summary such as ``"42 nodes, 57 edges → out/graph.html"``.

    Raises:
        kg.errors.InputError: For an unknown class, property, document, entity or a bad value.
    """
    started = time.perf_counter()
    view = prepare_view(
        source,
        focus=focus,
        depth=depth,
        types=types,
        properties=properties,
        document=document,
        since=since,
        until=until,
        min_confidence=min_confidence,
        max_nodes=max_nodes,
        isolated=isolated,
    )
    page = render_page(
        view, size_by=size_by, title=title or "Knowledge graph", physics=physics, naming=naming
    )
    atomic_write_text(Path(path), page, shared=True)
    shown = view["graph"]
    left = view["left_out_nodes"]
    extra = f" ({left} entities left out, over the budget of {max_nodes})" if left else ""
    seconds = time.perf_counter() - started
    return (
        f"{shown.number_of_nodes()} nodes, {shown.number_of_edges()} edges → {path}{extra} "
        f"[{len(page) / 1024:.0f} KiB, {seconds:.1f}s]"
    )
