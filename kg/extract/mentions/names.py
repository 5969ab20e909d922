"""Capitalised names: runs of capitalised words with their inner connectors, cut where a person,
a coordination or an "of" starts another name, typed by their head word."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract.lines import Layout
from kg.extract.mentions.cand import Cand
from kg.extract.mentions.coordination import CoordinationSplitter
from kg.extract.mentions.words import CONNECTORS, NOT_NAMES, is_cap, span_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_PREFIX_WORDS = frozenset(
    {"anti", "counter", "non", "self", "co", "inter", "trans", "pro", "post", "pre", "multi", "sub"}
)


#: Regions that end a command's name after a comma ("Marine Corps Forces, Pacific").
_REGION_SUFFIXES = frozenset(
    {"Pacific", "Atlantic", "Europe", "Africa", "South", "North", "Central", "Korea", "Japan"}
)


class NameSource(CoordinationSplitter):
    """Finds the runs of capitalised words that are names."""

    def _names(self, doc: Doc, layout: Layout) -> list[Cand]:
        """Runs of capitalised words (with inner connectors), typed by their head word."""
        out: list[Cand] = []
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            if i in layout.skip or not self._can_start(doc, tok):
                i += 1
                continue
            j = i + 1
            has_head = self.lex.heads.get(tok.lower_) is not None
            while j < n:
                t = doc[j]
                if t.is_sent_start or j in layout.boundaries or j in layout.skip:
                    break
                if t.text == "The" and doc[j - 1].lower_ != "of":
                    break
                if (
                    t.text in ("-", "–")
                    and j + 1 < n
                    and doc[j + 1].is_alpha
                    and not t.whitespace_
                    and (not doc[j - 1].whitespace_)
                    and (
                        is_cap(doc[j + 1])
                        or doc[j - 1].lower_ in _PREFIX_WORDS
                        or self._glued_name_tail(doc, j)
                    )
                ):
                    j += 2  # "Anti-narcotics", "Air-Ground", "Suwana-adth"
                    continue
                if (
                    t.lower_ in ("’s", "'s")
                    and not has_head
                    and j + 1 < n
                    and is_cap(doc[j + 1])
                    and (self.lex.titles.get(doc[j - 1].lower_))
                ):
                    j += 1  # "Attorney General’s Office"
                    continue
                if is_cap(t) and t.lower_ not in NOT_NAMES and t.pos_ not in ("AUX",):
                    has_head = has_head or self.lex.heads.get(t.lower_) is not None
                    j += 1
                    continue
                if (
                    t.lower_ in ("’s", "'s")
                    and j - i <= 3
                    and self.lex.country_of(span_text(doc, i, j))
                    and (j + 1 < n and is_cap(doc[j + 1]))
                ):
                    j += 1  # "Peru’s Congress", "South Korea's National Assembly"
                    continue
                if t.lower_ in CONNECTORS and j + 1 < n and is_cap(doc[j + 1]):
                    if t.lower_ == "and" and has_head and not self._regions_joined(i, j, doc):
                        break  # "Command South and Naval Forces ...": two names
                    if t.lower_ == "the" and doc[j - 1].lower_ != "of":
                        break
                    j += 1
                    continue
                break
            i0 = i
            # "Commander Defence Force": a title word in front is not part of the name
            while i0 < j - 1 and self.lex.titles.get(doc[i0].lower_) in ("head", "leader", "mod"):
                i0 += 1
            if (
                i0 > i
                and doc[i0].lower_ not in ("’s", "'s")  # "Attorney General’s Office": whole
                and any(
                    self.lex.titles.get(doc[x].lower_) in ("head", "leader") for x in range(i, i0)
                )
                and self.lex.heads.get(doc[j - 1].lower_)
            ):
                i = i0
            if (
                j < n
                and doc[j].is_digit
                and len(doc[j]) <= 4
                and self.lex.heads.get(doc[j - 1].lower_)
            ):
                j += 1  # "Panzer Brigade 45", "Task Force 41"
            if (
                j + 2 < n
                and doc[j].text == ","
                and self.lex.heads.get(doc[j - 1].lower_) == "MilitaryUnit"
                and doc[j + 1].text in _REGION_SUFFIXES
                and (doc[j + 2].is_punct or doc[j + 2].lower_ in ("and", "said"))
            ):
                j += 2  # "Marine Corps Forces, Pacific": a command's region after a comma
            if (
                j < n
                and doc[j].lower_ in ("group", "battalion", "brigade", "regiment", "company")
                and re.fullmatch(r"\d+(st|nd|rd|th)", doc[i].lower_)
            ):
                j += 1  # "5th Special Forces group": a numbered unit's head in lower case
            if (
                j < n
                and j - i == 1
                and doc[j].lower_ in ("administration", "government")
                and doc[i].ent_type_ == "PERSON"
            ):
                j += 1  # "the Trump administration": a leader's government
            parts = self._split_coordination(doc, i, j, "name")
            if parts is None:
                parts = self._split_person(doc, i, j, "name")
            if parts is not None:
                out.extend(parts)
                i = j
                continue
            split = self._split_of(doc, i, j)
            if split is not None:
                left, right = split
                out.extend([left, right])
                i = j
                continue
            cand = self._typed(doc, i, j, "name", None)
            if cand is not None:
                out.append(cand)
                out.extend(self._distribute(doc, cand))
                out.extend(self._owner_list(doc, cand))
            out.extend(self._ordinal_coordination(doc, i, j))
            i = j
        return out

    def _can_start(self, doc: Doc, tok: Token) -> bool:
        if (
            re.fullmatch(r"\d+(st|nd|rd|th)", tok.lower_)
            and tok.i + 1 < len(doc)
            and is_cap(doc[tok.i + 1])
        ):
            return True  # "3rd Marine Littoral Regiment"
        if not is_cap(tok) or tok.lower_ in NOT_NAMES or tok.lower_ in CONNECTORS:
            return False
        if tok.is_sent_start or (tok.i > 0 and doc[tok.i - 1].text in ("“", '"', "‘", "(")):
            # A capital at the start of a sentence means nothing by itself.
            return tok.pos_ == "PROPN" or tok.text.isupper()
        return True
