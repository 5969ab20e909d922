"""The project's additions to the spaCy pipeline: line-break sentences, dash tokenisation, and
modality read from hand-built parses."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.lexicon import load
from kg.extract.modality import modality_of


def _doc(
    words: list[str], heads: list[int], deps: list[str], lemmas: list[str] | None = None
) -> Doc:
    return Doc(
        Vocab(),
        words=words,
        heads=heads,
        deps=deps,
        lemmas=lemmas or [w.lower() for w in words],
        sent_starts=[True] + [False] * (len(words) - 1),
    )


def test_negation_on_the_verb_makes_the_fact_negated() -> None:
    doc = _doc(
        ["Peru", "did", "not", "train", "troops"],
        [3, 3, 3, 3, 3],
        ["nsubj", "aux", "neg", "ROOT", "dobj"],
        ["Peru", "do", "not", "train", "troop"],
    )
    assert modality_of(doc[3], doc[:], load())[0] == "negated"


def test_will_makes_the_fact_planned() -> None:
    doc = _doc(
        ["Marines", "will", "arrive"],
        [2, 2, 2],
        ["nsubj", "aux", "ROOT"],
        ["marine", "will", "arrive"],
    )
    assert modality_of(doc[2], doc[:], load())[0] == "planned"


def test_could_makes_the_fact_hypothetical() -> None:
    doc = _doc(
        ["Troops", "could", "deploy"],
        [2, 2, 2],
        ["nsubj", "aux", "ROOT"],
        ["troop", "could", "deploy"],
    )
    assert modality_of(doc[2], doc[:], load())[0] == "hypothetical"


def test_said_makes_the_fact_reported_and_attributed() -> None:
    words = ["Troops", "arrived", ",", "Gamboa", "said"]
    doc = _doc(
        words,
        [1, 4, 4, 4, 4],
        ["nsubj", "ccomp", "punct", "nsubj", "ROOT"],
        ["troop", "arrive", ",", "Gamboa", "say"],
    )
    modality, source = modality_of(doc[1], doc[:], load())
    assert (modality, source) == ("reported", "Gamboa")


def test_plain_statement_is_asserted() -> None:
    doc = _doc(["Marines", "arrived"], [1, 1], ["nsubj", "ROOT"], ["marine", "arrive"])
    assert modality_of(doc[1], doc[:], load()) == ("asserted", None)


@pytest.mark.slow
def test_a_headline_line_is_its_own_sentence(nlp) -> None:
    doc = nlp(
        "Marines deploy to Guatemala\n\nJune 13, 2019\n\nApproximately 30 Marines will arrive."
    )
    assert [s.text.strip() for s in doc.sents][:2] == [
        "Marines deploy to Guatemala",
        "June 13, 2019",
    ]


@pytest.mark.slow
def test_a_hard_wrapped_line_does_not_end_the_sentence(nlp) -> None:
    doc = nlp("The soldiers of the brigade will train with the\nmarines in Cartagena next week.")
    assert len(list(doc.sents)) == 1


@pytest.mark.slow
def test_dashes_glued_to_words_are_split(nlp) -> None:
    words = [t.text for t in nlp("brigades from the Army -specifically the sixth Brigades- will")]
    assert "specifically" in words and "Brigades" in words


@pytest.mark.slow
def test_load_nlp_adds_the_line_break_component(nlp) -> None:
    assert "kg_line_breaks_v1" in nlp.pipe_names
