"""kg serve against a hostile web page and a hostile client (issue 15, items 2 and 7).

Every test talks to a real server on 127.0.0.1 over raw sockets or urllib, so the HTTP layer
is exercised byte for byte: a wrong Host, a foreign Origin, garbage or negative Content-Length,
chunked bodies on a kept-alive connection, idle and dripping connections, huge results.
"""

from __future__ import annotations

import errno
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from test_store_kit import doc_quads, make_extraction

from kg.store import open_store
from kg.views.serve import Server

ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("hardening") / "store")
    with open_store(location) as s:
        s.replace_document(*doc_quads(make_extraction("doc-a")))
    return location


@pytest.fixture(scope="module")
def server(store: str) -> Iterator[Server]:
    with Server(
        None,
        store,
        port=0,
        timeout=5.0,
        max_rows=100,
        max_bytes=1 << 20,
        idle_timeout=1.0,
        request_deadline=2.0,
        token="s3cret-token",
    ) as srv:
        yield srv


def _port(server: Server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _request(server: Server, path: str, headers: dict[str, str], method: str = "GET") -> tuple:
    """Send one request with ``headers`` (Host included); return (status, headers, body)."""
    req = urllib.request.Request(server.url + path, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _ask_path(query: str = ASK) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def _raw(server: Server, data: bytes, read_timeout: float = 20.0, half_close: bool = True) -> bytes:
    """Send ``data`` on a fresh connection (then half-close it), return all the server sends."""
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=read_timeout) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError as err:
            # the server answered early (e.g. 413 on the headers) and closed while the rest
            # of the body was on its way: its answer is still in our receive buffer (the
            # half-close then finds the connection gone: ENOTCONN)
            if err.errno not in (errno.ECONNRESET, errno.EPIPE, errno.ENOTCONN):
                raise
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


# ---------------------------------------------------------------- item 2: driven by a web page


def test_a_foreign_host_header_is_refused(server: Server) -> None:
    # DNS rebinding: evil.example resolves to 127.0.0.1, the browser sends Host: evil.example
    host = f"evil.example:{_port(server)}"
    status, _, body = _request(server, _ask_path(), {"Host": host})
    assert status == 403
    assert body.decode().strip() == (
        f"the Host header {host!r} does not name this server: open it as "
        f"http://127.0.0.1:{_port(server)}/ (a page that reaches kg serve under another "
        "name may be a DNS rebinding attack), or start kg serve with --allow-host NAME"
    )
    for host in (f"127.0.0.1:{_port(server)}", f"localhost:{_port(server)}"):
        assert _request(server, _ask_path(), {"Host": host})[0] == 200


def test_a_cross_origin_request_without_the_token_is_refused(server: Server) -> None:
    for headers in (
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},  # <img src=…>
        {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors", "Origin": "http://localhost:1"},
    ):
        status, resp_headers, body = _request(server, _ask_path(), headers)
        assert status == 403, headers
        assert body.decode().strip() == (
            "cross-origin requests need the token of this server: send it as "
            "'Authorization: Bearer TOKEN' (kg serve --token TOKEN)"
        )
        assert "Access-Control-Allow-Origin" not in resp_headers
    # a form posted from another site is refused as well
    status, _, _ = _request(
        server, "/sparql", {"Origin": "null", "Content-Type": "text/plain"}, method="POST"
    )
    assert status == 403


def test_same_origin_and_plain_clients_are_served(server: Server) -> None:
    assert _request(server, _ask_path(), {})[0] == 200  # curl, SPARQLWrapper: no Origin
    same = {"Origin": server.url, "Sec-Fetch-Site": "same-origin"}
    assert _request(server, _ask_path(), same)[0] == 200
    typed = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}  # typed in the address bar
    assert _request(server, "/", typed)[0] == 200


