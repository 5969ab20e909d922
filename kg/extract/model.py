"""The learned models of the extractor: entity classes and relations, fitted by scikit-learn.

Both are logistic regressions over named sparse features (``DictVectorizer`` +
``LogisticRegression``), trained by ``kg.eval.training`` on the annotated articles. A
trained model is saved as JSON (feature names, weights, intercepts, decision thresholds and
how it was trained), never as a pickle: the file is data, readable and safe to load. Predicting
computes what scikit-learn's ``predict_proba`` computes, the same operations on the same
matrix (``kg.extract.linear``), without importing scikit-learn (a build would pay ~1.7 s CPU
for it) nor scipy.

- ``ClassModel``: an entity's features (``kg.extract.classes``) → its ontology class.
- ``RelationModel``: candidate facts (``kg.extract.candidates``) → the probability that the
  text states the fact. One classifier is shared by all properties: each candidate's features
  are given twice, as they are and joined to the property (``for_property``), so that what
  marks a stated fact for every property (a short dependency path, a rule that fired, a verb
  between the two) is learned from all 1,400 gold facts at once, while each property keeps
  its own trigger words. Most properties have a few dozen positives, too few for a
  classifier of their own (measured in docs/RESULTS.md). Each property keeps its own
  calibration and decision thresholds, chosen by cross-validation on the training articles;
  the calibrated probability is the fact's confidence.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import errors
from kg.extract.linear import Columns, Linear, stacked_entries
from kg.resources import models_dir

FORMAT = "kg-model/1"
#: A feature must occur in at least this many training articles to be kept: features seen in
#: one or two articles only let the model memorise those articles.
MIN_DOCUMENTS = 3
#: Rare classes (Event) weigh as much as common ones when the class model is fitted.
CLASS_WEIGHT: str | None = "balanced"


def _fit_logreg(
    rows: Sequence[dict[str, float]],
    labels: Sequence[Any],
    keep: set[str],
    c: float,
    class_weight: str | None = None,
) -> tuple[Any, list[str]]:
    """scikit-learn's logistic regression fitted on the ``keep`` features of ``rows``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([{k: v for k, v in r.items() if k in keep} for r in rows])
    clf = LogisticRegression(C=c, max_iter=5000, class_weight=class_weight)
    clf.fit(x, list(labels))
    return clf, list(vec.feature_names_)


def for_property(row: dict[str, float], predicate: str) -> dict[str, float]:
    """A candidate's features for the shared classifier: each feature as it is and joined to
    the candidate's property, plus the property itself (its prior)."""
    out = dict(row)
    out.update({f"{predicate}|{k}": v for k, v in row.items()})
    out[f"property={predicate}"] = 1.0
    return out


def frequent_features(docs: Iterable[Iterable[dict[str, float]]], min_docs: int) -> set[str]:
    """Names of the features that occur in at least ``min_docs`` documents."""
    counts: Counter[str] = Counter()
    for rows in docs:
        seen: set[str] = set()
        for row in rows:
            seen.update(row)
        counts.update(seen)
    return {f for f, n in counts.items() if n >= min_docs}


