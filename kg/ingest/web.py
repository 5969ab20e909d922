"""Fetching ``http(s)://`` URLs (pages and feeds) within limits.

Fetching is bounded on every axis a hostile or broken server could stretch: a timeout per
request, a cap on the bytes read, and a cap on redirects. Errors become a ``failed`` status with a
readable reason (offline, DNS failure, HTTP 404…), never a traceback, and the batch goes on.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg import __version__, errors

USER_AGENT = f"kg/{__version__} (+offline knowledge-graph builder)"


@dataclass
class Fetched:
    """A fetched resource."""

    url: str  # the final URL, after redirects
    data: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""
    status: int = 200


def _redirects(limit: int) -> urllib.request.HTTPRedirectHandler:
    """A redirect handler that gives up after ``limit`` redirects (urllib's default is 10)."""
    handler = type(
        "BoundedRedirects",
        (urllib.request.HTTPRedirectHandler,),
        {"max_redirections": limit, "max_repeats": min(limit, 4)},
    )
    return handler()


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
        timeout: Seconds for the connection and each read.
        max_bytes: Larger responses are refused.
        max_redirects: Redirects followed before giving up.
        etag: Sent as ``If-None-Match`` (a feed poll that has not changed answers 304).
        last_modified: Sent as ``If-Modified-Since``.

    Returns:
        The response; ``status`` is 304 (and ``data`` empty) when the resource has not changed.

    Raises:
        InputError: ``fetch_failed`` (unreachable, HTTP error, timeout, too many redirects) or
            ``too_large``.
    """
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise errors.fetch_failed(url, "only http:// and https:// addresses can be fetched")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_redirects(max_redirects))
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise errors.too_large(url, max_bytes)
            data = response.read(max_bytes + 1)
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
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return Fetched(
                url=url,
                data=b"",
                content_type="",
                etag=etag,
                last_modified=last_modified,
                status=304,
            )
        if 300 <= err.code < 400:
            raise errors.fetch_failed(url, f"more than {max_redirects} redirects") from None
        raise errors.fetch_failed(url, f"HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise errors.fetch_failed(url, _describe(err.reason)) from None
    except TimeoutError:
        raise errors.fetch_failed(url, f"no answer within {timeout:g} seconds") from None
    except (OSError, ValueError) as err:
        raise errors.fetch_failed(url, _describe(err)) from None


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
