"""The pattern rules' matcher (``patterns.rooted_matcher_class``) against spaCy's own
``DependencyMatcher``: the same groups of token matches by tree root, and the same matches in
the same order, on real parses of the repository's articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.extract.patterns import load_patterns, rooted_matcher_class

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"


def _plain(maps: Any) -> dict[int, dict[int, list[int]]]:
    return {root: dict(by_key) for root, by_key in maps.items()}


@pytest.mark.slow
def test_the_rooted_matcher_matches_as_spacys_dependency_matcher(nlp: Any) -> None:
    from spacy.matcher import DependencyMatcher

    patterns = load_patterns()
    ours, theirs = rooted_matcher_class()(nlp.vocab), DependencyMatcher(nlp.vocab)
    for p in patterns:
        ours.add(p.id, [p.pattern])
        theirs.add(p.id, [p.pattern])
    matched = grouped = 0
    for path in sorted(ARTICLES.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        maps = _plain(ours._get_keys_to_position_maps(doc))
        assert list(maps.items()) == list(_plain(theirs._get_keys_to_position_maps(doc)).items())
        grouped += sum(len(at) for by_key in maps.values() for at in by_key.values())
        got = ours(doc)
        assert got == theirs(doc)
        matched += len(got)
    assert matched > 5 and grouped > 1_000


def test_the_tokens_of_one_tree_are_grouped_under_its_root_as_spacy_groups_them() -> None:
    from spacy.matcher import DependencyMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    vocab = Vocab()
    pattern = [{"RIGHT_ID": "n", "RIGHT_ATTRS": {"POS": "NOUN"}}]
    ours, theirs = rooted_matcher_class()(vocab), DependencyMatcher(vocab)
    ours.add("n", [pattern])
    theirs.add("n", [pattern])
    words = ["Navy", "of", "Peru", "Army", "units"]  # two trees: rooted at 0 and at 4
    doc = Doc(
        vocab, words=words, heads=[0, 0, 1, 4, 4], deps=["ROOT", "prep", "pobj", "compound", "ROOT"]
    )
    for t in doc:
        t.pos_ = "NOUN"
    key = vocab.strings["n"]
    maps = _plain(ours._get_keys_to_position_maps(doc))
    assert {root: list(by_key.values()) for root, by_key in maps.items()} == {
        0: [[0, 1, 2]],
        4: [[3, 4]],
    }
    assert maps == _plain(theirs._get_keys_to_position_maps(doc))
    assert ours(doc) == theirs(doc) and {k for k, _ in ours(doc)} == {key}
