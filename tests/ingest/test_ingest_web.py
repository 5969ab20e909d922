"""Pages, feeds, JSON Lines archives, stdin and URLs (served from a local HTTP server)."""

from __future__ import annotations

import contextlib
import io
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kg import errors
from kg.ingest import IngestOptions, iter_documents
from kg.ingest.jsonl import parse_fields
from kg.ingest.web import fetch
from kg.records import DocumentStatus

PAGE = """<!DOCTYPE html><html><head><meta charset="windows-1252">
<title>Peru and Chile hold naval drill | Example News</title>
<link rel="canonical" href="https://news.example.org/2025/12/peru-chile-drill?utm_source=rss">
<meta name="author" content="Ana Torres">
<meta property="article:published_time" content="2025-12-04T09:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Peru and Chile hold naval drill</h1>
<p>The Peruvian Navy trained with the Chilean Navy off Callao on Tuesday, officials at the
Café München said.</p>
<p>The exercise, known as Pacific Shield, brought together four frigates and two submarines
from both countries.</p>
<p>Defence Minister Walter Astudillo met his Chilean counterpart in Lima after the drill.</p>
</article><footer>Copyright 2025 Example News. All rights reserved.</footer>
<script>document.write("not article text")</script></body></html>"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Defence Wire</title><link>https://wire.example.net/</link>
<item><title>Colombia and NATO sign cooperation plan</title>
<link>https://wire.example.net/colombia-nato?utm_medium=rss</link>
<pubDate>Tue, 02 Dec 2025 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Colombia&#8217;s Defence Minister met NATO officials in
Bogot&#225;.&lt;/p&gt;</description>
</item>
<item><title>Brazil sends engineers to Haiti</title>
<link>https://wire.example.net/brazil-haiti</link>
<pubDate>Wed, 03 Dec 2025 10:30:00 GMT</pubDate>
<description>The Brazilian Army deployed an engineering company to Port-au-Prince.</description>
</item>
<item><title>Empty item</title><link>https://wire.example.net/empty</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Other Wire</title>
<id>urn:other</id><updated>2025-12-05T00:00:00Z</updated>
<entry><title>Colombia and NATO sign cooperation plan</title>
<link href="https://wire.example.net/colombia-nato"/><id>urn:1</id>
<updated>2025-12-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;Colombia&#8217;s Defence Minister met NATO officials in
Bogot&#225;.&lt;/p&gt;</content>
</entry>
<entry><title>Chile hosts UNITAS</title><link href="https://other.example.com/unitas"/><id>urn:2</id>
<updated>2025-12-06T08:00:00Z</updated>
<summary>The Chilean Navy hosted the UNITAS exercise with ships from eleven navies.</summary>
</entry></feed>"""


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path == "/slow":
            time.sleep(1.0)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # the client may have given up (the timeout test)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _Handler.routes = {
        "/page.html": (200, {"Content-Type": "text/html"}, PAGE.encode("cp1252")),
        "/article": (
            200,
            {"Content-Type": "text/html; charset=windows-1252"},
            PAGE.encode("cp1252"),
        ),
        "/feed.rss": (200, {"Content-Type": "application/rss+xml"}, RSS.encode()),
        "/feed": (200, {"Content-Type": "application/atom+xml"}, ATOM.encode()),
        "/plain": (200, {"Content-Type": "text/plain; charset=utf-8"}, "Café München.\n".encode()),
        "/moved": (302, {"Location": "/plain"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/big": (200, {"Content-Type": "text/plain"}, b"x" * 5000),
        "/broken.rss": (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item>"),
        "/slow": (200, {"Content-Type": "text/plain"}, b"late\n"),
        "/linked.rss": (200, {"Content-Type": "application/rss+xml"}, b""),  # set by the test
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _collect(sources: list[str], **kw: object) -> tuple[list, list[DocumentStatus]]:
    skipped: list[DocumentStatus] = []
    docs = list(iter_documents(sources, on_skip=skipped.append, **kw))  # type: ignore[arg-type]
    return docs, skipped


# ---------------------------------------------------------------- HTML


def test_html_file_main_text_and_metadata(tmp_path: Path) -> None:
    f = tmp_path / "saved.html"
    f.write_bytes(PAGE.encode("cp1252"))
    (doc,), skipped = _collect([str(f)])
    assert skipped == []
    assert "Café München" in doc.text  # the <meta charset> was honoured
    assert "Pacific Shield" in doc.text
    assert (
        "Home" not in doc.text and "Copyright" not in doc.text and "document.write" not in doc.text
    )
    assert doc.title == "Peru and Chile hold naval drill"
    assert doc.published == "2025-12-04"
    assert doc.id.startswith("news.example.org-2025-12-peru-chile-drill-")  # canonical URL
    assert doc.source == str(f)


def test_html_without_text_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><body><nav>Menu</nav></body></html>", "utf-8")
    (tmp_path / "ok.txt").write_text("A story.\n", "utf-8")
    docs, skipped = _collect([str(tmp_path)])
    assert [d.id for d in docs] == [f"ok-{docs[0].sha256[:8]}"]
    assert [(s.status, s.reason) for s in skipped] == [
        ("skipped", "no article text found in the page")
    ]


def test_small_html_page_falls_back_to_paragraphs(tmp_path: Path) -> None:
    f = tmp_path / "tiny.htm"
    f.write_text("<html><head><title>T</title></head><body><p>One short line.</p></body></html>")
    (doc,) = iter_documents([str(f)])
    assert doc.text == "One short line."
    assert doc.title == "T"


# ---------------------------------------------------------------- feeds


def test_rss_file_entries_become_documents(tmp_path: Path) -> None:
    f = tmp_path / "wire.rss"
    f.write_text(RSS, encoding="utf-8")
    docs, skipped = _collect([str(f)])
    assert [d.title for d in docs] == [
        "Colombia and NATO sign cooperation plan",
        "Brazil sends engineers to Haiti",
    ]
    assert docs[0].text == "Colombia’s Defence Minister met NATO officials in Bogotá."
    assert docs[0].published == "2025-12-02"
    assert docs[0].source == "https://wire.example.net/colombia-nato"  # tracking parameter dropped
    assert docs[0].id.startswith("wire.example.net-colombia-nato-")
    assert [(s.status, s.reason) for s in skipped] == [("skipped", "feed entry has no text")]


def test_same_story_in_two_feeds_is_counted_once(server: str) -> None:
    docs, skipped = _collect([f"{server}/feed.rss", f"{server}/feed"])
    titles = [d.title for d in docs]
    assert titles.count("Colombia and NATO sign cooperation plan") == 1
    assert "Chile hosts UNITAS" in titles
    dupes = [s for s in skipped if s.reason.startswith("duplicate of")]
    assert len(dupes) == 1
    assert dupes[0].reason == "duplicate of https://wire.example.net/colombia-nato"


def test_malformed_feed_fails_and_batch_goes_on(server: str) -> None:
    docs, skipped = _collect([f"{server}/broken.rss", f"{server}/plain"])
    assert len(docs) == 1
    assert skipped[0].source == f"{server}/broken.rss"
    assert skipped[0].status == "failed"
    assert skipped[0].reason.startswith("malformed feed")


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_archive_streams_with_per_line_errors(tmp_path: Path) -> None:
    f = tmp_path / "archive.jsonl"
    rows = [
        {"id": "a-1", "title": "First", "text": "The Army trained.", "published": "2025-01-02"},
        "not json",
        {"id": "a-2", "text": ""},
        {"url": "https://x.example/story", "text": "Navy ships arrived in Lima."},
        {"text": "No id, no url: a content hash names it."},
    ]
    f.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", "utf-8"
    )
    docs, skipped = _collect([str(f)])
    assert docs[0].id == f"a-1-{docs[0].sha256[:8]}"  # the archive's id and the text's hash
    assert docs[0].title == "First" and docs[0].published == "2025-01-02"
    assert docs[0].source == f"{f}:1"
    assert docs[1].id.startswith("x.example-story-") and docs[1].source == "https://x.example/story"
    assert docs[2].id == f"doc-{docs[2].sha256[:12]}"
    assert [(s.source, s.status) for s in skipped] == [(f"{f}:2", "failed"), (f"{f}:3", "skipped")]
    assert skipped[0].reason.startswith("line is not valid JSON")
    assert skipped[1].reason == "no text in field 'text'"


def test_jsonl_field_names_are_configurable(tmp_path: Path) -> None:
    f = tmp_path / "a.ndjson"
    f.write_text(json.dumps({"guid": "g1", "headline": "H", "body": "Some body text."}) + "\n")
    opts = IngestOptions(jsonl_fields=parse_fields(["id=guid", "title=headline", "text=body"]))
    (doc,) = iter_documents([str(f)], options=opts)
    assert (doc.id, doc.title, doc.text) == (f"g1-{doc.sha256[:8]}", "H", "Some body text.")


def test_bad_field_spec_is_a_clear_error() -> None:
    with pytest.raises(errors.InputError) as exc:
        parse_fields(["body"])
    assert (
        str(exc.value) == "invalid --jsonl-field 'body'. Write FIELD=NAME, for example text=body."
    )
    with pytest.raises(errors.InputError):
        parse_fields(["byline=by"])


# ---------------------------------------------------------------- stdin


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(io.BytesIO(data))


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin("Café München hosted the talks.\n".encode("cp1252")))
    (doc,) = iter_documents(["-"])
    assert doc.text == "Café München hosted the talks.\n"
    assert doc.source == "stdin" and doc.id == f"stdin-{doc.sha256[:8]}"


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\n'
    monkeypatch.setattr(sys, "stdin", _Stdin(lines))
    assert [d.id.split("-")[0] for d in iter_documents(["-"])] == ["s1", "s2"]


# ---------------------------------------------------------------- URLs


def test_url_page_uses_header_charset_and_canonical_id(server: str) -> None:
    (doc,) = iter_documents([f"{server}/article"])
    assert "Café München" in doc.text
    assert doc.source == f"{server}/article"
    assert doc.id.startswith("news.example.org-2025-12-peru-chile-drill-")


def test_redirect_is_followed(server: str) -> None:
    (doc,) = iter_documents([f"{server}/moved"])
    assert doc.text == "Café München.\n"


def test_redirect_loop_and_404_fail_with_reasons(server: str) -> None:
    docs, skipped = _collect([f"{server}/loop", f"{server}/missing", f"{server}/plain"])
    assert len(docs) == 1
    assert [s.status for s in skipped] == ["failed", "failed"]
    assert "redirect" in skipped[0].reason
    assert skipped[1].reason == (
        f"cannot fetch {server}/missing: HTTP 404 Not Found. "
        "Check the address and the network connection."
    )


def test_size_cap(server: str) -> None:
    with pytest.raises(errors.InputError) as exc:
        fetch(f"{server}/big", max_bytes=1000)
    assert str(exc.value) == errors.too_large(f"{server}/big", 1000).message


def test_timeout(server: str) -> None:
    with pytest.raises(errors.InputError) as exc:
        fetch(f"{server}/slow", timeout=0.2)
    assert str(exc.value) == errors.fetch_timed_out(f"{server}/slow", 0.2).message


def test_unreachable_host_is_a_clear_failure() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed"
    skipped: list[DocumentStatus] = []
    # a failed input is reported and counted (no "no articles found" error): the report says why
    assert list(iter_documents([url], on_skip=skipped.append)) == []
    assert [s.status for s in skipped] == ["failed"]
    assert "connection refused" in skipped[0].reason


def test_same_link_with_other_summaries_is_one_story(tmp_path: Path) -> None:
    a = RSS
    b = RSS.replace("Colombia&#8217;s Defence Minister met", "The Colombian minister met")
    (tmp_path / "a.rss").write_text(a, encoding="utf-8")
    (tmp_path / "b.rss").write_text(b, encoding="utf-8")
    docs, skipped = _collect([str(tmp_path / "a.rss"), str(tmp_path / "b.rss")])
    assert len(docs) == 2  # the two stories of the first feed
    assert sorted(s.reason for s in skipped if s.reason.startswith("duplicate")) == [
        "duplicate of https://wire.example.net/brazil-haiti",
        "duplicate of https://wire.example.net/colombia-nato",
    ]


def test_republished_copy_with_other_quotes_and_spacing_is_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text('He said "we trained together" in Lima.\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("He said “we trained  together”\nin Lima.", encoding="utf-8")
    docs, skipped = _collect([str(tmp_path)])
    assert [d.id for d in docs] == [f"a-{docs[0].sha256[:8]}"]
    assert skipped[0].reason == f"duplicate of {tmp_path / 'a.txt'}"


def test_follow_links_reads_the_full_page(server: str) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>Drill</title><link>{server}/article</link>"
        "<description>Short summary.</description></item>"
        f"<item><title>Gone</title><link>{server}/missing</link>"
        "<description>Only the summary survives.</description></item>"
        "</channel></rss>"
    )
    _Handler.routes["/linked.rss"] = (200, {"Content-Type": "application/rss+xml"}, feed.encode())
    plain = list(iter_documents([f"{server}/linked.rss"]))
    assert [d.text for d in plain] == ["Short summary.", "Only the summary survives."]
    opts = IngestOptions(follow_links=True)
    full, gone = iter_documents([f"{server}/linked.rss"], options=opts)
    assert "Pacific Shield" in full.text and "Café München" in full.text
    assert full.title == "Drill" and full.published == "2025-12-04"  # from the page
    assert gone.text == "Only the summary survives."  # a 404 keeps the summary
