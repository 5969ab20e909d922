"""A small hand-made graph for the viz, analytics and browser tests (not a test module).

Three documents; a symmetric fact stated in opposite directions by two of them; two facts between
one pair; a hostile label and hostile sentences; a literal ``hasTitle``; an isolated entity; a
low-confidence fact; an undated document.
"""

from __future__ import annotations

from kg.rdf.quads import to_dataset
from kg.rdf.terms import entity_iri
from kg.records import Document, Entity, Evidence, Extraction, Relation

XSS_LABEL = "<img src=x onerror=alert(1)>"
TRAIN_SENTENCE = "U.S. Special Forces trained with the FOES in Callao <b>last week</b>."
SCRIPT_TITLE = "Peru hosts <script>alert('t')</script> US forces"


def ev(doc: str, sentence: str, conf: float = 0.9, rule: str = "test.rule") -> Evidence:
    return Evidence(doc, sentence, 0, len(sentence), rule, conf)


def extractions() -> list[Extraction]:
    d1 = Document(
        "peru-1", "one", "articles/peru-1.txt", title=SCRIPT_TITLE, published="2026-01-10"
    )
    d2 = Document(
        "peru-2", "two", "articles/peru-2.txt", title="Second story", published="2026-02-20"
    )
    d3 = Document("undated", "three", "articles/undated.txt", title="Undated note")
    e1 = [
        Entity("US Special Forces", "MilitaryUnit", "U.S. Special Forces", {"Green Berets"}),
        Entity("FOES", "MilitaryUnit", "FOES", {"Naval Special Operations Forces"}),
        Entity("Peru", "Country", "Peru"),
        Entity("Intruder", "Person", XSS_LABEL),
        Entity("Hugo de Zela", "Person", "Hugo de Zela"),
        Entity("Loner", "Organization", "Lonely Foundation"),
    ]
    r1 = [
        Relation("US Special Forces", "trainsWith", "FOES", ev("peru-1", TRAIN_SENTENCE, 0.92)),
        Relation("FOES", "affiliatedWith", "Peru", ev("peru-1", "The FOES of Peru.", 0.4)),
        Relation(
            "Intruder",
            "meetsWith",
            "Hugo de Zela",
            ev("peru-1", f"{XSS_LABEL} met Hugo de Zela.", 0.7),
        ),
        Relation(
            "Hugo de Zela",
            "hasTitle",
            "Foreign Minister",
            ev("peru-1", "Foreign Minister Hugo de Zela spoke.", 0.8),
            literal=True,
        ),
    ]
    e2 = [
        Entity("FOES", "MilitaryUnit", "FOES"),
        Entity("US Special Forces", "MilitaryUnit", "US Special Forces"),
        Entity("Congress of Peru", "GovernmentBody", "Congress of Peru"),
        Entity("Lima", "Place", "Lima"),
    ]
    r2 = [
        # the same symmetric fact as in peru-1, stated the other way round
        Relation(
            "FOES",
            "trainsWith",
            "US Special Forces",
            ev("peru-2", "The FOES and US forces trained together.", 0.6),
        ),
        Relation(
            "FOES",
            "cooperatesWith",
            "US Special Forces",
            ev("peru-2", "The FOES cooperate with US forces.", 0.55),
        ),
        Relation(
            "Congress of Peru",
            "authorizes",
            "US Special Forces",
            ev("peru-2", "Congress authorised the entry of US troops.", 0.85),
        ),
        Relation(
            "Congress of Peru", "basedIn", "Lima", ev("peru-2", "Congress sits in Lima.", 0.3)
        ),
    ]
    e3 = [Entity("Peru", "Country", "Peru"), Entity("Lima", "Place", "Lima")]
    r3 = [Relation("Lima", "locatedIn", "Peru", ev("undated", "Lima, the capital of Peru.", 0.95))]
    return [Extraction(d1, e1, r1), Extraction(d2, e2, r2), Extraction(d3, e3, r3)]


def dataset():
    """The sample as an rdflib Dataset (one named graph per document)."""
    return to_dataset(extractions())


def iri(key: str) -> str:
    return str(entity_iri(key))
