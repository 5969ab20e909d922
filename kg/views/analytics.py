"""Graph analytics with networkx: counts, central entities, communities, components.

``stats(G)`` takes the entity graph from :func:`kg.views.network.to_networkx` and returns plain
dicts and lists (JSON-ready); ``format_stats`` prints them for people.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from kg.rdf.counts import MEANING, GraphCounts
from kg.views.network import simple_undirected

if TYPE_CHECKING:
    import networkx as nx

#: Above this many nodes betweenness is estimated from a fixed sample of sources (exact is O(nm)).
EXACT_BETWEENNESS_LIMIT = 1000
BETWEENNESS_SAMPLE = 64


def centrality(G: nx.MultiDiGraph) -> dict[str, dict[str, float]]:
    """Return degree, betweenness and PageRank for every entity.

    Degree counts facts (an entity's edges, either direction); betweenness is computed on the
    simple undirected graph, normalised, exact up to ``EXACT_BETWEENNESS_LIMIT`` nodes and
    estimated from a seeded sample above; PageRank runs on the undirected graph weighted by the
    number of facts between two entities (symmetric facts have no meaningful direction).
    """
    import networkx as nx

    U = simple_undirected(G)
    n = U.number_of_nodes()
    if n == 0:
        return {"degree": {}, "betweenness": {}, "pagerank": {}}
    if n > EXACT_BETWEENNESS_LIMIT:
        betweenness = nx.betweenness_centrality(U, k=min(BETWEENNESS_SAMPLE, n), seed=7)
    else:
        betweenness = nx.betweenness_centrality(U)
    try:
        pagerank = nx.pagerank(U, weight="weight")
    except nx.PowerIterationFailedConvergence:
        pagerank = {v: 1.0 / n for v in U}
    degree = {v: G.degree(v) for v in G}
    return {"degree": degree, "betweenness": betweenness, "pagerank": pagerank}


def rank_entities(G: nx.MultiDiGraph, top: int | None = 10) -> list[dict[str, Any]]:
    """Return entities ranked by PageRank (then degree), each with all three measures."""
    cent = centrality(G)
    rows = [
        {
            "id": v,
            "label": G.nodes[v].get("label", v),
            "class": G.nodes[v].get("cls"),
            "degree": cent["degree"][v],
            "betweenness": round(cent["betweenness"].get(v, 0.0), 6),
            "pagerank": round(cent["pagerank"].get(v, 0.0), 6),
        }
        for v in G
    ]
    rows.sort(key=lambda r: (-r["pagerank"], -r["degree"], r["label"]))
    return rows if top is None else rows[:top]


def communities(G: nx.MultiDiGraph, *, min_size: int = 2) -> list[dict[str, Any]]:
    """Return the communities of the undirected graph (Louvain, fixed seed), largest first.

    Each is ``{"id", "size", "members"}`` with member labels ordered by degree; singletons
    (isolated entities) are left out unless ``min_size`` is 1.
    """
    import networkx as nx

    U = simple_undirected(G)
    if U.number_of_edges() == 0:
        return []
    parts = nx.community.louvain_communities(U, weight="weight", seed=7)
    parts = [p for p in parts if len(p) >= min_size]
    parts.sort(key=lambda p: (-len(p), min(p)))
    out = []
    for i, part in enumerate(parts):
        members = sorted(part, key=lambda v: (-G.degree(v), G.nodes[v].get("label", v)))
        out.append(
            {"id": i, "size": len(part), "members": [G.nodes[v].get("label", v) for v in members]}
        )
    return out


def components(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Return the weakly connected components: their count, sizes and isolated entities."""
    import networkx as nx

    sizes = sorted((len(c) for c in nx.weakly_connected_components(G)), reverse=True)
    return {
        "count": len(sizes),
        "largest": sizes[0] if sizes else 0,
        "sizes": sizes,
        "isolated": sum(1 for v in G if G.degree(v) == 0),
    }


def stats(
    G: nx.MultiDiGraph, *, top: int = 10, counts: GraphCounts | None = None
) -> dict[str, Any]:
    """Return the summary of an entity graph as JSON-ready data.

    Keys: ``entities``, ``facts`` (entity-to-entity facts plus ``hasTitle`` values), ``documents``,
    ``evidence`` (statements: reified pieces of evidence), ``by_class``, ``by_property``,
    ``central`` (top entities with degree, betweenness and PageRank), ``communities`` and
    ``components``. ``counts`` (``kg.rdf.counts.count_graph`` of the store the graph came from)
    gives the first four as kg defines them everywhere; without it they are read off ``G``.
    """
    by_class = Counter(d.get("cls") for _, d in G.nodes(data=True))
    by_property = Counter(k for _, _, k in G.edges(keys=True))
    titles = sum(len(d.get("titles", ())) for _, d in G.nodes(data=True))
    if titles:
        by_property["hasTitle"] = titles
    evidence = sum(d.get("evidence_count", 0) for _, _, d in G.edges(data=True))
    if counts is None:
        counts = GraphCounts(
            len(G.graph.get("documents", {})),
            G.number_of_nodes(),
            G.number_of_edges() + titles,
            evidence,
        )
    return {
        "entities": counts.entities,
        "facts": counts.facts,
        "documents": counts.documents,
        "evidence": counts.statements,
        "by_class": dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_property": dict(sorted(by_property.items(), key=lambda kv: (-kv[1], kv[0]))),
        "central": rank_entities(G, top),
        "communities": communities(G),
        "components": components(G),
    }


def format_stats(result: dict[str, Any], fmt: str = "text", *, shown: int = 8) -> str:
    """Render ``stats`` output as ``text`` (for people) or ``json``."""
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    lines = [
        f"{result['entities']} entities, {result['facts']} facts, "
        f"{result['documents']} documents, {result['evidence']} statements",
        f"({MEANING})",
        "",
        "entities by class:",
        *(f"  {k:<16} {v:>6}" for k, v in result["by_class"].items()),
        "",
        "facts by property:",
        *(f"  {k:<16} {v:>6}" for k, v in result["by_property"].items()),
        "",
        "most central entities (PageRank, degree, betweenness):",
    ]
    for r in result["central"]:
        lines.append(
            f"  {r['pagerank']:.4f}  {r['degree']:>4}  {r['betweenness']:.4f}  "
            f"{_clip(r['label'], 50)} ({r['class']})"
        )
    comms = result["communities"]
    lines += ["", f"communities: {len(comms)}"]
    for c in comms[:shown]:
        names = ", ".join(_clip(m, 30) for m in c["members"][:5])
        more = f", … {c['size'] - 5} more" if c["size"] > 5 else ""
        lines.append(f"  #{c['id']} ({c['size']}): {names}{more}")
    comp = result["components"]
    lines += [
        "",
        f"connected components: {comp['count']} (largest {comp['largest']} entities, "
        f"{comp['isolated']} isolated)",
    ]
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())  # one line: labels come from articles
    return text if len(text) <= width else text[: width - 1] + "…"
