"""Document metadata from every input kind: author and canonical URL, down to the graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.ingest import IngestOptions, iter_documents
from kg.ingest.items import url_id
from kg.ingest.jsonl import parse_fields
from kg.rdf import quads as graph
from kg.rdf import terms
from kg.records import Document, Extraction

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Navies of Peru and Chile train off Callao | Example News</title>
<link rel="canonical" href="https://news.example.org/2026/11/navies-train/?utm_source=feed#top">
<meta name="author" content="Ana Torres">
<meta property="article:published_time" content="2026-11-20T09:00:00Z">
</head><body><nav><a href="/">Home</a></nav>
<article><h1>Navies of Peru and Chile train off Callao</h1>
<p>The Peruvian Navy trained with the Chilean Navy off Callao on Thursday, the ministry said in
a statement issued in Lima late in the evening.</p>
<p>Four frigates and two submarines from both countries took part in the exercise, which ends
next week with a joint search and rescue drill near the port.</p>
</article><footer>Copyright Example News.</footer></body></html>"""


def _quads(doc: Document) -> set[tuple[object, object, object]]:
    return {(s, p, o) for s, p, o, _ in graph.extraction_quads(Extraction(doc, [], []))}


def test_html_page_gives_author_and_canonical_url_in_the_document_graph(tmp_path: Path) -> None:
    f = tmp_path / "saved.html"
    f.write_text(PAGE, encoding="utf-8")
    (doc,) = iter_documents([str(f)])
    assert doc.author == "Ana Torres"
    # tracking parameter, fragment and trailing slash dropped: the canonical form
    assert doc.url == "https://news.example.org/2026/11/navies-train"
    assert doc.id == url_id(doc.url)  # the stable id still comes from the canonical URL
    g = terms.document_iri(doc.id)
    quads = _quads(doc)
    assert (g, DCTERMS.creator, Literal("Ana Torres")) in quads
    assert (g, terms.SCHEMA.url, URIRef("https://news.example.org/2026/11/navies-train")) in quads
    assert (g, DCTERMS.source, Literal(str(f))) in quads  # where it was read stays the source


def test_same_page_saved_twice_keeps_its_id_and_is_one_story(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.html").write_text(
        PAGE.replace("?utm_source=feed#top", "").replace("late in the", "in the"), "utf-8"
    )
    skipped: list = []
    (doc,) = iter_documents([str(tmp_path)], on_skip=skipped.append)
    assert doc.id == url_id("https://news.example.org/2026/11/navies-train")
    assert [s.reason for s in skipped] == [f"duplicate of {tmp_path / 'a.html'}"]


def test_small_page_keeps_its_author_and_date_without_trafilatura(tmp_path: Path) -> None:
    f = tmp_path / "tiny.htm"
    f.write_text(
        '<html><head><title>T</title><meta name="author" content="  Luis  Paz ">'
        '<meta property="article:published_time" content="2026-11-19">'
        "</head><body><p>One short line.</p></body></html>",
        encoding="utf-8",
    )
    (doc,) = iter_documents([str(f)])
    assert (doc.text, doc.author, doc.published, doc.url) == (
        "One short line.",
        "Luis Paz",
        "2026-11-19",
        None,
    )


