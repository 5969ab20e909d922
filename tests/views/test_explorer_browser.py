"""The explorer in real Chromium (Playwright, nothing outside the server's origin reachable).

Flow: search by alias → entity page → the evidence sentence → its document; no console error,
no request leaving the origin, hostile labels and sentences shown as text (issue 14).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import viz_sample as sample
from browser_kit import browser, require_browser
from test_explorer_kit import TRAIN, article_extraction, dated_extraction, drill_extractions

from kg.rdf import quads as graph
from kg.store import open_store
from kg.views.serve import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_browser()
    location = str(tmp_path_factory.mktemp("explorer-browser") / "store")
    with open_store(location) as s:
        extractions = [*sample.extractions(), dated_extraction(), article_extraction()]
        for ex in [*extractions, *drill_extractions()]:
            s.replace_document(graph.document_iri(ex.document.id), list(graph.extraction_quads(ex)))
    with Server(None, location, port=0, timeout=60, workers=1) as srv:
        yield srv


def test_search_entity_evidence_document(server: Server) -> None:
    with browser((server.url,)) as (context, rec):
        page = rec.watch(context.new_page())
        page.goto(server.url + "/")
        page.fill("input[name=q]", "naval special")
        page.press("input[name=q]", "Enter")
        page.wait_for_selector("#result-count")
        assert page.locator("#result-count").inner_text().startswith("1 entity")
        page.click("table.results a.entity")
        page.wait_for_selector("#entity-label")
        assert page.locator("#entity-label").inner_text() == "FOES"
        assert page.url == server.url + "/entity/FOES"
        fact = page.locator("li.fact[data-property=trainsWith]", has_text="Callao")
        assert sample.TRAIN_SENTENCE in fact.locator("blockquote").first.inner_text()
        assert fact.locator("blockquote mark").first.inner_text() in ("FOES", "U.S. Special Forces")
        assert fact.locator("blockquote b").count() == 0  # the article's <b> is text
        fact.locator("a.doc").first.click()
        page.wait_for_selector("#document-title")
        assert page.locator("#document-title").inner_text() == sample.SCRIPT_TITLE
        target = page.evaluate("location.hash")
        assert page.locator(f"p.sentence{target}").inner_text().endswith(sample.TRAIN_SENTENCE)
        page.go_back()
        page.wait_for_selector("#entity-label")
        assert page.locator("#entity-label").inner_text() == "FOES"
        # the hostile label: shown as text, nothing runs
        page.goto(server.url + "/entity/Intruder")
        assert page.locator("#entity-label").inner_text() == sample.XSS_LABEL
        assert page.locator("img").count() == 0
        assert rec.dialogs == [] and rec.errors == []
        assert [m for m in rec.console if m[0] in ("error", "warning")] == []
        assert rec.foreign == []


def test_network_legend_filters_focus_and_panel(server: Server) -> None:
    with browser((server.url,), viewport=(1400, 900)) as (context, rec):
        page = rec.watch(context.new_page())
        page.goto(server.url + "/entity/FOES")
        page.click("#to-network")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        assert page.url == server.url + "/network?entity=FOES&depth=1"
        total = page.evaluate("kgEdges.length")
        assert total >= 3

        def shown() -> int:
            return int(page.evaluate("kgEdges.get({filter: e => !e.hidden}).length"))

        assert shown() == total
        page.click("#legend-properties button[data-value=trainsWith]")  # hide a property
        assert shown() == total - len(
            page.evaluate("kgEdges.get({filter: e => e.label === 'trainsWith'})")
        )
        page.click("#legend-properties button[data-value=trainsWith]")  # and show it again
        assert shown() == total
        page.fill("#f-confidence", "0.9")
        page.dispatch_event("#f-confidence", "input")
        # the server answers which facts pass (it looks at every statement)
        page.wait_for_selector("body[data-filters='confidence=0.90']", state="attached")
        assert shown() < total  # only the 0.92 training survives
        page.fill("#f-confidence", "0")
        page.dispatch_event("#f-confidence", "input")
        page.wait_for_selector("body[data-filters='']", state="attached")
        assert shown() == total
        # the side panel: the hostile-free FOES node, its facts as text
        page.evaluate("kgNetwork.selectNodes(['FOES'])")
        page.evaluate("kgNetwork.body.emitter.emit('selectNode', {nodes: ['FOES']})")
        page.wait_for_selector("#panel h2 a")
        assert page.locator("#panel h2").inner_text() == "FOES"
        # focus with depth 2 is a new, shareable URL; back returns
        page.select_option("#f-depth", "2")
        page.click("#focus")
        page.wait_for_url("**/network?entity=FOES&depth=2")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        assert page.evaluate("kgNodes.length") >= 4
        page.go_back()
        page.wait_for_url("**/network?entity=FOES&depth=1")
        # the hostile label is drawn as text on the canvas, nothing runs
        page.goto(server.url + "/network?entity=Intruder")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        labels = page.evaluate("kgNodes.get().map(n => n.label)")
        assert sample.XSS_LABEL in labels and page.locator("img").count() == 0
        assert rec.dialogs == [] and rec.errors == []
        assert [m for m in rec.console if m[0] in ("error", "warning")] == []
        assert rec.foreign == []


def test_document_text_with_the_facts_sentences_and_the_filters_on_every_statement(
    server: Server,
) -> None:
    with browser((server.url,), viewport=(1400, 900)) as (context, rec):
        page = rec.watch(context.new_page())
        page.goto(server.url + "/entity/Chilean_Navy")
        fact = page.locator("li.fact[data-property=trainsWith]")
        fact.locator("a.doc").first.click()
        page.wait_for_selector("#article")
        target = page.evaluate("location.hash")
        assert page.locator(f"span.fact-sentence{target}").inner_text() == TRAIN
        assert "<script>" in page.locator("#article").inner_text()  # the article's markup, as text
        number = page.locator(f"span.fact-sentence{target} + a.to-facts").inner_text()
        page.click(f"span.fact-sentence{target} + a.to-facts")
        assert page.evaluate("location.hash") == f"#f{number}"
        assert "trainsWith" in page.locator(f"li.fact-group#f{number}").inner_text()
        # the network of a fact stated four times: only the least confident statement is planned
        page.goto(server.url + "/network?entity=Alpha_Unit")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        for modality in ("asserted", "reported", "hypothetical"):
            page.uncheck(f"#f-modality input[value={modality}]")
        page.wait_for_selector("body[data-filters='modality=planned']", state="attached")
        assert page.evaluate("kgEdges.get({filter: e => !e.hidden}).length") == 1
        page.uncheck("#f-modality input[value=planned]")
        page.wait_for_selector("body[data-filters='none']", state="attached")
        assert page.evaluate("kgEdges.get({filter: e => !e.hidden}).length") == 0
        assert rec.dialogs == [] and rec.errors == [] and rec.foreign == []
        assert [m for m in rec.console if m[0] in ("error", "warning")] == []


def test_saved_query_with_a_parameter_and_the_timeline(server: Server) -> None:
    with browser((server.url,)) as (context, rec):
        page = rec.watch(context.new_page())
        page.goto(server.url + "/query")
        page.click("text=Which forces train with a given force?")
        page.fill("input[name='p.force']", "foes")
        page.click("button[name=run]")
        page.wait_for_selector("#row-count")
        link = page.locator("table.results a[href='/entity/US_Special_Forces']")
        assert link.count() == 1
        csv = page.evaluate(
            "fetch(document.getElementById('download-csv').href).then(r => r.text())"
        )
        assert csv.startswith("partner,partnerLabel")
        link.click()
        page.wait_for_selector("#entity-label")
        page.click("#to-timeline")
        page.wait_for_selector("#timeline-title")
        assert page.locator("ol.timeline li time").first.inner_text() == "2026-03-05"
        assert "trainsWith" in page.locator("ol.timeline li.tl-event").first.inner_text()
        assert rec.errors == [] and rec.foreign == []
        assert [m for m in rec.console if m[0] in ("error", "warning")] == []


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on the bundled sample (``data/articles``), as the README's screenshots show."""
    require_browser()
    import kg

    store = str(tmp_path_factory.mktemp("explorer-bundled") / "store")
    kg.build([str(Path(__file__).resolve().parents[2] / "data" / "articles")], store=store)
    with Server(None, store, port=0, timeout=60, workers=1) as srv:
        yield srv


