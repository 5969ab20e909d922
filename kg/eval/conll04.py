"""Evaluation on the public CoNLL04 benchmark (entities and relations in news sentences).

``kg eval conll04 SPLIT.json --predictions OUT.json`` parses each sentence's given tokens with the
project's spaCy model (a ``Doc`` built from the tokens, so indices stay aligned), predicts entities
(Peop, Org, Loc, Other) and relations (Work_For, OrgBased_In, Located_In, Live_In, Kill), writes the
predictions in the input's JSON layout, and prints the strict scores: an entity counts when its
boundaries and type are right; a relation when both entities (boundaries and types) and the
relation type are right (micro-averaged, the measure used in the literature).

The model (``kg.extract.conll04``) is learned on the TRAIN split: a CRF entity tagger
(python-crfsuite) that takes spaCy's NER labels as features, and a scikit-learn logistic
regression over candidate pairs of gold entities and of the tagger's own out-of-fold entities
on TRAIN. ``python -m kg.eval.conll04 train
../shared/conll04/conll04_train.json`` rebuilds the two files of ``kg/data/models/``
(deterministic); ``python -m kg.eval.conll04 cv …train.json`` gives held-out figures by 5-fold
cross-validation on TRAIN, the only figure used to choose features and settings (the dev split
is reported on, never tuned on). No corpus sentence is stored: only feature weights.

The plain spaCy model (``kg.nlp.model.load_base_model``) is used, not the news pipeline of
``kg.extract``: the tagger was trained on the base model's labels, and news-specific components
would shift them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg import errors
from kg.eval.gold import Counts
from kg.extract.conll04.features import ENTITY_TYPES, RELATION_TYPES
from kg.extract.conll04.model import (
    Conll04Model,
    Settings,
    fit,
    relation_examples,
    shipped_model,
)
from kg.nlp.model import load_base_model
from kg.resources import models_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: The ontology property (``kg.rdf.vocab.KG``) each CoNLL04 relation corresponds to.
PROPERTY: dict[str, str] = {
    "Work_For": "worksFor",
    "OrgBased_In": "basedIn",
    "Located_In": "locatedIn",
    "Live_In": "livesIn",
    "Kill": "killed",
}

Sentence = dict[str, Any]
Progress = Callable[[str], None]


# ---------------------------------------------------------------- input / output


def load_split(path: str | Path) -> list[Sentence]:
    """Read a CoNLL04 file in SpERT's JSON layout, checking the fields the scorer relies on."""
    p = Path(path)
    if not p.is_file():
        raise errors.no_conll04(str(path))
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.bad_conll04(str(path), str(exc)) from None
    if not isinstance(data, list):
        raise errors.bad_conll04(str(path), "the top level is not a list of sentences")
    for i, s in enumerate(data):
        if not isinstance(s, dict) or not isinstance(s.get("tokens"), list):
            raise errors.bad_conll04(str(path), f"sentence {i} has no 'tokens' list")
        n = len(s["tokens"])
        ents = s.setdefault("entities", [])
        for e in ents:
            if not (isinstance(e, dict) and 0 <= e.get("start", -1) < e.get("end", -1) <= n):
                raise errors.bad_conll04(
                    str(path), f"sentence {i} has an entity outside its tokens"
                )
        for r in s.setdefault("relations", []):
            if not all(0 <= r.get(k, -1) < len(ents) for k in ("head", "tail")):
                raise errors.bad_conll04(str(path), f"sentence {i} has a relation to no entity")
    return data


