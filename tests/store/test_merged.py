# ruff: noqa: F811 - pytest fixtures imported from test_store_kit are redefined as arguments
"""The merged graph: each fact once in the default graph, with its corroboration count (issue 12).

Before it, a triple stated by three documents came back three times from the default graph (the
union of the document graphs). Every test checks the same invariant too: after any write, the
store's default graph equals the merged graph rebuilt from scratch from the document graphs.
"""

from __future__ import annotations

import json
import random
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from test_store_kit import (  # noqa: F401 - fixtures
    any_store,
    clear_server,
    doc_quads,
    make_extraction,
    sparql_server,
    store_location,
)

from kg.rdf.sparql import INFERRED_GRAPH
from kg.store import load_file, open_store, write_quads
from kg.store.merged import FACT_PROPERTIES, SYMMETRIC, TEXT, fact_lines, is_document_graph
from kg.store.oxigraph import MARKER, OxigraphStore

PAIRS = "SELECT ?a ?b WHERE { ?a kg:trainsWith ?b }"
COUNT = (
    "SELECT ?n WHERE { ?f a kg:Fact ; rdf:subject ?a ; rdf:predicate kg:trainsWith ; "
    "rdf:object ?b ; kg:documentCount ?n }"
)


def _document(i: int, trains: bool = True, extra: str = "") -> tuple[Any, list[Any]]:
    """Document ``i``; every one says the same trainsWith fact (unless ``trains`` is False)."""
    relations = [("FOES", "basedIn", "Lima"), ("FOES", "affiliatedWith", "Peru")]
    if trains:
        relations.append(("US Special Forces", "trainsWith", "FOES"))
    return doc_quads(
        make_extraction(doc_id=f"doc-{i}", text=f"Text {i}. {extra}", relations=relations)
    )


def _write(store: Any, doc: tuple[Any, list[Any]]) -> None:
    store.replace_document(*doc)


def _merged_now(store: Any) -> set[str]:
    """The store's default graph as N-Triples lines."""
    return {f"{r[0]} {r[1]} {r[2]} ." for r in store.raw("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")}


def _merged_rebuilt(store: Any) -> set[str]:
    """What the default graph must be, worked out from the document graphs alone."""
    docs = [q for q in store._all_quads() if is_document_graph(q.graph_name)]  # noqa: SLF001
    lines = {f"{q.triple} ." for q in docs if q.predicate.value != TEXT}  # text: its graph only
    stating: dict[tuple[Any, Any, Any], set[Any]] = defaultdict(set)
    for q in docs:
        s, p, o = q.subject, q.predicate, q.object
        if p.value not in FACT_PROPERTIES:
            continue
        if p.value in SYMMETRIC and isinstance(o, ox.NamedNode) and o.value < s.value:
            s, o = o, s  # one fact in either direction
        stating[(s, p, o)].add(q.graph_name)
    for (s, p, o), graphs in stating.items():
        lines.update(fact_lines(s, p, o, len(graphs)))
    return lines


def _check_in_step(store: Any) -> None:
    assert _merged_now(store) == _merged_rebuilt(store)


def test_a_fact_of_three_documents_comes_back_once_with_its_count(any_store: Any) -> None:
    for i in range(3):
        _write(any_store, _document(i))
    assert len(any_store.select(PAIRS)) == 1  # was 3: the union of three document graphs
    assert [r["n"].toPython() for r in any_store.select(COUNT)] == [3]
    labels = "SELECT ?l WHERE { ?a kg:trainsWith ?b . ?a skos:prefLabel ?l }"
    assert len(any_store.select(labels)) == 1  # was 9: 3 facts x 3 labels
    # provenance stays in the document graphs
    per_doc = any_store.select("SELECT ?g WHERE { GRAPH ?g { ?a kg:trainsWith ?b } }")
    assert len(per_doc) == 3
    assert any_store.corroboration(*_trains_terms()) == 3
    _check_in_step(any_store)


