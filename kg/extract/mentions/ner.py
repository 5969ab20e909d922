"""spaCy's entities cleaned up (cut at a line's segments, honorifics and glued ranks dropped,
coordinations split), and named exercises ("exercise UNITAS", "PANAMAX 2012")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from kg.extract.lines import Layout
from kg.extract.mentions.cand import Cand
from kg.extract.mentions.coordination import CoordinationSplitter
from kg.extract.mentions.words import HONORIFICS, ORG_CLASSES, is_cap, span_text

if TYPE_CHECKING:
    from spacy.tokens import Doc


class _Ent(NamedTuple):
    """An entity of the model's as the mention finder reads it."""

    start: int
    end: int
    label_: str


def _pieces(ents: Sequence[_Ent], layout: Layout) -> list[tuple[_Ent, int, int]]:
    """The model's entities cut where a line's segments start ("Honduras - A U.S. agency" in a
    dateline) and without the tokens that are no names ("Published")."""
    out: list[tuple[_Ent, int, int]] = []
    for ent in ents:
        start = ent.start
        for k in range(ent.start, ent.end + 1):
            if k == ent.end or k in layout.skip or (k > start and k in layout.boundaries):
                if k > start:
                    out.append((ent, start, k))
                start = k + 1 if k in layout.skip else k
    return out


def _joined_people(doc: Doc) -> list[_Ent]:
    """The model's entities, with two PERSON spans that touch joined into one: the model
    sometimes cuts a name it has not seen in two ("Datuk Khaw" + "Kok Chin"); two people's
    names are never written side by side without a comma or a word between them."""
    out: list[_Ent] = []
    for ent in (_Ent(e.start, e.end, e.label_) for e in doc.ents):
        prev = out[-1] if out else None
        if (
            prev is not None
            and ent.label_ == "PERSON"
            and prev.label_ == "PERSON"
            and prev.end == ent.start
            and doc[prev.end - 1].whitespace_
            and doc[ent.start].text[:1].isupper()
            and not doc[ent.start].is_sent_start
        ):
            out[-1] = _Ent(prev.start, ent.end, ent.label_)
            continue
        out.append(ent)
    return out


