"""The ontology's namespace as a closed class, so that a misspelled term fails at import time.

The terms listed here must match ``kg/ontology/kg.ttl``; ``tests/rdf/test_vocab.py`` checks both
ways.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/newskg/"
ONTOLOGY_IRI = BASE + "ontology"
ENTITY = Namespace(BASE + "id/")
DOCUMENT = Namespace(BASE + "doc/")
STATEMENT = Namespace(BASE + "stmt/")
FACT = Namespace(BASE + "fact/")  # fact nodes of the merged graph (kg.store.merged)
PROV = Namespace("http://www.w3.org/ns/prov#")


class KG(DefinedNamespace):
    """Classes and properties of the kg ontology (``https://w3id.org/newskg/ontology#``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Agent: URIRef
    Person: URIRef
    Organization: URIRef
    GovernmentBody: URIRef
    MilitaryUnit: URIRef
    PoliceUnit: URIRef
    Place: URIRef
    Country: URIRef
    Event: URIRef
    Document: URIRef
    Extractor: URIRef
    Fact: URIRef

    # relations
    trainsWith: URIRef
    cooperatesWith: URIRef
    meetsWith: URIRef
    partOf: URIRef
    affiliatedWith: URIRef
    worksFor: URIRef
    leads: URIRef
    hasTitle: URIRef
    locatedIn: URIRef
    basedIn: URIRef
    livesIn: URIRef
    killed: URIRef
    authorizes: URIRef
    deployedTo: URIRef
    participatesIn: URIRef

    # statement provenance
    sentence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    confidence: URIRef
    extractor: URIRef
    modality: URIRef
    attributedTo: URIRef
    contentHash: URIRef
    text: URIRef
    mergeEvidence: URIRef
    eventDate: URIRef
    eventDateText: URIRef
    documentCount: URIRef


#: Entity classes an extractor may assign, most specific first where it matters.
ENTITY_CLASSES: tuple[str, ...] = (
    "Person",
    "Organization",
    "GovernmentBody",
    "MilitaryUnit",
    "PoliceUnit",
    "Country",
    "Place",
    "Event",
)

#: Properties between entities (hasTitle, whose object is a string, is listed apart).
OBJECT_PROPERTIES: tuple[str, ...] = (
    "trainsWith",
    "cooperatesWith",
    "meetsWith",
    "partOf",
    "affiliatedWith",
    "worksFor",
    "leads",
    "locatedIn",
    "basedIn",
    "livesIn",
    "killed",
    "authorizes",
    "deployedTo",
    "participatesIn",
)
LITERAL_PROPERTIES: tuple[str, ...] = ("hasTitle",)
PROPERTIES: tuple[str, ...] = OBJECT_PROPERTIES + LITERAL_PROPERTIES
SYMMETRIC_PROPERTIES: frozenset[str] = frozenset({"trainsWith", "cooperatesWith", "meetsWith"})
TRANSITIVE_PROPERTIES: frozenset[str] = frozenset({"partOf"})
#: Facts that are themselves events in news (a training, a meeting, a deployment, an
#: authorisation, a killing): their statements carry the date the text gives them (kg:eventDate).
#: The others (membership, titles, locations) are states, not dated.
EVENT_PROPERTIES: frozenset[str] = frozenset(
    {
        "trainsWith",
        "cooperatesWith",
        "meetsWith",
        "killed",
        "authorizes",
        "deployedTo",
        "participatesIn",
    }
)
MODALITIES: tuple[str, ...] = ("asserted", "reported", "planned", "hypothetical")
