"""What the extractor loads is kept out of the cyclic garbage collector's walks: the first
document of a process freezes it (``gc.freeze``), once; what was garbage then is collected
first, and a later document freezes nothing more."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from kg.records import Document
from kg.run import extraction


@pytest.mark.slow
def test_the_first_document_freezes_what_is_loaded_once(nlp: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(extraction, "_frozen", False)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    first = Document("a", "The Peruvian Navy trained with U.S. Marines in Lima.", "a.txt")
    [ex] = extraction.extract_documents([first], nlp=nlp)
    assert ex.relations
    frozen = gc.get_freeze_count()
    assert frozen > 100_000  # the spaCy model, the lexicons and the learned models
    second = Document("b", "Colombian Marines met Brazilian Army officers in Bogotá.", "b.txt")
    [_] = extraction.extract_documents([second], nlp=nlp)
    assert gc.get_freeze_count() == frozen
