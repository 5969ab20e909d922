"""kg query: finding the query, binding parameters, standard result formats, saved queries."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_store_kit import doc_quads, make_extraction

from kg import errors
from kg.cli import main
from kg.rdf.sparql import bind, from_graphs, query_form, where_brace
from kg.resources import queries_dir
from kg.store import open_graph, open_store, write_quads
from kg.views.query import (
    declared_params,
    parse_params,
    read_query,
    run_query,
    saved_queries,
)


def _sample() -> list:
    """Two documents: US forces train with FOES (twice), a meeting, an authorisation, units."""
    a = make_extraction(
        "doc-a",
        text="U.S. Special Forces trained with the FOES. Peru's Congress authorized U.S. troops.",
        entities=[
            ("US Special Forces", "MilitaryUnit", "U.S. Special Forces", {"US Special Forces"}),
            ("FOES", "MilitaryUnit", "FOES", {"Naval Special Operations Forces"}),
            ("Peruvian Navy", "MilitaryUnit", "Peruvian Navy", set()),
            ("Peru", "Country", "Peru", set()),
            ("United States", "Country", "United States", {"U.S."}),
            ("Congress of Peru", "GovernmentBody", "Congress of Peru", set()),
            ("US troops", "MilitaryUnit", "U.S. troops", set()),
            ("Hugo de Zela", "Person", "Hugo de Zela", set()),
            ("Christopher Landau", "Person", "Christopher Landau", set()),
        ],
        relations=[
            ("US Special Forces", "trainsWith", "FOES"),
            ("US Special Forces", "affiliatedWith", "United States"),
            ("FOES", "partOf", "Peruvian Navy"),
            ("Peruvian Navy", "affiliatedWith", "Peru"),
            ("Congress of Peru", "authorizes", "US troops"),
            ("Congress of Peru", "affiliatedWith", "Peru"),
            ("US troops", "deployedTo", "Peru"),
            ("Hugo de Zela", "meetsWith", "Christopher Landau"),
            ("Hugo de Zela", "hasTitle", "Foreign Minister"),
        ],
    )
    b = make_extraction("doc-b")  # also: US Special Forces trainsWith FOES
    return [q for ex in (a, b) for q in doc_quads(ex)[1]]


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "graph.trig"
    write_quads(_sample(), path)
    return path


# ---------------------------------------------------------------- finding the query


def test_read_query_inline_file_and_saved_name(tmp_path: Path) -> None:
    assert read_query("SELECT * WHERE { ?s ?p ?o }") == (
        "SELECT * WHERE { ?s ?p ?o }",
        "the query text",
    )
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?s ?p ?o }")
    assert read_query(str(rq)) == ("ASK { ?s ?p ?o }", str(rq))
    text, origin = read_query("units-training-with")
    assert "trainsWith" in text and origin.endswith("units-training-with.rq")


def test_unknown_saved_query_lists_the_saved_ones() -> None:
    with pytest.raises(errors.QueryError) as exc:
        read_query("no-such-query")
    assert str(exc.value).startswith(
        "no query 'no-such-query': not SPARQL text, not a .rq file, and not a saved query "
        "(saved queries: "
    )
    assert "units-training-with-us" in str(exc.value)


def test_missing_rq_file() -> None:
    with pytest.raises(errors.InputError, match="input not found: nowhere.rq"):
        read_query("nowhere.rq")


def test_parse_params() -> None:
    params = parse_params(["force=U.S. Special Forces", "?x=<https://example.org/a>", "y=a=b"])
    assert str(params["force"]) == "U.S. Special Forces"
    assert params["x"].n3() == "<https://example.org/a>"
    assert str(params["y"]) == "a=b"
    for bad in ["novalue", "bad name=x", "1x=y"]:
        with pytest.raises(errors.QueryError, match="invalid --param"):
            parse_params([bad])


# ---------------------------------------------------------------- binding is data, not code


def test_bind_puts_values_in_the_outer_where_group() -> None:
    q = (
        'PREFIX x: <http://x/#WHERE> SELECT ?a WHERE { ?a ?b "{ WHERE" . '
        "{ SELECT ?c WHERE { ?c ?d ?e } } }"
    )
    bound = bind(q, {"b": "x"})
    assert bound.index("VALUES") == where_brace(q) + 2
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert where_brace(construct) == construct.index("WHERE") + 6


def test_hostile_parameter_cannot_change_the_query() -> None:
    hostile = '" } } ; DROP ALL ; SELECT * { ?s ?p "'
    bound = bind("SELECT ?s WHERE { ?s ?p ?label }", {"label": hostile})
    assert query_form(bound) == "SELECT"
    assert "DROP" not in [w for w in bound.split() if w == "DROP"] or '\\"' in bound


def test_from_graphs_expands_prefixed_names() -> None:
    q = "PREFIX ex: <http://ex/> SELECT * FROM <http://a/g> FROM NAMED ex:g2 FROM doc:x WHERE {}"
    assert from_graphs(q) == ["http://a/g", "http://ex/g2", "https://w3id.org/newskg/doc/x"]


# ---------------------------------------------------------------- formats


def test_csv_is_standard_sparql_csv(sample_file: Path) -> None:
    with open_graph(str(sample_file)) as g:
        out = run_query(
            g, "SELECT DISTINCT ?e ?l WHERE { ?e skos:prefLabel ?l FILTER(?l = 'FOES') }", "csv"
        )
    assert out == "e,l\r\nhttps://w3id.org/newskg/id/FOES,FOES\r\n"


def test_tsv_and_json(sample_file: Path) -> None:
    q = "SELECT DISTINCT ?e ?l WHERE { ?e skos:prefLabel ?l FILTER(?l = 'FOES') }"
    with open_graph(str(sample_file)) as g:
        assert run_query(g, q, "tsv") == '?e\t?l\n<https://w3id.org/newskg/id/FOES>\t"FOES"\n'
        doc = json.loads(run_query(g, q, "json"))
        assert doc["head"]["vars"] == ["e", "l"]
        assert doc["results"]["bindings"] == [
            {
                "e": {"type": "uri", "value": "https://w3id.org/newskg/id/FOES"},
                "l": {"type": "literal", "value": "FOES"},
            }
        ]
        assert json.loads(run_query(g, "ASK { ?s kg:trainsWith ?o }", "json")) == {
            "head": {},
            "boolean": True,
        }


def test_table_and_construct(sample_file: Path) -> None:
    with open_graph(str(sample_file)) as g:
        table = run_query(g, "SELECT DISTINCT ?l WHERE { id:FOES skos:prefLabel ?l }", "table")
        assert table.splitlines() == ["l", "----", "FOES", "(1 row)"]
        ttl = run_query(g, "CONSTRUCT { ?a kg:partOf ?b } WHERE { ?a kg:partOf ?b }", "table")
        assert "id:FOES kg:partOf id:Peruvian_Navy" in ttl


def test_update_is_refused(sample_file: Path) -> None:
    with open_graph(str(sample_file)) as g, pytest.raises(errors.QueryError, match="is an update"):
        run_query(g, "DELETE WHERE { ?s ?p ?o }")


# ---------------------------------------------------------------- saved queries


def test_every_saved_query_has_a_header_and_parses(sample_file: Path) -> None:
    saved = saved_queries()
    assert {
        "units-training-with-us",
        "units-training-with",
        "unit-membership",
        "meetings",
        "authorizations",
        "evidence",
        "corroboration",
        "documents",
    } <= set(saved)
    with open_graph(str(sample_file)) as g:
        for name, path in saved.items():
            text = path.read_text()
            header = [line for line in text.splitlines() if line.startswith("#")]
            assert any("Parameters" in line for line in header), name
            assert any("Usage" in line for line in header), name
            required = [f"{n}=x" for n, req in (declared_params(text) or {}).items() if req]
            run_query(g, text, "csv", parse_params(required), origin=str(path))  # parses, runs


def _csv(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_units_training_with_us(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rq = queries_dir() / "units-training-with-us.rq"
    assert main(["query", "--graph", str(sample_file), str(rq), "--format", "csv"]) == 0
    rows = _csv(capsys.readouterr().out)
    assert [(r["forceLabel"], r["usForceLabel"], r["documents"]) for r in rows] == [
        ("FOES", "U.S. Special Forces", "2")
    ]


def test_units_training_with_a_named_force(
    sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for force in ("U.S. Special Forces", "us special forces"):  # prefLabel, altLabel in any case
        args = [
            "query",
            "--graph",
            str(sample_file),
            "units-training-with",
            "--param",
            f"force={force}",
            "--format",
            "csv",
        ]
        assert main(args) == 0
        rows = _csv(capsys.readouterr().out)
        assert [(r["partnerLabel"], r["documents"]) for r in rows] == [("FOES", "2")]


def test_membership_meetings_authorizations(sample_file: Path) -> None:
    with open_graph(str(sample_file)) as g:
        units = _csv(run_query(g, read_query("unit-membership")[0], "csv"))
        assert [(r["unitLabel"], r["forceLabel"], r["countryLabel"]) for r in units] == [
            ("FOES", "Peruvian Navy", "Peru")
        ]
        met = _csv(run_query(g, read_query("meetings")[0], "csv"))
        assert {(r["aLabel"], r["bLabel"]) for r in met} == {("Hugo de Zela", "Christopher Landau")}
        auth = _csv(run_query(g, read_query("authorizations")[0], "csv"))
        assert [(r["bodyLabel"], r["bodyCountry"], r["agentLabel"], r["place"]) for r in auth] == [
            ("Congress of Peru", "Peru", "U.S. troops", "Peru")
        ]


def test_evidence_for_a_triple(sample_file: Path) -> None:
    with open_graph(str(sample_file)) as g:
        text = read_query("evidence")[0]
        params = parse_params(["subject=U.S. Special Forces", "property=trainsWith", "object=foes"])
        rows = _csv(run_query(g, text, "csv", params))
        assert {r["document"].rsplit("/", 1)[1] for r in rows} == {"doc-a", "doc-b"}
        assert all(r["predicate"] == "trainsWith" and r["objectLabel"] == "FOES" for r in rows)
        assert all("trained with" in r["sentence"] for r in rows)
        title = _csv(run_query(g, text, "csv", parse_params(["object=Foreign Minister"])))
        assert [(r["subjectLabel"], r["predicate"]) for r in title] == [
            ("Hugo de Zela", "hasTitle")
        ]


def test_cli_query_on_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s")
    with open_store(store) as s:
        s.replace_document(*doc_quads(make_extraction()))
    assert (
        main(
            [
                "query",
                "--store",
                store,
                "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:trainsWith ?o }",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == "n\r\n1\r\n"
    assert main(["query", "--store", store, "SELECT WHERE {"]) == 2
    assert capsys.readouterr().err.startswith(f"error: invalid SPARQL in {store}: ")
