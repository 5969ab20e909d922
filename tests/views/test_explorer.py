"""The explorer's pages over HTTP: search, entity, document; HTML escaped, JSON variants (issue 14).

The graph is ``tests/viz_sample.py``: three documents, a hostile label and hostile sentences, an
alias, a symmetric fact stated twice, a literal hasTitle.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
import viz_sample as sample
from test_explorer_kit import DATED_SENTENCE, dated_extraction

from kg.rdf import quads as graph
from kg.store import open_store
from kg.views.explorer.common import fold, highlight
from kg.views.serve import Server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    location = str(tmp_path_factory.mktemp("explorer") / "store")
    with open_store(location) as s:
        for ex in [*sample.extractions(), dated_extraction()]:
            s.replace_document(graph.document_iri(ex.document.id), list(graph.extraction_quads(ex)))
    with Server(None, location, port=0, timeout=10, workers=1) as srv:
        yield srv


def _get(server: Server, path: str, accept: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(server.url + path, headers={"Accept": accept or "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read().decode("utf-8")


def _json(server: Server, path: str) -> dict:
    status, ctype, body = _get(server, path, "application/json")
    assert (status, ctype) == (200, "application/json; charset=utf-8")
    return json.loads(body)


def test_search_by_alias_without_accents_or_case(server: Server) -> None:
    data = _json(server, "/search?q=naval+SPECIAL")
    assert [r["label"] for r in data["results"]] == ["FOES"]
    assert data["results"][0]["matched"] == "Naval Special Operations Forces"
    assert data["results"][0]["classes"] == ["MilitaryUnit"]
    assert data["results"][0]["documents"] == 3  # peru-1, peru-2, dated-1
    data = _json(server, "/search?q=" + urllib.parse.quote("hugo de zelá"))
    assert [r["slug"] for r in data["results"]] == ["Hugo_de_Zela"]
    assert _json(server, "/search?q=zzzz")["total"] == 0


def test_entity_page_has_facts_evidence_and_corroboration(server: Server) -> None:
    data = _json(server, "/entity/FOES")
    assert data["label"] == "FOES" and data["aliases"] == ["Naval Special Operations Forces"]
    facts = {
        (f["subject"]["label"], f["property"], f["object"]["label"]): f
        for g in data["groups"]
        for f in g["facts"]
    }
    # a symmetric fact, stated both ways by three documents: its entities in IRI order
    train = facts[("FOES", "trainsWith", "U.S. Special Forces")]
    assert train["documents"] == 3 and train["confidence"] == 0.92
    evidence = train["evidence"][0]
    assert evidence["sentence"] == sample.TRAIN_SENTENCE
    assert evidence["doc"]["title"] == sample.SCRIPT_TITLE
    assert evidence["doc"]["date"] == "2026-01-10" and evidence["modality"] == "asserted"
    assert ("FOES", True) in [tuple(s) for s in evidence["segments"]]


def test_entity_page_html_escapes_hostile_text(server: Server) -> None:
    status, ctype, page = _get(server, "/entity/Intruder")
    assert (status, ctype) == (200, "text/html; charset=utf-8")
    assert sample.XSS_LABEL not in page  # only escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page.replace('<script src="/static/', "")
    status, _, page = _get(server, "/entity/US_Special_Forces")
    assert "&lt;b&gt;last week&lt;/b&gt;" in page and "<b>last week" not in page
    assert "Peru hosts &lt;script&gt;" in page


def test_document_page_lists_sentences_and_facts(server: Server) -> None:
    data = _json(server, "/document/peru-1")
    assert data["title"] == sample.SCRIPT_TITLE and data["date"] == "2026-01-10"
    texts = [s["text"] for s in data["sentences"]]
    assert sample.TRAIN_SENTENCE in texts
    facts = [(f["subject"]["slug"], f["property"]) for s in data["sentences"] for f in s["facts"]]
    assert ("US_Special_Forces", "trainsWith") in facts and ("Hugo_de_Zela", "hasTitle") in facts
    status, _, page = _get(server, "/document/peru-1")
    assert status == 200 and 'href="/entity/FOES"' in page


def test_unknown_entity_and_document_are_404_pages(server: Server) -> None:
    status, ctype, page = _get(server, "/entity/Nobody")
    assert status == 404 and ctype.startswith("text/html") and "no entity &#39;Nobody&#39;" in page
    status, _, _ = _get(server, "/document/none")
    assert status == 404
    status, _, body = _get(server, "/search?q=x&page=zero")
    assert (status, body.strip()) == (400, "invalid page 'zero': give a number from 1")


def test_pages_carry_a_strict_csp(server: Server) -> None:
    request = urllib.request.Request(server.url + "/entity/FOES")
    with urllib.request.urlopen(request, timeout=30) as resp:
        csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'none'" in csp


def test_timeline_lists_dated_facts_and_publications(server: Server) -> None:
    data = _json(server, "/timeline")
    dates = [(i["date"], i["kind"]) for i in data["items"]]
    assert dates[:2] == [("2026-03-05", "published"), ("2026-03-03", "event")]
    event = data["items"][1]
    assert (event["subject"]["slug"], event["property"], event["object"]["slug"]) == (
        "FOES",
        "trainsWith",
        "US_Special_Forces",
    )
    assert event["sentence"] == DATED_SENTENCE and event["doc"]["title"] == "Dated drill"
    only = _json(server, "/timeline?entity=Hugo_de_Zela")
    assert [(i["date"], i["kind"]) for i in only["items"]] == [("2026-01-10", "published")]
    assert _get(server, "/timeline?entity=Nobody")[0] == 404


def test_saved_query_as_a_form_with_links_and_downloads(server: Server) -> None:
    status, _, page = _get(server, "/query")
    assert status == 200 and 'href="/query?name=units-training-with"' in page
    status, _, page = _get(server, "/query?name=units-training-with")
    assert 'name="p.force"' in page and "required" in page
    status, _, page = _get(server, "/query?name=units-training-with&run=1&p.force=foes")
    assert status == 200 and 'href="/entity/US_Special_Forces"' in page
    link = page.split('id="download-csv" download="result.csv" href="')[1].split('"')[0]
    status, ctype, csv = _get(server, link.replace("&amp;", "&"))
    assert (status, ctype.split(";")[0]) == (200, "text/csv")
    assert "https://w3id.org/newskg/id/US_Special_Forces" in csv
    status, _, page = _get(server, "/query?name=units-training-with&run=1&p.force=")
    assert "give a value for force" in page
    assert _get(server, "/query?name=nope")[0] == 404


def test_fold_and_highlight() -> None:
    assert fold("Hernán ÖSPINA") == "hernan ospina"
    assert highlight("The FOES of Peru.", ["foes", "Peru"]) == [
        ("The ", False),
        ("FOES", True),
        (" of ", False),
        ("Peru", True),
        (".", False),
    ]
    assert highlight("<b>xy</b>", ["XY"]) == [("<b>", False), ("xy", True), ("</b>", False)]
    assert highlight("Colombian Navy of Colombia", ["Colombia"]) == [
        ("Colombian Navy of ", False),
        ("Colombia", True),
    ]
