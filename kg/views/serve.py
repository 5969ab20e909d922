"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` and a query page at ``/``.

Safety, since the endpoint may be reached by other programs:

- bound to 127.0.0.1 unless ``--host`` says otherwise;
- queries only: an update (``update=`` or ``application/sparql-update``), ``SERVICE`` (the server
  would fetch remote data) and ``FROM``/``FROM NAMED``/``default-graph-uri`` naming a graph that is
  not in the store are refused with 403 and a message; a malformed query gets 400;
- every query runs in a worker process, killed when it exceeds the timeout (503), so a runaway
  query cannot hold the server; a result over the row or byte limit is refused (400) rather
  than cut;
- HTTP is parsed by waitress (``kg.views.httpd``: body, header and time limits per
  connection), and every request passes the Host and origin checks of ``kg.views.webguard``
  (in ``kg.views.webapp``), so a web page in the analyst's browser can neither drive the
  endpoint nor read it by DNS rebinding;
- the HTML page escapes everything it shows and runs under a strict Content-Security-Policy.

Readers and the writer of an embedded store (``kg.store``): each worker holds the store open
read-only, under a shared flock on ``DIR/kg.readers``, which keeps writers out. So that a
long-running server does not lock ``kg build`` out for its whole life, the workers give way:

1. A writer (holding ``kg.lock``) that finds readers writes ``DIR/kg.writer-waiting`` and polls
   for the exclusive lock on ``kg.readers`` for up to its wait (30 s by default).
2. A worker checks for that marker before each query (one failed ``open`` when there is none)
   and every ``IDLE_CHECK`` seconds while idle; when it is there, the worker closes its database,
   which releases its shared lock.
3. While the store is closed, a worker tries to reopen it at each request, without waiting: it
   cannot while the writer holds ``kg.readers`` or its marker is there, and answers
   503 with ``Retry-After`` instead.
4. Once the writer has closed the store, the next request reopens it and sees the new data.
   Every write happens while all workers have the store closed, so an open worker always has
   the latest committed state: no other reload check is needed.

A query that runs when the marker appears finishes first (at most the query timeout).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import queue
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import errors
from kg.errors import Refused
from kg.lifeline import die_with_parent
from kg.rdf.sparql import bind, from_graphs, keywords, query_form
from kg.store import open_graph, scheme
from kg.store.lock import writer_waiting
from kg.views.explorer import render
from kg.views.explorer.common import Indexing, document_id, entity_slug, fact_id
from kg.views.explorer.data import Views
from kg.views.explorer.pages import install
from kg.views.explorer.saved import saved
from kg.views.formats import choose
from kg.views.httpd import HTTPServer
from kg.views.limited import run_limited
from kg.views.query import run_query
from kg.views.webapp import Request, Response, WebApp, static_file
from kg.views.webguard import Guard

MAX_BODY = 1 << 20  # bytes of a POSTed query
MAX_RESULT_BYTES = 32 << 20  # bytes of one answer (a 1 KB query can build a 256 MB string)
EXPLORER = "kg.views.explorer"  # the package that holds the pages' templates and files
IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent
REQUEST_DEADLINE = 60.0  # seconds from a request's first byte to its last
IDLE_CHECK = 0.2  # seconds between an idle worker's checks for a waiting writer
RETRY_AFTER = 2  # seconds, for clients turned away while a writer works on the store
BUSY_MESSAGE = (
    f"the store is being written (kg build, remove or reason): try again in {RETRY_AFTER} s"
)

# ---------------------------------------------------------------- checks (no evaluation)


def check_query(text: str, graphs: set[str], dataset: list[str]) -> str:
    """Return the query form, or raise ``Refused`` for what a read-only endpoint must not run."""
    form = query_form(text)
    if form == "UPDATE":
        raise Refused(403, "updates are not allowed: this endpoint is read-only")
    if not form:
        raise Refused(400, "not a SPARQL query: expected SELECT, CONSTRUCT, ASK or DESCRIBE")
    if "SERVICE" in keywords(text):
        raise Refused(403, "SERVICE is not allowed: this endpoint queries only its own store")
    for iri in from_graphs(text) + dataset:
        if iri not in graphs:
            raise Refused(403, f"FROM <{iri}> names a graph that is not in this store")
    return form


# ---------------------------------------------------------------- worker processes


