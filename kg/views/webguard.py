"""Who may talk to ``kg serve``: the Host header, the requesting origin, the token.

A server on 127.0.0.1 is reachable from every web page the analyst opens: the page cannot read a
cross-origin answer, but it can send requests (``<img src>``, forms, ``fetch`` in ``no-cors``
mode), and with DNS rebinding (``evil.example`` first resolving to the attacker, then to
127.0.0.1) it becomes same-origin with the server and can read everything. Two checks close this:

- **Host**: a rebinding page sends ``Host: evil.example``, which names no address the server is
  bound to. Only the bound address, the loopback names when bound to loopback, any IP literal
  when bound to all interfaces, and names given with ``--allow-host`` are accepted.
- **Origin**: browsers say where a request comes from (``Origin``, and ``Sec-Fetch-Site`` on
  every request, even ``<img src>``). A request from another origin is refused unless it carries
  the server's token (``Authorization: Bearer TOKEN``, which a page can only send through a CORS
  preflight that the server answers). A top-level navigation (a link followed, a bookmark) to an
  HTML page is allowed: the page is shown to the analyst, never to the site that linked it.

Programs that are not browsers (curl, SPARQLWrapper, rdflib) send neither header and are served:
they run as a local user, who can read the store anyway.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg import errors

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
_SAFE_SITES = frozenset({"same-origin", "none"})  # "none": typed, bookmarked, opened by the user


def host_name(header: str) -> str:
    """Return the host part of a ``Host`` header, lower-cased, without port or brackets."""
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:7878
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    return name == "localhost" or (_is_ip(name) and ipaddress.ip_address(name).is_loopback)


@dataclass(frozen=True)
class Guard:
    """The checks of one server: the address it is bound to, extra names, the token."""

    bound: str
    port: int
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    token: str | None = None

    @classmethod
    def for_server(
        cls, bound: str, port: int, allow_hosts: Iterable[str] = (), token: str | None = None
    ) -> Guard:
        names = {host_name(h) for h in allow_hosts if h.strip()}
        return cls(host_name(bound) if bound else "", port, frozenset(names), token or None)

    def host_allowed(self, header: str | None) -> bool:
        """Say whether a request's ``Host`` header names this server."""
        if header is None:
            return True  # HTTP/1.0 without Host: no browser sends that
        name = host_name(header)
        if name in self.allowed_hosts or name == self.bound:
            return True
        if self.bound in WILDCARDS:
            return name == "localhost" or _is_ip(name)
        return _is_loopback(self.bound) and name in LOOPBACK_NAMES

    def check_host(self, header: str | None) -> None:
        if not self.host_allowed(header):
            shown = self.bound if self.bound not in WILDCARDS else "127.0.0.1"
            if ":" in shown:
                shown = f"[{shown}]"
            raise errors.foreign_host(str(header), f"http://{shown}:{self.port}/")

    def token_matches(self, authorization: str | None) -> bool:
        if not self.token or not authorization:
            return False
        scheme, _, value = authorization.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), self.token.encode()
        )

    def cors_origin(
        self, method: str, headers: Mapping[str, str], navigable: bool
    ) -> tuple[bool, str | None]:
        """Return (allowed, origin to name in ``Access-Control-Allow-Origin`` or None).

        ``headers`` maps lower-case header names to values; ``navigable`` says whether the
        resource is an HTML page that a link from another site may open.
        """
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site")
        own = "http://" + headers.get("host", "")
        foreign_origin = origin is not None and origin != own
        if not foreign_origin and (site is None or site in _SAFE_SITES):
            return True, None
        if (
            navigable
            and method in ("GET", "HEAD")
            and headers.get("sec-fetch-mode") == "navigate"
            and headers.get("sec-fetch-dest") == "document"
        ):
            return True, None
        if self.token_matches(headers.get("authorization")):
            return True, origin if foreign_origin else None
        return False, None
