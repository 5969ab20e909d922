"""The per-document shortcuts of ``kg.nlp.tokens`` against spaCy's own answers they replace, on
real parses of the repository's articles and on hand-built docs: head indices read from the
parse array (``[t.head.i for t in doc]``), the sentence hook (``Token.sent`` as spaCy walks
it) and a token view's slices (``doc[start:stop]``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from kg.nlp.tokens import head_indices, sentence_hook, token_view

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"


@pytest.fixture(scope="module")
def parses(nlp: Any) -> list[Doc]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))[:4]]
    assert texts, f"no articles in {ARTICLES}"
    return list(nlp.pipe(texts))


def _spacy_sentences(doc: Doc) -> list[tuple[int, int]]:
    doc.user_token_hooks.pop("sent", None)  # spaCy's own walk (a token view may have hooked it)
    return [(t.sent.start, t.sent.end) for t in doc]


def test_head_indices_are_the_tokens_heads_on_real_parses(parses: list[Doc]) -> None:
    for doc in parses:
        assert head_indices(doc) == [t.head.i for t in doc]
        assert head_indices(token_view(doc)) == [t.head.i for t in doc]


def test_head_indices_of_a_hand_built_parse_and_of_an_empty_doc() -> None:
    words = ["Troops", "from", "Peru", "trained", "."]
    doc = Doc(
        Vocab(), words=words, heads=[3, 0, 1, 3, 3], deps=["nsubj", "prep", "pobj", "ROOT", "punct"]
    )
    assert head_indices(doc) == [3, 0, 1, 3, 3] == [t.head.i for t in doc]
    assert head_indices(Doc(Vocab(), words=[])) == []


def test_the_sentence_hook_gives_spacys_sentence_of_every_token(parses: list[Doc]) -> None:
    for doc in parses:
        expected = _spacy_sentences(doc)
        sentence_hook(doc)
        assert "sent" in doc.user_token_hooks
        got = [(t.sent.start, t.sent.end) for t in doc]
        assert got == expected
        assert [t.sent.text for t in doc[:50]] == [doc[s:e].text for s, e in expected[:50]]


def test_the_sentence_hook_on_preset_boundaries_and_without_any() -> None:
    # the first token not marked a start, unknown starts inside: spaCy's walk decides
    words = ["a", "b", "c", "d", "e", "f"]
    doc = Doc(Vocab(), words=words, sent_starts=[False, None, True, None, False, True])
    expected = _spacy_sentences(doc)
    sentence_hook(doc)
    assert [(t.sent.start, t.sent.end) for t in doc] == expected == [
        (0, 2), (0, 2), (2, 5), (2, 5), (2, 5), (5, 6)
    ]  # fmt: skip
    bare = Doc(Vocab(), words=words)  # no sentence boundaries: spaCy's error stays
    sentence_hook(bare)
    assert "sent" not in bare.user_token_hooks
    with pytest.raises(ValueError, match="E030"):
        _ = bare[0].sent


def test_a_token_view_installs_the_hook_once_and_keeps_anothers(parses: list[Doc]) -> None:
    doc = parses[0]
    token_view(doc)
    hook = doc.user_token_hooks["sent"]
    token_view(doc)
    assert doc.user_token_hooks["sent"] is hook  # not replaced


def _same_span(a: Any, b: Any) -> bool:
    return (type(a), a.doc, a.start, a.end, a.label, a.text) == (
        type(b), b.doc, b.start, b.end, b.label, b.text
    )  # fmt: skip


def test_a_token_views_slices_are_the_docs_spans(parses: list[Doc]) -> None:
    """Slices within the document are made as Spans directly; every other slice is spaCy's."""
    doc = parses[1]
    view, n = token_view(doc), len(doc)
    bounds = [0, 1, 2, 7, n // 2, n - 1, n, n + 5, -1, -3, None]
    for start in bounds:
        for stop in bounds:
            assert _same_span(view[start:stop], doc[start:stop]), (start, stop)
    with pytest.raises(ValueError):
        doc[0:4:2]  # noqa: B018 - spaCy refuses a step
    with pytest.raises(ValueError):
        view[0:4:2]  # noqa: B018
    assert view[3] is view.tokens[3]


def test_the_sentence_hook_makes_the_spans_slicing_makes(parses: list[Doc]) -> None:
    doc = parses[2]
    expected = _spacy_sentences(doc)
    sentence_hook(doc)
    for tok in doc[:80]:
        start, end = expected[tok.i]
        assert _same_span(tok.sent, doc[start:end])
        assert type(tok.sent) is Span
