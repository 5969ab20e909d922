"""Small learned models for sentence-level entities and relations (pure Python, no extra deps).

Two learners, both trained by ``kg.conll04`` on a training split and stored as JSON in
``kg/data/models/``:

* ``Tagger``: an averaged structured perceptron over BIO tags (first-order Viterbi). Its input
  features include spaCy's own NER labels, so it learns to *correct* spaCy toward a corpus's
  conventions (boundaries, types such as CoNLL04's ``Other``) rather than tagging from scratch.
* ``LogReg``: binary logistic regression (SGD with L2) over sparse string features of an entity
  pair: types, words between, the dependency path, trigger lemmas. Its probability is the
  relation's confidence.

Both are deterministic for a given seed; weights are plain ``{feature: …}`` dicts so the JSON
files are readable and diffable.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

# ---------------------------------------------------------------- tagger


class Tagger:
    """Averaged structured perceptron for BIO sequence tagging.

    Args:
        tags: the tag set, e.g. ``["O", "B-Peop", "I-Peop", …]``; ``"O"`` must be first.
    """

    def __init__(self, tags: Sequence[str]) -> None:
        self.tags = list(tags)
        self.weights: dict[str, dict[int, float]] = {}
        # transitions[prev][cur]; prev index len(tags) stands for the sentence start
        self.trans = [[0.0] * len(self.tags) for _ in range(len(self.tags) + 1)]
        self._allowed = self._allowed_transitions()

    def _allowed_transitions(self) -> list[list[bool]]:
        # I-X may only follow B-X or I-X: decoding never produces a broken span.
        n = len(self.tags)
        allowed = [[True] * n for _ in range(n + 1)]
        for cur, tag in enumerate(self.tags):
            if not tag.startswith("I-"):
                continue
            label = tag[2:]
            for prev in range(n + 1):
                prev_tag = self.tags[prev] if prev < n else "O"
                allowed[prev][cur] = prev_tag in (f"B-{label}", f"I-{label}")
        return allowed

    def _emissions(self, feats: list[list[str]]) -> list[list[float]]:
        n = len(self.tags)
        out = []
        for token_feats in feats:
            scores = [0.0] * n
            for f in token_feats:
                w = self.weights.get(f)
                if w:
                    for t, v in w.items():
                        scores[t] += v
            out.append(scores)
        return out

    def decode(self, feats: list[list[str]]) -> list[str]:
        """Return the best tag sequence for per-token feature lists (Viterbi)."""
        if not feats:
            return []
        n = len(self.tags)
        em = self._emissions(feats)
        neg = -1e18
        start = n
        score = [
            em[0][c] + self.trans[start][c] if self._allowed[start][c] else neg for c in range(n)
        ]
        back: list[list[int]] = []
        for i in range(1, len(feats)):
            new = [neg] * n
            ptr = [0] * n
            for c in range(n):
                best, arg = neg, 0
                for p in range(n):
                    if not self._allowed[p][c] or score[p] <= neg:
                        continue
                    s = score[p] + self.trans[p][c]
                    if s > best:
                        best, arg = s, p
                new[c] = best + em[i][c] if best > neg else neg
                ptr[c] = arg
            score = new
            back.append(ptr)
        last = max(range(n), key=lambda c: score[c])
        path = [last]
        for ptr in reversed(back):
            path.append(ptr[path[-1]])
        path.reverse()
        return [self.tags[t] for t in path]

    def train(
        self, data: list[tuple[list[list[str]], list[str]]], epochs: int = 10, seed: int = 0
    ) -> None:
        """Fit on ``(features per token, gold tags)`` pairs; weights are averaged over updates."""
        index = {t: i for i, t in enumerate(self.tags)}
        n = len(self.tags)
        w: dict[str, dict[int, float]] = defaultdict(dict)
        total: dict[tuple[str, int], float] = defaultdict(float)
        stamp: dict[tuple[str, int], int] = defaultdict(int)
        tr = [[0.0] * n for _ in range(n + 1)]
        tr_total = [[0.0] * n for _ in range(n + 1)]
        tr_stamp = [[0] * n for _ in range(n + 1)]
        step = 0
        rng = random.Random(seed)
        order = list(range(len(data)))

        def bump(f: str, t: int, v: float) -> None:
            key = (f, t)
            cur = w[f].get(t, 0.0)
            total[key] += (step - stamp[key]) * cur
            stamp[key] = step
            w[f][t] = cur + v

        def bump_tr(p: int, c: int, v: float) -> None:
            tr_total[p][c] += (step - tr_stamp[p][c]) * tr[p][c]
            tr_stamp[p][c] = step
            tr[p][c] += v

        for _ in range(epochs):
            rng.shuffle(order)
            for k in order:
                feats, gold = data[k]
                step += 1
                self.weights, self.trans = w, tr
                guess = self.decode(feats)
                if guess == gold:
                    continue
                prev_g, prev_p = n, n
                for i, (g, p) in enumerate(zip(gold, guess, strict=True)):
                    gi, pi = index[g], index[p]
                    if gi != pi:
                        for f in feats[i]:
                            bump(f, gi, 1.0)
                            bump(f, pi, -1.0)
                    if (prev_g, gi) != (prev_p, pi):
                        bump_tr(prev_g, gi, 1.0)
                        bump_tr(prev_p, pi, -1.0)
                    prev_g, prev_p = gi, pi
        # average: weight = accumulated total / number of steps
        avg: dict[str, dict[int, float]] = {}
        for f, row in w.items():
            for t, cur in row.items():
                key = (f, t)
                value = (total[key] + (step - stamp[key]) * cur) / max(step, 1)
                if abs(value) >= 1e-4:
                    avg.setdefault(f, {})[t] = round(value, 4)
        self.weights = avg
        self.trans = [
            [
                round((tr_total[p][c] + (step - tr_stamp[p][c]) * tr[p][c]) / max(step, 1), 4)
                for c in range(n)
            ]
            for p in range(n + 1)
        ]

    def to_json(self) -> dict[str, Any]:
        weights = {
            f: {str(t): v for t, v in row.items()} for f, row in sorted(self.weights.items())
        }
        return {
            "kind": "bio-perceptron",
            "tags": self.tags,
            "transitions": self.trans,
            "weights": weights,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tagger:
        tagger = cls(data["tags"])
        tagger.trans = [list(map(float, row)) for row in data["transitions"]]
        tagger.weights = {
            f: {int(t): float(v) for t, v in row.items()} for f, row in data["weights"].items()
        }
        return tagger


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Turn BIO tags into ``(start, end_exclusive, label)`` spans."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("I-") and start >= 0 and tag[2:] == label:
            continue
        if start >= 0:
            spans.append((start, i, label))
            start, label = -1, ""
        if tag.startswith(("B-", "I-")):
            start, label = i, tag[2:]
    return spans


def spans_to_bio(n: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Inverse of :func:`bio_spans` for non-overlapping spans over ``n`` tokens."""
    tags = ["O"] * n
    for start, end, label in spans:
        if any(t != "O" for t in tags[start:end]):
            continue  # overlapping gold spans: keep the first one
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


