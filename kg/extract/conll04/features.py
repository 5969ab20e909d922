"""Features of the CoNLL04 models: per token (entity tagger) and per entity pair (relations).

Both read a parsed spaCy ``Doc``: the base model's tags, lemmas, dependency parse and NER labels.
Token offsets are the ``Doc``'s, so a span ``(start, end, type)`` of a sentence parsed from its
own tokens, or of a sentence inside a longer news ``Doc``, is read the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: CoNLL04's entity types.
ENTITY_TYPES: tuple[str, ...] = ("Peop", "Org", "Loc", "Other")

#: Each CoNLL04 relation has one type signature, so the entity types fix the candidate relation.
SIGNATURES: dict[tuple[str, str], str] = {
    ("Peop", "Org"): "Work_For",
    ("Org", "Loc"): "OrgBased_In",
    ("Loc", "Loc"): "Located_In",
    ("Peop", "Loc"): "Live_In",
    ("Peop", "Peop"): "Kill",
}
RELATION_TYPES: tuple[str, ...] = tuple(SIGNATURES.values())

#: An entity: token offsets (end exclusive) and its CoNLL04 type.
Span = tuple[int, int, str]


# ---------------------------------------------------------------- BIO tags


def bio_spans(tags: Sequence[str]) -> list[Span]:
    """Turn BIO tags into ``(start, end_exclusive, label)`` spans (a stray ``I-X`` starts one)."""
    spans: list[Span] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("I-") and start >= 0 and tag[2:] == label:
            continue
        if start >= 0:
            spans.append((start, i, label))
            start, label = -1, ""
        if tag.startswith(("B-", "I-")):
            start, label = i, tag[2:]
    return spans


def spans_to_bio(n: int, spans: Iterable[Span]) -> list[str]:
    """Inverse of :func:`bio_spans` for non-overlapping spans over ``n`` tokens."""
    tags = ["O"] * n
    for start, end, label in spans:
        if any(t != "O" for t in tags[start:end]):
            continue  # overlapping gold spans: keep the first one
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


# ---------------------------------------------------------------- token features


def _shape(text: str) -> str:
    out: list[str] = []
    for ch in text:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c or len(out) < 2 or out[-2] != c:
            out.append(c)
    return "".join(out[:6])


def _word(doc: Doc, i: int) -> str:
    if i < 0:
        return "<s>"
    if i >= len(doc):
        return "</s>"
    return doc[i].lower_


def _ent(doc: Doc, i: int) -> str:
    if i < 0 or i >= len(doc):
        return "-"
    t = doc[i]
    return f"{t.ent_iob_}{t.ent_type_}" if t.ent_type_ else "O"


def token_features(doc: Doc) -> list[list[str]]:
    """Features of each token for the entity tagger (spaCy's labels, word form, context).

    spaCy's own NER label is a feature, so the tagger learns to correct spaCy toward CoNLL04's
    conventions (boundaries, the ``Other`` type) rather than to tag from scratch.

    No conjunctions of spaCy's label with the shape, the part of speech or the previous label:
    without them the cross-validated relation F1 on TRAIN is 0.591 against 0.586 (entity F1
    0.809 either way); the CRF's transitions already pair neighbouring labels.
    """
    feats = []
    for i, t in enumerate(doc):
        w = t.lower_
        shape = _shape(t.text)
        ent = _ent(doc, i)
        f = [
            "b",
            f"w={w}",
            f"lem={t.lemma_.lower()}",
            f"suf3={w[-3:]}",
            f"pre3={w[:3]}",
            f"shape={shape}",
            f"pos={t.pos_}",
            f"tag={t.tag_}",
            f"dep={t.dep_}",
            f"ent={ent}",
            f"etype={t.ent_type_ or 'O'}",
            f"w-1={_word(doc, i - 1)}",
            f"w+1={_word(doc, i + 1)}",
            f"w-2={_word(doc, i - 2)}",
            f"w+2={_word(doc, i + 2)}",
            f"w-1,w={_word(doc, i - 1)}|{w}",
            f"w,w+1={w}|{_word(doc, i + 1)}",
            f"ent-1={_ent(doc, i - 1)}",
            f"ent+1={_ent(doc, i + 1)}",
            f"head={t.head.lower_}",
            f"headpos={t.head.pos_}|{t.dep_}",
            f"title={t.is_title}|{i == 0}",
        ]
        if i > 0:
            f.append(f"shape-1={_shape(doc[i - 1].text)}")
        if i + 1 < len(doc):
            f.append(f"shape+1={_shape(doc[i + 1].text)}")
        feats.append(f)
    return feats


# ---------------------------------------------------------------- pair features


def _root(doc: Doc, start: int, end: int) -> Token:
    return doc[start:end].root


def _path(a: Token, b: Token) -> tuple[list[Token], list[Token]] | None:
    """The dependency path: ``a`` up to the lowest common ancestor (included), and ``b`` up to
    (excluded) it; ``None`` when spaCy's parse puts them in different trees."""
    up_a = [a, *a.ancestors]
    where = {t.i: k for k, t in enumerate(up_a)}
    right: list[Token] = []
    for t in [b, *b.ancestors]:
        if t.i in where:
            return up_a[: where[t.i] + 1], right
        right.append(t)
    return None


def _distance(a: Span, b: Span) -> int:
    return b[0] - a[1] if a[0] < b[0] else a[0] - b[1]


def pair_features(doc: Doc, head: Span, tail: Span, entities: Sequence[Span]) -> list[str]:
    """Features of an ordered entity pair; every feature is prefixed by the candidate relation.

    ``entities`` are the sentence's entities (head and tail among them or not): they give the
    counts of entities between the pair and of nearer candidates of the same type.
    """
    rel = SIGNATURES[(head[2], tail[2])]
    first, second = (head, tail) if head[0] < tail[0] else (tail, head)
    order = "ht" if first is head else "th"
    between = [doc[i] for i in range(first[1], second[0])]
    gap = len(between)
    bucket = str(gap) if gap < 6 else "6-9" if gap < 10 else "10-19" if gap < 20 else "20+"
    f = [f"order={order}", f"gap={bucket}", f"order+gap={order}|{bucket}"]
    lemmas = [t.lemma_.lower() for t in between]
    f.extend(f"bw={lem}" for lem in set(lemmas))
    if gap <= 4:
        f.append(f"btw={order}|{' '.join(lemmas)}")
    if between:
        f.append(f"bw_first={lemmas[0]}")
        f.append(f"bw_last={lemmas[-1]}")
    inside = [e for e in entities if first[1] <= e[0] and e[1] <= second[0]]
    f.append(f"ents_between={min(len(inside), 3)}")
    f.extend(f"ent_between={e[2]}" for e in inside)
    same = sum(1 for e in inside if e[2] in (head[2], tail[2]))
    f.append(f"same_between={min(same, 2)}")
    # how many other candidates of the same type sit closer: the nearest one is usually meant
    d = _distance(head, tail)
    others = [e for e in entities if e[:2] != head[:2] and e[:2] != tail[:2]]
    nearer_t = sum(1 for e in others if e[2] == tail[2] and _distance(head, e) < d)
    nearer_h = sum(1 for e in others if e[2] == head[2] and _distance(e, tail) < d)
    f.append(f"nearer_t={min(nearer_t, 2)}")
    f.append(f"nearer_h={min(nearer_h, 2)}")
    f.append(f"before={_word(doc, first[0] - 1)}")
    f.append(f"after={_word(doc, second[1])}")
    hroot, troot = _root(doc, head[0], head[1]), _root(doc, tail[0], tail[1])
    f.append(f"hroot={hroot.lemma_.lower()}")
    f.append(f"troot={troot.lemma_.lower()}")
    f.append(f"hent={hroot.ent_type_ or 'O'}|tent={troot.ent_type_ or 'O'}")
    # the entities' own words: some places are typical relation tails ("Calif.", "U.S.")
    f.append("htext=" + " ".join(t.lower_ for t in doc[head[0] : head[1]]))
    f.append("ttext=" + " ".join(t.lower_ for t in doc[tail[0] : tail[1]]))
    path = _path(hroot, troot)
    if path is not None:
        left, right = path
        lca = left[-1]
        up = [f"{t.dep_}>" for t in left[:-1]]
        down = [f"<{t.dep_}" for t in reversed(right)]
        mids = [t.lemma_.lower() for t in left[1:]] + [t.lemma_.lower() for t in right[1:]]
        length = len(up) + len(down)
        f.append(f"plen={min(length, 6)}")
        if length <= 6:
            f.append("dpath=" + " ".join([*up, lca.pos_, *down]))
            f.append("dpathl=" + " ".join([*up, lca.lemma_.lower(), *down]))
        f.append(f"lca={lca.lemma_.lower()}|{lca.pos_}")
        f.append(f"lca_is={'h' if lca.i == hroot.i else 't' if lca.i == troot.i else 'o'}")
        f.extend(f"pw={m}" for m in set(mids))
        f.extend(f"pdep={t.dep_}" for t in left[:-1] + right)
        if len(left) + len(right) <= 5:
            # a short path with the words on it: "nsubj>work <prep>for <pobj" …
            lex_up = [f"{t.dep_}>{t.lemma_.lower() if k else ''}" for k, t in enumerate(left[:-1])]
            lex_down = [
                f"<{t.dep_}{t.lemma_.lower() if k < len(right) - 1 else ''}"
                for k, t in enumerate(reversed(right))
            ]
            f.append("lpath=" + " ".join([*lex_up, lca.lemma_.lower(), *lex_down]))
    else:
        f.append("nopath")
    # the words next to each entity ("Smith of Acme", "Boston , Mass.") and where each sits in
    # the parse
    f.extend(
        [
            f"h_prev={_word(doc, head[0] - 1)}",
            f"h_next={_word(doc, head[1])}",
            f"t_prev={_word(doc, tail[0] - 1)}",
            f"t_next={_word(doc, tail[1])}",
            f"hdep={hroot.dep_}",
            f"tdep={troot.dep_}",
            f"hhead={hroot.head.lemma_.lower()}",
            f"thead={troot.head.lemma_.lower()}",
        ]
    )
    # the pair's features conjoined with the relation, plus a few backed-off shared ones
    shared = [x for x in f if x.startswith(("gap=", "order=", "ents_between", "plen=", "nopath"))]
    return [f"{rel}:{x}" for x in f] + [f"*:{x}" for x in shared] + [f"rel={rel}"]


def candidate_pairs(entities: Sequence[Span]) -> list[tuple[int, int, str]]:
    """Every ordered pair of distinct entities whose types fit a relation signature."""
    out = []
    for i, h in enumerate(entities):
        for j, t in enumerate(entities):
            if i != j and (h[2], t[2]) in SIGNATURES:
                out.append((i, j, SIGNATURES[(h[2], t[2])]))
    return out
