"""HTML/JS in labels, titles and sentences is shown as text, in the network page and the query page.

Row of issue 7: HTML/JS in labels, titles and tooltips (``<img src=x onerror=…>``, ``javascript:``
links, text containing "href") -> shown as text; only http(s) links. The real-browser check (the
label renders as text and runs nothing) is ``tests/views/test_browser.py`` (viz helper); these tests
check the generated markup without a browser, with more payloads.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from strategies import INJECTION_NAMES

from kg.rdf import quads as graph
from kg.rdf import terms
from kg.records import Document, Entity, Evidence, Extraction, Relation

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "<!-- <script>alert(3)</script> -->",
    "<svg onload=alert(4)>",
    '" onmouseover="alert(5)" x="',
    "javascript:alert(6)",
    'see <a href="javascript:alert(7)">here</a>',
    "{{ 7*7 }} {% raw %}",
    "\u2028</script>\u2029",
]


def hostile_extraction() -> Extraction:
    names = PAYLOADS + [n for n in INJECTION_NAMES if n not in PAYLOADS]
    sentence = " ".join(PAYLOADS)
    doc = Document(
        "xss", sentence, "javascript:alert(8)", title=PAYLOADS[1], published="2026-01-02"
    )
    ev = Evidence("xss", sentence, 0, len(sentence), "test.rule.v1", 0.9, "reported", PAYLOADS[0])
    entities = [Entity(f"n{i}", "Organization", n, {n + " href"}) for i, n in enumerate(names)]
    relations = [
        Relation(f"n{i}", "cooperatesWith", f"n{i + 1}", ev) for i in range(len(names) - 1)
    ]
    relations.append(Relation("n0", "hasTitle", PAYLOADS[6], ev, literal=True))
    return Extraction(doc, entities, relations)


def _outside_scripts(page: str) -> str:
    return re.sub(r"(<script\b[^>]*>)(.*?)(</script>)", r"\1\3", page, flags=re.S | re.I)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    from kg.views.viz import write_html

    out = tmp_path_factory.mktemp("viz") / "graph.html"
    write_html(graph.to_dataset([hostile_extraction()]), out, title=PAYLOADS[0])
    return out.read_text(encoding="utf-8")


def test_no_payload_becomes_markup_in_the_network_page(page: str) -> None:
    markup = _outside_scripts(page)
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in markup, payload
    assert not re.search(r"<(?:img|iframe|object|embed|form|base|link)\b", markup, re.I)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", markup, re.I)  # no inline handlers


def test_only_the_page_own_scripts_exist(page: str) -> None:
    markup = _outside_scripts(page)  # vis-network's own code contains the string "<script>"
    tags = re.findall(r"<script\b[^>]*>", markup, re.I)
    assert len(tags) == len(re.findall(r"</script>", markup, re.I))
    assert sum(1 for t in tags if 'id="kg-data"' in t) == 1
    assert len(tags) <= 4


def test_labels_arrive_verbatim_as_data(page: str) -> None:
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert m
    assert "</" not in m.group(1)  # the data block cannot close its own script element
    text = json.dumps(json.loads(m.group(1)), ensure_ascii=False)
    for payload in PAYLOADS[:7]:
        assert json.dumps(terms.clean_text(payload), ensure_ascii=False)[1:-1] in text, payload


def test_no_javascript_links(page: str) -> None:
    refs = re.findall(r"""\b(?:href|src|action|formaction)\s*=\s*["']?\s*([^"'\s>]*)""", page, re.I)
    assert not [
        r for r in refs if r.lower().startswith(("javascript:", "data:text/html", "vbscript:"))
    ]


def test_serve_query_page_escapes_results(tmp_path: Path) -> None:
    from kg.store import open_store
    from kg.views.serve import Server

    location = str(tmp_path / "s")
    ex = hostile_extraction()
    with open_store(location) as store:
        store.replace_document(terms.document_iri("xss"), graph.extraction_quads(ex))
    query = "SELECT ?label WHERE { ?e skos:prefLabel ?label }"
    with Server(None, location, port=0, timeout=10) as server:
        url = server.url + "/?" + urllib.parse.urlencode({"query": query})
        with urllib.request.urlopen(url, timeout=30) as resp:
            body = resp.read().decode("utf-8")
    markup = _outside_scripts(body)
    assert "&lt;img src=x onerror=alert(1)&gt;" in body  # shown, as text
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in markup, payload
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", markup, re.I)
