"""The page itself: vis-network data assembled with pyvis, tooltips as plain text, and the HTML
from the package's own template (``page.html``, ``page.css``, ``app.js`` next to this module),
with vis-network inlined so the page works offline."""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import errors
from kg.rdf.vocab import PROPERTIES, SYMMETRIC_PROPERTIES
from kg.views.viz.layout import compute_layout

# networkx, numpy, pyvis and jinja2 are imported where used: ``kg --help`` needs none of them
if TYPE_CHECKING:
    import networkx as nx

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


def render_page(
    view: dict[str, Any],
    *,
    size_by: str = "degree",
    title: str = "Knowledge graph",
    physics: bool | None = None,
    naming: Callable[[str], str] = str,
) -> str:
    """Return the HTML of the page for a view from :func:`prepare_view`.

    ``naming`` turns a parameter of :func:`kg.views.viz.write_html` into the words the page's
    notes use for it: the parameter itself by default, a CLI flag when the CLI passes its own.
    """
    import jinja2
    from markupsafe import Markup

    if size_by not in ("degree", "corroboration"):
        raise errors.unknown_choice("size measure", size_by, ["degree", "corroboration"])
    G = view["graph"]
    data = build_vis_data(G, size_by=size_by, physics=physics)
    vis_js, vis_css = vis_assets()
    app_js = _static("app.js")
    scripts = [vis_js, app_js]
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
            f"are left out. Narrow the view with {naming('focus')}, {naming('types')}, "
            f"{naming('properties')} or {naming('min_confidence')} to see them."
        )
    if view.get("isolated_hidden"):
        n = view["isolated_hidden"]
        notes.append(
            f"{n:,} entit{'y' if n == 1 else 'ies'} with no fact in this view "
            f"{'is' if n == 1 else 'are'} not drawn (the {naming('isolated')} option draws them)."
        )
    note = " ".join(notes) or None
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    template = env.from_string(_static("page.html"))
    return template.render(
        title=title,
        csp=csp,
        vis_css=Markup(vis_css),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        page_css=Markup(_static("page.css")),
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


def vis_assets() -> tuple[str, str]:
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


@functools.cache
def _static(name: str) -> str:
    """A file of the page (template, stylesheet, script) shipped next to this module."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


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
