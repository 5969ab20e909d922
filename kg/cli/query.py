"""``kg query``, ``kg export``, ``kg validate``, ``kg serve``: reading a graph file or a store."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kg.cli import options
from kg.cli.options import open_source
from kg.errors import shown
from kg.views.bounded import run_bounded
from kg.views.export import Filters, export
from kg.views.query import WRAP, parse_params, read_query
from kg.views.serve import Limits, serve
from kg.views.validate import ENGINES, validate


def add_query(sub: Any) -> None:
    p = sub.add_parser(
        "query",
        help="run a SPARQL query (inline, a .rq file, or a saved query by name)",
        description="Run a SPARQL 1.1 query against a graph file or a store.",
        epilog="examples:\n  kg query --store kg-store 'SELECT * WHERE { ?s ?p ?o } LIMIT 5'\n"
        "  kg query --graph out/graph.trig units-training-with-us",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.graph_source(p)
    p.add_argument(
        "query", metavar="QUERY", help="SPARQL text, a .rq file, or the name of a saved query"
    )
    p.add_argument(
        "--format",
        default="table",
        choices=["table", "csv", "tsv", "json"],
        help="result format (default: table)",
    )
    p.add_argument(
        "--wide",
        action="store_true",
        help="table: every row on one line, long cells unwrapped (default: wrap past "
        f"{WRAP} characters; nothing is ever cut)",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to VALUE safely (repeatable); a saved query lists its parameters in "
        "its header, and refuses others",
    )
    p.add_argument(
        "--inferred",
        action="store_true",
        help="let the query also see the inferred graph (see kg reason)",
    )
    _limits(p)
    p.set_defaults(handler=_run_query)


def _limits(p: Any) -> None:
    """``--timeout``, ``--max-rows``, ``--max-bytes``: what one query may cost (kg query and
    kg serve, with the same defaults)."""
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="query timeout in seconds (default: 30)",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        default=10000,
        metavar="N",
        help="result size limit in rows (default: 10000)",
    )
    p.add_argument(
        "--max-bytes",
        type=int,
        default=32 << 20,
        metavar="N",
        help="result size limit in bytes (default: 33554432, 32 MiB)",
    )


def _run_query(args: argparse.Namespace) -> int:
    text, origin = read_query(args.query)
    params = parse_params(args.param)
    sys.stdout.write(
        run_bounded(
            args.graph,
            args.store,
            text,
            fmt=args.format,
            params=params,
            origin=origin,
            wrap=None if args.wide else WRAP,
            inferred=bool(args.inferred),
            limits=Limits(args.timeout, args.max_rows, args.max_bytes),
        )
    )
    return 0


def add_validate(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check the graph against the SHACL shapes",
        description="Validate the graph with the project's SHACL shapes. "
        "Exit 0: conforms; 1: does not conform (a report is printed); 2: error.",
    )
    options.graph_source(p)
    p.add_argument(
        "--shapes", metavar="FILE", help="SHACL shapes to use instead of kg/ontology/shapes.ttl"
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="sparql",
        help="sparql (default): each constraint as a query on the store, fast on big stores "
        "(shapes it cannot translate go to pyshacl); pyshacl: the reference implementation, "
        "on a copy of the graph in memory. Both report the same findings.",
    )
    p.set_defaults(handler=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    with open_source(args) as source:
        result = validate(source, shapes=args.shapes, engine=args.engine)
    print(shown(result.report, lines=True))  # quotes values of the graph
    return 0 if result.conforms else 1


def add_serve(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the graph read-only over the SPARQL 1.1 Protocol at /sparql",
        description="Start a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql (GET and "
        "POST; SPARQL JSON/XML/CSV/TSV results, Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads "
        "and TriG graphs, chosen by Accept or by format=/output=) and a query page at /.",
        epilog="example:\n  kg serve --store kg-store --port 7878",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.graph_source(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)"
    )
    _limits(p)
    p.add_argument(
        "--token",
        default=os.environ.get("KG_SERVE_TOKEN"),
        metavar="TOKEN",
        help="let web pages of other origins query the server when they send "
        "'Authorization: Bearer TOKEN' (default: $KG_SERVE_TOKEN; without it, cross-origin "
        "requests from browsers are refused)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also accept requests whose Host header is NAME, e.g. a reverse proxy's name "
        "(repeatable; by default only the bound address and, on loopback, localhost)",
    )
    p.set_defaults(handler=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    serve(
        args.graph,
        args.store,
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_bytes=args.max_bytes,
        token=args.token,
        allow_hosts=tuple(args.allow_host),
    )
    return 0


def add_export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write the graph or a part of it as TriG, N-Quads, Turtle, JSON-LD or GraphML",
        description="Export a store or an RDF file; the format comes from the extension of -o "
        "(.trig .nq .ttl .nt .jsonld .graphml).",
        epilog="examples:\n  kg export --store kg-store -o out/all.trig\n"
        "  kg export --store kg-store --type MilitaryUnit --min-confidence 0.7 "
        "-o out/units.graphml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.graph_source(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    p.add_argument(
        "--document",
        action="append",
        default=[],
        metavar="DOC",
        help="only this document (IRI, id or source; repeatable)",
    )
    p.add_argument(
        "--type",
        action="append",
        default=[],
        metavar="CLASS",
        help="only entities of this class, subclasses included (repeatable)",
    )
    options.min_confidence(
        p, "only evidence with confidence >= X, and the facts it supports", default=None
    )
    p.add_argument(
        "--inferred", action="store_true", help="include the inferred graph (see kg reason)"
    )
    p.set_defaults(handler=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    filters = Filters(args.document, args.type, args.min_confidence, args.inferred)
    with open_source(args) as source:
        print(shown(export(source, args.output, filters)))
    return 0
