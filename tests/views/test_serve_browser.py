"""kg serve seen from a hostile web page, in real Chromium (issue 15, item 2).

A page of another origin tries to make the browser query the server (``<img>``, ``fetch`` in
``no-cors`` mode, a form), and a DNS-rebinding page (``rebind.test`` mapped to 127.0.0.1) tries
to read it as if it were same-origin. The server must refuse every one of these requests.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from browser_kit import browser, require_browser
from test_store_kit import doc_quads, make_extraction

from kg.store import open_store
from kg.views.serve import Server

pytestmark = pytest.mark.slow

QUERY = "SELECT ?l WHERE { ?e skos:prefLabel ?l } LIMIT 5"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_browser()
    location = str(tmp_path_factory.mktemp("browser-serve") / "store")
    with open_store(location) as s:
        s.replace_document(*doc_quads(make_extraction("doc-a")))
    with Server(None, location, port=0, timeout=10, workers=1) as srv:
        yield srv


def _attacker_page(target: str) -> str:
    """A page that tries every way a page has to send a request to ``target`` (kg serve)."""
    url = target + "/sparql?" + urllib.parse.urlencode({"query": QUERY})
    return f"""<!doctype html><html><body><p id="out">…</p>
<img src="{url}&via=img">
<form id="f" method="post" action="{target}/sparql" target="sink"
 enctype="application/x-www-form-urlencoded"><input name="query" value="{QUERY}"></form>
<iframe name="sink"></iframe>
<script>
const out = document.getElementById('out');
fetch('{url}&via=no-cors', {{mode: 'no-cors'}}).catch(() => {{}});
fetch('{url}&via=cors').then(r => r.text()).then(t => out.textContent = 'READ ' + t)
  .catch(() => out.textContent = 'blocked');
document.getElementById('f').submit();
</script></body></html>"""


@pytest.fixture
def attacker(server: Server) -> Iterator[str]:
    """Serve the attacker's page from another origin (localhost, another port)."""
    page = _attacker_page(server.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _count_queries(server: Server, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every query that reaches the server's worker processes."""
    ran: list[str] = []
    run = server.pool.run

    def recording(request: tuple, timeout: float) -> tuple:
        ran.append(request[0])
        return run(request, timeout)

    monkeypatch.setattr(server.pool, "run", recording)
    return ran


def test_a_page_of_another_origin_cannot_make_the_browser_query(
    server: Server, attacker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = _count_queries(server, monkeypatch)
    with browser((server.url, attacker.rstrip("/"))) as (context, rec):
        page = rec.watch(context.new_page())
        page.goto(attacker)
        page.wait_for_function("document.getElementById('out').textContent !== '…'")
        page.wait_for_timeout(1500)  # the image and the form
        assert page.locator("#out").inner_text() == "blocked"
        sent = [u for u in rec.requests if u.startswith(server.url)]
        vias = {
            urllib.parse.parse_qs(urllib.parse.urlsplit(u).query).get("via", ["form"])[0]
            for u in sent
        }
        assert vias == {"img", "no-cors", "cors", "form"}  # the browser did send them all
        assert ran == []  # and none of them ran a query
        # the server's own page may query it
        page.goto(server.url + "/?" + urllib.parse.urlencode({"query": QUERY}))
        assert "U.S. Special Forces" in page.locator("table").inner_text()
        assert ran == [QUERY]


def test_dns_rebinding_cannot_read_the_server(server: Server) -> None:
    port = server.address[1]
    rebound = f"http://rebind.test:{port}"
    with browser((server.url, rebound)) as (context, rec):
        page = rec.watch(context.new_page())
        response = page.goto(rebound + "/sparql?" + urllib.parse.urlencode({"query": QUERY}))
        assert response is not None and response.status == 403
        assert "DNS rebinding" in page.locator("body").inner_text()
        # the same server under its own address answers
        response = page.goto(server.url + "/sparql?" + urllib.parse.urlencode({"query": QUERY}))
        assert response is not None and response.status == 200