def first_id(server: Server) -> str:
    """The id of the bundled sample's first article (its name and a hash of its text)."""
    import json
    import urllib.request

    url = server.url + "/search?q=colombian+marines&format=json"
    with urllib.request.urlopen(url, timeout=60) as resp:
        slug = json.loads(resp.read())["results"][0]["slug"]
    with urllib.request.urlopen(f"{server.url}/entity/{slug}?format=json", timeout=60) as resp:
        entity = json.loads(resp.read())
    ids = {ev["doc"]["id"] for g in entity["groups"] for f in g["facts"] for ev in f["evidence"]}
    return min(i for i in ids if i.startswith("01-colombia-us-riverine-drills"))


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The pairs of entities whose boxes (dot and name, as drawn) overlap."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            wide = min(a["right"], b["right"]) - max(a["left"], b["left"])
            high = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if wide > 0 and high > 0:
                found.append((a["label"], b["label"]))
    return found


def test_overlapping_finds_boxes_that_share_an_area() -> None:
    box = {"left": 0, "right": 10, "top": 0, "bottom": 10}
    assert overlapping([{**box, "label": "a"}, {**box, "left": 9, "right": 20, "label": "b"}]) == [
        ("a", "b")
    ]
    assert (
        overlapping([{**box, "label": "a"}, {**box, "left": 10, "right": 20, "label": "b"}]) == []
    )


