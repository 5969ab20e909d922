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


def test_the_loop_waits_for_its_sockets_instead_of_spinning() -> None:
    """waitress reads ``asyncore_loop_timeout`` as a whole number of seconds: the 0.5 it was
    given became 0, each poll returned at once and the idle server used a whole core."""
    import select

    server = _server()
    asked: list[float] = []
    real = select.poll

    class Poll:
        def __init__(self) -> None:
            self.poll_object = real()

        def register(self, fd: int, flags: int) -> None:
            self.poll_object.register(fd, flags)

        def poll(self, timeout: float) -> list[tuple[int, int]]:
            asked.append(timeout)
            return self.poll_object.poll(min(timeout, 50))  # the test need not wait long

    select.poll = Poll  # type: ignore[assignment,misc]
    try:
        server.start()
        host, port = server.address
        with urllib.request.urlopen(f"http://{host}:{port}/", timeout=5) as answer:
            assert answer.read() == b"ok"
    finally:
        select.poll = real  # type: ignore[misc]
        server.close()
    assert asked and min(asked) >= 1000  # milliseconds: the loop sleeps until a socket stirs
