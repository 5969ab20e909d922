"""Features of one pair of mentions, read from per-document token arrays.

The relation model's candidates (``kg.extract.candidates``) describe each pair of mentions by
the dependency path between their heads, the words between them and how each attaches. Read
through spaCy ``Token`` objects, every ``tok.head`` step builds a new object (``Doc.__getitem__``),
and the same paths were walked again for every property of the same two entities: that was a
third of a build's extraction time. ``TokenArrays`` reads the parse once per document into
plain lists (head index, dependency label, lemma, lower-case form, part of speech); the paths,
frames and features below work on token indices and give exactly what the Token walks gave
(``tests/extract/test_pair_features.py`` compares them with the Token-based reference on real
parses).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from kg.nlp.tokens import head_indices

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Path features are kept only for paths up to this many dependency arcs.
MAX_PATH = 6
#: Between-words features only when the mentions are this close (tokens).
MAX_BETWEEN = 12
#: A walk up the tree stops after this many tokens (a guard; parses are trees).
MAX_CHAIN = 50

#: Arcs that do not change what a path means: coordination and apposition chains.
_TRANSPARENT = frozenset({"conj", "appos", "cc", "compound", "flat"})
#: Function words kept as "between" features (content words go through the trigger frames).
_FUNCTION_WORDS = frozenset(
    {
        "with",
        "and",
        "of",
        "in",
        "at",
        "to",
        "from",
        "for",
        "by",
        "on",
        "between",
        "among",
        "alongside",
        "including",
        "under",
        "into",
        ",",
        "(",
        ")",
        "'s",
        "’s",
        "-",
        "–",
        "—",
        ":",
        "as",
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "both",
    }
)


class Placed(Protocol):
    """Where an entity is named (``kg.extract.candidates.MentionAt``)."""

    start: int
    end: int
    head: int
    sent: int


def bin_label(value: float, edges: tuple[float, ...]) -> str:
    """The first edge ``value`` does not exceed, or ``">last"``."""
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


class TokenArrays:
    """One document's parse as lists indexed by token, and the frames of its words.

    ``triggers`` (lemma → frames) and ``titles`` (office words) come from the lexicon; a
    token's frame is its trigger frames, ``"TITLE"`` for an office word, else its part of
    speech.
    """

    def __init__(
        self,
        doc: Doc,
        lemmas: list[str],
        triggers: Mapping[str, set[str]],
        titles: Mapping[str, str],
    ) -> None:
        tokens = list(doc)
        self.heads = head_indices(doc)
        self.deps = [t.dep_ for t in tokens]
        self.lower = [t.lower_ for t in tokens]
        self.pos = [t.pos_ for t in tokens]
        self.space = [t.is_space for t in tokens]
        self.lemmas = lemmas
        self.triggers = triggers
        self.titles = titles
        self._frames: dict[int, str] = {}
        self._chains: dict[int, list[int]] = {}

    def frame(self, i: int) -> str:
        fr = self._frames.get(i)
        if fr is None:
            frames = self.triggers.get(self.lemmas[i])
            if frames:
                fr = "|".join(sorted(frames))
            elif self.titles.get(self.lower[i]):
                fr = "TITLE"
            else:
                fr = self.pos[i]
            self._frames[i] = fr
        return fr

    def ancestors(self, i: int) -> list[int]:
        """``i`` and the tokens above it up to its root (at most ``MAX_CHAIN``)."""
        chain = self._chains.get(i)
        if chain is None:
            heads = self.heads
            chain = [i]
            while heads[chain[-1]] != chain[-1] and len(chain) < MAX_CHAIN:
                chain.append(heads[chain[-1]])
            self._chains[i] = chain
        return chain

    def path(self, a: int, b: int) -> tuple[list[str], int | None]:
        """The arcs from ``a`` up to the lowest common ancestor and down to ``b`` (``"nsubj<"``
        going up, ``">dobj"`` going down) and that ancestor (``None`` when there is none)."""
        up = self.ancestors(a)
        down = self.ancestors(b)
        pos_down = {t: n for n, t in enumerate(down)}
        deps = self.deps
        for n, t in enumerate(up):
            m = pos_down.get(t)
            if m is not None:
                arcs = [f"{deps[x]}<" for x in up[:n]] + [f">{deps[x]}" for x in reversed(down[:m])]
                return arcs, t
        return [], None

    def path_tokens(self, a: int, b: int, lca: int) -> list[int]:
        """The tokens above ``a`` and above ``b`` up to ``lca`` (``lca`` once per side)."""
        heads = self.heads
        out = []
        for t in (a, b):
            while t != lca and heads[t] != t:
                t = heads[t]
                out.append(t)
        return out

    def governor(self, i: int) -> int:
        """The word a mention's whole coordination hangs from ("X and Y trained": trained)."""
        heads, deps = self.heads, self.deps
        while deps[i] in ("conj", "appos") and heads[i] != i:
            i = heads[i]
        return heads[i] if heads[i] != i else i