def test_rss_and_atom_items_give_link_and_author(tmp_path: Path) -> None:
    rss = tmp_path / "wire.rss"
    rss.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Wire</title>'
        "<item><title>One</title><link>https://wire.example.net/one?utm_medium=rss</link>"
        "<dc:creator>Marta Ruiz</dc:creator><description>The Army trained.</description></item>"
        "<item><title>Two</title><link>https://wire.example.net/two</link>"
        "<description>The Navy sailed.</description></item></channel></rss>",
        encoding="utf-8",
    )
    atom = tmp_path / "other.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Other</title><id>urn:o</id><updated>2026-11-20T00:00:00Z</updated>"
        '<entry><title>Three</title><link href="https://other.example.com/three"/><id>urn:3</id>'
        "<updated>2026-11-20T08:00:00Z</updated><author><name>Ken Ito</name></author>"
        "<author><name>Ada Obi</name></author><summary>Marines landed.</summary></entry></feed>",
        encoding="utf-8",
    )
    docs = list(iter_documents([str(rss), str(atom)]))
    assert [(d.url, d.author) for d in docs] == [
        ("https://wire.example.net/one", "Marta Ruiz"),
        ("https://wire.example.net/two", None),
        ("https://other.example.com/three", "Ken Ito; Ada Obi"),
    ]
    creators = {o for _, p, o in _quads(docs[2]) if p == DCTERMS.creator}
    assert creators == {Literal("Ken Ito"), Literal("Ada Obi")}  # one literal per author


def test_jsonl_url_and_author_fields(tmp_path: Path) -> None:
    f = tmp_path / "archive.jsonl"
    rows = [
        {"id": "a-1", "text": "The Army trained.", "url": "https://x.example/a-1", "author": "Bo"},
        {"id": "a-2", "text": "The Navy sailed.", "author": ["Cy", {"name": "Di"}]},
        {"id": "a-3", "text": "Marines landed.", "url": "ftp://x.example/a-3", "author": 7},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    docs = list(iter_documents([str(f)]))
    assert [(d.url, d.author) for d in docs] == [
        ("https://x.example/a-1", "Bo"),
        (None, "Cy; Di"),
        (None, None),  # not an http(s) URL, not a name
    ]
    # the URL names an article; an archive's own id gets the text's hash (unique in any store)
    assert docs[0].id == url_id("https://x.example/a-1")
    assert [d.id for d in docs[1:]] == [f"a-2-{docs[1].sha256[:8]}", f"a-3-{docs[2].sha256[:8]}"]


def test_jsonl_author_field_name_is_configurable(tmp_path: Path) -> None:
    f = tmp_path / "a.ndjson"
    row = {"guid": "g1", "body": "Some body text.", "link": "https://x.example/g1", "by": "Eve"}
    f.write_text(json.dumps(row) + "\n", "utf-8")
    fields = parse_fields(["id=guid", "text=body", "url=link", "author=by"])
    (doc,) = iter_documents([str(f)], options=IngestOptions(jsonl_fields=fields))
    assert (doc.id, doc.url, doc.author) == (
        url_id("https://x.example/g1"),
        "https://x.example/g1",
        "Eve",
    )


def test_plain_text_has_no_author_or_url(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Headline\n\nThe Army trained.\n", "utf-8")
    (doc,) = iter_documents([str(tmp_path)])
    assert (doc.author, doc.url) == (None, None)
    assert not {p for _, p, _ in _quads(doc)} & {DCTERMS.creator, terms.SCHEMA.url}


@pytest.mark.slow
def test_built_page_has_author_url_and_dated_training_and_conforms(tmp_path: Path) -> None:
    from kg.rdf.vocab import KG
    from kg.run.build import build
    from kg.store import open_graph
    from kg.views.validate import validate

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "navies.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "g.trig"
    report = build([str(tmp_path / "in")], output=out)
    assert report.count("ok") == 1
    g = Dataset().parse(str(out), format="trig")
    doc = terms.document_iri(url_id("https://news.example.org/2026/11/navies-train"))
    triples = {(s, p, o) for s, p, o, _ in g.quads()}
    assert (doc, DCTERMS.creator, Literal("Ana Torres")) in triples
    assert (
        doc,
        terms.SCHEMA.url,
        URIRef("https://news.example.org/2026/11/navies-train"),
    ) in triples
    # "trained with the Chilean Navy off Callao on Thursday", published Friday 2026-11-20
    dates = {o for _, p, o in triples if p == KG.eventDate}
    assert Literal("2026-11-19", datatype=XSD.date) in dates
    with open_graph(str(out)) as store:
        result = validate(store)
    assert result.conforms, result.report
