"""The state of a mention that its name does not give: stated right after it (in brackets or an
apposition), the state its sentence is about, and a state's forces named by its department
("U.S. Department of War military personnel")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.mentions.cand import Cand
from kg.extract.mentions.naming import NameTyper
from kg.extract.mentions.words import GENERIC_KINDS, GENERIC_MODS, ORG_CLASSES, span_text

if TYPE_CHECKING:
    from spacy.tokens import Doc


class StateReader(NameTyper):
    """Gives mentions the state the text states or implies."""

    def _stated_countries(self, doc: Doc, cands: list[Cand]) -> None:
        """A state the text gives a body right after its name: in brackets ("the Civil Guard
        (Spain)") or in an apposition ("the Civil Guard, Spain's police force,"); a person's, in
        brackets ("Walter Astudillo (Peru)")."""
        n = len(doc)
        for c in cands:
            if c.country or c.key or (c.cls not in ORG_CLASSES and c.cls != "Person"):
                continue
            k = c.end
            if k + 2 < n and doc[k].text == "(":
                # "Walter Astudillo (Peru)": a person's state in brackets, as a body's
                close = next((m for m in range(k + 1, min(n, k + 5)) if doc[m].text == ")"), None)
                if close is not None:
                    country = self.lex.country_of(span_text(doc, k + 1, close))
                    if country and self.gazetteer(span_text(doc, k + 1, close)):
                        c.country, c.evidence, c.core = country, "bracket", c.name
                continue
            if c.cls == "Person" or k + 3 >= n or doc[k].text != ",":
                continue
            m = k + 1
            if doc[m].lower_ in ("the", "a"):
                m += 1
            country = None
            for width in (3, 2, 1):
                if m + width < n and (found := self.lex.country_of(span_text(doc, m, m + width))):
                    country, m = found, m + width
                    break
            if country is None:
                continue
            if m < n and doc[m].lower_ in ("’s", "'s"):
                m += 1
            e = m
            while e < n and e - m < 5 and doc[e].text.islower() and doc[e].is_alpha:
                e += 1
            if e > m and e < n and doc[e].text in (",", ".", ";", ")"):
                c.country, c.evidence, c.core = country, "apposition", c.name

    def _sentence_countries(self, doc: Doc, cands: list[Cand]) -> None:
        """The state each sentence is mostly about (a unique best), for mentions naming none."""
        from collections import Counter

        by_sent: dict[int, Counter[str]] = {}
        for c in cands:
            votes = by_sent.setdefault(doc[c.start].sent.start, Counter())
            if c.cls == "Country" and c.key:
                votes[c.key] += 2
            elif c.cls == "Place" and c.key and self.lex.places.get(c.key.lower()):
                votes[self.lex.places[c.key.lower()][1]] += 1
            elif c.country and c.source != "gazetteer":
                votes[c.country] += 1
        for c in cands:
            found = by_sent.get(doc[c.start].sent.start)
            if found:
                votes = found
                top = votes.most_common(2)
                if len(top) == 1 or top[0][1] > top[1][1]:
                    c.sent_country = top[0][0]

    def _org_forces(self, doc: Doc, cands: list[Cand]) -> list[Cand]:
        """ "U.S. Department of War military personnel": the state's forces, part of that body."""
        covered = {i for c in cands for i in c.tokens}
        by_end = {c.end: c for c in cands}
        extra = []
        for tok in doc:
            if tok.i in covered or tok.lower_ not in GENERIC_KINDS or not tok.text.islower():
                continue
            k = tok.i - 1
            while k >= 0 and doc[k].lower_ in GENERIC_MODS and k not in covered:
                k -= 1
            org = by_end.get(k + 1)
            if org is None or org.cls not in ("GovernmentBody", "MilitaryUnit", "PoliceUnit"):
                continue
            if not org.country:
                continue
            kind, cls = GENERIC_KINDS[tok.lower_]
            extra.append(
                Cand(
                    org.start,
                    tok.i + 1,
                    span_text(doc, org.start, tok.i + 1),
                    cls,
                    "generic",
                    country=org.country,
                    kind=kind,
                    of_org=org.start,
                )
            )
        if not extra:
            return cands
        # the organisation keeps its own tokens; the force is anchored on the words after it
        for e in extra:
            org = next(c for c in cands if c.start == e.of_org)
            e.start = org.end
        return sorted(cands + extra, key=lambda c: (c.start, c.end))
