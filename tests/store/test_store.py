"""The store suite: run on the embedded store AND on a real SPARQL server (``any_store``)."""
# ruff: noqa: F811 - pytest fixtures imported from test_store_kit are redefined as arguments

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from test_store_kit import (  # noqa: F401 - fixtures
    any_store,
    doc_quads,
    make_extraction,
    sparql_server,
    store_location,
)

from kg import errors
from kg.rdf import terms
from kg.rdf.sparql import INFERRED_GRAPH
from kg.rdf.vocab import KG
from kg.store import open_graph, open_store, write_quads


def _iri(key: str) -> URIRef:
    return terms.entity_iri(key)


def _labels(store: object, key: str) -> set[str]:
    rows = store.select("SELECT ?l WHERE { ?e skos:prefLabel ?l }", {"e": _iri(key)})
    return {str(r["l"]) for r in rows}


def _entities(store: object) -> set[str]:
    return {str(r["e"]) for r in store.select("SELECT DISTINCT ?e WHERE { ?e skos:prefLabel ?l }")}


# ---------------------------------------------------------------- documents


def test_replace_is_idempotent_and_reports_no_change(any_store: object) -> None:
    doc, quads = doc_quads(make_extraction())
    assert any_store.replace_document(doc, quads) is True
    assert any_store.replace_document(doc, quads) is False
    assert len(any_store) == len(set(quads))


def test_replace_drops_the_old_version_entirely(any_store: object) -> None:
    doc, quads = doc_quads(make_extraction())
    any_store.replace_document(doc, quads)
    newer = make_extraction(
        text="FOES trained in Lima.",
        entities=[("FOES", "MilitaryUnit", "FOES", set()), ("Lima", "Place", "Lima", set())],
        relations=[("FOES", "basedIn", "Lima")],
    )
    doc2, quads2 = doc_quads(newer)
    assert doc2 == doc
    assert any_store.replace_document(doc, quads2) is True
    stored = {(s, p, o) for s, p, o, g in any_store.quads()}
    assert stored == {(s, p, o) for s, p, o, g in quads2}
    assert str(_iri("US Special Forces")) not in _entities(any_store)


def test_has_document_compares_the_content_hash(any_store: object) -> None:
    ex = make_extraction()
    doc, quads = doc_quads(ex)
    assert not any_store.has_document(doc, ex.document.sha256)
    any_store.replace_document(doc, quads)
    assert any_store.has_document(doc, ex.document.sha256)
    assert not any_store.has_document(doc, "0" * 64)
    assert [str(r["document"]) for r in any_store.documents()] == [str(doc)]


def test_remove_deletes_facts_and_orphaned_entities_only(any_store: object) -> None:
    a = make_extraction("doc-a")
    b = make_extraction(
        "doc-b",
        text="FOES trained with the Marines.",
        entities=[
            ("FOES", "MilitaryUnit", "FOES", set()),
            ("Marines", "MilitaryUnit", "Marines", set()),
        ],
        relations=[("FOES", "trainsWith", "Marines")],
    )
    for ex in (a, b):
        any_store.replace_document(*doc_quads(ex))
    assert any_store.remove_document(terms.document_iri("doc-a")) is True
    assert any_store.remove_document(terms.document_iri("doc-a")) is False
    left = _entities(any_store)
    assert str(_iri("FOES")) in left  # doc-b still names it
    assert str(_iri("Lima")) not in left and str(_iri("US Special Forces")) not in left
    assert not any_store.ask("ASK { ?s kg:trainsWith ?o }", {"s": _iri("US Special Forces")})
    assert [str(r["document"]) for r in any_store.documents()] == [str(terms.document_iri("doc-b"))]


