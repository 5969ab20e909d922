"""The CoNLL04 relation classifier: scikit-learn's logistic regression over named pair features.

One binary model over every candidate pair (``features.pair_features``; each feature is
conjoined with the candidate relation, which the entity types fix). Its probability is the
relation's confidence; a pair is predicted related when the probability reaches ``threshold``,
chosen by cross-validation on the training split.

Saved as JSON (feature names, weights, intercept, threshold), never as a pickle: the file is plain
data. Predictions are scikit-learn's ``predict_proba`` on ``DictVectorizer``'s matrix, computed
without importing either (``kg.extract.linear``, the same numbers to the bit).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.extract.linear import Linear, stacked_entries

FORMAT = "kg-conll04-relations/1"


def _vectorizer(names: Sequence[str]) -> Any:
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer()
    vec.feature_names_ = list(names)
    vec.vocabulary_ = {n: i for i, n in enumerate(names)}
    return vec


def _logreg(coef: Sequence[float], intercept: float) -> Any:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression()
    clf.classes_ = np.array([0, 1])
    clf.coef_ = np.array([list(coef)], dtype=float)
    clf.intercept_ = np.array([intercept], dtype=float)
    clf.n_features_in_ = clf.coef_.shape[1]
    return clf


def _rows(rows: Iterable[Iterable[str]]) -> list[dict[str, float]]:
    return [dict.fromkeys(r, 1.0) for r in rows]


def frequent(rows: Iterable[Iterable[str]], min_count: int) -> set[str]:
    """Features seen in at least ``min_count`` rows (rarer ones only add noise and size)."""
    counts: Counter[str] = Counter()
    for r in rows:
        counts.update(set(r))
    return {f for f, n in counts.items() if n >= min_count}


@dataclass(frozen=True)
class LogRegSettings:
    """Training settings of the classifier (chosen by cross-validation on TRAIN)."""

    c: float = 1.0  # inverse L2 strength
    min_count: int = 2
    class_weight: str | None = None


@dataclass
class RelationClassifier:
    """A fitted binary logistic regression over named features, with its decision threshold."""

    features: list[str]
    coef: list[float]
    intercept: float
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def _estimators(self) -> tuple[Any, Any]:
        """scikit-learn's vectorizer and classifier with these weights (the reference path)."""
        return _vectorizer(self.features), _logreg(self.coef, self.intercept)

    @functools.cached_property
    def _scorer(self) -> tuple[dict[str, int], Linear]:
        return {n: i for i, n in enumerate(self.features)}, Linear.of([self.coef], [self.intercept])

    def probabilities(self, rows: Sequence[Iterable[str]]) -> list[float]:
        """The probability that each feature row is a related pair: ``predict_proba`` on
        ``DictVectorizer.transform``'s matrix, to the bit, computed by ``kg.extract.linear``
        without importing scikit-learn or scipy (the news build's ``killed`` rule asks it, and
        the import alone cost a build ~1.3 s of CPU and ~100 MB)."""
        if not rows:
            return []
        vocabulary, clf = self._scorer
        return [
            float(p) for p in clf.positive(stacked_entries([(_rows(rows), None, None)], vocabulary))
        ]

    @classmethod
    def fit(
        cls,
        rows: Sequence[Sequence[str]],
        labels: Sequence[int],
        settings: LogRegSettings | None = None,
    ) -> RelationClassifier:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        s = settings or LogRegSettings()
        keep = frequent(rows, s.min_count)
        vec = DictVectorizer()
        x = vec.fit_transform(_rows([f for f in r if f in keep] for r in rows))
        clf = LogisticRegression(C=s.c, max_iter=5000, class_weight=s.class_weight)
        # one BLAS thread: on a busy machine more threads make the fit 30x slower, not faster
        with threadpool_limits(limits=1):
            clf.fit(x, list(labels))
        coef = [round(float(w), 6) for w in clf.coef_[0]]
        # drop the weights that round to nothing: a smaller file, the same predictions
        kept = [(n, w) for n, w in zip(vec.feature_names_, coef, strict=True) if w != 0.0]
        return cls([n for n, _ in kept], [w for _, w in kept], float(clf.intercept_[0]))

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "info": self.info,
            "threshold": round(self.threshold, 4),
            "intercept": round(self.intercept, 6),
            "weights": dict(zip(self.features, self.coef, strict=True)),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelationClassifier:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        weights = data["weights"]
        return cls(
            list(weights),
            [float(w) for w in weights.values()],
            float(data["intercept"]),
            float(data["threshold"]),
            dict(data.get("info", {})),
        )
