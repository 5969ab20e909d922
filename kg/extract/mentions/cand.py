"""A candidate mention: ``Cand``, a span of tokens with the name, class and state it stands for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


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
