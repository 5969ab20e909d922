"""Acronyms defined in the text ("Name (ACR)", "ACR (Name)", "Name, known as ACR"), other names
in brackets ("the Civil Guard (Guardia Civil)"), described bodies named by an acronym, and the
later uses of a defined acronym."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from kg.extract.mentions.cand import Cand
from kg.extract.mentions.naming import NameTyper
from kg.extract.mentions.words import CONNECTORS, ORG_CLASSES, PARTICLES, is_cap, span_text

if TYPE_CHECKING:
    from spacy.tokens import Doc

_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&\-]{1,11}$")


def _abbreviates(acr: str, words: list[str]) -> bool:
    """Whether ``acr`` is made of the starts of the words, in order ("CDMA": Conference of
    Defense Ministers of the Americas; "MARFORSOUTH": Marine Corps Forces South); the first
    word must give the first letters, others may be skipped."""
    a = re.sub(r"[^a-z0-9]", "", acr.lower())
    ws = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in words if w.lower() not in CONNECTORS]
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


def _abbreviates_plural(acr: str, words: list[str]) -> bool:
    """``_abbreviates``, or so with a plural's "s" at the end ("BALTOPS": Baltic Operations)."""
    if _abbreviates(acr, words):
        return True
    return (
        len(acr) > 2
        and acr[-1] in "sS"
        and bool(words)
        and words[-1].lower().endswith("s")
        and _abbreviates(acr[:-1], words)
    )


class AcronymReader(NameTyper):
    """Reads the acronyms and other names the text defines."""

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
                elif c.cls in ORG_CLASSES and self._other_name(doc, k + 1, e) and nxt == ")":
                    # "the Civil Guard (Guardia Civil)": another name of the same body
                    c.other_names.append(span_text(doc, k + 1, e))
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
            elif (
                k + 2 < len(doc)
                and doc[k].text == ","
                and doc[k + 1].lower_ == "or"
                and _ACRONYM.match(doc[k + 2].text)
                and _abbreviates_plural(doc[k + 2].text, c.name.split())
                and (k + 3 == len(doc) or doc[k + 3].text in (",", ".", ")", ";"))
                and c.cls not in ("Person", "Country")
            ):
                # "Baltic Operations, or BALTOPS,": the short name set off like a bracket (not
                # a choice between two bodies: the acronym is made of the name's word starts)
                c.acronyms.append(doc[k + 2].text)
                other = by_start.get(k + 2)
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
        if not all(is_cap(t) or t.lower_ in PARTICLES | {"des", "la", "le"} for t in words):
            return False
        return self.gazetteer(span_text(doc, start, end)) is None and not any(
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
            if not is_cap(doc[s]) or doc[s].lower_ in CONNECTORS:
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
            if not is_cap(doc[s]) or any(t.text in (",", ";", "(", ")") for t in span):
                continue
            initials = [t.lower_[0] for t in span if t.is_alpha and t.lower_ not in CONNECTORS]
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
            if cls not in ORG_CLASSES or (k + 1) in covered:
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