@dataclass
class Binary:
    """One fitted binary classifier over named features."""

    features: list[str]
    coef: list[float]
    intercept: float
    #: decision threshold for a candidate some rule stated, and for one no rule stated
    threshold: float = 0.5
    threshold_new: float = 0.5
    #: isotonic calibration fitted on out-of-fold predictions: the regression's thresholds
    #: (raw probability → observed precision), applied by linear interpolation as
    #: scikit-learn's ``IsotonicRegression.predict`` does
    calibration: tuple[list[float], list[float]] | None = None

    def threshold_for(self, row: dict[str, float]) -> float:
        return self.threshold if "rule_any" in row else self.threshold_new

    @functools.cached_property
    def _estimators(self) -> tuple[dict[str, int], Linear]:
        vocabulary = {n: i for i, n in enumerate(self.features)}
        return vocabulary, Linear.of([self.coef], [self.intercept])

    def probabilities(
        self, rows: Sequence[dict[str, float]], raw: bool = False, predicate: str | None = None
    ) -> list[float]:
        """The calibrated probability of each row (``raw``: the regression's own).

        With ``predicate``, each row is read as ``for_property(row, predicate)`` (the shared
        classifier's features) without building those dictionaries.
        """
        if not rows:
            return []
        vocabulary, clf = self._estimators
        joined = self._joined(predicate) if predicate else None
        prior = vocabulary.get(f"property={predicate}") if predicate else None
        probs = clf.positive(stacked_entries([(rows, joined, prior)], vocabulary))
        return [float(p) for p in probs] if raw else self.calibrate(probs)

    def raw_by_property(
        self, groups: Sequence[tuple[str, Sequence[dict[str, float]]]]
    ) -> list[list[float]]:
        """``probabilities(rows, raw=True, predicate=p)`` of each ``(p, rows)``, from one
        matrix and one product for all of them."""
        vocabulary, clf = self._estimators
        if not any(rows for _, rows in groups):
            return [[] for _ in groups]
        entries = self._columns.entries(
            [(p, rows) for p, rows in groups if rows],
            lambda p: vocabulary.get(f"property={p}"),
        )
        probs = [float(p) for p in clf.positive(entries)]
        out, first = [], 0
        for _p, rows in groups:
            out.append(probs[first : first + len(rows)])
            first += len(rows)
        return out

    @functools.cached_property
    def _columns(self) -> Columns:
        return Columns.of(self._estimators[0])

    @functools.cached_property
    def _joined_columns(self) -> dict[str, dict[str, int]]:
        return {}

    def _joined(self, predicate: str) -> dict[str, int]:
        """Column of each feature joined to ``predicate``, keyed by the plain feature."""
        if predicate not in self._joined_columns:
            head = f"{predicate}|"
            self._joined_columns[predicate] = {
                n[len(head) :]: i for i, n in enumerate(self.features) if n.startswith(head)
            }
        return self._joined_columns[predicate]

    def calibrate(self, probs: Sequence[float]) -> list[float]:
        """Raw probabilities → calibrated ones (unchanged without a calibration)."""
        if self.calibration is None:
            return [float(p) for p in probs]
        import numpy as np

        xs, ys = self.calibration
        return [float(p) for p in np.interp(probs, xs, ys)]

    @classmethod
    def fit(
        cls, rows: Sequence[dict[str, float]], labels: Sequence[int], keep: set[str], c: float
    ) -> Binary:
        clf, names = _fit_logreg(rows, labels, keep, c)
        coef = [round(float(w), 6) for w in clf.coef_[0]]
        # drop features whose weight rounds to nothing: smaller file, same predictions
        kept = [(n, w) for n, w in zip(names, coef, strict=True) if w != 0.0]
        return cls([n for n, _ in kept], [w for _, w in kept], float(clf.intercept_[0]))

    @classmethod
    def decision_only(cls) -> Binary:
        """A property's thresholds and calibration over the shared classifier's scores."""
        return cls([], [], 0.0)

    def as_json(self) -> dict[str, Any]:
        return {
            "threshold": round(self.threshold, 4),
            "threshold_new": round(self.threshold_new, 4),
            "calibration": (
                [
                    [round(x, 6) for x in self.calibration[0]],
                    [round(y, 6) for y in self.calibration[1]],
                ]
                if self.calibration
                else None
            ),
            "intercept": round(self.intercept, 6),
            "weights": dict(zip(self.features, self.coef, strict=True)),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Binary:
        weights = data["weights"]
        return cls(
            list(weights),
            [float(w) for w in weights.values()],
            float(data["intercept"]),
            float(data.get("threshold", 0.5)),
            float(data.get("threshold_new", data.get("threshold", 0.5))),
            _calibration(data.get("calibration")),
        )


def _calibration(data: Any) -> tuple[list[float], list[float]] | None:
    if not data:
        return None
    xs, ys = data
    if len(xs) != len(ys) or not xs:
        raise ValueError("a calibration needs as many x as y values")
    return [float(x) for x in xs], [float(y) for y in ys]


def fit_calibration(scored: Sequence[tuple[float, int]]) -> tuple[list[float], list[float]]:
    """An isotonic regression from raw probabilities to outcomes (out-of-fold pairs)."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit([q for q, _ in scored], [y for _, y in scored])
    return [float(x) for x in iso.X_thresholds_], [float(y) for y in iso.y_thresholds_]


@dataclass
class RelationModel:
    """Classifiers of candidate facts: one shared by all properties (``shared``), each
    property's thresholds and calibration in ``properties``; or, without ``shared``, one
    classifier per property."""

    properties: dict[str, Binary] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    shared: Binary | None = None

    def raw_scores(self, predicate: str, rows: Sequence[dict[str, float]]) -> list[float]:
        """The classifier's own probabilities, before the property's calibration."""
        if self.shared is not None:
            return self.shared.probabilities(rows, raw=True, predicate=predicate)
        model = self.properties.get(predicate)
        return model.probabilities(rows, raw=True) if model else [0.0] * len(rows)

    def score(self, predicate: str, rows: Sequence[dict[str, float]]) -> list[float]:
        """The calibrated probability that each candidate of ``predicate`` is stated."""
        model = self.properties.get(predicate)
        if model is None or not rows:
            return [0.0] * len(rows)
        return model.calibrate(self.raw_scores(predicate, rows))

    def score_by_property(
        self, groups: dict[str, Sequence[dict[str, float]]]
    ) -> dict[str, list[float]]:
        """``score(p, rows)`` of each property's rows; with a shared classifier, all of a
        document's candidates go through it at once (one matrix, one product)."""
        if self.shared is None:
            return {p: self.score(p, rows) for p, rows in groups.items()}
        out = {p: [0.0] * len(rows) for p, rows in groups.items()}
        known = [(p, rows) for p, rows in groups.items() if p in self.properties and rows]
        for (p, _rows), raw in zip(known, self.shared.raw_by_property(known), strict=True):
            out[p] = self.properties[p].calibrate(raw)
        return out

    def may_keep(self, predicate: str, ruled: bool) -> bool:
        """Whether any candidate of ``predicate`` (one a rule stated, or one none did) can
        reach its threshold: a property whose model adds nothing keeps only the rules' facts."""
        model = self.properties.get(predicate)
        if model is None:
            return ruled  # a property the model never learned keeps what the rules state
        return (model.threshold if ruled else model.threshold_new) <= 1.0

    def knows(self, predicate: str) -> bool:
        """Whether the model learned ``predicate`` (its training articles had a positive)."""
        return predicate in self.properties

    def threshold(self, predicate: str, row: dict[str, float]) -> float:
        """The probability a candidate needs to be kept (above 1 for an unknown property)."""
        model = self.properties.get(predicate)
        return model.threshold_for(row) if model else 1.1

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": "relations",
            "info": self.info,
            "shared": self.shared.as_json() if self.shared else None,
            "properties": {p: m.as_json() for p, m in sorted(self.properties.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelationModel:
        shared = data.get("shared")
        return cls(
            {p: Binary.from_json(m) for p, m in data["properties"].items()},
            dict(data.get("info", {})),
            Binary.from_json(shared) if shared else None,
        )


@dataclass
class ClassModel:
    """Multinomial classifier of an entity's ontology class."""

    classes: list[str]
    features: list[str]
    coef: list[list[float]]
    intercept: list[float]
    #: keep the finder's class unless the model is at least this sure of another one
    min_probability: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def _estimators(self) -> tuple[dict[str, int], Linear]:
        vocabulary = {n: i for i, n in enumerate(self.features)}
        return vocabulary, Linear.of(self.coef, self.intercept)

    def predict(self, rows: Sequence[dict[str, float]]) -> list[tuple[str, float]]:
        """The most probable class of each row and its probability."""
        if not rows:
            return []
        vocabulary, clf = self._estimators
        probs = clf.probabilities(stacked_entries([(rows, None, None)], vocabulary))
        out = []
        for row in probs:
            best = int(row.argmax())
            out.append((self.classes[best], float(row[best])))
        return out

    @classmethod
    def fit(
        cls, rows: Sequence[dict[str, float]], labels: Sequence[str], keep: set[str], c: float
    ) -> ClassModel:
        clf, names = _fit_logreg(rows, labels, keep, c, CLASS_WEIGHT)
        coef = [[round(float(w), 6) for w in line] for line in clf.coef_]
        return cls(
            [str(c) for c in clf.classes_],
            names,
            coef,
            [float(b) for b in clf.intercept_],
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": "classes",
            "info": self.info,
            "min_probability": self.min_probability,
            "classes": self.classes,
            "intercept": [round(b, 6) for b in self.intercept],
            "weights": {f: [line[i] for line in self.coef] for i, f in enumerate(self.features)},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClassModel:
        weights = data["weights"]
        names = list(weights)
        # one row of weights per class, or a single row for two classes (scikit-learn's shape)
        coef = [[float(weights[f][k]) for f in names] for k in range(len(data["intercept"]))]
        return cls(
            list(data["classes"]),
            names,
            coef,
            [float(b) for b in data["intercept"]],
            float(data.get("min_probability", 0.5)),
            dict(data.get("info", {})),
        )


@dataclass
class Models:
    """The extractor's learned models, loaded together."""

    relations: RelationModel | None = None
    classes: ClassModel | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "relations": self.relations.as_json() if self.relations else None,
            "classes": self.classes.as_json() if self.classes else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Models:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        rel = data.get("relations")
        cl = data.get("classes")
        return cls(
            RelationModel.from_json(rel) if rel else None,
            ClassModel.from_json(cl) if cl else None,
        )

    def save(self, path: str | Path) -> None:
        text = json.dumps(self.as_json(), ensure_ascii=False, separators=(",", ":"))
        Path(path).write_text(text + "\n", encoding="utf-8")


#: The shipped model file, in the models folder of the package's data.
MODEL_FILE = "extractor.json"


def shipped_models() -> Models:
    """The extractor's models: the file named by ``KG_MODEL`` when set, else the one shipped
    with kg (trained on the 41 annotated articles). Loaded once per file and process."""
    import os

    return _load_cached(os.environ.get("KG_MODEL") or str(models_dir() / MODEL_FILE))


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> Models:
    return load_models(path)


def load_models(path: str | Path) -> Models:
    """Read a model file written by ``Models.save`` (a clear error when it is unusable)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return Models.from_json(data)
    except FileNotFoundError:
        raise errors.missing_model(str(p)) from None
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise errors.bad_model(str(p), str(exc)) from None
