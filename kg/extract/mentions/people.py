"""People's names: where a person's name ends (initials, particles, "Jr."), and a person glued to
the rank, title or organisation in front of the name, split from them ("U.S. Army Lt. Col. Jane
Roe": the rank form kept as another form)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.mentions.cand import Cand
from kg.extract.mentions.naming import NameTyper
from kg.extract.mentions.words import (
    CONNECTORS,
    HONORIFICS,
    ORG_CLASSES,
    PARTICLES,
    clean_bounds,
    span_text,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Words after a surname that belong to the name ("Harry Harris Jr.").
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


#: Words of a service that open a rank ("Police General", "Air Marshal").
_RANK_SERVICES = frozenset({"police", "pol", "air"})


class PersonSplitter(NameTyper):
    """Splits a person's name from the rank, title or organisation glued to it."""

    def _person_at(self, doc: Doc, end: int, floor: int) -> tuple[int, int] | None:
        """The person's name that ends the tokens before ``end`` (2 to 5 name words, with
        initials, particles and "Jr."), not starting before ``floor``: its ``(start, end)``."""
        e = end
        while e > floor and doc[e - 1].text == ".":
            e -= 1  # a full stop the tokenizer left alone
        k = e
        while k > floor and doc[k - 1].lower_ in _NAME_SUFFIXES:
            k -= 1  # "Harris Jr.", "Davies III"
        if (
            k - 2 > floor
            and doc[k - 2].text == "-"
            and not doc[k - 2].whitespace_
            and not doc[k - 3].whitespace_
            and doc[k - 1].is_alpha
            and self._name_word(doc[k - 3])
        ):
            k -= 2  # "Suwana-adth": a hyphenated surname ends the name
        words = 0
        p = k
        while p > floor:
            tok = doc[p - 1]
            if self._name_word(tok):
                words += 1
            elif not (
                (tok.lower_ in PARTICLES and words and p - 1 > floor)  # "Hugo de Zela"
                or (tok.text == "-" and not tok.whitespace_ and p - 1 > floor)  # "Henry-Martin"
            ):
                break
            p -= 1
            if words > 5:
                return None
        while p < k and (doc[p].lower_ in PARTICLES or doc[p].text == "-"):
            p += 1
        # the model's PERSON entity knows where a name starts better than capitals do ("US
        # Green Beret Kevin Roe": "Green Beret" is no part of the name)
        q = k - 1
        if doc[q].ent_type_ == "PERSON":
            while q > p and doc[q].ent_iob_ != "B" and doc[q - 1].ent_type_ == "PERSON":
                q -= 1
            if q > p and sum(1 for t in doc[q:k] if self._name_word(t)) >= 2:
                p = q
        return (p, e) if 2 <= words <= 5 and p < k else None

    def _split_person(self, doc: Doc, start: int, end: int, source: str) -> list[Cand] | None:
        """A person glued to the rank, title or organisation in front of the name ("U.S. Army
        Lt. Col. Jane Roe", "Kenya Army Lt Gen Peter Kamau", "Deputy Minister Ana Ruiz",
        "Police Service Ana Ruiz"): the person, with the rank or title form kept as an alias,
        and the organisation as a mention of its own."""
        written = start
        start, end = clean_bounds(doc, start, end, self.lex.honorifics)
        if end - start < 2 or self.gazetteer(span_text(doc, start, end)) is not None:
            return None
        found = self._person_at(doc, end, start)
        if (
            found is not None
            and found[0] == start
            and start > written
            and any(
                t.lower_ in self.lex.honorifics or t.lower_ in HONORIFICS
                for t in doc[written:start]
            )
        ):
            # "Datuk Fisol Salleh": a form of address before a name makes it a person's
            return [
                Cand(
                    start,
                    found[1],
                    span_text(doc, start, found[1]),
                    "Person",
                    source,
                    forms=[span_text(doc, written, found[1])],
                )
            ]
        if end - start < 3 or found is None or found[0] <= start:
            return None
        p, e = found
        # "Police Tan Sri Ana Ruiz": a form of address is no part of the name
        named, _ = clean_bounds(doc, p, e, self.lex.honorifics)
        if named < e:
            p = named
        while p < e - 2 and self._is_rank(doc, p):
            p += 1  # "Capitán de Navío Ana Ruiz": "Navío" is part of the rank
        r = p
        while r > start and (
            self._is_rank_or_title(doc[r - 1])
            or self._is_rank(doc, r - 1)
            or (
                doc[r - 1].lower_ in _RANK_SERVICES
                and r < p
                and (self._is_rank(doc, r) or self._is_rank_or_title(doc[r]))
            )
        ):
            r -= 1  # "Police General", "Air Marshal": the service word is part of the rank
        office = False
        if r == p:
            # no rank or title between them: split only after a known state or place, or a
            # body whose name ends in its head noun ("ambassador to Thailand Ana Ruiz", "the
            # Police Service Ana Ruiz")
            hit = self.gazetteer(span_text(doc, start, r))
            office = all(
                self._is_rank_or_title(t)
                or t.lower_ in self.lex.common_words
                or t.lower_ in CONNECTORS
                or (self.lex.country_of(t.text) is not None and t.lower_ in self.lex.demonyms)
                for t in doc[start:r]
            )
            if not (
                office  # "State for African Affairs Ana Ruiz": the end of a title
                or (hit is not None and hit[1] in ("Country", "Place"))
                or self.lex.heads.get(doc[r - 1].lower_) in ORG_CLASSES
            ):
                return None
        forms = [span_text(doc, r, e)] if r < p else []
        out = [Cand(p, e, span_text(doc, p, e), "Person", source, forms=forms)]
        while r > start and doc[r - 1].text in ("-", "–", "—", ",", "’s", "'s"):
            r -= 1
        cut = next(
            (
                t
                for t in range(start + 1, r)
                if self.lex.titles.get(doc[t].lower_) in ("head", "leader")
            ),
            r,
        )
        r = cut  # "GDF Staff Officer ...": the organisation ends before the office
        if r > start and not (r == p and office):
            org = self._typed(doc, start, r, source, None)
            if org is not None and org.cls != "Person":
                out.append(org)
        return out
