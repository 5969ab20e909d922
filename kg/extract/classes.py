"""Features of a resolved entity for the learned entity-class model.

The finder (``kg.extract.mentions``) types a name by its head word, gazetteers and spaCy's
label; it is often wrong on names it has not seen ("Exercise Flintlock 2018" as a Place,
"Guardia Civil" as a Person). The class model (``kg.extract.model.ClassModel``) re-reads each
entity from what a reader uses: the words of its names and their endings, spaCy's entity labels
on its mentions, the words just before its mentions ("Exercise", "at", "President"), what the
sentence says of it (the verb it is the subject of, the noun an apposition or a copula gives
it: "Cobra Gold got underway", "X is among the largest exercises"), its shape (digits,
capitals, length), and what the finder thought.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING

from kg.extract.lexicon import load as load_lexicon
from kg.extract.lexicon import word_list
from kg.extract.mentions.cand import Cand
from kg.records import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "CAPS"
    if word[:1].isupper():
        return "Cap"
    if any(ch.isdigit() for ch in word):
        return "digit"
    return "low"


def entity_features(
    doc: Doc, entity: Entity, cands: list[Cand], ner_labels: dict[int, str]
) -> dict[str, float]:
    """Named features of one entity from its names and its mentions in ``doc``.

    Args:
        doc: The parsed document.
        entity: The resolved entity (its label and aliases are its names).
        cands: The candidate mentions resolved to it.
        ner_labels: spaCy's entity label of each token index that lies in a spaCy entity.
    """
    f: dict[str, float] = {"bias": 1.0, f"finder:{entity.cls}": 1.0}
    names = [entity.label, *sorted(entity.aliases)]
    for n, name in enumerate(names[:6]):
        words = name.replace("’s", "").replace("'s", "").split()
        if not words:
            continue
        weight = 1.0 if n == 0 else 0.5
        for w in words:
            low = w.lower().strip(".,")
            f[f"word:{low}"] = max(f.get(f"word:{low}", 0.0), weight)
        last = words[-1].lower().strip(".,")
        f[f"last:{last}"] = max(f.get(f"last:{last}", 0.0), weight)
        f[f"first:{words[0].lower()}"] = max(f.get(f"first:{words[0].lower()}", 0.0), weight)
        f[f"suffix3:{last[-3:]}"] = max(f.get(f"suffix3:{last[-3:]}", 0.0), weight)
        if n == 0:
            f[f"n_words:{min(len(words), 5)}"] = 1.0
            f[f"shape:{'-'.join(_shape(w) for w in words[:3])}"] = 1.0
            if any(ch.isdigit() for ch in name):
                f["has_digit"] = 1.0
            if name.isupper() and len(name) <= 8:
                f["acronym"] = 1.0
    events = event_nouns()
    if any(w.lower() in events for name in names[:6] for w in name.split()):
        f["name_has_event_noun"] = 1.0
    labels: Counter[str] = Counter()
    before: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for c in cands:
        sources[c.source] += 1
        for i in range(c.start, c.end):
            if i in ner_labels:
                labels[ner_labels[i]] += 1
                break
        else:
            labels["none"] += 1
        if c.start > 0:
            prev = doc[c.start - 1]
            before[prev.lower_] += 1
            if prev.lower_ in events:
                f["event_noun_before"] = 1.0
        if c.end < len(doc):
            nxt = doc[c.end]
            f[f"after:{nxt.lower_}"] = 1.0
            following = [nxt.lower_]
            if c.end + 1 < len(doc) and nxt.pos_ == "ADJ":  # "Balikatan military exercise"
                following.append(doc[c.end + 1].lower_)
            if any(w in events for w in following):
                f["event_noun_after"] = 1.0
            if nxt.like_num and len(nxt.text) in (2, 4) and nxt.text.isdigit():
                f["number_after"] = 1.0  # "Flintlock 2018", "Griffin Storm 23"
        if c.end - c.start > 1 and doc[c.end - 1].like_num and doc[c.end - 1].text.isdigit():
            f["ends_with_number"] = 1.0
        head = doc[c.head] if c.start <= c.head < c.end else doc[c.end - 1]
        if head.dep_ == "pobj" and head.head.lower_ in ("in", "during", "at", "for"):
            f[f"object_of:{head.head.lower_}"] = 1.0
        f.update(dict.fromkeys(_syntactic_context(head, events), 1.0))
    total = sum(labels.values()) or 1
    for lab, n in labels.items():
        f[f"ner:{lab}"] = n / total
    for w, _ in before.most_common(3):
        f[f"before:{w}"] = 1.0
    for s in sources:
        f[f"source:{s}"] = 1.0
    if not cands:
        f["no_mention"] = 1.0
    return f


def _syntactic_context(head: Token, events: frozenset[str]) -> list[str]:
    """What the sentence says of a mention, read from the parse around its head word.

    A reader types "Cobra Gold" from "Cobra Gold got underway", "Cobra Gold is among the
    largest exercises" or "Tiznit, a town in ...", not from the name: the verb a name is the
    subject of, the noun a copula or an apposition gives it, and the preposition it follows.
    """
    out: list[str] = []
    while head.dep_ == "conj" and head.head.i != head.i:
        # "the regions of Agadir, Tan-Tan and Tiznit": each conjunct stands where the first does
        head = head.head
    gov = head.head
    dep = head.dep_
    nouns: list[Token] = []  # what the sentence says the entity is
    if dep in ("nsubj", "nsubjpass") and gov.i != head.i:
        out.append(f"subj_of:{gov.lemma_.lower()}")
        verbs = event_verbs()
        phrases = [gov.lemma_.lower()] + [
            f"{gov.lemma_.lower()} {ch.text.lower()}"
            for ch in gov.children
            if ch.dep_ in ("prt", "acomp", "advmod", "dobj")
        ]
        if any(v in verbs for v in phrases):
            out.append("subj_of_event_verb")
        for ch in gov.children:
            if ch.dep_ in ("attr", "dobj", "oprd"):
                nouns.append(ch)
            elif ch.dep_ == "prep" and ch.text.lower() in ("among", "of", "as"):
                nouns.extend(g for g in ch.children if g.dep_ == "pobj")
    elif dep in ("dobj", "pobj") and gov.i != head.i:
        out.append(f"{dep}_of:{gov.lemma_.lower()}")
        if dep == "pobj" and gov.head.i != gov.i:
            out.append(f"prep_head:{gov.text.lower()}>{gov.head.lemma_.lower()}")
            if gov.text.lower() == "of" and gov.head.pos_ == "NOUN":
                nouns.append(gov.head)  # "the regions of Tiznit", "the Exercise of X"
    elif dep == "compound" and gov.i != head.i and gov.pos_ == "NOUN":
        nouns.append(gov)  # "the Rutshuru territory", "the Cobra Gold exercise"
    elif dep == "appos" and gov.i != head.i:
        nouns.append(gov)
    nouns.extend(ch for ch in head.children if ch.dep_ == "appos")
    heads = load_lexicon().heads
    for noun in nouns:
        if noun.pos_ in ("NOUN", "PROPN"):
            lemma = noun.lemma_.lower()
            out.append(f"said_to_be:{lemma}")
            if lemma in events or noun.text.lower() in events:
                out.append("said_to_be_event")
            cls = heads.get(noun.text.lower()) or heads.get(lemma)
            if cls:
                out.append(f"said_to_be_class:{cls}")  # a territory, a region: a Place
    return out


@functools.lru_cache(maxsize=1)
def event_verbs() -> frozenset[str]:
    """The verbs of ``event_verbs.txt`` (lexicons folder)."""

    return word_list("event_verbs.txt")


@functools.lru_cache(maxsize=1)
def event_nouns() -> frozenset[str]:
    """The nouns of ``event_nouns.txt`` (lexicons folder)."""

    return word_list("event_nouns.txt")


def ner_label_map(doc: Doc) -> dict[int, str]:
    """spaCy's entity label of each token inside one of its entities."""
    out: dict[int, str] = {}
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            out[i] = ent.label_
    return out
