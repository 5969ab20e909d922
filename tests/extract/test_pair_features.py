"""The array-based pair features (``kg.extract.pairs``) and the per-pair feature block of
``kg.extract.candidates`` against the plain reference they replaced: the Token-walking code
(kept below verbatim), on real parses of the repository's articles. Same names, same order,
same evidence sentence and trigger."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.candidates import WINDOW, DocumentIndex, MentionAt, _pair_block
from kg.extract.pairs import (
    _FUNCTION_WORDS,
    _TRANSPARENT,
    MAX_BETWEEN,
    MAX_PATH,
    TokenArrays,
    bin_label,
    pair_features,
)
from kg.records import Document

ARTICLES = Path(__file__).resolve().parents[2] / "data" / "articles"

# ---------------------------------------------------------------- the reference (Token walks)


def _ancestors(tok: Token) -> list[Token]:
    chain = [tok]
    while chain[-1].head.i != chain[-1].i and len(chain) < 50:
        chain.append(chain[-1].head)
    return chain


def dependency_path(a: Token, b: Token) -> tuple[list[str], list[str], Token | None]:
    """The path from ``a`` up to the lowest common ancestor and down to ``b``.

    Returns the arc labels (``"nsubj<"`` going up, ``">dobj"`` going down), the lemmas of the
    tokens strictly between the ends, and the common ancestor (``None`` across sentences).
    """
    up = _ancestors(a)
    down = _ancestors(b)
    pos_down = {t.i: n for n, t in enumerate(down)}
    for n, t in enumerate(up):
        if t.i in pos_down:
            m = pos_down[t.i]
            arcs = [f"{x.dep_}<" for x in up[:n]] + [f">{x.dep_}" for x in reversed(down[:m])]
            middle = (
                [x.lemma_.lower() for x in up[1:n]]
                + [t.lemma_.lower()] * (t.i not in (a.i, b.i))
                + [x.lemma_.lower() for x in reversed(down[1:m])]
            )
            return arcs, middle, t
    return [], [], None


def _frame(idx: DocumentIndex, tok: Token) -> str:
    frames = idx.triggers.get(idx.lemmas[tok.i])
    if frames:
        return "|".join(sorted(frames))
    if idx.ctx.lex.titles.get(tok.lower_):
        return "TITLE"
    return tok.pos_


def _governor(tok: Token) -> Token:
    """The word a mention's whole coordination hangs from ("X and Y trained": trained)."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    return tok.head if tok.head.i != tok.i else tok


def _pair_features(
    idx: DocumentIndex, ma: MentionAt, mb: MentionAt, feats: dict[str, float], tag: str
) -> None:
    """Features of one mention pair in one sentence (or two neighbouring ones).

    Paths are described by dependency labels and by the *frame* of the words on them (the
    trigger lexicon's frame, "TITLE" for an office word, else the part of speech), so that
    "trained with", "drilled alongside" and "exercised with" look alike to the model.
    """
    doc = idx.ctx.doc
    lemmas = idx.lemmas
    if ma.start < mb.end and mb.start < ma.end:  # one inside the other ("Peruvian Navy")
        feats[f"{tag}nested"] = 1.0
        return
    if ma.start in idx.anaphora or mb.start in idx.anaphora:
        feats[f"{tag}anaphor"] = 1.0
    first, second = (ma, mb) if ma.start < mb.start else (mb, ma)
    sub_first = first is ma
    feats[f"{tag}order:{'sub_first' if sub_first else 'obj_first'}"] = 1.0
    gap = second.start - first.end
    feats[f"{tag}gap:{bin_label(gap, (0, 1, 2, 4, 8, 16))}"] = 1.0
    if ma.sent != mb.sent:
        feats[f"{tag}other_sentence"] = 1.0
        return
    if gap <= MAX_BETWEEN:
        words = [lemmas[i] for i in range(first.end, second.start) if not doc[i].is_space]
        shape = [
            w if w in _FUNCTION_WORDS else _frame(idx, doc[first.end + n])
            for n, w in enumerate(words)
        ]
        for w in set(shape):
            feats[f"{tag}btw:{w}"] = 1.0
        if len(shape) <= 3:
            feats[f"{tag}btw_seq:{' '.join(shape)}|{'sf' if sub_first else 'of'}"] = 1.0
    else:
        feats[f"{tag}btw:<far>"] = 1.0
    ha, hb = doc[ma.head], doc[mb.head]
    arcs, _middle, lca = dependency_path(ha, hb)
    if lca is None:
        return
    core = [a for a in arcs if a.strip("<>") not in _TRANSPARENT]
    lca_frame = _frame(idx, lca)
    feats[f"{tag}pathlen:{bin_label(len(core), (0, 1, 2, 3, 4, 6))}"] = 1.0
    if len(core) <= MAX_PATH:
        feats[f"{tag}path:{' '.join(core)}"] = 1.0
        feats[f"{tag}fpath:{' '.join(core)}|{lca_frame}"] = 1.0
    feats[f"{tag}lca_frame:{lca_frame}"] = 1.0
    if not core:  # coordinated or in apposition: what the group does is what its verb says
        kind = "appos" if any(a.strip("<>") == "appos" for a in arcs) else "coord"
        gov = _governor(ha if ha.i < hb.i else hb)
        feats[f"{tag}{kind}"] = 1.0
        feats[f"{tag}{kind}_gov:{_frame(idx, gov)}"] = 1.0
    # the words on the path, as frames
    on_path = set()
    for t in _path_tokens(ha, hb, lca):
        on_path.add(_frame(idx, t))
    for fr in on_path:
        feats[f"{tag}on_path:{fr}"] = 1.0
    # how each argument attaches, with the frame of the word it attaches to
    for role, h in (("s", ha), ("o", hb)):
        dep = h.dep_
        if dep in ("pobj", "pcomp"):
            dep = f"pobj_{h.head.lower_}"
            feats[f"{tag}{role}_prep:{h.head.lower_}|{_frame(idx, h.head.head)}"] = 1.0
        feats[f"{tag}{role}_dep:{dep}"] = 1.0
    feats[f"{tag}roles:{ha.dep_}|{hb.dep_}|{lca_frame}"] = 1.0