def test_corroboration_and_labels_follow_add_replace_remove(any_store: object) -> None:
    fact = (_iri("US Special Forces"), KG.trainsWith, _iri("FOES"))
    a, b = make_extraction("doc-a"), make_extraction("doc-b")
    any_store.replace_document(*doc_quads(a))
    assert any_store.corroboration(*fact) == 1
    any_store.replace_document(*doc_quads(b))
    assert any_store.corroboration(*fact) == 2
    # doc-b is edited: it no longer reports the training, and calls FOES by its long name
    b2 = make_extraction(
        "doc-b",
        text="The Naval Special Operations Forces are based in Lima.",
        entities=[
            ("FOES", "MilitaryUnit", "Naval Special Operations Forces", {"FOES"}),
            ("Lima", "Place", "Lima", set()),
        ],
        relations=[("FOES", "basedIn", "Lima")],
    )
    any_store.replace_document(*doc_quads(b2))
    assert any_store.corroboration(*fact) == 1
    assert _labels(any_store, "FOES") == {"FOES", "Naval Special Operations Forces"}
    any_store.remove_document(terms.document_iri("doc-a"))
    assert any_store.corroboration(*fact) == 0
    assert _labels(any_store, "FOES") == {"Naval Special Operations Forces"}


def test_quads_outside_the_document_graph_are_refused(any_store: object) -> None:
    doc, quads = doc_quads(make_extraction())
    stray = (_iri("FOES"), KG.basedIn, _iri("Lima"), URIRef("https://example.org/other"))
    with pytest.raises(ValueError):
        any_store.replace_document(doc, quads + [stray])
    assert len(any_store) == 0


# ---------------------------------------------------------------- queries


def test_select_binds_parameters_as_data_not_code(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction()))
    rows = any_store.select("SELECT ?e WHERE { ?e skos:prefLabel ?label }", {"label": "FOES"})
    assert [r["e"] for r in rows] == [_iri("FOES")]
    hostile = 'FOES" } } ; DROP ALL ; SELECT * { ?s ?p "'
    assert (
        any_store.select("SELECT ?e WHERE { ?e skos:prefLabel ?label }", {"label": hostile}) == []
    )
    assert len(any_store) > 0


def test_bindings_constrain_variables_inside_aggregates(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction()))
    rows = any_store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?e skos:prefLabel ?label }", {"label": Literal("Lima")}
    )
    assert int(rows[0]["n"]) == 1


def test_rows_have_rdflib_terms_and_none_for_unbound(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction()))
    rows = any_store.select(
        "SELECT ?e ?alt WHERE { ?e skos:prefLabel 'Lima' OPTIONAL { ?e skos:altLabel ?alt } }"
    )
    assert rows.variables == ["e", "alt"]
    assert rows == [{"e": _iri("Lima"), "alt": None}]


def test_construct_returns_an_rdflib_graph(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction()))
    g = any_store.construct("CONSTRUCT { ?a kg:trainsWith ?b } WHERE { ?a kg:trainsWith ?b }")
    assert set(g) == {(_iri("US Special Forces"), KG.trainsWith, _iri("FOES"))}


def test_query_returns_rows_bool_or_graph(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction()))
    assert any_store.query("ASK { ?s kg:basedIn ?o }") is True
    assert len(any_store.query("DESCRIBE id:Lima")) >= 2
    rows = any_store.query("SELECT ?l WHERE { ?e skos:prefLabel ?l } ORDER BY ?l")
    assert [str(r["l"]) for r in rows] == ["FOES", "Lima", "Peru", "U.S. Special Forces"]


def test_rows_to_dataframe(any_store: object) -> None:
    pd = pytest.importorskip("pandas", reason="pandas is optional")
    any_store.replace_document(*doc_quads(make_extraction()))
    df = any_store.query("SELECT ?l WHERE { ?e skos:prefLabel ?l } ORDER BY ?l").to_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert list(df["l"]) == ["FOES", "Lima", "Peru", "U.S. Special Forces"]


def test_malformed_query_is_a_clear_error(any_store: object) -> None:
    with pytest.raises(errors.QueryError, match="invalid SPARQL"):
        any_store.select("SELECT WHERE {")


def test_an_update_is_refused_and_never_reaches_the_data(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction()))
    before = len(any_store)
    for update in ("DELETE WHERE { ?s ?p ?o }", "INSERT DATA { id:x kg:trainsWith id:y }"):
        with pytest.raises(errors.QueryError) as err:
            any_store.query(update)
        assert err.value.message == (
            "query not allowed: the query is an update; kg query only reads. "
            "Use kg build or kg remove to change a store."
        )
    assert len(any_store) == before


