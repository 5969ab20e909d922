"""The explorer's document, fact and network pages on the merged graph (issue 14).

The document page shows the article's text with each fact's sentence highlighted where its
offsets point; the fact page lists every sentence of a fact; the network's filters look at every
statement of a fact; a store without fact nodes (written before the merged graph) shows the same
pages; a page asked for while the index is read answers 503 with Retry-After.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import viz_sample as sample
from test_explorer_kit import (
    ARTICLE_TEXT,
    ELSEWHERE,
    PART,
    TRAIN,
    article_extraction,
    dated_extraction,
    drill_extractions,
    get_json,
    get_page,
    open_views,
)

from kg.rdf import quads as graph
from kg.rdf.vocab import KG
from kg.store import open_graph, open_store
from kg.store.oxigraph import MARKER
from kg.views.explorer import article, data, facts
from kg.views.explorer import entity as entity_module
from kg.views.explorer.common import ENTITY_NS
from kg.views.explorer.data import Views
from kg.views.serve import Server

EXTRACTIONS = [
    *sample.extractions(),
    dated_extraction(),
    article_extraction(),
    *drill_extractions(),
]


def _write(location: str, without_text: tuple[str, ...] = ()) -> None:
    with open_store(location) as s:
        for ex in EXTRACTIONS:
            quads = list(graph.extraction_quads(ex))
            if ex.document.id in without_text:  # as kg wrote it before it kept the text
                quads = [q for q in quads if q[1] != KG.text]
            s.replace_document(graph.document_iri(ex.document.id), quads)


@pytest.fixture(scope="module")
def location(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("explorer-pages") / "store")
    _write(location, without_text=("undated",))
    return location


@pytest.fixture(scope="module")
def views(location: str) -> Iterator[Views]:
    with open_views(location) as found:
        yield found


@pytest.fixture(scope="module")
def server(location: str) -> Iterator[Server]:
    with Server(None, location, port=0, timeout=60, workers=1) as srv:
        yield srv


# ---------------------------------------------------------------- the document page


def test_document_page_shows_the_text_with_each_facts_sentence_highlighted(
    server: Server,
) -> None:
    doc = get_json(server, "/document/coast-1")
    assert doc["text"] == ARTICLE_TEXT
    placed = {s["text"]: s["at"] for s in doc["sentences"]}
    start = ARTICLE_TEXT.index(TRAIN)
    assert placed[TRAIN] == [start, start + len(TRAIN)]
    assert "article" not in doc  # the text cut for the page is not repeated in JSON
    status, page = get_page(server, "/document/coast-1")
    assert status == 200
    text = page.split('<div id="article" class="article">')[1].split("</div>")[0]
    anchor = f"s{start}-{start + len(TRAIN)}"
    assert f'<span class="fact-sentence" id="{anchor}"><mark>The Chilean Navy</mark>' in text or (
        f'<span class="fact-sentence" id="{anchor}">The <mark>Chilean Navy</mark>' in text
    )
    # the whole text is there, in order, line breaks kept; the markup in it is text
    assert "Coast drills &lt;script&gt;alert(1)&lt;/script&gt;\n\nOfficials said little. " in text
    assert "<script>alert" not in page
    # each highlighted sentence links to the facts read from it, and back
    number = next(s["n"] for s in doc["sentences"] if s["text"] == TRAIN)
    assert f'<a class="to-facts" href="#f{number}">{number}</a>' in text
    assert f'<li class="fact-group" id="f{number}" value="{number}">' in page
    assert f'href="#{anchor}">sentence {number}</a>' in page


def test_a_sentence_off_its_offsets_is_found_by_its_words_one_not_in_the_text_listed_apart(
    views: Views,
) -> None:
    doc = views.answer("document", {"id": "coast-1"})
    by_text = {s["text"]: s for s in doc["sentences"]}
    start = ARTICLE_TEXT.index(PART)
    assert by_text[PART]["at"] == [start, start + len(PART)]
    assert by_text[PART]["start"] == start + 3  # the offsets as stored
    assert by_text[ELSEWHERE]["at"] is None
    assert doc["unplaced"] == [by_text[ELSEWHERE]["n"]]
    assert [s["text"] for s in doc["sentences"]] == [TRAIN, PART, ELSEWHERE]  # text order


def test_a_document_stored_without_its_text_lists_its_sentences(server: Server) -> None:
    doc = get_json(server, "/document/undated")
    assert doc["text"] is None and doc["unplaced"] == [1]
    status, page = get_page(server, "/document/undated")
    assert status == 200 and 'id="no-text"' in page and 'id="article"' not in page
    assert "<mark>Lima</mark>, the capital of <mark>Peru</mark>." in page


def test_place_and_overlapping_sentences() -> None:
    text = "One two three. Three four five."
    assert article.place(text, "Three four five.", 15, 31) == (15, 31)
    assert article.place(text, "Three  four\nfive.", 15, 31) == (15, 31)  # spaces folded
    assert article.place(text, "Three four five.", 0, 16) == (15, 31)  # by its words
    assert article.place(text, "Six seven.", 0, 10) is None
    # offsets that take in the blank line after a headline: the highlight ends with its words
    assert article.place("Headline\n\nBody.", "Headline", 0, 10) == (0, 8)
    sentences = [
        {"at": (0, 14), "anchor": "a", "n": 1, "labels": ["two"]},
        {"at": (4, 31), "anchor": "b", "n": 2, "labels": ["four"]},
    ]
    blocks = article.article_blocks(text, sentences)
    assert blocks == [
        {
            "anchors": ["a", "b"],
            "numbers": [1, 2],
            "segments": [
                ("One ", False),
                ("two", True),
                (" three. Three ", False),
                ("four", True),
                (" five.", False),
            ],
        }
    ]


# ---------------------------------------------------------------- facts and their evidence


def test_entity_page_shows_three_sentences_and_links_the_fact_page(server: Server) -> None:
    entity = get_json(server, "/entity/Alpha_Unit")
    (fact,) = entity["groups"][0]["facts"]
    assert (fact["documents"], fact["statements"], fact["confidence"]) == (4, 4, 0.9)
    assert [e["confidence"] for e in fact["evidence"]] == [0.9, 0.8, 0.7]
    status, page = get_page(server, "/entity/Alpha_Unit")
    assert f'<a class="all-evidence" href="/fact/{fact["id"]}">1 more sentence</a>' in page
    every = get_json(server, f"/fact/{fact['id']}")
    assert (every["subject"]["label"], every["property"], every["object"]["label"]) == (
        "Alpha Unit",
        "trainsWith",
        "Bravo Unit",
    )
    assert [e["doc"]["id"] for e in every["evidence"]] == [
        "drill-1",
        "drill-2",
        "drill-3",
        "drill-4",
    ]
    assert every["evidence"][3]["modality"] == "planned"
    status, page = get_page(server, f"/fact/{fact['id']}")
    assert status == 200 and page.count("<blockquote>") == 4


def test_fact_page_pages_its_sentences(views: Views, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entity_module, "PAGE_SIZE", 3)
    entity = views.answer("entity", {"slug": "Alpha_Unit"})
    fact_id = entity["groups"][0]["facts"][0]["id"]
    second = views.answer("fact", {"id": fact_id, "page": 2})
    assert (second["page"], second["pages"]) == (2, 2)
    assert [e["doc"]["id"] for e in second["evidence"]] == ["drill-4"]


def test_unknown_or_malformed_fact_is_a_404(server: Server) -> None:
    for path in ("/fact/" + "0" * 24, "/fact/nothex", "/fact/" + "a" * 25):
        status, page = get_page(server, path)
        assert status == 404 and "no fact" in page


def test_a_symmetric_fact_counts_documents_in_either_direction(views: Views) -> None:
    # peru-1 says US Special Forces trained with the FOES; peru-2 and dated-1 the other way round
    entity = views.answer("entity", {"slug": "FOES"})
    (train,) = next(g["facts"] for g in entity["groups"] if g["property"] == "trainsWith")
    assert (train["documents"], train["statements"]) == (3, 3)
    assert train["evidence"][0]["sentence"] == sample.TRAIN_SENTENCE  # 0.92, the best


class _ByQuery:
    """The store seen as a server sees it: SPARQL only, no indexes to read."""

    def __init__(self, source: Any) -> None:
        self._raw_query = source._raw_query  # noqa: SLF001


def _facts_of(views: Views, *slugs: str) -> list[facts.Fact]:
    found = []
    for slug in slugs:
        found += facts.entity_facts(views.source, ENTITY_NS + slug)
    return found


def test_statements_from_the_indexes_are_those_a_query_finds(views: Views) -> None:
    # the embedded store reads a fact's statements from its indexes; a server by SPARQL
    found = _facts_of(views, "Alpha_Unit", "FOES", "Chilean_Navy", "Peruvian_Navy")
    indexed = facts.statements(views.source, found)
    assert sum(len(v) for v in indexed.values()) >= 10
    assert facts.statements(_ByQuery(views.source), found) == indexed


# ---------------------------------------------------------------- network filters


def _edge(net: dict[str, Any]) -> dict[str, Any]:
    (edge,) = [e for e in net["edges"] if {e["from"], e["to"]} == {"Alpha_Unit", "Bravo_Unit"}]
    return edge


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("modality=planned", True),  # the least confident of four statements
        ("to=2024-12-31", True),  # its event date
        ("doc=drill-4", True),
        ("from=2025-05-02&modality=asserted", True),
        ("from=2025-05-03&modality=asserted", False),  # drill-3 is reported, drill-4 planned
        ("confidence=0.95", False),
        ("confidence=0.6&modality=planned&doc=drill-4&to=2024-06-01", True),
        ("confidence=0.65&modality=planned", False),  # one statement must pass every filter
    ],
)
def test_network_filters_look_at_every_statement(server: Server, query: str, shown: bool) -> None:
    net = get_json(server, "/network?entity=Alpha_Unit&" + query)
    assert net["filtered"] is True
    assert _edge(net)["shown"] is shown


def test_network_lists_documents_and_modalities_for_its_filters(server: Server) -> None:
    net = get_json(server, "/network?entity=Alpha_Unit")
    assert net["filtered"] is False and "shown" not in _edge(net)
    assert sorted(d["id"] for d in net["documents"]) == ["drill-1", "drill-2", "drill-3", "drill-4"]
    assert net["modalities"] == ["asserted", "reported", "planned", "hypothetical"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("confidence=2", "invalid confidence '2': give a number from 0 to 1"),
        ("confidence=x", "invalid confidence 'x': give a number from 0 to 1"),
        ("from=yesterday", "invalid date from='yesterday': give YYYY-MM-DD"),
        (
            "modality=maybe",
            "invalid modality 'maybe': give one of asserted, reported, planned, hypothetical",
        ),
    ],
)
def test_network_filter_values_are_checked(server: Server, query: str, message: str) -> None:
    status, body = get_page(server, "/network?entity=Alpha_Unit&format=json&" + query)
    assert (status, body.strip()) == (400, message)


def test_the_document_filter_counts_are_those_a_query_finds(views: Views) -> None:
    from kg.views.explorer import network

    found = _facts_of(views, "FOES", "Alpha_Unit")
    indexed = network._documents(views.source, found)  # noqa: SLF001
    assert len(indexed) >= 4 and all(d["facts"] >= 1 for d in indexed)
    assert network._documents(_ByQuery(views.source), found) == indexed  # noqa: SLF001


def test_document_network_has_the_documents_facts(views: Views) -> None:
    net = views.answer("network", {"id": "coast-1"})
    assert sorted((e["from"], e["property"], e["to"]) for e in net["edges"]) == [
        ("Chilean_Navy", "meetsWith", "Peruvian_Navy"),
        ("Chilean_Navy", "trainsWith", "Peruvian_Navy"),
        ("Peruvian_Navy", "partOf", "Armed_Forces_of_Peru"),
    ]


# ---------------------------------------------------------------- a store without fact nodes


def _without_fact_nodes(folder: Path) -> None:
    """What kg wrote before the merged graph: no default graph, store format 1."""
    with open_store(str(folder)) as store:
        store._update("CLEAR DEFAULT")  # noqa: SLF001
    (folder / MARKER).write_text(
        json.dumps({"format": "kg-store", "version": 1, "backend": "oxigraph"}), encoding="utf-8"
    )


def _strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def test_a_store_without_fact_nodes_shows_the_same_pages(views: Views, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    _write(str(folder), without_text=("undated",))
    _without_fact_nodes(folder)
    source = open_graph(store=str(folder))
    assert source.default_graph == "union"
    old = Views(source)
    try:
        asked = [
            ("entity", {"slug": "FOES"}),
            ("entity", {"slug": "Alpha_Unit"}),
            ("search", {"q": "navy"}),
            ("document", {"id": "coast-1"}),
            ("network", {"slug": "FOES", "depth": 2}),
            ("network", {"id": "coast-1"}),
            ("network", {"slug": "Alpha_Unit", "filters": {"modalities": ["planned"]}}),
            ("timeline", {}),
            ("timeline", {"slug": "FOES"}),
        ]
        for name, args in asked:
            assert _strip_ids(old.answer(name, args)) == _strip_ids(views.answer(name, args)), name
        fact = views.answer("entity", {"slug": "Alpha_Unit"})["groups"][0]["facts"][0]["id"]
        assert old.answer("fact", {"id": fact}) is None  # no fact nodes: no fact pages
    finally:
        old.stop()
        source.close()


# ---------------------------------------------------------------- the index is still being read


def test_a_page_asked_for_while_the_index_is_read_is_a_503_with_retry_after(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.views.explorer.pages import Explorer, _catching
    from kg.views.serve import _worker
    from kg.views.webapp import Request

    release = threading.Event()
    build = data.LabelIndex.build

    def slow_build(source: Any) -> Any:
        release.wait(60)
        return build(source)

    monkeypatch.setattr(data.LabelIndex, "build", slow_build)
    monkeypatch.setattr(data, "INDEX_WAIT", 0.05)
    import multiprocessing

    parent, child = multiprocessing.Pipe()
    worker = threading.Thread(target=_worker, args=(child, None, location), daemon=True)
    worker.start()
    try:
        assert parent.recv() == ("ready", "")

        class Pool:  # the worker runs in a thread of this process, with the slow index
            def run(self, request: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
                parent.send(request)
                return parent.recv()  # type: ignore[no-any-return]

        explorer = Explorer(Pool(), 60)
        search = _catching(explorer.search)
        request = Request("GET", "/search", {"q": ["navy"]}, {"accept": "application/json"})
        response = search(request)
        assert response.status == 503 and response.headers["Retry-After"] == "2"
        assert response.body.decode().startswith(
            "the explorer is still reading the store (first use after it was opened, "
        )
        assert response.body.decode().strip().endswith("s so far): try again in a few seconds")
        release.set()
        assert search(request).status == 200
    finally:
        release.set()
        parent.close()
        worker.join(60)


@pytest.mark.parametrize(
    "asked",
    [
        {"modalities": ["planned"]},
        {"confidence": 0.85},
        {"confidence": 0.95},
        {"date_from": "2025-05-02", "modalities": ["asserted"]},
        {"date_to": "2024-12-31"},
        {"document": "drill-4", "confidence": 0.5},
        {"document": "peru-1"},
    ],
)
def test_the_filters_read_from_the_indexes_pass_what_a_query_passes(
    views: Views, asked: dict[str, Any]
) -> None:
    from kg.views.explorer.filters import Filters, passing

    found = _facts_of(views, "Alpha_Unit", "FOES", "Chilean_Navy", "Peruvian_Navy")
    indexed = passing(views.source, found, Filters(**asked))
    assert indexed == passing(_ByQuery(views.source), found, Filters(**asked))
    assert any(True for _ in indexed) or asked.get("confidence") == 0.95
