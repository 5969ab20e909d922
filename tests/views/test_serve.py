"""kg serve: a read-only SPARQL 1.1 Protocol endpoint, used through real clients."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_store_kit import doc_quads, make_extraction

from kg.rdf import terms
from kg.store import open_store
from kg.views.formats import negotiate
from kg.views.serve import Server

DOC_A = str(terms.document_iri("doc-a"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = str(tmp_path_factory.mktemp("serve") / "store")
    evil = make_extraction(
        "doc-b",
        text="<script>alert(1)</script> trained with FOES.",
        entities=[
            ("Evil", "Organization", "<script>alert(1)</script>", set()),
            ("FOES", "MilitaryUnit", "FOES", set()),
        ],
        relations=[("Evil", "trainsWith", "FOES")],
    )
    with open_store(store) as s:
        for ex in (make_extraction("doc-a"), evil):
            s.replace_document(*doc_quads(ex))
    with Server(None, store, port=0, timeout=3.0, max_rows=50) as srv:
        yield srv


def _get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def _query_url(server: Server, query: str, **extra: str) -> str:
    return f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query, **extra})


def test_sparqlwrapper_select_json_and_csv(server: Server) -> None:
    sw_mod = pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is the test client")
    sw = sw_mod.SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(
        "SELECT DISTINCT ?l WHERE { ?e kg:trainsWith id:FOES ; skos:prefLabel ?l } ORDER BY ?l"
    )
    for method in (sw_mod.GET, sw_mod.POST):
        sw.setMethod(method)
        sw.setReturnFormat(sw_mod.JSON)
        result = sw.query().convert()
        assert [b["l"]["value"] for b in result["results"]["bindings"]] == [
            "<script>alert(1)</script>",
            "U.S. Special Forces",
        ]
    sw.setReturnFormat(sw_mod.CSV)
    assert sw.query().convert() == b"l\r\n<script>alert(1)</script>\r\nU.S. Special Forces\r\n"
    sw.setReturnFormat(sw_mod.XML)
    xml = sw.query().convert()
    assert xml.getElementsByTagName("literal")[1].firstChild.data == "U.S. Special Forces"


def test_sparqlwrapper_construct_and_ask(server: Server) -> None:
    sw_mod = pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is the test client")
    sw = sw_mod.SPARQLWrapper(server.url + "/sparql")
    sw.setQuery("CONSTRUCT { ?a kg:basedIn ?b } WHERE { ?a kg:basedIn ?b }")
    sw.setReturnFormat(sw_mod.TURTLE)
    assert b"id:FOES kg:basedIn id:Lima" in sw.query().convert()
    sw.setQuery("ASK { id:FOES kg:basedIn id:Lima }")
    sw.setReturnFormat(sw_mod.JSON)
    assert sw.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_as_a_client(server: Server) -> None:
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = Graph(store=SPARQLStore(server.url + "/sparql"))
    rows = list(
        g.query(
            "SELECT ?o WHERE { <https://w3id.org/newskg/id/FOES> "
            "<https://w3id.org/newskg/ontology#basedIn> ?o }"
        )
    )
    assert [r[0] for r in rows] == [URIRef(terms.entity_iri("Lima"))]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0.5, text/csv;q=0.9", "text/csv"),
        ("*/*", "application/sparql-results+json"),
        (None, "application/sparql-results+json"),
    ],
)
def test_content_negotiation_select(server: Server, accept: str | None, expected: str) -> None:
    status, ctype, _ = _get(_query_url(server, "SELECT * WHERE { ?s kg:basedIn ?o }"), accept)
    assert status == 200
    assert ctype.split(";")[0] == expected


def test_content_negotiation_graphs_and_406(server: Server) -> None:
    q = "CONSTRUCT WHERE { ?s kg:basedIn ?o }"
    for accept, expected in [
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        (None, "text/turtle"),
    ]:
        status, ctype, body = _get(_query_url(server, q), accept)
        assert (status, ctype.split(";")[0]) == (200, expected)
    status, _, body = _get(_query_url(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1"), "image/png")
    assert status == 406
    assert negotiate("text/*", "CONSTRUCT") == "text/turtle"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            403,
            "SERVICE is not allowed: this endpoint queries only its own store",
        ),
        (
            "SELECT * FROM <http://elsewhere.example/g> WHERE { ?s ?p ?o }",
            403,
            "FROM <http://elsewhere.example/g> names a graph that is not in this store",
        ),
        (
            "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
            403,
            "FROM <file:///etc/passwd> names a graph that is not in this store",
        ),
        ("DROP ALL", 403, "updates are not allowed: this endpoint is read-only"),
        (
            "LOAD <http://127.0.0.1:9/x.ttl>",
            403,
            "updates are not allowed: this endpoint is read-only",
        ),
        ("SELECT * WHERE { ?s ?p ?o }", 400, "the result has more than 50 rows: add a LIMIT"),
    ],
)
def test_refusals_are_4xx_with_a_message(
    server: Server, query: str, status: int, message: str
) -> None:
    got, _, body = _get(_query_url(server, query))
    assert (got, body.decode().strip()) == (status, message)


def test_malformed_query_is_400(server: Server) -> None:
    status, _, body = _get(_query_url(server, "SELECT ?x WHERE { ?x"))
    assert status == 400
    assert body.decode().startswith("invalid SPARQL")


def test_from_a_graph_of_the_store_is_allowed(server: Server) -> None:
    q = f"SELECT (COUNT(DISTINCT ?e) AS ?n) FROM <{DOC_A}> WHERE {{ ?e skos:prefLabel ?l }}"
    status, _, body = _get(_query_url(server, q), "text/csv")
    assert (status, body) == (200, b"n\r\n4\r\n")


def test_updates_by_post_are_refused(server: Server) -> None:
    for body, ctype in [
        (b"DROP ALL", "application/sparql-update"),
        (b"update=DROP+ALL", "application/x-www-form-urlencoded"),
    ]:
        req = urllib.request.Request(
            server.url + "/sparql", data=body, headers={"Content-Type": ctype}
        )
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=30)
        assert exc.value.code == 403
    status, _, _ = _get(_query_url(server, "ASK { id:FOES ?p ?o }"))
    assert status == 200  # still there


def test_timeout_stops_a_runaway_query_and_the_server_recovers(server: Server) -> None:
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
        "?m ?n1 ?o . ?p ?q ?r }"
    )
    status, _, body = _get(_query_url(server, runaway))
    assert (status, body.decode().strip()) == (
        503,
        "the query ran longer than the 3 s timeout and was stopped",
    )
    status, _, _ = _get(_query_url(server, "ASK { ?s ?p ?o }"))
    assert status == 200


def test_html_page_escapes_data_and_query(server: Server) -> None:
    status, ctype, body = _get(server.url + "/")
    assert status == 200 and ctype.startswith("text/html")
    q = "SELECT ?l WHERE { ?e skos:prefLabel ?l FILTER(CONTAINS(?l, '<script>')) }"
    status, _, body = _get(server.url + "/?" + urllib.parse.urlencode({"query": q}))
    page = body.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    status, _, body = _get(server.url + "/?" + urllib.parse.urlencode({"query": "DROP ALL"}))
    assert "updates are not allowed" in body.decode()


def test_new_documents_become_visible(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    open_store(store).close()
    with Server(None, store, port=0, timeout=10, workers=1) as srv:
        q = _query_url(srv, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert _get(q, "text/csv")[2] == b"n\r\n0\r\n"
        # the server holds no write lock: a build can commit while it runs
        with open_store(store) as s:
            s.replace_document(*doc_quads(make_extraction()))
        assert _get(q, "text/csv")[2] == b"n\r\n1\r\n"


def test_listens_on_loopback_by_default(server: Server) -> None:
    assert server.address[0] == "127.0.0.1"


def test_a_taken_port_names_the_parameter_and_the_cli_its_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from kg import errors
    from kg.cli import main

    store = str(tmp_path / "store")
    with open_store(store) as s:
        s.replace_document(*doc_quads(make_extraction("doc-a")))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(errors.ArgumentError) as exc:
            Server(None, store, port=port, workers=1)
        assert exc.value.message == (
            f"cannot listen on 127.0.0.1:{port}: Address already in use. Pick another port."
        )
        assert main(["serve", "--store", store, "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use. Pick another --port.\n"
    )
