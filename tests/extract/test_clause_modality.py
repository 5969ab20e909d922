"""One modality per clause (issue 11, capability 4): "will train" makes every event fact of its
clause planned, while relative clauses and coordinated verbs with their own tense keep theirs.

The first tests build parses by hand (``Doc`` with heads, labels and tags); the ``slow`` ones run
the rules on real parses (``Models()``: the rules alone, so the facts do not depend on the
shipped model's decisions).
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.clauses import announces_plan, harmonise_modality, planned_clauses
from kg.extract.modality import modality_of
from kg.records import Document, Entity, Evidence, Mention, Relation

# (word, head, dependency, coarse POS, fine tag)
Parse = list[tuple[str, int, str, str, str]]

# "Marines will arrive and train with the Navy , and the Army trained with the Navy ."
WILL_ARRIVE_AND_TRAIN: Parse = [
    ("Marines", 2, "nsubj", "PROPN", "NNPS"),
    ("will", 2, "aux", "AUX", "MD"),
    ("arrive", 2, "ROOT", "VERB", "VB"),
    ("and", 2, "cc", "CCONJ", "CC"),
    ("train", 2, "conj", "VERB", "VB"),
    ("with", 4, "prep", "ADP", "IN"),
    ("the", 7, "det", "DET", "DT"),
    ("Navy", 5, "pobj", "PROPN", "NNP"),
    (",", 2, "punct", "PUNCT", ","),
    ("and", 2, "cc", "CCONJ", "CC"),
    ("the", 11, "det", "DET", "DT"),
    ("Army", 12, "nsubj", "PROPN", "NNP"),
    ("trained", 2, "conj", "VERB", "VBD"),
    ("with", 12, "prep", "ADP", "IN"),
    ("the", 15, "det", "DET", "DT"),
    ("Guard", 13, "pobj", "PROPN", "NNP"),
    (".", 2, "punct", "PUNCT", "."),
]

# "The Navy , which trained with the Army , will host the Guard ."
WHICH_TRAINED_WILL_HOST: Parse = [
    ("The", 1, "det", "DET", "DT"),
    ("Navy", 10, "nsubj", "PROPN", "NNP"),
    (",", 1, "punct", "PUNCT", ","),
    ("which", 4, "nsubj", "PRON", "WDT"),
    ("trained", 1, "relcl", "VERB", "VBD"),
    ("with", 4, "prep", "ADP", "IN"),
    ("the", 7, "det", "DET", "DT"),
    ("Army", 5, "pobj", "PROPN", "NNP"),
    (",", 1, "punct", "PUNCT", ","),
    ("will", 10, "aux", "AUX", "MD"),
    ("host", 10, "ROOT", "VERB", "VB"),
    ("the", 12, "det", "DET", "DT"),
    ("Guard", 10, "dobj", "PROPN", "NNP"),
    (".", 10, "punct", "PUNCT", "."),
]


def _doc(parse: Parse) -> Doc:
    words = [w for w, *_ in parse]
    spaces = [i + 1 < len(parse) and parse[i + 1][0] not in ",." for i in range(len(parse))]
    return Doc(
        Vocab(),
        words=words,
        spaces=spaces,
        heads=[h for _, h, *_ in parse],
        deps=[d for _, _, d, *_ in parse],
        pos=[p for *_, p, _ in parse],
        tags=[t for *_, t in parse],
        lemmas=[w.lower() for w in words],
        sent_starts=[i == 0 for i in range(len(parse))],
    )


def _word(doc: Doc, text: str, nth: int = 0) -> int:
    return [t.i for t in doc if t.text == text][nth]


def test_a_verb_coordinated_in_the_base_form_shares_the_future() -> None:
    doc = _doc(WILL_ARRIVE_AND_TRAIN)
    assert announces_plan(doc[_word(doc, "arrive")])
    assert announces_plan(doc[_word(doc, "train")])


def test_a_coordinated_verb_with_its_own_tense_does_not() -> None:
    doc = _doc(WILL_ARRIVE_AND_TRAIN)
    trained = doc[_word(doc, "trained")]
    assert not announces_plan(trained)
    lex = _lexicon()
    assert modality_of(trained, doc[:], lex)[0] == "asserted"
    assert modality_of(doc[_word(doc, "train")], doc[:], lex)[0] == "planned"


def test_a_relative_clause_keeps_its_own_modality() -> None:
    doc = _doc(WHICH_TRAINED_WILL_HOST)
    lex = _lexicon()
    assert modality_of(doc[_word(doc, "trained")], doc[:], lex)[0] == "asserted"
    clause = planned_clauses(doc[:])
    assert _word(doc, "Guard") in clause
    assert _word(doc, "Army") not in clause


def _entity(doc: Doc, key: str, word: str, nth: int = 0) -> Entity:
    tok = doc[_word(doc, word, nth)]
    return Entity(
        key, "MilitaryUnit", word, mentions=[Mention(word, tok.idx, tok.idx + len(tok), "x")]
    )


def _fact(doc: Doc, s: str, p: str, o: str, modality: str) -> Relation:
    ev = Evidence("d", doc.text, 0, len(doc.text), "test.v1", 0.9, modality)
    return Relation(s, p, o, ev)


def test_the_event_facts_of_a_planned_clause_become_planned_and_no_others() -> None:
    doc = _doc(WILL_ARRIVE_AND_TRAIN)
    entities = {
        e.key: e
        for e in (
            _entity(doc, "marines", "Marines"),
            _entity(doc, "navy", "Navy"),
            _entity(doc, "army", "Army"),
            _entity(doc, "guard", "Guard"),
        )
    }
    facts = [
        _fact(doc, "marines", "trainsWith", "navy", "planned"),  # read at its verb
        _fact(doc, "marines", "cooperatesWith", "navy", "asserted"),  # no trigger of its own
        _fact(doc, "army", "trainsWith", "guard", "asserted"),  # its own clause
        _fact(doc, "marines", "partOf", "navy", "asserted"),  # a state, not an event
        _fact(doc, "usa", "cooperatesWith", "peru", "asserted"),  # its arguments not named here
    ]
    out = harmonise_modality(facts, doc, entities)
    assert [r.evidence.modality for r in out] == [
        "planned",
        "planned",
        "asserted",
        "asserted",
        "asserted",  # the sentence also holds an asserted event fact: nothing to go by
    ]


def test_a_fact_whose_arguments_are_not_named_follows_a_sentence_of_plans_only() -> None:
    doc = _doc(WHICH_TRAINED_WILL_HOST)
    entities = {e.key: e for e in (_entity(doc, "navy", "Navy"), _entity(doc, "guard", "Guard"))}
    facts = [
        _fact(doc, "navy", "meetsWith", "guard", "planned"),
        _fact(doc, "usa", "cooperatesWith", "peru", "asserted"),
    ]
    out = harmonise_modality(facts, doc, entities)
    assert [r.evidence.modality for r in out] == ["planned", "planned"]


def _lexicon():
    from kg.extract.lexicon import load

    return load()


# ---------------------------------------------------------------- the rules on real parses


def _facts(nlp, text: str) -> dict[tuple[str, str, str], str]:
    from kg.extract import extract_document
    from kg.extract.model import Models

    ex = extract_document(nlp(text), Document("t", text, "t.txt"), Models())
    return {
        (r.subject, r.predicate, r.object): r.evidence.modality
        for r in ex.relations
        if r.predicate in ("trainsWith", "cooperatesWith", "deployedTo")
    }


@pytest.mark.slow
def test_every_training_of_a_will_train_clause_is_planned(nlp) -> None:
    facts = _facts(nlp, "The Peruvian Army will train with the Chilean Army and the U.S. Army.")
    assert facts[("Chilean Army", "trainsWith", "U.S. Army")] == "planned"
    assert facts[("Peru", "cooperatesWith", "Chile")] == "planned"
    assert set(facts.values()) == {"planned"}


@pytest.mark.slow
def test_a_training_of_last_year_stays_asserted_beside_a_planned_one(nlp) -> None:
    facts = _facts(
        nlp,
        "The Peruvian Navy, which trained with the U.S. Navy last year, will host the Chilean "
        "Navy.",
    )
    assert facts[("Peruvian Navy", "trainsWith", "U.S. Navy")] == "asserted"
    assert facts[("Peruvian Navy", "trainsWith", "Chilean Navy")] == "planned"