def _worker(
    conn: Any,
    graph_file: str | None,
    store: str | None,
    wait: float | None = 0,
    serving: bool = True,
    kernel_lifeline: bool = True,
) -> None:
    """Worker loop: open the source, answer requests.

    A request is a query ``(text, media, max_rows, max_bytes, dataset)``, a page of the
    explorer ``("view", name, arguments)`` (``kg.views.explorer.data``), or a ``kg query``
    command's query ``("run", text, fmt, params, origin, wrap, inferred, max_rows, max_bytes)``,
    answered with its printed output (``kg.views.query.run_query``).

    ``wait``: seconds to wait for a busy store when opening it (0: open at a later request, as
    kg serve does; else a busy store is an error). ``serving``: a kg serve worker, which lists the
    store's graphs (for FROM checks) and indexes the explorer's labels when it opens the store;
    a command's worker answers one query and needs neither.

    For an embedded store, close it whenever a writer waits and reopen it once the writer is
    done (see the module docstring).
    """
    # a killed server or kg query takes its workers along (kg.lifeline); the kernel's part only
    # for a worker started by the main thread (a replacement is started by a passing thread)
    die_with_parent(kernel=kernel_lifeline)
    folder = Path(store) if store and not scheme(store) else None
    source: Any = None
    graphs: set[str] = set()
    views: Any = None  # the explorer's data for this opening of the store (its label index)

    def open_source() -> None:
        nonlocal source, graphs, views
        source = open_graph(graph_file=graph_file, store=store, wait=0 if serving else wait)
        if not serving:
            return
        # starts reading the explorer's index in the background (its summaries in a child)
        views = Views(source, str(folder) if folder is not None else None)
        graphs = {
            str(r["g"]) for r in source.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        }

    def give_way() -> None:
        nonlocal source
        if source is not None and folder is not None and writer_waiting(folder) is not None:
            if views is not None:
                views.stop()  # no thread may read the database once it is closed
            source.close()  # releases the shared lock: the writer gets in
            source = None

    try:
        open_source()
    except errors.StoreBusy as err:
        if not serving:  # a command waited as long as it may: say who holds the store
            conn.send(("error", err.message))
            return
        # a writer is at work: open at the first request after it is done
    except errors.KGError as err:
        conn.send(("error", err.message))
        return
    conn.send(("ready", ""))
    while True:
        try:
            if not conn.poll(IDLE_CHECK):
                give_way()
                continue
            request = conn.recv()
        except EOFError:
            return
        try:
            give_way()
            if source is None:
                open_source()
            if len(request) == 3 and request[0] == "view":
                views = views or Views(source, str(folder) if folder is not None else None)
                try:
                    conn.send(("ok", views.answer(request[1], request[2])))
                except Indexing as wait:
                    conn.send(("busy", (503, str(wait))))
                continue
            if request[0] == "run":
                text, fmt, params, origin, wrap, inferred, max_rows, max_bytes = request[1:]
                source.include_inferred = inferred
                limits = (max_rows, max_bytes)
                conn.send(("ok", run_query(source, text, fmt, params, origin, wrap, limits)))
                continue
            text, media, max_rows, max_bytes, dataset = request
            check_query(text, graphs, dataset)
            if dataset:
                raise Refused(
                    400, "default-graph-uri and named-graph-uri are not supported; use FROM"
                )
            conn.send(("ok", run_limited(source, text, media, max_rows, max_bytes)))
        except Refused as err:
            conn.send(("refused", (err.status, err.message)))
        except errors.StoreBusy:
            conn.send(("busy", (503, BUSY_MESSAGE)))
        except errors.KGError as err:
            conn.send(("refused", (400, err.message)))
        except Exception as err:  # noqa: BLE001 - report, never kill the worker silently
            conn.send(("refused", (500, f"{type(err).__name__}: {err}")))


@dataclass
class _Worker:
    process: Any
    conn: Any


class WorkerPool:
    """Worker processes that run queries; one that exceeds the timeout is killed and replaced."""

    def __init__(
        self,
        graph_file: str | None,
        store: str | None,
        size: int = 2,
        *,
        wait: float | None = 0,
        serving: bool = True,
    ) -> None:
        """``size`` workers over the graph file or store; ``wait`` and ``serving``: see
        ``_worker`` (a command passes ``serving=False``: a stopped worker is not replaced)."""
        self._ctx = mp.get_context("spawn")  # no fork of a threaded server
        self._args = (graph_file, store, wait, serving)
        self._serving = serving
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        main = threading.current_thread() is threading.main_thread()
        proc = self._ctx.Process(target=_worker, args=(child, *self._args, main), daemon=True)
        proc.start()
        child.close()
        try:
            if not parent.poll(120):
                raise EOFError
            status, message = parent.recv()
        except (EOFError, OSError):
            proc.kill()
            raise errors.StoreError("the query worker process did not start") from None
        if status != "ready":
            proc.kill()
            raise errors.StoreError(message)
        return _Worker(proc, parent)

    def run(self, request: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return "busy", (503, "the server is busy: try again")
        try:
            worker.conn.send(request)
            if worker.conn.poll(timeout):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):
            worker.process.join(5)  # the worker died (a crash): let its exit code arrive
        crashed = worker.process.exitcode  # None while it runs (over time, not crashed)
        worker.process.kill()
        worker.process.join(5)
        if self._serving:
            threading.Thread(target=lambda: self._idle.put(self._start()), daemon=True).start()
        if crashed is not None:
            return "refused", (503, f"the query stopped its worker process (exit code {crashed})")
        return "refused", (
            503,
            f"the query ran longer than the {timeout:g} s timeout and was stopped",
        )

    def close(self) -> None:
        while not self._idle.empty():
            w = self._idle.get_nowait()
            w.process.kill()
            w.process.join(5)


