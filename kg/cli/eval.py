"""``kg eval``: extraction scored against gold triples, or on the CoNLL04 benchmark."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg import errors
from kg.eval.conll04 import run_cli
from kg.eval.gold import calibration_table, evaluate_files, format_report


def add_eval(sub: Any) -> None:
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
        "articles to FILE (e.g. kg/data/lexicons/calibration.tsv)",
    )
    p.set_defaults(handler=_run_eval)


def _run_eval(args: argparse.Namespace) -> int:
    if args.articles[0] == "conll04":  # the public benchmark, see kg.eval.conll04
        if len(args.articles) != 2:
            raise errors.InputError(
                "kg eval conll04 takes one CoNLL04 JSON file, e.g. "
                "kg eval conll04 ../shared/conll04/conll04_dev.json"
            )
        return run_cli(args.articles[1], args.predictions, fmt=args.format)
    if not args.gold:
        raise errors.InputError("no gold file given. Pass --gold GOLD.json once per article.")
    report = evaluate_files(args.gold, args.articles)
    sys.stdout.write(format_report(report, fmt=args.format, errors_shown=args.errors))
    if args.calibrate:
        Path(args.calibrate).write_text(calibration_table(report), encoding="utf-8")
        print(f"calibration → {args.calibrate}", file=sys.stderr)
    return 0
