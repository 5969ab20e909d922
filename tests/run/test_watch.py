"""`kg watch`: polls a feed on 127.0.0.1, ingests only new or changed items, survives errors."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kg import errors
from kg.cli import main
from kg.run.watch import parse_interval, watch


def _rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>https://wire.example.net/{t.lower().replace(' ', '-')}"
        f"</link><pubDate>Tue, 02 Dec 2025 08:00:00 GMT</pubDate><description>{d}</description>"
        "</item>"
        for t, d in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
    return f"{head}{body}</channel></rss>".encode()


class _Feed(BaseHTTPRequestHandler):
    body = b""
    etag = '"v1"'
    status = 200
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        cls = type(self)
        cls.requests.append(self.headers.get("If-None-Match") or "")
        if cls.status != 200:
            self.send_response(cls.status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == cls.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", cls.etag)
        self.send_header("Content-Length", str(len(cls.body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(cls.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_server() -> Iterator[str]:
    _Feed.body = _rss(
        [
            ("Peru drill", "The Peruvian Navy trained with the Chilean Navy off Callao."),
            ("Colombia talks", "Colombia's Defense Minister met NATO officials in Bogota."),
        ]
    )
    _Feed.etag, _Feed.status, _Feed.requests = '"v1"', 200, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200), ("1h30m", 5400), ("45", 45)]
)
def test_parse_interval(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


def test_bad_interval_is_a_clear_error() -> None:
    with pytest.raises(errors.InputError) as exc:
        parse_interval("soon")
    assert str(exc.value) == "invalid interval 'soon'. Write a number with a unit: 30s, 15m, 2h."


@pytest.mark.slow
def test_watch_ingests_only_new_or_changed_and_survives_errors(
    feed_server: str, tmp_path: Path
) -> None:
    from kg.store import open_store

    lines: list[str] = []

    def between_polls(_: float) -> None:
        # what happens to the feed before the next poll, poll after poll
        step = sum(" poll " in ln for ln in lines)
        if step == 2:  # a new item and a changed one
            _Feed.body = _rss(
                [
                    ("Peru drill", "The Peruvian Navy trained with the Chilean Navy off Callao."),
                    ("Colombia talks", "Colombia's Defense Minister met NATO leaders in Bogota."),
                    ("Brazil aid", "The Brazilian Army deployed engineers to Haiti."),
                ]
            )
            _Feed.etag = '"v2"'
        elif step == 3:
            _Feed.status = 503  # the feed goes down
        elif step == 4:
            _Feed.status = 200
            _Feed.body, _Feed.etag = b"<rss><channel><item>", '"v3"'  # and comes back broken

    store = tmp_path / "store"
    polls = watch(
        [feed_server], store=str(store), every=0, max_polls=5, log=lines.append,
        sleep=between_polls,
    )  # fmt: skip
    got = [(p.built, p.unchanged, p.failed, bool(p.error)) for p in polls]
    assert got == [
        (2, 0, 0, False),  # first poll: both items
        (0, 1, 0, False),  # not modified (304): the feed counts as one unchanged input
        (2, 1, 0, False),  # one new, one changed; the third item is unchanged, not rebuilt
        (0, 0, 1, False),  # down: logged, and the watcher goes on
        (0, 0, 1, False),  # malformed: the same
    ]
    assert _Feed.requests[1] == '"v1"'  # the second poll was a conditional request
    assert any("failed" in ln and "HTTP 503" in ln for ln in lines)
    assert any("malformed feed" in ln for ln in lines)
    with open_store(str(store), read_only=True) as db:
        assert len(db.documents()) == 3  # the changed item replaced its graph, no duplicate


@pytest.mark.slow
def test_watch_cli_bounded(
    feed_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["watch", feed_server, "--store", str(tmp_path / "s"), "--every", "0s", "--max-polls", "2"]
    )
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[0].endswith("poll 1: 2 new or changed, 0 unchanged, 0 skipped, 0 failed")
    assert out[1].endswith("poll 2: 0 new or changed, 1 unchanged, 0 skipped, 0 failed")
