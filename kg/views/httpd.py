"""The HTTP listener of ``kg serve``: waitress, with limits a hostile client cannot get around.

kg does not parse HTTP itself. waitress (a pure-Python WSGI server, no dependencies, in use for
over a decade) reads requests on one event loop and hands complete ones to a few threads, so a
slow or silent client holds a socket, never a thread. It refuses a negative, signed or non-numeric
``Content-Length`` (400), decodes chunked bodies before the application sees them (keep-alive stays
in step), caps header and body sizes (431/413) and buffers answers so that a client that does not
read them holds no thread either.

What waitress lacks is added here:

- **a deadline per request**: waitress closes a connection after ``idle_timeout`` seconds without
  traffic, but a client dripping one byte a second is never idle; a request that is not complete
  ``request_deadline`` seconds after its first byte is dropped;
- **poll, not select**, so that more than 1,024 open connections do not break the loop, and a
  connection limit well above what half-open connections from one page can reach.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer

CONNECTION_LIMIT = 2000  # open sockets (each a few KB); half-open ones are dropped by the timers
HEADER_LIMIT = 64 * 1024  # bytes of request line and headers; a GET query fits in it


class _Parser(HTTPRequestParser):
    """A request parser that remembers when its first byte arrived."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.monotonic()


class _Channel(HTTPChannel):
    parser_class = _Parser


class _Listener(TcpWSGIServer):
    channel_class = _Channel
    request_deadline = 60.0

    def maintenance(self, now: float) -> None:
        """Close idle connections (waitress) and requests past their deadline (kg)."""
        super().maintenance(now)
        late = time.monotonic() - self.request_deadline
        for channel in list(self.active_channels.values()):
            request = channel.request
            if request is not None and not request.completed and request.started < late:
                channel.will_close = True


class HTTPServer:
    """A WSGI application served on ``host:port`` in a background thread."""

    def __init__(
        self,
        app: Callable[..., Any],
        host: str,
        port: int,
        *,
        threads: int,
        max_body: int,
        max_response: int,
        idle_timeout: float,
        request_deadline: float,
    ) -> None:
        adj = Adjustments(
            host=host,
            port=port,
            threads=threads,
            ident="kg",
            connection_limit=CONNECTION_LIMIT,
            backlog=1024,
            channel_timeout=idle_timeout,
            # the timers are checked at this interval (and at each loop turn, at most 1 s apart)
            cleanup_interval=max(0.2, min(idle_timeout, request_deadline) / 4),
            max_request_header_size=HEADER_LIMIT,
            max_request_body_size=max_body,
            # buffer a whole answer: a client that does not read it then holds no thread
            outbuf_high_watermark=max_response + (1 << 20),
            asyncore_use_poll=True,
            # whole seconds: waitress reads it as an int (0.5 was 0: a loop that never slept
            # and took a core of the machine from the query workers)
            asyncore_loop_timeout=1,
            expose_tracebacks=False,
            log_socket_errors=False,
        )
        self._server = _Listener(app, adj=adj)
        self._server.request_deadline = request_deadline
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        return str(self._server.effective_host), int(self._server.effective_port)

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True, name="kg-httpd")
        self._thread.start()

    def close(self) -> None:
        """Stop accepting, close every connection, stop the threads."""
        from waitress import wasyncore

        server = self._server
        if self._thread is not None and self._thread.is_alive():
            # close the sockets in the loop's own thread; the loop ends when none is left
            try:
                server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            except OSError:  # the loop is already closing them, its trigger first
                wasyncore.close_all(server._map)
            self._thread.join(10)
        else:
            wasyncore.close_all(server._map)
        server.task_dispatcher.shutdown(timeout=5)
