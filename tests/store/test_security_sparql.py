# ruff: noqa: F811 - pytest fixtures are imported by name from the kit modules
"""SPARQL from untrusted hands: no outbound request, no update, no crash, no hang.

Rows of issue 7 covered here:
- ``SERVICE``, ``LOAD``, ``FROM <file:…>`` / ``FROM <http:…>`` -> rejected on every query path
  (Python API on both stores, ``kg query``, the HTTP endpoint) with a clear message; a listener on
  127.0.0.1 receives no connection; rdflib's ``SPARQL_LOAD_GRAPHS`` is off;
- deeply nested and huge queries -> a typed error, no crash, no raised recursion limit;
- expensive queries (cartesian products) -> timeout and row limit; the next query still works and
  the endpoint stays up.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_security_kit import Listener, listener, run_kg  # noqa: F401
from test_store_kit import (  # noqa: F401
    any_store,
    doc_quads,
    make_extraction,
    sparql_server,
    store_location,
)

from kg import errors
from kg.rdf import safety
from kg.store import open_store


def hostile_queries(url: str) -> list[tuple[str, str]]:
    """(what, query) pairs that would reach ``url`` or read a local file if they ran."""
    return [
        ("SERVICE", f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"),
        ("SERVICE", f"select * where {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}"),
        ("SERVICE", f"PREFIX e: <{url}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}"),
        (
            "SERVICE",
            f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}/> {{ ?a ?b ?c }} }} }}",
        ),
        (
            "SERVICE",
            f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }} }} }}",
        ),
        ("SERVICE", f"ASK {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}"),
        ("SERVICE", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}"),
        ("FROM", f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}"),
        ("FROM", f"SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("FROM", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
        ("LOAD", f"LOAD <{url}/data.ttl>"),
        ("LOAD", f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <http://x/g>"),
        ("update", "DROP ALL"),
        ("update", 'INSERT DATA { <http://x/a> <http://x/b> "c" }'),
        ("SERVICE", f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}"),
    ]


def _expected_message(what: str) -> tuple[str, ...]:
    """Accepted explanations (``kg query`` refuses LOAD as an update before parsing it)."""
    return {
        "SERVICE": ("kg never sends a query to another endpoint", "kg query only reads"),
        "LOAD": ("kg never fetches data from a query", "kg query only reads"),
        "FROM": ("a query may only name the store's own graphs",),
        "update": ("kg query only reads",),
    }[what]


def deep_query(levels: int) -> str:
    return "SELECT * WHERE { " + "{ " * levels + "?s ?p ?o" + " }" * levels + " }"


# ---------------------------------------------------------------- kg.rdf.safety.check_sparql


def test_check_sparql_finds_each_forbidden_form(listener: Listener) -> None:
    for what, query in hostile_queries(listener.url):
        with pytest.raises(errors.QueryError) as exc:
            safety.check_sparql(query, source="q.rq")
        message = str(exc.value)
        if what == "LOAD" or "LOAD" in query:
            assert "LOAD in q.rq" in message or "update" in message
        assert "q.rq" in message, message
    assert listener.connections() == 0


def test_forbidden_words_inside_strings_iris_and_names_are_data() -> None:
    ok = [
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { } LOAD DROP ALL" }',
        "SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE <http://127.0.0.1:9/>",
        "SELECT ?service ?load ?from WHERE { ?service ?load ?from }",
        "PREFIX kg: <https://w3id.org/newskg/ontology#> SELECT * WHERE { ?s kg:service ?o }",
        "SELECT * FROM <https://w3id.org/newskg/doc/a> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED doc:a WHERE { GRAPH ?g { ?s ?p ?o } }",
    ]
    for query in ok:
        assert safety.check_sparql(query) == "query", query


def test_the_exact_messages() -> None:
    with pytest.raises(errors.QueryError) as exc:
        safety.check_sparql("SELECT * WHERE { SERVICE <http://h/> { ?s ?p ?o } }", source="q.rq")
    assert str(exc.value) == (
        "query not allowed: SERVICE in q.rq: kg never sends a query to another endpoint. "
        "Query that endpoint directly, or load its data into the store."
    )
    with pytest.raises(errors.QueryError) as exc:
        safety.check_sparql("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", source="q.rq")
    assert str(exc.value) == (
        "query not allowed: FROM <file:///etc/passwd> in q.rq: a query may only name the store's "
        "own graphs (IRIs starting with https://w3id.org/newskg/). "
        "Remove the FROM clause to query the whole store."
    )
    with pytest.raises(errors.QueryError) as exc:
        safety.check_sparql(deep_query(50), source="q.rq")
    assert str(exc.value) == (
        "q.rq is too large or too deeply nested to run safely (nesting depth 51, limit 20). "
        "Split it into smaller queries."
    )


def test_unicode_escaped_keywords_are_seen_by_the_parser() -> None:
    # SPARQL processes \\u escapes before parsing; a text filter would miss "\\u0053ERVICE".
    with pytest.raises(errors.QueryError, match="SERVICE"):
        safety.check_sparql("SELECT * WHERE { \\u0053ERVICE <http://h/> { ?s ?p ?o } }")


# ---------------------------------------------------------------- every query path


def test_python_api_refuses_on_both_stores(any_store: object, listener: Listener) -> None:
    store = any_store
    store.replace_document(*doc_quads(make_extraction()))  # type: ignore[attr-defined]
    size = len(store)  # type: ignore[arg-type]
    for what, query in hostile_queries(listener.url):
        for method in ("query", "raw"):
            with pytest.raises(errors.QueryError) as exc:
                getattr(store, method)(query)
            assert any(m in str(exc.value) for m in _expected_message(what)), (query, exc.value)
    assert listener.connections() == 0
    assert len(store) == size  # type: ignore[arg-type]
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # type: ignore[attr-defined]


def test_kg_query_refuses(
    tmp_path: Path, listener: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    location = str(tmp_path / "s")
    with open_store(location) as store:
        store.replace_document(*doc_quads(make_extraction()))
    for what, query in hostile_queries(listener.url):
        code = main(["query", "--store", location, query])
        err = capsys.readouterr().err
        assert code == 2, query
        assert err.startswith("error: ") and "Traceback" not in err
        assert any(m in err for m in _expected_message(what)), (query, err)
    assert listener.connections() == 0


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[str]:
    """A ``kg serve`` endpoint over a small store, on a free port; yields its base URL."""
    from kg.views.serve import Server

    location = str(tmp_path / "s")
    with open_store(location) as store:
        for i in range(30):
            store.replace_document(*doc_quads(make_extraction(f"doc-{i}")))
    with Server(None, location, port=0, timeout=3.0, max_rows=500) as server:
        yield server.url


def _get(url: str, query: str, timeout: float = 30) -> tuple[int, str]:
    full = url + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(full, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def _post_update(url: str, update: str) -> int:
    request = urllib.request.Request(
        url + "/sparql", data=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_http_endpoint_refuses_with_4xx(endpoint: str, listener: Listener) -> None:
    for _what, query in hostile_queries(listener.url):
        status, body = _get(endpoint, query)
        assert 400 <= status < 500, (query, status, body)
        assert body.strip(), "the refusal says why"
        assert _post_update(endpoint, query) in (400, 403, 405, 415)
    assert listener.connections() == 0
    status, body = _get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["results"]["bindings"]


def test_rdflib_never_loads_from_graphs(listener: Listener, tmp_path: Path) -> None:
    import rdflib
    import rdflib.plugins.sparql as rsparql

    with open_store(str(tmp_path / "s")) as store:
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # any query path hardens rdflib
    assert rsparql.SPARQL_LOAD_GRAPHS is False
    # rdflib's own engine (used by pyshacl and notebooks) now treats FROM as a graph name only.
    rdflib.Dataset().query(f"SELECT * FROM <{listener.url}/x.ttl> WHERE {{ ?s ?p ?o }}")
    assert listener.connections() == 0


# ---------------------------------------------------------------- nesting and size


@pytest.mark.parametrize("levels", [30, 5000, 50000])
def test_deeply_nested_query_is_a_typed_error_not_a_crash(tmp_path: Path, levels: int) -> None:
    # pyoxigraph overflows its native stack (SIGSEGV) near 5,000 nested groups; rdflib's parser
    # hits the recursion limit near 40. Run in a subprocess so a crash fails the test, not pytest.
    location = str(tmp_path / "s")
    with open_store(location) as store:
        store.replace_document(*doc_quads(make_extraction()))
    query = tmp_path / "deep.rq"
    query.write_text(deep_query(levels), encoding="utf-8")
    proc = run_kg("query", "--store", location, str(query))
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert "too large or too deeply nested" in proc.stderr
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr


def test_deep_expression_and_huge_flat_queries_are_typed_errors(any_store: object) -> None:
    limit = sys.getrecursionlimit()
    parens = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }"
    flat = "SELECT * WHERE { " + " ".join(f"?s <http://x/p{i}> ?o{i} ." for i in range(3000)) + " }"
    # 200 patterns: 20 s of pyoxigraph join planning on an empty store, minutes on a real one
    wide = "SELECT * WHERE { " + " ".join(f"?s <http://x/p{i}> ?o{i} ." for i in range(200)) + " }"
    commas = "SELECT * WHERE { ?s ?p " + ", ".join(f"?o{i}" for i in range(200)) + " }"
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (safety.MAX_QUERY_CHARS + 1)
    for query in (parens, flat, wide, commas, huge):
        with pytest.raises(errors.QueryError, match="too large or too deeply nested"):
            any_store.query(query)  # type: ignore[attr-defined]
    assert sys.getrecursionlimit() == limit  # the defence is a limit, not a raised recursion cap


def test_http_endpoint_survives_a_crashing_query(endpoint: str) -> None:
    status, body = _get(endpoint, deep_query(5000))
    assert 400 <= status < 600 and status != 500, (status, body)
    status, _ = _get(endpoint, "ASK { ?s ?p ?o }")
    assert status == 200


# ---------------------------------------------------------------- expensive queries


CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_cartesian_product_hits_the_row_limit_or_timeout_and_the_endpoint_stays_up(
    endpoint: str,
) -> None:
    status, body = _get(endpoint, CARTESIAN, timeout=60)
    assert status in (400, 503), (status, body[:300])
    assert "LIMIT" in body or "timeout" in body
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, body = _get(endpoint, count, timeout=60)  # no rows to cap: only the timeout can stop it
    assert status == 503, (status, body[:300])
    assert "timeout" in body
    status, body = _get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] != "0"


def test_sparql_in_a_shapes_file_never_reaches_out(tmp_path: Path, listener: Listener) -> None:
    # SHACL-SPARQL constraints are queries too: kg validate --shapes FILE runs them with rdflib.
    from kg.store import load_file, write_quads
    from kg.views.validate import validate

    data = tmp_path / "g.trig"
    write_quads(doc_quads(make_extraction())[1], data)
    prefixes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix kg: <https://w3id.org/newskg/ontology#> .\n@prefix ex: <http://example.org/> .\n"
    )
    for n, select in enumerate(
        [
            f"SELECT $this WHERE {{ SERVICE <{listener.url}/sparql> {{ ?a ?b ?c }} }}",
            f"SELECT $this FROM <{listener.url}/x.ttl> WHERE {{ $this ?b ?c }}",
        ]
    ):
        shapes = tmp_path / f"shapes{n}.ttl"
        shapes.write_text(
            prefixes + "ex:S a sh:NodeShape ; sh:targetClass kg:MilitaryUnit ;\n"
            f'  sh:sparql [ sh:select """{select}""" ] .\n',
            encoding="utf-8",
        )
        with load_file(data) as source:
            try:
                validate(source, shapes=str(shapes))
            except errors.KGError as err:  # refused as a bad shapes file: fine, and clear
                assert str(shapes) in str(err)
    assert listener.connections() == 0
