"""The WSGI application of ``kg serve``: requests in, responses out, the guard in between.

Every response passes through here, so every one carries the same protections: the Host and
origin checks of ``kg.views.webguard``, ``nosniff``, no framing, no cross-origin embedding, no
referrer, and on HTML pages a Content-Security-Policy that allows only the server's own scripts
and styles. Routes are plain functions ``(Request) -> Response``; the pages and their files are
package files under ``kg/views/explorer/`` (templates, static), not strings in Python.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from typing import Any

from kg import errors
from kg.views.webguard import Guard

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STATIC_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
_DIGITS = re.compile(r"^[0-9]{1,12}$")


@dataclass
class Request:
    """What a route needs of a request: method, path, parameters, lower-case headers, body."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def param(self, name: str, default: str = "") -> str:
        values = self.params.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int
    body: bytes
    media: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return cls(status, (message + "\n").encode(), "text/plain; charset=utf-8", headers or {})

    @classmethod
    def html(cls, body: str, status: int = 200) -> Response:
        return cls(status, body.encode("utf-8"), "text/html; charset=utf-8")


Handler = Callable[[Request], Response]


@dataclass
class Route:
    handler: Handler
    methods: tuple[str, ...] = ("GET", "HEAD")
    navigable: bool = False  # an HTML page a link from another site may open


def read_request(environ: dict[str, Any], max_body: int) -> Request:
    """Build a ``Request`` from a WSGI environ (waitress has decoded chunked bodies already)."""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    # waitress has refused a bad or too large Content-Length (400, 413) before we get here
    length = environ.get("CONTENT_LENGTH") or "0"
    size = min(int(length), max_body) if _DIGITS.match(length) else 0
    body = environ["wsgi.input"].read(size) if size else b""
    # PATH_INFO is the path decoded as latin-1 (PEP 3333); recover its UTF-8 characters
    raw_path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    return Request(
        environ.get("REQUEST_METHOD", "GET").upper(),
        raw_path or "/",
        urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        headers,
        body,
    )


def static_file(package: str, name: str) -> Response:
    """Answer a package file from ``package``'s ``static`` folder, or 404."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if not _STATIC_NAME.match(name) or ".." in name or suffix not in STATIC_TYPES:
        return Response.text(404, f"not found: /static/{name}")
    path = resources.files(package).joinpath("static", *name.split("/"))
    if not path.is_file():
        return Response.text(404, f"not found: /static/{name}")
    media = STATIC_TYPES[suffix]
    if media.startswith("text/") or media == "application/json":
        media += "; charset=utf-8"
    return Response(200, path.read_bytes(), media, {"Cache-Control": "max-age=3600"})


class WebApp:
    """Route requests to handlers, with the guard and the common headers around every one."""

    def __init__(self, guard: Guard, max_body: int) -> None:
        self.guard = guard
        self.max_body = max_body
        self.routes: dict[str, Route] = {}
        self.prefixes: list[tuple[str, Route]] = []

    def route(
        self, path: str, handler: Handler, methods: Iterable[str] = ("GET", "HEAD"), **kw: Any
    ) -> None:
        """Serve ``path`` (or every path under it when it ends with ``/``) with ``handler``."""
        entry = Route(handler, tuple(methods), **kw)
        if path.endswith("/") and path != "/":
            self.prefixes.append((path, entry))
        else:
            self.routes[path] = entry

    def _find(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        return next((r for prefix, r in self.prefixes if path.startswith(prefix)), None)

    def respond(self, request: Request) -> Response:
        """Answer one request (everything but the transport); never raises for bad input."""
        self.guard.check_host(request.headers.get("host"))
        entry = self._find(request.path)
        if request.method == "OPTIONS":
            return self._preflight(request, entry)
        if entry is None:
            return Response.text(404, f"not found: {request.path}")
        if request.method not in entry.methods:
            return Response.text(
                405,
                f"method {request.method} not allowed on {request.path}",
                {"Allow": ", ".join(entry.methods)},
            )
        allowed, cors = self.guard.cors_origin(request.method, request.headers, entry.navigable)
        if not allowed:
            raise errors.cross_origin()
        response = entry.handler(request)
        if cors:
            response.headers["Access-Control-Allow-Origin"] = cors
            response.headers["Vary"] = "Origin"
        return response

    def _preflight(self, request: Request, entry: Route | None) -> Response:
        origin = request.headers.get("origin")
        if entry is None or not self.guard.token or not origin:
            return Response(204, b"", "text/plain", {"Allow": "GET, HEAD, POST, OPTIONS"})
        return Response(
            204,
            b"",
            "text/plain",
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ", ".join(m for m in entry.methods if m != "HEAD"),
                "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            },
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        try:
            response = self.respond(read_request(environ, self.max_body))
        except errors.Refused as err:
            response = Response.text(err.status, err.message)
        headers = dict(COMMON_HEADERS)
        headers["Content-Security-Policy"] = (
            CSP
            if response.media.startswith("text/html")
            else "default-src 'none'; frame-ancestors 'none'"
        )
        headers.update(response.headers)
        headers["Content-Type"] = response.media
        headers["Content-Length"] = str(len(response.body))
        status = f"{response.status} {HTTPStatus(response.status).phrase}"
        start_response(status, list(headers.items()))
        return [response.body]
