"""Fast article-level cross-validation of the relation model, for trying design choices.

    python benchmarks/relation_cv.py rows /tmp/kg-rows.pkl                  # ~1-2 min, once
    python benchmarks/relation_cv.py score /tmp/kg-rows.pkl                 # ~2 min a run
    python benchmarks/relation_cv.py score /tmp/kg-rows.pkl --set RELATION_C=0.5
    python benchmarks/relation_cv.py score /tmp/kg-rows.pkl --rules-only

``kg eval --cv 5`` parses the 41 annotated articles and reruns the whole extractor for every
fold (5-8 minutes). Most design choices only change how the relation model is trained or how
its thresholds are chosen, so ``rows`` reads each fold's labelled candidate facts once (the
fold's class model, trained on the other folds, reads every article, as ``train_models`` and
the extraction of the held-out articles do) and writes them to a local pickle (entity keys and
features, no article text); ``score`` then fits each fold's relation model with
``kg.eval.training.fit_decided``, as ``train_models`` does (inner cross-validation, calibration,
thresholds, final fit), with the same folds and seed as ``kg eval --cv 5``, and scores the
held-out candidates.

It prints each property's P/R/F1 (hasTitle, read by rules only, is left out), the macro F1 over
those properties and over the ones with at least 10 gold triples, and two figures that do not
depend on the thresholds: the F1 at the best pair of thresholds on the held-out scores (the
ceiling of any threshold choice) and the average precision (how well the model ranks). With
the shipped settings the per-property figures equal those of ``kg eval --cv 5``.

``--set NAME=VALUE`` changes a constant of ``kg.eval.training`` for the run. ``rows`` must be
rerun after a change to the candidates, their features or the class model (``--class-c``).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

import kg.eval.training as T

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
K, SEED = 5, 13


def make_rows(out: Path, class_c: float, folders: list[str]) -> None:
    from kg.run.extraction import load_nlp

    items = T.find_annotated(folders)
    parsed = T.parse_all(items, load_nlp(), progress=lambda m: print(m, end="\r", flush=True))
    fold = T.folds_of(len(parsed), K, SEED)
    per_fold = []
    for f in range(K):
        classes = T.fit_classes([p for i, p in enumerate(parsed) if fold[i] != f], class_c)
        per_fold.append([T.relation_examples(p, classes) for p in parsed])
        print(f"fold {f + 1}/{K}: candidates read", flush=True)
    out.write_bytes(pickle.dumps(per_fold))
    print(f"wrote {out} ({len(parsed)} articles)")


def _ceiling(rows: list[tuple[float, int, bool]], gold: int) -> float:
    """F1 at the best (rule-stated, other) pair of thresholds on these held-out scores."""
    grid = [round(0.02 * i, 2) for i in range(51)] + [1.01]

    def above(ruled: bool) -> dict[float, tuple[int, int]]:
        part = [(q, y) for q, y, r in rows if r == ruled]
        return {t: (sum(y for q, y in part if q >= t), sum(q >= t for q, _ in part)) for t in grid}

    a, b = above(True), above(False)
    return max(
        2 * (a[x][0] + b[y][0]) / (a[x][1] + b[y][1] + gold) if gold else 0.0
        for x in grid
        for y in grid
    )


def score(path: Path, rules_only: bool) -> None:
    from sklearn.metrics import average_precision_score

    per_fold = pickle.loads(path.read_bytes())
    n = len(per_fold[0])
    fold = T.folds_of(n, K, SEED)
    gold: Counter[str] = Counter()
    for ex in per_fold[0]:
        gold.update(ex.gold_counts)
    tp: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    held: dict[str, list[tuple[float, int, bool]]] = defaultdict(list)
    for f in range(K):
        examples = per_fold[f]
        model = T.fit_decided([examples[i] for i in range(n) if fold[i] != f], SEED)
        for i in (i for i in range(n) if fold[i] == f):
            for prop, rows in examples[i].rows.items():
                if prop not in model.properties:
                    continue
                probs = model.score(prop, rows)
                raw = model.raw_scores(prop, rows)
                for q, r, y, row in zip(probs, raw, examples[i].labels[prop], rows, strict=True):
                    ruled = "rule_any" in row
                    held[prop].append((r, y, ruled))
                    if ruled if rules_only else q >= model.threshold(prop, row):
                        tp[prop] += y
                        kept[prop] += 1
    f1s, ceilings, aps = {}, {}, {}
    print(f"{'property':16} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6} {'ceiling':>8} {'AP':>6}")
    for prop in sorted(gold, key=lambda p: (-gold[p], p)):
        p = tp[prop] / kept[prop] if kept[prop] else 0.0
        r = tp[prop] / gold[prop]
        f1s[prop] = 2 * p * r / (p + r) if p + r else 0.0
        ys = [y for _, y, _ in held[prop]]
        aps[prop] = average_precision_score(ys, [q for q, _, _ in held[prop]]) if any(ys) else 0.0
        ceilings[prop] = _ceiling(held[prop], gold[prop])
        print(
            f"{prop:16} {gold[prop]:5} {p:6.3f} {r:6.3f} {f1s[prop]:6.3f} "
            f"{ceilings[prop]:8.3f} {aps[prop]:6.3f}"
        )
    big = [p for p in gold if gold[p] >= 10]
    all_tp, all_kept, all_gold = sum(tp.values()), sum(kept.values()), sum(gold.values())
    print(
        f"macro F1 {np.mean(list(f1s.values())):.4f} (all {len(f1s)} properties), "
        f"{np.mean([f1s[p] for p in big]):.4f} ({len(big)} with >= 10 gold); "
        f"micro P {all_tp / max(all_kept, 1):.3f} R {all_tp / all_gold:.3f}; "
        f"ceiling {np.mean([ceilings[p] for p in big]):.4f}, "
        f"mean AP {np.mean([aps[p] for p in big]):.4f} ({len(big)} properties)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("rows", help="read every fold's labelled candidates into a pickle")
    r.add_argument("out", type=Path)
    r.add_argument("--class-c", type=float, default=T.CLASS_C, help="class model C")
    r.add_argument(
        "--folders",
        nargs="+",
        default=[str(SHARED / "train"), str(SHARED / "dev"), str(SHARED)],
        help="folders of annotated articles (default: ../shared/train, dev and the seed)",
    )
    s = sub.add_parser("score", help="cross-validate the relation model on those candidates")
    s.add_argument("rows", type=Path)
    s.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    s.add_argument("--rules-only", action="store_true", help="keep what the rules stated")
    args = ap.parse_args(argv)
    if args.command == "rows":
        if not all(Path(f).is_dir() for f in args.folders):
            print(f"error: annotated folders not found: {args.folders}", file=sys.stderr)
            return 2
        make_rows(args.out, args.class_c, args.folders)
        return 0
    if not args.rows.is_file():
        print(
            f"error: {args.rows} not found: write it first with `rows {args.rows}`", file=sys.stderr
        )
        return 2
    for item in args.set:
        name, _, value = item.partition("=")
        if not hasattr(T, name):
            print(f"error: kg.eval.training has no constant {name}", file=sys.stderr)
            return 2
        setattr(T, name, type(getattr(T, name))(value))
    score(args.rows, args.rules_only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