class NerSource(CoordinationSplitter):
    """Reads the model's entities and the named exercises."""

    def _ner(self, doc: Doc, layout: Layout) -> list[Cand]:
        out: list[Cand] = []
        fallback = {
            "PERSON": "Person",
            "ORG": "Organization",
            "GPE": "Place",
            "LOC": "Place",
            "FAC": "Place",
            "EVENT": "Event",
            "NORP": None,
        }
        for ent, start, end in _pieces(_joined_people(doc), layout):
            if ent.label_ not in fallback:
                continue
            if ent.label_ == "NORP":
                c = self.lex.country_of(span_text(doc, start, end))
                if c is None:
                    continue
            if not any(
                doc[k].text[:1].isupper() or doc[k].text[:1].isdigit() for k in range(start, end)
            ):
                continue  # "joint coast guard exercises": a name has a capital somewhere
            # cut a swallowed "(" and what follows it
            for k in range(start, end):
                if doc[k].text in ("(", ")", "[", "]"):
                    end = k
                    break
            while end + 1 < len(doc) and (
                doc[end].text == "-"
                and not doc[end].whitespace_
                and not doc[end - 1].whitespace_
                and self._glued_name_tail(doc, end)
            ):
                end += 2  # "Surapong Suwana" + "-adth"
            parts = self._split_coordination(doc, start, end, "ner")
            if parts is None:
                parts = self._split_person(doc, start, end, "ner")
            if parts is not None:
                out.extend(parts)
                continue
            # "the Defence Force’s Harbour Patrol Unit": two names
            for k in range(start + 1, end - 1):
                if doc[k].lower_ in ("’s", "'s"):
                    left = self._typed(doc, start, k, "ner", fallback[ent.label_])
                    if left is not None and left.cls != "Country":
                        out.append(left)
                        start = k + 1
                    break
            if (
                ent.label_ != "NORP"
                and self.lex.demonyms.get(span_text(doc, start, end).lower())
                and (end - start == 1)
            ):
                continue
            if start > 0 and re.fullmatch(r"\d+(st|nd|rd|th)", doc[start - 1].lower_):
                start -= 1  # "the 1st Battalion of ...": the model leaves the ordinal out
            split = self._split_of(doc, start, end) if ent.label_ == "ORG" else None
            if split is not None:
                out.extend(split)
                continue
            cand = self._typed(doc, start, end, "ner", fallback[ent.label_])
            if cand is None:
                continue
            if (
                ent.label_ == "ORG"
                and cand.end - cand.start == 1
                and doc[cand.start].tag_ == "NNPS"
                and cand.cls == "Organization"
                and not doc[cand.start].text.isupper()
            ):
                continue  # "Sailors": a capitalised plural noun, not a name
            if (
                ent.label_ == "ORG"
                and cand.cls == "Organization"
                and cand.start > 0
                and (doc[cand.start - 1].lower_ in ("in", "to", "at", "near", "into"))
                and not any(w.lower() in self.lex.heads for w in cand.name.split())
            ):
                cand.cls = "Place"  # "deploy to Archers Post": the model's ORG is a place
            if (
                ent.label_ == "ORG"
                and cand.cls == "Organization"
                and self._said_to_hold_office(doc, cand)
            ):
                cand.cls = "Person"  # "Secretary for Defence, Aden X,": the model's ORG
            if ent.label_ == "PERSON":
                a = start
                while a < end - 1 and (
                    doc[a].lower_ in self.lex.titles
                    or doc[a].lower_ in self.lex.ranks
                    or doc[a].lower_ in self.lex.heads
                    or self.lex.country_of(doc[a].text)
                    or doc[a].lower_ in HONORIFICS
                    or doc[a].lower_ in ("the", "’s", "'s")
                ):
                    a += 1
                if a > start:
                    cand = self._typed(doc, a, end, "ner", "Person") or cand
                elif (
                    cand.cls == "Person"
                    and start > 0
                    and doc[start - 1].lower_ in ("in", "near", "outside", "across", "throughout")
                    and not (end < len(doc) and doc[end].lower_ in ("’s", "'s"))
                ):
                    cand.cls = "Place"  # "drills in Tiznit": the model's PERSON is a place
            low = cand.name.lower().rstrip(".")
            if low in self.lex.ranks or low + "." in self.lex.ranks or low in self.lex.titles:
                continue  # "Brig.", "Minister": a rank or a title alone is nobody, nor a place
            if (
                ent.label_ == "PERSON"
                and cand.source == "ner"
                and cand.name.split()[0] not in self.lex.ship_prefixes
            ):
                words = cand.name.split()
                if cand.name.isupper() or (len(words) == 1 and self._acronym_like(doc, cand)):
                    cand.cls = "Organization"
                if self.lex.heads.get(words[-1].lower()) and len(words) > 1:
                    cand.cls = self.lex.heads[words[-1].lower()]
            if ent.label_ == "GPE" and cand.cls == "Place" and cand.source == "ner":
                cand.cls = "Place"
            out.append(cand)
        return out

    def _events(self, doc: Doc) -> list[Cand]:
        """Named exercises: "an annual multinational exercise, PANAMAX 2012", "the X drill",
        "exercise UNITAS"."""
        out: list[Cand] = []
        nouns = ("exercise", "exercises", "drill", "drills", "operation", "maneuvers", "manoeuvres")
        for tok in doc:
            if tok.lower_ not in nouns:
                continue
            spans: list[tuple[int, int]] = []
            # after: "exercise, PANAMAX 2012" / "exercise PANAMAX"
            k = tok.i + 1
            if k < len(doc) and doc[k].text == ",":
                k += 1
            e = k
            while (
                e < len(doc)
                and (is_cap(doc[e]) or (e > k and doc[e].like_num))
                and (self.lex.country_of(doc[e].text) is None)
            ):
                e += 1
            if e > k and any(doc[x].text.isupper() or doc[x].like_num for x in range(k, e)):
                spans.append((k, e))
            # before: "the Fuerzas Aliadas PANAMAX drill"
            b = tok.i
            while b - 1 >= 0 and is_cap(doc[b - 1]) and not doc[b - 1].is_sent_start:
                b -= 1
            if b < tok.i and any(
                doc[x].text.isupper() and len(doc[x]) > 2 for x in range(b, tok.i)
            ):
                spans.append((b, tok.i))
            # "Balikatan, the annual exercise of ..."
            b = tok.i - 1
            while b >= 0 and (doc[b].pos_ in ("ADJ", "NOUN") and doc[b].text.islower()):
                b -= 1
            if (
                b >= 2
                and doc[b].lower_ in ("the", "a", "an")
                and doc[b - 1].text == ","
                and tok.dep_ != "compound"
                and doc[b - 2].ent_type_ != "PERSON"
            ):
                e = b - 1
                s1 = e
                while (
                    s1 - 1 >= 0
                    and (is_cap(doc[s1 - 1]) or doc[s1 - 1].like_num)
                    and (not doc[s1 - 1].is_sent_start)
                ):
                    s1 -= 1
                if (
                    s1 < e
                    and self.gazetteer(span_text(doc, s1, e)) is None
                    and self.lex.heads.get(doc[e - 1].lower_) not in ORG_CLASSES
                ):
                    spans.append((s1, e))
            for s0, e0 in spans:
                text = span_text(doc, s0, e0)
                if self.gazetteer(text) is None and len(text) > 2:
                    out.append(Cand(s0, e0, text, "Event", "gazetteer"))
        return out

    def _said_to_hold_office(self, doc: Doc, cand: Cand) -> bool:
        """A name in apposition to an office or a rank ("Secretary for Defence, X," or "X,
        Secretary for Defence,"), with no word of a body's name in it, names a person."""
        if cand.key is not None or cand.name.isupper():
            return False
        if any(w.lower() in self.lex.heads for w in cand.name.split()):
            return False
        root = doc[cand.start : cand.end].root
        nouns = [root.head] if root.dep_ == "appos" else []
        nouns += [c for c in root.children if c.dep_ == "appos"]
        return any(
            self.lex.titles.get(n.lower_) in ("head", "leader") or n.lower_ in self.lex.ranks
            for n in nouns
        )

    def _acronym_like(self, doc: Doc, cand: Cand) -> bool:
        k = cand.start - 1
        return k >= 0 and doc[k].text == "("