def _path_tokens(a: Token, b: Token, lca: Token) -> list[Token]:
    out = []
    for end in (a, b):
        t = end
        while t.i != lca.i and t.head.i != t.i:
            t = t.head
            out.append(t)
    return out


def _ref_sentence_features(idx: DocumentIndex, sent: int, feats: dict[str, float]) -> None:
    span = idx.sents[sent]
    for i in range(span.start, span.end):
        for frame in idx.triggers.get(idx.lemmas[i], ()):
            feats[f"trigger_in_sentence:{frame}"] = 1.0


def _ref_pair_block(
    idx: DocumentIndex, s: str, o: str, main_event: bool
) -> tuple[dict[str, float], tuple[int, int] | None, int | None]:
    doc = idx.ctx.doc
    f: dict[str, float] = {}
    sentence = trigger = None
    ms, mo = idx.mentions.get(s, []), idx.mentions.get(o, [])
    # mention pairs: same sentence, then neighbouring sentences
    best: tuple[int, MentionAt, MentionAt] | None = None
    co_sents: set[int] = set()
    for ma in ms:
        for mb in mo:
            dist = abs(ma.sent - mb.sent)
            if dist > WINDOW:
                continue
            tag = "" if dist == 0 else "near_"
            _pair_features(idx, ma, mb, f, tag)
            if dist == 0:
                co_sents.add(ma.sent)
                gap = abs(ma.head - mb.head)
                if best is None or gap < best[0]:
                    best = (gap, ma, mb)
    f[f"co_sentences:{bin_label(len(co_sents), (0, 1, 2, 4))}"] = 1.0
    if co_sents:
        f["co_sentences_log"] = math.log1p(len(co_sents))
    for si in co_sents:
        _ref_sentence_features(idx, si, f)
    if best is not None:
        span = idx.sents[best[1].sent]
        sentence = (span.start, span.end)
        _arcs, _mid, lca = dependency_path(doc[best[1].head], doc[best[2].head])
        trigger = lca.i if lca is not None else None
    elif ms:
        span = idx.sents[min(m.sent for m in ms)]
        sentence = (span.start, span.end)
    # nearest sentence distance for document-level pairs
    if ms and mo and not co_sents:
        d = min(abs(a.sent - b.sent) for a in ms for b in mo)
        f[f"sent_dist:{bin_label(d, (1, 2, 4, 8))}"] = 1.0
    if s in idx.first_sent:
        f[f"s_first_sent:{bin_label(idx.first_sent[s], (0, 1, 3, 6))}"] = 1.0
    for frame in idx.context.get(s, ()):
        f[f"s_context:{frame}"] = 1.0
    for frame in idx.context.get(o, ()):
        f[f"o_context:{frame}"] = 1.0
    f[f"s_list:{bin_label(idx.list_size.get(s, 1), (1, 2, 4))}"] = 1.0
    f[f"o_list:{bin_label(idx.list_size.get(o, 1), (1, 2, 4))}"] = 1.0
    if main_event:
        f["o_main_event"] = 1.0
    return f, sentence, trigger


