"""`kg watch`: polls a feed on 127.0.0.1, ingests only new or changed items, survives errors."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
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
    on_request: Callable[[], None] | None = None  # runs while the client waits for the answer

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        cls = type(self)
        cls.requests.append(self.headers.get("If-None-Match") or "")
        if cls.on_request is not None:
            cls.on_request()
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
    _Feed.etag, _Feed.status, _Feed.requests, _Feed.on_request = '"v1"', 200, [], None
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


@pytest.mark.slow
def test_readers_are_not_locked_out_while_a_poll_fetches(feed_server: str, tmp_path: Path) -> None:
    """Issue 15, item 8: each poll fetches first and opens the store afterwards. Before, the store
    was opened for writing (readers locked out) before the feed was even requested, so a slow
    feed kept every reader out for as long as it took."""
    from kg.store.lock import take_read_lock

    store = tmp_path / "store"
    seen: list[str] = []

    def a_reader_arrives() -> None:  # while the poll waits for the feed
        if not (store / "kg.readers").exists():
            seen.append("no store yet")
            return
        try:
            locks = take_read_lock(store, wait=0)
        except errors.StoreBusy as err:
            seen.append(f"locked out by {err.holder}")
            return
        seen.append("read")
        if locks is not None:
            locks.close()

    _Feed.on_request = a_reader_arrives
    polls = watch(
        [feed_server], store=str(store), every=0, max_polls=3, log=lambda _: None,
        sleep=lambda _: None,
    )  # fmt: skip
    assert [(p.built, p.unchanged, p.error) for p in polls] == [(2, 0, ""), (0, 1, ""), (0, 1, "")]
    assert seen == ["no store yet", "read", "read"]


@pytest.mark.slow
def test_a_build_from_a_url_fetches_before_it_opens_the_store(
    feed_server: str, tmp_path: Path
) -> None:
    from kg.run.build import build
    from kg.store.lock import take_read_lock

    store = tmp_path / "store"
    build([feed_server], store=str(store))  # the store exists from now on
    _Feed.body = _rss([("Brazil aid", "The Brazilian Army deployed engineers to Haiti.")])
    _Feed.etag = '"v2"'
    seen: list[str] = []

    def a_reader_arrives() -> None:
        try:
            locks = take_read_lock(store, wait=0)
        except errors.StoreBusy as err:
            seen.append(f"locked out by {err.holder}")
            return
        seen.append("read")
        if locks is not None:
            locks.close()

    _Feed.on_request = a_reader_arrives
    report = build([feed_server], store=str(store))
    assert report.count("ok") == 1
    assert seen == ["read"]
