"""The explorer's routes: stable URLs, each answering HTML for people and JSON for scripts.

    /                      search box (and the query page when ``?query=`` is given)
    /search?q=TEXT&page=N  entities by label or alias, accent- and case-insensitive
    /entity/SLUG           an entity: classes, labels, merges, and for each property its
                           number of facts and the most corroborated ones, with their evidence
    /entity/SLUG?property=NAME&page=N
                           all the entity's facts of one property, a page at a time
    /fact/HASH?page=N      a fact (its node in the merged graph) and every sentence stating it
    /document/ID?page=N    a document: its text with each fact's sentence highlighted, its facts
                           by sentence (paged)
    /network?entity=SLUG&depth=N | ?document=ID
                           the network around an entity or of a document, with a clickable
                           legend, in-page filters, focus and a side panel (vis-network); the
                           filters (confidence=, from=, to=, modality= repeated, doc=) mark the
                           facts that pass them in the JSON
    /timeline?entity=SLUG  dated facts and publications, newest first (of one entity or all)

Add ``format=json`` (or send ``Accept: application/json``) for the same data as JSON. The data
comes from the worker processes (``kg.views.explorer.data``), with the endpoint's time limit.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from kg.errors import Refused
from kg.rdf.vocab import MODALITIES, PROPERTIES
from kg.views.explorer import render
from kg.views.viz.render import vis_assets
from kg.views.webapp import Request, Response, WebApp


def wants_json(request: Request) -> bool:
    if request.param("format").lower() == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _page_number(request: Request) -> int:
    value = request.param("page", "1")
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise Refused(400, f"invalid page {value!r}: give a number from 1")
    return int(value)


_FACT_ID = re.compile(r"^[0-9a-f]{24}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _filters(request: Request) -> dict[str, Any] | None:
    """The network filters of the query string, checked (400 for a bad value), or None."""
    names = ("confidence", "from", "to", "modality", "doc")
    if not any(request.params.get(n) for n in names):
        return None
    raw = request.param("confidence", "0") or "0"
    try:
        confidence = float(raw)
    except ValueError:
        confidence = -1.0
    if not 0 <= confidence <= 1:
        raise Refused(400, f"invalid confidence {raw!r}: give a number from 0 to 1")
    dates = {}
    for name in ("from", "to"):
        value = request.param(name)
        if value and not _DATE.match(value):
            raise Refused(400, f"invalid date {name}={value!r}: give YYYY-MM-DD")
        dates[name] = value
    modalities = [m for m in request.params.get("modality", []) if m]
    for modality in modalities:
        if modality not in MODALITIES:
            raise Refused(
                400, f"invalid modality {modality!r}: give one of {', '.join(MODALITIES)}"
            )
    return {
        "confidence": confidence,
        "date_from": dates["from"],
        "date_to": dates["to"],
        "modalities": modalities,
        "document": request.param("doc"),
    }


class Explorer:
    """The pages, over a worker pool (``kg.views.serve.WorkerPool``) and the query time limit."""

    def __init__(self, pool: Any, timeout: float) -> None:
        self.pool = pool
        self.timeout = timeout

    def view(self, name: str, **args: Any) -> Any:
        status, answer = self.pool.run(("view", name, args), self.timeout)
        if status != "ok":
            headers = {"Retry-After": "2"} if status == "busy" else None
            raise _Answer(Response.text(answer[0], answer[1], headers))
        return answer

    def respond(
        self, request: Request, template: str, data: Any, status: int = 200, **extra: Any
    ) -> Response:
        if wants_json(request):
            body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
            return Response(status, body, "application/json; charset=utf-8")
        return Response.html(render(template, data=data, **extra), status)

    def not_found(self, request: Request, what: str) -> Response:
        return self.respond(request, "notfound.html", {"error": what}, status=404)

    # -- routes

    def home(self, request: Request) -> Response:
        return self.respond(request, "home.html", {})

    def search(self, request: Request) -> Response:
        q = request.param("q")
        data = self.view("search", q=q, page=_page_number(request))
        return self.respond(request, "search.html", data)

    def entity(self, request: Request) -> Response:
        slug = request.path[len("/entity/") :]
        page, prop = _page_number(request), request.param("property") or None
        if prop is not None and prop not in PROPERTIES:
            raise Refused(400, f"invalid property {prop!r}: give one of {', '.join(PROPERTIES)}")
        if prop is None and page > 1:
            raise Refused(
                400,
                f"invalid page {page} without a property: the entity's first page shows the "
                "first facts of each property; give property=NAME to page through one property",
            )
        data = self.view("entity", slug=slug, page=page, property=prop)
        if data is None:
            return self.not_found(request, f"no entity {slug!r} in this graph")
        return self.respond(request, "entity.html", data)

    def fact(self, request: Request) -> Response:
        fact = request.path[len("/fact/") :]
        data = None
        if _FACT_ID.match(fact):
            data = self.view("fact", id=fact, page=_page_number(request))
        if data is None:
            return self.not_found(request, f"no fact {fact!r} in this graph")
        return self.respond(request, "fact.html", data)

    def document(self, request: Request) -> Response:
        doc_id = request.path[len("/document/") :]
        data = self.view("document", id=doc_id, page=_page_number(request))
        if data is None:
            return self.not_found(request, f"no document {doc_id!r} in this graph")
        if wants_json(request):
            # the text cut for the page, the sentences shown with it: scripts have the text,
            # the offsets, ``unplaced`` and each sentence on its page of ``sentences``
            del data["article"], data["unplacedSentences"]
        return self.respond(request, "document.html", data)

    def timeline(self, request: Request) -> Response:
        slug = request.param("entity")
        data = self.view("timeline", slug=slug or None, page=_page_number(request))
        if data is None:
            return self.not_found(request, f"no entity {slug!r} in this graph")
        return self.respond(request, "timeline.html", data)

    def network(self, request: Request) -> Response:
        slug, doc_id = request.param("entity"), request.param("document")
        depth = request.param("depth", "1")
        if depth not in ("1", "2", "3"):
            raise Refused(400, f"invalid depth {depth!r}: give 1, 2 or 3")
        if not slug and not doc_id:
            return self.respond(
                request,
                "notfound.html",
                {"error": "give an entity (?entity=SLUG) or a document (?document=ID)"},
                status=400,
            )
        data = self.view(
            "network",
            slug=slug or None,
            id=doc_id or None,
            depth=int(depth),
            filters=_filters(request),
        )
        if data is None:
            return self.not_found(request, "no such entity or document in this graph")
        query = urllib.parse.urlencode(
            {k: v for k, v in (("entity", slug), ("document", doc_id), ("depth", depth)) if v}
        )
        return self.respond(request, "network.html", data, json_url=f"/network?{query}&format=json")


def vendor(name: str) -> Callable[[Request], Response]:
    """vis-network's script or style, as pyvis ships it (no CDN, no source map)."""

    def handle(request: Request) -> Response:
        js, css = vis_assets()
        if name.endswith(".js"):
            return Response(200, js.encode(), "text/javascript; charset=utf-8", _CACHE)
        return Response(200, css.encode(), "text/css; charset=utf-8", _CACHE)

    return handle


_CACHE = {"Cache-Control": "max-age=86400"}


class _Answer(Exception):
    """A response decided deep inside a route (a worker's refusal), passed up as is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _catching(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    def run(request: Request) -> Response:
        try:
            return handler(request)
        except _Answer as answer:
            return answer.response

    return run


def install(
    app: WebApp, pool: Any, timeout: float, query_page: Callable[[Request], Response]
) -> None:
    """Add the explorer's routes to ``app``; ``query_page`` answers ``/?query=``."""
    explorer = Explorer(pool, timeout)

    def home(request: Request) -> Response:
        return query_page(request) if "query" in request.params else explorer.home(request)

    app.route("/", _catching(home), navigable=True)
    app.route("/search", _catching(explorer.search), navigable=True)
    app.route("/entity/", _catching(explorer.entity), navigable=True)
    app.route("/fact/", _catching(explorer.fact), navigable=True)
    app.route("/document/", _catching(explorer.document), navigable=True)
    app.route("/network", _catching(explorer.network), navigable=True)
    app.route("/timeline", _catching(explorer.timeline), navigable=True)
    app.route("/static/vendor/vis-network.min.js", vendor("vis-network.min.js"))
    app.route("/static/vendor/vis-network.css", vendor("vis-network.css"))
