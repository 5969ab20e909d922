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
from kg.extract.pairs import TokenArrays, bin_label, pair_features
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
        self.arrays = TokenArrays(doc, self.lemmas, self.triggers, ctx.lex.titles)
        self.sentence_triggers: dict[int, dict[str, float]] = {}
        self.sentences_of: dict[str, set[int]] = {}
        #: the features of each pair of mention places (``pair_features``, read once): entities
        #: share places (a name and the country it carries, "Peruvian Navy"), so two in five
        #: mention pairs of the benchmark's articles come again under another entity pair
        self.mention_pairs: dict[tuple[int, ...], dict[str, float]] = {}
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
            q.append(f"words:{bin_label(len(words), (1, 2, 3, 5))}")
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


#: Words a well-cut name does not start or end with.
_EDGE_WORDS = frozenset({"and", "of", "the", "for", "in", "on", "to", "with", "&", "-", "–"})


#: A candidate's features that depend on its two entities only (``candidates``).
_Block = tuple[dict[str, float], dict[str, float], tuple[int, int] | None, int | None]


def _fits(p: str, cls_s: str, cls_o: str) -> bool:
    """Whether entities of these classes may be the subject and object of ``p``."""
    dom, rng = SIGNATURES[p]
    if cls_s in dom and cls_o in rng:
        return True
    return p in SYMMETRIC_PROPERTIES and cls_o in dom and cls_s in rng


def _sentence_features(idx: DocumentIndex, sent: int) -> dict[str, float]:
    """The trigger frames of a sentence's words, as features (in reading order)."""
    feats = idx.sentence_triggers.get(sent)
    if feats is None:
        span = idx.sents[sent]
        feats = idx.sentence_triggers[sent] = dict.fromkeys(
            (
                f"trigger_in_sentence:{frame}"
                for i in range(span.start, span.end)
                for frame in idx.triggers.get(idx.lemmas[i], ())
            ),
            1.0,
        )
    return feats


def _sentences(idx: DocumentIndex, key: str) -> set[int]:
    """The sentences that name ``key``."""
    sents = idx.sentences_of.get(key)
    if sents is None:
        sents = idx.sentences_of[key] = {m.sent for m in idx.mentions.get(key, ())}
    return sents


def _pair_block(
    idx: DocumentIndex, s: str, o: str, main_event: bool
) -> tuple[dict[str, float], tuple[int, int] | None, int | None]:
    """The features of a candidate that depend on its two entities only (not on the
    property), in the order they are set, with the evidence sentence and trigger token."""
    f: dict[str, float] = {}
    ms, mo = idx.mentions.get(s, []), idx.mentions.get(o, [])
    sentence: tuple[int, int] | None = None
    trigger: int | None = None
    # mention pairs: same sentence, then neighbouring sentences
    best: tuple[int, MentionAt, MentionAt] | None = None
    co_sents: set[int] = set()
    ss, so = _sentences(idx, s), _sentences(idx, o)
    # the pairs of mentions are read only when some are close (most document-level pairs are not)
    close = any(x + d in so for x in ss for d in range(-WINDOW, WINDOW + 1))
    for ma in ms if close else ():
        for mb in mo:
            dist = abs(ma.sent - mb.sent)
            if dist > WINDOW:
                continue
            tag = "" if dist == 0 else "near_"
            at = (ma.start, ma.end, ma.head, ma.sent, mb.start, mb.end, mb.head, mb.sent)
            feats = idx.mention_pairs.get(at)  # all pair_features reads of the two (tag too)
            if feats is None:
                names = pair_features(idx.arrays, idx.anaphora, ma, mb, tag)
                feats = idx.mention_pairs[at] = dict.fromkeys(names, 1.0)
            f.update(feats)
            if dist == 0:
                co_sents.add(ma.sent)
                gap = abs(ma.head - mb.head)
                if best is None or gap < best[0]:
                    best = (gap, ma, mb)
    f[f"co_sentences:{bin_label(len(co_sents), (0, 1, 2, 4))}"] = 1.0
    if co_sents:
        f["co_sentences_log"] = math.log1p(len(co_sents))
    for si in co_sents:
        f.update(_sentence_features(idx, si))
    if best is not None:
        span = idx.sents[best[1].sent]
        sentence = (span.start, span.end)
        trigger = idx.arrays.path(best[1].head, best[2].head)[1]
    elif ms:
        span = idx.sents[min(m.sent for m in ms)]
        sentence = (span.start, span.end)
    # nearest sentence distance for document-level pairs
    if ms and mo and not co_sents:
        d = min(abs(a - b) for a in ss for b in so)  # the same over sentences as over mentions
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


