"""CoNLL04 entities and relations: features, a CRF entity tagger, a scikit-learn relation
classifier, and the relation model as a feature source for the news extractor.

- ``features``: token and entity-pair features read from a parsed spaCy ``Doc``;
- ``entities``: the CRF tagger (python-crfsuite); ``relations``: the logistic regression
  (scikit-learn, JSON weights); ``model``: both together, training and loading;
- ``feature_source``: :func:`conll04_relation_probabilities` for the news extractor.

The benchmark (reading splits, strict scores, ``kg eval conll04``) is ``kg.eval.conll04``.
"""

from kg.extract.conll04.feature_source import (
    conll04_pair_probabilities,
    conll04_relation_probabilities,
)
from kg.extract.conll04.features import ENTITY_TYPES, RELATION_TYPES, SIGNATURES

__all__ = [
    "ENTITY_TYPES",
    "RELATION_TYPES",
    "SIGNATURES",
    "conll04_pair_probabilities",
    "conll04_relation_probabilities",
]