def write_predictions(path: str | Path, sentences: Sequence[Sentence]) -> None:
    """Write predictions as a JSON list in the input's layout (one sentence per line)."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with p.open("w", encoding="utf-8") as out:
            out.write("[\n")
            for i, s in enumerate(sentences):
                out.write(json.dumps(s, ensure_ascii=False))
                out.write(",\n" if i < len(sentences) - 1 else "\n")
            out.write("]\n")
    except OSError as exc:
        raise errors.cannot_write_predictions(str(path), exc.strerror or str(exc)) from None


# ---------------------------------------------------------------- scoring


class PRF(Counts):
    """Counts and the derived precision, recall and F1, filled from gold and predicted sets."""

    def add(self, gold: set[Any], pred: set[Any]) -> None:  # type: ignore[override]
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)


@dataclass
class Scores:
    """Strict entity and relation scores over a split."""

    entities: PRF = field(default_factory=PRF)
    relations: PRF = field(default_factory=PRF)
    per_entity: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in ENTITY_TYPES})
    per_relation: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in RELATION_TYPES})
    sentences: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "entities": self.entities.as_dict(),
            "relations": self.relations.as_dict(),
            "per_entity": {k: v.as_dict() for k, v in self.per_entity.items()},
            "per_relation": {
                k: v.as_dict() | {"property": PROPERTY.get(k, "")}
                for k, v in self.per_relation.items()
            },
        }


def _entity_set(s: Sentence) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["type"]) for e in s["entities"]}


def _relation_set(s: Sentence) -> set[tuple[tuple[int, int, str], tuple[int, int, str], str]]:
    ents = s["entities"]

    def key(i: int) -> tuple[int, int, str]:
        e = ents[i]
        return (e["start"], e["end"], e["type"])

    return {(key(r["head"]), key(r["tail"]), r["type"]) for r in s["relations"]}


def score(gold: Sequence[Sentence], pred: Sequence[Sentence]) -> Scores:
    """Strict micro scores of ``pred`` against ``gold`` (sentence lists in the same order).

    An entity is correct when start, end and type match; a relation when its head and tail
    entities are both correct (boundaries and types) and its type matches.
    """
    if len(gold) != len(pred):
        raise errors.InputError(
            f"cannot score {len(pred)} predicted sentences against {len(gold)} gold sentences. "
            "Give predictions made on the same file."
        )
    scores = Scores(sentences=len(gold))
    for g, p in zip(gold, pred, strict=True):
        ge, pe = _entity_set(g), _entity_set(p)
        scores.entities.add(ge, pe)
        for t, prf in scores.per_entity.items():
            prf.add({e for e in ge if e[2] == t}, {e for e in pe if e[2] == t})
        gr, pr = _relation_set(g), _relation_set(p)
        scores.relations.add(gr, pr)
        for t in {r[2] for r in gr | pr}:
            prf = scores.per_relation.setdefault(t, PRF())
            prf.add({r for r in gr if r[2] == t}, {r for r in pr if r[2] == t})
    return scores


def format_scores(scores: Scores, title: str = "") -> str:
    """Render the scores as a plain-text table (relations first, with ontology properties)."""
    lines = []
    if title:
        lines.append(title)
    lines.append(
        f"{'relation':<12} {'property':<10} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'tp':>5} {'fp':>5} {'fn':>5}"
    )
    for name, prf in scores.per_relation.items():
        lines.append(_row(name, PROPERTY.get(name, "-"), prf))
    lines.append(_row("micro", "(strict)", scores.relations))
    lines.append("")
    lines.append(
        f"{'entity':<12} {'':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    )
    for name, prf in scores.per_entity.items():
        lines.append(_row(name, "", prf))
    lines.append(_row("micro", "(strict)", scores.entities))
    lines.append("")
    lines.append(
        f"strict relation micro F1 {scores.relations.f1:.4f}   "
        f"strict entity micro F1 {scores.entities.f1:.4f}   ({scores.sentences} sentences)"
    )
    return "\n".join(lines) + "\n"


def _row(name: str, prop: str, prf: PRF) -> str:
    return (
        f"{name:<12} {prop:<10} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} "
        f"{prf.tp:5d} {prf.fp:5d} {prf.fn:5d}"
    )


# ---------------------------------------------------------------- parsing


def parse(
    sentences: Sequence[Sentence], nlp: Language | None = None, progress: Progress | None = None
) -> list[Doc]:
    """Run the spaCy pipeline over each sentence's own tokens (indices stay aligned)."""
    from spacy.tokens import Doc

    if nlp is None:
        nlp = load_base_model()
    docs = []
    inputs = (
        Doc(nlp.vocab, words=[t if t.strip() else "_" for t in s["tokens"]] or ["_"])
        for s in sentences
    )
    for i, doc in enumerate(nlp.pipe(inputs, batch_size=64)):
        docs.append(doc)
        if progress and (i + 1) % 200 == 0:
            progress(f"parsed {i + 1}/{len(sentences)} sentences")
    return docs


