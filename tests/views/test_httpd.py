"""The HTTP server's shutdown: closing never fails, whatever state the loop's thread is in."""

from __future__ import annotations

import os
import urllib.request

from kg.views.httpd import HTTPServer


def _app(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _server() -> HTTPServer:
    return HTTPServer(
        _app,
        "127.0.0.1",
        0,
        threads=1,
        max_body=1024,
        max_response=1024,
        idle_timeout=5,
        request_deadline=5,
    )


def test_a_server_closes_after_answering() -> None:
    server = _server()
    server.start()
    host, port = server.address
    with urllib.request.urlopen(f"http://{host}:{port}/", timeout=5) as answer:
        assert answer.read() == b"ok"
    server.close()
    assert server._thread is not None and not server._thread.is_alive()


def test_closing_when_the_loop_has_already_closed_its_trigger_does_not_fail() -> None:
    """Seen in CI: ``close`` pulled the trigger of a loop that had closed it (EBADF)."""
    server = _server()
    server.start()
    os.close(server._server.trigger.trigger)  # what the closing loop does to its trigger
    server.close()  # raised OSError: [Errno 9] Bad file descriptor
    assert server._thread is not None and not server._thread.is_alive()
