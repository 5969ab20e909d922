"""What a reader uses to know a name: its later uses (``kg.extract.mentions.repeats``) and what
the sentence says of it (``kg.extract.classes``). Hand-built parses, one behaviour each."""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.classes import _syntactic_context, event_nouns
from kg.extract.mentions.cand import Cand
from kg.extract.mentions.repeats import repeat_mentions


def _doc(words, heads=None, deps=None, lemmas=None, pos=None) -> Doc:
    n = len(words)
    return Doc(
        Vocab(),
        words=words,
        heads=heads or list(range(n)),
        deps=deps or ["ROOT"] * n,
        lemmas=lemmas or [w.lower() for w in words],
        pos=pos or ["PROPN"] * n,
    )


def test_a_name_found_once_is_a_mention_wherever_the_text_uses_it_again() -> None:
    #            0        1       2      3         4   5        6       7       8
    doc = _doc(["Cobra", "Gold", "began", ".", "This", "Cobra", "Gold", "marks", "."])
    found = Cand(0, 2, "Cobra Gold", "Event", "name")
    out = repeat_mentions(doc, [found])
    assert [(c.start, c.end, c.name, c.cls, c.source) for c in out] == [
        (0, 2, "Cobra Gold", "Event", "name"),
        (5, 7, "Cobra Gold", "Event", "name"),
    ]


def test_a_later_use_takes_the_name_state_and_key_of_the_first() -> None:
    doc = _doc(["Royal", "Thai", "Police", "and", "Royal", "Thai", "Police"])
    found = Cand(0, 3, "Royal Thai Police", "PoliceUnit", "name", "Thailand", key="RTP")
    later = repeat_mentions(doc, [found])[1]
    assert (later.start, later.country, later.key) == (4, "Thailand", "RTP")


def test_a_use_another_mention_covers_or_a_headline_holds_is_left_alone() -> None:
    #           0       1      2        3      4       5       6        7
    doc = _doc(["Eager", "Lion", "and", "Eager", "Lion", "2024", "Eager", "Lion"])
    short = Cand(0, 2, "Eager Lion", "Event", "name")
    longer = Cand(3, 6, "Eager Lion 2024", "Event", "name")
    out = repeat_mentions(doc, [short, longer], skip={6})
    assert [(c.start, c.end) for c in out] == [(0, 2), (3, 6)]


def test_one_word_names_and_lower_case_phrases_are_not_looked_up_again() -> None:
    doc = _doc(["Navy", "Peruvian", "forces", "Navy", "Peruvian", "forces"])
    cands = [
        Cand(0, 1, "Navy", "MilitaryUnit", "name"),
        Cand(1, 3, "Peruvian forces", "X", "generic"),
    ]
    assert repeat_mentions(doc, cands) == cands


def test_the_subject_of_an_event_verb_is_read_as_an_event() -> None:
    #             0       1       2      3
    doc = _doc(
        ["Gold", "got", "underway", "."],
        heads=[1, 1, 1, 1],
        deps=["nsubj", "ROOT", "acomp", "punct"],
        lemmas=["gold", "get", "underway", "."],
        pos=["PROPN", "VERB", "ADV", "PUNCT"],
    )
    feats = _syntactic_context(doc[0], event_nouns())
    assert "subj_of:get" in feats and "subj_of_event_verb" in feats


def test_a_copula_that_calls_the_name_an_exercise_is_read() -> None:
    #             0       1      2        3       4            5
    doc = _doc(
        ["Gold", "is", "among", "the", "exercises", "."],
        heads=[1, 1, 1, 4, 2, 1],
        deps=["nsubj", "ROOT", "prep", "det", "pobj", "punct"],
        lemmas=["gold", "be", "among", "the", "exercise", "."],
        pos=["PROPN", "AUX", "ADP", "DET", "NOUN", "PUNCT"],
    )
    feats = _syntactic_context(doc[0], event_nouns())
    assert "said_to_be:exercise" in feats and "said_to_be_event" in feats


def test_an_apposition_and_a_preposition_are_read() -> None:
    #             0         1     2       3       4      5
    doc = _doc(
        ["Tiznit", ",", "a", "town", "in", "Morocco"],
        heads=[0, 0, 3, 0, 3, 4],
        deps=["ROOT", "punct", "det", "appos", "prep", "pobj"],
        lemmas=["tiznit", ",", "a", "town", "in", "morocco"],
        pos=["PROPN", "PUNCT", "DET", "NOUN", "ADP", "PROPN"],
    )
    assert "said_to_be:town" in _syntactic_context(doc[0], event_nouns())
    assert "prep_head:in>town" in _syntactic_context(doc[5], event_nouns())


def test_each_conjunct_is_what_the_first_is_said_to_be_and_a_place_noun_gives_its_class() -> None:
    # "the regions of Agadir and Tiznit": Tiznit is a region, a Place (kg/data/lexicons/heads.tsv)
    #             0       1          2       3        4      5
    doc = _doc(
        ["the", "regions", "of", "Agadir", "and", "Tiznit"],
        heads=[1, 1, 1, 2, 3, 3],
        deps=["det", "ROOT", "prep", "pobj", "cc", "conj"],
        lemmas=["the", "region", "of", "agadir", "and", "tiznit"],
        pos=["DET", "NOUN", "ADP", "PROPN", "CCONJ", "PROPN"],
    )
    feats = _syntactic_context(doc[5], event_nouns())
    assert {"said_to_be:region", "said_to_be_class:Place", "prep_head:of>region"} <= set(feats)


def test_the_noun_a_name_modifies_is_what_it_is_said_to_be() -> None:
    # "the Rutshuru territory"
    doc = _doc(
        ["the", "Rutshuru", "territory"],
        heads=[2, 2, 2],
        deps=["det", "compound", "ROOT"],
        lemmas=["the", "rutshuru", "territory"],
        pos=["DET", "PROPN", "NOUN"],
    )
    assert "said_to_be_class:Place" in _syntactic_context(doc[1], event_nouns())