def predict(
    sentences: Sequence[Sentence],
    model: Conll04Model | None = None,
    nlp: Language | None = None,
    progress: Progress | None = None,
) -> list[Sentence]:
    """Predict entities and relations for every sentence (the shipped model by default)."""
    model = model or shipped_model()
    docs = parse(sentences, nlp, progress)
    out = []
    for i, (s, doc) in enumerate(zip(sentences, docs, strict=True)):
        out.append(model.predict(s, doc))
        if progress and (i + 1) % 200 == 0:
            progress(f"predicted {i + 1}/{len(sentences)} sentences")
    return out


@dataclass
class EvalResult:
    scores: Scores
    predictions: list[Sentence]
    seconds: float


def evaluate(
    path: str | Path, predictions: str | Path | None = None, progress: Progress | None = None
) -> EvalResult:
    """Predict on a CoNLL04 file, optionally write the predictions, and score them."""
    start = time.perf_counter()
    gold = load_split(path)
    model = shipped_model()
    if progress:
        progress(f"{len(gold)} sentences from {path}")
    pred = predict(gold, model, progress=progress)
    if predictions:
        write_predictions(predictions, pred)
    return EvalResult(score(gold, pred), pred, time.perf_counter() - start)


def run_cli(path: str, predictions: str | None, fmt: str = "table", quiet: bool = False) -> int:
    """Entry point of ``kg eval conll04``: print the scores table (or JSON) to stdout."""

    def progress(msg: str) -> None:
        if not quiet:
            print(f"  {msg}", file=sys.stderr)

    result = evaluate(path, predictions, progress)
    if fmt == "json":
        sys.stdout.write(
            json.dumps(result.scores.as_dict() | {"seconds": result.seconds}, indent=2) + "\n"
        )
    else:
        title = f"CoNLL04 strict scores on {path}"
        sys.stdout.write(format_scores(result.scores, title))
        where = f"; predictions → {predictions}" if predictions else ""
        sys.stdout.write(f"{result.seconds:.1f}s{where}\n")
    return 0


# ---------------------------------------------------------------- training


REGENERATE = "python -m kg.eval.conll04 train ../shared/conll04/conll04_train.json"


