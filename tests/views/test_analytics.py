"""Graph analytics (kg.views.analytics) and ``kg stats``, on small hand-made graphs."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import viz_sample as sample

from kg.cli import main
from kg.views import analytics
from kg.views import network as netgraph


def _graph(edges: list[tuple[str, str, str]], isolated: tuple[str, ...] = ()) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for u, k, v in edges:
        for n in (u, v):
            G.add_node(n, label=n.upper(), cls="MilitaryUnit", aliases=[], titles=[], documents=[])
        G.add_edge(u, v, key=k, property=k, evidence=[], evidence_count=1, confidence=0.9)
    for n in isolated:
        G.add_node(n, label=n.upper(), cls="Place", aliases=[], titles=[], documents=[])
    return G


def test_star_centre_is_most_central() -> None:
    G = _graph([("hub", "partOf", f"leaf{i}") for i in range(6)])
    top = analytics.rank_entities(G, top=3)
    assert top[0]["id"] == "hub" and top[0]["label"] == "HUB"
    assert top[0]["degree"] == 6
    assert top[0]["betweenness"] == pytest.approx(1.0)
    assert top[0]["pagerank"] > top[1]["pagerank"]
    assert top[1]["betweenness"] == 0.0


def test_two_cliques_are_two_communities() -> None:
    left = [(f"a{i}", "trainsWith", f"a{j}") for i in range(5) for j in range(i + 1, 5)]
    right = [(f"b{i}", "trainsWith", f"b{j}") for i in range(5) for j in range(i + 1, 5)]
    G = _graph(left + right + [("a0", "meetsWith", "b0")], isolated=("lonely",))
    comms = analytics.communities(G)
    assert [c["size"] for c in comms] == [5, 5]
    assert {frozenset(c["members"]) for c in comms} == {
        frozenset(f"A{i}" for i in range(5)),
        frozenset(f"B{i}" for i in range(5)),
    }
    assert comms[0]["members"][0] in ("A0", "B0")  # the bridge ends have the highest degree
    comp = analytics.components(G)
    assert comp == {"count": 2, "largest": 10, "sizes": [10, 1], "isolated": 1}


def test_large_graphs_sample_betweenness(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS_LIMIT", 10)
    G = _graph([(f"n{i}", "partOf", f"n{i + 1}") for i in range(30)])
    cent = analytics.centrality(G)
    assert set(cent["betweenness"]) == set(G.nodes)
    middle = max(cent["betweenness"], key=cent["betweenness"].get)
    assert middle not in ("n0", "n30")


def test_empty_graph() -> None:
    result = analytics.stats(nx.MultiDiGraph())
    assert result["entities"] == 0 and result["facts"] == 0 and result["central"] == []
    assert result["communities"] == [] and result["components"]["count"] == 0
    assert analytics.format_stats(result).startswith("0 entities, 0 facts, 0 documents")


def test_stats_of_the_sample() -> None:
    G = netgraph.to_networkx(sample.dataset())
    result = analytics.stats(G)
    assert result["entities"] == 8
    assert result["facts"] == 8  # 7 facts between entities and 1 hasTitle
    assert result["documents"] == 3
    assert result["evidence"] == 8
    assert result["by_class"] == {
        "MilitaryUnit": 2,
        "Person": 2,
        "Country": 1,
        "GovernmentBody": 1,
        "Organization": 1,
        "Place": 1,
    }
    assert result["by_property"]["trainsWith"] == 1 and result["by_property"]["hasTitle"] == 1
    assert sum(result["by_property"].values()) == result["facts"]
    # the two forces share two facts and each links out to the rest of the main component
    assert {r["label"] for r in result["central"][:2]} <= {
        "FOES",
        "U.S. Special Forces",
        "US Special Forces",
    }
    assert result["central"][0]["degree"] == 3
    assert result["components"]["isolated"] == 1
    json.dumps(result)  # plain data


def _write_trig(tmp_path: Path) -> Path:
    path = tmp_path / "sample.trig"
    sample.dataset().serialize(path, format="trig")
    return path


def test_cli_stats_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--graph", str(_write_trig(tmp_path)), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("entities", "facts", "documents"):
        assert isinstance(result[key], int)
    assert (result["entities"], result["facts"], result["documents"]) == (8, 8, 3)
    assert {"by_class", "by_property", "central", "communities", "components"} <= set(result)
    assert {"degree", "betweenness", "pagerank"} <= set(result["central"][0])


def test_cli_stats_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--graph", str(_write_trig(tmp_path)), "--top", "3"]) == 0
    out = capsys.readouterr().out
    # 9 statements: the network's edges carried 8, the hasTitle statement has no edge
    assert out.startswith("8 entities, 8 facts, 3 documents, 9 statements\n")
    assert (
        "most central entities" in out
        and "connected components: 3 (largest 5 entities, 1 isolated)" in out
    )
    assert sample.XSS_LABEL in out  # printed as text: a terminal does not run markup


def test_cli_stats_needs_a_graph(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 2
    assert capsys.readouterr().err == (
        "error: no graph given. Pass --graph FILE (an RDF file) or --store DIR (a kg store).\n"
    )
