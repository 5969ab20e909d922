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
    p.add_argument(
        "--graph", metavar="FILE", help="read the graph from an RDF file (.trig .nq .ttl .jsonld …)"
    )
    p.add_argument(
        "--store",
        metavar="DIR",
        help="read the graph from a kg store (a folder, or a sparql+http:// URL)",
    )


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
        description="Read articles (files or folders), extract typed facts with evidence, "
        "and write them as RDF: one named graph per document.",
        epilog="examples:\n  kg build data/articles -o out/graph.trig\n"
        "  kg build article.txt --store kg-store",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="article files or folders (.txt .md .html), feeds (.rss .atom .xml), "
        "JSON Lines archives (.jsonl), http(s):// URLs of pages or feeds, or - for stdin",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="RDF file to write; format from the extension (.trig .nq .ttl .jsonld)",
    )
    p.add_argument("--store", metavar="DIR", help="kg store to write into (created if missing)")
    p.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="X",
        help="drop statements with confidence below X (0..1)",
    )
    p.add_argument("--html", metavar="FILE", help="also write the interactive network page")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    _add_build_scale_options(p)
    p.set_defaults(handler=_run_build)


def _add_build_scale_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("inputs and scale")
    g.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, read only files matching GLOB (repeatable)",
    )
    g.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="in folders, skip files matching GLOB (repeatable)",
    )
    g.add_argument(
        "--jsonl-field",
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help="JSON Lines field names, e.g. text=body (fields: id title text url published author)",
    )
    g.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="timeout for each URL (default 20)",
    )
    g.add_argument(
        "--follow-links",
        action="store_true",
        help="for feed entries, fetch the linked page and use its full text",
    )
    g.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="extract in N worker processes (default 1)",
    )
    g.add_argument(
        "--dask",
        metavar="ADDR",
        help="extract on a Dask cluster: 'local' or a scheduler address tcp://host:8786",
    )
    g.add_argument(
        "--shard-size",
        type=int,
        default=16,
        metavar="N",
        help="documents per unit of work with --workers/--dask (default 16)",
    )
    g.add_argument(
        "--shards-dir",
        metavar="DIR",
        help="also write each shard as an N-Quads file in DIR (for a bulk loader)",
    )
    g.add_argument(
        "--progress",
        choices=["auto", "always", "never"],
        default="auto",
        help="progress line on stderr (auto: only on a terminal)",
    )


def _run_build(args: argparse.Namespace) -> int:
    from kg.pipeline import DocumentStatus, build

    if not args.output and not args.store:
        raise errors.InputError("nowhere to write. Pass -o FILE (an RDF file) or --store DIR.")
    if not 0.0 <= args.min_confidence <= 1.0:
        raise errors.InputError(
            f"--min-confidence must be between 0 and 1, got {args.min_confidence}."
        )

    from kg.feeds import parse_fields
    from kg.ingest import IngestOptions
    from kg.progress import Progress

    if args.workers < 1:
        raise errors.InputError(f"--workers must be 1 or more, got {args.workers}.")
    if args.shard_size < 1:
        raise errors.InputError(f"--shard-size must be 1 or more, got {args.shard_size}.")
    options = IngestOptions(
        include=args.include,
        exclude=args.exclude,
        jsonl_fields=parse_fields(args.jsonl_field),
        timeout=args.timeout,
        follow_links=args.follow_links,
    )
    bar = Progress(
        enabled={"always": True, "never": False}.get(args.progress) if not args.quiet else False
    )

    def progress(st: DocumentStatus) -> None:
        bar(st, st.words)
        if args.quiet or (bar.enabled and st.status in ("ok", "unchanged")):
            return  # the progress line shows them; problems are printed above it
        detail = f"{st.entities} entities, {st.facts} facts" if st.status == "ok" else st.reason
        if bar.enabled:
            sys.stderr.write("\r\x1b[K")
        print(f"  [{st.status}] {st.source}: {detail}", file=sys.stderr)

    try:
        report = build(
            args.sources,
            output=args.output,
            store=args.store,
            min_confidence=args.min_confidence,
            on_document=progress,
            workers=args.workers,
            dask=args.dask,
            options=options,
            shard_size=args.shard_size,
            shards_dir=args.shards_dir,
        )
    finally:
        bar.close()
    page = ""
    if args.html:
        from kg.viz import write_html

        where = argparse.Namespace(graph=args.output if not args.store else None, store=args.store)
        with open_source(where) as source:
            page = write_html(source, Path(args.html))
    if not args.quiet:
        _print_build_summary(args, report)
        if page:
            print(f"network page: {page}")
    return 1 if report.failed else 0


