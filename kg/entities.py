"""Entity mentions: spaCy's entities cleaned up, capitalised names typed by their head word,
gazetteer names, demonym-qualified forces ("Peruvian forces"), distributed coordinations ("the
first, third, and sixth Special Forces Brigades"), and acronyms defined in the text.

The output is a list of ``Cand`` (candidate mentions over token indices); ``kg.resolve`` groups
them into entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Common nouns that name a state's force or body when qualified by a country or demonym, and
#: the canonical kind used in the entity key ("Peruvian Armed Forces").
GENERIC_KINDS: dict[str, tuple[str, str]] = {
    "forces": ("Armed Forces", "MilitaryUnit"),
    "force": ("Armed Forces", "MilitaryUnit"),
    "troops": ("Armed Forces", "MilitaryUnit"),
    "military": ("Armed Forces", "MilitaryUnit"),
    "militaries": ("Armed Forces", "MilitaryUnit"),
    "personnel": ("Armed Forces", "MilitaryUnit"),
    "soldiers": ("Armed Forces", "MilitaryUnit"),
    "chiefs": ("Armed Forces", "MilitaryUnit"),
    "army": ("Army", "MilitaryUnit"),
    "navy": ("Navy", "MilitaryUnit"),
    "marines": ("Marines", "MilitaryUnit"),
    "sailors": ("Navy", "MilitaryUnit"),
    "police": ("Police", "PoliceUnit"),
    "policemen": ("Police", "PoliceUnit"),
    "government": ("Government", "GovernmentBody"),
    "authorities": ("Government", "GovernmentBody"),
    "congress": ("Congress", "GovernmentBody"),
    "delegation": ("delegation", "Organization"),
}
#: Words allowed between the demonym and the kind noun ("Peruvian armed forces").
GENERIC_MODS = frozenset(
    {"armed", "military", "security", "naval", "national", "federal", "elite", "special",
     "air", "ground", "land", "navy", "army", "police", "officials", "government", "regular"}
)
#: Words that do not start a name at the beginning of a sentence.
_CONNECTORS = frozenset({"of", "for", "against", "de", "del", "la", "on", "-", "–", "and", "the", "&"})
_ORDINALS = {
    "first": "First", "second": "Second", "third": "Third", "fourth": "Fourth", "fifth": "Fifth",
    "sixth": "Sixth", "seventh": "Seventh", "eighth": "Eighth", "ninth": "Ninth", "tenth": "Tenth",
    "1st": "1st", "2nd": "2nd", "3rd": "3rd", "4th": "4th", "5th": "5th", "6th": "6th",
    "7th": "7th", "8th": "8th", "9th": "9th", "10th": "10th",
}
_NOT_NAMES = frozenset(
    {"related", "more", "image", "photo", "read", "also", "see", "watch", "by", "from", "via",
     "today", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
     "january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "english", "spanish", "portuguese", "french", "mr.",
     "mrs.", "ms.", "dr.", "honorable", "hon.", "said", "according"}
)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&\-]{1,11}$")


@dataclass
class Cand:
    """A candidate mention over tokens ``[start, end)``.

    Attributes:
        name: The name it stands for (usually the span text; a built name for distributed
            coordinations such as "Ministry of Defense").
        cls: Ontology class.
        source: What found it (ner, name, gazetteer, generic, acronym, coordination).
        country: Country named or qualified in the mention itself ("Peruvian forces" -> Peru).
        kind: For a generic state force or body, its canonical kind ("Armed Forces").
        key: A canonical key when a gazetteer gives one.
        acronyms: Acronyms defined for it in the text.
        head: Token index of the syntactic head (for relation rules).
    """

    start: int
    end: int
    name: str
    cls: str
    source: str
    country: str | None = None
    kind: str | None = None
    key: str | None = None
    acronyms: list[str] = field(default_factory=list)
    head: int = -1
    parent_name: str | None = None  # org named as a prefix or possessor ("RBDF Harbour Patrol Unit")

    @property
    def tokens(self) -> range:
        return range(self.start, self.end)


def _is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and (t[0].isupper() or (t[0].isdigit() and tok.like_num is False)) and any(
        c.isalpha() for c in t
    )


def _head_word(words: list[str]) -> str:
    """The head of a name: the word before the first "of"/"for"/"against", else the last word."""
    for i, w in enumerate(words):
        if i and w.lower() in ("of", "for", "against", "on", "in"):
            return words[i - 1]
    return words[-1] if words else ""


def _clean_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop determiners, punctuation, possessive markers and brackets at both ends."""
    while start < end and (
        doc[start].lower_ in ("the", "a", "an", "this", "these", "its", "their", "our")
        or doc[start].is_punct
        or doc[start].lower_ in ("’s", "'s")
    ):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("’s", "'s", "’", "'")):
        end -= 1
    return start, end


