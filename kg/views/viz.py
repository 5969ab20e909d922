"""The interactive network page: a self-contained, offline HTML file drawn with vis-network.

The graph comes from :func:`kg.views.network.to_networkx`; pyvis assembles the vis-network nodes and
edges, and the page is rendered from our own template (pyvis's stock template loads Bootstrap from
a CDN and switches its tooltips to ``innerHTML`` when a title contains "href").

Safety: every string from an article reaches the page either through Jinja autoescaping (heading,
legend, notes) or inside a JSON data block whose ``<``, ``>``, ``&`` and ``'`` are \\u-escaped;
vis-network draws labels on a canvas and puts string tooltips in with ``innerText``, so article
text is never parsed as HTML. A Content-Security-Policy allows only the page's own two scripts (by
hash), so an injected inline event handler would not run even if markup slipped through.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import checks, errors
from kg.rdf.vocab import ENTITY_CLASSES, PROPERTIES, SYMMETRIC_PROPERTIES

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_MAX_NODES = 1500
#: Up to this many nodes the browser refines the precomputed layout with a bounded simulation.
PHYSICS_LIMIT = 250
STABILIZATION_ITERATIONS = 150
MAX_EVIDENCE_IN_TOOLTIP = 4
MAX_SENTENCE = 300
MAX_LABEL = 40

#: Class → (shape, fill colour, human label). Shapes with the label underneath, so size shows.
CLASS_STYLE: dict[str, tuple[str, str, str]] = {
    "Person": ("dot", "#e15759", "Person"),
    "Organization": ("square", "#4e79a7", "Organization"),
    "GovernmentBody": ("hexagon", "#f28e2b", "Government body"),
    "MilitaryUnit": ("triangle", "#59a14f", "Military unit"),
    "PoliceUnit": ("triangleDown", "#2a9d8f", "Police unit"),
    "Country": ("diamond", "#e9b824", "Country"),
    "Place": ("star", "#b07aa1", "Place"),
    "Event": ("box", "#9c755f", "Event"),
    "Unknown": ("dot", "#9d9d9d", "Unknown class"),
}
PROPERTY_COLOURS: dict[str, str] = {
    "trainsWith": "#2f7d32",
    "cooperatesWith": "#3d6fb6",
    "meetsWith": "#8e44ad",
    "partOf": "#6d6d6d",
    "affiliatedWith": "#a0522d",
    "worksFor": "#c0392b",
    "leads": "#d35400",
    "locatedIn": "#7f8c8d",
    "basedIn": "#16a085",
    "livesIn": "#b7950b",
    "killed": "#000000",
    "authorizes": "#c2185b",
    "deployedTo": "#1f618d",
    "participatesIn": "#5d6d7e",
}


# ---------------------------------------------------------------- public entry point


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
    page = render_page(view, size_by=size_by, title=title or "Knowledge graph", physics=physics)
    _write_atomically(Path(path), page)
    shown = view["graph"]
    left = view["left_out_nodes"]
    extra = f" ({left} entities left out, over the budget of {max_nodes})" if left else ""
    seconds = time.perf_counter() - started
    return (
        f"{shown.number_of_nodes()} nodes, {shown.number_of_edges()} edges → {path}{extra} "
        f"[{len(page) / 1024:.0f} KiB, {seconds:.1f}s]"
    )


# ---------------------------------------------------------------- selecting what to show


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
    """Load, filter, focus and cut the graph to the budget (see :func:`write_html`).

    Returns:
        ``{"graph", "full_nodes", "full_edges", "left_out_nodes", "left_out_edges",
        "isolated_hidden", "filters", "documents"}`` where ``graph`` is the MultiDiGraph to draw
        and ``filters`` describes what was applied.
    """
    import networkx as nx

    from kg.views import network as netgraph

    G = source if isinstance(source, nx.MultiDiGraph) else netgraph.to_networkx(source)
    type_list = checks.choices("class", types, [*ENTITY_CLASSES, netgraph.UNKNOWN_CLASS])
    prop_list = checks.choices("property", properties, list(PROPERTIES))
    since_d, until_d = checks.iso_date(since, "since"), checks.iso_date(until, "until")
    checks.confidence(min_confidence)
    checks.at_least(depth, 0, "depth")
    checks.at_least(max_nodes, 1, "max_nodes")
    docs = _resolve_documents(G, document)

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


def _resolve_documents(G: nx.MultiDiGraph, wanted: str | Iterable[str] | None) -> list[str] | None:
    """Map document IRIs, ids or titles to the IRIs of the graph's documents."""
    if wanted is None:
        return None
    items = [wanted] if isinstance(wanted, str) else list(wanted)
    meta = G.graph.get("documents", {})
    out = []
    for item in items:
        want = item.strip().casefold()
        hits = [
            iri
            for iri, m in meta.items()
            if iri == item
            or iri.rsplit("/", 1)[-1].casefold() == want
            or (m.get("title") or "").casefold() == want
            or (m.get("source") or "").casefold() == want
            or Path(m.get("source") or "").name.casefold() == want
        ]
        if not hits:
            known = sorted(iri.rsplit("/", 1)[-1] for iri in meta)
            raise errors.unknown_document(item, known)
        out.extend(hits)
    return sorted(set(out))