# ---------------------------------------------------------------- the SPARQL 1.1 Protocol


@dataclass
class Limits:
    """What one query may cost: seconds, rows (or triples), bytes of the answer."""

    timeout: float = 30.0
    max_rows: int = 10000
    max_bytes: int = MAX_RESULT_BYTES


def sparql_protocol(pool: WorkerPool, limits: Limits) -> Callable[[Request], Response]:
    """Return the handler of ``/sparql``: GET and POST (form or ``application/sparql-query``)."""

    def handle(request: Request) -> Response:
        params = dict(request.params)
        if request.method == "POST":
            ctype = request.content_type
            body = request.body.decode("utf-8", "replace")
            if ctype == "application/sparql-update":
                raise Refused(403, "updates are not allowed: this endpoint is read-only")
            if ctype == "application/sparql-query":
                params["query"] = [body]
            elif ctype == "application/x-www-form-urlencoded":
                params.update(urllib.parse.parse_qs(body, keep_blank_values=True))
            else:
                raise Refused(415, "send application/sparql-query or a form with 'query'")
        return answer_query(pool, limits, params, request.headers.get("accept", ""))

    return handle


def answer_query(
    pool: WorkerPool, limits: Limits, params: dict[str, list[str]], accept: str
) -> Response:
    if "update" in params:
        raise Refused(403, "updates are not allowed: this endpoint is read-only")
    if "query" not in params:
        raise Refused(400, "missing the 'query' parameter")
    text = params["query"][0]
    dataset = params.get("default-graph-uri", []) + params.get("named-graph-uri", [])
    form = query_form(text)
    if form == "UPDATE":
        raise Refused(403, "updates are not allowed: this endpoint is read-only")
    media = choose(params, accept, form or "SELECT")
    status, answer = pool.run(
        (text, media, limits.max_rows, limits.max_bytes, dataset), limits.timeout
    )
    if status != "ok":
        retry = {"Retry-After": str(RETRY_AFTER)} if status == "busy" else None
        return Response.text(answer[0], answer[1], retry)
    return Response(200, answer, media if ";" in media else f"{media}; charset=utf-8")


# ---------------------------------------------------------------- the query page


DEFAULT_QUERY = (
    "SELECT ?entity ?label ?class WHERE {\n  ?entity skos:prefLabel ?label ; a ?class .\n"
    "} ORDER BY ?label LIMIT 50"
)


def query_page(pool: WorkerPool, limits: Limits) -> Callable[[Request], Response]:
    """Return the handler of ``/query``: an editor, the saved queries as forms, a result table
    whose entities and documents link to their pages, and CSV/JSON downloads of the result."""

    def handle(request: Request) -> Response:
        from rdflib import Literal

        queries = saved()
        name = request.param("name")
        chosen = queries.get(name) if name else None
        if name and chosen is None:
            raise Refused(404, f"no saved query {name!r}; the saved queries are listed at /query")
        query = request.param("query") or (chosen.text if chosen else "")
        values = {
            p.name: request.param("p." + p.name).strip()
            for p in (chosen.parameters if chosen else [])
        }
        context: dict[str, Any] = {
            "query": query or DEFAULT_QUERY,
            "saved": list(queries.values()),
            "chosen": chosen,
            "values": values,
        }
        run = bool(request.param("query")) or (chosen is not None and "run" in request.params)
        if chosen is not None and run:
            missing = [p.name for p in chosen.parameters if p.required and not values[p.name]]
            if missing:
                context["error"] = f"give a value for {', '.join(missing)}"
                run = False
            else:
                given = {k: Literal(v) for k, v in values.items() if v}
                query = bind(chosen.text, given) if given else chosen.text
        if query and run:
            graph_result = query_form(query) in ("CONSTRUCT", "DESCRIBE")
            media = "text/turtle" if graph_result else "application/sparql-results+json"
            status, answer = pool.run(
                (query, media, limits.max_rows, limits.max_bytes, []), limits.timeout
            )
            context["download"] = urllib.parse.urlencode({"query": query})
            if status != "ok":
                context["error"] = answer[1]
            elif graph_result:
                context["turtle"] = answer.decode("utf-8")
            else:
                doc = json.loads(answer)
                if "boolean" in doc:
                    context["boolean"] = str(doc["boolean"]).lower()
                else:
                    names = doc["head"]["vars"]
                    context["names"] = names
                    context["rows"] = [
                        [_cell(b.get(n)) for n in names] for b in doc["results"]["bindings"]
                    ]
        return Response.html(render("query.html", **context))

    return handle