def _print_build_summary(args: argparse.Namespace, report: Any) -> None:
    where = " and ".join(x for x in (args.output, args.store and f"store {args.store}") if x)
    print(
        f"{report.count('ok')} documents built, {report.count('unchanged')} unchanged, "
        f"{report.count('skipped')} skipped, {report.count('failed')} failed; "
        f"{report.entities} entities, {report.facts} facts in {report.seconds:.1f}s → {where}"
    )
    docs_s, words_s = report.rates()
    if report.count("ok"):
        print(f"  {report.words} words; {docs_s:.1f} documents/s, {words_s:,.0f} words/s")
    problems = report.problems()
    for st in problems[:20]:
        print(f"  {st.status}: {st.source}: {st.reason}")
    if len(problems) > 20:
        print(f"  … and {len(problems) - 20} more skipped or failed inputs")


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
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to VALUE safely (repeatable)",
    )
    p.add_argument(
        "--inferred",
        action="store_true",
        help="let the query also see the inferred graph (see kg reason)",
    )
    p.set_defaults(handler=_run_query)


def _run_query(args: argparse.Namespace) -> int:
    from kg.query import parse_params, read_query, run_query

    text, origin = read_query(args.query)
    params = parse_params(args.param)
    with open_source(args) as source:
        source.include_inferred = bool(getattr(args, "inferred", False))
        sys.stdout.write(run_query(source, text, fmt=args.format, params=params, origin=origin))
    return 0


# ---------------------------------------------------------------- viz


def _add_viz(sub: Any) -> None:
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
    _add_graph_source(p)
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
    p.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="X",
        help="keep only evidence with confidence ≥ X",
    )
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
        from kg.viz import write_html

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
        )
    print(summary)
    return 0


# ---------------------------------------------------------------- stats


def _add_stats(sub: Any) -> None:
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
    _add_graph_source(p)
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
        from kg.analytics import format_stats, stats
        from kg.netgraph import to_networkx

        G = to_networkx(source)
    sys.stdout.write(format_stats(stats(G, top=max(args.top, 0)), fmt=args.format))
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
    p.add_argument(
        "--shapes", metavar="FILE", help="SHACL shapes to use instead of ontology/shapes.ttl"
    )
    p.set_defaults(handler=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    with open_source(args) as source:
        from kg.validate import validate

        result = validate(source, shapes=args.shapes)
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
    p.add_argument(
        "articles",
        nargs="+",
        metavar="ARTICLE",
        help="article files, in the same order as --gold "
        "(or: the word conll04 and a CoNLL04 JSON split)",
    )
    p.add_argument(
        "--gold", action="append", metavar="GOLD.json", help="gold file (repeat once per article)"
    )
    p.add_argument(
        "--predictions",
        metavar="OUT.json",
        help="conll04: write the predictions there (input layout)",
    )
    p.add_argument("--format", default="table", choices=["table", "json"], help="report format")
    p.add_argument(
        "--errors", action="store_true", help="also list every predicted and missed fact"
    )
    p.add_argument(
        "--calibrate",
        metavar="FILE",
        help="write per-rule confidences measured on these "
        "articles to FILE (e.g. data/lexicons/calibration.tsv)",
    )
    p.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="article-level K-fold cross-validation: ARTICLE arguments are then folders of "
        "annotated articles (gold/*.json beside articles/), e.g. ../shared/train; each fold's "
        "models are trained on the other folds",
    )
    p.add_argument(
        "--rules-only",
        action="store_true",
        help="with --cv: score the hand-written rules alone under the same folds",
    )
    p.add_argument("--seed", type=int, default=13, help="with --cv: how articles are dealt")
    p.set_defaults(handler=_run_eval)


