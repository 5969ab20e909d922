"""The CoNLL04 entity tagger: a linear-chain CRF (CRFsuite, through python-crfsuite).

It tags BIO labels over ``features.token_features``, which include spaCy's own NER labels, so it
learns to correct spaCy toward CoNLL04's conventions. Training is L-BFGS with L1 and L2
penalties: deterministic for the same data. The model is CRFsuite's own binary file (weights
and label/attribute dictionaries, no code), opened in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.extract.conll04.features import Span, bio_spans, token_features

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class CrfSettings:
    """Training settings of the tagger (chosen by cross-validation on TRAIN)."""

    # L2 only: with L1 (c1 0.05 to 0.2) the held-out entity F1 was 0.803 to 0.807, against
    # 0.809 for c1 0, c2 0.1 (c2 0.5: 0.805)
    c1: float = 0.0
    c2: float = 0.1
    max_iterations: int = 200
    min_freq: int = 1  # a feature must occur more often than this many times to be kept
    all_transitions: bool = True

    def params(self) -> dict[str, Any]:
        return {
            "c1": self.c1,
            "c2": self.c2,
            "max_iterations": self.max_iterations,
            "feature.minfreq": self.min_freq,
            "feature.possible_transitions": self.all_transitions,
        }


class EntityTagger:
    """A trained CRF, read from the bytes of a CRFsuite model file."""

    def __init__(self, model: bytes) -> None:
        import pycrfsuite

        self.model = model
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)

    @classmethod
    def load(cls, path: str | Path) -> EntityTagger:
        return cls(Path(path).read_bytes())

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.model)

    @property
    def labels(self) -> list[str]:
        return list(self._tagger.labels())

    def tag(self, feats: Sequence[Sequence[str]]) -> list[str]:
        """The best BIO sequence for per-token feature lists (Viterbi)."""
        return list(self._tagger.tag([list(f) for f in feats])) if feats else []

    def spans(self, doc: Doc) -> list[Span]:
        """The CoNLL04 entities of a parsed sentence."""
        return bio_spans(self.tag(token_features(doc)))

    @classmethod
    def fit(
        cls,
        data: Sequence[tuple[Sequence[Sequence[str]], Sequence[str]]],
        settings: CrfSettings | None = None,
    ) -> EntityTagger:
        """Train on ``(per-token features, BIO tags)`` sequences."""
        import pycrfsuite

        trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
        trainer.set_params((settings or CrfSettings()).params())
        for feats, tags in data:
            if feats:
                trainer.append([list(f) for f in feats], list(tags))
        with tempfile.TemporaryDirectory(prefix="kg-crf-") as tmp:
            path = Path(tmp) / "model.crfsuite"
            trainer.train(str(path))
            return cls(path.read_bytes())