# ---------------------------------------------------------------- the comparisons


@pytest.fixture(scope="module")
def indexes(nlp: Any) -> list[DocumentIndex]:
    """The candidates' document index of three real articles, after the rules ran."""
    from kg.extract.decide import retype
    from kg.extract.extractor import apply_rules, read_entities
    from kg.extract.model import shipped_models

    models = shipped_models()
    assert models.classes is not None
    out = []
    for path in sorted(ARTICLES.glob("*.txt"))[:3]:
        text = path.read_text(encoding="utf-8")
        ctx = read_entities(nlp(text), Document(path.stem, text, str(path)))
        retype(ctx, models.classes)
        out.append(DocumentIndex(apply_rules(ctx)))
    return out


@pytest.mark.slow
def test_the_array_path_is_the_token_walk_for_every_pair_of_tokens(
    indexes: list[DocumentIndex],
) -> None:
    compared = 0
    for idx in indexes:
        doc, arr = idx.ctx.doc, idx.arrays
        for a in range(len(doc)):
            for b in range(max(0, a - 40), min(len(doc), a + 40)):
                arcs, _middle, lca = dependency_path(doc[a], doc[b])
                assert arr.path(a, b) == (arcs, None if lca is None else lca.i), (a, b)
                if lca is not None:
                    want = [t.i for t in _path_tokens(doc[a], doc[b], lca)]
                    assert arr.path_tokens(a, b, lca.i) == want
                compared += 1
            assert arr.governor(a) == _governor(doc[a]).i
            assert arr.frame(a) == _frame(idx, doc[a])
    assert compared > 10_000


@pytest.mark.slow
def test_pair_features_are_the_token_reference_in_the_same_order(
    indexes: list[DocumentIndex],
) -> None:
    compared = 0
    for idx in indexes:
        placed = [m for ms in idx.mentions.values() for m in ms]
        for ma in placed:
            for mb in placed:
                if abs(ma.sent - mb.sent) > WINDOW:
                    continue
                tag = "" if ma.sent == mb.sent else "near_"
                want: dict[str, float] = {}
                _pair_features(idx, ma, mb, want, tag)
                assert pair_features(idx.arrays, idx.anaphora, ma, mb, tag) == list(want)
                compared += 1
    assert compared > 1_000


@pytest.mark.slow
def test_the_pair_block_is_the_reference_for_every_entity_pair(
    indexes: list[DocumentIndex],
) -> None:
    compared = 0
    for idx in indexes:
        keys = [k for k in idx.mentions if k in idx.ctx.entities]
        for s in keys:
            for o in keys:
                if s != o:
                    for main_event in (False, True):
                        got = _pair_block(idx, s, o, main_event)
                        want = _ref_pair_block(idx, s, o, main_event)
                        assert list(got[0].items()) == list(want[0].items())
                        assert got[1:] == want[1:]
                        compared += 1
    assert compared > 100


def test_the_array_path_on_a_hand_built_parse() -> None:
    #        0          1         2       3
    words = ["Marines", "trained", "with", "Navy"]
    doc = Doc(
        Vocab(),
        words=words,
        heads=[1, 1, 1, 2],
        deps=["nsubj", "ROOT", "prep", "pobj"],
        lemmas=["marine", "train", "with", "navy"],
        pos=["PROPN", "VERB", "ADP", "PROPN"],
    )
    arr = TokenArrays(doc, [t.lemma_ for t in doc], {"train": {"train"}}, {})
    assert arr.path(0, 3) == (["nsubj<", ">prep", ">pobj"], 1)
    assert arr.path_tokens(0, 3, 1) == [1, 2, 1]
    assert [arr.frame(i) for i in range(4)] == ["PROPN", "train", "ADP", "PROPN"]


@pytest.mark.slow
def test_unwanted_candidates_are_never_made_and_the_others_are_as_without_the_filter(
    indexes: list[DocumentIndex],
) -> None:
    from kg.extract.candidates import candidates
    from kg.extract.model import shipped_models

    rel = shipped_models().relations
    assert rel is not None
    dropped = 0
    for idx in indexes:
        ctx = idx.ctx
        every = candidates(ctx, ctx.relations)
        wanted = candidates(ctx, ctx.relations, rel.may_keep)
        kept = [c for c in every if rel.may_keep(c.predicate, bool(c.rules))]
        assert [(c.triple, list(c.features.items()), c.sentence, c.trigger) for c in wanted] == [
            (c.triple, list(c.features.items()), c.sentence, c.trigger) for c in kept
        ]
        dropped += len(every) - len(kept)
    assert dropped > 0
