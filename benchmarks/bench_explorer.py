"""Page timings of the explorer (``kg serve``) on a generated store of many documents.

    python benchmarks/bench_explorer.py --documents 10000            # makes the store, then times
    python benchmarks/bench_explorer.py --store /tmp/kg-10k --documents 10000   # reuses it

The store is generated in the project's own shape (``kg.records`` → ``kg.rdf.quads``, one
transaction per document, as ``kg build`` writes it), without spaCy: each document names about
20 entities drawn with a skewed popularity from a shared pool (a few countries in most documents,
most units in a handful), and states about 25 facts with a sentence, offsets, confidence,
modality and, for events, a date. Then a ``kg serve`` is started on it and each page is requested
``--repeat`` times (after one warm-up request per URL; the label index and the summaries of
``kg.views.explorer.summaries`` are read first, with their time and the worker's memory): the
median and the slowest time per page kind are printed, with the URLs used (the entity, fact,
document, network, filtered network and timeline pages; a hub's property page 2, its network
and its timeline).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLASSES = ["MilitaryUnit", "MilitaryUnit", "PoliceUnit", "GovernmentBody", "Organization", "Person"]
FACTS = ["trainsWith", "cooperatesWith", "partOf", "meetsWith", "worksFor", "deployedTo"]
MODALITIES = ["asserted"] * 8 + ["reported", "planned"]
FILLER = [
    "Officials gave few details about the schedule of the visit.",
    "The ministry said the programme had been planned for months and would continue next year.",
    "Analysts in the region described the arrangement as routine.",
    "Local media reported that the talks were held behind closed doors.",
    "A spokesperson declined to comment on the number of personnel involved.",
]


def make_store(folder: Path, documents: int, seed: int = 11) -> None:
    from kg.rdf import quads as graph
    from kg.records import Document, Entity, Evidence, Extraction, Relation
    from kg.store import open_store

    rng = random.Random(seed)
    countries = [f"Country {i}" for i in range(60)]
    pool = [(f"Unit {i}", CLASSES[i % len(CLASSES)]) for i in range(max(500, documents * 2))]
    class_of = dict(pool)
    weights = [1 / (i + 1) ** 0.8 for i in range(len(pool))]
    cweights = [1 / (i + 1) ** 1.2 for i in range(len(countries))]
    start = date(2023, 1, 1)
    t0 = time.monotonic()
    with open_store(str(folder)) as store:
        for d in range(documents):
            doc_id = f"gen-{d:06d}"
            day = start + timedelta(days=rng.randrange(1000))
            names = {n for n, _ in rng.choices(pool, weights, k=16)}
            places = set(rng.choices(countries, cweights, k=4))
            entities = [
                Entity(
                    n,
                    class_of[n],
                    n,
                    {n.replace("Unit", "U.")},
                    merges=[f"'{n.replace('Unit', 'U.')}' -> '{n}': short form of a longer name"],
                )
                for n in sorted(names)
            ] + [Entity(c, "Country", c) for c in sorted(places)]
            text = f"Generated report {d}\n\n"  # a headline, then paragraphs
            relations = []
            keys = sorted(names)
            for i in range(25):
                s, o = rng.sample(keys, 2)
                prop = rng.choice(FACTS)
                if prop == "deployedTo":
                    o = rng.choice(sorted(places))
                text += rng.choice(FILLER) + " "  # the text between the facts' sentences
                sentence = f"{s} and {o} were reported together ({prop}) in a long sentence here."
                begin = len(text)
                text += sentence + ("\n\n" if i % 4 == 3 else " ")
                ev = Evidence(
                    doc_id,
                    sentence,
                    begin,
                    begin + len(sentence),
                    "gen.rule.v1",
                    round(rng.uniform(0.3, 0.99), 3),
                    rng.choice(MODALITIES),
                    event_date=(day - timedelta(days=rng.randrange(7))).isoformat()
                    if prop in ("trainsWith", "meetsWith", "deployedTo")
                    else None,
                )
                relations.append(Relation(s, prop, o, ev))
            for n in keys[:6]:
                relations.append(Relation(n, "affiliatedWith", rng.choice(sorted(places)), ev))
            doc = Document(
                doc_id,
                text.strip(),
                f"generated/{doc_id}.txt",
                title=f"Generated report {d}",
                published=day.isoformat(),
                url=f"https://news.example/{doc_id}",
            )
            ex = Extraction(doc, entities, relations)
            store.replace_document(graph.document_iri(doc_id), list(graph.extraction_quads(ex)))
            if (d + 1) % 1000 == 0:
                print(f"  {d + 1} documents in {time.monotonic() - t0:.0f} s", file=sys.stderr)


def _time(url: str) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as resp:
        resp.read()
    return (time.perf_counter() - t) * 1000


def measure(folder: Path, repeat: int, documents: int, no_summaries: bool = False) -> None:
    import json

    from kg.views.serve import Server

    units = max(500, documents * 2)  # the pool of make_store
    t = time.perf_counter()  # the worker opens the store, starts the index, lists the graphs
    with Server(None, str(folder), port=0, timeout=120, workers=1) as srv:
        pages = {
            "search (common prefix)": "/search?q=unit+1",
            "search (one entity)": f"/search?q=u.+{min(4321, units - 1)}",
            "entity (hub: most documents)": "/entity/Unit_0",
            "entity (typical)": "/entity/Unit_250",
            "entity (rare)": f"/entity/Unit_{min(9000, units - 1)}",
            "entity (country)": "/entity/Country_0",
            "document": f"/document/gen-{min(4321, documents - 1):06d}",
            "entity JSON (hub)": "/entity/Unit_0?format=json",
            "entity (hub, one property, p. 2)": "/entity/Unit_0?property=trainsWith&page=2",
            "entity (country, property, p. 2)": "/entity/Country_0?property=affiliatedWith&page=2",
            "network (hub, depth 1)": "/network?entity=Unit_0&depth=1&format=json",
            "network (hub, filtered)": "/network?entity=Unit_0&modality=planned&format=json",
            "network (hub, asserted)": "/network?entity=Unit_0&modality=asserted&format=json",
            "network (hub, confidence)": "/network?entity=Unit_0&confidence=0.9&format=json",
            "network (hub, dates)": "/network?entity=Unit_0&from=2024-01-01&to=2024-03-31"
            + "&format=json",
            "network (hub, page)": "/network?entity=Unit_0&depth=1",
            "network (typical, depth 2)": "/network?entity=Unit_250&depth=2&format=json",
            "network (document)": f"/network?document=gen-{min(4321, documents - 1):06d}"
            + "&format=json",
            "timeline": "/timeline",
            "timeline (hub)": "/timeline?entity=Unit_0",
        }
        started = (time.perf_counter() - t) * 1000
        while True:  # the index is read in the background: 503 + Retry-After until it is ready
            try:
                _time(srv.url + "/search?q=x")
                break
            except urllib.error.HTTPError as err:
                if err.code != 503:
                    raise
                time.sleep(1)
        print(
            f"server started in {started:.0f} ms (its worker lists the store's graphs), "
            f"index ready {(time.perf_counter() - t) * 1000:.0f} ms after the start"
        )
        if not no_summaries:  # the pages are timed with the worker's summaries read
            while True:
                status = srv.pool.run(("view", "status", {}), 120)[1]
                if status.get("summaries") is not None or status.get("summariesError"):
                    break
                time.sleep(0.5)
            print(
                f"worker: label index read in {status['index']:.1f} s, summaries in "
                f"{status['summaries'] or 0:.1f} s ({status['summariesError'] or 'ok'}); "
                f"resident {status['rssMB'] or 0:.0f} MB, peak {status['peakRssMB']:.0f} MB"
            )
        # the fact page of the hub's most corroborated fact (its id is a hash: asked for)
        with urllib.request.urlopen(srv.url + "/entity/Unit_0?format=json", timeout=120) as resp:
            hub = json.loads(resp.read())
        best = max((f for g in hub["groups"] for f in g["facts"]), key=lambda f: f["documents"])
        pages["fact (hub's most corroborated)"] = f"/fact/{best['id']}"
        # the document filter: the document stating the most of the hub's edges (listed first)
        with urllib.request.urlopen(
            srv.url + "/network?entity=Unit_0&format=json", timeout=120
        ) as resp:
            doc = json.loads(resp.read())["documents"][0]["id"]
        pages["network (hub, document)"] = f"/network?entity=Unit_0&doc={doc}&format=json"
        pages["network (hub, combined)"] = (
            "/network?entity=Unit_0&confidence=0.5&from=2023-06-01&to=2024-12-31"
            "&modality=asserted&modality=reported&format=json"
        )
        print(f"{'page':32} {'median ms':>10} {'max ms':>8}  url")
        for name, path in pages.items():
            url = srv.url + urllib.parse.quote(path, safe="/?=&+")
            _time(url)  # warm-up
            times = [_time(url) for _ in range(repeat)]
            print(f"{name:32} {statistics.median(times):10.0f} {max(times):8.0f}  {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--store", type=Path, default=None, help="store folder (made if absent)")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="time the pages as soon as the label index is read (code without summaries)",
    )
    args = parser.parse_args()
    folder = args.store or Path(f"/tmp/kg-explorer-{args.documents}")
    if not (folder / "kg.lock").exists() and not folder.exists():
        t = time.monotonic()
        print(f"generating {args.documents} documents into {folder}", file=sys.stderr)
        make_store(folder, args.documents)
        print(f"store made in {time.monotonic() - t:.0f} s", file=sys.stderr)
    measure(folder, args.repeat, args.documents, args.no_wait)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