def test_a_cross_origin_client_with_the_token_gets_cors(server: Server) -> None:
    origin = "http://localhost:8888"
    status, headers, _ = _request(
        server,
        "/sparql",
        {
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        method="OPTIONS",
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == origin
    assert "authorization" in headers["Access-Control-Allow-Headers"].lower()
    good = {"Origin": origin, "Authorization": "Bearer s3cret-token"}
    status, headers, body = _request(server, _ask_path(), good)
    assert (status, headers["Access-Control-Allow-Origin"]) == (200, origin)
    assert b'"boolean":true' in body.replace(b" ", b"")
    bad = {"Origin": origin, "Authorization": "Bearer guess"}
    assert _request(server, _ask_path(), bad)[0] == 403


def test_responses_forbid_framing_and_cross_origin_embedding(server: Server) -> None:
    _, headers, _ = _request(server, "/", {})
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    _, headers, _ = _request(server, _ask_path(), {})
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


# ---------------------------------------------------------------- item 7: denial of service


def _post_head(server: Server, length: str, extra: str = "") -> bytes:
    return (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{_port(server)}\r\n"
        f"Content-Type: application/sparql-query\r\nContent-Length: {length}\r\n{extra}\r\n"
    ).encode()


def test_negative_content_length_is_refused_before_reading_the_body(server: Server) -> None:
    # the connection stays open: a server that reads "until the end" would wait for ever
    response = _raw(server, _post_head(server, "-1") + b"x" * 4096, 10.0, half_close=False)
    assert _status(response) == 400


def test_garbage_content_length_is_a_400(server: Server) -> None:
    for value in ("abc", "+10", "1e3", "10, 10"):
        response = _raw(server, _post_head(server, value) + ASK.encode())
        assert _status(response) == 400, value


def test_a_body_over_the_cap_is_413_also_when_chunked(server: Server) -> None:
    big = 2 << 20
    assert _status(_raw(server, _post_head(server, str(big)) + b"#" * big)) == 413
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{_port(server)}\r\n"
        "Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"#" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(40)) + b"0\r\n\r\n"
    assert _status(_raw(server, head + body)) == 413


def test_chunked_body_then_a_second_request_on_the_same_connection(server: Server) -> None:
    port = _port(server)
    query = b"SELECT ?o WHERE { id:FOES kg:basedIn ?o }"
    first = (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/csv\r\n"
        "Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode() + b"%x\r\n%s\r\n0\r\n\r\n" % (len(query), query)
    second = (
        f"GET {_ask_path()} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/csv\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    response = _raw(server, first + second)
    answers = response.split(b"HTTP/1.1 ")[1:]
    assert [a[:3] for a in answers] == [b"200", b"200"]
    assert answers[0].endswith(b"o\r\nhttps://w3id.org/newskg/id/Lima\r\n")
    assert answers[1].endswith(b"\r\n\r\ntrue")


def test_result_bytes_are_bounded_not_only_rows(server: Server) -> None:
    # one row; each step doubles the string: 1 KiB → 2 MiB after 11 steps, over the 1 MiB cap
    steps = "".join(f" BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(11))
    query = f'SELECT ?v11 WHERE {{ BIND("{"x" * 1024}" AS ?v0){steps} }}'
    status, _, body = _request(server, _ask_path(query), {"Accept": "text/csv"})
    assert (status, body.decode().strip()) == (
        400,
        "the result is larger than 1048576 bytes: add a LIMIT or select fewer or shorter values",
    )
    assert _request(server, _ask_path(), {})[0] == 200


def test_an_idle_connection_is_closed(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=15) as sock:
        assert sock.recv(1024) == b""  # closed by the server (our own timeout would raise)


def test_a_dripping_request_is_cut_at_the_deadline(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=15) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n")
        closed = False
        for _ in range(60):  # one byte every 0.25 s keeps an idle timer happy for ever
            try:
                sock.sendall(b"X")
            except OSError:
                closed = True
                break
            time.sleep(0.25)
            sock.setblocking(False)
            try:
                closed = sock.recv(1024) == b""
            except BlockingIOError:
                pass
            except OSError:
                closed = True
            sock.setblocking(True)
            if closed:
                break
        assert closed  # within the 15 s of dripping: the 2 s deadline, not the idle timer


def test_many_half_open_connections_do_not_lock_out_a_client(store: str) -> None:
    # the default timers (30 s idle, 60 s per request) are far away: this is about capacity
    with Server(None, store, port=0, workers=1) as srv:
        port = _port(srv)
        held = []
        try:
            for _ in range(1000):
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
                held.append(sock)
            # answered (the old server never answered: every thread sat on a silent socket)
            status, _, _ = _request(srv, _ask_path(), {})
            assert status == 200
        finally:
            for sock in held:
                sock.close()


def test_a_link_from_another_site_opens_a_page_but_not_the_endpoint(server: Server) -> None:
    link = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    document = {**link, "Sec-Fetch-Dest": "document"}
    assert _request(server, "/", document)[0] == 200  # shown to the analyst, not to the site
    assert _request(server, _ask_path(), document)[0] == 403  # the API is not a page
    assert _request(server, "/", {**link, "Sec-Fetch-Dest": "iframe"})[0] == 403


@pytest.mark.parametrize(
    ("bound", "host", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1:7878", True),
        ("127.0.0.1", "localhost:7878", True),
        ("127.0.0.1", "[::1]:7878", True),
        ("127.0.0.1", "rebind.test:7878", False),
        ("127.0.0.1", "127.0.0.1.rebind.test", False),
        ("127.0.0.1", "kg.internal", True),  # --allow-host kg.internal
        ("192.0.2.7", "192.0.2.7:7878", True),
        ("192.0.2.7", "localhost:7878", False),
        ("0.0.0.0", "192.0.2.7:7878", True),  # any address of the machine
        ("0.0.0.0", "rebind.test", False),
    ],
)
def test_host_check(bound: str, host: str, allowed: bool) -> None:
    from kg.views.webguard import Guard

    guard = Guard.for_server(bound, 7878, allow_hosts=["kg.internal"])
    assert guard.host_allowed(host) is allowed
