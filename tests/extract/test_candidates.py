"""Candidate facts and their features: hand-built parses for the path helpers, the pipeline for
a whole sentence."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.extract.candidates import _coordination_size, candidates
from kg.extract.pairs import TokenArrays
from kg.records import Document


def _doc(words, heads, deps, lemmas=None, pos=None) -> Doc:
    return Doc(
        Vocab(),
        words=words,
        heads=heads,
        deps=deps,
        lemmas=lemmas or [w.lower() for w in words],
        pos=pos or ["NOUN"] * len(words),
    )


def _arrays(doc: Doc) -> TokenArrays:
    return TokenArrays(doc, [t.lemma_ for t in doc], {}, {})


def test_the_path_goes_up_to_the_common_ancestor_and_down() -> None:
    #        0        1         2      3
    doc = _doc(
        ["Marines", "trained", "with", "Navy"],
        [1, 1, 1, 2],
        ["nsubj", "ROOT", "prep", "pobj"],
        ["marine", "train", "with", "navy"],
        ["PROPN", "VERB", "ADP", "PROPN"],
    )
    arcs, lca = _arrays(doc).path(0, 3)
    assert arcs == ["nsubj<", ">prep", ">pobj"]
    assert lca == 1
    assert _arrays(doc).path_tokens(0, 3, 1) == [1, 2, 1]  # "trained", "with", "trained"


def test_a_token_and_its_ancestor_share_a_path_that_goes_down_only() -> None:
    doc = _doc(["Navy", "of", "Peru"], [0, 0, 1], ["ROOT", "prep", "pobj"])
    arcs, lca = _arrays(doc).path(0, 2)
    assert arcs == [">prep", ">pobj"] and lca == 0


def test_the_coordination_size_counts_every_conjunct() -> None:
    #        0       1   2       3      4       5
    doc = _doc(
        ["Chad", ",", "Niger", "and", "Mali", "hosted"],
        [5, 0, 0, 2, 2, 5],
        ["nsubj", "punct", "conj", "cc", "conj", "ROOT"],
    )
    assert _coordination_size(doc[0]) == 3
    assert _coordination_size(doc[4]) == 3
    assert _coordination_size(doc[5]) == 1


@pytest.mark.slow
def test_a_training_sentence_gives_a_trainswith_candidate_with_its_evidence(nlp) -> None:
    from kg.extract.extractor import apply_rules, read_entities

    text = "Peruvian marines trained with the U.S. Navy in Lima last week."
    sdoc = nlp(text)
    ctx = apply_rules(read_entities(sdoc, Document(id="t", text=text, source="t")))
    found = {c.triple: c for c in candidates(ctx, ctx.relations)}
    cand = found.get(("Peruvian Marines", "trainsWith", "U.S. Navy"))
    assert cand is not None, f"no trainsWith candidate among {sorted(found)}"
    assert cand.sentence == (0, len(sdoc))
    assert any(k.startswith("fpath:") for k in cand.features)
    assert "trigger_in_sentence:train" in cand.features
    # a country the subject's name carries is an affiliatedWith candidate read from the name
    aff = [c for t, c in found.items() if t[1] == "affiliatedWith" and t[2] == "Peru"]
    assert aff and "nested" in aff[0].features


def test_a_pair_of_bodies_says_how_many_of_them_are_the_main_states(nlp) -> None:
    from kg.extract.extractor import apply_rules, read_entities

    text = (
        "Peru hosted the drill in Lima. The Peruvian Army trained with the Chilean Army and the "
        "U.S. Army. Peruvian troops and Peruvian officers met in Peru."
    )
    ctx = apply_rules(read_entities(nlp(text), Document(id="t", text=text, source="t")))
    assert ctx.default_country == "Peru"
    found = {c.triple: c.features for c in candidates(ctx, ctx.relations)}

    def sides(a: str, b: str) -> list[str]:
        feats = found.get((a, "trainsWith", b)) or found.get((b, "trainsWith", a)) or {}
        return [k for k in feats if k.startswith("main_state_sides:")]

    assert sides("Chilean Army", "U.S. Army") == ["main_state_sides:0"]
    assert sides("Peruvian Army", "U.S. Army") == ["main_state_sides:1"]


@pytest.mark.slow
def test_candidates_no_threshold_can_keep_are_dropped_without_changing_the_facts(nlp) -> None:
    """A property whose model adds nothing keeps only the rules' facts: its other candidates
    are not read at all (speed), and what the model decides stays the same."""
    from pathlib import Path

    from kg.extract.decide import decide, retype
    from kg.extract.extractor import apply_rules, read_entities
    from kg.extract.model import shipped_models

    models = shipped_models()
    rel = models.relations
    assert rel is not None and models.classes is not None
    path = Path(__file__).resolve().parents[2] / "data" / "articles"
    path = sorted(path.glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    ctx = read_entities(nlp(text), Document("d", text, str(path)))
    retype(ctx, models.classes)
    apply_rules(ctx)
    every = candidates(ctx, ctx.relations)
    wanted = candidates(ctx, ctx.relations, rel.may_keep)
    assert len(wanted) < len(every)
    assert all(rel.may_keep(c.predicate, bool(c.rules)) for c in wanted)
    assert set(decide(ctx, wanted, rel)) == set(decide(ctx, every, rel))
