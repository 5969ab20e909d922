"""The explorer's lists page (issue 14): an entity's facts by property, search, the timeline.

The graph is a hub (``test_explorer_kit.hub_extractions``): 61 trainsWith partners, a partOf
each way, ten partners named in more documents than the rest. An entity's first page shows the
first ``FACTS_PER_PROPERTY`` facts of each property with its total and a link to the property's
pages (``?property=NAME&page=N``); JSON and HTML carry the same pages, totals and links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_explorer_kit import (
    HOSTILE_PARTNER,
    HUB_PARTNERS,
    get_json,
    get_page,
    hub_extractions,
    open_views,
)

from kg.rdf import quads as graph
from kg.rdf.vocab import PROPERTIES
from kg.store import open_graph, open_store
from kg.views.explorer import entity as entity_module
from kg.views.explorer import render
from kg.views.explorer.common import FACTS_PER_PROPERTY, PAGE_SIZE
from kg.views.explorer.data import Views
from kg.views.serve import Server

ALL_PARTNERS = [*HUB_PARTNERS, "Sneaky"]


def _write(location: str) -> None:
    with open_store(location) as s:
        for ex in hub_extractions():
            s.replace_document(graph.document_iri(ex.document.id), list(graph.extraction_quads(ex)))


@pytest.fixture(scope="module")
def location(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("explorer-paging") / "store")
    _write(location)
    return location


@pytest.fixture(scope="module")
def server(location: str) -> Iterator[Server]:
    with Server(None, location, port=0, timeout=60, workers=1) as srv:
        yield srv


@pytest.fixture(scope="module")
def views(location: str) -> Iterator[Views]:
    with open_views(location) as found:
        yield found


def _partners(group: dict[str, Any]) -> list[str]:
    return [f["object"]["slug"] for f in group["facts"]]


def _group(data: dict[str, Any], prop: str) -> dict[str, Any]:
    (found,) = [g for g in data["groups"] if g["property"] == prop]
    return found


# the partners named in the most documents first, then by label ("<b>Sneaky…" sorts first)
EXPECTED_ORDER = HUB_PARTNERS[:10] + ["Sneaky"] + HUB_PARTNERS[10:]


def test_the_first_page_shows_the_first_facts_of_each_property_with_totals(
    server: Server,
) -> None:
    data = get_json(server, "/entity/Hub")
    assert data["factCount"] == len(ALL_PARTNERS) + 2
    assert (data["property"], data["page"], data["pages"]) == (None, 1, 1)
    assert data["prev"] is None and data["next"] is None
    train = _group(data, "trainsWith")
    assert train["total"] == len(ALL_PARTNERS)
    expected = [p.replace(" ", "_") for p in EXPECTED_ORDER]
    assert _partners(train) == expected[:FACTS_PER_PROPERTY]
    assert train["more"] == "/entity/Hub?property=trainsWith"
    part = _group(data, "partOf")  # one fact each way, both shown: no link
    assert part["total"] == 2 and part["more"] is None
    assert sorted(f["direction"] for f in part["facts"]) == ["in", "out"]
    assert train["facts"][0]["documents"] == 1 and train["facts"][0]["id"]
    # the HTML shows the same facts, the totals and the link to the property's pages
    status, page = get_page(server, "/entity/Hub")
    assert status == 200
    assert '<h3 class="property" id="p-trainsWith">trainsWith <span class="count">(61)' in page
    assert 'href="/entity/Hub?property=trainsWith">all 61 trainsWith facts' in page
    shown = re.findall(
        r'<span class="prop">trainsWith</span> <a class="entity" href="/entity/([^"]+)"', page
    )
    assert shown == expected[:FACTS_PER_PROPERTY]


def test_a_propertys_pages_have_every_fact_once_and_links_both_ways(server: Server) -> None:
    first = get_json(server, "/entity/Hub?property=trainsWith")
    second = get_json(server, "/entity/Hub?property=trainsWith&page=2")
    assert (first["property"], first["page"], first["pages"]) == ("trainsWith", 1, 2)
    assert [g["property"] for g in first["groups"]] == ["trainsWith"]
    assert first["prev"] is None
    assert first["next"] == "/entity/Hub?property=trainsWith&page=2"
    assert (second["page"], second["prev"], second["next"]) == (
        2,
        "/entity/Hub?property=trainsWith&page=1",
        None,
    )
    one, two = _partners(first["groups"][0]), _partners(second["groups"][0])
    assert len(one) == PAGE_SIZE and len(two) == len(ALL_PARTNERS) - PAGE_SIZE
    assert one + two == [p.replace(" ", "_") for p in EXPECTED_ORDER]
    assert first["groups"][0]["total"] == second["groups"][0]["total"] == len(ALL_PARTNERS)
    # the HTML pages: the same facts in the same order, the same links, a hostile label as text
    status, page = get_page(server, "/entity/Hub?property=trainsWith&page=2")
    assert status == 200
    assert (
        re.findall(
            r'<span class="prop">trainsWith</span> <a class="entity" href="/entity/([^"]+)"', page
        )
        == two
    )
    assert '<a rel="prev" href="/entity/Hub?property=trainsWith&amp;page=1">' in page
    assert 'rel="next"' not in page and "page 2 of 2" in page
    status, page = get_page(server, "/entity/Hub?property=trainsWith")
    assert HOSTILE_PARTNER not in page and "&lt;b&gt;Sneaky&lt;/b&gt;&lt;img" in page
    assert '<a rel="next" href="/entity/Hub?property=trainsWith&amp;page=2">' in page
    assert 'id="all-properties" href="/entity/Hub"' in page


def test_a_property_without_facts_is_one_empty_page(server: Server) -> None:
    data = get_json(server, "/entity/Hub?property=meetsWith")
    assert data["groups"] == [{"property": "meetsWith", "total": 0, "facts": [], "more": None}]
    assert (data["page"], data["pages"], data["next"]) == (1, 1, None)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "page=2",
            "invalid page 2 without a property: the entity's first page shows the first facts "
            "of each property; give property=NAME to page through one property",
        ),
        ("property=likes", f"invalid property 'likes': give one of {', '.join(PROPERTIES)}"),
    ],
)
def test_bad_paging_parameters_are_refused(server: Server, query: str, message: str) -> None:
    status, body = get_page(server, "/entity/Hub?format=json&" + query)
    assert (status, body.strip()) == (400, message)


def test_a_facts_evidence_is_read_from_its_first_documents(
    views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Partner 00 is named in eleven documents but trains with the hub in one: all read
    data = views.answer("entity", {"slug": "Hub"})
    assert _group(data, "trainsWith")["facts"][0]["statements"] == 1
    monkeypatch.setattr(entity_module, "EVIDENCE_DOCUMENTS", 0)  # as for a fact of many documents
    data = views.answer("entity", {"slug": "Hub"})
    fact = _group(data, "trainsWith")["facts"][0]
    assert fact["statements"] is None and fact["evidence"] == []
    page = render("entity.html", data=data)
    assert f'href="/fact/{fact["id"]}">every sentence of the 1 documents</a>' in page


def test_search_and_timeline_pages_carry_their_links(server: Server) -> None:
    found = get_json(server, "/search?q=partner")
    assert (found["total"], found["pages"], found["prev"]) == (60, 2, None)
    assert found["next"] == "/search?q=partner&page=2"
    last = get_json(server, "/search?q=partner&page=2")
    assert last["prev"] == "/search?q=partner&page=1" and last["next"] is None
    assert len(found["results"]) + len(last["results"]) == 60
    status, page = get_page(server, "/search?q=partner")
    assert '<a rel="next" href="/search?q=partner&amp;page=2">' in page
    timeline = get_json(server, "/timeline?entity=Hub")
    assert timeline["total"] == len(ALL_PARTNERS) + 10  # its events, the dated documents naming it
    assert timeline["next"] == "/timeline?entity=Hub&page=2"
    status, page = get_page(server, "/timeline?entity=Hub")
    assert '<a rel="next" href="/timeline?entity=Hub&amp;page=2">' in page


def test_a_documents_facts_are_paged_and_its_text_links_to_their_pages(server: Server) -> None:
    # hub-main states 63 facts, each in its own sentence: two pages of sentences
    first = get_json(server, "/document/hub-main")
    assert (first["page"], first["pages"], first["prev"]) == (1, 2, None)
    assert first["next"] == "/document/hub-main?page=2"
    assert (first["facts"], first["sentenceCount"]) == (63, 63)
    assert [s["n"] for s in first["sentences"]] == list(range(1, PAGE_SIZE + 1))
    assert "unplacedSentences" not in first and "article" not in first
    second = get_json(server, "/document/hub-main?page=2")
    assert (second["prev"], second["next"]) == ("/document/hub-main?page=1", None)
    assert [s["n"] for s in second["sentences"]] == list(range(PAGE_SIZE + 1, 64))
    listed = [
        (f["subject"]["slug"], f["property"], f["object"]["slug"])
        for data in (first, second)
        for s in data["sentences"]
        for f in s["facts"]
    ]
    assert len(listed) == len(set(listed)) == 63  # every fact once
    assert get_json(server, "/document/hub-main?page=3")["sentences"] == []
    # the text is whole on each page: a sentence's number links to its facts where they are
    status, page = get_page(server, "/document/hub-main?page=2")
    assert status == 200 and page.count('class="fact-sentence"') == 63
    assert '<a class="to-facts" href="/document/hub-main?page=1#f1">1</a>' in page
    assert f'<a class="to-facts" href="#f{PAGE_SIZE + 1}">{PAGE_SIZE + 1}</a>' in page
    assert f'id="f{PAGE_SIZE + 1}"' in page and 'id="f1"' not in page
    assert '<a rel="prev" href="/document/hub-main?page=1">' in page
    assert "63 statements in 63 sentences" in page
    status, body = get_page(server, "/document/hub-main?page=0&format=json")
    assert (status, body.strip()) == (400, "invalid page '0': give a number from 1")


def test_a_store_without_fact_nodes_pages_the_same(views: Views, tmp_path: Path) -> None:
    from test_explorer_pages import _strip_ids, _without_fact_nodes

    folder = tmp_path / "old"
    _write(str(folder))
    _without_fact_nodes(folder)
    source = open_graph(store=str(folder))
    old = Views(source)
    try:
        for args in (
            {"slug": "Hub"},
            {"slug": "Hub", "property": "trainsWith", "page": 2},
            {"slug": "Hub", "property": "partOf"},
            {"slug": "Partner_00"},
        ):
            new = views.answer("entity", args)
            assert _strip_ids(old.answer("entity", args)) == _strip_ids(new), args
    finally:
        old.stop()
        source.close()


# ---------------------------------------------------------------- the network's budgets


def test_the_network_keeps_its_budgets_and_says_when_it_cut(
    views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.views.explorer import network

    monkeypatch.setattr(network, "NODE_BUDGET", 5)
    monkeypatch.setattr(network, "EDGE_BUDGET", 3)
    net = views.answer("network", {"slug": "Hub", "depth": 1})
    # the four neighbours named in the most documents, of 63; three facts, all the hub's
    assert (net["budget"], net["edgeBudget"], net["cut"], net["left"]) == (5, 3, True, 59)
    assert len(net["edges"]) == 3 and all(e["from"] == "Hub" for e in net["edges"])
    assert {e["to"] for e in net["edges"]} < {
        "Partner_00",
        "Partner_01",
        "Partner_02",
        "Partner_03",
    }
    page = render("network.html", data=net, json_url="/network?entity=Hub&format=json")
    assert '<p class="note" id="cut">' in page and "the\n3 drawn (those of Hub first)" in page
    assert '<span id="left">more neighbours (at least 59) not drawn</span>' in page
    # two steps from a partner: the hub, then a share of the hub's neighbours, within the budget
    net = views.answer("network", {"slug": "Partner_30", "depth": 2})
    assert len(net["nodes"]) <= 5 and net["left"] > 0
    monkeypatch.setattr(network, "NODE_BUDGET", 150)
    monkeypatch.setattr(network, "EDGE_BUDGET", 400)
    net = views.answer("network", {"slug": "Hub", "depth": 1})
    assert (len(net["nodes"]), len(net["edges"]), net["cut"], net["left"]) == (64, 63, False, 0)
    page = render("network.html", data=net, json_url="/network?entity=Hub&format=json")
    assert 'id="cut"' not in page and 'id="left"' not in page


def test_the_timelines_pages_follow_one_order_across_days_of_many_items(
    views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.views.explorer import timeline

    def key(item: dict[str, Any]) -> tuple[str, ...]:
        if item["kind"] == "published":
            return item["date"], item["kind"], item["doc"]["id"]
        return item["date"], item["kind"], item["subject"]["slug"], item["object"]["slug"]

    for slug in ("Hub", None):
        monkeypatch.setattr(timeline, "PAGE_SIZE", 1000)
        whole = [key(i) for i in views.answer("timeline", {"slug": slug})["items"]]
        # ten documents of one day: pages of 4 cut through it twice
        monkeypatch.setattr(timeline, "PAGE_SIZE", 4)
        first = views.answer("timeline", {"slug": slug})
        paged = []
        for page in range(1, first["pages"] + 1):
            paged += [
                key(i) for i in views.answer("timeline", {"slug": slug, "page": page})["items"]
            ]
        assert paged == whole and len(set(paged)) == len(whole) >= 71
        assert whole[:10] == sorted(whole[:10], reverse=True)  # the day's items, last id first
        assert {k[0] for k in whole[:10]} == {"2025-06-01"}
