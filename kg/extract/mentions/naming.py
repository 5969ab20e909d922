"""The base of the mention finder: the lexicon and gazetteer lookups every stage uses, the word
tests (rank, title, name word, generic word), and the typing of a name by its head word, the
gazetteer or a state's generic kind, with the state the name itself gives."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon
from kg.extract.mentions.cand import Cand
from kg.extract.mentions.words import (
    CONNECTORS,
    GENERIC_KINDS,
    GENERIC_MODS,
    HONORIFICS,
    NOT_NAMES,
    ORDINALS,
    ORG_CLASSES,
    clean_bounds,
    is_cap,
    span_text,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_INITIAL = re.compile(r"^[A-Z]\.$")
#: A model of aircraft or vehicle ("B-1B", "C-130", "UH-60", "P-8I").
_MODEL_CODE = re.compile(r"^[A-Z]{1,3}-\d{1,3}[A-Z]?$")
#: Lower-case words after a hyphen that make an adjective, not a longer name ("U.S.-led").
_COMPOUND_TAILS = frozenset(
    {
        "based",
        "led",
        "backed",
        "run",
        "made",
        "born",
        "style",
        "type",
        "class",
        "wide",
        "level",
        "owned",
        "free",
        "linked",
        "related",
        "sponsored",
        "funded",
        "trained",
        "era",
        "like",
        "speaking",
        "bound",
        "flagged",
        "registered",
        "origin",
        "american",
        "african",
        "brokered",
    }
)


def _head_word(words: list[str], heads: dict[str, str] | None = None) -> str:
    """The head of a name: the last word before the first "of"/"for"/"against" that is a known
    head noun ("Special Operations Command South" -> "Command"), else the last such word."""
    cut = len(words)
    for i, w in enumerate(words):
        if i and w.lower() in ("of", "for", "against", "on", "in"):
            cut = i
            break
    if heads:
        for w in reversed(words[:cut]):
            if w.lower() in heads or (w.lower().endswith("s") and w.lower()[:-1] in heads):
                return w
    return words[cut - 1] if words else ""


class NameTyper:
    """Gazetteer lookups, word tests and the typing of names; built once per process."""

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

    def gazetteer(self, text: str) -> tuple[str, str, str | None] | None:
        low = " ".join(text.lower().replace(" & ", " and ").split())
        low = low[4:] if low.startswith("the ") else low
        hit = self._gaz.get(low)
        if hit is None:
            for pre in ("us ", "u.s. ", "united states "):
                if low.startswith(pre) and len(low) > len(pre) + 3:
                    hit = self._gaz.get("u.s. " + low[len(pre) :])
                    bare = self._gaz.get(low[len(pre) :])
                    if hit is None and bare is not None and bare[2] == "United States":
                        hit = bare  # "U.S. Drug Enforcement Administration"
                    break
        if hit is None:
            return None
        # Short all-caps gazetteer names ("US", "UN", "ICE") only match when written in capitals.
        if len(low) <= 4 and text.strip().isupper() is False and hit[1] != "Country":
            return None
        if text.strip().lower() in ("us",) and text.strip() != "US":
            return None
        return hit

    def _is_place(self, text: str) -> bool:
        hit = self.gazetteer(text)
        return hit is not None and hit[1] in ("Place", "Country")

    def _is_rank_or_title(self, tok: Token) -> bool:
        low = tok.lower_
        return (
            low in self.lex.ranks
            or low + "." in self.lex.ranks
            or low in self.lex.titles
            or low in HONORIFICS
            or low in self.lex.honorifics
        )

    def _country_evidence(self, words: list[str]) -> tuple[str | None, tuple[int, int], str]:
        """The state a name itself gives, where the name is without it (word offsets), and how
        it gives it: a possessive ("Spain's Civil Guard"), a demonym ("Spanish Civil Guard") or
        a state's name ("Kenya Army") in front, or "of" and the state after ("Navy of Peru")."""
        for n in (3, 2, 1):
            if n >= len(words):
                continue
            qualifier = " ".join(words[:n])
            country = self.lex.country_of(qualifier)
            if country is None:
                continue
            if words[n].lower() in ("’s", "'s"):
                return country, (n + 1, len(words)), "possessive"
            how = "demonym" if qualifier.lower() in self.lex.demonyms else "prefix"
            return country, (n, len(words)), how
        for i, w in enumerate(words[:-1]):
            if i and w.lower() in ("of", "de", "del", "da", "do", "du", "des"):
                tail = words[i + 1 :]
                if tail and tail[0].lower() in ("the", "la", "el", "los", "las"):
                    tail = tail[1:]
                country = self.lex.country_of(" ".join(tail))
                if country:
                    return country, (0, i), "of"
        return None, (0, 0), ""

    def _generic_word(self, word: str) -> bool:
        """A word of names that is a common noun or adjective: a head noun, a title word, a
        common word of bodies' names, a connector or an ordinal."""
        low = word.lower()
        return (
            low in self.lex.common_words
            or low in self.lex.heads
            or (low.endswith("s") and low[:-1] in self.lex.heads)
            or low in self.lex.titles
            or low in CONNECTORS
            or low in ORDINALS
        )

    def _glued_name_tail(self, doc: Doc, k: int) -> bool:
        """ "Suwana-adth", "Port-au-Prince": a lower-case piece glued by the hyphen at ``k`` to a
        name word is part of the name ("U.S.-led", "Kenyan-trained" are not)."""
        if k + 1 >= len(doc) or k < 1:
            return False
        prev, tail = doc[k - 1], doc[k + 1]
        return (
            tail.is_alpha
            and tail.text.islower()
            and tail.lower_ not in _COMPOUND_TAILS
            and not tail.lower_.endswith(("ed", "ing"))
            and self._name_word(prev)
        )

    def _is_rank(self, doc: Doc, k: int) -> bool:
        """A rank word, or the "de Navío" of a Spanish rank ("Capitán de Navío")."""
        low = doc[k].lower_
        if low in self.lex.ranks or low + "." in self.lex.ranks:
            return True
        return (
            k >= 2
            and doc[k - 1].lower_ == "de"
            and (doc[k - 2].lower_ in self.lex.ranks)
            and doc[k].is_alpha
        ) or (low == "de" and k >= 1 and doc[k - 1].lower_ in self.lex.ranks)

    def _name_word(self, tok: Token) -> bool:
        """A word that can be part of a person's name: capitalised, and not a head noun, a
        title, a rank, a country or demonym, nor a word that is never a name."""
        low = tok.lower_
        if not (tok.text[:1].isupper() and any(ch.isalpha() for ch in tok.text)):
            return False
        if _INITIAL.match(tok.text):
            return True
        return not (
            low in self.lex.heads
            or low in self.lex.common_words
            or (low.endswith("s") and low[:-1] in self.lex.heads)
            or low in self.lex.titles
            or low in self.lex.ranks
            or low + "." in self.lex.ranks
            or low in NOT_NAMES
            or low in CONNECTORS
            or self.lex.country_of(tok.text) is not None
            or tok.text.isupper()
            and len(tok.text) > 1
        )

    def _typed(
        self, doc: Doc, start: int, end: int, source: str, fallback: str | None
    ) -> Cand | None:
        start, end = clean_bounds(doc, start, end, self.lex.honorifics)
        if end <= start:
            return None
        # "Defence, Intelligence and Foreign Relations Committee": a list of capitalised words
        # before one head is one name; the model often starts it after the first comma
        while (
            start >= 2
            and doc[start - 1].text == ","
            and doc[start - 2].text[:1].isupper()
            and doc[start - 2].is_alpha
            and any(t.lower_ == "and" for t in doc[start : min(end, start + 4)])
            and self.lex.heads.get(doc[end - 1].lower_)
            and not self.lex.country_of(doc[start - 2].text)
        ):
            start -= 2
        # "DIG-Administration Police Service": a title glued to the name by a hyphen
        if (
            end - start > 3
            and self.lex.titles.get(doc[start].lower_) in ("head", "leader")
            and doc[start + 1].text == "-"
            and not doc[start].whitespace_
        ):
            start += 2
        # "Commander Defence Force": a title word in front is not part of the name
        if (
            end - start > 1
            and self.lex.titles.get(doc[start].lower_) in ("head", "leader")
            and is_cap(doc[start + 1])
            and self.lex.titles.get(doc[start + 1].lower_) not in ("head", "leader")
            and doc[start + 1].lower_ not in ("’s", "'s")
            and any(self.lex.heads.get(t.lower_) for t in doc[start + 1 : end])
        ):
            start += 1
        while end - start > 1 and _MODEL_CODE.match(doc[end - 1].text):
            end -= 1  # "U.S. Air Force B-1B": an aircraft's model is no part of the name
        text = span_text(doc, start, end)
        if text.lower() in NOT_NAMES or not any(c.isalpha() for c in text):
            return None
        if end - start == 1 and _MODEL_CODE.match(text):
            return None  # "UH-60", "C-130": a model of aircraft, not a body
        words = [doc[k].text for k in range(start, end)]
        gaz = self.gazetteer(text)
        if gaz:
            name, gcls, gcountry = gaz
            return Cand(start, end, text, gcls, "gazetteer", country=gcountry, key=name)
        if words[0] in self.lex.ship_prefixes:
            # "USS Wasp", "INS Kolkata": a warship; its prefix alone is nothing
            if len(words) == 1:
                return None
            state = self.lex.ship_states.get(words[0])  # "HMAS Brisbane": an Australian ship
            return Cand(
                start, end, text, "MilitaryUnit", source, state, evidence="prefix" if state else ""
            )
        gen = self._generic_at(doc, start, end)
        if gen is not None:
            return gen
        country, (c0, c1), evidence = self._country_evidence(words)
        core = span_text(doc, start + c0, start + c1) if c1 > c0 else None
        if all(w.lower() in self.lex.titles or w.lower() in ("of", "the") for w in words):
            return None  # "Defense", "State": words of a title, not a name
        if (
            start >= 2
            and doc[start - 1].lower_ == "of"
            and self.lex.titles.get(doc[start - 2].lower_) in ("head", "leader")
            and all(self._generic_word(w) for w in words)
        ):
            return None  # "Secretary of State for European Affairs": the rest of a title
        head = _head_word(words, self.lex.heads).lower()
        if head in self.lex.titles and head not in self.lex.heads:
            return None  # "US Chargé": a title
        low = [w.lower() for w in words]
        after = low[low.index(head) + 1 :] if head in low else []
        if "of" in after:
            after = after[: after.index("of")]  # "Conference of Defense Ministers": one name
        if any(self.lex.titles.get(w) in ("head", "leader") for w in after):
            return None  # "Police Commissioner Samuel Tonga": a title and a name
        # a known organisation inside the name gives its state ("... Task Force – Southern Command")
        if country is None and len(words) > 2:
            for n in (3, 2):
                for a in range(1, len(words) - n + 1):
                    hit = self._gaz.get(" ".join(low[a : a + n]))
                    if hit and hit[1] not in ("Country", "Place") and hit[2]:
                        country, evidence = hit[2], "inside"
                        break
        # a state named inside, before the head noun ("Royal Malaysia Police")
        if country is None and head in low:
            inside = {
                c
                for a in range(1, low.index(head))
                for n in (1, 2)
                if a + n <= low.index(head)
                and (c := self.lex.country_of(" ".join(words[a : a + n]))) is not None
            }
            if len(inside) == 1:
                country, evidence = inside.pop(), "inside"
        cls: str | None = self.lex.heads.get(head)
        if cls is None and head.endswith("s"):
            cls = self.lex.heads.get(head[:-1])
        if cls is None:
            cls = fallback
        if cls is None:
            return None
        kind = None
        if country and core and evidence != "inside":
            found = self.lex.kinds.get(" ".join(core.lower().split()))
            if found is not None and (cls in ORG_CLASSES or cls == found[1]):
                kind, cls = found  # "Navy of Peru", "Colombian Marine Infantry"
        cand = Cand(start, end, text, cls, source, country=country, kind=kind)
        cand.core, cand.evidence = core, evidence
        return cand

    def _typed_name(self, name: str, source: str) -> tuple[str, str | None, str | None] | None:
        """Class, country and kind of a name built from a coordination."""
        hit = self.gazetteer(name)
        if hit is not None:
            return hit[1], hit[2], None
        words = name.split()
        country: str | None = self.lex.country_of(words[0])
        low = [w.lower() for w in words]
        if low[-1] in GENERIC_KINDS and all(w in GENERIC_MODS for w in low[1:-1]):
            kind, cls = GENERIC_KINDS[low[-1]]
            return cls, country, kind
        head_cls = self.lex.heads.get(_head_word(words, self.lex.heads).lower())
        return (head_cls, country, None) if head_cls else None

    def _generic_at(self, doc: Doc, start: int, end: int) -> Cand | None:
        """ "Peruvian armed forces", "U.S. troops", "Colombian police": a state's generic force."""
        words = [doc[k].lower_ for k in range(start, end)]
        if len(words) < 2:
            return None
        kind_word = words[-1]
        if kind_word not in GENERIC_KINDS:
            return None
        # the country: first one or two words
        for n_c in (3, 2, 1):
            if n_c >= len(words):
                continue
            country = self.lex.country_of(span_text(doc, start, start + n_c))
            if (
                country
                and all(w in GENERIC_MODS for w in words[n_c:-1])
                and (
                    kind_word not in ("police", "congress")
                    or doc[end - 1].text.islower()
                    or n_c == len(words) - 1
                )
            ):
                kind, cls = GENERIC_KINDS[kind_word]
                if kind_word == "force" and words[n_c:-1] == ["air"]:
                    kind = "Air Force"
                text = span_text(doc, start, end)
                return Cand(start, end, text, cls, "generic", country=country, kind=kind)
        return None
