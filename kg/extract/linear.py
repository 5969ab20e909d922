"""Scoring a fitted logistic regression as scikit-learn's ``predict_proba`` does, to the bit,
without scikit-learn or scipy: named sparse features -> matrix entries -> scores.

``kg.extract.model``'s classifiers are scored here on every document of a build: a document's
rows become the entries of a sparse matrix (``Entries``: feature names looked up with
whole-array lookups, as ``DictVectorizer.transform`` would number them), and ``Linear``
computes ``x @ coef.T + intercept`` and the link function from them. The same entries can be
handed to scipy as a CSR matrix (``Entries.csr``), which tests and training use; scoring reads
them directly, with the same additions in the same order (``Entries.times``), because scipy's
import and CSR conversion cost a build ~0.4 s of CPU for a few thousand products per document.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any


def matrix(
    rows: Sequence[dict[str, float]],
    vocabulary: dict[str, int],
    joined: dict[str, int] | None = None,
    prior: int | None = None,
) -> Any:
    """The rows as a sparse matrix over ``vocabulary`` (unknown features dropped), as
    ``DictVectorizer.transform`` gives it; with ``joined`` (the columns of the features joined
    to a property) and ``prior`` (the property's own column), ``for_property``'s features.

    Written with whole-array lookups because the vectorizer checks each value's type one by
    one, which made it a third of a build's extraction time."""
    return stacked([(rows, joined, prior)], vocabulary)


def stacked(
    groups: Sequence[tuple[Sequence[dict[str, float]], dict[str, int] | None, int | None]],
    vocabulary: dict[str, int],
) -> Any:
    """``matrix`` of each group (rows, joined columns, prior column), one group's rows after
    the other's, in one matrix: a document's candidates of every property are scored at once.
    Each row holds the same entries as in its own group's matrix, so its score is the same."""
    return stacked_entries(groups, vocabulary).csr()


def stacked_entries(
    groups: Sequence[tuple[Sequence[dict[str, float]], dict[str, int] | None, int | None]],
    vocabulary: dict[str, int],
) -> Entries:
    """The entries of ``stacked``'s matrix (what ``Linear`` scores without scipy)."""
    import numpy as np

    parts_r, parts_c, parts_v = [], [], []
    first = 0
    for rows, joined, prior in groups:
        keys = list(chain.from_iterable(rows))
        values = np.fromiter(chain.from_iterable(map(dict.values, rows)), float, len(keys))
        at_row = np.repeat(np.arange(first, first + len(rows)), list(map(len, rows)))
        for lookup in (vocabulary, joined):
            if lookup is None:
                continue
            cols = np.fromiter(map(lookup.get, keys, repeat(-1)), np.int64, len(keys))
            known = cols >= 0
            parts_r.append(at_row[known])
            parts_c.append(cols[known])
            parts_v.append(values[known])
        if prior is not None:
            parts_r.append(np.arange(first, first + len(rows)))
            parts_c.append(np.full(len(rows), prior, dtype=np.int64))
            parts_v.append(np.ones(len(rows)))
        first += len(rows)
    return Entries.of(parts_r, parts_c, parts_v, (first, len(vocabulary)))


@dataclass(frozen=True)
class Entries:
    """A sparse matrix as its entries (row, column, value), in the order they were found: what
    ``stacked`` and ``Columns.matrix`` hand to scipy, which ``Linear`` can also score without
    scipy (whose import and CSR conversion cost a build ~0.4 s of CPU for a few thousand
    products per document)."""

    rows: Any
    cols: Any
    values: Any
    shape: tuple[int, int]

    @classmethod
    def of(
        cls, rows: list[Any], cols: list[Any], values: list[Any], shape: tuple[int, int]
    ) -> Entries:
        import numpy as np

        if not rows:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), shape)
        return cls(np.concatenate(rows), np.concatenate(cols), np.concatenate(values), shape)

    def csr(self) -> Any:
        """scipy's CSR matrix of the entries (``DictVectorizer.transform``'s type)."""
        from scipy.sparse import coo_matrix

        return coo_matrix((self.values, (self.rows, self.cols)), shape=self.shape).tocsr()

    def times(self, coef: Any) -> Any | None:
        """``self.csr() @ coef.T`` (``coef``: one row of weights per output), to the bit, or
        ``None`` when a row holds a column twice.

        scipy's CSR product adds a row's products one by one from 0.0, in the order of their
        columns (the CSR matrix keeps each row's columns sorted); ``np.bincount`` adds its
        weights in the order given: with the entries sorted by row, then column, the sums are
        the same additions in the same order. A column twice in a row (no features do that)
        would be added up first by scipy: such entries are left to scipy.
        """
        import numpy as np

        # one key per entry, row then column (np.lexsort of the two is three times slower)
        order = np.argsort(self.rows * self.shape[1] + self.cols, kind="stable")
        rows, cols, values = self.rows[order], self.cols[order], self.values[order]
        if np.any((rows[1:] == rows[:-1]) & (cols[1:] == cols[:-1])):
            return None
        n = self.shape[0]
        return np.stack(
            [np.bincount(rows, weights=values * w[cols], minlength=n) for w in coef], axis=1
        ).reshape(n, len(coef))