def candidates(
    ctx: Context,
    rule_relations: list[Relation],
    wanted: Callable[[str, bool], bool] | None = None,
) -> list[Candidate]:
    """All candidate facts of one document with their features.

    ``wanted(property, a_rule_stated_it)``, when given, says which candidates could be kept at
    all (``RelationModel.may_keep``); the others are dropped before their features are read.
    It is asked once per pair of arguments, so it must depend on them alone. Training reads
    them all.
    """
    idx = DocumentIndex(ctx)
    ents = ctx.entities
    cls = {k: e.cls for k, e in ents.items()}
    out: dict[tuple[str, str, str], Candidate] = {}

    def norm(s: str, p: str, o: str) -> tuple[str, str, str]:
        if p in SYMMETRIC_PROPERTIES:
            s, o = sorted((s, o))
        return (s, p, o)

    # what the rules said, first: whether a rule stated a candidate decides if it is wanted
    rule_by_triple: dict[tuple[str, str, str], list[Relation]] = defaultdict(list)
    rule_by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rule_relations:
        if r.literal:
            continue
        t = norm(r.subject, r.predicate, r.object)
        rule_by_triple[t].append(r)
        rule_by_pair[(r.subject, r.object)].add(f"{r.predicate}:fwd")
        rule_by_pair[(r.object, r.subject)].add(f"{r.predicate}:rev")

    may: dict[tuple[str, bool], bool] = {}  # ``wanted``'s answers: it reads only these two

    def add(key: tuple[str, str, str]) -> None:
        """A new candidate, unless ``wanted`` says it could never be kept."""
        if wanted is None:
            out[key] = Candidate(*key)
            return
        asked = (key[1], key in rule_by_triple)
        ok = may.get(asked)
        if ok is None:
            ok = may[asked] = wanted(*asked)
        if ok:
            out[key] = Candidate(*key)

    def get(s: str, p: str, o: str) -> None:
        if s == o or s not in ents or o not in ents:
            return
        if not _fits(p, cls[s], cls[o]):
            return
        key = norm(s, p, o)
        if key not in out:
            add(key)

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
    fitting: dict[tuple[str, str], list[str]] = {}  # properties two classes may join
    for a, b in near:
        props = fitting.get((cls[a], cls[b]))
        if props is None:
            props = fitting[(cls[a], cls[b])] = [
                p for p in SIGNATURES if p not in DOCUMENT_LEVEL and _fits(p, cls[a], cls[b])
            ]
        for p in props:  # what ``get`` does, its checks already made
            key = norm(a, p, b)
            if key not in out:
                add(key)
    # 2. document-level pairs
    countries = [k for k in keys if cls[k] == "Country"]
    events = [k for k in keys if cls[k] == "Event"]
    for a in keys:
        for c in countries:
            get(a, "affiliatedWith", c)
        for e in events:
            get(a, "participatesIn", e)
    # 3. what the rules said (a rule may join entities never named together)
    for r in rule_relations:
        if not r.literal and r.predicate in SIGNATURES:
            get(r.subject, r.predicate, r.object)

    main_event = max(events, key=lambda e: len(idx.mentions[e]), default=None)
    n_countries = len(countries)
    n_events = len(events)
    main = ctx.default_country

    def entity_pair(s: str, o: str) -> _Block:
        """What only the two entities decide, the same for every property of the pair: the
        features set before the rules' (``head``) and after them (``tail``), in the order
        they are set, and the evidence sentence and trigger."""
        head = dict.fromkeys(
            ("bias", f"cls:{cls[s]}>{cls[o]}", f"cls_s:{cls[s]}", f"cls_o:{cls[o]}"), 1.0
        )
        f: dict[str, float] = {}
        for q in idx.quality.get(s, ()):
            f[f"s_{q}"] = 1.0
        for q in idx.quality.get(o, ()):
            f[f"o_{q}"] = 1.0
        ms, mo = idx.mentions.get(s, []), idx.mentions.get(o, [])
        f[f"n_mentions_s:{bin_label(len(ms), (1, 2, 4, 8))}"] = 1.0
        f[f"n_mentions_o:{bin_label(len(mo), (1, 2, 4, 8))}"] = 1.0
        info = ctx.info.get(s)
        if info is not None and info.country:
            f["s_country_is_o" if info.country == o else "s_has_other_country"] = 1.0
            if info.country == o:
                f[f"s_country_rule:{info.country_rule}"] = 1.0
        if cls[o] == "Country":
            f["o_main_country" if o == main else "o_not_main_country"] = 1.0
            f[f"n_countries:{bin_label(n_countries, (1, 2, 3, 5, 8))}"] = 1.0
        elif main and cls[s] != "Country":
            # two bodies: how many of them are the article's main state's ("Belgian and British
            # special forces" at a hosted exercise train with the hosts, not with each other)
            info_o = ctx.info.get(o)
            states = (info.country if info else None, info_o.country if info_o else None)
            if all(states):
                f[f"main_state_sides:{sum(st == main for st in states)}"] = 1.0
        if cls[o] == "Event":
            f[f"n_events:{bin_label(n_events, (1, 2, 3, 5))}"] = 1.0
        pair_feats, sentence, trigger = _pair_block(
            idx, s, o, cls[o] == "Event" and main_event == o
        )
        f.update(pair_feats)
        return head, f, sentence, trigger

    blocks: dict[tuple[str, str], _Block] = {}
    # the rules' facts on a pair, either way (one set per pair, built as it was per candidate)
    others: dict[tuple[str, str], set[str]] = {}
    no_rules: set[str] = set()
    for t, cand in out.items():
        s, p, o = t
        block = blocks.get((s, o))
        if block is None:
            block = blocks[(s, o)] = entity_pair(s, o)
        head, tail, cand.sentence, cand.trigger = block
        f = cand.features
        f.update(head)
        stated = rule_by_triple.get(t)
        if stated:
            for r in sorted(stated, key=lambda r: -r.evidence.confidence):
                cand.rules.append(r)
                f[f"rule:{r.evidence.rule}"] = 1.0
                f[f"rule_family:{r.evidence.rule.split('.')[0]}"] = 1.0
                f[f"rule_modality:{r.evidence.modality}"] = 1.0
        if cand.rules:
            f["rule_any"] = 1.0
            f["rule_conf"] = max(r.evidence.confidence for r in cand.rules)
        on_pair = others.get((s, o))
        if on_pair is None:
            on_pair = others[(s, o)] = rule_by_pair.get((s, o), no_rules) | rule_by_pair.get(
                (o, s), no_rules
            )
        for other in on_pair:
            if not other.startswith(p + ":"):
                f[f"rule_other:{other}"] = 1.0
        f.update(tail)
    return list(out.values())
