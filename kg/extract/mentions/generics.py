"""Generic state forces and bodies qualified by a state ("Peruvian forces", "the armed forces of
Jordan", "Kenyan, Ugandan and Somali armies"), one mention per state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.mentions.cand import Cand
from kg.extract.mentions.coordination import CoordinationSplitter
from kg.extract.mentions.words import GENERIC_KINDS, GENERIC_MODS, is_cap, span_text, to_singular

if TYPE_CHECKING:
    from spacy.tokens import Doc


class GenericSource(CoordinationSplitter):
    """Finds a state's generic forces and bodies."""

    def _generics(self, doc: Doc) -> list[Cand]:
        out: list[Cand] = []
        for tok in doc:
            if tok.lower_ not in GENERIC_KINDS or tok.pos_ not in ("NOUN", "PROPN", "ADJ"):
                continue
            kind, cls = GENERIC_KINDS[tok.lower_]
            k = tok.i - 1
            phrase = tok.i
            # "special forces", "special operations troops": a kind of several lower-case words
            for width in (2, 1):
                a = tok.i - width
                if a >= 0 and all(doc[x].text.islower() for x in range(a, tok.i + 1)):
                    found = self.lex.kinds.get(" ".join(doc[x].lower_ for x in range(a, tok.i + 1)))
                    if found is not None:
                        (kind, cls), k, phrase = found, a - 1, a
                        break
            # "the government of Jordan": the state after "of"
            after = self._state_after_of(doc, tok.i + 1) if tok.text.islower() else None
            if after is not None:
                state, stop = after
                first = k + 1
                owner = Cand(
                    first,
                    stop,
                    span_text(doc, first, stop),
                    cls,
                    "generic",
                    country=state,
                    kind=kind,
                )
                if not self._owner_list(doc, owner):
                    # "the militaries of Argentina, Belize and Chile" are the states' forces in
                    # general (no body of their own), "the government of Jordan" is one body
                    out.append(owner)
                continue
            # walk left over modifiers to a country/demonym
            while k >= 0 and doc[k].lower_ in GENERIC_MODS:
                k -= 1
            if k < 0:
                continue
            for n_c in (1, 2, 3):
                s = k - n_c + 1
                if s < 0:
                    break
                text = span_text(doc, s, k + 1)
                if doc[k].lower_ in ("’s", "'s") and n_c >= 2:
                    text = span_text(doc, s, k)
                country = self.lex.country_of(text)
                if country:
                    out.append(
                        Cand(
                            s,
                            tok.i + 1,
                            span_text(doc, s, tok.i + 1),
                            cls,
                            "generic",
                            country=country,
                            kind=kind,
                        )
                    )
                    # "U.S. and Colombian personnel", "the Kenyan, Ugandan and Somali armies":
                    # the other demonyms of a coordination too
                    for q0, q1, c2 in self._coordinated_qualifiers(doc, s):
                        out.append(
                            Cand(
                                q0,
                                q1,
                                span_text(doc, q0, q1)
                                + " "
                                + (
                                    to_singular(doc[tok.i].text)
                                    if tok.lower_ in ("armies", "navies", "governments")
                                    else span_text(doc, phrase, tok.i + 1)
                                ),
                                cls,
                                "generic",
                                country=c2,
                                kind=kind,
                            )
                        )
                    break
            else:
                # "Peruvian armed forces and police": police shares the demonym
                if (
                    tok.dep_ == "conj"
                    and tok.head.i < tok.i
                    and doc[tok.i - 1].lower_ in ("and", "or", ",")
                ):
                    h = tok.head
                    k2 = h.i - 1
                    while k2 >= 0 and doc[k2].lower_ in GENERIC_MODS:
                        k2 -= 1
                    if k2 >= 0 and h.lower_ in GENERIC_KINDS:
                        country = self.lex.country_of(doc[k2].text)
                        if country:
                            kind, cls = GENERIC_KINDS[tok.lower_]
                            out.append(
                                Cand(
                                    tok.i,
                                    tok.i + 1,
                                    tok.text,
                                    cls,
                                    "generic",
                                    country=country,
                                    kind=kind,
                                )
                            )
        return out

    def _state_after_of(self, doc: Doc, k: int) -> tuple[str, int] | None:
        """ "of (the) Jordan" at ``k``: the state and the token after it (None: no state)."""
        if k >= len(doc) or doc[k].lower_ != "of":
            return None
        a = k + 1 + (k + 1 < len(doc) and doc[k + 1].lower_ == "the")
        for width in (3, 2, 1):
            if a + width <= len(doc) and all(is_cap(t) for t in doc[a : a + width]):
                country = self.lex.country_of(span_text(doc, a, a + width))
                if country and self.gazetteer(span_text(doc, a, a + width)):
                    return country, a + width
        return None
