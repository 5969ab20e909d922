"""Training and cross-validating the extractor's models on annotated articles.

An annotated article is a text and its gold file (``kg.eval.gold``'s format: entities with
aliases and types, triples). The data loaders find them in folders laid out as the shared
data is (``gold/*.json`` beside ``articles/`` or ``corpus/``), pair each gold file with the
article it names and check the text's sha256.

Training (``train_models``):

1. the class model learns each entity's gold class from its features;
2. the relation model's examples are the candidate facts of every article, read with that class
   model, labelled by the gold (a candidate is positive when both entities map to gold entities
   and the gold states the fact); one classifier is shared by all properties
   (``kg.extract.model.for_property``);
3. each property's calibration, and its decision threshold, the one that maximises its F1, come
   from out-of-fold predictions of an inner cross-validation on the training articles.

``kg.eval.cv`` measures all of it by article-level k-fold cross-validation.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import errors
from kg.eval.gold import (
    Gold,
    gold_triples,
    load_gold,
    map_entities,
)
from kg.extract.candidates import candidates
from kg.extract.decide import entity_rows, retype
from kg.extract.extractor import apply_rules, read_entities
from kg.extract.model import (
    MIN_DOCUMENTS,
    Binary,
    ClassModel,
    Models,
    RelationModel,
    fit_calibration,
    for_property,
    frequent_features,
)
from kg.rdf.vocab import SYMMETRIC_PROPERTIES
from kg.records import Document, sha256_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Regularisation strengths (scikit-learn's C) chosen by cross-validation on the training
#: articles; see docs/RESULTS.md for the figures behind them.
RELATION_C = 0.25
CLASS_C = 1.0
#: Candidate thresholds tried when choosing a property's decision threshold.
#: 1.01 means "never": a property may keep no fact no rule stated.
#: 0.0 means "always": a property may keep every fact a rule stated.
NEVER = 1.01
THRESHOLDS = (0.0, *(round(0.05 * i, 2) for i in range(1, 20)), NEVER)
#: One classifier for all properties (True) or one per property (False); see
#: ``kg.extract.model`` and docs/RESULTS.md for the comparison under cross-validation.
SHARED = True
#: A property with fewer training positives than this uses the threshold chosen over all
#: properties together for the facts rules stated (its own F1 curve is too noisy to choose
#: from) and keeps no fact no rule stated.
MIN_POSITIVES_OWN_THRESHOLD = 15
INNER_FOLDS = 4
#: The highest threshold a fact some rule stated may be given (1.01: any, so the model may drop
#: a rule's fact; 0.0: never). Kept at 1.01: capping it changed the cross-validated macro F1 by
#: less than runs of equal merit differ (docs/RESULTS.md).
MAX_RULED_THRESHOLD = 1.01
#: Thresholds are chosen for the best F1 among those where the facts the model adds (that no
#: rule stated) are right at least this often, out of fold: what the model adds must be worth
#: an analyst's time.
MIN_PRECISION = 0.6
#: The fewest right facts that no rule stated a property's chosen threshold must add, out of
#: fold, for the property to add any.
MIN_NEW_FACTS = 5

Progress = Callable[[str], None]


@dataclass
class Annotated:
    """An article and its gold file."""

    document: Document
    gold: Gold


def _article_for(gold_path: Path, gold: Gold) -> Path | None:
    name = gold.document or gold_path.with_suffix(".txt").name
    for folder in (
        gold_path.parent.parent / "articles",
        gold_path.parent.parent / "corpus",
        gold_path.parent,
    ):
        if (folder / name).is_file():
            return folder / name
    return None


def find_annotated(paths: Sequence[str]) -> list[Annotated]:
    """Annotated articles under ``paths`` (folders with ``gold/``, or gold files).

    Raises ``InputError`` when nothing is found, when a gold file's article is missing, or when
    the article's text is not the one the gold file was annotated on (``text_sha256``).
    """
    gold_files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_file():
            gold_files.append(path)
        elif (path / "gold").is_dir():
            gold_files.extend(sorted((path / "gold").glob("*.json")))
        elif path.is_dir():
            gold_files.extend(sorted(path.glob("*.json")))
        else:
            raise errors.no_such_input(p)
    out: list[Annotated] = []
    seen: set[str] = set()
    for gp in gold_files:
        gold = load_gold(str(gp))
        article = _article_for(gp, gold)
        if article is None:
            raise errors.bad_gold(str(gp), f"its article {gold.document!r} was not found")
        text = article.read_text(encoding="utf-8")
        sha = _gold_sha(gp)
        if sha and sha != sha256_text(text):
            raise errors.bad_gold(
                str(gp), f"text_sha256 does not match {article} (the text has changed)"
            )
        if str(article.resolve()) in seen:
            continue
        seen.add(str(article.resolve()))
        out.append(Annotated(Document(id=article.stem, text=text, source=str(article)), gold))
    if not out:
        raise errors.no_training_data(list(paths))
    return out


def _gold_sha(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    return str(data.get("text_sha256", "")) if isinstance(data, dict) else ""


@dataclass
class Parsed:
    """An annotated article with its parse (parsed once, read many times)."""

    item: Annotated
    doc: Doc


def parse_all(
    items: Sequence[Annotated], nlp: Language, progress: Progress | None = None
) -> list[Parsed]:
    """Parse every article once with ``nlp`` (kg's pipeline: ``kg.run.extraction.load_nlp``)."""
    out = []
    for n, (doc, item) in enumerate(
        nlp.pipe(((a.document.text, a) for a in items), as_tuples=True, batch_size=8), 1
    ):
        out.append(Parsed(item, doc))
        if progress:
            progress(f"parsed {n}/{len(items)} articles")
    return out


# ---------------------------------------------------------------- examples


def class_examples(parsed: Parsed) -> tuple[list[dict[str, float]], list[str]]:
    """Each matched entity's features and its gold class."""

    ctx = read_entities(parsed.doc, parsed.item.document)
    keys, rows = entity_rows(ctx)
    mapping = map_entities(parsed.item.gold, ctx.entities.values())
    xs, ys = [], []
    for key, row in zip(keys, rows, strict=True):
        g = mapping.get(key)
        if g is not None:
            xs.append(row)
            ys.append(str(parsed.item.gold.entities[g].get("type", "Organization")))
    return xs, ys


@dataclass
class RelationExamples:
    """One article's candidate facts, labelled, grouped by property."""

    rows: dict[str, list[dict[str, float]]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    gold_counts: Counter[str] = field(default_factory=Counter)


def relation_examples(parsed: Parsed, classes: ClassModel | None) -> RelationExamples:

    ctx = read_entities(parsed.doc, parsed.item.document)
    if classes is not None:
        retype(ctx, classes)
    apply_rules(ctx)
    mapping = map_entities(parsed.item.gold, ctx.entities.values())
    gold = gold_triples(parsed.item.gold)
    ex = RelationExamples()
    ex.gold_counts.update(p for _, p, _ in gold if p != "hasTitle")
    for c in candidates(ctx, ctx.relations):
        gs, go = mapping.get(c.subject), mapping.get(c.object)
        label = 0
        if gs is not None and go is not None:
            t = (gs, c.predicate, go)
            if c.predicate in SYMMETRIC_PROPERTIES:
                t = (min(gs, go), c.predicate, max(gs, go))
            label = int(t in gold)
        ex.rows[c.predicate].append(c.features)
        ex.labels[c.predicate].append(label)
    return ex


# ---------------------------------------------------------------- fitting


def fit_classes(parsed: Sequence[Parsed], c: float = CLASS_C) -> ClassModel | None:
    per_doc = [class_examples(p) for p in parsed]
    rows = [r for xs, _ in per_doc for r in xs]
    labels = [y for _, ys in per_doc for y in ys]
    if len(set(labels)) < 2:
        return None
    keep = frequent_features((xs for xs, _ in per_doc), _min_documents(len(per_doc)))
    if not keep:
        return None
    return ClassModel.fit(rows, labels, keep, c)


def _min_documents(n_articles: int) -> int:
    """``MIN_DOCUMENTS``, relaxed for the tiny training sets of tests and demos."""
    return MIN_DOCUMENTS if n_articles >= 3 * MIN_DOCUMENTS else 1


def fit_relations(examples: Sequence[RelationExamples], c: float = RELATION_C) -> dict[str, Binary]:
    """One classifier per property with enough examples of both kinds."""
    out: dict[str, Binary] = {}
    props = sorted({p for ex in examples for p in ex.rows})
    for prop in props:
        rows = [r for ex in examples for r in ex.rows.get(prop, ())]
        labels = [y for ex in examples for y in ex.labels.get(prop, ())]
        if sum(labels) < 2 or sum(labels) == len(labels):
            continue
        keep = frequent_features(
            (ex.rows.get(prop, ()) for ex in examples), _min_documents(len(examples))
        )
        if keep:
            out[prop] = Binary.fit(rows, labels, keep, c)
    return out


def _property_rows(ex: RelationExamples) -> list[dict[str, float]]:
    return [for_property(r, prop) for prop in sorted(ex.rows) for r in ex.rows[prop]]


def fit_shared(examples: Sequence[RelationExamples], c: float = RELATION_C) -> RelationModel:
    """One classifier over every property's candidates (``for_property`` features); each
    property that has a positive example gets an entry for its thresholds."""
    per_article = [_property_rows(ex) for ex in examples]
    rows = [r for article in per_article for r in article]
    labels = [y for ex in examples for prop in sorted(ex.rows) for y in ex.labels[prop]]
    positives = Counter(p for ex in examples for p in ex.labels for y in ex.labels[p] if y)
    if sum(labels) < 2 or sum(labels) == len(labels):
        return RelationModel()
    keep = frequent_features(per_article, _min_documents(len(examples)))
    if not keep:
        return RelationModel()
    props = {p: Binary.decision_only() for p in sorted(positives)}
    return RelationModel(props, shared=Binary.fit(rows, labels, keep, c))


def fit_relation_model(
    examples: Sequence[RelationExamples], c: float = RELATION_C
) -> RelationModel:
    """The relation classifier(s), before calibration and thresholds."""
    if SHARED:
        return fit_shared(examples, c)
    return RelationModel(fit_relations(examples, c))


def folds_of(n: int, k: int, seed: int) -> list[int]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold = [0] * n
    for rank, i in enumerate(order):
        fold[i] = rank % k
    return fold


def out_of_fold(
    examples: Sequence[RelationExamples], c: float = RELATION_C, seed: int = 0
) -> dict[str, list[tuple[float, int, bool]]]:
    """Raw probabilities of an inner cross-validation: ``(probability, label, a rule stated
    it)`` for every candidate of ``examples``, each scored by a model that never saw its
    article."""
    k = min(INNER_FOLDS, len(examples))
    scored: dict[str, list[tuple[float, int, bool]]] = defaultdict(list)
    if k < 2:
        return scored
    fold = folds_of(len(examples), k, seed)
    for f in range(k):
        train = [ex for i, ex in enumerate(examples) if fold[i] != f]
        model = fit_relation_model(train, c)
        for i, ex in enumerate(examples):
            if fold[i] != f:
                continue
            for prop, rows in ex.rows.items():
                known = prop in model.properties
                probs = model.raw_scores(prop, rows) if known else [0.0] * len(rows)
                for q, y, row in zip(probs, ex.labels[prop], rows, strict=True):
                    scored[prop].append((q, y, "rule_any" in row))
    return scored


def calibrations(
    scored: dict[str, list[tuple[float, int, bool]]],
) -> dict[str, tuple[list[float], list[float]]]:
    """One isotonic calibration per property with enough positives, else one pooled over all
    properties."""
    pooled = [(q, y) for rows in scored.values() for q, y, _ in rows]
    if not pooled or not any(y for _, y in pooled):
        return {}
    shared = fit_calibration(pooled)
    out = {}
    for prop, rows in scored.items():
        positives = sum(y for _, y, _ in rows)
        out[prop] = (
            fit_calibration([(q, y) for q, y, _ in rows])
            if positives >= MIN_POSITIVES_OWN_THRESHOLD
            else shared
        )
    return out


def choose_thresholds(
    scored: dict[str, list[tuple[float, int, bool]]], gold: Counter[str]
) -> dict[str, tuple[float, float]]:
    """Each property's F1-best pair of thresholds (for candidates a rule stated, and for the
    others) over out-of-fold (calibrated) probabilities."""
    pairs = [(a, b) for a in THRESHOLDS for b in THRESHOLDS if b >= a and a <= MAX_RULED_THRESHOLD]

    def f1(prop: str, pair: tuple[float, float]) -> float:
        """F1 at these thresholds; 0 when the facts no rule stated fall below the precision
        floor (the model may drop a rule's fact freely, but what it adds must be right)."""
        tp = fp = new_tp = new_fp = 0
        for q, y, ruled in scored[prop]:
            if q >= (pair[0] if ruled else pair[1]):
                tp += y
                fp += 1 - y
                if not ruled:
                    new_tp += y
                    new_fp += 1 - y
        n = gold[prop]
        if not n or (new_tp + new_fp and new_tp / (new_tp + new_fp) < MIN_PRECISION):
            return 0.0
        return 2 * tp / (2 * tp + fp + (n - tp))

    curves = {prop: _smoothed({pair: f1(prop, pair) for pair in pairs}) for prop in scored}
    pooled = {pair: sum(cv[pair] for cv in curves.values()) for pair in pairs}
    overall = max(pairs, key=lambda pr: (pooled[pr], pr[1], pr[0]))
    out = {}
    for prop, curve in curves.items():
        positives = sum(y for _, y, _ in scored[prop])
        if positives < MIN_POSITIVES_OWN_THRESHOLD:
            # the pooled threshold for what rules stated; nothing no rule stated: too few
            # examples to learn what to add (and every pair of the right classes would become
            # a candidate for it)
            out[prop] = (overall[0], NEVER)
        else:
            ruled, new = max(pairs, key=lambda pr: (curve[pr], pr[1], pr[0]))
            added = sum(y for q, y, r in scored[prop] if not r and q >= new)
            if added < MIN_NEW_FACTS:
                # so few right additions out of fold are not worth making every pair of the
                # right classes a candidate (its features and score in every build)
                new = NEVER
            out[prop] = (ruled, new)
    return out


def _smoothed(curve: dict[tuple[float, float], float]) -> dict[tuple[float, float], float]:
    """Each pair's F1 averaged with its neighbours' on the threshold grid: the inner
    cross-validation's F1 is noisy from one grid step to the next, and a peak that its
    neighbours do not share is more likely the noise of a few articles than a better choice."""
    step = {t: i for i, t in enumerate(THRESHOLDS)}
    out = {}
    for (a, b), _ in curve.items():
        around = [
            curve[(THRESHOLDS[i], THRESHOLDS[j])]
            for i in (step[a] - 1, step[a], step[a] + 1)
            for j in (step[b] - 1, step[b], step[b] + 1)
            if 0 <= i < len(THRESHOLDS)
            and 0 <= j < len(THRESHOLDS)
            and (THRESHOLDS[i], THRESHOLDS[j]) in curve
        ]
        out[(a, b)] = sum(around) / len(around)
    return out


def fit_decided(examples: Sequence[RelationExamples], seed: int = 0) -> RelationModel:
    """The relation model fitted on ``examples``, each property with the calibration and the
    thresholds an inner cross-validation on those articles gives it."""
    import numpy as np

    scored = out_of_fold(examples, seed=seed)
    calib = calibrations(scored)
    for prop, rows in scored.items():
        if prop in calib:
            xs, ys = calib[prop]
            cal = np.interp([q for q, _, _ in rows], xs, ys)
            scored[prop] = [(float(c), y, r) for c, (_, y, r) in zip(cal, rows, strict=True)]
    gold: Counter[str] = Counter()
    for ex in examples:
        gold.update(ex.gold_counts)
    thresholds = choose_thresholds(scored, gold)
    relations = fit_relation_model(examples)
    for prop, model in relations.properties.items():
        model.threshold, model.threshold_new = thresholds.get(prop, (0.5, 0.5))
        model.calibration = calib.get(prop)
    return relations


def train_models(
    parsed: Sequence[Parsed], progress: Progress | None = None, seed: int = 0
) -> Models:
    """Train the class model and the relation model on ``parsed`` articles."""
    say = progress or (lambda _msg: None)
    say(f"class model: {len(parsed)} articles")
    classes = fit_classes(parsed)
    examples = []
    for n, p in enumerate(parsed, 1):
        examples.append(relation_examples(p, classes))
        say(f"candidates: {n}/{len(parsed)} articles")
    say("relation model: calibration and thresholds by inner cross-validation")
    relations = fit_decided(examples, seed)
    relations.info = {
        "articles": [p.item.document.source for p in parsed],
        "shared": relations.shared is not None,
        "relation_C": RELATION_C,
        "class_C": CLASS_C,
        "min_documents": MIN_DOCUMENTS,
        "positives": {
            prop: sum(sum(ex.labels.get(prop, ())) for ex in examples)
            for prop in relations.properties
        },
    }
    if classes is not None:
        classes.info = {"articles": len(parsed), "C": CLASS_C}
    return Models(relations, classes)


def save_models(models: Models, path: str | Path) -> None:
    """Write the model file atomically (a failed write leaves the old file whole)."""
    import os
    import tempfile

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        models.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise errors.InputError(
            f"cannot write the model to {path}: {exc.strerror or exc}. "
            "Give a file path in a writable folder."
        ) from None
