"""Shared fixtures of the extraction tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kg.extract.relations import Context
from kg.records import Document, Extraction

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"


@pytest.fixture(scope="session")
def rule_contexts(nlp: Any) -> list[Context]:
    """The rule context of each of the repository's sample articles after the shipped class
    model and the rules ran on it: what the candidate facts are read from."""
    from kg.extract.decide import retype
    from kg.extract.extractor import apply_rules, read_entities
    from kg.extract.model import shipped_models

    models = shipped_models()
    assert models.classes is not None
    out = []
    for path in sorted(ARTICLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        ctx = read_entities(nlp(text), Document(path.stem, text, str(path)))
        retype(ctx, models.classes)
        out.append(apply_rules(ctx))
    return out


@pytest.fixture(scope="session")
def rules_alone(nlp: Any) -> Callable[[Any], Extraction]:
    """Extraction of a hand-written text (or of a Doc parsed from one) by the rules alone
    (``Models()``: no learned model decides), as document "t"."""
    from kg.extract import extract_document
    from kg.extract.model import Models

    def run(text: Any) -> Extraction:
        doc = nlp(text) if isinstance(text, str) else text
        return extract_document(doc, Document("t", doc.text, "t.txt"), Models())

    return run
