"""A kg store on a SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever …).

``--store sparql+http://host:port/PATH`` names the dataset; by default queries go to ``PATH/query``
and updates to ``PATH/update`` (Oxigraph's and Fuseki's layout). Other layouts give the endpoints
as URL parameters: ``sparql+http://host:port/?query=/sparql&update=/sparql/update``.

Each document is written with ONE update request (``DROP SILENT GRAPH …; INSERT DATA …``); the
server applies a request as one transaction, so a failed or cut request leaves the previous
version of the document in place, never half of the new one.

Queries run on the server's own default graph, which kg keeps as the merged graph of the
documents (``kg.store.merged``): the update request that writes a document also updates it. The
server must therefore keep its default graph apart from the named graphs (Oxigraph server and
Fuseki do by default; do not configure a union default graph). A store filled without kg
(bulk-loaded N-Quads shards) has no merged graph: it is read as the union of its named graphs
(Oxigraph's ``union-default-graph`` parameter; add ``union=server`` to the URL for a server that
shows the union by itself), and kg's first write to it builds the merged graph.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

from kg import errors
from kg.rdf.sparql import INFERRED_GRAPH, from_graphs, query_form, with_prologue
from kg.rdf.terms import to_ox
from kg.rdf.vocab import DOCUMENT
from kg.store.base import Store
from kg.store.merged import FACT_COUNTS, TEXT, fact_node_lines

TIMEOUT_S = 300.0
_USER_AGENT = "kg (SPARQL 1.1 client)"


class RemoteStore(Store):
    """The ``Store`` API over the SPARQL 1.1 Protocol."""

    def __init__(self, location: str, writable: bool = True, timeout: float = TIMEOUT_S) -> None:
        super().__init__(location, writable, default_graph="")  # found on first use
        self.timeout = timeout
        url = urllib.parse.urlsplit(location.removeprefix("sparql+"))
        if not url.hostname:
            raise errors.StoreError(
                f"invalid store URL {location}. Write sparql+http://HOST:PORT/PATH."
            )
        options = dict(urllib.parse.parse_qsl(url.query))
        base = urllib.parse.urlunsplit((url.scheme, url.netloc, url.path.rstrip("/"), "", ""))
        root = urllib.parse.urlunsplit((url.scheme, url.netloc, "", "", ""))

        def endpoint(name: str) -> str:
            given = options.get(name)
            if given:
                return given if "://" in given else root + "/" + given.lstrip("/")
            return f"{base}/{name}"

        self.query_url = endpoint("query")
        self.update_url = endpoint("update")
        self.union = options.get("union", "param") != "server"

    # -- HTTP

    def _post(self, url: str, body: bytes, content_type: str, accept: str | None = None) -> Any:
        headers = {"Content-Type": content_type, "User-Agent": _USER_AGENT}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310 - user's URL
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip()[:500]
            if err.code == 400:
                raise errors.bad_query(self.location, detail or err.reason) from err
            raise errors.StoreError(
                f"the SPARQL store {self.location} answered {err.code} {err.reason}: {detail}"
            ) from err
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise errors.store_unreachable(self.location, str(reason)) from err

    def _raw_query(self, text: str, union: bool = True) -> Any:
        import pyoxigraph as ox

        form = query_form(text)
        if form == "UPDATE":
            # some servers (Virtuoso) run an update sent to the query endpoint: never send one
            raise errors.query_not_allowed(
                "the query is an update; kg query only reads. "
                "Use kg build or kg remove to change a store."
            )
        params: list[tuple[str, str]] = [("query", with_prologue(text))]
        if "FROM" in text.upper() and from_graphs(text):
            pass  # the query names its own dataset
        elif union and self._merged_state() == "merged" and not self.include_inferred:
            pass  # the server's default graph is the merged graph
        elif union and self.default_graph == "merged":
            # with the inferred graph: the protocol cannot name the server's default graph, so
            # the document graphs and the inferred graph stand in for it (each fact then comes
            # once per document, as before the merged graph)
            names = self._graph_names()
            params += [("default-graph-uri", g) for g in names]
            params += [("named-graph-uri", g) for g in names]
        elif union and not self.include_inferred and self._has_inferred():
            # the union less the inferred graph: name every other graph as the default graph
            # (and every graph, the inferred one too, as named graphs for GRAPH patterns)
            names = self._graph_names()
            params += [("default-graph-uri", g) for g in names if g != INFERRED_GRAPH]
            params += [("named-graph-uri", g) for g in names]
        elif union and self.union:
            params.append(("union-default-graph", ""))
        body = urllib.parse.urlencode(params).encode("utf-8")
        form_type = "application/x-www-form-urlencoded"
        if form in ("CONSTRUCT", "DESCRIBE"):
            with self._post(self.query_url, body, form_type, "application/n-triples") as resp:
                data = resp.read()
            return _Triples([q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)])
        with self._post(self.query_url, body, form_type, "application/sparql-results+json") as resp:
            data = resp.read()
        try:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as err:
            raise errors.StoreError(
                f"the SPARQL store {self.location} sent results that are not SPARQL JSON: {err}"
            ) from err

    def _has_inferred(self) -> bool:
        # asked once per open store (then kept up to date by this object's own writes)
        if self._inferred is None:
            self._inferred = bool(
                self._raw_query(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}", union=False)
            )
        return self._inferred

    def _merged_state(self) -> str:
        """ "merged" when the server's default graph is kg's merged graph, else "union".

        A server with document graphs and an empty default graph was filled before the merged
        graph existed, or by a bulk loader: it is read as the union of its graphs.
        """
        if not self.default_graph:
            if self._raw_query("ASK { ?s ?p ?o }", union=False):
                self.default_graph = "merged"
            else:
                docs = self._raw_query(
                    f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), {_DOC_NS})) }}",
                    union=False,
                )
                self.default_graph = "union" if docs else "merged"
        return self.default_graph

    def _ensure_merged(self) -> None:
        if self._merged_state() == "union":
            self.rebuild_merged()

    def rebuild_merged(self) -> None:
        """Recompute the merged graph on the server in one update request (one transaction)."""
        self._need_writable()
        facts = "\n".join(fact_node_lines(self._raw_query(FACT_COUNTS, union=False)))
        self._update(
            f"CLEAR SILENT DEFAULT ;\n{_COPY_DOCUMENTS}"
            + (f" ;\nINSERT DATA {{\n{facts}\n}}" if facts else "")
        )
        self.default_graph = "merged"

    def _copy_documents_to_default(self) -> None:
        self._update(_COPY_DOCUMENTS)

    def _others(self, graph: Any, triples: list[Any]) -> list[set[str]]:
        """One request per 100 triples; each triple is a block of constants (answered from the
        server's indexes, where a VALUES binding would make Oxigraph scan the store)."""
        holding: list[set[str]] = []
        for start in range(0, len(triples), 100):
            chunk = triples[start : start + 100]
            blocks = " UNION ".join(
                f"{{ GRAPH ?g {{ {t.subject} {t.predicate} {t.object} }} BIND ({i} AS ?i) }}"
                for i, t in enumerate(chunk)
            )
            rows = self._raw_query(
                f"SELECT DISTINCT ?i ?g WHERE {{ {{ {blocks} }} "
                f"FILTER (?g != {graph} && STRSTARTS(STR(?g), {_DOC_NS})) }}",
                union=False,
            )
            found: list[set[str]] = [set() for _ in chunk]
            for row in rows:
                found[int(row["i"].value)].add(row["g"].value)
            holding += found
        return holding

    def _graph_names(self) -> list[str]:
        rows = self._raw_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        return [row["g"].value for row in rows]

    def _update(self, text: str) -> None:
        self._need_writable()
        with self._post(
            self.update_url, with_prologue(text).encode("utf-8"), "application/sparql-update"
        ) as resp:
            resp.read()

    def _graph_quads(self, graph: Any) -> set[Any]:
        import pyoxigraph as ox

        g = to_ox(graph)  # a term serialised by pyoxigraph (escaped), not raw text
        result = self._raw_query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}", union=False
        )
        return {ox.Quad(t.subject, t.predicate, t.object, g) for t in result}

    def _match_graphs(self, s: Any, p: Any, o: Any, g: Any = None) -> set[str]:
        # constants are pyoxigraph-serialised terms: a server, like the embedded store, answers
        # them from its indexes, where a VALUES binding would make it scan
        pattern = " ".join(
            f"?{v}" if t is None else str(to_ox(t)) for v, t in zip("spo", (s, p, o), strict=True)
        )
        if g is not None:
            found = self._raw_query(f"ASK {{ GRAPH {to_ox(g)} {{ {pattern} }} }}", union=False)
            return {str(g)} if bool(found) else set()
        rows = self._raw_query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} }} }}", union=False
        )
        return {row["g"].value for row in rows}

    def _all_quads(self) -> Iterator[Any]:
        import pyoxigraph as ox

        result = self._raw_query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        for row in result:
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def ping(self) -> None:
        """Raise ``StoreError`` if the server does not answer a trivial query."""
        self._raw_query("ASK { }", union=False)

    def close(self) -> None:
        return None  # nothing held between requests

    def __repr__(self) -> str:
        return f"<kg RemoteStore {self.location}>"


_DOC_NS = f'"{DOCUMENT}"'
_COPY_DOCUMENTS = (  # a document's text stays in its graph (kg.store.merged)
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
    f"FILTER (STRSTARTS(STR(?g), {_DOC_NS}) && ?p != <{TEXT}>) }}"
)


class _Triples(list[Any]):
    """CONSTRUCT results from a server: a list of pyoxigraph Triples."""


def results_json(data: bytes) -> dict[str, Any]:
    """Decode SPARQL JSON results (for tests and debugging)."""
    return json.loads(data.decode("utf-8"))


def open_remote(
    location: str, *, read_only: bool = False, wait: float | None = None
) -> RemoteStore:
    """Open a store on a SPARQL 1.1 server (``wait`` does not apply: the server has no locks)."""
    return RemoteStore(location, writable=not read_only)
