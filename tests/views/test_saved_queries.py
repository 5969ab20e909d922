"""Every saved query answers right where its optional parts are absent, and checks its parameters.

Issue 12: ``unit-membership`` paired a unit with every entity of the graph when neither the unit
nor its force had a country (an OPTIONAL over an unbound variable). Each saved query runs here on
a small graph whose OPTIONAL parts (labels, countries, titles, dates, places …) are all missing,
then on the same graph with many unrelated labelled entities added: the answers must not change.
"""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import RDF, Literal
from rdflib.namespace import SKOS, XSD

from kg import errors
from kg.rdf.terms import document_iri, entity_iri
from kg.rdf.vocab import KG, PROV, STATEMENT
from kg.store.oxigraph import OxigraphStore
from kg.views.query import check_params, declared_params, parse_params, run_query, saved_queries

DOC = document_iri("bare")
US = entity_iri("U.S. Army")

# (subject, property, object) facts between entities that have no label, class or country,
# except the US force, whose label is what units-training-with-us recognises
FACTS = [
    ("Unit", "partOf", "Force"),
    ("Body", "authorizes", "Agent"),
    ("Agent", "meetsWith", "Other"),
    ("Trainee", "trainsWith", "U.S. Army"),
]

#: rows each saved query must give on the bare graph, and the parameters it runs with
EXPECTED: dict[str, tuple[int, dict[str, str]]] = {
    "authorizations": (1, {}),
    "corroboration": (4, {}),
    "documents": (1, {}),
    "evidence": (4, {}),
    "meetings": (1, {}),
    "unit-membership": (1, {}),
    "units-training-with-us": (1, {}),
    "units-training-with": (1, {"force": "U.S. Army"}),
}


def _bare_quads() -> list[tuple[Any, ...]]:
    g = DOC
    quads: list[tuple[Any, ...]] = [
        (g, RDF.type, KG.Document, g),
        (g, KG.contentHash, Literal("0" * 64), g),
        (US, SKOS.prefLabel, Literal("U.S. Army"), g),
    ]
    for i, (s, p, o) in enumerate(FACTS):
        si, pi, oi = entity_iri(s), KG[p], entity_iri(o)
        st = STATEMENT[f"bare-{i}"]
        quads += [
            (si, pi, oi, g),
            (st, RDF.type, RDF.Statement, g),
            (st, RDF.subject, si, g),
            (st, RDF.predicate, pi, g),
            (st, RDF.object, oi, g),
            (st, PROV.wasDerivedFrom, g, g),
            (st, KG.sentence, Literal(f"{s} and {o}."), g),
            (st, KG.startOffset, Literal(0, datatype=XSD.integer), g),
            (st, KG.endOffset, Literal(10, datatype=XSD.integer), g),
            (st, KG.extractor, Literal("test.v1"), g),
            (st, KG.confidence, Literal("0.9", datatype=XSD.decimal), g),
        ]
    return quads


def _noise_quads(n: int = 25) -> list[tuple[Any, ...]]:
    """Unrelated labelled entities and countries in the same document: no new answers."""
    quads: list[tuple[Any, ...]] = []
    for i in range(n):
        e = entity_iri(f"Noise {i}")
        quads += [
            (e, RDF.type, KG.Country if i % 2 else KG.MilitaryUnit, DOC),
            (e, SKOS.prefLabel, Literal(f"Noise {i}"), DOC),
        ]
    return quads


def _answers(quads: list[tuple[Any, ...]], name: str) -> list[str]:
    store = OxigraphStore()
    store.replace_document(DOC, quads)
    text = saved_queries()[name].read_text(encoding="utf-8")
    params = parse_params(f"{k}={v}" for k, v in EXPECTED[name][1].items())
    out = run_query(store, text, "csv", params)
    return out.splitlines()[1:]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_query_where_its_optional_parts_are_absent(name: str) -> None:
    bare = _answers(_bare_quads(), name)
    assert len(bare) == EXPECTED[name][0], bare
    assert _answers(_bare_quads() + _noise_quads(), name) == bare


def test_every_saved_query_is_covered() -> None:
    assert set(saved_queries()) == set(EXPECTED)


def test_unit_membership_without_countries_pairs_the_unit_with_its_force_only() -> None:
    rows = _answers(_bare_quads() + _noise_quads(), "unit-membership")
    # was 26 rows here: the unit with its force and with every labelled entity as "country"
    assert rows == [f"{entity_iri('Unit')},,{entity_iri('Force')},,,"]


# ---------------------------------------------------------------- parameters


def test_every_saved_query_declares_its_parameters() -> None:
    declared = {
        name: declared_params(path.read_text(encoding="utf-8"))
        for name, path in saved_queries().items()
    }
    assert declared["units-training-with"] == {"force": True}
    assert declared["evidence"] == {"subject": False, "property": False, "object": False}
    assert all(declared[n] == {} for n in EXPECTED if n not in ("units-training-with", "evidence"))


def test_a_misspelt_parameter_is_an_error_listing_the_parameters() -> None:
    text = saved_queries()["evidence"].read_text(encoding="utf-8")
    with pytest.raises(errors.QueryError) as caught:
        check_params(text, ["subj"], "the saved query 'evidence'")
    assert caught.value.message == (
        "unknown parameter 'subj' for the saved query 'evidence': it takes no such parameter. "
        "Its parameters: subject (optional), property (optional), object (optional)."
    )


def test_a_missing_required_parameter_is_an_error() -> None:
    text = saved_queries()["units-training-with"].read_text(encoding="utf-8")
    with pytest.raises(errors.QueryError) as caught:
        check_params(text, [], "the saved query 'units-training-with'")
    assert caught.value.message == (
        "the saved query 'units-training-with' needs the parameter 'force': add --param "
        "force=VALUE. Its parameters: force (required)."
    )


def test_a_parameter_of_inline_sparql_must_be_one_of_its_variables() -> None:
    text = "SELECT ?a WHERE { ?a kg:trainsWith ?b }"
    check_params(text, ["a", "b"])
    with pytest.raises(errors.QueryError) as caught:
        check_params(text, ["c"])
    assert caught.value.message == (
        "unknown parameter 'c' for the query text: it takes no such parameter. "
        "Its variables: ?a, ?b."
    )


def test_kg_query_refuses_a_misspelt_parameter(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: --param subj=X was ignored and every row came back."""
    from kg.cli import main
    from kg.store import write_quads

    path = tmp_path / "bare.trig"
    write_quads(_bare_quads(), path)
    assert main(["query", "--graph", str(path), "evidence", "--param", "subj=Unit"]) == 2
    assert "unknown parameter 'subj'" in capsys.readouterr().err
    assert main(["query", "--graph", str(path), "units-training-with"]) == 2
    assert "needs the parameter 'force'" in capsys.readouterr().err


def test_the_evidence_query_shows_modality_attribution_and_event_date() -> None:
    text = saved_queries()["evidence"].read_text(encoding="utf-8")
    store = OxigraphStore()
    st = STATEMENT["bare-0"]
    quads = _bare_quads() + [
        (st, KG.modality, Literal("reported"), DOC),
        (st, KG.attributedTo, Literal("a spokesman"), DOC),
        (st, KG.eventDate, Literal("2026-01-02", datatype=XSD.date), DOC),
    ]
    store.replace_document(DOC, quads)
    rows = store.select(text, parse_params(["property=partOf"]))
    assert [(str(r["modality"]), str(r["attributedTo"]), str(r["eventDate"])) for r in rows] == [
        ("reported", "a spokesman", "2026-01-02")
    ]