def _span_text(doc: Doc, start: int, end: int) -> str:
    return doc[start:end].text if end > start else ""


class MentionFinder:
    """Finds candidate mentions in a parsed document; built once per process."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self._gaz: dict[str, tuple[str, str, str | None]] = {}
        for low, (name, _container, kind) in lex.places.items():
            self._gaz[low] = (name, "Place", None)
            del kind
        for low, (name, cls, country) in lex.orgs.items():
            self._gaz[low] = (name, cls, country or None)
        for low, name in lex.country_names.items():
            self._gaz[low] = (name, "Country", name)
        self._max_gaz_len = 8

    # ------------------------------------------------------------ public

    def find(self, doc: Doc) -> list[Cand]:
        cands: list[Cand] = []
        cands += self._names(doc)
        cands += self._generics(doc)
        cands += self._ner(doc)
        chosen = self._choose(doc, cands)
        chosen = self._acronyms(doc, chosen)
        for c in chosen:
            c.head = self._head_token(doc, c)
        return chosen

    # ------------------------------------------------------------ sources

    def gazetteer(self, text: str) -> tuple[str, str, str | None] | None:
        low = text.lower().strip()
        low = low[4:] if low.startswith("the ") else low
        hit = self._gaz.get(low)
        if hit is None:
            return None
        # Short all-caps gazetteer names ("US", "UN", "ICE") only match when written in capitals.
        if len(low) <= 4 and text.strip().isupper() is False and hit[1] != "Country":
            return None
        if text.strip().lower() in ("us",) and text.strip() != "US":
            return None
        return hit

    def _typed(self, doc: Doc, start: int, end: int, source: str, fallback: str | None) -> Cand | None:
        start, end = _clean_bounds(doc, start, end)
        if end <= start:
            return None
        text = _span_text(doc, start, end)
        if text.lower() in _NOT_NAMES or not any(c.isalpha() for c in text):
            return None
        words = [t.text for t in doc[start:end]]
        gaz = self.gazetteer(text)
        if gaz:
            name, cls, country = gaz
            return Cand(start, end, text, cls, "gazetteer", country=country, key=name)
        gen = self._generic_at(doc, start, end)
        if gen is not None:
            return gen
        # A country or demonym in front qualifies the name ("U.S. Special Forces").
        country = None
        first = words[0]
        c0 = self.lex.country_of(first)
        if c0 is None and len(words) > 2:
            c0 = self.lex.country_of(" ".join(words[:2]))
        if c0 is not None and len(words) > 1:
            country = c0
        # "... of Peru": the country after "of".
        for i, w in enumerate(words[:-1]):
            if w.lower() == "of":
                c1 = self.lex.country_of(" ".join(words[i + 1:]))
                if c1:
                    country = country or c1
        head = _head_word(words).lower()
        cls = self.lex.heads.get(head)
        if cls is None and head.endswith("s"):
            cls = self.lex.heads.get(head[:-1])
        if cls is None:
            cls = fallback
        if cls is None:
            return None
        return Cand(start, end, text, cls, source, country=country)

    def _names(self, doc: Doc) -> list[Cand]:
        """Runs of capitalised words (with inner connectors), typed by their head word."""
        out: list[Cand] = []
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            if not self._can_start(doc, tok):
                i += 1
                continue
            j = i + 1
            has_head = self.lex.heads.get(tok.lower_) is not None
            while j < n:
                t = doc[j]
                if t.is_sent_start:
                    break
                if _is_cap(t) and t.lower_ not in _NOT_NAMES and t.pos_ not in ("AUX",):
                    has_head = has_head or self.lex.heads.get(t.lower_) is not None
                    j += 1
                    continue
                if t.lower_ in ("’s", "'s") and j == i + 1 and self.lex.country_of(tok.text) and (
                    j + 1 < n and _is_cap(doc[j + 1])
                ):
                    j += 1  # "Peru’s Congress"
                    continue
                if t.lower_ in _CONNECTORS and j + 1 < n and _is_cap(doc[j + 1]):
                    if t.lower_ == "and" and has_head:
                        break  # "Command South and Naval Forces ...": two names
                    if t.lower_ == "the" and doc[j - 1].lower_ != "of":
                        break
                    j += 1
                    continue
                break
            cand = self._typed(doc, i, j, "name", None)
            if cand is not None:
                out.append(cand)
                out.extend(self._distribute(doc, cand))
            out.extend(self._ordinal_coordination(doc, i, j))
            i = j
        return out

    def _can_start(self, doc: Doc, tok: Token) -> bool:
        if not _is_cap(tok) or tok.lower_ in _NOT_NAMES or tok.lower_ in _CONNECTORS:
            return False
        if tok.is_sent_start or (tok.i > 0 and doc[tok.i - 1].text in ("“", '"', "‘", "(")):
            # A capital at the start of a sentence means nothing by itself.
            return tok.pos_ == "PROPN" or tok.text.isupper()
        return True

    def _distribute(self, doc: Doc, cand: Cand) -> list[Cand]:
        """ "Ministries of Foreign Affairs, Interior, and Defense" -> three ministries."""
        words = cand.name.split()
        if len(words) < 3 or words[1].lower() != "of" or not words[0].endswith("ies"):
            return []
        singular = words[0][:-3] + "y"
        out = [Cand(cand.start, cand.end, " ".join([singular, *words[1:]]), cand.cls, "coordination",
                    country=cand.country)]
        k = cand.end
        while k < len(doc) and doc[k].text in (",", "and") or (k < len(doc) and _is_cap(doc[k])):
            if _is_cap(doc[k]):
                m = k
                while m < len(doc) and _is_cap(doc[m]):
                    m += 1
                item = _span_text(doc, k, m)
                out.append(Cand(k, m, f"{singular} of {item}", cand.cls, "coordination",
                                country=cand.country))
                k = m
            else:
                k += 1
        if len(out) > 1:
            cand.cls = "skip"  # the plural itself is not an entity
            return out
        return []

    def _ordinal_coordination(self, doc: Doc, i: int, j: int) -> list[Cand]:
        """ "the first, third, and sixth Special Forces Brigades" -> three brigades."""
        if i == 0 or j - i < 1:
            return []
        words = [t.text for t in doc[i:j]]
        head = words[-1]
        if not head.endswith("s") or self.lex.heads.get(head.lower()) is None:
            return []
        ords: list[int] = []
        k = i - 1
        while k >= 0 and (doc[k].lower_ in _ORDINALS or doc[k].text in (",", "and")):
            if doc[k].lower_ in _ORDINALS:
                ords.append(k)
            k -= 1
        if len(ords) < 2:
            return []
        singular = head[:-1]
        base = " ".join([*words[:-1], singular])
        cls = self.lex.heads.get(head.lower(), "Organization")
        return [
            Cand(o, o + 1 if o != ords[0] else j, f"{_ORDINALS[doc[o].lower_]} {base}", cls,
                 "coordination")
            for o in sorted(ords)
        ]

    def _generic_at(self, doc: Doc, start: int, end: int) -> Cand | None:
        """ "Peruvian armed forces", "U.S. troops", "Colombian police": a state's generic force."""
        words = [t.lower_ for t in doc[start:end]]
        if len(words) < 2:
            return None
        kind_word = words[-1]
        if kind_word not in GENERIC_KINDS:
            return None
        # the country: first one or two words
        for n_c in (3, 2, 1):
            if n_c >= len(words):
                continue
            country = self.lex.country_of(_span_text(doc, start, start + n_c))
            if country and all(w in GENERIC_MODS for w in words[n_c:-1]):
                kind, cls = GENERIC_KINDS[kind_word]
                if kind_word == "force" and words[n_c:-1] == ["air"]:
                    kind = "Air Force"
                text = _span_text(doc, start, end)
                return Cand(start, end, text, cls, "generic", country=country, kind=kind)
        return None

    def _generics(self, doc: Doc) -> list[Cand]:
        out: list[Cand] = []
        for tok in doc:
            if tok.lower_ not in GENERIC_KINDS or tok.pos_ not in ("NOUN", "PROPN", "ADJ"):
                continue
            # walk left over modifiers to a country/demonym
            k = tok.i - 1
            while k >= 0 and doc[k].lower_ in GENERIC_MODS:
                k -= 1
            if k < 0:
                continue
            for n_c in (1, 2, 3):
                s = k - n_c + 1
                if s < 0:
                    break
                text = _span_text(doc, s, k + 1)
                if doc[k].lower_ in ("’s", "'s") and n_c >= 2:
                    text = _span_text(doc, s, k)
                country = self.lex.country_of(text)
                if country:
                    kind, cls = GENERIC_KINDS[tok.lower_]
                    out.append(Cand(s, tok.i + 1, _span_text(doc, s, tok.i + 1), cls, "generic",
                                    country=country, kind=kind))
                    # "U.S. and Colombian personnel": the first demonym of a coordination too
                    if s >= 2 and doc[s - 1].lower_ == "and":
                        c2 = self.lex.country_of(doc[s - 2].text)
                        if c2:
                            out.append(Cand(s - 2, s - 1, doc[s - 2].text + " " + doc[tok.i].text,
                                            cls, "generic", country=c2, kind=kind))
                    break
            else:
                # "Peruvian armed forces and police": police shares the demonym
                if tok.dep_ == "conj" and tok.head.i < tok.i:
                    h = tok.head
                    k2 = h.i - 1
                    while k2 >= 0 and doc[k2].lower_ in GENERIC_MODS:
                        k2 -= 1
                    if k2 >= 0 and h.lower_ in GENERIC_KINDS:
                        country = self.lex.country_of(doc[k2].text)
                        if country:
                            kind, cls = GENERIC_KINDS[tok.lower_]
                            out.append(Cand(tok.i, tok.i + 1, tok.text, cls, "generic",
                                            country=country, kind=kind))
        return out

    def _ner(self, doc: Doc) -> list[Cand]:
        out: list[Cand] = []
        fallback = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place",
                    "FAC": "Place", "EVENT": "Event", "NORP": None}
        for ent in doc.ents:
            if ent.label_ not in fallback:
                continue
            if ent.label_ == "NORP":
                c = self.lex.country_of(ent.text)
                if c is None:
                    continue
            start, end = ent.start, ent.end
            # cut a swallowed "(" and what follows it
            for k in range(start, end):
                if doc[k].text in ("(", ")", "[", "]"):
                    end = k
                    break
            cand = self._typed(doc, start, end, "ner", fallback[ent.label_])
            if cand is None:
                continue
            if ent.label_ == "PERSON" and cand.source == "ner":
                words = cand.name.split()
                if cand.name.isupper() or (len(words) == 1 and self._acronym_like(doc, cand)):
                    cand.cls = "Organization"
                if self.lex.heads.get(words[-1].lower()) and len(words) > 1:
                    cand.cls = self.lex.heads[words[-1].lower()]
            if ent.label_ == "GPE" and cand.cls == "Place" and cand.source == "ner":
                cand.cls = "Place"
            out.append(cand)
        return out

    def _acronym_like(self, doc: Doc, cand: Cand) -> bool:
        k = cand.start - 1
        return k >= 0 and doc[k].text == "("

    # ------------------------------------------------------------ choice

    def _choose(self, doc: Doc, cands: list[Cand]) -> list[Cand]:
        """Keep non-overlapping mentions: coordinations, then longer, then better sources."""
        rank = {"coordination": 0, "generic": 1, "gazetteer": 2, "name": 3, "ner": 4}
        taken = [False] * len(doc)
        chosen: list[Cand] = []
        coord = [c for c in cands if c.source == "coordination"]
        for c in coord:
            chosen.append(c)
        covered = {i for c in coord for i in c.tokens}
        rest = [c for c in cands if c.source != "coordination" and c.cls != "skip"]
        rest.sort(key=lambda c: (-(c.end - c.start) if c.source != "generic" else -100,
                                 rank.get(c.source, 9), c.start))
        for c in rest:
            if any(taken[i] or i in covered for i in c.tokens):
                continue
            for i in c.tokens:
                taken[i] = True
            chosen.append(c)
        chosen.sort(key=lambda c: (c.start, c.end))
        return chosen

    # ------------------------------------------------------------ acronyms

    def _acronyms(self, doc: Doc, cands: list[Cand]) -> list[Cand]:
        """ "Name (ACR, in Spanish)", "ACR (Name)", "Name, known as ACR": one entity."""
        by_start = {c.start: c for c in cands}
        by_end = {c.end: c for c in cands}
        drop: set[int] = set()
        for c in cands:
            # Name ( ACR [, in Spanish] )
            k = c.end
            if k + 1 < len(doc) and doc[k].text == "(":
                acr = doc[k + 1]
                nxt = doc[k + 2].text if k + 2 < len(doc) else ""
                if _ACRONYM.match(acr.text) and nxt in (",", ")", ";") and c.cls != "Person":
                    if acr.text.lower() != c.name.lower():
                        c.acronyms.append(acr.text)
                        other = by_start.get(k + 1)
                        if other is not None and other is not c:
                            drop.add(id(other))
                elif k + 1 in by_start and c.name.isupper() and len(c.name) <= 10:
                    # ACR (Full Name)
                    full = by_start[k + 1]
                    if full.end < len(doc) and doc[full.end].text == ")" and full.cls != "Person":
                        full.acronyms.append(c.name)
                        drop.add(id(c))
            # Name, known as ACR / Name, or ACR
            if k + 3 < len(doc) and doc[k].text == "," and (
                (doc[k + 1].lower_ == "known" and doc[k + 2].lower_ == "as")
                or (doc[k + 1].lower_ == "also" and doc[k + 2].lower_ == "known")
            ):
                j = k + 3 if doc[k + 2].lower_ == "as" else k + 4
                if j < len(doc) and _ACRONYM.match(doc[j].text):
                    c.acronyms.append(doc[j].text)
                    other = by_start.get(j)
                    if other is not None:
                        drop.add(id(other))
        del by_end
        out = [c for c in cands if id(c) not in drop]
        # Acronyms on their own ("Cioec" tagged PERSON by the model) become organisations.
        defined = {a for c in out for a in c.acronyms}
        for c in out:
            if c.name in defined and c.cls == "Person":
                c.cls = "Organization"
        return out

    def _head_token(self, doc: Doc, c: Cand) -> int:
        span: Span = doc[c.start:c.end]
        try:
            return span.root.i
        except Exception:  # noqa: BLE001 - a span across sentences has no single root
            return c.end - 1