@pytest.mark.parametrize(
    "path",
    [
        "/network?entity=Colombian_Marines&depth=2",  # the README's screenshot
        "/network?entity=Colombian_Marines&depth=3",
        "/network?document=01-colombia-us-riverine-drills",  # its id: with a hash (below)
    ],
)
def test_names_do_not_overlap_at_the_default_zoom_on_the_bundled_sample(
    bundled: Server, path: str
) -> None:
    with browser((bundled.url,), viewport=(1280, 900)) as (context, rec):
        page = rec.watch(context.new_page())
        page.goto(bundled.url + path.replace("01-colombia-us-riverine-drills", first_id(bundled)))
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        boxes = page.evaluate("kgBoxes()")
        assert len(boxes) >= 5
        assert all(b["bottom"] - b["top"] > 20 for b in boxes)  # a dot and a name below it
        assert overlapping(boxes) == []
        assert rec.errors == [] and rec.foreign == []
        assert [m for m in rec.console if m[0] in ("error", "warning")] == []


def screenshots(out: str) -> None:
    """Save PNGs of the search, entity and document pages on the bundled sample's graph.

    ``python tests/views/test_explorer_browser.py docs/img`` (builds ``data/articles`` first).
    """
    import tempfile
    from pathlib import Path

    import kg

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "store")
        kg.build(["data/articles"], store=store)
        with (
            Server(None, store, port=0, timeout=60, workers=1) as srv,
            browser((srv.url,), viewport=(1280, 900)) as (context, _),
        ):
            page = context.new_page()
            for name, path in [
                ("explorer-search", "/search?q=marines"),
                ("explorer-entity", "/entity/Colombian_Marines"),
                ("explorer-document", f"/document/{first_id(srv)}"),
                ("explorer-network", "/network?entity=Colombian_Marines&depth=2"),
                ("explorer-query", "/query?name=units-training-with&run=1&p.force=marines"),
                ("explorer-timeline", "/timeline"),
            ]:
                page.goto(srv.url + path)
                if "network" in path:
                    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
                page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


if __name__ == "__main__":
    import sys

    screenshots(sys.argv[1])
