"""The rule features of ``kg.extract.candidates`` (read once per entity pair, ``wanted`` asked
once per property and rule status) against the plain per-candidate computation they replace,
on real parses of the repository's articles: same names, same order."""

from __future__ import annotations

from collections import defaultdict

import pytest

from kg.extract.candidates import Candidate, candidates
from kg.extract.relations import Context
from kg.rdf.vocab import SYMMETRIC_PROPERTIES
from kg.records import Relation


@pytest.fixture(scope="module")
def contexts(rule_contexts: list[Context]) -> list[Context]:
    return rule_contexts[:4]


def _plain_rule_features(cand: Candidate, relations: list[Relation]) -> list[str]:
    """The rule features of one candidate as the per-candidate loop set them."""
    by_triple: dict[tuple[str, str, str], list[Relation]] = defaultdict(list)
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in relations:
        if r.literal:
            continue
        s, o = r.subject, r.object
        if r.predicate in SYMMETRIC_PROPERTIES:
            s, o = sorted((s, o))
        by_triple[(s, r.predicate, o)].append(r)
        by_pair[(r.subject, r.object)].add(f"{r.predicate}:fwd")
        by_pair[(r.object, r.subject)].add(f"{r.predicate}:rev")
    s, p, o = cand.triple
    names: list[str] = []
    stated = sorted(by_triple.get(cand.triple, ()), key=lambda r: -r.evidence.confidence)
    for r in stated:
        names += [
            f"rule:{r.evidence.rule}",
            f"rule_family:{r.evidence.rule.split('.')[0]}",
            f"rule_modality:{r.evidence.modality}",
        ]
    if stated:
        names += ["rule_any", "rule_conf"]
    for other in by_pair.get((s, o), set()) | by_pair.get((o, s), set()):
        if not other.startswith(p + ":"):
            names.append(f"rule_other:{other}")
    return list(dict.fromkeys(names))


@pytest.mark.slow
def test_rule_features_are_the_plain_per_candidate_ones(contexts: list[Context]) -> None:
    ruled = other = 0
    for ctx in contexts:
        for cand in candidates(ctx, ctx.relations):
            got = [k for k in cand.features if k.startswith("rule")]
            assert got == _plain_rule_features(cand, ctx.relations), cand.triple
            ruled += bool(cand.rules)
            other += any(k.startswith("rule_other:") for k in got)
    assert ruled > 10 and other > 10  # both kinds are exercised


@pytest.mark.slow
def test_wanted_is_asked_once_per_property_and_rule_status(contexts: list[Context]) -> None:
    from kg.extract.model import shipped_models

    rel = shipped_models().relations
    assert rel is not None
    for ctx in contexts:
        asked: list[tuple[str, bool]] = []

        def wanted(p: str, stated: bool, asked: list[tuple[str, bool]] = asked) -> bool:
            asked.append((p, stated))
            return rel.may_keep(p, stated)

        got = candidates(ctx, ctx.relations, wanted)
        assert len(asked) == len(set(asked)) > 0
        every = candidates(ctx, ctx.relations)
        kept = [c for c in every if rel.may_keep(c.predicate, bool(c.rules))]
        assert [(c.triple, list(c.features.items())) for c in got] == [
            (c.triple, list(c.features.items())) for c in kept
        ]
