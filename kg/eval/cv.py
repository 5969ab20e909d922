"""Article-level k-fold cross-validation of the extractor (``kg eval --cv K``).

Each fold's models are trained on the other folds' articles only (``kg.eval.training``), its
articles are extracted with them by the real pipeline and scored by ``kg.eval.gold``; the
pooled report is every article scored once, by models that never saw it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import errors
from kg.eval.gold import Report, evaluate, format_report, summarize
from kg.eval.training import Parsed, Progress, folds_of, train_models
from kg.extract.extractor import extract_document
from kg.extract.model import Models
from kg.records import Extraction


def extract_with(parsed: Iterable[Parsed], models: Models) -> list[Extraction]:

    return [extract_document(p.doc, p.item.document, models) for p in parsed]


@dataclass
class CrossValidation:
    """Scores of a k-fold cross-validation: one report per fold and the pooled report."""

    folds: list[Report]
    pooled: Report
    assignment: dict[str, int]


def cross_validate(
    parsed: Sequence[Parsed],
    k: int = 5,
    seed: int = 13,
    progress: Progress | None = None,
    rules_only: bool = False,
) -> CrossValidation:
    """Article-level k-fold cross-validation of the whole extractor (or of the rules alone)."""
    if k < 2 or k > len(parsed):
        raise errors.ArgumentError(
            "k", "", f" must be between 2 and {len(parsed)} (the number of articles); got {k}."
        )
    fold = folds_of(len(parsed), k, seed)
    say = progress or (lambda _msg: None)
    reports: list[Report] = []
    scored: list[Any] = [None] * len(parsed)
    for f in range(k):
        test_idx = [i for i in range(len(parsed)) if fold[i] == f]
        train = [p for i, p in enumerate(parsed) if fold[i] != f]
        if rules_only:
            models = Models()
        else:
            say(f"fold {f + 1}/{k}: training on {len(train)} articles")
            models = train_models(train, progress=None, seed=seed)
        test = [parsed[i] for i in test_idx]
        report = evaluate([p.item.gold for p in test], extract_with(test, models))
        for i, d in zip(test_idx, report.documents, strict=True):
            scored[i] = d
        reports.append(report)
        say(f"fold {f + 1}/{k}: scored {len(test)} articles")
    assignment = {p.item.document.source: fold[i] for i, p in enumerate(parsed)}
    return CrossValidation(reports, Report(list(scored)), assignment)


def format_cv(cv: CrossValidation, fmt: str = "table", errors_shown: bool = False) -> str:
    """The pooled report of a cross-validation, then each fold's figures."""

    folds = []
    for n, rep in enumerate(cv.folds, 1):
        s = summarize(rep.counts(), rep.gold_properties)
        folds.append(
            {
                "fold": n,
                "articles": [d.document for d in rep.documents],
                "macro_f1": round(s["macro_f1"], 4),
                "micro": s["micro"],
            }
        )
    groups: dict[str, list[Any]] = defaultdict(list)
    for d in cv.pooled.documents:
        groups[str(Path(d.gold_path).parent.parent)].append(d)
    by_folder = []
    for folder, docs in sorted(groups.items()):
        rep = Report(docs)
        s = summarize(rep.counts(), rep.gold_properties)
        by_folder.append(
            {
                "folder": folder,
                "articles": len(docs),
                "macro_f1": round(s["macro_f1"], 4),
                "micro": s["micro"],
            }
        )
    if fmt == "json":
        data = json.loads(format_report(cv.pooled, fmt="json", errors_shown=errors_shown))
        data["folds"] = folds
        data["by_folder"] = by_folder
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    lines = [
        f"{len(cv.folds)}-fold cross-validation over {len(cv.pooled.documents)} articles "
        "(each fold scored by models trained on the other folds); pooled:",
        "",
        format_report(cv.pooled, errors_shown=errors_shown).rstrip("\n"),
        "",
        "per fold: macro F1, micro P/R/F1",
    ]
    for f in folds:
        m = f["micro"]
        lines.append(
            f"  fold {f['fold']} ({len(f['articles'])} articles){f['macro_f1']:>10.3f}"
            f"{m['precision']:>8.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}"
        )
    if len(by_folder) > 1:
        lines.append("per source folder: macro F1, micro P/R/F1")
        for g in by_folder:
            m = g["micro"]
            lines.append(
                f"  {g['folder']} ({g['articles']} articles){g['macro_f1']:>10.3f}"
                f"{m['precision']:>8.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}"
            )
    return "\n".join(lines) + "\n"
