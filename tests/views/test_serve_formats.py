"""kg serve speaks every format SPARQLWrapper asks for, for every query form (issue 12, item 5).

SPARQLWrapper sends ``format=``, ``output=`` and ``results=`` with one short name whatever the
query form, plus an ``Accept`` header; each of its nine return formats is tried for SELECT, ASK,
CONSTRUCT and DESCRIBE, by GET and by POST. N-Quads and TriG answer CONSTRUCT when asked.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from test_store_kit import doc_quads, make_extraction

from kg.store import open_store
from kg.views.formats import choose
from kg.views.serve import Server

sw = pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is the test client")

LIMA = "https://w3id.org/newskg/id/Lima"
QUERIES = {
    "SELECT": "SELECT ?o WHERE { id:FOES kg:basedIn ?o }",
    "ASK": "ASK { id:FOES kg:basedIn id:Lima }",
    "CONSTRUCT": "CONSTRUCT { ?a kg:basedIn ?b } WHERE { ?a kg:basedIn ?b }",
    "DESCRIBE": "DESCRIBE id:Lima",
}
RESULTS = "application/sparql-results+"
# (form, SPARQLWrapper format) → media type of the answer; the formats SPARQLWrapper cannot ask
# for with this form (it sends Accept: */* and warns) get the form's default
EXPECTED = {
    **{
        (form, fmt): media
        for form in ("SELECT", "ASK")
        for fmt, media in {
            "xml": RESULTS + "xml",
            "json": RESULTS + "json",
            "csv": "text/csv",
            "tsv": "text/tab-separated-values",
            "turtle": RESULTS + "json",
            "n3": RESULTS + "json",
            "rdf": RESULTS + "json",
            "rdf+xml": RESULTS + "json",
            "json-ld": RESULTS + "json",
        }.items()
    },
    **{
        (form, fmt): media
        for form in ("CONSTRUCT", "DESCRIBE")
        for fmt, media in {
            "xml": "application/rdf+xml",
            "rdf": "application/rdf+xml",
            "rdf+xml": "application/rdf+xml",
            "json": "application/ld+json",
            "json-ld": "application/ld+json",
            "turtle": "text/turtle",
            "n3": "text/turtle",
            "csv": "text/turtle",
            "tsv": "text/turtle",
        }.items()
    },
}


# what SPARQLWrapper itself offers per form (it sends a precise Accept for these)
NATURAL = {(f, x) for f in ("SELECT", "ASK") for x in ("xml", "json", "csv", "tsv")} | {
    (f, x) for f in ("CONSTRUCT", "DESCRIBE") for x in ("xml", "rdf+xml", "json-ld", "turtle", "n3")
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    location = str(tmp_path_factory.mktemp("formats") / "store")
    with open_store(location) as s:
        s.replace_document(*doc_quads(make_extraction("doc-a")))
    with Server(None, location, port=0, timeout=10) as srv:
        yield srv


def _as_text(value: Any) -> str:
    """The converted result of SPARQLWrapper as text, whatever its type."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        import json

        return json.dumps(value)
    if hasattr(value, "toxml"):  # xml.dom
        return str(value.toxml())
    return str(value.serialize(format="nt"))  # rdflib graph


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("form", "fmt"), sorted(EXPECTED))
def test_every_sparqlwrapper_return_format(
    server: Server, form: str, fmt: str, method: str
) -> None:
    client = sw.SPARQLWrapper(server.url + "/sparql")
    client.setQuery(QUERIES[form])
    client.setMethod(getattr(sw, method))
    client.setReturnFormat(fmt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = client.query()
        media = result.info()["content-type"].split(";")[0]
        converted = result.convert()
    assert media == EXPECTED[form, fmt]
    if (form, fmt) in NATURAL:  # a format SPARQLWrapper supports for this form: no complaint
        assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []
    text = _as_text(converted)
    if form == "ASK":
        assert "true" in text
    else:
        assert LIMA in text or "<id:Lima>" in text or "id:Lima" in text
    if media == "text/turtle":
        from rdflib import Graph

        assert len(Graph().parse(data=text, format="turtle")) > 0


def _get(server: Server, query: str, accept: str | None = None, **params: str) -> tuple:
    url = f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query, **params})
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.headers["Content-Type"].split(";")[0], resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"].split(";")[0], err.read()


@pytest.mark.parametrize(
    ("accept", "params", "media", "rdflib_format"),
    [
        ("application/n-quads", {}, "application/n-quads", "nquads"),
        (None, {"format": "nquads"}, "application/n-quads", "nquads"),
        ("application/trig", {}, "application/trig", "trig"),
        (None, {"output": "trig"}, "application/trig", "trig"),
        ("application/json", {}, "application/json", "json-ld"),
        ("text/n3", {}, "text/n3", "turtle"),
    ],
)
def test_construct_as_nquads_trig_and_more(
    server: Server, accept: str | None, params: dict[str, str], media: str, rdflib_format: str
) -> None:
    from rdflib import Dataset, URIRef

    status, got, body = _get(server, QUERIES["CONSTRUCT"], accept, **params)
    assert (status, got) == (200, media)
    data = Dataset()
    data.parse(data=body.decode(), format=rdflib_format)
    assert (
        URIRef("https://w3id.org/newskg/id/FOES"),
        URIRef("https://w3id.org/newskg/ontology#basedIn"),
        URIRef(LIMA),
    ) in data.default_graph  # the constructed triples are in the default graph


def test_an_unknown_format_is_406_with_the_names(server: Server) -> None:
    status, _, body = _get(server, QUERIES["SELECT"], format="png")
    assert status == 406
    assert body.decode().strip() == (
        "unknown format 'png': use json, xml, csv or tsv (SELECT, ASK), turtle, n3, nt, json-ld, "
        "rdf+xml, nquads or trig (CONSTRUCT, DESCRIBE), or a media type"
    )


@pytest.mark.parametrize(
    ("params", "accept", "form", "media"),
    [
        ({"format": ["xml"]}, "", "SELECT", RESULTS + "xml"),
        ({"format": ["xml"]}, "", "CONSTRUCT", "application/rdf+xml"),
        ({"output": ["json"]}, "", "DESCRIBE", "application/ld+json"),
        ({"format": ["tsv", "text/tab-separated-values"]}, "", "ASK", "text/tab-separated-values"),
        ({"format": ["csv"]}, "application/n-triples", "CONSTRUCT", "application/n-triples"),
        ({"results": ["text/csv"]}, "", "SELECT", "text/csv"),
        ({}, "application/sparql-results+xml;q=0.2, text/csv", "SELECT", "text/csv"),
        ({}, "text/*", "CONSTRUCT", "text/turtle"),
        ({}, "", "ASK", RESULTS + "json"),
    ],
)
def test_choose(params: dict[str, list[str]], accept: str, form: str, media: str) -> None:
    assert choose(params, accept, form) == media
