"""Options several commands share, each declared once: where the graph comes from, the store,
the confidence threshold, network limits.

The library checks the values (``kg.checks``) and names its parameters in its messages; the CLI
shows the flag instead (see ``kg.cli.main``), so a check is written once for library and CLI.
"""

from __future__ import annotations

import argparse
from typing import Any

from kg import errors
from kg.store import Store, open_graph


def graph_source(p: argparse.ArgumentParser) -> None:
    """``--graph FILE`` or ``--store DIR``: the graph a reading command works on."""
    p.add_argument(
        "--graph", metavar="FILE", help="read the graph from an RDF file (.trig .nq .ttl .jsonld …)"
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        help="read the graph from a kg store (a folder, or a sparql+http:// URL)",
    )


def open_source(args: argparse.Namespace) -> Store:
    """Open the graph named by ``--graph`` or ``--store`` (exactly one)."""
    graph, store = getattr(args, "graph", None), getattr(args, "store", None)
    if graph and store:
        raise errors.both_graph_sources()
    if not graph and not store:
        raise errors.no_graph_source()
    return open_graph(graph_file=graph, store=store)


def store(p: Any, *, writes: bool = False, required: bool = True) -> None:
    """``--store DIR``: the store a command changes."""
    help_text = (
        "kg store to write into (created if missing)"
        if writes
        else "the store (a folder, or a sparql+http:// URL)"
    )
    p.add_argument("--store", required=required, metavar="DIR", help=help_text)


def min_confidence(p: Any, help_text: str, *, default: float | None = 0.0) -> None:
    """``--min-confidence X``: a confidence threshold from 0 to 1 (checked by the library)."""
    p.add_argument("--min-confidence", type=float, default=default, metavar="X", help=help_text)


def viz_flag(parameter: str) -> str:
    """The ``kg viz`` flag that sets ``write_html``'s ``parameter``: the network page's notes name
    it (also on the page of ``kg build --html``, since ``kg viz`` is where a view is narrowed)."""
    return "--" + parameter.replace("_", "-")


def fetching(p: Any, *, what: str) -> None:
    """``--timeout`` and ``--follow-links`` for commands that read URLs and feeds."""
    p.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help=f"seconds allowed for each {what}, redirects and body included (default 20)",
    )
    p.add_argument(
        "--follow-links",
        action="store_true",
        help="for feed entries, fetch the linked page and use its full text",
    )