def train(
    path: str | Path,
    out_dir: Path | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Learn the model from a TRAIN split and write its files to ``kg/data/models/``."""
    say = progress or (lambda _msg: None)
    if out_dir is None:
        out_dir = models_dir()
    settings = settings or Settings()
    sentences = load_split(path)
    docs = parse(sentences, progress=say)
    model = fit(sentences, docs, settings, progress=say)
    about = {
        "trained_on": Path(path).name,
        "sentences": len(sentences),
        "settings": _settings_dict(settings),
        "regenerate": REGENERATE,
    }
    model.save(out_dir, about)
    say(f"wrote the CoNLL04 model to {out_dir} (threshold {model.relations.threshold})")
    return {
        "entity_labels": len(model.tagger.labels),
        "relation_features": len(model.relations.features),
        "threshold": model.relations.threshold,
    }


def _settings_dict(settings: Settings) -> dict[str, Any]:
    return asdict(settings)


@dataclass
class CrossValidation:
    """Held-out scores, and the held-out (probability, label) of every gold-entity pair."""

    scores: Scores
    pairs: list[tuple[float, int]]


def cross_validate(
    path: str | Path,
    folds: int = 5,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> CrossValidation:
    """Held-out strict scores by k-fold cross-validation on a TRAIN split (never dev).

    Sentence ``i`` is in test fold ``i % folds``. This is the figure to compare design choices
    with: it needs no other split. Each fold's relation classifier also scores the candidate
    pairs of the held-out sentences' gold entities, for the calibration table.
    """
    say = progress or (lambda _msg: None)
    sentences = load_split(path)
    if len(sentences) < folds:
        raise errors.InputError(
            f"cannot cross-validate {len(sentences)} sentences of {path} in {folds} folds. "
            "Give a split with at least as many sentences as folds."
        )
    docs = parse(sentences, progress=say)
    gold: list[Sentence] = []
    pred: list[Sentence] = []
    pairs: list[tuple[float, int]] = []
    for k in range(folds):
        idx_train = [i for i in range(len(sentences)) if i % folds != k]
        idx_test = [i for i in range(len(sentences)) if i % folds == k]
        say(f"fold {k + 1}/{folds}")
        model = fit([sentences[i] for i in idx_train], [docs[i] for i in idx_train], settings)
        for i in idx_test:
            gold.append(sentences[i])
            pred.append(model.predict(sentences[i], docs[i]))
        rows, labels = relation_examples(
            [sentences[i] for i in idx_test], [docs[i] for i in idx_test]
        )
        pairs.extend(zip(model.relations.probabilities(rows), labels, strict=True))
    return CrossValidation(score(gold, pred), pairs)


def format_calibration(pairs: Sequence[tuple[float, int]], bins: int = 10) -> str:
    """Reliability table: per probability bin, the pairs, their mean probability and the share
    that are related. A calibrated model has the two close in every bin."""
    lines = [
        "calibration of the relation probability (held-out pairs of gold entities)",
        f"{'bin':<10} {'pairs':>6} {'mean p':>7} {'related':>8}",
    ]
    gap = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, y) for p, y in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not inside:
            continue
        mean_p = sum(p for p, _ in inside) / len(inside)
        rate = sum(y for _, y in inside) / len(inside)
        gap += len(inside) * abs(mean_p - rate)
        lines.append(f"{lo:.1f}-{hi:.1f}    {len(inside):6d} {mean_p:7.3f} {rate:8.3f}")
    if pairs:
        brier = sum((p - y) ** 2 for p, y in pairs) / len(pairs)
        lines.append(
            f"expected calibration error {gap / len(pairs):.4f}   Brier score {brier:.4f}   "
            f"({len(pairs)} pairs)"
        )
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m kg.eval.conll04",
        description="CoNLL04: rebuild the shipped model from TRAIN, cross-validate on TRAIN, "
        "or score a split (as kg eval conll04).",
    )
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="learn the model from TRAIN and write kg/data/models/")
    t.add_argument("split", help="a CoNLL04 JSON split, e.g. " + REGENERATE.split()[-1])
    t.add_argument("out_dir", nargs="?", help="write the model files there instead")
    c = sub.add_parser("cv", help="k-fold cross-validation on TRAIN (the figure for choices)")
    c.add_argument("split", help="a CoNLL04 JSON split (TRAIN, never dev)")
    c.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
    # the settings compared by cross-validation; the defaults are the ones chosen
    d = Settings()
    c.add_argument("--c1", type=float, default=d.crf.c1, help=f"CRF L1 penalty ({d.crf.c1})")
    c.add_argument("--c2", type=float, default=d.crf.c2, help=f"CRF L2 penalty ({d.crf.c2})")
    c.add_argument(
        "--C", type=float, default=d.relations.c, help=f"relation inverse L2 ({d.relations.c})"
    )
    c.add_argument(
        "--threshold",
        type=float,
        default=d.threshold,
        help=f"relation decision threshold ({d.threshold})",
    )
    c.add_argument(
        "--entity-folds",
        type=int,
        default=d.entity_folds,
        help="parts for the tagger's out-of-fold entities the relation classifier also learns "
        f"from; 0: gold entities only ({d.entity_folds})",
    )
    e = sub.add_parser("eval", help="predict and score a split with the shipped model")
    e.add_argument("split", help="a CoNLL04 JSON split, e.g. ../shared/conll04/conll04_dev.json")
    e.add_argument("predictions", nargs="?", help="write the predictions there")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.eval.conll04 train|cv|eval FILE …``: rebuild, cross-validate, evaluate."""
    args = _parser().parse_args(argv)

    def say(msg: str) -> None:
        print(f"  {msg}", file=sys.stderr)

    try:
        if args.command == "train":
            out = Path(args.out_dir) if args.out_dir else None
            print(json.dumps(train(args.split, out, progress=say)))
            return 0
        if args.command == "cv":
            if args.folds < 2:
                print("error: --folds must be at least 2", file=sys.stderr)
                return 2
            start = time.perf_counter()
            settings = Settings(
                crf=replace(Settings().crf, c1=args.c1, c2=args.c2),
                relations=replace(Settings().relations, c=args.C),
                threshold=args.threshold,
                entity_folds=args.entity_folds,
            )
            cv = cross_validate(args.split, args.folds, settings, progress=say)
            title = f"{args.folds}-fold cross-validation on {args.split}"
            sys.stdout.write(format_scores(cv.scores, title))
            sys.stdout.write("\n" + format_calibration(cv.pairs))
            sys.stdout.write(f"{time.perf_counter() - start:.1f}s\n")
            return 0
        return run_cli(args.split, args.predictions)
    except errors.KGError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":
    sys.exit(main())