def _trains_terms() -> tuple[Any, Any, Any]:
    from kg.rdf.quads import entity_iri
    from kg.rdf.vocab import KG

    return entity_iri("US Special Forces"), KG.trainsWith, entity_iri("FOES")


def test_replace_and_remove_keep_the_merged_graph_in_step(any_store: Any) -> None:
    for i in range(3):
        _write(any_store, _document(i))
    _write(any_store, _document(0, trains=False, extra="changed"))  # replaced without the fact
    assert [r["n"].toPython() for r in any_store.select(COUNT)] == [2]
    _check_in_step(any_store)
    any_store.remove_document(_document(1)[0])
    assert [r["n"].toPython() for r in any_store.select(COUNT)] == [1]
    _check_in_step(any_store)
    any_store.remove_document(_document(2)[0])
    assert any_store.select(PAIRS) == []
    assert any_store.select(COUNT) == []
    assert not any_store.ask("ASK { ?f a kg:Fact ; rdf:predicate kg:trainsWith }")
    _check_in_step(any_store)
    any_store.remove_document(_document(0)[0])
    assert any_store.select("SELECT * WHERE { ?s ?p ?o }") == []  # nothing left behind


TEXTS = "SELECT ?t WHERE { GRAPH ?g { ?d kg:text ?t } }"


def test_a_documents_text_stays_in_its_graph_out_of_the_merged_graph(any_store: Any) -> None:
    _write(any_store, _document(0))
    _write(any_store, _document(1))
    assert sorted(r["t"].toPython() for r in any_store.select(TEXTS)) == ["Text 0. ", "Text 1. "]
    assert not any_store.ask("ASK { ?d kg:text ?t }")  # the default graph: the merged graph
    _write(any_store, _document(0, extra="changed"))  # a new text replaces the old one
    assert sorted(r["t"].toPython() for r in any_store.select(TEXTS)) == [
        "Text 0. changed",
        "Text 1. ",
    ]
    assert not any_store.ask("ASK { ?d kg:text ?t }")
    _check_in_step(any_store)
    any_store.remove_document(_document(0)[0])
    assert [r["t"].toPython() for r in any_store.select(TEXTS)] == ["Text 1. "]


def test_a_symmetric_fact_in_both_directions_is_one_fact(any_store: Any) -> None:
    forward = [("US Special Forces", "trainsWith", "FOES")]
    backward = [("FOES", "trainsWith", "US Special Forces")]
    for i, relations in enumerate([forward, backward, backward]):
        ex = make_extraction(doc_id=f"doc-{i}", relations=relations)
        _write(any_store, doc_quads(ex))
    either = "SELECT ?n WHERE { ?f a kg:Fact ; rdf:predicate kg:trainsWith ; kg:documentCount ?n }"
    assert [r["n"].toPython() for r in any_store.select(either)] == [3]
    _check_in_step(any_store)
    any_store.remove_document(doc_quads(make_extraction(doc_id="doc-0"))[0])
    assert [r["n"].toPython() for r in any_store.select(either)] == [2]
    _check_in_step(any_store)


def test_random_writes_keep_the_merged_graph_equal_to_a_rebuild() -> None:
    """Adds, replacements (with other facts) and removals in a seeded random order."""
    rng = random.Random(12)
    store = OxigraphStore()
    names = ["US Special Forces", "FOES", "Lima", "Peru"]
    props = ["trainsWith", "basedIn", "affiliatedWith", "partOf"]
    for step in range(40):
        i = rng.randrange(6)
        if rng.random() < 0.25:
            store.remove_document(_document(i)[0])
        else:
            relations = [
                (rng.choice(names), rng.choice(props), rng.choice(names))
                for _ in range(rng.randrange(4))
            ]
            relations = [r for r in relations if r[0] != r[2]]
            ex = make_extraction(doc_id=f"doc-{i}", text=f"Step {step}.", relations=relations)
            _write(store, doc_quads(ex))
        _check_in_step(store)


