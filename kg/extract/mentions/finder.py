"""The mention finder: every source's candidates (capitalised names, generic forces, spaCy's
entities, exercises, the people and outlets of bylines and datelines), headline names confirmed
by the article, non-overlapping mentions chosen, then acronyms, forces and states read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.lines import Layout, read_layout
from kg.extract.mentions.acronyms import AcronymReader
from kg.extract.mentions.cand import Cand
from kg.extract.mentions.generics import GenericSource
from kg.extract.mentions.names import NameSource
from kg.extract.mentions.ner import NerSource
from kg.extract.mentions.repeats import repeat_mentions
from kg.extract.mentions.states import StateReader
from kg.extract.mentions.words import span_text
from kg.nlp.tokens import token_view

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


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


class MentionFinder(NameSource, GenericSource, NerSource, AcronymReader, StateReader):
    """Finds candidate mentions in a parsed document; built once per process."""

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
        chosen = repeat_mentions(doc, chosen, layout.skip)
        chosen = self._drop_documents(chosen)
        self._stated_countries(doc, chosen)
        self._sentence_countries(doc, chosen)
        chosen = _drop_cut_off(doc, chosen)
        for c in chosen:
            c.line = c.line or layout.line_of.get(c.start, "")
            c.head = self._head_token(doc, c)
            c.char_start = doc[c.start].idx
            c.char_end = doc[c.end - 1].idx + len(doc[c.end - 1].text)
        return chosen

    def _drop_documents(self, cands: list[Cand]) -> list[Cand]:
        """Names of agreements, memoranda and treaties ("Visiting Forces Agreement", "MoU") are
        no entities of the ontology; nor are the acronyms the text defines for them."""
        heads = self.lex.document_heads

        def names_a_document(c: Cand) -> bool:
            words = c.name.lower().replace("’s", "").split()
            if "of" in words[1:]:
                words = words[: words.index("of", 1)]  # "Treaty of Tlatelolco"
            return bool(words) and words[-1].strip(".,") in heads

        documents = [c for c in cands if names_a_document(c)]
        acronyms = {a for c in documents for a in c.acronyms}
        return [c for c in cands if c not in documents and c.name not in acronyms]

    def _layout_parts(self, doc: Doc, layout: Layout) -> list[Cand]:
        """The people, outlets and places that bylines, datelines and credits name, typed by
        their role there (see ``kg.extract.lines``)."""
        out: list[Cand] = []
        for part in layout.parts:
            start, end = part.start, part.end
            written = part.text or span_text(doc, start, end)
            if part.role == "person":
                a = start
                while a < end - 1 and self._is_rank_or_title(doc[a]):
                    a += 1
                name = _display_case(span_text(doc, a, end), self.lex.ship_prefixes)
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
                    if _fold(span_text(doc, a, b)) in body:
                        best = (a, b)
                        break
            if best is None:
                continue
            seen = body[_fold(span_text(doc, best[0], best[1]))]
            out.append(
                Cand(
                    best[0],
                    best[1],
                    span_text(doc, best[0], best[1]),
                    seen.cls,
                    "name",
                    seen.country,
                    seen.kind,
                    seen.key,
                )
            )
        return out

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

    def _head_token(self, doc: Doc, c: Cand) -> int:
        if c.end - c.start == 1:
            return c.start
        span: Span = doc[c.start : c.end]
        try:
            return span.root.i
        except Exception:  # noqa: BLE001 - a span across sentences has no single root
            return c.end - 1
