"""Fetching ``http(s)://`` URLs (pages and feeds) within limits.

Fetching is bounded on every axis a hostile or broken server could stretch: one deadline for the
whole request (name lookup, connection, redirects, headers and body: a server sending a byte a
second cannot stretch it), a cap on the bytes read, a cap on redirects, and only ``http`` and
``https`` addresses, also as redirect targets (no ``ftp:``, ``file:`` or ``data:`` handler is
even installed). Errors become a ``failed`` status with a readable reason (offline, DNS failure,
HTTP 404…), never a traceback, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from kg import __version__, errors

USER_AGENT = f"kg/{__version__} (+offline knowledge-graph builder)"
_SCHEMES = ("http", "https")


@dataclass
class Fetched:
    """A fetched resource."""

    url: str  # the final URL, after redirects
    data: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""
    status: int = 200


class Deadline:
    """One time limit for a whole fetch. A socket timeout bounds each read only, so a server that
    sends a byte a second keeps it from firing; instead, when the deadline passes, a timer shuts
    down every connection the fetch opened, and the blocked read returns at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.001, self._end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it has passed)."""
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # the plain socket's shutdown, also for a TLS socket: it acts on the connection (a blocked
    # recv in the fetching thread returns), without touching the TLS state that thread uses
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def resolve(host: str, port: int, deadline: Deadline) -> list[Any]:
    """``getaddrinfo`` within the deadline. The resolver cannot be interrupted and ignores socket
    timeouts, so it runs in a thread of its own that is left behind when the deadline passes."""
    answer: list[Any] = []
    done = threading.Event()

    def run() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except OSError as err:
            answer.append(err)
        done.set()

    threading.Thread(target=run, name="kg-resolve", daemon=True).start()
    done.wait(deadline.remaining())
    if not answer:
        raise TimeoutError(f"resolving {host} took longer than the deadline")
    if isinstance(answer[0], OSError):
        raise answer[0]
    return list(answer[0])


def _watched(base: type[http.client.HTTPConnection], deadline: Deadline) -> Any:
    """``base`` (HTTP or HTTPS connection) whose sockets the deadline shuts down."""

    class Watched(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            create: Any = getattr(self, "_create_connection")  # noqa: B009 - typeshed lacks it

            def create_watched(address: tuple[str, int], *a: Any, **kw: Any) -> socket.socket:
                failure: OSError = OSError(f"no address for {address[0]}")
                for *_, sockaddr in resolve(address[0], address[1], deadline):
                    try:  # a numeric address: create_connection resolves nothing more
                        sock = create((sockaddr[0], sockaddr[1]), *a, **kw)
                    except OSError as err:
                        failure = err
                        continue
                    deadline.watch(sock)  # before a TLS handshake, which could be slow too
                    return sock
                raise failure

            setattr(self, "_create_connection", create_watched)  # noqa: B010

        def connect(self) -> None:
            self.timeout = deadline.remaining()  # a redirect's connection gets what is left
            super().connect()
            deadline.watch(self.sock)  # the TLS socket that replaced the plain one

    return Watched


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._connection = _watched(http.client.HTTPConnection, deadline)

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(self._connection, req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._connection = _watched(http.client.HTTPSConnection, deadline)

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(self._connection, req, context=getattr(self, "_context", None))


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to ``http(s)://`` addresses (at most ``max_redirections``)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urljoin(req.full_url, location.strip())
            if urlsplit(target).scheme.lower() not in _SCHEMES:
                fp.close()
                raise errors.redirect_refused(self.url, target)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _redirects(url: str, limit: int) -> _Redirects:
    """A redirect handler that gives up after ``limit`` redirects (urllib's default is 10)."""
    bounded = type(
        "BoundedRedirects", (_Redirects,), {"max_redirections": limit, "max_repeats": min(limit, 4)}
    )
    return bounded(url)


def _opener(url: str, deadline: Deadline, max_redirects: int) -> urllib.request.OpenerDirector:
    """An opener with http(s) handlers only (``build_opener`` adds ftp, file and data)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _HTTP(deadline),
        _HTTPS(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _redirects(url, max_redirects),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def fetch(
    url: str,
    *,
    timeout: float = 20.0,
    max_bytes: int = 20_000_000,
    max_redirects: int = 5,
    etag: str = "",
    last_modified: str = "",
) -> Fetched:
    """GET ``url`` within limits.

    Args:
        url: An ``http://`` or ``https://`` address.
        timeout: Seconds for the whole request: connecting, redirects, headers and body.
        max_bytes: Larger responses are refused.
        max_redirects: Redirects followed before giving up (only to http(s) addresses).
        etag: Sent as ``If-None-Match`` (a feed poll that has not changed answers 304).
        last_modified: Sent as ``If-Modified-Since``.

    Returns:
        The response; ``status`` is 304 (and ``data`` empty) when the resource has not changed.

    Raises:
        InputError: ``fetch_failed`` (unreachable, HTTP error, too many redirects),
            ``fetch_timed_out``, ``redirect_refused`` or ``too_large``.
    """
    if urlsplit(url).scheme.lower() not in _SCHEMES:
        raise errors.fetch_failed(url, "only http:// and https:// addresses can be fetched")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = Deadline(timeout)
    opener = _opener(url, deadline, max_redirects)
    request = urllib.request.Request(url, headers=headers)
    try:
        with deadline, opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise errors.too_large(url, max_bytes)
            data = response.read(max_bytes + 1)
            if deadline.expired:  # the read ended because the connection was shut down
                raise errors.fetch_timed_out(url, timeout)
            if len(data) > max_bytes:
                raise errors.too_large(url, max_bytes)
            return Fetched(
                url=response.geturl(),
                data=data,
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                status=response.status,
            )
    except errors.KGError:
        raise
    except urllib.error.HTTPError as err:
        err.close()
        if err.code == 304:
            return Fetched(
                url=url,
                data=b"",
                content_type="",
                etag=etag,
                last_modified=last_modified,
                status=304,
            )
        if 300 <= err.code < 400 and str(err.msg).startswith(_Redirects.inf_msg):
            raise errors.fetch_failed(url, f"more than {max_redirects} redirects") from None
        raise errors.fetch_failed(url, f"HTTP {err.code} {err.reason}") from None
    except (OSError, ValueError, http.client.HTTPException) as err:
        if deadline.expired or isinstance(err, TimeoutError):
            raise errors.fetch_timed_out(url, timeout) from None
        reason = err.reason if isinstance(err, urllib.error.URLError) else err
        if isinstance(reason, TimeoutError):
            raise errors.fetch_timed_out(url, timeout) from None
        raise errors.fetch_failed(url, _describe(reason)) from None


def _describe(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "the host name cannot be resolved (offline, or a wrong address?)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "no answer in time (offline, or the server is down?)"
    if isinstance(reason, OSError) and reason.errno == 101:
        return "the network is unreachable (offline?)"
    return str(reason)