def _cell(term: dict[str, str] | None) -> dict[str, str]:
    """A result cell: its text and, for an entity or a document, the explorer page to link."""
    if term is None:
        return {"text": ""}
    value = term["value"]
    if term["type"] == "uri":
        slug, doc, fact = entity_slug(value), document_id(value), fact_id(value)
        if slug:
            return {"text": value, "href": "/entity/" + slug}
        if doc:
            return {"text": value, "href": "/document/" + doc}
        if fact:
            return {"text": value, "href": "/fact/" + fact}
    return {"text": value}


# ---------------------------------------------------------------- the server


class Server:
    """A running endpoint (used by ``kg serve`` and by tests, which start it on port 0)."""

    def __init__(
        self,
        graph_file: str | None,
        store: str | None,
        host: str = "127.0.0.1",
        port: int = 7878,
        timeout: float = 30.0,
        max_rows: int = 10000,
        workers: int = 2,
        *,
        max_bytes: int = MAX_RESULT_BYTES,
        idle_timeout: float = IDLE_TIMEOUT,
        request_deadline: float = REQUEST_DEADLINE,
        token: str | None = None,
        allow_hosts: tuple[str, ...] = (),
    ) -> None:
        if bool(graph_file) == bool(store):
            raise errors.both_graph_sources() if graph_file else errors.no_graph_source()
        if store and not store.startswith(("sparql+http://", "sparql+https://")):
            # fail early, in this process, with the store's own message; a writer at work is
            # no reason not to start (the workers open the store once it is done)
            with contextlib.suppress(errors.StoreBusy):
                open_graph(store=store, wait=0).close()
        self.limits = Limits(timeout, max_rows, max_bytes)
        self._host, self._port = host, port
        self._token, self._allow_hosts = token, allow_hosts
        self.pool = WorkerPool(graph_file, store, size=workers)
        self.app = WebApp(Guard.for_server(host, port), MAX_BODY)
        try:
            self.httpd = HTTPServer(
                self.app,
                host,
                port,
                threads=workers + 4,  # queries wait for a worker; pages and files do not
                max_body=MAX_BODY,
                max_response=max_bytes,
                idle_timeout=idle_timeout,
                request_deadline=request_deadline,
            )
        except OSError as err:
            self.pool.close()
            raise errors.cannot_listen(host, port, str(err.strerror)) from err
        # the guard needs the real port (port 0 picks one)
        self.app.guard = Guard.for_server(host, self.address[1], allow_hosts, token)
        self.app.route("/sparql", sparql_protocol(self.pool, self.limits), ("GET", "HEAD", "POST"))
        page = query_page(self.pool, self.limits)
        self.app.route("/query", page, navigable=True)
        install(self.app, self.pool, timeout, page)
        self.app.route("/static/", lambda r: static_file(EXPLORER, r.path[len("/static/") :]))

    @property
    def address(self) -> tuple[str, int]:
        return self.httpd.address

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> Server:
        self.httpd.start()
        return self

    def close(self) -> None:
        self.httpd.close()
        self.pool.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(
    graph_file: str | None,
    store: str | None,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    max_rows: int = 10000,
    *,
    max_bytes: int = MAX_RESULT_BYTES,
    token: str | None = None,
    allow_hosts: tuple[str, ...] = (),
) -> None:
    """Run the endpoint until interrupted."""
    import sys

    server = Server(
        graph_file,
        store,
        host,
        port,
        timeout,
        max_rows,
        max_bytes=max_bytes,
        token=token,
        allow_hosts=allow_hosts,
    )
    print(
        f"SPARQL endpoint {server.url}/sparql (read-only), query page {server.url}/ "
        "- Ctrl-C to stop",
        file=sys.stderr,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
