"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` and a query page at ``/``.

Safety, since the endpoint may be reached by other programs:

- bound to 127.0.0.1 unless ``--host`` says otherwise;
- queries only: an update (``update=`` or ``application/sparql-update``), ``SERVICE`` (the server
  would fetch remote data) and ``FROM``/``FROM NAMED``/``default-graph-uri`` naming a graph that is
  not in the store are refused with 403 and a message; a malformed query gets 400;
- every query runs in a worker process, killed when it exceeds the timeout (503), so a runaway
  query cannot hold the server; a result over the row limit is refused (400) rather than cut;
- the HTML page escapes everything it shows.

Readers and the writer of an embedded store (``kg.store.oxigraph``): each worker holds the store
open read-only, under a shared flock on ``DIR/kg.readers``, which keeps writers out. So that a
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
import html
import json
import multiprocessing as mp
import queue
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kg import errors

MAX_BODY = 1 << 20  # bytes of a POSTed query
IDLE_CHECK = 0.2  # seconds between an idle worker's checks for a waiting writer
RETRY_AFTER = 2  # seconds, for clients turned away while a writer works on the store
BUSY_MESSAGE = (
    f"the store is being written (kg build, remove or reason): try again in {RETRY_AFTER} s"
)
RESULT_TYPES = {  # SELECT and ASK
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {  # CONSTRUCT and DESCRIBE
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
}
_SHORT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


class Refused(Exception):
    """A request the endpoint will not run: HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------- checks (no evaluation)


def check_query(text: str, graphs: set[str], dataset: list[str]) -> str:
    """Return the query form, or raise ``Refused`` for what a read-only endpoint must not run."""
    from kg.rdf.sparql import from_graphs, keywords, query_form

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


def negotiate(accept: str, form: str, override: str | None = None) -> str | None:
    """Return the media type to answer with, or None when nothing acceptable is offered."""
    offered = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    if override:
        media = _SHORT.get(override.lower(), override)
        return media if media in offered else None
    choices: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            choices.append((-q, i, media))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            default = next(iter(offered))
            if media == "*/*" or default.startswith(media[:-1]):
                return default
            return next((m for m in offered if m.startswith(media[:-1])), None)
    return None


# ---------------------------------------------------------------- worker processes


def _json_term(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def run_limited(source: Any, text: str, media: str, max_rows: int) -> bytes:
    """Run ``text`` and serialise at most ``max_rows`` results as ``media`` (else ``Refused``)."""
    import pyoxigraph as ox

    result = source.raw(text)
    if isinstance(result, ox.QueryBoolean | bool):
        data = json.dumps({"head": {}, "boolean": bool(result)}).encode()
    elif hasattr(result, "variables"):
        names = [v.value for v in result.variables]
        rows = []
        for i, sol in enumerate(result):
            if i >= max_rows:
                raise Refused(400, f"the result has more than {max_rows} rows: add a LIMIT")
            rows.append({n: _json_term(sol[n]) for n in names if sol[n] is not None})
        data = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}).encode()
    else:
        triples = []
        for i, t in enumerate(result):
            if i >= max_rows:
                raise Refused(400, f"the result has more than {max_rows} triples: add a LIMIT")
            triples.append(
                t if isinstance(t, ox.Triple) else ox.Triple(t.subject, t.predicate, t.object)
            )
        fmt = {
            "ttl": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "rdf": ox.RdfFormat.RDF_XML,
        }[GRAPH_TYPES[media]]
        from kg.rdf.sparql import PREFIXES

        if fmt == ox.RdfFormat.TURTLE:
            return ox.serialize(triples, format=fmt, prefixes=PREFIXES) or b""
        return ox.serialize(triples, format=fmt) or b""
    kind = RESULT_TYPES[media]
    if kind == "json":
        return data
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    out = {
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[kind]
    return parsed.serialize(format=out) or b""


def _worker(conn: Any, graph_file: str | None, store: str | None) -> None:
    """Worker loop: open the source, answer (text, media, max_rows, dataset) requests.

    For an embedded store, close it whenever a writer waits and reopen it once the writer is
    done (see the module docstring).
    """
    from kg.store.lock import writer_waiting
    from kg.store.oxigraph import _is_remote, open_graph

    folder = Path(store) if store and not _is_remote(store) else None
    source: Any = None
    graphs: set[str] = set()

    def open_source() -> None:
        nonlocal source, graphs
        source = open_graph(graph_file=graph_file, store=store, wait=0)
        graphs = {
            str(r["g"]) for r in source.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        }

    def give_way() -> None:
        nonlocal source
        if source is not None and folder is not None and writer_waiting(folder) is not None:
            source.close()  # releases the shared lock: the writer gets in
            source = None

    try:
        open_source()
    except errors.StoreBusy:
        pass  # a writer is at work: open at the first request after it is done
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
        text, media, max_rows, dataset = request
        try:
            give_way()
            if source is None:
                open_source()
            check_query(text, graphs, dataset)
            if dataset:
                raise Refused(
                    400, "default-graph-uri and named-graph-uri are not supported; use FROM"
                )
            conn.send(("ok", run_limited(source, text, media, max_rows)))
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

    def __init__(self, graph_file: str | None, store: str | None, size: int = 2) -> None:
        self._ctx = mp.get_context("spawn")  # no fork of a threaded server
        self._args = (graph_file, store)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker, args=(child, *self._args), daemon=True)
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
            pass
        worker.process.kill()
        worker.process.join(5)
        threading.Thread(target=lambda: self._idle.put(self._start()), daemon=True).start()
        return "refused", (
            503,
            f"the query ran longer than the {timeout:g} s timeout and was stopped",
        )

    def close(self) -> None:
        while not self._idle.empty():
            w = self._idle.get_nowait()
            w.process.kill()
            w.process.join(5)


# ---------------------------------------------------------------- HTTP


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em;max-width:80em}}textarea{{width:100%;
font:13px monospace}}table{{border-collapse:collapse;margin-top:1em}}td,th{{border:1px solid #ccc;
padding:2px 6px;text-align:left;vertical-align:top}}.error{{color:#a00}}</style></head>
<body><h1>kg SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 at <code>/sparql</code>. Prefixes kg:, id:, doc:, skos:, prov:, rdf:,
rdfs:, dcterms: and xsd: are predeclared.</p>
<form method="get" action="/"><textarea name="query" rows="10">{query}</textarea><br>
<button type="submit">Run</button></form>{result}</body></html>
"""
DEFAULT_QUERY = (
    "SELECT ?entity ?label ?class WHERE {\n  ?entity skos:prefLabel ?label ; a ?class .\n"
    "} ORDER BY ?label LIMIT 50"
)


def _html_table(data: bytes) -> str:
    doc = json.loads(data)
    if "boolean" in doc:
        return f"<p>{html.escape(str(doc['boolean']).lower())}</p>"
    names = doc["head"]["vars"]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    rows = []
    for b in doc["results"]["bindings"]:
        cells = "".join(f"<td>{html.escape(b[n]['value']) if n in b else ''}</td>" for n in names)
        rows.append(f"<tr>{cells}</tr>")
    count = len(rows)
    return (
        f"<p>{count} row{'s' if count != 1 else ''}</p><table><tr>{head}</tr>"
        + "".join(rows)
        + "</table>"
    )


def make_handler(pool: WorkerPool, timeout: float, max_rows: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-sparql"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            return  # quiet: no query text in logs

        def _send(
            self, status: int, body: bytes, media: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header(
                "Content-Type",
                media
                if media.startswith("text/html") or ";" in media
                else f"{media}; charset=utf-8",
            )
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, message: str, retry: bool = False) -> None:
            headers = {"Retry-After": str(RETRY_AFTER)} if retry else None
            self._send(status, (message + "\n").encode(), "text/plain", headers)

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if url.path == "/":
                return self._page(params)
            if url.path != "/sparql":
                return self._error(404, "not found: the SPARQL endpoint is /sparql")
            self._answer(params)

        do_HEAD = do_GET

        def do_POST(self) -> None:  # noqa: N802 - stdlib name
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/sparql":
                return self._error(404, "not found: the SPARQL endpoint is /sparql")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._error(413, f"the request body is over {MAX_BODY} bytes")
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if ctype == "application/sparql-update":
                return self._error(403, "updates are not allowed: this endpoint is read-only")
            if ctype == "application/sparql-query":
                params["query"] = [body]
            elif ctype == "application/x-www-form-urlencoded":
                params.update(urllib.parse.parse_qs(body, keep_blank_values=True))
            else:
                return self._error(415, "send application/sparql-query or a form with 'query'")
            self._answer(params)

        def _answer(self, params: dict[str, list[str]]) -> None:
            from kg.rdf.sparql import query_form

            if "update" in params:
                return self._error(403, "updates are not allowed: this endpoint is read-only")
            if "query" not in params:
                return self._error(400, "missing the 'query' parameter")

            text = params["query"][0]
            dataset = params.get("default-graph-uri", []) + params.get("named-graph-uri", [])
            form = query_form(text)
            if form == "UPDATE":
                return self._error(403, "updates are not allowed: this endpoint is read-only")
            override = params["format"][0] if params.get("format") else None
            media = negotiate(self.headers.get("Accept", ""), form or "SELECT", override)
            if media is None:
                return self._error(
                    406,
                    "no acceptable result format: use JSON, XML, CSV, TSV "
                    "(SELECT, ASK) or Turtle, N-Triples, JSON-LD, RDF/XML (CONSTRUCT)",
                )
            status, answer = pool.run((text, media, max_rows, dataset), timeout)
            if status != "ok":
                return self._error(answer[0], answer[1], retry=status == "busy")
            self._send(200, answer, media)

        def _page(self, params: dict[str, list[str]]) -> None:
            from kg.rdf.sparql import query_form

            query = (params.get("query") or [""])[0]
            result = ""
            if query:
                graph_result = query_form(query) in ("CONSTRUCT", "DESCRIBE")
                media = "text/turtle" if graph_result else "application/sparql-results+json"
                status, answer = pool.run((query, media, max_rows, []), timeout)
                if status != "ok":
                    result = f'<p class="error">{html.escape(answer[1])}</p>'
                elif graph_result:
                    result = f"<pre>{html.escape(answer.decode('utf-8'))}</pre>"
                else:
                    result = _html_table(answer)
            body = PAGE.format(query=html.escape(query or DEFAULT_QUERY), result=result)
            self._send(200, body.encode("utf-8"), "text/html; charset=utf-8")

    return Handler


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
    ) -> None:
        if bool(graph_file) == bool(store):
            raise errors.both_graph_sources() if graph_file else errors.no_graph_source()
        if store and not store.startswith(("sparql+http://", "sparql+https://")):
            # fail early, in this process, with the store's own message; a writer at work is
            # no reason not to start (the workers open the store once it is done)
            from kg.store.oxigraph import open_graph

            with contextlib.suppress(errors.StoreBusy):
                open_graph(store=store, wait=0).close()
        self.pool = WorkerPool(graph_file, store, size=workers)
        try:
            self.httpd = ThreadingHTTPServer(
                (host, port), make_handler(self.pool, timeout, max_rows)
            )
        except OSError as err:
            self.pool.close()
            raise errors.InputError(
                f"cannot listen on {host}:{port}: {err.strerror}. Pick another --port."
            ) from err
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> Server:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
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
) -> None:
    """Run the endpoint until interrupted."""
    import sys

    server = Server(graph_file, store, host, port, timeout, max_rows)
    print(
        f"SPARQL endpoint {server.url}/sparql (read-only), query page {server.url}/ "
        "- Ctrl-C to stop",
        file=sys.stderr,
    )
    try:
        server.serve_forever()
    finally:
        server.close()
