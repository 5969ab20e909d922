"""Candidate facts of one document and the features the relation model reads.

A candidate is an entity pair and a property: ``(subject, property, object)``. Candidates come
from three places, so that the model sees what a reader would consider:

- every pair of entities named in the same sentence or in neighbouring sentences;
- document-level pairs for the two properties that rarely sit in one sentence with their
  evidence: ``affiliatedWith`` (an entity and each country of the article) and
  ``participatesIn`` (an agent and each named event);
- every fact the rules of ``kg.extract.relations`` produced (their ids become features).

Features are sparse and named (``{"path:nsubj<train>dobj": 1.0, …}``): the entity classes, the
dependency path between the two mentions (dependency labels and the lemmas on it), the words
between them, trigger words of the sentence, how often and how close the two are named, the
nationality the subject's own name carries, and the rules that fired. The model
(``kg.extract.model``) turns them into a probability per candidate.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.extract.classes import event_nouns
from kg.extract.relations import Context
from kg.rdf.vocab import SYMMETRIC_PROPERTIES
from kg.records import Relation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


ORGS = frozenset({"Organization", "GovernmentBody", "MilitaryUnit", "PoliceUnit"})
AGENTS = ORGS | {"Person", "Country"}
PLACES = frozenset({"Place", "Country"})

#: Which entity classes a candidate of each property may join (the ontology's domain and range,
#: a little wider than the rules' because the mention classes are themselves uncertain).
SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "trainsWith": (AGENTS, AGENTS),
    "cooperatesWith": (AGENTS, AGENTS),
    "meetsWith": (AGENTS, AGENTS),
    "partOf": (ORGS, ORGS),
    "affiliatedWith": (ORGS | {"Person"}, frozenset({"Country"})),
    "worksFor": (frozenset({"Person"}), ORGS | {"Country"}),
    "leads": (frozenset({"Person"}), ORGS | {"Country"}),
    "locatedIn": (PLACES | {"Event"}, PLACES),
    "basedIn": (ORGS, PLACES),
    "livesIn": (frozenset({"Person"}), PLACES),
    "killed": (frozenset({"Person"}), frozenset({"Person"})),
    "authorizes": (AGENTS, AGENTS),
    "deployedTo": (ORGS | {"Person"}, PLACES),
    "participatesIn": (AGENTS, frozenset({"Event"})),
}
#: Properties whose candidates need no shared sentence (see the module docstring).
DOCUMENT_LEVEL = frozenset({"affiliatedWith", "participatesIn"})
#: How many sentences apart two mentions may be and still make a candidate.
WINDOW = 1
#: Path features are kept only for paths up to this many dependency arcs.
MAX_PATH = 6
#: Between-words features only when the mentions are this close (tokens).
MAX_BETWEEN = 12


@dataclass
class MentionAt:
    """Where an entity is named: token span, syntactic head and sentence number."""

    start: int
    end: int
    head: int
    sent: int


@dataclass
class Candidate:
    """One possible fact, its features, and where its evidence would come from.

    Attributes:
        subject, predicate, object: Entity keys and the property local name (for a symmetric
            property the two keys are in sorted order).
        features: Named feature values (sparse).
        sentence: Token span ``(start, end)`` of the sentence to show as evidence: the one
            where the two are named closest together, else where the subject is first named.
        trigger: Token index of the word joining the two mentions in that sentence (their
            lowest common ancestor), for modality; ``None`` when they are not in one sentence.
        rules: The rule relations that state this fact, most confident first.
    """

    subject: str
    predicate: str
    object: str
    features: dict[str, float] = field(default_factory=dict)
    sentence: tuple[int, int] | None = None
    trigger: int | None = None
    rules: list[Relation] = field(default_factory=list)

    @property
    def triple(self) -> tuple[str, str, str]:
        return (self.subject, self.predicate, self.object)


def _bin(value: float, edges: tuple[float, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


class DocumentIndex:
    """Per-document lookups the features share: sentence of each token, mentions per entity."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        doc = ctx.doc
        self.sents = list(doc.sents)
        self.tok_sent = [0] * len(doc)
        for si, s in enumerate(self.sents):
            for i in range(s.start, s.end):
                self.tok_sent[i] = si
        self.mentions: dict[str, list[MentionAt]] = defaultdict(list)
        #: tokens of anaphoric event mentions ("the exercise")
        self.anaphora: set[int] = set()
        seen: set[tuple[str, int, int]] = set()
        for i, c in enumerate(ctx.cands):
            key = ctx.keys[i]
            if key is None or c.end <= c.start:
                continue
            head = c.head if c.start <= c.head < c.end else _span_head(doc, c.start, c.end)
            if (key, c.start, c.end) not in seen:
                seen.add((key, c.start, c.end))
                self.mentions[key].append(MentionAt(c.start, c.end, head, self.tok_sent[head]))
            # the country a name carries ("Peruvian Navy") is named where the name is
            carried = c.country if c.country in ctx.entities and c.country != key else None
            if carried and (carried, c.start, c.end) not in seen:
                seen.add((carried, c.start, c.end))
                self.mentions[carried].append(MentionAt(c.start, c.end, head, self.tok_sent[head]))
        # entities the rules created from a demonym have mentions but no candidate
        for key, ent in ctx.entities.items():
            if key in self.mentions:
                continue
            for m in ent.mentions:
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None or not len(span):
                    continue
                head = span.root.i
                at = MentionAt(span.start, span.end, head, self.tok_sent[head])
                self.mentions[key].append(at)
        self.lemmas = [t.lemma_.lower() for t in doc]
        # lemma -> frames, whatever its part of speech (the parser often mistags "drill")
        self.triggers: dict[str, set[str]] = defaultdict(set)
        for (lemma, _pos), lemma_frames in ctx.lex.triggers.items():
            self.triggers[lemma] |= lemma_frames
        self._event_anaphora(ctx)
        # how each entity was found, and whether its name looks damaged
        self.quality: dict[str, list[str]] = {}
        sources: dict[str, set[str]] = defaultdict(set)
        for c, key in zip(ctx.cands, ctx.keys, strict=True):
            if key is not None:
                sources[key].add(c.source)
        for key, ent in ctx.entities.items():
            words = ent.label.split()
            q = [f"src:{x}" for x in sorted(sources.get(key, {"rule"}))]
            q.append(f"words:{_bin(len(words), (1, 2, 3, 5))}")
            if words and (words[0].lower() in _EDGE_WORDS or words[-1].lower() in _EDGE_WORDS):
                q.append("damaged_edge")
            if any(w.lower().rstrip(".") in ctx.lex.ranks for w in words[1:]):
                q.append("rank_inside")
            if ent.label.isupper() and len(words) > 2:
                q.append("all_caps_words")
            self.quality[key] = q
        self.first_sent = {k: min(m.sent for m in ms) for k, ms in self.mentions.items() if ms}
        # what each entity's sentences are about (trigger frames), and whether it is named
        # in a list ("Hosts include Chad, Niger, Mali and Senegal")
        sent_frames: list[set[str]] = [set() for _ in self.sents]
        for si, sp in enumerate(self.sents):
            for i in range(sp.start, sp.end):
                sent_frames[si] |= self.triggers.get(self.lemmas[i], set())
        self.context: dict[str, set[str]] = {}
        self.list_size: dict[str, int] = {}
        for k, ms in self.mentions.items():
            frames: set[str] = set()
            size = 1
            for at in ms:
                frames |= sent_frames[at.sent]
                size = max(size, _coordination_size(doc[at.head]))
            self.context[k] = frames
            self.list_size[k] = size

    def _event_anaphora(self, ctx: Context) -> None:
        """ "The exercise", "the drills", "this year's summit" name the article's event when it
        names exactly one (or one far more often than the others): such a phrase counts as a
        mention of it, so that participants named beside it are read as such."""

        events = [k for k, e in ctx.entities.items() if e.cls == "Event" and self.mentions.get(k)]
        if not events:
            return
        counts = sorted((len(self.mentions[k]), k) for k in events)
        if len(counts) > 1 and counts[-1][0] < 2 * counts[-2][0]:
            return
        main = counts[-1][1]
        nouns = event_nouns()
        taken = {i for ms in self.mentions.values() for m in ms for i in range(m.start, m.end)}
        for tok in ctx.doc:
            if tok.lower_ not in nouns or tok.i in taken or tok.pos_ not in ("NOUN", "PROPN"):
                continue
            det = [c for c in tok.children if c.dep_ in ("det", "poss")]
            if not det or det[0].lower_ not in ("the", "this", "that", "its", "their"):
                continue
            self.mentions[main].append(MentionAt(tok.i, tok.i + 1, tok.i, self.tok_sent[tok.i]))
            self.anaphora.add(tok.i)