def test_the_inferred_graph_stays_out_of_the_merged_graph() -> None:
    from rdflib import RDF, URIRef

    from kg.rdf.vocab import KG

    store = OxigraphStore()
    _write(store, _document(0))
    s, _, _ = _trains_terms()
    g = URIRef(INFERRED_GRAPH)
    store.replace_document(g, [(s, RDF.type, KG.Agent, g)])
    assert not store.ask("ASK { ?s a kg:Agent }")
    store.include_inferred = True
    assert store.ask("ASK { ?s a kg:Agent }")
    assert len(store.select(PAIRS)) == 1
    store.include_inferred = False
    _check_in_step(store)


def test_an_rdf_file_of_documents_is_read_with_its_merged_graph(tmp_path: Path) -> None:
    path = tmp_path / "three.trig"
    write_quads((q for i in range(3) for q in _document(i)[1]), path)
    with load_file(path) as graph:
        assert len(graph.select(PAIRS)) == 1
        assert [r["n"].toPython() for r in graph.select(COUNT)] == [3]
        # what the file holds is what quads() gives back: the merged graph is derived
        assert {g for *_, g in graph.quads()} == {_document(i)[0] for i in range(3)}
        assert len(graph.select(TEXTS)) == 3 and not graph.ask("ASK { ?d kg:text ?t }")


def test_kg_query_answers_each_fact_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    path = tmp_path / "three.trig"
    write_quads((q for i in range(3) for q in _document(i)[1]), path)
    assert main(["query", "--graph", str(path), PAIRS, "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2  # header and one row


def _as_version_1(folder: Path) -> None:
    """Turn a store into what kg wrote before the merged graph: no default graph, version 1."""
    with open_store(str(folder)) as store:
        store._update("CLEAR DEFAULT")  # noqa: SLF001
    (folder / MARKER).write_text(
        json.dumps({"format": "kg-store", "version": 1, "backend": "oxigraph"}), encoding="utf-8"
    )


def test_a_store_written_before_the_merged_graph_is_upgraded_by_its_next_writer(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "old-store"
    with open_store(str(folder)) as store:
        for i in range(3):
            _write(store, _document(i))
    _as_version_1(folder)
    with open_store(str(folder), read_only=True) as old:
        assert old.default_graph == "union"
        assert len(old.select(PAIRS)) == 3  # read as before: the union of the graphs
    with open_store(str(folder)) as store:
        assert len(store.select(PAIRS)) == 1
        _check_in_step(store)
    assert json.loads((folder / MARKER).read_text(encoding="utf-8"))["version"] == 2
    with open_store(str(folder), read_only=True) as new:
        assert [r["n"].toPython() for r in new.select(COUNT)] == [3]


def test_a_server_filled_without_kg_is_read_as_a_union_then_merged_by_the_first_write(
    sparql_server: str,
) -> None:
    clear_server(sparql_server)
    body = " ".join(
        f"GRAPH {ox.NamedNode(str(g))} {{ "
        + " ".join(f"{_ox(s)} {_ox(p)} {_ox(o)} ." for s, p, o, _ in quads)
        + " }"
        for g, quads in (_document(i) for i in range(3))
    )
    base = sparql_server.removeprefix("sparql+").rstrip("/")
    request = urllib.request.Request(
        base + "/update",
        data=f"INSERT DATA {{ {body} }}".encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass
    with open_store(sparql_server, read_only=True) as reader:
        assert len(reader.select(PAIRS)) == 3  # a bulk-loaded store: the union, as before
    with open_store(sparql_server) as writer:
        _write(writer, _document(3))
        assert len(writer.select(PAIRS)) == 1
        assert [r["n"].toPython() for r in writer.select(COUNT)] == [4]
        _check_in_step(writer)


def _ox(term: Any) -> str:
    from kg.rdf.terms import to_ox

    return str(to_ox(term))