# ---------------------------------------------------------------- logistic regression


class LogReg:
    """Binary logistic regression over sparse string features."""

    def __init__(self) -> None:
        self.weights: dict[str, float] = {}
        self.bias = 0.0
        self.threshold = 0.5

    def prob(self, feats: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def train(
        self,
        data: list[tuple[list[str], int]],
        epochs: int = 20,
        rate: float = 0.2,
        l2: float = 1e-4,
        seed: int = 0,
    ) -> None:
        """Fit by SGD with lazily applied L2 decay; deterministic for a given seed."""
        rng = random.Random(seed)
        order = list(range(len(data)))
        w: dict[str, float] = defaultdict(float)
        bias = 0.0
        for epoch in range(epochs):
            rng.shuffle(order)
            lr = rate / (1.0 + epoch * 0.5)
            for k in order:
                feats, y = data[k]
                z = bias + sum(w[f] for f in feats)
                p = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
                g = p - y
                bias -= lr * g
                for f in feats:
                    w[f] -= lr * (g + l2 * w[f])
        self.weights = {f: round(v, 5) for f, v in sorted(w.items()) if abs(v) >= 1e-4}
        self.bias = round(bias, 5)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "logreg",
            "bias": self.bias,
            "threshold": self.threshold,
            "weights": self.weights,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LogReg:
        model = cls()
        model.bias = float(data["bias"])
        model.threshold = float(data.get("threshold", 0.5))
        model.weights = {f: float(v) for f, v in data["weights"].items()}
        return model
