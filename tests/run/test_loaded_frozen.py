"""What the extractor loads is kept out of the cyclic garbage collector's walks: the first
document of a process freezes it (``gc.freeze``), once; what was garbage then is collected
first, and a later document freezes nothing more. The collector then looks for cycles after
``YOUNG_OBJECTS`` new containers instead of 700, unless the process asked for more (or none)."""

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


@pytest.fixture
def thresholds() -> Any:
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ((700, 10, 10), (extraction.YOUNG_OBJECTS, 10, 10)),  # Python's default: raised
        ((1000, 5, 20), (extraction.YOUNG_OBJECTS, 5, 20)),  # the older generations kept
        ((50_000, 10, 10), (50_000, 10, 10)),  # the process asked for more: kept
        ((0, 10, 10), (0, 10, 10)),  # collection disabled by the process: left so
    ],
)
def test_the_first_document_sets_how_often_cycles_are_looked_for_once(
    monkeypatch: Any, thresholds: None, before: tuple[int, ...], after: tuple[int, ...]
) -> None:
    monkeypatch.setattr(extraction, "_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: None)  # the freezing itself: the test above
    gc.set_threshold(*before)
    extraction.freeze_loaded()
    assert gc.get_threshold() == after
    gc.set_threshold(123, 4, 5)
    extraction.freeze_loaded()  # a later document changes nothing
    assert gc.get_threshold() == (123, 4, 5)
