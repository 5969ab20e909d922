"""The mention-pair features of ``kg.extract.candidates`` are read once per pair of mention
places in a document (``DocumentIndex.mention_pairs``) and reused when the same places come
again under another entity pair (a name and the country it carries share their place): every
candidate's features, evidence sentence and trigger are those of reading them every time, on
real parses of the repository's articles, in the same order."""

from __future__ import annotations

from typing import Any

import pytest

from kg.extract import candidates as module
from kg.extract.candidates import candidates
from kg.extract.relations import Context


@pytest.fixture(scope="module")
def contexts(rule_contexts: list[Context]) -> list[Context]:
    return rule_contexts


class _Forgetful(dict):  # type: ignore[type-arg]
    """A cache that keeps nothing: every mention pair is read again (the plain path)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def _described(ctx: Context) -> list[tuple[Any, ...]]:
    return [
        (c.triple, list(c.features.items()), c.sentence, c.trigger, c.rules)
        for c in candidates(ctx, ctx.relations)
    ]


def test_reused_mention_pairs_give_the_features_of_reading_each_again(
    contexts: list[Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = 0
    plain_pair_features = module.pair_features

    def counted(*args: Any) -> list[str]:
        nonlocal reads
        reads += 1
        return plain_pair_features(*args)

    monkeypatch.setattr(module, "pair_features", counted)
    cached = [_described(ctx) for ctx in contexts]
    cached_reads, reads = reads, 0
    init = module.DocumentIndex.__init__

    def forgetting(self: Any, ctx: Context) -> None:
        init(self, ctx)
        self.mention_pairs = _Forgetful()

    monkeypatch.setattr(module.DocumentIndex, "__init__", forgetting)
    plain = [_described(ctx) for ctx in contexts]
    assert cached == plain
    assert sum(len(c) for c in cached) > 100
    assert cached_reads < reads  # some mention pairs did come again, and were read once
