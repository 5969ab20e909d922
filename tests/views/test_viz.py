"""The entity graph (kg.views.network) and the network page (kg.views.viz), on small graphs."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import networkx as nx
import pytest
import viz_sample as sample

from kg import errors
from kg.cli import main
from kg.views import network as netgraph
from kg.views import viz

FOES, USSF, PERU = sample.iri("FOES"), sample.iri("US Special Forces"), sample.iri("Peru")
INTRUDER, HUGO, LONER = sample.iri("Intruder"), sample.iri("Hugo de Zela"), sample.iri("Loner")
CONGRESS, LIMA = sample.iri("Congress of Peru"), sample.iri("Lima")


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return netgraph.to_networkx(sample.dataset())


@pytest.fixture(scope="module")
def trig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("viz") / "sample.trig"
    sample.dataset().serialize(path, format="trig")
    return path


# ---------------------------------------------------------------- netgraph


def _fact(u: str, k: str, v: str) -> tuple[str, str, str]:
    """A fact with the two ends of a symmetric property in a fixed order."""
    if k in ("trainsWith", "cooperatesWith", "meetsWith"):
        u, v = sorted((u, v))
    return u, k, v


def _facts(H: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {_fact(u, k, v) for u, v, k in H.edges(keys=True)}


def test_nodes_are_typed_with_labels_aliases_and_titles(G: nx.MultiDiGraph) -> None:
    assert G.number_of_nodes() == 8
    assert G.nodes[FOES]["cls"] == "MilitaryUnit"
    assert G.nodes[FOES]["aliases"] == ["Naval Special Operations Forces"]
    # two documents label it differently: the other label becomes an alias
    assert G.nodes[USSF]["label"] in {"U.S. Special Forces", "US Special Forces"}
    assert set(G.nodes[USSF]["aliases"]) | {G.nodes[USSF]["label"]} == {
        "U.S. Special Forces",
        "US Special Forces",
        "Green Berets",
    }
    assert G.nodes[HUGO]["titles"] == ["Foreign Minister"]
    assert G.nodes[LONER]["cls"] == "Organization" and G.degree(LONER) == 0
    assert len(G.graph["documents"]) == 3


def test_one_edge_per_fact_and_symmetric_facts_once(G: nx.MultiDiGraph) -> None:
    # trainsWith is stated A→B in one document and B→A in another: one edge, two evidence
    train = [(u, v) for u, v, k in G.edges(keys=True) if k == "trainsWith"]
    assert len(train) == 1
    data = G.get_edge_data(*train[0], key="trainsWith")
    assert data["evidence_count"] == 2
    assert data["confidence"] == pytest.approx(0.92)
    assert data["symmetric"] is True
    assert len(data["documents"]) == 2
    # two different properties between the same pair are two edges
    assert G.number_of_edges(FOES, USSF) + G.number_of_edges(USSF, FOES) == 2
    assert G.number_of_edges() == 7  # hasTitle is a node attribute, not an edge


def test_evidence_carries_sentence_document_and_date(G: nx.MultiDiGraph) -> None:
    data = G.get_edge_data(CONGRESS, USSF, key="authorizes")
    (e,) = data["evidence"]
    assert e["sentence"] == "Congress authorised the entry of US troops."
    assert e["title"] == "Second story" and e["date"] == "2026-02-20"
    assert e["confidence"] == pytest.approx(0.85) and e["rule"] == "test.rule"
    assert e["document"].endswith("/peru-2")


def test_store_and_construct_results_give_the_same_graph(trig: Path, G: nx.MultiDiGraph) -> None:
    from kg.store import open_graph

    store = open_graph(graph_file=str(trig))
    try:
        from_store = netgraph.to_networkx(store)
        constructed = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    finally:
        store.close()
    from_construct = netgraph.to_networkx(constructed)
    for H in (from_store, from_construct):
        assert set(H.nodes) == set(G.nodes)
        assert _facts(H) == _facts(G)
        assert H.nodes[FOES] == G.nodes[FOES] or H is from_construct  # no graph names there
    e = from_construct.get_edge_data(CONGRESS, USSF, key="authorizes")["evidence"][0]
    assert e["sentence"] == "Congress authorised the entry of US troops."


def test_a_construct_of_only_facts_still_gives_nodes() -> None:
    from rdflib import Graph, URIRef

    from kg.rdf.vocab import KG

    g = Graph()
    g.add((URIRef(FOES), KG.partOf, URIRef(sample.iri("Peruvian Navy"))))
    H = netgraph.to_networkx(g)
    assert H.nodes[sample.iri("Peruvian Navy")]["label"] == "Peruvian Navy"
    assert H.nodes[FOES]["cls"] == netgraph.UNKNOWN_CLASS
    assert H.get_edge_data(FOES, sample.iri("Peruvian Navy"), key="partOf")["evidence_count"] == 0


def test_filters(G: nx.MultiDiGraph) -> None:
    units = netgraph.filter_graph(G, types=["MilitaryUnit"])
    assert set(units) == {FOES, USSF}
    assert _facts(units) == {_fact(USSF, "trainsWith", FOES), _fact(FOES, "cooperatesWith", USSF)}

    only_train = netgraph.filter_graph(G, properties=["trainsWith"])
    assert set(only_train) == {FOES, USSF}

    confident = netgraph.filter_graph(G, min_confidence=0.8)
    assert {k for _, _, k in confident.edges(keys=True)} == {
        "trainsWith",
        "authorizes",
        "locatedIn",
    }
    ((u, v, d),) = [
        (u, v, d) for u, v, k, d in confident.edges(keys=True, data=True) if k == "trainsWith"
    ]
    assert d["evidence_count"] == 1  # the 0.6 evidence was dropped, the 0.92 one kept

    february = netgraph.filter_graph(G, since="2026-02-01")
    assert "locatedIn" not in {k for _, _, k in february.edges(keys=True)}  # undated document
    assert "affiliatedWith" not in {k for _, _, k in february.edges(keys=True)}
    january = netgraph.filter_graph(G, until="2026-01-31")
    assert {k for _, _, k in january.edges(keys=True)} == {
        "trainsWith",
        "affiliatedWith",
        "meetsWith",
    }

    doc1 = next(d for d, m in G.graph["documents"].items() if m["title"] == sample.SCRIPT_TITLE)
    one_doc = netgraph.filter_graph(G, documents=[doc1])
    assert LONER in one_doc  # declared in the document, though in no fact
    assert CONGRESS not in one_doc


def test_focus_and_depth(G: nx.MultiDiGraph) -> None:
    assert netgraph.find_entities(G, "naval special operations forces") == [FOES]
    assert netgraph.find_entities(G, "Perú") == [PERU]  # accents and case folded
    near = netgraph.neighbourhood(G, [LIMA], 1)
    assert set(near) == {LIMA, PERU, CONGRESS}
    assert set(netgraph.neighbourhood(G, [LIMA], 0)) == {LIMA}


def test_most_connected_keeps_a_connected_core_within_budget() -> None:
    G = nx.MultiDiGraph()
    # a 30-node hub-and-spokes component, a 5-node path, and 10 isolated nodes
    for i in range(1, 30):
        G.add_edge("hub", f"s{i}", key="partOf")
    for i in range(4):
        G.add_edge(f"p{i}", f"p{i + 1}", key="partOf")
    G.add_nodes_from(f"iso{i}" for i in range(10))
    kept = netgraph.most_connected(G, 12)
    assert len(kept) == 12 and "hub" in kept
    assert nx.is_weakly_connected(G.subgraph(kept))
    kept = netgraph.most_connected(G, 33)  # the whole star, then the middle of the path
    assert len(kept) == 33 and {f"s{i}" for i in range(1, 30)} <= set(kept)
    assert {k for k in kept if k.startswith("p")} == {"p1", "p2", "p3"}
    assert "iso0" in netgraph.most_connected(G, 36)
    assert netgraph.most_connected(G, 1000) == list(G.nodes)


# ---------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def page(G: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("page") / "graph.html"
    summary = viz.write_html(G, path, title=sample.SCRIPT_TITLE, isolated=True)
    assert summary.startswith("8 nodes, 7 edges → ")
    return path.read_text(encoding="utf-8")


def _data(page: str) -> dict:
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


def test_page_is_self_contained(page: str) -> None:
    refs = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page, re.I)
    assert not [r for r in refs if re.match(r"(https?:)?//", r, re.I)]
    assert not re.search(r"@import|sourceMappingURL", page)
    assert "cdn" not in " ".join(refs).lower()
    assert re.search(r"<script>[^<]{1000}", page)  # vis-network is inline


def test_csp_allows_exactly_the_page_scripts(page: str) -> None:
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert m
    policy = html.unescape(m.group(1))
    assert (
        "default-src 'none'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    hashes = set(re.findall(r"'sha256-([^']+)'", policy))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    assert hashes == {
        base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts
    }
    assert page.index("Content-Security-Policy") < page.index("<script")


def test_article_text_never_becomes_markup(page: str) -> None:
    assert "<script>alert('t')</script>" not in page
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page  # the escaped heading
    assert sample.XSS_LABEL not in page and "<b>last week" not in page
    data = _data(page)
    labels = {n["kgLabel"] for n in data["nodes"]}
    assert sample.XSS_LABEL in labels  # kept as plain text in the JSON data


def test_nodes_styled_by_class_with_legend(page: str) -> None:
    data = _data(page)
    by_cls = {n["kgClass"]: n for n in data["nodes"]}
    assert by_cls["MilitaryUnit"]["shape"] != by_cls["Person"]["shape"]
    assert by_cls["MilitaryUnit"]["color"]["background"] != by_cls["Country"]["color"]["background"]
    legend = page[page.index('<aside id="kg-legend">') : page.index("</aside>")]
    for name in ("Military unit", "Person", "Country", "Government body", "Place", "trainsWith"):
        assert name in legend
    sizes = {n["kgIri"]: n["size"] for n in data["nodes"]}
    assert sizes[USSF] > sizes[LONER]  # sized by degree
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])


def test_edges_one_per_fact_labelled_and_directed(page: str) -> None:
    data = _data(page)
    edges = data["edges"]
    assert len(edges) == 7
    by_prop = {e["kgProperty"]: e for e in edges}
    assert by_prop["trainsWith"]["label"] == "trainsWith" and by_prop["trainsWith"]["arrows"] == ""
    assert by_prop["authorizes"]["arrows"] == "to"
    assert by_prop["basedIn"]["dashes"] is True  # confidence 0.3
    # two facts between one pair are drawn apart
    pair = [e for e in edges if e["kgProperty"] in ("trainsWith", "cooperatesWith")]
    assert {e["smooth"]["type"] for e in pair} == {"curvedCW", "curvedCCW"}


def test_tooltips_are_plain_text_with_evidence(page: str) -> None:
    data = _data(page)
    train = next(e for e in data["edges"] if e["kgProperty"] == "trainsWith")
    tip = train["title"]
    assert isinstance(tip, str)
    assert sample.TRAIN_SENTENCE in tip  # verbatim: vis-network shows strings with innerText
    assert sample.SCRIPT_TITLE in tip and "2026-01-10" in tip and "confidence 0.92" in tip
    assert "2 pieces of evidence" in tip
    hugo = next(n for n in data["nodes"] if n["kgIri"] == HUGO)
    assert "Person" in hugo["title"] and "Foreign Minister" in hugo["title"]
    foes = next(n for n in data["nodes"] if n["kgIri"] == FOES)
    assert "Naval Special Operations Forces" in foes["title"]


def test_budget_note_and_layout_are_deterministic(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    for i in range(60):
        G.add_node(
            f"n{i}", label=f"Unit {i}", cls="MilitaryUnit", aliases=[], titles=[], documents=[]
        )
    for i in range(1, 40):
        G.add_edge(
            "n0",
            f"n{i}",
            key="partOf",
            property="partOf",
            symmetric=False,
            evidence=[],
            evidence_count=0,
            confidence=None,
            documents=[],
        )
    out = tmp_path / "big.html"
    summary = viz.write_html(G, out, max_nodes=25)
    assert summary.startswith("25 nodes, 24 edges → ") and "15 entities left out" in summary
    page = out.read_text(encoding="utf-8")
    assert (
        "Showing the 25 most connected of 40 entities: 15 entities and 15 facts are left out"
        in page
    )
    assert (
        "are left out. Narrow the view with focus, types, properties or min_confidence to see them."
        in page
    )
    assert "20 entities with no fact in this view are not drawn" in page
    again = tmp_path / "again.html"
    viz.write_html(G, again, max_nodes=25)
    assert _data(page) == _data(again.read_text(encoding="utf-8"))


def test_entities_without_facts_are_counted_not_drawn(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    out = tmp_path / "default.html"
    assert viz.write_html(G, out).startswith("7 nodes, 7 edges → ")
    page = out.read_text(encoding="utf-8")
    assert LONER not in {n["kgIri"] for n in _data(page)["nodes"]}
    assert (
        "1 entity with no fact in this view is not drawn (the isolated option draws them)." in page
    )
    # a focused entity is drawn even when it has no fact
    viz.write_html(G, out, focus="Lonely Foundation")
    assert [n["kgIri"] for n in _data(out.read_text(encoding="utf-8"))["nodes"]] == [LONER]


def test_layout_separates_components(G: nx.MultiDiGraph) -> None:
    pos = viz.compute_layout(G)
    assert set(pos) == set(G.nodes)
    assert len(set(pos.values())) == len(pos)


def test_empty_view_says_so(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    out = tmp_path / "none.html"
    summary = viz.write_html(G, out, properties=["killed"])
    assert summary.startswith("0 nodes, 0 edges")
    assert "Nothing to show" in out.read_text(encoding="utf-8")


def test_bad_filters_are_user_errors(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    with pytest.raises(errors.InputError) as err:
        viz.write_html(G, out, focus="Nobody At All")
    assert err.value.message == (
        "no entity named 'Nobody At All' in the graph. Check the spelling, or list the most "
        "connected entities with: kg stats"
    )
    with pytest.raises(errors.InputError, match="unknown property 'trains'"):
        viz.write_html(G, out, properties="trains")
    with pytest.raises(errors.ArgumentError) as err:
        viz.write_html(G, out, since="last week")
    assert err.value.message == (  # the library names its parameter; kg viz says --since
        "invalid date for since: 'last week'. Use YYYY-MM-DD, e.g. 2026-01-31."
    )
    with pytest.raises(errors.ArgumentError) as err:
        viz.write_html(G, out, max_nodes=0)
    assert err.value.message == "max_nodes must be 1 or more, got 0."
    with pytest.raises(errors.InputError) as err:
        viz.write_html(G, out, document="nope")
    assert err.value.message == (
        "no document 'nope' in the graph. Give a document IRI, id, title or the file it was "
        "built from (documents: peru-1, peru-2, undated)."
    )
    assert not out.exists()


# ---------------------------------------------------------------- CLI


def test_cli_viz_notes_name_its_flags(trig: Path, tmp_path: Path) -> None:
    out = tmp_path / "cut.html"
    assert main(["viz", "--graph", str(trig), "-o", str(out), "--max-nodes", "3"]) == 0
    page = html.unescape(out.read_text(encoding="utf-8"))
    assert (
        "Showing the 3 most connected of 7 entities: 4 entities and 4 facts are left out. "
        "Narrow the view with --focus, --types, --properties or --min-confidence to see them. "
        "1 entity with no fact in this view is not drawn (the --isolated option draws them)."
    ) in page


def test_cli_viz_with_filters(
    trig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "foes.html"
    code = main(
        [
            "viz",
            "--graph",
            str(trig),
            "-o",
            str(out),
            "--focus",
            "FOES",
            "--depth",
            "1",
            "--types",
            "MilitaryUnit,Country",
            "--title",
            "FOES <&>",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.startswith("3 nodes, 3 edges → ")
    page = out.read_text(encoding="utf-8")
    assert "<h1>FOES &lt;&amp;&gt;</h1>" in page
    assert {n["kgIri"] for n in _data(page)["nodes"]} == {FOES, USSF, PERU}


def test_cli_viz_document_and_dates(
    trig: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "doc.html"
    assert (
        main(
            [
                "viz",
                "--graph",
                str(trig),
                "-o",
                str(out),
                "--document",
                "peru-2",
                "--min-confidence",
                "0.5",
                "--isolated",
            ]
        )
        == 0
    )
    # Lima's only fact is below 0.5, but the document names it, so --isolated draws it
    assert capsys.readouterr().out.startswith("4 nodes, 3 edges → ")
    assert (
        main(
            [
                "viz",
                "--graph",
                str(trig),
                "-o",
                str(out),
                "--document",
                "peru-2",
                "--min-confidence",
                "0.5",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("3 nodes, 3 edges → ")
    assert main(["viz", "--graph", str(trig), "-o", str(out), "--until", "2025-12-31"]) == 0
    assert capsys.readouterr().out.startswith("0 nodes, 0 edges")
    assert main(["viz", "--graph", str(trig), "-o", str(out), "--types", "Ship"]) == 2
    assert "error: unknown class 'Ship'" in capsys.readouterr().err


def test_event_date_of_a_fact_reaches_the_evidence_and_the_tooltip() -> None:
    from kg.rdf.quads import extraction_quads
    from kg.rdf.terms import entity_iri
    from kg.records import Document, Entity, Evidence, Extraction, Relation

    sentence = "On Thursday the Iron Brigade trained with the Coastal Guard."
    dated = Evidence("d", sentence, 0, len(sentence), "test.rule", 0.9, event_date="2026-11-19")
    ex = Extraction(
        Document("d", sentence, "d.txt", title="Drill", published="2026-11-20"),
        [Entity("Iron Brigade", "MilitaryUnit", "Iron Brigade"),
         Entity("Coastal Guard", "MilitaryUnit", "Coastal Guard")],
        [Relation("Iron Brigade", "trainsWith", "Coastal Guard", dated)],
    )  # fmt: skip
    G = netgraph.from_quads(extraction_quads(ex))
    u, v = str(entity_iri("Iron Brigade")), str(entity_iri("Coastal Guard"))
    assert [e["event_date"] for e in G.edges[u, v, "trainsWith"]["evidence"]] == ["2026-11-19"]
    tip = viz.edge_tooltip(G, u, v, "trainsWith", G.graph["documents"])
    assert "— Drill, 2026-11-20, happened 2026-11-19, confidence 0.90" in tip
