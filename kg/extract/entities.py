"""Entity mentions: spaCy's entities cleaned up, capitalised names typed by their head word,
gazetteer names, demonym-qualified forces ("Peruvian forces"), distributed coordinations ("the
first, third, and sixth Special Forces Brigades"), and acronyms defined in the text.

The output is a list of ``Cand`` (candidate mentions over token indices);
``kg.extract.resolve`` groups them into entities.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon
from kg.extract.lines import Layout, read_layout
from kg.nlp.tokens import token_view

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
    "armies": ("Army", "MilitaryUnit"),
    "navy": ("Navy", "MilitaryUnit"),
    "navies": ("Navy", "MilitaryUnit"),
    "marines": ("Marines", "MilitaryUnit"),
    "police": ("Police", "PoliceUnit"),
    "policemen": ("Police", "PoliceUnit"),
    "government": ("Government", "GovernmentBody"),
    "governments": ("Government", "GovernmentBody"),
    "embassy": ("Embassy", "GovernmentBody"),
    "authorities": ("Government", "GovernmentBody"),
    "congress": ("Congress", "GovernmentBody"),
    "delegation": ("delegation", "Organization"),
    "officials": ("officials", "Organization"),
}
_ORG_CLASSES = ("Organization", "GovernmentBody", "MilitaryUnit", "PoliceUnit")
#: Words allowed between the demonym and the kind noun ("Peruvian armed forces").
GENERIC_MODS = frozenset(
    {
        "armed",
        "military",
        "security",
        "federal",
        "navy",
        "army",
        "police",
        "officials",
        "government",
        "regular",
    }
)
#: Words that do not start a name at the beginning of a sentence.
_CONNECTORS = frozenset({"of", "for", "against", "de", "del", "la", "-", "–", "and", "the", "&"})
_PREFIX_WORDS = frozenset(
    {"anti", "counter", "non", "self", "co", "inter", "trans", "pro", "post", "pre", "multi", "sub"}
)
_ORDINALS = {
    "first": "First",
    "second": "Second",
    "third": "Third",
    "fourth": "Fourth",
    "fifth": "Fifth",
    "sixth": "Sixth",
    "seventh": "Seventh",
    "eighth": "Eighth",
    "ninth": "Ninth",
    "tenth": "Tenth",
    "1st": "1st",
    "2nd": "2nd",
    "3rd": "3rd",
    "4th": "4th",
    "5th": "5th",
    "6th": "6th",
    "7th": "7th",
    "8th": "8th",
    "9th": "9th",
    "10th": "10th",
}
_NOT_NAMES = frozenset(
    {
        "related",
        "more",
        "image",
        "photo",
        "read",
        "also",
        "see",
        "watch",
        "by",
        "from",
        "via",
        "today",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "english",
        "spanish",
        "portuguese",
        "french",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "honorable",
        "hon.",
        "said",
        "according",
    }
)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&\-]{1,11}$")
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
#: Words after a surname that belong to the name ("Harry Harris Jr.").
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
#: Regions that end a command's name after a comma ("Marine Corps Forces, Pacific").
_REGION_SUFFIXES = frozenset(
    {"Pacific", "Atlantic", "Europe", "Africa", "South", "North", "Central", "Korea", "Japan"}
)
#: Words of a service that open a rank ("Police General", "Air Marshal").
_RANK_SERVICES = frozenset({"police", "pol", "air"})
#: Lower-case particles inside a person's name ("Hugo de Zela", "Mohamed Ould Cheikh").
_PARTICLES = frozenset(
    {
        "de",
        "da",
        "del",
        "dos",
        "das",
        "do",
        "van",
        "von",
        "der",
        "bin",
        "binti",
        "ould",
        "ben",
        "al",
        "el",
    }
)


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
    char_start: int = 0
    char_end: int = 0
    #: token start of the organisation it is part of ("Department of War personnel")
    of_org: int = -1
    #: the state its sentence is about, for a bare "Congress" or "Army"
    sent_country: str | None = None
    #: the kind of line it stands on when that line is not prose ("headline", "byline",
    #: "dateline", "credit"; see ``kg.extract.lines``)
    line: str = ""
    #: other written forms of the same name, kept as aliases ("Lt. Col. Jane Roe")
    forms: list[str] = field(default_factory=list)
    #: other names the text gives it ("Guardia Civil" in "the Civil Guard (Guardia Civil)")
    other_names: list[str] = field(default_factory=list)
    #: the name without the state that qualifies it ("Civil Guard" in "Spain's Civil Guard")
    core: str | None = None
    #: how the name gives its state: "possessive", "demonym", "prefix", "of", "inside",
    #: "bracket", "apposition" ("" when it gives none, or the gazetteer does)
    evidence: str = ""

    @property
    def tokens(self) -> range:
        return range(self.start, self.end)


def _is_cap(tok: Token) -> bool:
    t = tok.text
    return (
        bool(t)
        and (t[0].isupper() or (t[0].isdigit() and tok.like_num is False))
        and any(c.isalpha() for c in t)
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


_HONORIFICS = frozenset(
    {
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "honorable",
        "hon.",
        "honourable",
        "sir",
        "dame",
        "mr",
        "mrs",
        "ms",
        "dr",
    }
)


def _clean_bounds(
    doc: Doc, start: int, end: int, honorifics: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Drop determiners, honorifics, punctuation, possessive markers and brackets at both ends."""
    while start < end:
        low = doc[start].lower_
        if start + 2 < end and f"{low} {doc[start + 1].lower_}" in honorifics:
            start += 2  # "Tan Sri"
            continue
        if not (
            low in ("the", "a", "an", "this", "these", "its", "their", "our")
            or low in _HONORIFICS
            or low in honorifics
            or doc[start].is_punct
            or low in ("’s", "'s")
        ):
            break
        start += 1
    while end > start and (
        doc[end - 1].is_punct
        or doc[end - 1].lower_ in ("’s", "'s", "’", "'")
        or doc[end - 1].lower_ in _CONNECTORS  # "Naval Striking and", "Maritime Service of"
    ):
        end -= 1
    return start, end


