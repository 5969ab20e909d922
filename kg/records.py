"""Plain typed records passed between the stages (ingest → extract → resolve → graph).

They hold only strings, numbers and tuples so that they pickle cheaply to a worker process and
can be built by hand in tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """One article as ingested.

    Attributes:
        id: Stable identifier, safe for an IRI path segment, unique across sources: derived from
            the canonical URL, or a slug of the file name (or record id) plus a hash of the text.
        text: The article text; all character offsets point into it.
        source: Where it came from: a file's resolved path, a URL, ``stdin``, or the place of
            an entry or record in its feed or archive (``path#3``, ``path:3``).
        title: The headline, when known.
        published: Publication date as ISO 8601 (``YYYY-MM-DD``), when known.
        sha256: SHA-256 of ``text``.
        author: The byline (several authors joined by ``"; "``), when known.
        url: The article's canonical ``http(s)`` URL, when known (its id derives from it).
    """

    id: str
    text: str
    source: str
    title: str | None = None
    published: str | None = None
    sha256: str = ""
    author: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_text(self.text))


@dataclass(frozen=True)
class Mention:
    """A span of the document text that names an entity."""

    text: str
    start: int
    end: int
    cls: str  # an ontology class local name, see vocab.ENTITY_CLASSES
    source: str = "ner"  # what found it: "ner", "gazetteer", "acronym", "headnoun", …


@dataclass(frozen=True)
class Evidence:
    """Where and how a statement was read.

    Attributes:
        doc_id: The document's id.
        sentence: The sentence text.
        start: Character offset of the sentence in the document.
        end: Exclusive end offset of the sentence in the document.
        rule: Id of the rule or model that produced the statement (``"dep.train.v1"``).
        confidence: Probability-like score in [0, 1].
        modality: One of vocab.MODALITIES.
        attributed_to: Who the text says stated it, if anyone.
        event_date: For a fact that is an event (a meeting, a training), the ISO date
            (``YYYY-MM-DD``) of a date expression attached to its verb, resolved against the
            article's publication date (see ``kg.extract.eventdates``).
        event_date_text: That date expression as written ("last Thursday").
    """

    doc_id: str
    sentence: str
    start: int
    end: int
    rule: str
    confidence: float
    modality: str = "asserted"
    attributed_to: str | None = None
    event_date: str | None = None
    event_date_text: str | None = None


@dataclass
class Entity:
    """A resolved entity of one document: one IRI, one class, all its surface forms.

    Attributes:
        key: Canonical name; the IRI is derived from it (see ``resolve.entity_iri``).
        cls: Ontology class local name.
        label: The preferred label (``skos:prefLabel``).
        aliases: Every other surface form seen (``skos:altLabel``), acronyms included.
        mentions: The spans where it is named.
        merges: Why each other surface form was merged into this entity, one line each
            (``"'FOES' -> 'Naval Special Operations Forces': acronym defined in the text"``).
        event_date: For an Event, the ISO date the article attaches to its first dated mention
            ("the exercise on December 4"), resolved against the publication date.
    """

    key: str
    cls: str
    label: str
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    event_date: str | None = None


@dataclass(frozen=True)
class Relation:
    """One extracted fact with its evidence.

    ``subject`` and, unless ``literal`` is true, ``object`` are entity keys; for a literal
    property (``hasTitle``) ``object`` is the string value.
    """

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    literal: bool = False


@dataclass
class Extraction:
    """Everything read from one document, ready to become a named graph."""

    document: Document
    entities: list[Entity]
    relations: list[Relation]


@dataclass
class DocumentStatus:
    """What happened to one input: ``ok``, ``unchanged``, ``skipped`` or ``failed``."""

    source: str
    status: str
    reason: str = ""
    doc_id: str = ""
    entities: int = 0  # in the document's graph, as kg.rdf.counts defines them
    facts: int = 0
    words: int = 0
    statements: int = 0
