"""``kg remove`` and ``kg reason``: changing a store."""

from __future__ import annotations

import argparse
from typing import Any

from kg.cli import options
from kg.store import open_store
from kg.views.documents import resolve_documents, store_documents
from kg.views.reason import materialise


def add_remove(sub: Any) -> None:
    p = sub.add_parser(
        "remove",
        help="delete documents (and entities no other document names) from a store",
        description="Remove documents from a store in one transaction each.",
        epilog="example:\n  kg remove --store kg-store data/articles/old.txt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.store(p)
    p.add_argument(
        "documents",
        nargs="+",
        metavar="DOC",
        help="document IRI, id, or the source it was built from",
    )
    p.set_defaults(handler=_run_remove)


def _run_remove(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        for doc in resolve_documents(store_documents(store), args.documents, store.location):
            store.remove_document(doc)
            print(f"removed {doc}")
    return 0


def add_reason(sub: Any) -> None:
    p = sub.add_parser(
        "reason",
        help="materialise the ontology's axioms into a separate inferred graph",
        description="Compute what the ontology implies (subclass types, symmetric facts, the "
        "transitive closure of partOf) and store it in the graph "
        "<https://w3id.org/newskg/graph/inferred>, apart from the asserted facts.",
    )
    options.store(p)
    p.add_argument(
        "--profile", default="rdfs", choices=["rdfs", "owlrl"], help="semantics (default: rdfs)"
    )
    p.set_defaults(handler=_run_reason)


def _run_reason(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        print(materialise(store, args.profile))
    return 0