def _drop_cut_off(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """A text that stops in mid-sentence (a page cut at a length) may stop in mid-name ("the
    Rapid Deployment Capaci", "Navy Secretary Carlos"): a mention that ends with the text's last
    word is left out, since that word may be cut."""
    last = len(doc) - 1
    while last >= 0 and doc[last].is_space:
        last -= 1
    if last < 0 or doc[last].text[-1:] in (".", "!", "?", "”", '"', "’", "'", ")", ":"):
        return cands
    line_start = last
    while line_start > 0 and "\n" not in doc[line_start - 1].whitespace_ + (
        doc[line_start - 1].text if doc[line_start - 1].is_space else ""
    ):
        line_start -= 1
    if sum(1 for t in doc[line_start : last + 1] if t.is_alpha) < 8:
        return cands  # a last short line ("By Jane Roe, Daily News") is whole
    return [c for c in cands if c.end - 1 < last or c.source == "layout"]


def _abbreviates(acr: str, words: list[str]) -> bool:
    """Whether ``acr`` is made of the starts of the words, in order ("CDMA": Conference of
    Defense Ministers of the Americas; "MARFORSOUTH": Marine Corps Forces South); the first
    word must give the first letters, others may be skipped."""
    a = re.sub(r"[^a-z0-9]", "", acr.lower())
    ws = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in words if w.lower() not in _CONNECTORS]
    ws = [w for w in ws if w]
    if not a or not ws:
        return False

    @functools.cache
    def go(i: int, j: int) -> bool:
        if i == len(a):
            return True
        if j == len(ws):
            return False
        w = ws[j]
        n = 0
        while n < len(w) and i + n < len(a) and a[i + n] == w[n]:
            n += 1
            if go(i + n, j + 1):
                return True
        return j > 0 and go(i, j + 1)

    return go(0, 0)


def generic_name(name: str, lex: Lexicon) -> bool:
    """A name made only of common words ("Special Forces Brigade", "National Assembly",
    "Ministry of Defense", "First Special Forces Brigade"): every state may have one."""
    words = [
        w.strip(".,()")
        for w in re.split(r"[\s\-–/]+", name.lower().replace("’s", "").replace("'s", ""))
    ]
    content = [w for w in words if w and w not in _CONNECTORS]
    return bool(content) and all(
        w in lex.common_words
        or w in lex.heads
        or (w.endswith("s") and w[:-1] in lex.heads)
        or w in lex.titles
        or w in _ORDINALS
        or re.fullmatch(r"\d+(st|nd|rd|th)?", w) is not None
        for w in content
    )


def _singular(word: str) -> str:
    """ "Commands" -> "Command", "Ministries" -> "Ministry", "Armies" -> "Army"."""
    if word.lower().endswith("ies"):
        return word[:-3] + ("Y" if word.isupper() else "y")
    return word[:-1] if word.lower().endswith("s") else word


def _fold(text: str) -> str:
    """A name folded for comparison: case, a leading "the", spacing."""
    low = " ".join(text.lower().split())
    return low[4:] if low.startswith("the ") else low


def _display_case(text: str, keep: frozenset[str] = frozenset()) -> str:
    """ "JOHN VANDIVER" -> "John Vandiver", "STARS AND STRIPES" -> "Stars and Stripes"; short
    capitals ("AP", "EFE"), mixed case and a first word in ``keep`` ("USS") stay as written."""
    words = text.split()
    if not text.isupper() or all(len(w) <= 4 for w in words):
        return text
    out = []
    for n, w in enumerate(words):
        low = w.lower()
        if n == 0 and w in keep and len(words) > 1:
            out.append(w)  # "USS GREEN BAY": a ship's prefix stays in capitals
        elif n and low in ("and", "of", "the", "for", "de", "in"):
            out.append(low)
        else:
            out.append(w.capitalize())
    return " ".join(out)


def _span_text(doc: Doc, start: int, end: int) -> str:
    if end <= start:
        return ""
    last = doc[end - 1]  # = doc[start:end].text, sliced from the text instead of joined
    return doc.text[doc[start].idx : last.idx + len(last)]


