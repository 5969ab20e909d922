"""What the page shows: the entity graph loaded, filtered, focused and cut to the node budget."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kg import checks, errors
from kg.rdf.vocab import ENTITY_CLASSES, PROPERTIES
from kg.views import network as netgraph
from kg.views.documents import resolve_documents

DEFAULT_MAX_NODES = 1500


def prepare_view(
    source: Any,
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
) -> dict[str, Any]:
    """Load, filter, focus and cut the graph to the budget (see :func:`kg.views.viz.write_html`).

    Returns:
        ``{"graph", "full_nodes", "full_edges", "left_out_nodes", "left_out_edges",
        "isolated_hidden", "filters", "documents"}`` where ``graph`` is the MultiDiGraph to draw
        and ``filters`` describes what was applied.
    """
    import networkx as nx  # where used: ``kg --help`` does not need it

    G = source if isinstance(source, nx.MultiDiGraph) else netgraph.to_networkx(source)
    type_list = checks.choices("class", types, [*ENTITY_CLASSES, netgraph.UNKNOWN_CLASS])
    prop_list = checks.choices("property", properties, list(PROPERTIES))
    since_d, until_d = checks.iso_date(since, "since"), checks.iso_date(until, "until")
    checks.confidence(min_confidence)
    checks.at_least(depth, 0, "depth")
    checks.at_least(max_nodes, 1, "max_nodes")
    docs = (
        None
        if document is None
        else resolve_documents(G.graph.get("documents", {}), document, "the graph")
    )

    filters: list[str] = []
    H = netgraph.filter_graph(
        G,
        types=type_list,
        properties=prop_list,
        documents=docs,
        since=since_d,
        until=until_d,
        min_confidence=float(min_confidence),
    )
    if type_list:
        filters.append("classes: " + ", ".join(type_list))
    if prop_list:
        filters.append("properties: " + ", ".join(prop_list))
    if docs:
        meta = G.graph.get("documents", {})
        filters.append("documents: " + ", ".join(meta.get(d, {}).get("title") or d for d in docs))
    if since_d or until_d:
        filters.append(f"dates: {since_d or '…'} to {until_d or '…'}")
    if min_confidence:
        filters.append(f"confidence ≥ {float(min_confidence):g}")
    centres: list[str] = []
    if focus is not None:
        centres = netgraph.find_entities(G, focus)
        if not centres:
            raise errors.unknown_entity(focus)
        centres = [c for c in centres[:10] if c in H]
        H = netgraph.neighbourhood(H, centres, depth)
        names = ", ".join(G.nodes[c]["label"] for c in centres[:3])
        filters.append(f"around {names} (depth {depth})")
    lonely = [] if isolated else [v for v in H if H.degree(v) == 0 and v not in centres]
    if lonely:
        H = H.copy()
        H.remove_nodes_from(lonely)

    kept = netgraph.most_connected(H, max_nodes)
    shown = H.subgraph(kept).copy() if len(kept) < H.number_of_nodes() else H
    return {
        "graph": shown,
        "full_nodes": H.number_of_nodes(),
        "full_edges": H.number_of_edges(),
        "left_out_nodes": H.number_of_nodes() - shown.number_of_nodes(),
        "left_out_edges": H.number_of_edges() - shown.number_of_edges(),
        "isolated_hidden": len(lonely),
        "filters": filters,
        "documents": len(H.graph.get("documents", {})),
    }
