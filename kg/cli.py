"""The ``kg`` command: thin wrappers over the package's functions.

Each subcommand has one ``_add_<name>`` (arguments) and one ``_run_<name>`` (handler). Handlers
raise ``KGError`` for anything the user can fix; ``main`` prints it as ``error: …`` and exits with
its code, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kg import __version__, errors

Handler = Callable[[argparse.Namespace], int]


def _add_graph_source(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graph", metavar="FILE", help="read the graph from an RDF file (.trig .nq .ttl .jsonld …)")
    p.add_argument("--store", metavar="DIR", help="read the graph from a kg store (a folder, or a sparql+http:// URL)")


def open_source(args: argparse.Namespace) -> Any:
    """Open the graph named by ``--graph`` or ``--store`` (exactly one)."""
    graph, store = getattr(args, "graph", None), getattr(args, "store", None)
    if graph and store:
        raise errors.both_graph_sources()
    if not graph and not store:
        raise errors.no_graph_source()
    from kg.store import open_graph

    return open_graph(graph_file=graph, store=store)


# ---------------------------------------------------------------- build


def _add_build(sub: Any) -> None:
    p = sub.add_parser(
        "build",
        help="extract facts from articles into an RDF file or a store",
        description="Read articles (files or folders), extract typed facts with evidence, and write "
        "them as RDF: one named graph per document.",
        epilog="examples:\n  kg build data/articles -o out/graph.trig\n  kg build article.txt --store kg-store",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="article files or folders")
    p.add_argument("-o", "--output", metavar="FILE", help="RDF file to write; format from the extension (.trig .nq .ttl .jsonld)")
    p.add_argument("--store", metavar="DIR", help="kg store to write into (created if missing)")
    p.add_argument("--min-confidence", type=float, default=0.0, metavar="X", help="drop statements with confidence below X (0..1)")
    p.add_argument("--html", metavar="FILE", help="also write the interactive network page")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p.set_defaults(handler=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    from kg.pipeline import DocumentStatus, build

    if not args.output and not args.store:
        raise errors.InputError("nowhere to write. Pass -o FILE (an RDF file) or --store DIR.")
    if not 0.0 <= args.min_confidence <= 1.0:
        raise errors.InputError(f"--min-confidence must be between 0 and 1, got {args.min_confidence}.")

    def progress(st: DocumentStatus) -> None:
        if args.quiet:
            return
        detail = f"{st.entities} entities, {st.facts} facts" if st.status == "ok" else st.reason
        print(f"  [{st.status}] {st.source}: {detail}", file=sys.stderr)

    report = build(args.sources, output=args.output, store=args.store,
                   min_confidence=args.min_confidence, on_document=progress)
    if args.html:
        from kg.viz import write_html

        source = argparse.Namespace(graph=args.output if not args.store else None, store=args.store)
        write_html(open_source(source), Path(args.html))
    if not args.quiet:
        _print_build_summary(args, report)
    return 1 if report.failed else 0


def _print_build_summary(args: argparse.Namespace, report: Any) -> None:
    where = " and ".join(x for x in (args.output, args.store and f"store {args.store}") if x)
    print(
        f"{report.count('ok')} documents built, {report.count('unchanged')} unchanged, "
        f"{report.count('skipped')} skipped, {report.count('failed')} failed; "
        f"{report.entities} entities, {report.facts} facts in {report.seconds:.1f}s → {where}"
    )
    if args.html:
        print(f"network page → {args.html}")


# ---------------------------------------------------------------- query


def _add_query(sub: Any) -> None:
    p = sub.add_parser(
        "query",
        help="run a SPARQL query (inline, a .rq file, or a saved query by name)",
        description="Run a SPARQL 1.1 query against a graph file or a store.",
        epilog="examples:\n  kg query --store kg-store 'SELECT * WHERE { ?s ?p ?o } LIMIT 5'\n"
        "  kg query --graph out/graph.trig ontology/queries/units-training-with-us.rq",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_graph_source(p)
    p.add_argument("query", metavar="QUERY", help="SPARQL text, a .rq file, or the name of a saved query")
    p.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json"], help="result format (default: table)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind ?NAME to VALUE safely (repeatable)")
    p.set_defaults(handler=_run_query)


def _run_query(args: argparse.Namespace) -> int:
    source = open_source(args)
    try:
        from kg.query import parse_params, read_query, run_query

        text, origin = read_query(args.query)
        sys.stdout.write(run_query(source, text, fmt=args.format, params=parse_params(args.param), origin=origin))
    finally:
        source.close()
    return 0


# ---------------------------------------------------------------- viz


def _add_viz(sub: Any) -> None:
    p = sub.add_parser(
        "viz",
        help="write the graph as an interactive network page (works offline)",
        description="Write a self-contained HTML page showing the graph as a network.",
    )
    _add_graph_source(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="HTML file to write")
    p.set_defaults(handler=_run_viz)


def _run_viz(args: argparse.Namespace) -> int:
    from kg.viz import write_html

    source = open_source(args)
    try:
        summary = write_html(source, Path(args.output))
    finally:
        source.close()
    print(summary)
    return 0


# ---------------------------------------------------------------- validate


def _add_validate(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check the graph against the SHACL shapes",
        description="Validate the graph with the project's SHACL shapes. "
        "Exit 0: conforms; 1: does not conform (a report is printed); 2: error.",
    )
    _add_graph_source(p)
    p.add_argument("--shapes", metavar="FILE", help="SHACL shapes to use instead of ontology/shapes.ttl")
    p.set_defaults(handler=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    source = open_source(args)
    try:
        from kg.validate import validate

        result = validate(source, shapes=args.shapes)
    finally:
        source.close()
    print(result.report)
    return 0 if result.conforms else 1


# ---------------------------------------------------------------- eval


def _add_eval(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help="score extraction against gold triples (P/R/F1 per property)",
        description="Run the pipeline on articles and score it against hand-made gold files.",
        epilog="examples:\n  kg eval --gold gold.json article.txt\n"
        "  kg eval conll04 ../shared/conll04/conll04_dev.json --predictions out.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("articles", nargs="+", metavar="ARTICLE", help="article files, in the same order as --gold "
                   "(or: the word conll04 and a CoNLL04 JSON split)")
    p.add_argument("--gold", action="append", metavar="GOLD.json", help="gold file (repeat once per article)")
    p.add_argument("--predictions", metavar="OUT.json", help="conll04: write the predictions there (input layout)")
    p.add_argument("--format", default="table", choices=["table", "json"], help="report format")
    p.set_defaults(handler=_run_eval)


def _run_eval(args: argparse.Namespace) -> int:
    if args.articles[0] == "conll04":  # the public benchmark, see kg.conll04
        from kg.conll04 import run_cli

        if len(args.articles) != 2:
            raise errors.InputError("kg eval conll04 takes one CoNLL04 JSON file, e.g. "
                                    "kg eval conll04 ../shared/conll04/conll04_dev.json")
        return run_cli(args.articles[1], args.predictions, fmt=args.format)
    if not args.gold:
        raise errors.InputError("no gold file given. Pass --gold GOLD.json once per article.")
    from kg.evaluate import evaluate_files, format_report

    report = evaluate_files(args.gold, args.articles)
    sys.stdout.write(format_report(report, fmt=args.format))
    return 0


# ---------------------------------------------------------------- main

COMMANDS: list[Callable[[Any], None]] = [_add_build, _add_query, _add_viz, _add_validate, _add_eval]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="kg: build a knowledge graph of typed facts with evidence from news articles.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except errors.KGError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