def _pieces(ents: Sequence[Span], layout: Layout) -> list[tuple[Span, int, int]]:
    """The model's entities cut where a line's segments start ("Honduras - A U.S. agency" in a
    dateline) and without the tokens that are no names ("Published")."""
    out: list[tuple[Span, int, int]] = []
    for ent in ents:
        start = ent.start
        for k in range(ent.start, ent.end + 1):
            if k == ent.end or k in layout.skip or (k > start and k in layout.boundaries):
                if k > start:
                    out.append((ent, start, k))
                start = k + 1 if k in layout.skip else k
    return out


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
        doc = token_view(doc)  # the passes below revisit every token: build them once
        layout = read_layout(doc, self._is_place)
        cands: list[Cand] = []
        cands += self._names(doc, layout)
        cands += self._generics(doc)
        cands += self._ner(doc, layout)
        cands += self._events(doc)
        cands = [c for c in cands if not any(i in layout.skip for i in c.tokens)]
        cands = self._confirm_headlines(doc, layout, cands)
        cands += self._layout_parts(doc, layout)
        chosen = self._choose(doc, cands)
        chosen = self._acronyms(doc, chosen)
        chosen = self._org_forces(doc, chosen)
        chosen = self._acronym_mentions(doc, chosen)
        self._stated_countries(doc, chosen)
        self._sentence_countries(doc, chosen)
        chosen = _drop_cut_off(doc, chosen)
        for c in chosen:
            c.line = c.line or layout.line_of.get(c.start, "")
            c.head = self._head_token(doc, c)
            c.char_start = doc[c.start].idx
            c.char_end = doc[c.end - 1].idx + len(doc[c.end - 1].text)
        return chosen

    # ------------------------------------------------------------ sources

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

    def _layout_parts(self, doc: Doc, layout: Layout) -> list[Cand]:
        """The people, outlets and places that bylines, datelines and credits name, typed by
        their role there (see ``kg.extract.lines``)."""
        out: list[Cand] = []
        for part in layout.parts:
            start, end = part.start, part.end
            written = part.text or _span_text(doc, start, end)
            if part.role == "person":
                a = start
                while a < end - 1 and self._is_rank_or_title(doc[a]):
                    a += 1
                name = _display_case(_span_text(doc, a, end), self.lex.ship_prefixes)
                forms = [written] if a > start or name != written else []
                out.append(Cand(a, end, name, "Person", "layout", line=part.line, forms=forms))
                continue
            gaz = self.gazetteer(written)
            if gaz is not None:
                gname, gcls, gcountry = gaz
                out.append(
                    Cand(start, end, written, gcls, "layout", gcountry, key=gname, line=part.line)
                )
                continue
            name = _display_case(written, self.lex.ship_prefixes)
            if all(
                w.lower() in self.lex.common_words | self.lex.heads.keys() for w in name.split()
            ):
                continue  # "at Sea": a common noun, no name
            cls = "Place" if part.role == "place" else "Organization"
            if name.split()[0] in self.lex.ship_prefixes:
                cls = "MilitaryUnit"  # "USS ROE, at Sea –": a ship's dateline
            if part.role == "outlet":
                typed = self._typed(doc, start, end, "layout", None) if not part.text else None
                if typed is not None and typed.cls not in ("Place", "Country", "Person"):
                    cls = typed.cls  # "Canadian Forces Combat Camera": a unit of the forces
            forms = [written] if name != written else []
            out.append(Cand(start, end, name, cls, "layout", line=part.line, forms=forms))
        return out

    def _is_rank_or_title(self, tok: Token) -> bool:
        low = tok.lower_
        return (
            low in self.lex.ranks
            or low + "." in self.lex.ranks
            or low in self.lex.titles
            or low in _HONORIFICS
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
            or low in _CONNECTORS
            or low in _ORDINALS
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
            or low in _NOT_NAMES
            or low in _CONNECTORS
            or self.lex.country_of(tok.text) is not None
            or tok.text.isupper()
            and len(tok.text) > 1
        )

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
                (tok.lower_ in _PARTICLES and words and p - 1 > floor)  # "Hugo de Zela"
                or (tok.text == "-" and not tok.whitespace_ and p - 1 > floor)  # "Henry-Martin"
            ):
                break
            p -= 1
            if words > 5:
                return None
        while p < k and (doc[p].lower_ in _PARTICLES or doc[p].text == "-"):
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
        start, end = _clean_bounds(doc, start, end, self.lex.honorifics)
        if end - start < 2 or self.gazetteer(_span_text(doc, start, end)) is not None:
            return None
        found = self._person_at(doc, end, start)
        if (
            found is not None
            and found[0] == start
            and start > written
            and any(
                t.lower_ in self.lex.honorifics or t.lower_ in _HONORIFICS
                for t in doc[written:start]
            )
        ):
            # "Datuk Fisol Salleh": a form of address before a name makes it a person's
            return [
                Cand(
                    start,
                    found[1],
                    _span_text(doc, start, found[1]),
                    "Person",
                    source,
                    forms=[_span_text(doc, written, found[1])],
                )
            ]
        if end - start < 3 or found is None or found[0] <= start:
            return None
        p, e = found
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
            hit = self.gazetteer(_span_text(doc, start, r))
            office = all(
                self._is_rank_or_title(t)
                or t.lower_ in self.lex.common_words
                or t.lower_ in _CONNECTORS
                or (self.lex.country_of(t.text) is not None and t.lower_ in self.lex.demonyms)
                for t in doc[start:r]
            )
            if not (
                office  # "State for African Affairs Ana Ruiz": the end of a title
                or (hit is not None and hit[1] in ("Country", "Place"))
                or self.lex.heads.get(doc[r - 1].lower_) in _ORG_CLASSES
            ):
                return None
        forms = [_span_text(doc, r, e)] if r < p else []
        out = [Cand(p, e, _span_text(doc, p, e), "Person", source, forms=forms)]
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

    def _confirm_headlines(self, doc: Doc, layout: Layout, cands: list[Cand]) -> list[Cand]:
        """In a title-case headline every word is capitalised, so a run of capitals is no
        evidence of a name ("Special Forces Strengthen Capabilities"): a headline mention is
        kept when a gazetteer knows it or the article's other lines name it too; otherwise its
        longest part that they name is kept, or nothing."""
        if not layout.headline:
            return cands
        body = {
            _fold(c.name): c
            for c in cands
            if c.start not in layout.headline and c.end - 1 not in layout.headline
        }
        kinds = {(c.country, c.kind) for c in body.values() if c.kind and c.country}
        out: list[Cand] = []
        for c in cands:
            if c.start not in layout.headline or c.source == "gazetteer" or c.key:
                out.append(c)
                continue
            if _fold(c.name) in body or (
                c.kind and c.country and (c.country, c.kind) in kinds
            ):  # "Peruvian Congress" in the headline, "Peru's Congress" in the text
                out.append(c)
                continue
            best: tuple[int, int] | None = None
            for a in range(c.start, c.end):
                for b in range(c.end, a, -1):
                    if best is not None and b - a <= best[1] - best[0]:
                        break
                    if _fold(_span_text(doc, a, b)) in body:
                        best = (a, b)
                        break
            if best is None:
                continue
            seen = body[_fold(_span_text(doc, best[0], best[1]))]
            out.append(
                Cand(
                    best[0],
                    best[1],
                    _span_text(doc, best[0], best[1]),
                    seen.cls,
                    "name",
                    seen.country,
                    seen.kind,
                    seen.key,
                )
            )
        return out

    def _typed(
        self, doc: Doc, start: int, end: int, source: str, fallback: str | None
    ) -> Cand | None:
        start, end = _clean_bounds(doc, start, end, self.lex.honorifics)
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
            and _is_cap(doc[start + 1])
            and self.lex.titles.get(doc[start + 1].lower_) not in ("head", "leader")
            and doc[start + 1].lower_ not in ("’s", "'s")
            and any(self.lex.heads.get(t.lower_) for t in doc[start + 1 : end])
        ):
            start += 1
        while end - start > 1 and _MODEL_CODE.match(doc[end - 1].text):
            end -= 1  # "U.S. Air Force B-1B": an aircraft's model is no part of the name
        text = _span_text(doc, start, end)
        if text.lower() in _NOT_NAMES or not any(c.isalpha() for c in text):
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
            return Cand(start, end, text, "MilitaryUnit", source) if len(words) > 1 else None
        gen = self._generic_at(doc, start, end)
        if gen is not None:
            return gen
        country, (c0, c1), evidence = self._country_evidence(words)
        core = _span_text(doc, start + c0, start + c1) if c1 > c0 else None
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
            if found is not None and (cls in _ORG_CLASSES or cls == found[1]):
                kind, cls = found  # "Navy of Peru", "Colombian Marine Infantry"
        cand = Cand(start, end, text, cls, source, country=country, kind=kind)
        cand.core, cand.evidence = core, evidence
        return cand

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
                        _is_cap(doc[j + 1])
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
                    and _is_cap(doc[j + 1])
                    and (self.lex.titles.get(doc[j - 1].lower_))
                ):
                    j += 1  # "Attorney General’s Office"
                    continue
                if _is_cap(t) and t.lower_ not in _NOT_NAMES and t.pos_ not in ("AUX",):
                    has_head = has_head or self.lex.heads.get(t.lower_) is not None
                    j += 1
                    continue
                if (
                    t.lower_ in ("’s", "'s")
                    and j - i <= 3
                    and self.lex.country_of(_span_text(doc, i, j))
                    and (j + 1 < n and _is_cap(doc[j + 1]))
                ):
                    j += 1  # "Peru’s Congress", "South Korea's National Assembly"
                    continue
                if t.lower_ in _CONNECTORS and j + 1 < n and _is_cap(doc[j + 1]):
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

    def _split_of(self, doc: Doc, i: int, j: int) -> tuple[Cand, Cand] | None:
        """ "Regiment of the U.S. Marine Corps": two organisations, the first part of the second
        (a country or a place after "of" stays in the name: "Armed Forces of the Philippines")."""
        for p in range(i + 1, j - 1):
            if doc[p].lower_ != "of":
                continue
            r = p + 1
            if doc[r].lower_ == "the":
                r += 1
            if r >= j:
                return None
            if p - i < 2:
                return None  # "Secretariat of the Navy": one name, not a unit of the Navy
            right = self._typed(doc, r, j, "name", None)
            left = self._typed(doc, i, p, "name", None)
            if right is None or left is None or right.cls in ("Country", "Place", "Event"):
                return None
            orgs = ("Organization", "GovernmentBody", "MilitaryUnit", "PoliceUnit")
            if right.cls not in orgs or left.cls not in orgs:
                return None
            left.of_org = right.start
            return left, right
        return None

    def _can_start(self, doc: Doc, tok: Token) -> bool:
        if (
            re.fullmatch(r"\d+(st|nd|rd|th)", tok.lower_)
            and tok.i + 1 < len(doc)
            and _is_cap(doc[tok.i + 1])
        ):
            return True  # "3rd Marine Littoral Regiment"
        if not _is_cap(tok) or tok.lower_ in _NOT_NAMES or tok.lower_ in _CONNECTORS:
            return False
        if tok.is_sent_start or (tok.i > 0 and doc[tok.i - 1].text in ("“", '"', "‘", "(")):
            # A capital at the start of a sentence means nothing by itself.
            return tok.pos_ == "PROPN" or tok.text.isupper()
        return True

    # ------------------------------------------------------------ coordinations

    def _complete(self, doc: Doc, start: int, end: int, source: str) -> list[Cand] | None:
        """The mentions a span names when it stands as a name on its own: a gazetteer name, a
        person (with a rank or title glued on), or a name with a head noun; else None."""
        start, end = _clean_bounds(doc, start, end, self.lex.honorifics)
        if end <= start:
            return None
        hit = self.gazetteer(_span_text(doc, start, end))
        if hit is not None:
            name, cls, country = hit
            return [
                Cand(start, end, _span_text(doc, start, end), cls, "gazetteer", country, key=name)
            ]
        people = self._split_person(doc, start, end, source)
        if people is not None:
            return people
        if any(self.lex.titles.get(t.lower_) in ("head", "leader") for t in doc[start + 1 : end]):
            return None  # "Staff Officer One – Operations": an office, not a name
        found = self._person_at(doc, end, start)
        if found is not None and found[0] == start:
            return [Cand(start, found[1], _span_text(doc, start, found[1]), "Person", source)]
        typed = self._typed(doc, start, end, source, None)
        return [typed] if typed is not None and typed.cls != "Person" else None

    def _inside_gazetteer_name(self, doc: Doc, start: int, end: int, k: int) -> bool:
        """Whether token ``k`` lies inside a gazetteer name within ``[start, end)`` ("Trinidad
        and Tobago Coast Guard")."""
        for a in range(max(start, k - 5), k):
            for b in range(min(end, k + 6), k + 1, -1):
                if self.gazetteer(_span_text(doc, a, b)) is not None:
                    return True
        return False

    def _split_coordination(self, doc: Doc, start: int, end: int, source: str) -> list[Cand] | None:
        """Names joined by "and" are two names when each stands on its own ("U.S. 6th Fleet
        and Naval Striking and Support Forces NATO", "Niger and Burkina Faso", "Deputy Minister
        Ana Ruiz and Police Service Commander Jo Lee"); a demonym before another's name shares
        its noun ("Italian and Norwegian Special Operations Commands"). An "and" inside one name
        ("Naval Striking and Support Forces", "Trinidad and Tobago") is left alone."""
        start, end = _clean_bounds(doc, start, end, self.lex.honorifics)
        ands = [k for k in range(start + 1, end - 1) if doc[k].lower_ in ("and", "&")]
        if not ands or self.gazetteer(_span_text(doc, start, end)) is not None:
            return None
        if end < len(doc) and doc[end].lower_ in GENERIC_KINDS:
            bounds = [start - 1, *ands, end]
            if all(
                self.lex.country_of(_span_text(doc, a + 1, b)) is not None
                for a, b in zip(bounds, bounds[1:], strict=False)
            ):
                return []  # "Brazilian and United States armies": qualifiers of one noun
        for k in ands:
            if self._inside_gazetteer_name(doc, start, end, k) or self._regions_joined(
                start, k, doc, end
            ):
                continue
            shared = self._shared_noun(doc, start, k, end, source)
            if shared is not None:
                return shared
            left = self._complete(doc, start, k, source)
            if left is None:
                continue
            right = self._split_coordination(doc, k + 1, end, source) or self._complete(
                doc, k + 1, end, source
            )
            if right is not None:
                return left + right
            if end < len(doc) and doc[end].lower_ in GENERIC_KINDS:
                return None  # "U.S. and Colombian personnel": qualifiers of one noun
            if k + 2 == end or all(
                t.lower_ in self.lex.common_words or self.lex.country_of(t.text) is not None
                for t in doc[k + 1 : end]
            ):
                return left  # "... and American", "... and Naval Striking": a stray tail
        return None

    def _regions_joined(self, start: int, k: int, doc: Doc, end: int | None = None) -> bool:
        """ "Marine Corps Forces Europe and Africa": the "and" at ``k`` joins two regions at
        the end of one name, not two names (``end``: where the name ends; by default the one
        capitalised word after the "and")."""
        end = end if end is not None else k + 2
        right = self.gazetteer(_span_text(doc, k + 1, end)) if end <= len(doc) else None
        if right is None or right[1] not in ("Place", "Country") or k - start < 2:
            return False
        for n in (2, 1):
            left = self.gazetteer(_span_text(doc, k - n, k)) if k - n > start else None
            if left is not None and left[1] in ("Place", "Country"):
                return self.lex.heads.get(doc[k - n - 1].lower_.rstrip("s")) is not None or (
                    self.lex.heads.get(doc[k - n - 1].lower_) is not None
                )
        return False

    def _shared_noun(
        self, doc: Doc, start: int, k: int, end: int, source: str
    ) -> list[Cand] | None:
        """ "Italian and Norwegian Special Operations Commands", "Kenyan, Ugandan and Somali
        armies": demonyms (or country names) before one noun each name their own body."""
        qualifiers = [t for t in range(start, k) if doc[t].text not in (",", "and", "&")]
        if not qualifiers or any(self.lex.country_of(doc[t].text) is None for t in qualifiers):
            return None
        last = self._country_prefix(doc, k + 1, end)
        if last is None:
            return None
        head = doc[end - 1]
        plural = head.lower_.endswith("s") and (
            head.lower_[:-1] in self.lex.heads or head.lower_ in GENERIC_KINDS
        )
        if not plural:
            return None
        rest = _span_text(doc, last, end - 1)
        singular = _singular(head.text)
        # "the Australian, Canadian, French, Italian and Norwegian … Commands": the demonyms
        # listed before the run, each with its comma
        spans = [(q0, q1) for q0, q1, _c in reversed(self._coordinated_qualifiers(doc, start))]
        spans += [(q, q + 1) for q in qualifiers] + [(k + 1, last)]
        out: list[Cand] = []
        for q0, q1 in spans:
            word = _span_text(doc, q0, q1)
            name = " ".join(x for x in (word, rest, singular) if x)
            typed = self._typed_name(name, source)
            if typed is None:
                return None
            cls, country, kind = typed
            last_one = q0 == k + 1
            out.append(Cand(q0, end if last_one else q1, name, cls, "coordination", country, kind))
        return out

    def _country_prefix(self, doc: Doc, start: int, end: int) -> int | None:
        """The token after a leading country or demonym of ``[start, end)`` (None: none)."""
        for n in (3, 2, 1):
            if start + n < end and self.lex.country_of(_span_text(doc, start, start + n)):
                return start + n
        return None

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

    def _owner_list(self, doc: Doc, cand: Cand) -> list[Cand]:
        """ "the Armed Forces of Peru, Colombia, Ecuador and Chile": one body of each state
        listed after "of"."""
        words = cand.name.split()
        of = next((i for i in range(len(words) - 1, 0, -1) if words[i].lower() == "of"), None)
        if cand.cls not in _ORG_CLASSES or of is None:
            return []
        if self.lex.country_of(" ".join(words[of + 1 :])) is None:
            return []
        base = " ".join(words[: of + 1])
        out: list[Cand] = []
        k = cand.end
        while k + 1 < len(doc) and doc[k].text in (",", "and", "&"):
            m = k + 1
            if doc[m].lower_ in ("and", "&"):
                m += 1
            e = m
            while e < len(doc) and _is_cap(doc[e]) and e - m < 4:
                e += 1
            country = self.lex.country_of(_span_text(doc, m, e)) if e > m else None
            if country is None:
                break
            out.append(
                Cand(m, e, f"{base} {_span_text(doc, m, e)}", cand.cls, "coordination", country)
            )
            k = e
        return out

    def _distribute(self, doc: Doc, cand: Cand) -> list[Cand]:
        """ "Ministries of Foreign Affairs, Interior, and Defense" -> three ministries."""
        words = cand.name.split()
        if len(words) < 3 or words[1].lower() != "of" or not words[0].endswith("ies"):
            return []
        singular = words[0][:-3] + "y"
        out = [
            Cand(
                cand.start,
                cand.end,
                " ".join([singular, *words[1:]]),
                cand.cls,
                "coordination",
                country=cand.country,
            )
        ]
        k = cand.end
        while k < len(doc) and doc[k].text in (",", "and") or (k < len(doc) and _is_cap(doc[k])):
            if _is_cap(doc[k]):
                m = k
                while m < len(doc) and _is_cap(doc[m]):
                    m += 1
                item = _span_text(doc, k, m)
                out.append(
                    Cand(
                        k,
                        m,
                        f"{singular} of {item}",
                        cand.cls,
                        "coordination",
                        country=cand.country,
                    )
                )
                k = m
            else:
                k += 1
        if len(out) > 1:
            cand.cls = "skip"  # the plural itself is not an entity
            return out
        return []

    def _ordinal_coordination(self, doc: Doc, i: int, j: int) -> list[Cand]:
        """ "the first, third, and sixth Special Forces Brigades" -> three brigades."""
        if j - i < 1:
            return []
        # "the First, Third and Sixth Riverine Battalions": capitalised ordinals open the run
        lead: list[int] = []
        while i < j - 1 and (doc[i].lower_ in _ORDINALS or doc[i].text in (",", "and")):
            if doc[i].lower_ in _ORDINALS:
                lead.append(i)
            i += 1
        if i == 0:
            return []
        words = [doc[k].text for k in range(i, j)]
        head = words[-1]
        if not head.endswith("s") or (
            self.lex.heads.get(head.lower()) is None
            and self.lex.heads.get(head.lower()[:-1]) is None
        ):
            return []
        ords: list[int] = []
        k = i - 1
        while k >= 0 and (doc[k].lower_ in _ORDINALS or doc[k].text in (",", "and")):
            if doc[k].lower_ in _ORDINALS:
                ords.append(k)
            k -= 1
        ords = sorted(set(ords + lead))
        if len(ords) < 2:
            return []
        singular = head[:-1]
        base = " ".join([*words[:-1], singular])
        cls = self.lex.heads.get(head.lower()) or self.lex.heads.get(
            singular.lower(), "Organization"
        )
        return [
            Cand(
                o,
                o + 1 if o != max(ords) else j,
                f"{_ORDINALS[doc[o].lower_]} {base}",
                cls,
                "coordination",
            )
            for o in sorted(ords)
        ]

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
            country = self.lex.country_of(_span_text(doc, start, start + n_c))
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
                text = _span_text(doc, start, end)
                return Cand(start, end, text, cls, "generic", country=country, kind=kind)
        return None

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
                    _span_text(doc, first, stop),
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
                text = _span_text(doc, s, k + 1)
                if doc[k].lower_ in ("’s", "'s") and n_c >= 2:
                    text = _span_text(doc, s, k)
                country = self.lex.country_of(text)
                if country:
                    out.append(
                        Cand(
                            s,
                            tok.i + 1,
                            _span_text(doc, s, tok.i + 1),
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
                                _span_text(doc, q0, q1)
                                + " "
                                + (
                                    _singular(doc[tok.i].text)
                                    if tok.lower_ in ("armies", "navies", "governments")
                                    else _span_text(doc, phrase, tok.i + 1)
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
            if a + width <= len(doc) and all(_is_cap(t) for t in doc[a : a + width]):
                country = self.lex.country_of(_span_text(doc, a, a + width))
                if country and self.gazetteer(_span_text(doc, a, a + width)):
                    return country, a + width
        return None

    def _coordinated_qualifiers(self, doc: Doc, s: int) -> list[tuple[int, int, str]]:
        """The countries or demonyms listed before the one at ``s`` ("Kenyan, Ugandan and" before
        "Somali armies"): their token spans and countries, nearest first."""
        out: list[tuple[int, int, str]] = []
        k = s
        while k >= 2 and doc[k - 1].lower_ in ("and", ",", "&"):
            found = None
            for n in (3, 2, 1):
                a = k - 1 - n
                if a < 0:
                    continue
                country = self.lex.country_of(_span_text(doc, a, k - 1))
                if country and doc[a].lower_ != "the" and not doc[a].is_space:
                    found = (a, k - 1, country)
                    break
            if found is None:
                break
            out.append(found)
            k = found[0]
            if doc[found[1]].lower_ in ("and", "&") and (k < 1 or doc[k - 1].text != ","):
                break  # "A and B": the list starts at A
        return out

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
        for ent, start, end in _pieces(doc.ents, layout):
            if ent.label_ not in fallback:
                continue
            if ent.label_ == "NORP":
                c = self.lex.country_of(_span_text(doc, start, end))
                if c is None:
                    continue
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
                and self.lex.demonyms.get(_span_text(doc, start, end).lower())
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
            if ent.label_ == "PERSON":
                a = start
                while a < end - 1 and (
                    doc[a].lower_ in self.lex.titles
                    or doc[a].lower_ in self.lex.ranks
                    or doc[a].lower_ in self.lex.heads
                    or self.lex.country_of(doc[a].text)
                    or doc[a].lower_ in _HONORIFICS
                    or doc[a].lower_ in ("the", "’s", "'s")
                ):
                    a += 1
                if a > start:
                    cand = self._typed(doc, a, end, "ner", "Person") or cand
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
                and (_is_cap(doc[e]) or (e > k and doc[e].like_num))
                and (self.lex.country_of(doc[e].text) is None)
            ):
                e += 1
            if e > k and any(doc[x].text.isupper() or doc[x].like_num for x in range(k, e)):
                spans.append((k, e))
            # before: "the Fuerzas Aliadas PANAMAX drill"
            b = tok.i
            while b - 1 >= 0 and _is_cap(doc[b - 1]) and not doc[b - 1].is_sent_start:
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
                    and (_is_cap(doc[s1 - 1]) or doc[s1 - 1].like_num)
                    and (not doc[s1 - 1].is_sent_start)
                ):
                    s1 -= 1
                if (
                    s1 < e
                    and self.gazetteer(_span_text(doc, s1, e)) is None
                    and self.lex.heads.get(doc[e - 1].lower_) not in _ORG_CLASSES
                ):
                    spans.append((s1, e))
            for s0, e0 in spans:
                text = _span_text(doc, s0, e0)
                if self.gazetteer(text) is None and len(text) > 2:
                    out.append(Cand(s0, e0, text, "Event", "gazetteer"))
        return out

    def _acronym_like(self, doc: Doc, cand: Cand) -> bool:
        k = cand.start - 1
        return k >= 0 and doc[k].text == "("

    # ------------------------------------------------------------ choice

    def _choose(self, doc: Doc, cands: list[Cand]) -> list[Cand]:
        """Keep non-overlapping mentions: coordinations, then longer, then better sources."""
        rank = {"coordination": 0, "gazetteer": 1, "generic": 2, "name": 3, "ner": 4}
        taken = [False] * len(doc)
        chosen: list[Cand] = []
        # what a byline, dateline or credit names, and distributed coordinations, come first
        coord = [c for c in cands if c.source in ("coordination", "layout")]
        for c in coord:
            chosen.append(c)
        covered = {i for c in coord for i in c.tokens}
        rest = [c for c in cands if c.source not in ("coordination", "layout") and c.cls != "skip"]
        rest.sort(key=lambda c: (-(c.end - c.start), rank.get(c.source, 9), c.start))
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
        added: list[Cand] = []
        for c in cands:
            # Name ( ACR [, in Spanish] )
            k = c.end
            if k + 1 < len(doc) and doc[k].text == "(":
                # the acronym may be split by the tokenizer ("SPMAGTF-SC")
                e = k + 1
                while (
                    e < len(doc)
                    and e < k + 5
                    and doc[e].text not in (",", ")", ";")
                    and (e == k + 1 or not doc[e - 1].whitespace_)
                ):
                    e += 1
                if e < len(doc) and doc[e].text not in (",", ")", ";"):
                    # "(Guardia Civil)": a bracket of several words
                    e2 = e
                    while e2 < len(doc) and e2 < k + 8 and doc[e2].text not in (",", ")", ";"):
                        e2 += 1
                    if e2 < len(doc) and doc[e2].text == ")" and self._other_name(doc, k + 1, e2):
                        e = e2
                acr_text = doc[k + 1 : e].text
                nxt = doc[e].text if e < len(doc) else ""
                if (
                    _ACRONYM.match(acr_text)
                    and nxt in (",", ")", ";")
                    and c.cls in ("Country", "Place")
                    and acr_text.lower() != c.name.lower()
                    and not self._abbreviates_state(acr_text, c)
                ):
                    # "… Ministers of the Americas (CDMA)", "… Training for Ukraine (NSATU)":
                    # the acronym is not the place's; it names the longer name that ends there
                    longer = self._abbreviated_span(doc, c, acr_text) or self._initials_span(
                        doc, c, acr_text
                    )
                    if longer is not None:
                        longer.acronyms.append(acr_text)
                        added.append(longer)
                        for o in cands:
                            if (
                                longer.start <= o.start
                                and o.end <= longer.end
                                or (k + 1 <= o.start < e)
                            ):
                                drop.add(id(o))
                elif (
                    _ACRONYM.match(acr_text)
                    and nxt in (",", ")", ";")
                    and c.cls != "Person"
                    and (acr_text.lower() != c.name.lower())
                ):
                    c.acronyms.append(acr_text)
                    if "-" in acr_text:
                        c.acronyms.append(acr_text.split("-")[0])
                    for o in cands:
                        if o is not c and k + 1 <= o.start < e:
                            drop.add(id(o))
                elif k + 1 in by_start and c.name.isupper() and len(c.name) <= 10:
                    # ACR (Full Name)
                    full = by_start[k + 1]
                    if full.end < len(doc) and doc[full.end].text == ")" and full.cls != "Person":
                        full.acronyms.append(c.name)
                        drop.add(id(c))
                elif c.cls in _ORG_CLASSES and self._other_name(doc, k + 1, e) and nxt == ")":
                    # "the Civil Guard (Guardia Civil)": another name of the same body
                    c.other_names.append(_span_text(doc, k + 1, e))
                    for o in cands:
                        if o is not c and k + 1 <= o.start < e:
                            drop.add(id(o))
            # Name, known as ACR / Name, or ACR
            if (
                k + 3 < len(doc)
                and doc[k].text == ","
                and (
                    (doc[k + 1].lower_ == "known" and doc[k + 2].lower_ == "as")
                    or (doc[k + 1].lower_ == "also" and doc[k + 2].lower_ == "known")
                )
            ):
                j = k + 3 if doc[k + 2].lower_ == "as" else k + 4
                if j < len(doc) and _ACRONYM.match(doc[j].text):
                    c.acronyms.append(doc[j].text)
                    other = by_start.get(j)
                    if other is not None:
                        drop.add(id(other))
        del by_end
        out = sorted(
            [c for c in cands if id(c) not in drop] + added, key=lambda c: (c.start, c.end)
        )
        out += self._described_acronyms(doc, out)
        # Acronyms on their own ("Cioec" tagged PERSON by the model) become organisations.
        defined = {a for c in out for a in c.acronyms}
        for c in out:
            if c.name in defined and c.cls == "Person":
                c.cls = "Organization"
        return out

    def _other_name(self, doc: Doc, start: int, end: int) -> bool:
        """Words in brackets that are another name ("Guardia Civil", "Garde-Côtes"): one to
        six capitalised words (with particles), not a state or place, not an acronym."""
        words = [t for t in doc[start:end] if t.text != "-"]
        if not 1 <= len(words) <= 6 or (len(words) == 1 and _ACRONYM.match(words[0].text)):
            return False
        if not all(_is_cap(t) or t.lower_ in _PARTICLES | {"des", "la", "le"} for t in words):
            return False
        return self.gazetteer(_span_text(doc, start, end)) is None and not any(
            self.lex.country_of(t.text) for t in words if len(words) == 1
        )

    def _abbreviates_state(self, acr: str, c: Cand) -> bool:
        """Whether ``acr`` abbreviates the state or place ``c`` ("DRC", "USA")."""
        names = [c.name, c.key or ""]
        names += [alias for alias, name in self.lex.country_names.items() if name == c.key]
        if any(acr.lower() == n.lower() for n in names if n):
            return True
        return any(_abbreviates(acr, n.split()) for n in names if n)

    def _abbreviated_span(self, doc: Doc, c: Cand, acr: str) -> Cand | None:
        """The longest name ending with ``c`` that ``acr`` abbreviates ("Conference of
        Defense Ministers of the Americas (CDMA)"), typed as an organisation by default."""
        sent_start = doc[c.start].sent.start
        for s in range(max(sent_start, c.start - 12), c.start):
            if not _is_cap(doc[s]) or doc[s].lower_ in _CONNECTORS:
                continue
            words = [t.text for t in doc[s : c.end]]
            if any(t.text in (",", ";", "(", ")") for t in doc[s : c.end]):
                continue
            if _abbreviates(acr, words):
                typed = self._typed(doc, s, c.end, "acronym", "Organization")
                if typed is not None and typed.cls not in ("Country", "Place", "Person"):
                    return typed
        return None

    def _initials_span(self, doc: Doc, c: Cand, acr: str) -> Cand | None:
        """ "United Nations Organization Stabilization Mission in the DRC (MONUSCO)": an acronym
        made in another language's word order; the longest capitalised name ending with ``c``
        whose words' initials hold the acronym's letters but a third of them at most."""
        letters = [ch for ch in acr.lower() if ch.isalpha()]
        if len(letters) < 4:
            return None
        sent_start = doc[c.start].sent.start
        for s in range(max(sent_start, c.start - 12), c.start):
            span = doc[s : c.end]
            if not _is_cap(doc[s]) or any(t.text in (",", ";", "(", ")") for t in span):
                continue
            initials = [t.lower_[0] for t in span if t.is_alpha and t.lower_ not in _CONNECTORS]
            missing = 0
            for ch in letters:
                if ch in initials:
                    initials.remove(ch)
                else:
                    missing += 1
            if missing <= len(letters) // 3 and len(initials) <= 2:
                typed = self._typed(doc, s, c.end, "acronym", "Organization")
                if typed is not None and typed.cls not in ("Country", "Place", "Person"):
                    return typed
        return None

    def _described_acronyms(self, doc: Doc, cands: list[Cand]) -> list[Cand]:
        """ "the judicial and investigative police (Sijin)": a described body named by its
        acronym; the description (up to its head noun) becomes the name."""
        covered = {i for c in cands for i in c.tokens}
        out: list[Cand] = []
        for tok in doc:
            k = tok.i
            if tok.text != "(" or k == 0 or k + 2 >= len(doc) or (k - 1) in covered:
                continue
            acr, close = doc[k + 1], doc[k + 2]
            head = doc[k - 1]
            cls = self.lex.heads.get(head.lower_)
            if (
                close.text != ")"
                or not _ACRONYM.match(acr.text)
                or not cls
                or head.text[:1].isupper()
            ):
                continue
            if cls not in _ORG_CLASSES or (k + 1) in covered:
                continue
            s0 = k - 1
            while (
                s0 - 1 >= 0
                and doc[s0 - 1].text.islower()
                and doc[s0 - 1].dep_ in ("amod", "compound", "cc", "conj", "nmod")
                and k - s0 < 6
            ):
                s0 -= 1
            name = doc[s0:k].text
            out.append(Cand(s0, k, name, cls, "acronym", acronyms=[acr.text]))
        return out

    def _acronym_mentions(self, doc: Doc, cands: list[Cand]) -> list[Cand]:
        """Later uses of an acronym defined in the text ("the SPMAGTF-SC service members")."""
        defined = {a: c.cls for c in cands for a in c.acronyms}
        if not defined:
            return cands
        covered = {i for c in cands for i in c.tokens}
        extra = []
        for tok in doc:
            if tok.i in covered or (tok.i > 0 and doc[tok.i - 1].text == "("):
                continue  # the definition itself, "Name (ACR)"
            for n in (3, 1):
                end = tok.i + n
                if end > len(doc) or any(x in covered for x in range(tok.i, end)):
                    continue
                text = doc[tok.i : end].text
                if text in defined:
                    extra.append(Cand(tok.i, end, text, defined[text], "acronym"))
                    covered.update(range(tok.i, end))
                    break
        return sorted(cands + extra, key=lambda c: (c.start, c.end)) if extra else cands

    def _stated_countries(self, doc: Doc, cands: list[Cand]) -> None:
        """A state the text gives a body right after its name: in brackets ("the Civil Guard
        (Spain)") or in an apposition ("the Civil Guard, Spain's police force,")."""
        n = len(doc)
        for c in cands:
            if c.country or c.cls not in _ORG_CLASSES or c.key:
                continue
            k = c.end
            if k + 2 < n and doc[k].text == "(":
                close = next((m for m in range(k + 1, min(n, k + 5)) if doc[m].text == ")"), None)
                if close is not None:
                    country = self.lex.country_of(_span_text(doc, k + 1, close))
                    if country and self.gazetteer(_span_text(doc, k + 1, close)):
                        c.country, c.evidence, c.core = country, "bracket", c.name
                continue
            if k + 3 >= n or doc[k].text != ",":
                continue
            m = k + 1
            if doc[m].lower_ in ("the", "a"):
                m += 1
            country = None
            for width in (3, 2, 1):
                if m + width < n and (found := self.lex.country_of(_span_text(doc, m, m + width))):
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
                    _span_text(doc, org.start, tok.i + 1),
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

    def _head_token(self, doc: Doc, c: Cand) -> int:
        if c.end - c.start == 1:
            return c.start
        span: Span = doc[c.start : c.end]
        try:
            return span.root.i
        except Exception:  # noqa: BLE001 - a span across sentences has no single root
            return c.end - 1
