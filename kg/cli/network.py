"""``kg viz`` and ``kg stats``: the entity network as a page and as figures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg.cli import options
from kg.cli.options import open_source
from kg.errors import shown
from kg.rdf.counts import count_graph
from kg.views.analytics import format_stats, stats
from kg.views.network import to_networkx
from kg.views.viz import write_html


def add_viz(sub: Any) -> None:
    p = sub.add_parser(
        "viz",
        help="write the graph as an interactive network page (works offline)",
        description="Write a self-contained HTML page showing the graph as a network: nodes "
        "coloured and shaped by class, one edge per fact, evidence in the tooltips.",
        epilog="examples:\n  kg viz --store kg-store -o out/graph.html\n"
        '  kg viz --graph out/graph.trig -o foes.html --focus "FOES" --depth 2\n'
        "  kg viz --store kg-store -o units.html --types MilitaryUnit,PoliceUnit "
        "--min-confidence 0.6",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.graph_source(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="HTML file to write")
    p.add_argument(
        "--focus",
        metavar="NAME",
        help="show only the neighbourhood of this entity (label, alias or IRI)",
    )
    p.add_argument(
        "--depth", type=int, default=2, metavar="N", help="hops around --focus (default: 2)"
    )
    p.add_argument(
        "--types", metavar="CLASS,…", help="keep only these classes, e.g. MilitaryUnit,PoliceUnit"
    )
    p.add_argument(
        "--properties",
        metavar="PROP,…",
        help="keep only these properties, e.g. trainsWith,partOf",
    )
    p.add_argument(
        "--document",
        action="append",
        metavar="DOC",
        help="keep only evidence from this document (id, title or file name; repeatable)",
    )
    p.add_argument(
        "--since", metavar="YYYY-MM-DD", help="keep only evidence from documents dated on or after"
    )
    p.add_argument(
        "--until", metavar="YYYY-MM-DD", help="keep only evidence from documents dated on or before"
    )
    options.min_confidence(p, "keep only evidence with confidence ≥ X")
    p.add_argument(
        "--max-nodes",
        type=int,
        default=1500,
        metavar="N",
        help="node budget; past it the most connected part is shown (default: 1500)",
    )
    p.add_argument(
        "--isolated", action="store_true", help="also draw entities that take part in no fact"
    )
    p.add_argument(
        "--size-by",
        default="degree",
        choices=["degree", "corroboration"],
        help="node size: number of facts, or of documents naming it",
    )
    p.add_argument("--title", metavar="TEXT", help="page heading (default: Knowledge graph)")
    p.set_defaults(handler=_run_viz)


def _run_viz(args: argparse.Namespace) -> int:
    with open_source(args) as source:
        summary = write_html(
            source,
            Path(args.output),
            focus=args.focus,
            depth=args.depth,
            types=args.types,
            properties=args.properties,
            document=args.document,
            since=args.since,
            until=args.until,
            min_confidence=args.min_confidence,
            max_nodes=args.max_nodes,
            isolated=args.isolated,
            size_by=args.size_by,
            title=args.title,
            naming=options.viz_flag,
        )
    print(shown(summary))  # names the page's title and path
    return 0


def add_stats(sub: Any) -> None:
    p = sub.add_parser(
        "stats",
        help="counts, central entities, communities and components of the graph",
        description="Summarise the graph: entities by class, facts by property, documents, the "
        "most central entities (degree, betweenness, PageRank), communities and connected "
        "components.",
        epilog="examples:\n  kg stats --store kg-store\n"
        "  kg stats --graph out/graph.trig --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.graph_source(p)
    p.add_argument(
        "--format", default="text", choices=["text", "json"], help="output format (default: text)"
    )
    p.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="how many central entities to list (default: 10)",
    )
    p.set_defaults(handler=_run_stats)


def _run_stats(args: argparse.Namespace) -> int:
    with open_source(args) as source:
        G = to_networkx(source)
        counts = count_graph(source)
    sys.stdout.write(format_stats(stats(G, top=max(args.top, 0), counts=counts), fmt=args.format))
    return 0
