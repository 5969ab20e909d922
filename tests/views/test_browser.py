"""The network page in a real headless browser (Debian Chromium driven by playwright), offline.

``.ci/browser.sh`` installs Chromium and playwright; without them the tests skip and say why.
Run as a script to save a screenshot of a page:
``python tests/views/test_browser.py PAGE.html OUT.png``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]


def _requirements() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Chromium is not installed (run .ci/browser.sh: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (run .ci/browser.sh: pip install playwright)"
    return None


class Session:
    """One offline page load with everything the page did recorded."""

    def __init__(self, context: Any, page: Any) -> None:
        self.context = context
        self.page = page
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []


def open_page(pw: Any, path: Path, profile: Path, viewport: dict[str, int]) -> Session:
    """Open ``path`` in a fresh profile with the network off and every request recorded."""
    context = pw.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=ARGS,
        offline=True,
        viewport=viewport,
        service_workers="block",
    )
    page = context.new_page()
    s = Session(context, page)
    page.on("console", lambda m: s.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: s.errors.append(str(e)))
    page.on("dialog", lambda d: (s.dialogs.append(d.message), d.dismiss()))

    def route(r: Any) -> None:
        s.requests.append(r.request.url)
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    return s


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Any]]:
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    import viz_sample as sample
    from playwright.sync_api import sync_playwright

    from kg.views import network as netgraph
    from kg.views import viz

    G = netgraph.to_networkx(sample.dataset())
    tmp = tmp_path_factory.mktemp("browser")
    path = tmp / "graph.html"
    viz.write_html(G, path, title=sample.SCRIPT_TITLE, isolated=True)
    with sync_playwright() as pw:
        s = open_page(pw, path, tmp / "profile", {"width": 1280, "height": 800})
        try:
            yield s, G
        finally:
            s.context.close()


def _hover_and_read_tooltip(s: Session, js_point: str) -> str:
    """Move the mouse to a canvas point computed by ``js_point`` and return the tooltip text."""
    page = s.page
    page.mouse.move(5, 5)
    page.wait_for_timeout(200)
    point = page.evaluate(
        "() => { const c = document.getElementById('kg-network').getBoundingClientRect();"
        f" const p = kgNetwork.canvasToDOM({js_point});"
        " return {x: c.left + p.x, y: c.top + p.y}; }"
    )
    page.mouse.move(point["x"], point["y"], steps=4)
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    return tip.inner_text()


@pytest.mark.slow
def test_page_loads_offline_without_errors(browser_page: tuple[Session, Any]) -> None:
    s, _ = browser_page
    assert s.errors == []
    assert [m for m in s.console if m[0] in ("error", "warning")] == []
    assert [u for u in s.requests if not u.startswith("file://")] == []
    assert len(s.requests) == 1  # the page itself, nothing else


@pytest.mark.slow
def test_canvas_holds_every_node_and_edge(browser_page: tuple[Session, Any]) -> None:
    s, G = browser_page
    assert s.page.evaluate("kgNodes.length") == G.number_of_nodes()
    assert s.page.evaluate("kgNetwork.body.nodeIndices.length") == G.number_of_nodes()
    assert s.page.evaluate("kgNetwork.body.edgeIndices.length") == G.number_of_edges()
    positions = s.page.evaluate("Object.values(kgNetwork.getPositions())")
    assert len({(round(p["x"]), round(p["y"])) for p in positions}) == G.number_of_nodes()


@pytest.mark.slow
def test_edge_tooltip_shows_the_evidence(browser_page: tuple[Session, Any]) -> None:
    import viz_sample as sample

    s, _ = browser_page
    edge_id = s.page.evaluate("kgEdges.get({filter: e => e.kgProperty === 'authorizes'})[0].id")
    text = _hover_and_read_tooltip(s, f"kgNetwork.body.edges['{edge_id}'].edgeType.getPoint(0.3)")
    assert "Congress authorised the entry of US troops." in text
    assert "Second story" in text and "2026-02-20" in text and "confidence 0.85" in text

    edge_id = s.page.evaluate("kgEdges.get({filter: e => e.kgProperty === 'trainsWith'})[0].id")
    text = _hover_and_read_tooltip(s, f"kgNetwork.body.edges['{edge_id}'].edgeType.getPoint(0.3)")
    assert sample.TRAIN_SENTENCE in text  # the <b> of the article is shown as text
    assert s.page.locator("div.vis-tooltip b").count() == 0


@pytest.mark.slow
def test_hostile_label_shows_as_text_and_runs_nothing(browser_page: tuple[Session, Any]) -> None:
    import viz_sample as sample

    s, _ = browser_page
    node_id = s.page.evaluate(
        f"kgNodes.get({{filter: n => n.kgLabel === {sample.XSS_LABEL!r}}})[0].id"
    )
    text = _hover_and_read_tooltip(s, f"kgNetwork.getPositions([{node_id}])[{node_id}]")
    assert text.startswith(sample.XSS_LABEL)
    assert s.page.evaluate(f"kgNetwork.body.nodes[{node_id}].options.label") == sample.XSS_LABEL
    assert s.page.locator("img").count() == 0
    assert s.page.locator("h1").inner_text() == sample.SCRIPT_TITLE
    assert s.page.evaluate("document.scripts.length") == 3  # data block, vis-network, page script
    assert s.dialogs == [] and s.errors == []


@pytest.mark.slow
def test_click_and_search_work(browser_page: tuple[Session, Any]) -> None:
    s, _ = browser_page
    s.page.fill("#kg-search", "naval special")
    s.page.press("#kg-search", "Enter")
    assert s.page.locator("#kg-search-status").inner_text() == "not found"  # labels only
    s.page.fill("#kg-search", "foes")
    s.page.press("#kg-search", "Enter")
    assert s.page.locator("#kg-search-status").inner_text() == "1 found"
    selected = s.page.evaluate("kgNetwork.getSelectedNodes().map(id => kgNodes.get(id).kgLabel)")
    assert selected == ["FOES"]
    s.page.click("#kg-fit")
    assert s.errors == []


@pytest.mark.slow
def test_csp_blocks_an_injected_inline_handler(browser_page: tuple[Session, Any]) -> None:
    # Belt and braces: even if markup from an article reached the DOM, its handler must not run.
    s, _ = browser_page
    page = s.context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(s.page.url)
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    page.evaluate(
        "() => { window.pwned = false; const d = document.createElement('div');"
        " d.innerHTML = '<img src=x onerror=\"window.pwned = true\">';"
        " document.body.appendChild(d); }"
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.pwned") is False
    assert any("Content Security Policy" in c for c in console)
    page.close()


def screenshot(
    page_path: Path, out: Path, hover: str | None = None, width: int = 1400, height: int = 860
) -> None:
    """Save a PNG of ``page_path`` once laid out, optionally with the tooltip of a fact open.

    ``hover`` names a property: the fact of that property with the most evidence is hovered.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        s = open_page(pw, page_path, Path(profile), {"width": width, "height": height})
        s.page.mouse.move(1, 1)
        if hover:
            edge_id = s.page.evaluate(
                "p => kgEdges.get({filter: e => e.kgProperty === p})"
                ".sort((a, b) => b.kgEvidence - a.kgEvidence)[0].id",
                hover,
            )
            for at in (0.5, 0.35, 0.65, 0.25, 0.75):  # a point where no other fact lies on top
                text = _hover_and_read_tooltip(
                    s, f"kgNetwork.body.edges['{edge_id}'].edgeType.getPoint({at})"
                )
                if f" {hover} " in text.splitlines()[0]:
                    break
        s.page.screenshot(path=str(out))
        s.context.close()


if __name__ == "__main__":
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]), *(sys.argv[3:4] or [None]))
