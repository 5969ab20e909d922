"""The words a block repeats are tokenized before spaCy's memory zone (``kg.nlp.warm``): the
tokens inside the zone are the same as without it, the repeated words stay in the vocabulary (so
the tokenizer caches them) and the others are still freed with the zone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kg.nlp import warm
from kg.nlp.warm import warm_tokenizer
from kg.records import Document
from kg.run.extraction import extract_documents


def _word() -> str:
    """A word no earlier test has put in the vocabulary."""
    return "Zq" + uuid.uuid4().hex[:10]


def _texts(w: str) -> list[str]:
    # affixes, special cases, glued dashes, a URL, quotes, numbers, line breaks
    return [
        f"Brig. Gen. {w} said the {w}-led Brigades- trained (with {w}'s unit) in Peru.\n\n"
        f"U.S. forces -specifically {w}Navy- left on 2,000 boats; see https://{w}.org/a?b=1.",
        f"“{w},” he said. {w}Navy- and {w}-led troops, {w}'s men: 3.5% of {w}. E-mail {w}!",
    ]


def _tokens(nlp: Any, texts: list[str]) -> list[list[tuple[str, str]]]:
    with nlp.memory_zone():
        return [[(t.text, t.whitespace_) for t in nlp.tokenizer(x)] for x in texts]


def test_warmed_words_tokenize_as_before_and_stay_in_the_vocabulary(nlp: Any) -> None:
    w, once = _word(), _word()
    texts = [*_texts(w), f"Only once: {once}."]
    before = _tokens(nlp, texts)
    assert once not in nlp.vocab.strings and w not in nlp.vocab.strings  # freed with the zone
    assert warm_tokenizer(nlp, texts) == 3  # "{w}-led", "{w}'s", "{w}Navy-": twice each
    assert w in nlp.vocab.strings and f"{w}Navy" in nlp.vocab.strings  # kept: cached from now on
    assert _tokens(nlp, texts) == before
    assert once not in nlp.vocab.strings  # a word seen once is not warmed
    assert warm_tokenizer(nlp, texts) == 0  # the same block again: nothing new


def test_nothing_is_warmed_inside_a_memory_zone(nlp: Any) -> None:
    w = _word()
    with nlp.memory_zone():
        assert warm_tokenizer(nlp, [f"{w} {w} {w}"]) == 0
    assert w not in nlp.vocab.strings


def test_at_most_the_limit_is_warmed_the_most_repeated_first(
    nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = _word(), _word(), _word()
    warm_tokenizer(nlp, [])  # the pipeline's record of what it warmed
    monkeypatch.setattr(warm, "WARM_LIMIT", len(warm._warmed[nlp]) + 2)
    assert warm_tokenizer(nlp, [f"{a} {b} {c} {a} {b} {c} {a} {c} {c}"]) == 2
    assert c in nlp.vocab.strings and a in nlp.vocab.strings and b not in nlp.vocab.strings
    assert warm_tokenizer(nlp, [f"{b} {b}"]) == 0  # the limit is reached


def test_extraction_warms_each_block_before_its_zone(nlp: Any) -> None:
    w = _word()
    docs = [Document(f"d{i}", text, f"d{i}.txt") for i, text in enumerate(_texts(w))]
    assert len(list(extract_documents(docs, nlp=nlp, zone_size=8))) == 2
    assert w in nlp.vocab.strings  # warmed outside the zone, so not freed with it
