"""``kg eval``: extraction scored against gold triples, or on the CoNLL04 benchmark."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg import errors
from kg.eval.conll04 import run_cli
from kg.eval.gold import calibration_table, evaluate_files, format_report, split_inputs


def add_eval(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help="score extraction against gold triples (P/R/F1 per property)",
        description="Run the pipeline on articles and score it against hand-made gold files.",
        epilog="examples:\n  kg eval --gold gold.json article.txt\n"
        "  kg eval --gold data/gold data/articles\n"
        "  kg eval --gold data/gold/*.json data/articles/*.txt\n"
        "  kg eval conll04 ../shared/conll04/conll04_dev.json --predictions out.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "articles",
        nargs="*",
        metavar="ARTICLE",
        help="article files, folders (their .txt files) or glob patterns "
        "(or: the word conll04 and a CoNLL04 JSON split)",
    )
    p.add_argument(
        "--gold",
        action="extend",
        nargs="+",
        metavar="GOLD.json",
        help="gold files, folders or glob patterns; each is paired with the article its "
        "'document' and 'text_sha256' name, in any order (.json files given anywhere are gold "
        "files, other files articles, a folder's .json and .txt files both)",
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
    if args.articles[:1] == ["conll04"]:  # the public benchmark, see kg.eval.conll04
        if len(args.articles) != 2:
            raise errors.InputError(
                "kg eval conll04 takes one CoNLL04 JSON file, e.g. "
                "kg eval conll04 ../shared/conll04/conll04_dev.json"
            )
        return run_cli(args.articles[1], args.predictions, fmt=args.format)
    golds, articles = split_inputs([*(args.gold or []), *args.articles])
    if not golds:
        raise errors.InputError(
            "no gold file given. Pass --gold GOLD.json (files, a folder or a glob)."
        )
    if not articles:
        raise errors.InputError("no article given. Pass the articles the gold files are for.")
    report = evaluate_files(golds, articles)
    sys.stdout.write(format_report(report, fmt=args.format, errors_shown=args.errors))
    if args.calibrate:
        Path(args.calibrate).write_text(calibration_table(report), encoding="utf-8")
        print(f"calibration → {args.calibrate}", file=sys.stderr)
    return 0