def _run_eval(args: argparse.Namespace) -> int:
    if args.articles[0] == "conll04":  # the public benchmark, see kg.conll04
        from kg.conll04 import run_cli

        if len(args.articles) != 2:
            raise errors.InputError(
                "kg eval conll04 takes one CoNLL04 JSON file, e.g. "
                "kg eval conll04 ../shared/conll04/conll04_dev.json"
            )
        return run_cli(args.articles[1], args.predictions, fmt=args.format)
    if args.cv is not None:
        from kg.extract.training import cross_validate, find_annotated, format_cv, parse_all

        items = find_annotated(args.articles)
        say = _progress_printer()
        parsed = parse_all(items, progress=say)
        result = cross_validate(
            parsed, args.cv, seed=args.seed, progress=say, rules_only=args.rules_only
        )
        sys.stdout.write(format_cv(result, fmt=args.format, errors_shown=args.errors))
        return 0
    if not args.gold:
        raise errors.InputError("no gold file given. Pass --gold GOLD.json once per article.")
    from kg.evaluate import evaluate_files, format_report

    report = evaluate_files(args.gold, args.articles)
    sys.stdout.write(format_report(report, fmt=args.format, errors_shown=args.errors))
    if args.calibrate:
        from kg.evaluate import calibration_table

        Path(args.calibrate).write_text(calibration_table(report), encoding="utf-8")
        print(f"calibration → {args.calibrate}", file=sys.stderr)
    return 0


def _progress_printer() -> Callable[[str], None]:
    """Progress lines on standard error (overwritten in place on a terminal)."""
    tty = sys.stderr.isatty()

    def say(msg: str) -> None:
        if tty:
            sys.stderr.write(f"\r\033[K{msg}")
            sys.stderr.flush()
        else:
            print(msg, file=sys.stderr)

    return say


def _add_train(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train the extractor's models on annotated articles",
        description="Train the entity-class and relation models on annotated articles (gold "
        "files beside the articles they name) and write them as one JSON model file. The "
        "shipped model is trained on the 41 shared articles with the example below.",
        epilog="example:\n  kg train ../shared/train ../shared/dev ../shared "
        "--out kg-model.json\n  KG_MODEL=kg-model.json kg build data/articles -o out/graph.trig",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "folders",
        nargs="+",
        metavar="FOLDER",
        help="folders of annotated articles (gold/*.json beside articles/ or corpus/), "
        "or gold files",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="the model file to write")
    p.add_argument("--seed", type=int, default=0, help="inner cross-validation's dealing")
    p.set_defaults(handler=_run_train)


def _run_train(args: argparse.Namespace) -> int:
    from kg.extract.training import find_annotated, parse_all, save_models, train_models

    items = find_annotated(args.folders)
    say = _progress_printer()
    parsed = parse_all(items, progress=say)
    models = train_models(parsed, progress=say, seed=args.seed)
    save_models(models, args.out)
    say("")
    rel = models.relations
    n = len(rel.properties) if rel else 0
    print(f"trained on {len(parsed)} articles: {n} property models → {args.out}")
    return 0


# ---------------------------------------------------------------- serve, export, remove, reason


