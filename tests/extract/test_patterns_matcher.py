"""The pattern rules' matcher (``patterns.rooted_matcher_class``) against spaCy's own
``DependencyMatcher``: the same groups of token matches by tree root, and the same matches in
the same order, on real parses of the repository's articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.extract.depmatch import node_matches, rooted_matcher_class
from kg.extract.patterns import load_patterns

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
    assert ours._kg_nodes and all(checks for _, checks in ours._kg_nodes)  # none left to spaCy
    matched = grouped = 0
    for path in sorted(ARTICLES.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        # the token step: every node's tokens, in the order spaCy's token Matcher gives them
        spacy_tokens = [(key, start) for key, start, _end in ours._matcher(doc)]
        assert node_matches(doc, ours._kg_nodes) == spacy_tokens
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


def test_a_node_with_a_test_not_read_here_leaves_the_token_step_to_spacy(nlp: Any) -> None:
    from spacy.matcher import DependencyMatcher

    pattern = [
        {"RIGHT_ID": "v", "RIGHT_ATTRS": {"POS": "VERB"}},
        {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "s", "RIGHT_ATTRS": {"LOWER": {"REGEX": "^n"}}},
    ]
    ours, theirs = rooted_matcher_class()(nlp.vocab), DependencyMatcher(nlp.vocab)
    ours.add("regex", [pattern])
    theirs.add("regex", [pattern])
    assert any(checks is None for _, checks in ours._kg_nodes)
    doc = nlp("The navy trained near the coast. Nobody knew.")
    assert ours(doc) == theirs(doc) and ours(doc)
