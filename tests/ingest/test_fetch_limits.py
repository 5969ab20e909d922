"""Fetching limits a hostile server could stretch (issue 15, item 8): one deadline for the whole
request, and http(s) only, also as a redirect's target. Served raw from 127.0.0.1."""

from __future__ import annotations

import contextlib
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from kg import errors
from kg.ingest import iter_documents
from kg.ingest.web import fetch
from kg.records import DocumentStatus

TRICKLE_BYTES = 30  # one every 0.1 s: 3 s in all, beyond the 0.5 s deadline of the tests
TIMEOUT = 0.5

_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
_ROUTES: dict[str, tuple[bytes, bytes]] = {
    # path: (sent at once, then trickled one byte every 0.1 s)
    "/trickle-body": (f"{_HEAD}Content-Length: {TRICKLE_BYTES}\r\n\r\n".encode(), b"x" * 30),
    "/trickle-unsized": (f"{_HEAD}Connection: close\r\n\r\n".encode(), b"x" * 30),
    "/trickle-head": (_HEAD.encode(), b"X-Slow: " + b"x" * 22),
    "/to-ftp": (b"HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/feed.xml\r\n", b""),
    "/to-file": (b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\n", b""),
    "/to-data": (b"HTTP/1.1 301 Moved\r\nLocation: data:text/plain,hello\r\n", b""),
    "/hop": (b"HTTP/1.1 307 Temporary\r\nLocation: /to-ftp\r\n", b""),
    "/plain": (f"{_HEAD}Content-Length: 14\r\n\r\nCafe Muenchen.".encode(), b""),
}


class _Raw(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ")[1].decode()
        first, slow = _ROUTES.get(path, (b"HTTP/1.1 404 Not Found\r\n", b""))
        if not slow and not first.endswith(b"\r\n\r\n"):
            first += b"Content-Length: 0\r\n\r\n"
        with contextlib.suppress(OSError):  # the client gave up: stop sending
            self.request.sendall(first)
            for byte in slow:
                time.sleep(0.1)
                self.request.sendall(bytes([byte]))


@pytest.fixture(scope="module")
def raw_server() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Raw)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-unsized", "/trickle-head"])
def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_deadline(
    raw_server: str, path: str
) -> None:
    # before: the timeout bounded each read, so every byte arriving within 0.5 s kept the fetch
    # going for the whole 3 s, and it succeeded (the unsized body came back whole)
    url = raw_server + path
    with pytest.raises(errors.InputError) as exc:
        fetch(url, timeout=TIMEOUT)
    assert str(exc.value) == (
        f"cannot fetch {url}: the whole answer did not arrive within 0.5 s (the limit for "
        "the request, redirects and body included). Allow more with --timeout, or try again later."
    )


def test_a_timed_out_url_is_one_failed_input_and_the_batch_goes_on(raw_server: str) -> None:
    from kg.ingest import IngestOptions

    skipped: list[DocumentStatus] = []
    docs = list(
        iter_documents(
            [f"{raw_server}/trickle-body", f"{raw_server}/plain"],
            on_skip=skipped.append,
            options=IngestOptions(timeout=TIMEOUT),
        )
    )
    assert [d.text for d in docs] == ["Cafe Muenchen."]
    assert [(s.source, s.status) for s in skipped] == [(f"{raw_server}/trickle-body", "failed")]
    assert skipped[0].reason == errors.fetch_timed_out(f"{raw_server}/trickle-body", 0.5).message


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/to-ftp", "ftp://127.0.0.1/feed.xml"),
        ("/to-file", "file:///etc/passwd"),
        ("/to-data", "data:text/plain,hello"),
        ("/hop", "ftp://127.0.0.1/feed.xml"),
    ],
)
def test_a_redirect_to_another_scheme_is_refused_with_its_own_message(
    raw_server: str, path: str, target: str
) -> None:
    # before: ftp:// was followed (urllib's FTP handler tried 127.0.0.1:21) and file: was
    # reported as "more than 5 redirects"
    url = raw_server + path
    with pytest.raises(errors.InputError) as exc:
        fetch(url, timeout=5)
    assert str(exc.value) == (
        f"cannot fetch {url}: it redirects to {target}, which is not an http:// or https:// "
        "address, and kg fetches only those. Download the document another way and pass the file."
    )


def test_the_redirect_limit_still_reads_as_such(raw_server: str) -> None:
    _ROUTES["/loop"] = (b"HTTP/1.1 302 Found\r\nLocation: /loop\r\n", b"")
    with pytest.raises(errors.InputError) as exc:
        fetch(f"{raw_server}/loop", timeout=5, max_redirects=3)
    assert (
        str(exc.value) == errors.fetch_failed(f"{raw_server}/loop", "more than 3 redirects").message
    )


def test_a_slow_name_lookup_counts_against_the_deadline(
    raw_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: the resolver ignores socket timeouts, so a fetch with a 0.5 s limit waited for the
    # whole lookup (here, until the test lets it end) before it could report anything
    import socket

    real = socket.getaddrinfo
    release, finished = threading.Event(), threading.Event()

    def slow(host: str, *args: object, **kwargs: object) -> object:
        if host == "slow-dns.invalid":
            release.wait(10)
            finished.set()
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    url = "http://slow-dns.invalid/feed.xml"
    try:
        with pytest.raises(errors.InputError) as exc:
            fetch(url, timeout=TIMEOUT)
        assert not finished.is_set()  # the fetch gave up while the lookup still ran
    finally:
        release.set()
    assert str(exc.value) == errors.fetch_timed_out(url, TIMEOUT).message
    # a host that resolves at once is fetched as before, through the same lookup
    assert fetch(f"{raw_server}/plain", timeout=5).data == b"Cafe Muenchen."
    assert fetch(raw_server.replace("127.0.0.1", "localhost") + "/plain", timeout=5).status == 200
