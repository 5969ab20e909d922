"""``kg eval``: extraction scored against gold triples, or on the CoNLL04 benchmark."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg import errors
from kg.eval.conll04 import run_cli
from kg.eval.cv import cross_validate, format_cv
from kg.eval.gold import calibration_table, evaluate_files, format_report, split_inputs
from kg.eval.training import find_annotated, parse_all, save_models, train_models
from kg.run.extraction import load_nlp


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
    if args.articles[:1] == ["conll04"]:  # the public benchmark, see kg.eval.conll04
        if len(args.articles) != 2:
            raise errors.InputError(
                "kg eval conll04 takes one CoNLL04 JSON file, e.g. "
                "kg eval conll04 ../shared/conll04/conll04_dev.json"
            )
        return run_cli(args.articles[1], args.predictions, fmt=args.format)
    if args.cv is not None:
        return _run_cross_validation(args)
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


def _run_cross_validation(args: argparse.Namespace) -> int:

    items = find_annotated(args.articles)
    say = _progress_printer()
    parsed = parse_all(items, load_nlp(), progress=say)
    try:
        result = cross_validate(
            parsed, args.cv, seed=args.seed, progress=say, rules_only=args.rules_only
        )
    except errors.ArgumentError as err:  # the library names its parameter k
        raise errors.InputError(err.naming("--cv")) from None
    say("")
    sys.stdout.write(format_cv(result, fmt=args.format, errors_shown=args.errors))
    return 0


def _progress_printer() -> Callable[[str], None]:
    """Progress lines on standard error (rewritten in place on a terminal)."""
    tty = sys.stderr.isatty()

    def say(msg: str) -> None:
        if tty:
            sys.stderr.write(f"\r\033[K{msg}")
            sys.stderr.flush()
        elif msg:
            print(msg, file=sys.stderr)

    return say


def add_train(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train the extractor's models on annotated articles",
        description="Train the entity-class and relation models on annotated articles (gold "
        "files beside the articles they name) and write them as one JSON model file. The "
        "shipped model is trained on the 41 shared articles with the first example.",
        epilog="examples:\n  kg train ../shared/train ../shared/dev ../shared "
        "--out kg/data/models/extractor.json\n"
        "  KG_MODEL=my-model.json kg build data/articles -o out/graph.trig",
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
    p.add_argument("--seed", type=int, default=0, help="how the inner cross-validation deals")
    p.set_defaults(handler=_run_train)


def _run_train(args: argparse.Namespace) -> int:

    items = find_annotated(args.folders)
    say = _progress_printer()
    parsed = parse_all(items, load_nlp(), progress=say)
    models = train_models(parsed, progress=say, seed=args.seed)
    save_models(models, args.out)
    say("")
    rel = models.relations
    n = len(rel.properties) if rel else 0
    what = (
        f"one relation classifier for {n} properties"
        if rel and rel.shared
        else f"{n} property models"
    )
    print(f"trained on {len(parsed)} articles: {what} → {args.out}")
    return 0