def test_own_prologue_and_kg_default_prefixes_mix(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction()))
    # declares skos itself (runs without default prefixes), uses kg: and id: undeclared
    text = (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?l WHERE { id:US_Special_Forces kg:trainsWith ?o . ?o skos:prefLabel ?l }"
    )
    assert [str(r["l"]) for r in any_store.select(text)] == ["FOES"]
    # a query's own declaration wins over kg's prefix of the same name
    text = "PREFIX kg: <http://example.org/other#> ASK { ?s kg:trainsWith ?o }"
    assert any_store.ask(text) is False


# ---------------------------------------------------------------- the embedded store only


def test_new_folder_becomes_a_store(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s")) as s:
        assert len(s) == 0
    assert json.loads((tmp_path / "s" / "kg-store.json").read_text())["format"] == "kg-store"


def test_foreign_folder_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(errors.StoreError) as exc:
        open_store(str(tmp_path))
    assert str(exc.value) == (
        f"{tmp_path} is not a kg store. Give the folder created by 'kg build --store DIR', "
        "or a new folder to create one."
    )
    with pytest.raises(errors.StoreError):
        open_store(str(tmp_path / "notes.txt"))


def test_reading_a_missing_store_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(errors.StoreError) as exc:
        open_graph(store=str(tmp_path / "nowhere"))
    assert str(exc.value) == (
        f"no kg store at {tmp_path / 'nowhere'}. Build one with: kg build ARTICLES --store "
        f"{tmp_path / 'nowhere'}"
    )


def test_second_writer_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    location = str(tmp_path / "s")
    with open_store(location) as s:
        s.replace_document(*doc_quads(make_extraction()))
        code = (
            "import sys\nfrom kg import errors\nfrom kg.store import open_store\n"
            f"try:\n    open_store({location!r})\nexcept errors.StoreError as e:\n"
            "    print(e); sys.exit(3)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 3, proc.stderr
        import os

        assert proc.stdout.strip() == (
            f"store {location} is locked by process {os.getpid()}. "
            "Wait for that process to finish, then retry."
        )
        # readers are not blocked by the writer
        with open_graph(store=location) as reader:
            assert len(reader) == len(s)
    with open_store(location) as again:  # the lock went with the first writer
        assert len(again) > 0


def test_ingest_log_records_each_commit(tmp_path: Path) -> None:
    location = tmp_path / "s"
    ex = make_extraction()
    with open_store(str(location)) as s:
        s.replace_document(*doc_quads(ex))
        s.replace_document(*doc_quads(ex))
        s.remove_document(terms.document_iri(ex.document.id))
    lines = [json.loads(x) for x in (location / "ingest.log").read_text().splitlines()]
    assert [x["action"] for x in lines] == ["add", "unchanged", "remove"]
    assert lines[0]["sha256"] == ex.document.sha256
    assert lines[0]["document"] == str(terms.document_iri(ex.document.id))


def test_store_survives_reopening(tmp_path: Path) -> None:
    location = str(tmp_path / "s")
    _, quads = doc_quads(make_extraction())
    with open_store(location) as s:
        s.replace_document(*doc_quads(make_extraction()))
    with open_store(location) as s:
        assert {q[:3] for q in s.quads()} == {q[:3] for q in quads}


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    location = str(tmp_path / "s")
    open_store(location).close()
    with open_graph(store=location) as s, pytest.raises(errors.StoreError, match="read-only"):
        s.replace_document(*doc_quads(make_extraction()))


# ---------------------------------------------------------------- RDF files


@pytest.mark.parametrize("ext", [".trig", ".nq", ".jsonld"])
def test_dataset_files_round_trip(tmp_path: Path, ext: str) -> None:
    _, quads = doc_quads(make_extraction())
    path = tmp_path / f"g{ext}"
    assert write_quads(quads, path) == len(quads)
    with open_graph(str(path)) as g:
        assert set(g.quads()) == set(quads)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize("ext", [".ttl", ".nt"])
def test_triple_files_merge_the_graphs(tmp_path: Path, ext: str) -> None:
    _, a = doc_quads(make_extraction("doc-a"))
    _, b = doc_quads(make_extraction("doc-b"))
    path = tmp_path / f"g{ext}"
    write_quads(a + b, path)
    with open_graph(str(path)) as g:
        assert {q[:3] for q in g.quads()} == {q[:3] for q in a + b}
        # triple files have no graphs, yet queries still see everything
        assert g.ask("ASK { id:FOES kg:basedIn id:Lima }")


def test_unknown_extension_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError) as exc:
        write_quads([], tmp_path / "g.xyz")
    assert str(exc.value) == (
        f"cannot tell the RDF format of {tmp_path / 'g.xyz'}. "
        "Use one of the extensions: .trig, .nq, .ttl, .nt, .jsonld, .rdf."
    )


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "g.trig"
    path.write_text("old content")

    def broken() -> object:
        yield from doc_quads(make_extraction())[1][:3]
        raise RuntimeError("extractor crashed")

    with pytest.raises(RuntimeError):
        write_quads(broken(), path)
    assert path.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["g.trig"]


def test_bad_rdf_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.trig"
    path.write_text("<a> <b> .")
    with pytest.raises(errors.InputError, match=f"cannot parse {path} as RDF: "):
        open_graph(str(path))


def test_from_clause_limits_the_dataset(any_store: object) -> None:
    any_store.replace_document(*doc_quads(make_extraction("doc-a")))
    any_store.replace_document(
        *doc_quads(
            make_extraction(
                "doc-b", entities=[("Marines", "MilitaryUnit", "Marines", set())], relations=[]
            )
        )
    )
    q = "SELECT (COUNT(DISTINCT ?e) AS ?n) FROM <{}> WHERE {{ ?e skos:prefLabel ?l }}"
    assert int(any_store.select(q.format(terms.document_iri("doc-b")))[0]["n"]) == 1
    assert (
        int(
            any_store.select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e skos:prefLabel ?l }")[0][
                "n"
            ]
        )
        == 5
    )