def _coordination_size(tok: Token) -> int:
    """How many conjuncts the coordination holding ``tok`` has (1 when it is in none)."""
    top = tok
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    size, todo = 1, [top]
    while todo and size < 50:
        t = todo.pop()
        for child in t.children:
            if child.dep_ == "conj":
                size += 1
                todo.append(child)
    return size


def _span_head(doc: Doc, start: int, end: int) -> int:
    for i in range(start, end):
        h = doc[i].head.i
        if h < start or h >= end or h == i:
            return i
    return start


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


#: Words a well-cut name does not start or end with.
_EDGE_WORDS = frozenset({"and", "of", "the", "for", "in", "on", "to", "with", "&", "-", "–"})
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
    feats[f"{tag}gap:{_bin(gap, (0, 1, 2, 4, 8, 16))}"] = 1.0
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
    feats[f"{tag}pathlen:{_bin(len(core), (0, 1, 2, 3, 4, 6))}"] = 1.0
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


def _sentence_features(idx: DocumentIndex, sent: int, feats: dict[str, float]) -> None:
    span = idx.sents[sent]
    for i in range(span.start, span.end):
        for frame in idx.triggers.get(idx.lemmas[i], ()):
            feats[f"trigger_in_sentence:{frame}"] = 1.0


def candidates(
    ctx: Context,
    rule_relations: list[Relation],
    wanted: Callable[[str, bool], bool] | None = None,
) -> list[Candidate]:
    """All candidate facts of one document with their features.

    ``wanted(property, a_rule_stated_it)``, when given, says which candidates could be kept at
    all (``RelationModel.may_keep``); the others are dropped before their features are read.
    Training reads them all.
    """
    idx = DocumentIndex(ctx)
    ents = ctx.entities
    cls = {k: e.cls for k, e in ents.items()}
    out: dict[tuple[str, str, str], Candidate] = {}

    def norm(s: str, p: str, o: str) -> tuple[str, str, str]:
        if p in SYMMETRIC_PROPERTIES:
            s, o = sorted((s, o))
        return (s, p, o)

    def get(s: str, p: str, o: str) -> Candidate | None:
        if s == o or s not in ents or o not in ents:
            return None
        dom, rng = SIGNATURES[p]
        fits = cls[s] in dom and cls[o] in rng
        if not fits and not (p in SYMMETRIC_PROPERTIES and cls[o] in dom and cls[s] in rng):
            return None
        key = norm(s, p, o)
        cand = out.get(key)
        if cand is None:
            cand = out[key] = Candidate(*key)
        return cand

    # 1. pairs named close together
    keys = [k for k in idx.mentions if k in ents]
    by_sent: dict[int, list[str]] = defaultdict(list)
    for k in keys:
        for si in {m.sent for m in idx.mentions[k]}:
            by_sent[si].append(k)
    near: set[tuple[str, str]] = set()
    for si, ks in by_sent.items():
        around = set(ks)
        for d in range(1, WINDOW + 1):
            around |= set(by_sent.get(si + d, ()))
        for a in ks:
            for b in around:
                if a != b:
                    near.add((a, b))
                    near.add((b, a))
    for a, b in near:
        for p in SIGNATURES:
            if p in ("affiliatedWith", "participatesIn"):
                continue
            get(a, p, b)
    # 2. document-level pairs
    countries = [k for k in keys if cls[k] == "Country"]
    events = [k for k in keys if cls[k] == "Event"]
    for a in keys:
        for c in countries:
            get(a, "affiliatedWith", c)
        for e in events:
            get(a, "participatesIn", e)
    # 3. what the rules said (a rule may join entities never named together)
    rule_by_triple: dict[tuple[str, str, str], list[Relation]] = defaultdict(list)
    rule_by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rule_relations:
        if r.literal:
            continue
        t = norm(r.subject, r.predicate, r.object)
        rule_by_triple[t].append(r)
        rule_by_pair[(r.subject, r.object)].add(f"{r.predicate}:fwd")
        rule_by_pair[(r.object, r.subject)].add(f"{r.predicate}:rev")
        if r.predicate in SIGNATURES:
            get(r.subject, r.predicate, r.object)

    doc = ctx.doc
    main_event = max(events, key=lambda e: len(idx.mentions[e]), default=None)
    n_countries = len(countries)
    n_events = len(events)
    main = ctx.default_country
    if wanted is not None:
        out = {t: c for t, c in out.items() if wanted(t[1], t in rule_by_triple)}
    for t, cand in out.items():
        s, p, o = t
        f = cand.features
        f["bias"] = 1.0
        f[f"cls:{cls[s]}>{cls[o]}"] = 1.0
        f[f"cls_s:{cls[s]}"] = 1.0
        f[f"cls_o:{cls[o]}"] = 1.0
        for r in sorted(rule_by_triple.get(t, ()), key=lambda r: -r.evidence.confidence):
            cand.rules.append(r)
            f[f"rule:{r.evidence.rule}"] = 1.0
            f[f"rule_family:{r.evidence.rule.split('.')[0]}"] = 1.0
            f[f"rule_modality:{r.evidence.modality}"] = 1.0
        if cand.rules:
            f["rule_any"] = 1.0
            f["rule_conf"] = max(r.evidence.confidence for r in cand.rules)
        for other in rule_by_pair.get((s, o), set()) | rule_by_pair.get((o, s), set()):
            if not other.startswith(p + ":"):
                f[f"rule_other:{other}"] = 1.0
        for q in idx.quality.get(s, ()):
            f[f"s_{q}"] = 1.0
        for q in idx.quality.get(o, ()):
            f[f"o_{q}"] = 1.0
        ms, mo = idx.mentions.get(s, []), idx.mentions.get(o, [])
        f[f"n_mentions_s:{_bin(len(ms), (1, 2, 4, 8))}"] = 1.0
        f[f"n_mentions_o:{_bin(len(mo), (1, 2, 4, 8))}"] = 1.0
        info = ctx.info.get(s)
        if info is not None and info.country:
            f["s_country_is_o" if info.country == o else "s_has_other_country"] = 1.0
            if info.country == o:
                f[f"s_country_rule:{info.country_rule}"] = 1.0
        if cls[o] == "Country":
            f["o_main_country" if o == main else "o_not_main_country"] = 1.0
            f[f"n_countries:{_bin(n_countries, (1, 2, 3, 5, 8))}"] = 1.0
        if cls[o] == "Event":
            f[f"n_events:{_bin(n_events, (1, 2, 3, 5))}"] = 1.0
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
        f[f"co_sentences:{_bin(len(co_sents), (0, 1, 2, 4))}"] = 1.0
        if co_sents:
            f["co_sentences_log"] = math.log1p(len(co_sents))
        for si in co_sents:
            _sentence_features(idx, si, f)
        if best is not None:
            span = idx.sents[best[1].sent]
            cand.sentence = (span.start, span.end)
            _arcs, _mid, lca = dependency_path(doc[best[1].head], doc[best[2].head])
            cand.trigger = lca.i if lca is not None else None
        elif ms:
            span = idx.sents[min(m.sent for m in ms)]
            cand.sentence = (span.start, span.end)
        # nearest sentence distance for document-level pairs
        if ms and mo and not co_sents:
            d = min(abs(a.sent - b.sent) for a in ms for b in mo)
            f[f"sent_dist:{_bin(d, (1, 2, 4, 8))}"] = 1.0
        if s in idx.first_sent:
            f[f"s_first_sent:{_bin(idx.first_sent[s], (0, 1, 3, 6))}"] = 1.0
        for frame in idx.context.get(s, ()):
            f[f"s_context:{frame}"] = 1.0
        for frame in idx.context.get(o, ()):
            f[f"o_context:{frame}"] = 1.0
        f[f"s_list:{_bin(idx.list_size.get(s, 1), (1, 2, 4))}"] = 1.0
        f[f"o_list:{_bin(idx.list_size.get(o, 1), (1, 2, 4))}"] = 1.0
        if cls[o] == "Event" and main_event == o:
            f["o_main_event"] = 1.0
    return list(out.values())
