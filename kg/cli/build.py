"""``kg build`` and ``kg watch``: articles and feeds into an RDF file or a store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg import errors
from kg.cli import options
from kg.cli.options import open_source
from kg.errors import shown
from kg.ingest import IngestOptions
from kg.ingest.jsonl import parse_fields
from kg.rdf.counts import MEANING
from kg.records import DocumentStatus
from kg.run.build import build
from kg.run.progress import Progress
from kg.run.report import BuildReport
from kg.run.watch import parse_interval, watch
from kg.views.viz import write_html

# ---------------------------------------------------------------- build


def add_build(sub: Any) -> None:
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
    options.store(p, writes=True, required=False)
    options.min_confidence(p, "drop statements with confidence below X (0..1)")
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
    options.fetching(g, what="URL")
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
    if not args.output and not args.store:
        raise errors.InputError("nowhere to write. Pass -o FILE (an RDF file) or --store DIR.")
    ingest_options = IngestOptions(
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
        detail = (
            f"{st.entities} entities, {st.facts} facts, {st.statements} statements"
            if st.status == "ok"
            else st.reason
        )
        if bar.enabled:
            sys.stderr.write("\r\x1b[K")
        print(f"  [{st.status}] {shown(st.source)}: {shown(detail)}", file=sys.stderr)

    try:
        report = build(
            args.sources,
            output=args.output,
            store=args.store,
            min_confidence=args.min_confidence,
            on_document=progress,
            workers=args.workers,
            dask=args.dask,
            options=ingest_options,
            shard_size=args.shard_size,
            shards_dir=args.shards_dir,
        )
    finally:
        bar.close()
    page = ""
    if args.html:
        where = argparse.Namespace(graph=args.output if not args.store else None, store=args.store)
        with open_source(where) as source:
            page = write_html(source, Path(args.html), naming=options.viz_flag)
    if not args.quiet:
        _print_build_summary(args, report)
        if page:
            print(f"network page: {shown(page)}")
    return 1 if report.failed else 0


def _print_build_summary(args: argparse.Namespace, report: BuildReport) -> None:
    where = " and ".join(x for x in (args.output, args.store and f"store {args.store}") if x)
    holds = args.output or f"the store {args.store}"
    print(
        f"{report.count('ok')} documents built, {report.count('unchanged')} unchanged, "
        f"{report.count('skipped')} skipped, {report.count('failed')} failed "
        f"in {report.seconds:.1f}s → {where}"
    )
    print(f"  {holds} holds {report.graph.text()} ({MEANING})")
    docs_s, words_s = report.rates()
    if report.count("ok"):
        print(f"  {report.words} words; {docs_s:.1f} documents/s, {words_s:,.0f} words/s")
    problems = report.problems()
    for st in problems[:20]:
        print(f"  {st.status}: {shown(st.source)}: {shown(st.reason)}")
    if len(problems) > 20:
        print(f"  … and {len(problems) - 20} more skipped or failed inputs")


# ---------------------------------------------------------------- watch


def add_watch(sub: Any) -> None:
    p = sub.add_parser(
        "watch",
        help="follow RSS/Atom feeds: poll them and build new or changed items into a store",
        description="Poll feeds every interval and build new or changed items into a store. A feed "
        "that is down or malformed is logged and polled again next time.",
        epilog="example:\n  kg watch https://example.org/feed.xml --store kg-store --every 15m",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("feeds", nargs="+", metavar="FEED_URL", help="feed URLs (or feed files)")
    options.store(p, writes=True)
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
    options.fetching(p, what="feed")
    options.min_confidence(p, "drop statements with confidence below X (0..1)")
    p.set_defaults(handler=_run_watch)


def _run_watch(args: argparse.Namespace) -> int:
    watch(
        args.feeds,
        store=args.store,
        every=parse_interval(args.every),
        max_polls=args.max_polls,
        options=IngestOptions(timeout=args.timeout, follow_links=args.follow_links),
        min_confidence=args.min_confidence,
        log=lambda line: print(shown(line), flush=True),
    )
    return 0
