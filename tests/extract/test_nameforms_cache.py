"""The name comparisons of ``kg.extract.nameforms`` are cached (resolution compares every mention
with every entity's names): the cached answers are the plain functions' ones, on the names the
extractor reads in the repository's articles, and the lists handed out stay the caller's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.extract import extract_document, nameforms
from kg.records import Document

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"
TRICKY = [
    "the U.S. Southern Command",
    "United States’ Army",
    "Exercise Talisman Sabre 2019",
    "Baltic Operations 24",
    "Guyana Defence Force",
    "Martin Luther King Jr.",
    "Enrique “Kiki” Camarena",
    "  Peru’s   Navy, ",
    "Air-Ground Task Force",
    "",
]


@pytest.fixture(scope="module")
def names(nlp: Any) -> list[str]:
    found: list[str] = list(TRICKY)
    for path in sorted(ARTICLES.glob("*.txt"))[:4]:
        text = path.read_text(encoding="utf-8")
        ex = extract_document(nlp(text), Document(id=path.stem, text=text, source=str(path)))
        for e in ex.entities:
            found += [e.key, e.label, *sorted(e.aliases), *(m.text for m in e.mentions)]
    assert len(found) > 50
    return found


def _plain_name_words(text: str) -> list[str]:
    import re

    return [w for w in re.split(r"[\s\-–]+", text.lower().replace("’s", "").replace("'s", "")) if w]


def _plain_person_words(name: str) -> list[str]:
    words = _plain_name_words(nameforms.normalize_key.__wrapped__(name))
    while len(words) > 1 and words[-1] in {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}:
        words = words[:-1]
    return words


def test_cached_name_forms_are_the_plain_ones(names: list[str]) -> None:
    for name in names:
        for _ in range(2):  # a miss, then a hit
            assert nameforms.normalize_key(name) == nameforms.normalize_key.__wrapped__(name)
            assert nameforms.norm_name(name) == nameforms.norm_name.__wrapped__(name)
            assert nameforms.event_core(name) == nameforms.event_core.__wrapped__(name)
            assert nameforms.name_words(name) == _plain_name_words(name)
            assert nameforms.person_words(name) == _plain_person_words(name)


def test_word_lists_handed_out_are_fresh() -> None:
    words = nameforms.name_words("Colombian Navy")
    words.append("changed")
    assert nameforms.name_words("Colombian Navy") == ["colombian", "navy"]
    people = nameforms.person_words("Martin Luther King Jr.")
    people.pop()
    assert nameforms.person_words("Martin Luther King Jr.") == ["martin", "luther", "king"]