# ---------------------------------------------------------------- layout


def compute_layout(G: nx.MultiDiGraph, *, spacing: float = 95.0) -> dict[str, tuple[float, float]]:
    """Return pixel positions: each connected component laid out apart, then packed in rows.

    Each component gets :func:`force_layout` (deterministic), scaled so that its median edge is
    ``spacing`` pixels long whatever its size, then the components' bounding boxes are packed
    in rows, largest first. (networkx's Kamada-Kawai looks a little better on small parts but
    took 1.5 s for 60 nodes here; the browser's bounded physics evens small graphs out.)
    """
    import networkx as nx

    from kg.views.network import simple_undirected

    U = simple_undirected(G)
    comps = sorted(nx.connected_components(U), key=lambda c: (-len(c), min(c)))
    boxes: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for comp in comps:
        n = len(comp)
        sub = U.subgraph(comp)
        if n == 1:
            unit = {next(iter(comp)): (0.0, 0.0)}
        elif n == 2:
            unit = {v: (i - 0.5, 0.0) for i, v in enumerate(sorted(sub))}
        else:  # small parts get more iterations: they cost next to nothing
            unit = force_layout(sub, iterations=max(50, min(300, 40_000 // n)))
        lengths = sorted(math.dist(unit[u], unit[v]) for u, v in sub.edges())
        median = lengths[len(lengths) // 2] if lengths else 1.0
        scale = spacing / max(median, 1e-9)
        xs = [x * scale for x, _ in unit.values()]
        ys = [y * scale for _, y in unit.values()]
        x0, y0 = min(xs), min(ys)
        pos = {v: (x * scale - x0, y * scale - y0) for v, (x, y) in unit.items()}
        boxes.append((pos, max(xs) - x0 + spacing, max(ys) - y0 + spacing))

    out: dict[str, tuple[float, float]] = {}
    total_area = sum(w * h for _, w, h in boxes)
    row_width = max([boxes[0][1] if boxes else 0.0, math.sqrt(total_area) * 1.5])
    x = y = row_height = 0.0
    for pos, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y = 0.0, y + row_height
            row_height = 0.0
        for v, (px, py) in pos.items():
            out[v] = (round(x + spacing / 2 + px, 1), round(y + spacing / 2 + py, 1))
        x += width
        row_height = max(row_height, height)
    return out


def force_layout(U: nx.Graph, iterations: int = 50, chunk: int = 512) -> dict[str, Any]:
    """Fruchterman-Reingold, vectorised with numpy (float32), started from the spectral layout.

    networkx's own spring layout switches to an L-BFGS energy solver past 500 nodes that takes
    about 15 s for 1,500 nodes; this takes a few seconds. Rows are processed in chunks so memory
    stays bounded (``chunk × n`` pairs at a time). Returns positions scaled into [-1, 1].
    """
    import networkx as nx
    import numpy as np

    nodes = list(U)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    rng = np.random.default_rng(7)
    first = nx.spectral_layout(U)
    pos = np.array([first[v] for v in nodes], dtype=np.float32)
    pos += rng.normal(scale=1e-3, size=pos.shape).astype(np.float32)  # leaves share a point
    pos = (pos - pos.mean(0)) / (np.abs(pos).max() or 1.0)
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    edges = np.array([(index[u], index[v]) for u, v in U.edges()], dtype=np.int64).reshape(-1, 2)
    # ForceAtlas2's degree-weighted repulsion: hubs push harder, so their leaves get room
    mass = np.array([1.0 + U.degree(v) for v in nodes], dtype=np.float32)
    mass /= np.float32(mass.mean())
    k2 = np.float32(1.0 / n)  # k = 1/sqrt(n): the ideal distance in the unit square
    temperature = 0.1
    cool = temperature / (iterations + 1)
    for _ in range(iterations):
        fx, fy = np.zeros(n, np.float32), np.zeros(n, np.float32)
        for r0 in range(0, n, chunk):  # repulsion k²/d between all pairs
            dx = x[r0 : r0 + chunk, None] - x[None, :]
            dy = y[r0 : r0 + chunk, None] - y[None, :]
            f = k2 * mass[r0 : r0 + chunk, None] * mass[None, :]
            f /= np.maximum(dx * dx + dy * dy, np.float32(1e-6))
            fx[r0 : r0 + chunk] = (dx * f).sum(1)
            fy[r0 : r0 + chunk] = (dy * f).sum(1)
        if len(edges):  # attraction d²/k along the edges
            i, j = edges[:, 0], edges[:, 1]
            dx, dy = x[i] - x[j], y[i] - y[j]
            pull = np.sqrt(dx * dx + dy * dy) * np.float32(math.sqrt(n))
            np.add.at(fx, i, -dx * pull)
            np.add.at(fy, i, -dy * pull)
            np.add.at(fx, j, dx * pull)
            np.add.at(fy, j, dy * pull)
        length = np.sqrt(np.maximum(fx * fx + fy * fy, np.float32(1e-12)))
        step = np.minimum(length, np.float32(temperature)) / length
        x += fx * step
        y += fy * step
        temperature -= cool
    x -= x.mean()
    y -= y.mean()
    scale = float(max(np.abs(x).max(), np.abs(y).max())) or 1.0
    return {v: (float(a) / scale, float(b) / scale) for v, a, b in zip(nodes, x, y, strict=True)}


# ---------------------------------------------------------------- the page


def render_page(
    view: dict[str, Any],
    *,
    size_by: str = "degree",
    title: str = "Knowledge graph",
    physics: bool | None = None,
) -> str:
    """Return the HTML of the page for a view from :func:`prepare_view`."""
    import jinja2

    if size_by not in ("degree", "corroboration"):
        raise errors.unknown_choice("size measure", size_by, ["degree", "corroboration"])
    G = view["graph"]
    data = build_vis_data(G, size_by=size_by, physics=physics)
    vis_js, vis_css = _vis_assets()
    scripts = [vis_js, _APP_JS]
    csp = (
        "default-src 'none'; "
        "script-src " + " ".join(_csp_hash(s) for s in scripts) + "; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'; object-src 'none'"
    )
    counts_cls: dict[str, int] = {}
    for _, d in G.nodes(data=True):
        counts_cls[d["cls"]] = counts_cls.get(d["cls"], 0) + 1
    counts_prop: dict[str, int] = {}
    for _, _, k in G.edges(keys=True):
        counts_prop[k] = counts_prop.get(k, 0) + 1
    legend_classes = [
        {
            "name": CLASS_STYLE[c][2],
            "shape": CLASS_STYLE[c][0],
            "colour": CLASS_STYLE[c][1],
            "count": counts_cls[c],
        }
        for c in CLASS_STYLE
        if c in counts_cls
    ]
    legend_props = [
        {
            "name": p,
            "colour": PROPERTY_COLOURS.get(p, "#888"),
            "count": counts_prop[p],
            "directed": p not in SYMMETRIC_PROPERTIES,
        }
        for p in PROPERTIES
        if p in counts_prop
    ]
    notes = []
    if view["left_out_nodes"]:
        notes.append(
            f"Showing the {G.number_of_nodes():,} most connected of {view['full_nodes']:,} "
            f"entities: {view['left_out_nodes']:,} entities and {view['left_out_edges']:,} facts "
            "are left out. Narrow the view with --focus, --types, --properties or "
            "--min-confidence to see them."
        )
    if view.get("isolated_hidden"):
        n = view["isolated_hidden"]
        notes.append(
            f"{n:,} entit{'y' if n == 1 else 'ies'} with no fact in this view "
            f"{'is' if n == 1 else 'are'} not drawn (kg viz --isolated draws them)."
        )
    note = " ".join(notes) or None
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    template = env.from_string(_TEMPLATE)
    return template.render(
        title=title,
        csp=csp,
        vis_css=jinja2.utils.markupsafe.Markup(vis_css),
        vis_js=jinja2.utils.markupsafe.Markup(vis_js),
        app_js=jinja2.utils.markupsafe.Markup(_APP_JS),
        page_css=jinja2.utils.markupsafe.Markup(_PAGE_CSS),
        data=data,
        entities=G.number_of_nodes(),
        facts=G.number_of_edges(),
        documents=view.get("documents", 0),
        filters=view["filters"],
        note=note,
        legend_classes=legend_classes,
        legend_props=legend_props,
        size_by=size_by,
        shape_svg=_shape_svg,
        empty=G.number_of_nodes() == 0,
    )


def build_vis_data(
    G: nx.MultiDiGraph, *, size_by: str = "degree", physics: bool | None = None
) -> dict[str, Any]:
    """Return ``{"nodes", "edges", "options"}`` for vis-network, assembled with pyvis."""
    from pyvis.network import Network

    pos = compute_layout(G)
    ids = {v: i for i, v in enumerate(sorted(G.nodes, key=lambda v: (G.nodes[v]["label"], v)))}
    net = Network(directed=True, cdn_resources="in_line")
    docs_meta = G.graph.get("documents", {})
    for v, i in ids.items():
        d = G.nodes[v]
        shape, colour, _ = CLASS_STYLE.get(d["cls"], CLASS_STYLE["Unknown"])
        weight = G.degree(v) if size_by == "degree" else len(_entity_documents(G, v))
        size = 9 + 6 * math.sqrt(weight)
        x, y = pos.get(v, (0.0, 0.0))
        net.add_node(
            i,
            label=_clip(d["label"], MAX_LABEL),
            shape=shape,
            color={
                "background": colour,
                "border": _darker(colour),
                "highlight": {"background": colour, "border": "#111111"},
                "hover": {"background": colour, "border": "#111111"},
            },
            size=round(min(size, 48), 1),
            title=node_tooltip(G, v),
            x=x,
            y=y,
            kgClass=d["cls"],
            kgIri=v,
            kgLabel=d["label"],
        )
        # bigger labels for bigger nodes, so hubs stay readable when the view is zoomed out
        font = 15 + 3 * math.sqrt(weight) if shape != "box" else 12 + 1.5 * math.sqrt(weight)
        net.nodes[-1]["font"] = {"size": round(min(font, 34))}
    pair_count: dict[frozenset[str], int] = {}
    for u, v, k, d in sorted(
        G.edges(keys=True, data=True), key=lambda e: (ids[e[0]], ids[e[1]], e[2])
    ):
        pair = frozenset((u, v))
        rank = pair_count.get(pair, 0)
        pair_count[pair] = rank + 1
        total = G.number_of_edges(u, v) + (G.number_of_edges(v, u) if u != v else 0)
        colour = PROPERTY_COLOURS.get(k, "#888888")
        conf = d.get("confidence")
        edge: dict[str, Any] = {
            "label": k,
            "title": edge_tooltip(G, u, v, k, docs_meta),
            "arrows": "" if d.get("symmetric") else "to",
            "color": {"color": colour, "highlight": colour, "hover": colour, "opacity": 0.85},
            "width": round(1 + 1.2 * math.log2(max(d.get("evidence_count", 1), 1)), 2),
            "dashes": conf is not None and conf < 0.5,
            "kgProperty": k,
            "kgEvidence": d.get("evidence_count", 0),
        }
        if total > 1 or u == v:
            # parallel facts between one pair: fan them out so each label can be read
            side = "curvedCW" if rank % 2 == 0 else "curvedCCW"
            edge["smooth"] = {"enabled": True, "type": side, "roundness": 0.15 + 0.12 * (rank // 2)}
        else:
            edge["smooth"] = False
        net.add_edge(ids[u], ids[v], id=f"e{len(net.edges)}", **edge)

    n = G.number_of_nodes()
    physics = 0 < n <= PHYSICS_LIMIT if physics is None else physics and n > 0
    options = {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1.5,
            "font": {
                "size": 14,
                "face": "system-ui, -apple-system, Segoe UI, sans-serif",
                "color": "#1d2433",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
            },
            "shadow": False,
            "scaling": {"label": {"drawThreshold": 4}},
        },
        "edges": {
            "font": {
                "size": 11,
                "face": "system-ui, sans-serif",
                "color": "#4a5160",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
                "align": "horizontal",
            },
            "smooth": False,  # straight by default; parallel facts get their own curve below
            # edge labels appear once zoomed in enough to read them (tooltips work at any zoom)
            "scaling": {"label": {"drawThreshold": 8}},
            "selectionWidth": 1.5,
            "hoverWidth": 0.8,
            "arrows": {"to": {"scaleFactor": 0.6}},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": n > 400,
            "hideEdgesOnZoom": n > 400,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -45,
                "centralGravity": 0.012,
                "springLength": 85,
                "springConstant": 0.06,
                "avoidOverlap": 1.0,
            },
            "stabilization": {
                "enabled": physics,
                "iterations": STABILIZATION_ITERATIONS,
                "updateInterval": 50,
                "fit": True,
            },
            "minVelocity": 1.0,
            "maxVelocity": 40,
        },
    }
    return {"nodes": net.nodes, "edges": net.edges, "options": options}


def node_tooltip(G: nx.MultiDiGraph, v: str) -> str:
    """Return the plain-text tooltip of an entity: label, class, aliases, titles, counts."""
    d = G.nodes[v]
    lines = [_one_line(d["label"]), CLASS_STYLE.get(d["cls"], CLASS_STYLE["Unknown"])[2]]
    if d.get("aliases"):
        lines.append(
            "Also: "
            + "; ".join(_clip(a, 80) for a in d["aliases"][:8])
            + (f"; … {len(d['aliases']) - 8} more" if len(d["aliases"]) > 8 else "")
        )
    if d.get("titles"):
        lines.append("Title: " + "; ".join(_clip(t, 80) for t in d["titles"][:5]))
    docs = len(_entity_documents(G, v))
    lines.append(f"{G.degree(v)} facts · named in {docs} document{'s' if docs != 1 else ''}")
    return "\n".join(lines)


def edge_tooltip(
    G: nx.MultiDiGraph, u: str, v: str, k: str, docs_meta: dict[str, dict[str, Any]]
) -> str:
    """Return the plain-text tooltip of a fact with its evidence sentences and their sources."""
    d = G.edges[u, v, k]
    arrow = "—" if d.get("symmetric") else "→"
    head = f"{_clip(G.nodes[u]['label'], 60)} {arrow} {k} {arrow} {_clip(G.nodes[v]['label'], 60)}"
    n = d.get("evidence_count", 0)
    lines = [head]
    if n:
        conf = d.get("confidence")
        best = f", highest confidence {conf:.2f}" if conf is not None else ""
        lines.append(f"{n} piece{'s' if n != 1 else ''} of evidence{best}")
    else:
        lines.append("no evidence recorded")
    for e in d.get("evidence", [])[:MAX_EVIDENCE_IN_TOOLTIP]:
        meta = docs_meta.get(e.get("document") or "", {})
        source = e.get("title") or meta.get("title") or _doc_name(e.get("document"))
        when = e.get("date") or meta.get("date")
        bits = [_clip(source, 90)] + ([when] if when else [])
        if e.get("event_date"):
            bits.append(f"happened {e['event_date']}")
        if e.get("confidence") is not None:
            bits.append(f"confidence {e['confidence']:.2f}")
        if e.get("modality") and e["modality"] != "asserted":
            bits.append(e["modality"])
        lines += [
            "",
            f"“{_clip(e.get('sentence') or '(no sentence)', MAX_SENTENCE)}”",
            "— " + ", ".join(bits),
        ]
    if n > MAX_EVIDENCE_IN_TOOLTIP:
        lines += ["", f"… and {n - MAX_EVIDENCE_IN_TOOLTIP} more"]
    return "\n".join(lines)


def _entity_documents(G: nx.MultiDiGraph, v: str) -> set[str]:
    docs = set(G.nodes[v].get("documents", ()))
    for _, _, d in G.in_edges(v, data=True):
        docs.update(d.get("documents", ()))
    for _, _, d in G.out_edges(v, data=True):
        docs.update(d.get("documents", ()))
    return docs


def _doc_name(iri: str | None) -> str:
    return iri.rsplit("/", 1)[-1] if iri else "unknown document"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _clip(text: str, width: int) -> str:
    text = _one_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _darker(colour: str, factor: float = 0.7) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _vis_assets() -> tuple[str, str]:
    """Return vis-network's JS and CSS as shipped inside pyvis, with remote references removed."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # Source-map comments make developer tools fetch a file; the page must not ask for anything.
    js = re.sub(r"//[#@] sourceMappingURL=\S+", "", js)
    css = re.sub(r"/\*[#@] sourceMappingURL=\S+ \*/", "", css)
    css = re.sub(r"@import[^;]+;", "", css)
    if "</script" in js.lower():  # would end the inline script early
        raise RuntimeError("vis-network bundle contains '</script'; cannot inline it")
    return js, css


def _write_atomically(path: Path, text: str) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a page is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# The page's own script: static (data comes from the JSON block), so its CSP hash never changes.
_APP_JS = r"""
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("kg-data").textContent);
  var container = document.getElementById("kg-network");
  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, payload.options);
  window.kgNetwork = network;
  window.kgNodes = nodes;
  window.kgEdges = edges;

  function ready() {
    document.body.setAttribute("data-ready", "1");
  }
  if (payload.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit({animation: false});
      ready();
    });
  } else {
    network.once("afterDrawing", function () { network.fit({animation: false}); ready(); });
  }

  // Click an entity: dim everything but its neighbours; click the background to restore.
  var dimmed = false;
  function restore() {
    if (!dimmed) { return; }
    nodes.update(nodes.get().map(function (n) { return {id: n.id, opacity: 1}; }));
    edges.update(edges.get().map(function (e) { return {id: e.id, hidden: false}; }));
    dimmed = false;
  }
  network.on("click", function (params) {
    if (!params.nodes.length) { restore(); return; }
    var centre = params.nodes[0];
    var keep = {};
    keep[centre] = true;
    network.getConnectedNodes(centre).forEach(function (id) { keep[id] = true; });
    var touching = {};
    network.getConnectedEdges(centre).forEach(function (id) { touching[id] = true; });
    nodes.update(nodes.get().map(function (n) {
      return {id: n.id, opacity: keep[n.id] ? 1 : 0.15};
    }));
    edges.update(edges.get().map(function (e) { return {id: e.id, hidden: !touching[e.id]}; }));
    dimmed = true;
  });

  // Find an entity by (part of) its name.
  var search = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  function find() {
    var want = search.value.trim().toLowerCase();
    if (!want) { status.textContent = ""; return; }
    var hits = nodes.get({filter: function (n) {
      return String(n.kgLabel).toLowerCase().indexOf(want) !== -1;
    }});
    status.textContent = hits.length ? hits.length + " found" : "not found";
    if (hits.length) {
      network.selectNodes(hits.map(function (n) { return n.id; }));
      network.focus(hits[0].id, {scale: 1.2, animation: {duration: 400}});
    }
  }
  search.addEventListener("change", find);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { find(); } });
  document.getElementById("kg-fit").addEventListener("click", function () {
    restore();
    network.unselectAll();
    network.fit({animation: {duration: 400}});
  });
})();
"""

_PAGE_CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2433;
       background: #f6f7f9; display: flex; flex-direction: column; }
header { padding: 10px 18px 8px; background: #ffffff; border-bottom: 1px solid #dde1e7;
         display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 18px; }
header h1 { font-size: 19px; margin: 0; font-weight: 650; }
header .summary { color: #5b6372; margin: 0; }
header .tools { margin-left: auto; display: flex; gap: 6px; align-items: center; }
header input { font: inherit; padding: 3px 8px; border: 1px solid #c5cbd5; border-radius: 4px;
               width: 220px; }
header button { font: inherit; padding: 3px 10px; border: 1px solid #c5cbd5; border-radius: 4px;
                background: #f3f5f8; cursor: pointer; }
#kg-search-status { color: #5b6372; min-width: 5em; }
.note { flex-basis: 100%; margin: 2px 0 0; padding: 5px 9px; background: #fff6db;
        border: 1px solid #f0d98c; border-radius: 4px; }
.filters { flex-basis: 100%; margin: 0; color: #5b6372; }
main { flex: 1; display: flex; min-height: 0; }
#kg-network { flex: 1; min-width: 0; background: #ffffff; }
#kg-network:focus, #kg-network .vis-network:focus { outline: none; }
aside { width: 215px; padding: 12px 14px; border-left: 1px solid #dde1e7; background: #fbfbfc;
        overflow-y: auto; }
aside h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #5b6372;
           margin: 4px 0 6px; }
aside ul { list-style: none; margin: 0 0 14px; padding: 0; }
aside li { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
aside li .count { margin-left: auto; color: #7a8291; font-variant-numeric: tabular-nums; }
aside p { color: #5b6372; font-size: 12px; margin: 4px 0; }
.empty { padding: 40px; color: #5b6372; }
div.vis-tooltip { white-space: pre-wrap; max-width: 440px; font: 12.5px/1.45 system-ui, sans-serif;
                  color: #1d2433; background: #ffffff; border: 1px solid #c5cbd5;
                  border-radius: 5px; padding: 8px 10px; box-shadow: 0 3px 12px rgba(0,0,0,.15); }
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ vis_css }}</style>
<style>{{ page_css }}</style>
</head>
<body>
<header>
  <h1>{{ title }}</h1>
  <p class="summary">{{ "{:,}".format(entities) }} entities · {{ "{:,}".format(facts) }} facts
    · {{ documents }} document{{ "" if documents == 1 else "s" }}
    · sized by {{ size_by }}</p>
  <div class="tools">
    <input id="kg-search" type="search" placeholder="Find an entity…" aria-label="Find an entity">
    <span id="kg-search-status" aria-live="polite"></span>
    <button id="kg-fit" type="button">Fit</button>
  </div>
  {% if filters %}<p class="filters">Filtered: {{ filters | join("; ") }}</p>{% endif %}
  {% if note %}<p class="note" id="kg-note">{{ note }}</p>{% endif %}
</header>
<main>
  <div id="kg-network">{% if empty %}<p class="empty">Nothing to show: no entity is left
    after the filters.</p>{% endif %}</div>
  <aside id="kg-legend">
    <h2>Classes</h2>
    <ul>
    {% for c in legend_classes %}
      <li>{{ shape_svg(c.shape, c.colour) }}<span>{{ c.name }}</span>
        <span class="count">{{ c.count }}</span></li>
    {% endfor %}
    </ul>
    <h2>Properties</h2>
    <ul>
    {% for p in legend_props %}
      <li><svg width="26" height="10" aria-hidden="true">
        <line x1="1" y1="5" x2="{{ 19 if p.directed else 25 }}" y2="5" stroke="{{ p.colour }}"
          stroke-width="2"/>{% if p.directed %}
        <polygon points="18,1 25,5 18,9" fill="{{ p.colour }}"/>{% endif %}</svg>
        <span>{{ p.name }}</span><span class="count">{{ p.count }}</span></li>
    {% endfor %}
    </ul>
    <p>Hover over an entity or a fact for its evidence; click an entity to see its
      neighbours. Dashed lines: confidence below 0.5; thicker lines: more evidence.</p>
  </aside>
</main>
<script id="kg-data" type="application/json">{{ data | tojson }}</script>
<script>{{ vis_js }}</script>
<script>{{ app_js }}</script>
</body>
</html>
"""