def pair_features(
    arr: TokenArrays, anaphora: set[int], ma: Placed, mb: Placed, tag: str
) -> list[str]:
    """The names of the features of one mention pair in one sentence (or two neighbouring
    ones), in the order they are first set; each has the value 1.0.

    Paths are described by dependency labels and by the *frame* of the words on them (the
    trigger lexicon's frame, "TITLE" for an office word, else the part of speech), so that
    "trained with", "drilled alongside" and "exercised with" look alike to the model.
    """
    feats: dict[str, None] = {}  # ordered and without repeats, as the features dict sees them
    if ma.start < mb.end and mb.start < ma.end:  # one inside the other ("Peruvian Navy")
        return [f"{tag}nested"]
    if ma.start in anaphora or mb.start in anaphora:
        feats[f"{tag}anaphor"] = None
    first, second = (ma, mb) if ma.start < mb.start else (mb, ma)
    sub_first = first is ma
    feats[f"{tag}order:{'sub_first' if sub_first else 'obj_first'}"] = None
    gap = second.start - first.end
    feats[f"{tag}gap:{bin_label(gap, (0, 1, 2, 4, 8, 16))}"] = None
    if ma.sent != mb.sent:
        feats[f"{tag}other_sentence"] = None
        return list(feats)
    if gap <= MAX_BETWEEN:
        lemmas, space = arr.lemmas, arr.space
        words = [lemmas[i] for i in range(first.end, second.start) if not space[i]]
        # the frame is the one of the token at the word's rank from the first mention's end
        # (after a space token that is not the word itself: kept as the model was trained)
        shape = [
            w if w in _FUNCTION_WORDS else arr.frame(first.end + n) for n, w in enumerate(words)
        ]
        for w in set(shape):
            feats[f"{tag}btw:{w}"] = None
        if len(shape) <= 3:
            feats[f"{tag}btw_seq:{' '.join(shape)}|{'sf' if sub_first else 'of'}"] = None
    else:
        feats[f"{tag}btw:<far>"] = None
    ha, hb = ma.head, mb.head
    arcs, lca = arr.path(ha, hb)
    if lca is None:
        return list(feats)
    core = [a for a in arcs if a.strip("<>") not in _TRANSPARENT]
    lca_frame = arr.frame(lca)
    feats[f"{tag}pathlen:{bin_label(len(core), (0, 1, 2, 3, 4, 6))}"] = None
    if len(core) <= MAX_PATH:
        feats[f"{tag}path:{' '.join(core)}"] = None
        feats[f"{tag}fpath:{' '.join(core)}|{lca_frame}"] = None
    feats[f"{tag}lca_frame:{lca_frame}"] = None
    if not core:  # coordinated or in apposition: what the group does is what its verb says
        kind = "appos" if any(a.strip("<>") == "appos" for a in arcs) else "coord"
        gov = arr.governor(ha if ha < hb else hb)
        feats[f"{tag}{kind}"] = None
        feats[f"{tag}{kind}_gov:{arr.frame(gov)}"] = None
    # the words on the path, as frames
    on_path = set()
    for t in arr.path_tokens(ha, hb, lca):
        on_path.add(arr.frame(t))
    for fr in on_path:
        feats[f"{tag}on_path:{fr}"] = None
    # how each argument attaches, with the frame of the word it attaches to
    heads, deps, lower = arr.heads, arr.deps, arr.lower
    for role, h in (("s", ha), ("o", hb)):
        dep = deps[h]
        if dep in ("pobj", "pcomp"):
            up = heads[h]
            dep = f"pobj_{lower[up]}"
            feats[f"{tag}{role}_prep:{lower[up]}|{arr.frame(heads[up])}"] = None
        feats[f"{tag}{role}_dep:{dep}"] = None
    feats[f"{tag}roles:{deps[ha]}|{deps[hb]}|{lca_frame}"] = None
    return list(feats)
