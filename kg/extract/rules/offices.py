"""The words of an office before a person's name, shared by the ``title.*`` rules: which
words are titles (``titles.tsv``), forms of address and postings to skip, what completes an
office ("chief of defense forces", "Secretary for Defence"), an office before the body it
heads and a rank ("Commander Kenya Army Lt Gen X"), two offices joined by "and"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lexicon import Lexicon
from kg.extract.relations import ORGS, Context

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


def title_role(word: str, lex: Lexicon) -> str | None:
    return lex.titles.get(word.lower().strip(".,"))


def before_address(doc: Doc, k: int, sent: Span, lex: Lexicon) -> int:
    """The token before the forms of address that end at ``k`` ("Kedah Police chief Datuk X",
    "Inspector-General of Police Tan Sri X"): the title stands before them."""
    while k >= sent.start:
        if k - 1 >= sent.start and f"{doc[k - 1].lower_} {doc[k].lower_}" in lex.honorifics:
            k -= 2
        elif doc[k].lower_ in lex.honorifics:
            k -= 1
        else:
            break
    return k


def office_before_body(ctx: Context, k: int, key: str, sent: Span, lex: Lexicon) -> bool:
    """ "Commander Kenya Army Lt Gen X": an office, the body it heads, then a rank before the
    name (``k``: the last word before the rank). The person holds the office in that body;
    without an office ("U.S. Army Lt. Col. X") the person serves in the body."""
    doc = ctx.doc
    body = ctx.key_at(k) if k >= sent.start else None
    if body is None or ctx.cls(body) not in ORGS:
        return False
    j = ctx.cands[ctx.tok2cand[k]].start - 1
    words: list[Token] = []
    while j >= sent.start and ctx.key_at(j) is None and doc[j].text[:1].isupper():
        if title_role(doc[j].text, lex) is None:
            break
        words.insert(0, doc[j])
        j -= 1
    roles = [title_role(w.text, lex) for w in words]
    if not words or roles[-1] not in ("head", "leader"):
        # "U.S. Army Lt. Col. X": the body a rank is held in
        ctx.emit(key, "worksFor", body, sent, "rank.org.v1", doc[k + 1])
        return False
    title = " ".join(w.text for w in words)
    trigger = words[-1]
    ctx.emit(key, "hasTitle", title, sent, "title.office.before.org.v1", trigger, literal=True)
    ctx.emit(key, "worksFor", body, sent, "title.office.before.org.v1", trigger)
    if "leader" in roles or is_leader_title(title):
        ctx.emit(key, "leads", body, sent, "title.office.before.leads.v1", trigger)
    return True


def coordinated_office(ctx: Context, k: int, key: str, sent: Span, lex: Lexicon) -> int | None:
    """ "Deputy Prime Minister and Defense Minister X": the office before "and" (ending at
    ``k``, the "and") is X's too. Its first token, or ``None``."""
    doc = ctx.doc
    if k - 1 < sent.start or doc[k].lower_ != "and":
        return None
    j = k - 1
    if title_role(doc[j].text, lex) not in ("head", "leader") or not doc[j].text[:1].isupper():
        return None
    while (
        j - 1 >= sent.start
        and ctx.key_at(j - 1) is None
        and doc[j - 1].text[:1].isupper()
        and title_role(doc[j - 1].text, lex) is not None
    ):
        j -= 1
    office = doc[j:k]
    trigger = doc[k - 1]
    ctx.emit(key, "hasTitle", office.text, sent, "title.before.coord.v1", trigger, literal=True)
    return j


def is_leader_title(title: str) -> bool:
    t = title.lower()
    return t.startswith(("commanding", "commander", "chief", "head", "director general")) or t in (
        "commanding general",
        "commanding officer",
        "director",
    )


def skip_posting(ctx: Context, k: int, sent: Span, lex: Lexicon) -> int:
    """Where the title ends when a posting stands between it and the name: "American ambassador
    to Thailand Glyn Davies" has the title "ambassador" (the annotation writes the office
    without the place it is posted to)."""
    doc = ctx.doc
    place = ctx.key_at(k) if k >= sent.start else None
    if place is None or ctx.cls(place) not in ("Country", "Place"):
        return k
    first = ctx.cands[ctx.tok2cand[k]].start
    if (
        first - 2 >= sent.start
        and doc[first - 1].lower_ in ("to", "in", "for")
        and title_role(doc[first - 2].text, lex) in ("head", "leader")
    ):
        return first - 2
    return k


def office_complement(ctx: Context, k: int, sent: Span, lex: Lexicon) -> int:
    """The first token of the words that complete an office after "of" ("Thai chief of defense
    forces Gen. Surapong": "defense forces"; "Director of Reforms John Kamau": "Reforms"), when
    a head word and "of" come right before them (at most three words, no name among them);
    ``k + 1`` when there are none."""
    doc = ctx.doc
    j = k
    while (
        j >= sent.start
        and k - j < 3
        and doc[j].is_alpha
        and (doc[j].is_lower or doc[j].is_title)
        and doc[j].lower_ not in ("of", "for")
        and title_role(doc[j].text, lex) not in ("head", "leader")
        and ctx.key_at(j) is None
    ):
        j -= 1
    if (
        j < k
        and j - 1 >= sent.start
        and doc[j].lower_ in ("of", "for")
        and title_role(doc[j - 1].text, lex) in ("head", "leader")
    ):
        return j + 1
    return k + 1