def test_inferred_graph_stays_apart_from_asserted_facts(any_store: object) -> None:
    from kg.views.reason import materialise

    any_store.replace_document(*doc_quads(make_extraction()))
    report = materialise(any_store, "owlrl")
    assert report.changed and report.inferred > 0
    reverse = "ASK { id:FOES kg:trainsWith id:US_Special_Forces }"  # trainsWith is symmetric
    supertype = "ASK { id:FOES a kg:Agent }"
    assert not any_store.ask(reverse) and not any_store.ask(supertype)
    assert any_store.ask(
        f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ id:FOES kg:trainsWith id:US_Special_Forces }} }}"
    )
    any_store.include_inferred = True
    assert any_store.ask(reverse) and any_store.ask(supertype)
    assert materialise(any_store, "owlrl").changed is False  # same input, same inferences


def test_a_reader_opened_after_kg_reason_keeps_inferences_apart(tmp_path: Path) -> None:
    from kg.views.reason import materialise

    location = str(tmp_path / "kg-store")
    with open_store(location) as store:
        store.replace_document(*doc_quads(make_extraction()))
        assert not store.ask("ASK { id:FOES a kg:Agent }")  # asked before the inferred graph
        materialise(store, "owlrl")
        assert not store.ask("ASK { id:FOES a kg:Agent }")  # and after: a writer asks each time
    with open_graph(store=location) as reader:
        for _ in range(2):  # a read-only snapshot remembers that the graph is there
            assert not reader.ask("ASK { id:FOES a kg:Agent }")
        reader.include_inferred = True
        assert reader.ask("ASK { id:FOES a kg:Agent }")


def test_cli_commands_on_both_backends(
    store_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    with open_store(store_location) as s:
        for doc in ("doc-a", "doc-b"):
            s.replace_document(*doc_quads(make_extraction(doc)))
    q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s kg:trainsWith ?o } }"
    assert main(["query", "--store", store_location, q, "--format", "csv"]) == 0
    assert capsys.readouterr().out == "n\r\n2\r\n"
    assert main(["remove", "--store", store_location, "doc-a"]) == 0
    assert main(["validate", "--store", store_location]) == 0
    capsys.readouterr()
    assert main(["query", "--store", store_location, q, "--format", "csv"]) == 0
    assert capsys.readouterr().out == "n\r\n1\r\n"
