"""kg export: every format re-imports isomorphically; filters keep a valid, consistent graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from test_store_kit import doc_quads, make_extraction

from kg import errors
from kg.cli import main
from kg.rdf import terms
from kg.rdf.vocab import KG
from kg.store import open_graph, open_store
from kg.views.export import Filters, export, graphml_graph
from kg.views.validate import validate


@pytest.fixture
def store(tmp_path: Path) -> str:
    location = str(tmp_path / "store")
    low = make_extraction(
        "doc-b",
        text="Officials said Hugo de Zela met the FOES command.",
        confidence=0.4,
        entities=[
            ("Hugo de Zela", "Person", "Hugo de Zela", set()),
            ("FOES", "MilitaryUnit", "FOES", set()),
        ],
        relations=[
            ("Hugo de Zela", "meetsWith", "FOES"),
            ("Hugo de Zela", "hasTitle", "Foreign Minister"),
        ],
    )
    with open_store(location) as s:
        for ex in (make_extraction("doc-a"), low):
            s.replace_document(*doc_quads(ex))
    return location


def _dataset(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(
        str(path), format={".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld"}[path.suffix]
    )
    return ds


@pytest.mark.parametrize("ext", [".trig", ".nq", ".jsonld"])
def test_dataset_exports_reimport_isomorphically(
    store: str, tmp_path: Path, ext: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"all{ext}"
    assert main(["export", "--store", store, "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"quads → {out}")
    with open_graph(store=store) as s:
        original = set(s.quads())
    # read back with rdflib (an independent parser), graph by graph
    ds = _dataset(out)
    back = {(s, p, o, g.identifier) for g in ds.graphs() for s, p, o in g if len(g)}
    assert back == original
    for name in {q[3] for q in original}:
        a = Graph()
        for s, p, o, g in original:
            if g == name:
                a.add((s, p, o))
        assert isomorphic(a, ds.graph(name))


@pytest.mark.parametrize("ext", [".ttl", ".nt"])
def test_triple_exports_merge_graphs_isomorphically(store: str, tmp_path: Path, ext: str) -> None:
    out = tmp_path / f"all{ext}"
    assert main(["export", "--store", store, "-o", str(out)]) == 0
    merged = Graph()
    with open_graph(store=store) as s:
        for q in s.quads():
            merged.add(q[:3])
    assert isomorphic(Graph().parse(str(out)), merged)


def test_graphml_for_networkx(store: str, tmp_path: Path) -> None:
    import networkx as nx

    out = tmp_path / "net.graphml"
    assert main(["export", "--store", store, "-o", str(out)]) == 0
    g = nx.read_graphml(out)
    foes = str(terms.entity_iri("FOES"))
    assert g.nodes[foes]["label"] == "FOES" and g.nodes[foes]["cls"] == "MilitaryUnit"
    hugo = str(terms.entity_iri("Hugo de Zela"))
    assert g.nodes[hugo]["titles"] == "Foreign Minister"
    edges = {
        (u.rsplit("/", 1)[1], d["label"], v.rsplit("/", 1)[1], d["documents"])
        for u, v, d in g.edges(data=True)
    }
    assert ("US_Special_Forces", "trainsWith", "FOES", 1) in edges
    assert ("Hugo_de_Zela", "meetsWith", "FOES", 1) in edges
    with open_graph(store=store) as s:
        assert nx.is_isomorphic(g, graphml_graph(s.quads()))


def test_min_confidence_drops_weak_evidence_and_its_facts(store: str, tmp_path: Path) -> None:
    out = tmp_path / "strong.trig"
    with open_graph(store=store) as s:
        export(s, out, Filters(min_confidence=0.5))
    with open_graph(str(out)) as g:
        assert g.ask("ASK { id:US_Special_Forces kg:trainsWith id:FOES }")
        assert not g.ask("ASK { ?a kg:meetsWith ?b }")
        assert not g.ask("ASK { ?st rdf:predicate kg:meetsWith }")
        assert g.ask("ASK { id:Hugo_de_Zela skos:prefLabel ?l }")  # entities stay
        result = validate(g)
        assert result.conforms, result.report


def test_type_filter_includes_subclasses_and_keeps_facts_between_kept_entities(
    store: str, tmp_path: Path
) -> None:
    out = tmp_path / "orgs.trig"
    with open_graph(store=store) as s:
        export(s, out, Filters(types=["Organization"]))
    with open_graph(str(out)) as g:
        labels = {
            str(r["l"]) for r in g.select("SELECT DISTINCT ?l WHERE { ?e skos:prefLabel ?l }")
        }
        assert labels == {"U.S. Special Forces", "FOES"}  # MilitaryUnit is an Organization
        assert g.ask("ASK { id:US_Special_Forces kg:trainsWith id:FOES }")
        assert not g.ask("ASK { ?a kg:basedIn ?b }")  # Lima is a Place
        result = validate(g)
        assert result.conforms, result.report


def test_document_filter(store: str, tmp_path: Path) -> None:
    out = tmp_path / "b.nq"
    assert main(["export", "--store", store, "--document", "doc-b", "-o", str(out)]) == 0
    with open_graph(str(out)) as g:
        assert [str(r["document"]) for r in g.documents()] == [str(terms.document_iri("doc-b"))]
    with open_graph(store=store) as s, pytest.raises(errors.InputError) as exc:
        export(s, out, Filters(documents=["nope"]))
    assert str(exc.value).startswith(f"no document 'nope' in {store}.")


def test_export_leaves_out_the_inferred_graph_unless_asked(store: str, tmp_path: Path) -> None:
    from kg.views.reason import materialise

    with open_store(store) as s:
        materialise(s, "owlrl")
    plain, full = tmp_path / "plain.trig", tmp_path / "full.trig"
    assert main(["export", "--store", store, "-o", str(plain)]) == 0
    assert main(["export", "--store", store, "--inferred", "-o", str(full)]) == 0
    assert len(_dataset(full)) > len(_dataset(plain))


def test_unknown_type_and_format(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["export", "--store", store, "--type", "Spaceship", "-o", str(tmp_path / "x.trig")])
        == 2
    )
    assert "unknown type 'Spaceship'" in capsys.readouterr().err
    assert main(["export", "--store", store, "-o", str(tmp_path / "x.csv")]) == 2
    assert "cannot tell the RDF format" in capsys.readouterr().err


def test_remove_command(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["remove", "--store", store, "doc-b.txt"]) == 0  # by the source it was built from
    assert capsys.readouterr().out.strip() == f"removed {terms.document_iri('doc-b')}"
    with open_graph(store=store) as s:
        assert not s.ask("ASK { ?x kg:hasTitle ?t }")
        assert not s.ask("ASK { id:Hugo_de_Zela ?p ?o }")  # no other document names him
        assert s.ask("ASK { id:FOES ?p ?o }")
        assert (
            s.corroboration(
                terms.entity_iri("US Special Forces"), KG.trainsWith, terms.entity_iri("FOES")
            )
            == 1
        )
    assert main(["remove", "--store", store, "doc-b"]) == 2
    assert "no document 'doc-b'" in capsys.readouterr().err