def _shape_svg(shape: str, colour: str) -> Any:
    """Return a small inline SVG of a legend shape (our constants only, never data)."""
    from markupsafe import Markup

    border = _darker(colour)
    paint = f'fill="{colour}" stroke="{border}" stroke-width="1.2"'
    body = {
        "dot": f'<circle cx="8" cy="8" r="6" {paint}/>',
        "square": f'<rect x="2" y="2" width="12" height="12" {paint}/>',
        "hexagon": f'<polygon points="8,1.5 14,5 14,11 8,14.5 2,11 2,5" {paint}/>',
        "triangle": f'<polygon points="8,1.5 14.5,14 1.5,14" {paint}/>',
        "triangleDown": f'<polygon points="1.5,2 14.5,2 8,14.5" {paint}/>',
        "diamond": f'<polygon points="8,1 15,8 8,15 1,8" {paint}/>',
        "star": '<polygon points="8,1 10,6 15,6 11,9.5 12.5,15 8,11.8 3.5,15 5,9.5 1,6 6,6" '
        f"{paint}/>",
        "box": f'<rect x="1" y="4" width="14" height="9" rx="2" {paint}/>',
    }.get(shape, f'<circle cx="8" cy="8" r="6" {paint}/>')
    return Markup(f'<svg width="16" height="16" aria-hidden="true">{body}</svg>')