def _add_serve(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the graph read-only over the SPARQL 1.1 Protocol at /sparql",
        description="Start a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql (GET and "
        "POST, JSON/XML/CSV/TSV/Turtle by content negotiation) and a query page at /.",
        epilog="example:\n  kg serve --store kg-store --port 7878",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_graph_source(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)"
    )
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
    p.set_defaults(handler=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    from kg.serve import serve

    serve(
        args.graph,
        args.store,
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
    )
    return 0


def _add_export(sub: Any) -> None:
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
    _add_graph_source(p)
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
    p.add_argument(
        "--min-confidence",
        type=float,
        default=None,
        metavar="X",
        help="only evidence with confidence >= X, and the facts it supports",
    )
    p.add_argument(
        "--inferred", action="store_true", help="include the inferred graph (see kg reason)"
    )
    p.set_defaults(handler=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    from kg.export import Filters, export

    filters = Filters(args.document, args.type, args.min_confidence, args.inferred)
    with open_source(args) as source:
        print(export(source, args.output, filters))
    return 0


def _add_remove(sub: Any) -> None:
    p = sub.add_parser(
        "remove",
        help="delete documents (and entities no other document names) from a store",
        description="Remove documents from a store in one transaction each.",
        epilog="example:\n  kg remove --store kg-store data/articles/old.txt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--store",
        required=True,
        metavar="DIR",
        help="the store (a folder, or a sparql+http:// URL)",
    )
    p.add_argument(
        "documents",
        nargs="+",
        metavar="DOC",
        help="document IRI, id, or the source it was built from",
    )
    p.set_defaults(handler=_run_remove)


def _run_remove(args: argparse.Namespace) -> int:
    from kg.export import resolve_documents
    from kg.store import open_store

    with open_store(args.store) as store:
        for doc in resolve_documents(store, args.documents):
            store.remove_document(doc)
            print(f"removed {doc}")
    return 0


def _add_reason(sub: Any) -> None:
    p = sub.add_parser(
        "reason",
        help="materialise the ontology's axioms into a separate inferred graph",
        description="Compute what the ontology implies (subclass types, symmetric facts, the "
        "transitive closure of partOf) and store it in the graph "
        "<https://w3id.org/newskg/graph/inferred>, apart from the asserted facts.",
    )
    p.add_argument(
        "--store",
        required=True,
        metavar="DIR",
        help="the store (a folder, or a sparql+http:// URL)",
    )
    p.add_argument(
        "--profile", default="rdfs", choices=["rdfs", "owlrl"], help="semantics (default: rdfs)"
    )
    p.set_defaults(handler=_run_reason)


def _run_reason(args: argparse.Namespace) -> int:
    from kg.reason import materialise
    from kg.store import open_store

    with open_store(args.store) as store:
        print(materialise(store, args.profile))
    return 0


# ---------------------------------------------------------------- watch


def _add_watch(sub: Any) -> None:
    p = sub.add_parser(
        "watch",
        help="follow RSS/Atom feeds: poll them and build new or changed items into a store",
        description="Poll feeds every interval and build new or changed items into a store. A feed "
        "that is down or malformed is logged and polled again next time.",
        epilog="example:\n  kg watch https://example.org/feed.xml --store kg-store --every 15m",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("feeds", nargs="+", metavar="FEED_URL", help="feed URLs (or feed files)")
    p.add_argument(
        "--store", required=True, metavar="DIR", help="kg store to write into (created if missing)"
    )
    p.add_argument(
        "--every",
        default="15m",
        metavar="INTERVAL",
        help="time between polls: 30s, 15m, 2h (default 15m)",
    )
    p.add_argument(
        "--max-polls",
        type=int,
        metavar="N",
        help="stop after N polls (default: run until interrupted)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="timeout for each feed (default 20)",
    )
    p.add_argument(
        "--follow-links",
        action="store_true",
        help="fetch each entry's linked page and use its full text",
    )
    p.add_argument(
        "--min-confidence",
        type=float,
        default=0.0,
        metavar="X",
        help="drop statements with confidence below X (0..1)",
    )
    p.set_defaults(handler=_run_watch)


def _run_watch(args: argparse.Namespace) -> int:
    from kg.ingest import IngestOptions
    from kg.watch import parse_interval, watch

    every = parse_interval(args.every)
    if args.max_polls is not None and args.max_polls < 1:
        raise errors.InputError(f"--max-polls must be 1 or more, got {args.max_polls}.")
    watch(
        args.feeds,
        store=args.store,
        every=every,
        max_polls=args.max_polls,
        options=IngestOptions(timeout=args.timeout, follow_links=args.follow_links),
        min_confidence=args.min_confidence,
        log=lambda line: print(line, flush=True),
    )
    return 0


# ---------------------------------------------------------------- main

COMMANDS: list[Callable[[Any], None]] = [_add_build, _add_query, _add_viz, _add_validate, _add_eval]
COMMANDS.append(_add_train)
COMMANDS.append(_add_stats)
COMMANDS += [_add_serve, _add_export, _add_remove, _add_reason]
COMMANDS.append(_add_watch)


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
