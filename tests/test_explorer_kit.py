"""A dated document for the explorer tests: a training with a date the text gives it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kg.records import Document, Entity, Evidence, Extraction, Relation
from kg.store import open_graph
from kg.views.explorer.data import Views

if TYPE_CHECKING:
    from kg.views.serve import Server

DATED_SENTENCE = "The FOES trained with U.S. Special Forces on 3 March 2026."


def dated_extraction() -> Extraction:
    doc = Document(
        "dated-1",
        DATED_SENTENCE,
        "articles/dated-1.txt",
        title="Dated drill",
        published="2026-03-05",
    )
    ev = Evidence(
        "dated-1",
        DATED_SENTENCE,
        0,
        len(DATED_SENTENCE),
        "test.rule",
        0.81,
        event_date="2026-03-03",
        event_date_text="on 3 March 2026",
    )
    return Extraction(
        doc,
        [
            Entity("FOES", "MilitaryUnit", "FOES"),
            Entity("US Special Forces", "MilitaryUnit", "U.S. Special Forces"),
        ],
        [Relation("FOES", "trainsWith", "US Special Forces", ev)],
    )


# An article stored with its text: two sentences read where the offsets say, one whose offsets are
# wrong (found by its words), one that is not in the text at all; hostile markup in the text.
ARTICLE_TEXT = (
    "Coast drills <script>alert(1)</script>\n\n"
    "Officials said little. The Chilean Navy trained with the Peruvian Navy off Arica.\n\n"
    "The exercise lasted a week. The Peruvian Navy is part of the Armed Forces of Peru."
)
TRAIN = "The Chilean Navy trained with the Peruvian Navy off Arica."
PART = "The Peruvian Navy is part of the Armed Forces of Peru."
ELSEWHERE = "The Chilean Navy met the Peruvian Navy in Lima."


def article_extraction() -> Extraction:
    def ev(sentence: str, start: int, conf: float) -> Evidence:
        return Evidence("coast-1", sentence, start, start + len(sentence), "test.rule", conf)

    doc = Document(
        "coast-1",
        ARTICLE_TEXT,
        "articles/coast-1.txt",
        title="Coast drills",
        published="2026-04-02",
    )
    return Extraction(
        doc,
        [
            Entity("Chilean Navy", "MilitaryUnit", "Chilean Navy"),
            Entity("Peruvian Navy", "MilitaryUnit", "Peruvian Navy"),
            Entity("Armed Forces of Peru", "MilitaryUnit", "Armed Forces of Peru"),
        ],
        [
            Relation(
                "Chilean Navy",
                "trainsWith",
                "Peruvian Navy",
                ev(TRAIN, ARTICLE_TEXT.index(TRAIN), 0.9),
            ),
            # offsets 3 characters off: found by its words
            Relation(
                "Peruvian Navy",
                "partOf",
                "Armed Forces of Peru",
                ev(PART, ARTICLE_TEXT.index(PART) + 3, 0.8),
            ),
            Relation("Chilean Navy", "meetsWith", "Peruvian Navy", ev(ELSEWHERE, 5, 0.5)),
        ],
    )


# One fact stated by four documents; only the least confident statement is "planned", dated in
# 2024 and in drill-4: a filter on any of these must still find the fact.
def drill_extractions() -> list[Extraction]:
    out = []
    for n, (conf, modality, when) in enumerate(
        [
            (0.9, "asserted", "2025-05-01"),
            (0.8, "asserted", "2025-05-02"),
            (0.7, "reported", "2025-05-03"),
            (0.6, "planned", "2024-06-01"),
        ],
        1,
    ):
        sentence = f"Alpha Unit drilled with Bravo Unit (report {n})."
        doc = Document(f"drill-{n}", sentence, f"articles/drill-{n}.txt", title=f"Drill {n}")
        ev = Evidence(
            f"drill-{n}", sentence, 0, len(sentence), "test.rule", conf, modality, event_date=when
        )
        out.append(
            Extraction(
                doc,
                [
                    Entity("Alpha Unit", "MilitaryUnit", "Alpha Unit"),
                    Entity("Bravo Unit", "MilitaryUnit", "Bravo Unit"),
                ],
                [Relation("Alpha Unit", "trainsWith", "Bravo Unit", ev)],
            )
        )
    return out


# A hub for the paging tests: "Hub" trains with 61 partners (a hostile label among them), is part
# of a command and has a cell; the first ten partners are named in more documents (11 down to 2).
HUB_PARTNERS = [f"Partner {i:02d}" for i in range(60)]
HOSTILE_PARTNER = "<b>Sneaky</b><img src=x onerror=alert(1)>"


def hub_extractions() -> list[Extraction]:
    text, relations = "", []
    partners = [(name, name) for name in HUB_PARTNERS] + [("Sneaky", HOSTILE_PARTNER)]
    for i, (key, label) in enumerate(partners):
        sentence = f"Hub trained with {label} (drill {i})."
        ev = Evidence(
            "hub-main",
            sentence,
            len(text),
            len(text) + len(sentence),
            "test.rule",
            0.5 + i / 200,
            event_date=f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}",
        )
        relations.append(Relation("Hub", "trainsWith", key, ev))
        text += sentence + " "
    for s, o in (("Hub", "Command"), ("Cell", "Hub")):
        sentence = f"{s} is part of {o}."
        ev = Evidence("hub-main", sentence, len(text), len(text) + len(sentence), "test.rule", 0.7)
        relations.append(Relation(s, "partOf", o, ev))
        text += sentence + " "
    entities = [Entity("Hub", "MilitaryUnit", "Hub")]
    entities += [Entity(key, "MilitaryUnit", label) for key, label in partners]
    entities += [Entity(n, "MilitaryUnit", n) for n in ("Command", "Cell")]
    doc = Document("hub-main", text.strip(), "articles/hub-main.txt", title="Hub drills")
    out = [Extraction(doc, entities, relations)]
    for k in range(10):  # Partner 00 in ten more documents, Partner 01 in nine, ...
        named = [Entity(name, "MilitaryUnit", name) for name in HUB_PARTNERS[: 10 - k]]
        doc = Document(
            f"hub-extra-{k}",
            "Partners named.",
            f"articles/hub-extra-{k}.txt",
            published="2025-06-01",
        )
        out.append(Extraction(doc, [Entity("Hub", "MilitaryUnit", "Hub"), *named], []))
    return out


def get_page(server: Server, path: str, accept: str = "text/html") -> tuple[int, str]:
    """Status and body of ``path`` on a running ``kg serve`` (an error status is an answer)."""
    request = urllib.request.Request(server.url + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def get_json(server: Server, path: str) -> Any:
    """``path``'s JSON answer, which must be a 200."""
    status, body = get_page(server, path, "application/json")
    assert status == 200, body
    return json.loads(body)


@contextmanager
def open_views(location: str) -> Iterator[Views]:
    """The explorer's views on a store, stopped and closed afterwards (a test fixture's body)."""
    source = open_graph(store=location)
    found = Views(source)
    try:
        yield found
    finally:
        found.stop()
        source.close()
