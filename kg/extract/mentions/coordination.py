"""Coordinations: names joined by "and" split when each stands on its own, demonyms or states
listed before or after one noun distributed ("Italian and Norwegian Special Operations
Commands", "Armed Forces of Peru, Chile and ..."), ordinals ("the first, third, and sixth
Brigades"), plural bodies ("Ministries of Foreign Affairs and Defense"), and "X of Y" split into
two organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.extract.mentions.cand import Cand
from kg.extract.mentions.people import PersonSplitter
from kg.extract.mentions.words import (
    GENERIC_KINDS,
    ORDINALS,
    ORG_CLASSES,
    clean_bounds,
    is_cap,
    span_text,
    to_singular,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc


class CoordinationSplitter(PersonSplitter):
    """Splits and distributes coordinated names into one mention each."""

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

    def _complete(self, doc: Doc, start: int, end: int, source: str) -> list[Cand] | None:
        """The mentions a span names when it stands as a name on its own: a gazetteer name, a
        person (with a rank or title glued on), or a name with a head noun; else None."""
        start, end = clean_bounds(doc, start, end, self.lex.honorifics)
        if end <= start:
            return None
        hit = self.gazetteer(span_text(doc, start, end))
        if hit is not None:
            name, cls, country = hit
            return [
                Cand(start, end, span_text(doc, start, end), cls, "gazetteer", country, key=name)
            ]
        people = self._split_person(doc, start, end, source)
        if people is not None:
            return people
        if any(self.lex.titles.get(t.lower_) in ("head", "leader") for t in doc[start + 1 : end]):
            return None  # "Staff Officer One – Operations": an office, not a name
        found = self._person_at(doc, end, start)
        if found is not None and found[0] == start:
            return [Cand(start, found[1], span_text(doc, start, found[1]), "Person", source)]
        typed = self._typed(doc, start, end, source, None)
        return [typed] if typed is not None and typed.cls != "Person" else None

    def _inside_gazetteer_name(self, doc: Doc, start: int, end: int, k: int) -> bool:
        """Whether token ``k`` lies inside a gazetteer name within ``[start, end)`` ("Trinidad
        and Tobago Coast Guard")."""
        for a in range(max(start, k - 5), k):
            for b in range(min(end, k + 6), k + 1, -1):
                if self.gazetteer(span_text(doc, a, b)) is not None:
                    return True
        return False

    def _split_coordination(self, doc: Doc, start: int, end: int, source: str) -> list[Cand] | None:
        """Names joined by "and" are two names when each stands on its own ("U.S. 2nd Fleet
        and Naval Striking and Support Forces NATO", "Niger and Burkina Faso", "Deputy Minister
        Ana Ruiz and Police Service Commander Jo Lee"); a demonym before another's name shares
        its noun ("Italian and Norwegian Special Operations Commands"). An "and" inside one name
        ("Naval Striking and Support Forces", "Trinidad and Tobago") is left alone."""
        start, end = clean_bounds(doc, start, end, self.lex.honorifics)
        ands = [k for k in range(start + 1, end - 1) if doc[k].lower_ in ("and", "&")]
        if not ands or self.gazetteer(span_text(doc, start, end)) is not None:
            return None
        if end < len(doc) and doc[end].lower_ in GENERIC_KINDS:
            bounds = [start - 1, *ands, end]
            if all(
                self.lex.country_of(span_text(doc, a + 1, b)) is not None
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
        right = self.gazetteer(span_text(doc, k + 1, end)) if end <= len(doc) else None
        if right is None or right[1] not in ("Place", "Country") or k - start < 2:
            return False
        for n in (2, 1):
            left = self.gazetteer(span_text(doc, k - n, k)) if k - n > start else None
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
        rest = span_text(doc, last, end - 1)
        singular = to_singular(head.text)
        # "the Australian, Canadian, French, Italian and Norwegian … Commands": the demonyms
        # listed before the run, each with its comma
        spans = [(q0, q1) for q0, q1, _c in reversed(self._coordinated_qualifiers(doc, start))]
        spans += [(q, q + 1) for q in qualifiers] + [(k + 1, last)]
        out: list[Cand] = []
        for q0, q1 in spans:
            word = span_text(doc, q0, q1)
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
            if start + n < end and self.lex.country_of(span_text(doc, start, start + n)):
                return start + n
        return None

    def _owner_list(self, doc: Doc, cand: Cand) -> list[Cand]:
        """ "the Armed Forces of Peru, Colombia, Ecuador and Chile": one body of each state
        listed after "of"."""
        words = cand.name.split()
        of = next((i for i in range(len(words) - 1, 0, -1) if words[i].lower() == "of"), None)
        if cand.cls not in ORG_CLASSES or of is None:
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
            while e < len(doc) and is_cap(doc[e]) and e - m < 4:
                e += 1
            country = self.lex.country_of(span_text(doc, m, e)) if e > m else None
            if country is None:
                break
            out.append(
                Cand(m, e, f"{base} {span_text(doc, m, e)}", cand.cls, "coordination", country)
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
        while k < len(doc) and doc[k].text in (",", "and") or (k < len(doc) and is_cap(doc[k])):
            if is_cap(doc[k]):
                m = k
                while m < len(doc) and is_cap(doc[m]):
                    m += 1
                item = span_text(doc, k, m)
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
        while i < j - 1 and (doc[i].lower_ in ORDINALS or doc[i].text in (",", "and")):
            if doc[i].lower_ in ORDINALS:
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
        while k >= 0 and (doc[k].lower_ in ORDINALS or doc[k].text in (",", "and")):
            if doc[k].lower_ in ORDINALS:
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
                f"{ORDINALS[doc[o].lower_]} {base}",
                cls,
                "coordination",
            )
            for o in sorted(ords)
        ]

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
                country = self.lex.country_of(span_text(doc, a, k - 1))
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