@dataclass(frozen=True)
class Columns:
    """The shared classifier's columns by feature name: ``ids`` numbers every name it knows,
    as it is or joined to a property (``unknown`` stands for any other name); ``plain[id]`` is
    a name's own column and ``joined[property][id]`` its column joined to the property (-1:
    none). A document's names are then looked up once, not once per table
    (``Binary.raw_by_property``)."""

    ids: dict[str, int]
    unknown: int
    plain: Any
    joined: dict[str, Any]
    width: int  # the classifier's columns

    @classmethod
    def of(cls, vocabulary: dict[str, int]) -> Columns:
        import numpy as np

        ids: dict[str, int] = {}
        by_property: dict[str, list[tuple[str, int]]] = {}
        for name, col in vocabulary.items():
            ids.setdefault(name, len(ids))
            prop, bar, plain = name.partition("|")  # the names ``Binary._joined`` reads
            if bar:
                by_property.setdefault(prop, []).append((plain, col))
        for pairs in by_property.values():
            for plain, _ in pairs:
                ids.setdefault(plain, len(ids))
        unknown = len(ids)
        table = np.full(unknown + 1, -1, dtype=np.int64)
        for name, col in vocabulary.items():
            table[ids[name]] = col
        joined = {}
        for prop, pairs in by_property.items():
            joined[prop] = np.full(unknown + 1, -1, dtype=np.int64)
            for plain, col in pairs:
                joined[prop][ids[plain]] = col
        return cls(ids, unknown, table, joined, len(vocabulary))

    def matrix(self, groups: Sequence[tuple[str, Sequence[dict[str, float]]]], prior: Any) -> Any:
        """``stacked`` of each property's rows with its joined columns and ``prior(p)``
        column: the same entries, so the same CSR matrix."""
        return self.entries(groups, prior).csr()

    def entries(
        self, groups: Sequence[tuple[str, Sequence[dict[str, float]]]], prior: Any
    ) -> Entries:
        """The entries of ``matrix`` (what ``Linear`` scores without scipy)."""
        import numpy as np

        rows = [row for _, group in groups for row in group]
        keys = list(chain.from_iterable(rows))
        n = len(keys)
        ids = np.fromiter(map(self.ids.get, keys, repeat(self.unknown)), np.int64, n)
        values = np.fromiter(chain.from_iterable(map(dict.values, rows)), float, n)
        at_row = np.repeat(np.arange(len(rows)), list(map(len, rows)))
        own = self.plain[ids]
        known = own >= 0
        parts_r, parts_c, parts_v = [at_row[known]], [own[known]], [values[known]]
        first = start = 0
        for p, group in groups:
            size = sum(map(len, group))
            table = self.joined.get(p)
            if table is not None:
                cols = table[ids[start : start + size]]
                known = cols >= 0
                parts_r.append(at_row[start : start + size][known])
                parts_c.append(cols[known])
                parts_v.append(values[start : start + size][known])
            column = prior(p)
            if column is not None:
                parts_r.append(np.arange(first, first + len(group)))
                parts_c.append(np.full(len(group), column, dtype=np.int64))
                parts_v.append(np.ones(len(group)))
            first += len(group)
            start += size
        return Entries.of(parts_r, parts_c, parts_v, (len(rows), self.width))


@dataclass(frozen=True)
class Linear:
    """A fitted logistic regression's weights, scored as scikit-learn's ``LogisticRegression``
    scores them (``predict_proba``) without importing scikit-learn, whose import alone costs
    a build ~1.7 s of CPU: predicting needs only the product and the link function.

    ``coef``: one row of weights per class (one row for two classes), ``intercept`` alike.
    """

    coef: Any
    intercept: Any

    @classmethod
    def of(cls, coef: list[list[float]], intercept: list[float]) -> Linear:
        import numpy as np

        return cls(np.array(coef, dtype=float), np.array(intercept, dtype=float))

    def scores(self, x: Any) -> Any:
        """``x @ coef.T + intercept``: ``x`` is a float CSR matrix, or its ``Entries``, then
        read without scipy (the same sums, to the bit)."""
        if isinstance(x, Entries):
            product = x.times(self.coef)
            if product is not None:
                return product + self.intercept
            x = x.csr()
        return x @ self.coef.T + self.intercept

    def positive(self, x: Any) -> Any:
        """``predict_proba(x)[:, 1]`` of a binary model: ``x @ coef.T + intercept``, then the
        logistic function, as scikit-learn computes them; ``x`` as for ``scores``."""
        return expit(self.scores(x).reshape(-1))

    def probabilities(self, x: Any) -> Any:
        """``predict_proba(x)``: one column per class, in the order of the weights' rows."""
        import numpy as np

        if self.coef.shape[0] == 1:  # two classes: the logistic function of one score
            positive = self.positive(x)
            return np.stack([1 - positive, positive], axis=1)
        scores = self.scores(x)  # softmax, step by step as scikit-learn's
        scores -= np.max(scores, axis=1).reshape((-1, 1))
        np.exp(scores, out=scores)
        scores /= np.sum(scores, axis=1).reshape((-1, 1))
        return scores


def expit(scores: Any) -> Any:
    """``scipy.special.expit``: ``1 / (1 + exp(-x))`` in doubles with the C library's ``exp``
    (``math.exp`` is that one), 0.0 where ``exp(-x)`` overflows; the same values to the bit
    without importing scipy.special."""
    import numpy as np

    out = np.empty(len(scores))
    for i, s in enumerate(scores.tolist()):
        try:
            out[i] = 1.0 / (1.0 + math.exp(-s))
        except OverflowError:
            out[i] = 0.0
    return out
