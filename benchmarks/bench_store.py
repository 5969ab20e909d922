"""Benchmark the embedded store on synthetic data in the project's own shape.

    python benchmarks/bench_store.py                 # 1,000,000 triples (a few minutes, ~3 GB RAM)
    python benchmarks/bench_store.py --triples 50000 # a quick run

Steps, each figure printed as it is measured:

1. generate documents like kg build makes them (one named graph per document: metadata, typed and
   labelled entities drawn from a shared pool with a skewed popularity, facts, and one
   rdf:Statement with its provenance per fact) and write them to an N-Quads file;
2. load them into an embedded kg store the way ``kg build`` does (``Store.replace_document``, one
   transaction per document), in a child process so that its peak memory is its own; for reference
   also pyoxigraph's ``bulk_load`` of the same file;
3. load the same file into rdflib's in-memory Dataset (also a child process, for its memory);
4. in one process, run a lookup, a two-hop join and a GROUP BY count through
   ``kg.views.query.run_query`` (the code behind ``kg query``, CSV output), through raw
   pyoxigraph (``Store.query`` + CSV serialisation) and through rdflib (``Dataset.query`` + CSV
   serialisation), and print median latencies, the rdflib/kg ratio and the kg-query overhead
   over raw pyoxigraph. It also times
   whole ``kg query`` processes (interpreter start-up included) for information.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLASSES = ["MilitaryUnit"] * 5 + [
    "PoliceUnit",
    "GovernmentBody",
    "Organization",
    "Person",
    "Person",
    "Country",
    "Place",
    "Event",
]
FACTS = {  # property: (subject classes, object classes)
    "trainsWith": ({"MilitaryUnit", "PoliceUnit"}, {"MilitaryUnit", "PoliceUnit"}),
    "affiliatedWith": (
        {"MilitaryUnit", "PoliceUnit", "GovernmentBody", "Organization", "Person"},
        {"Country"},
    ),
    "partOf": ({"MilitaryUnit", "PoliceUnit"}, {"MilitaryUnit", "GovernmentBody"}),
    "meetsWith": ({"Person"}, {"Person", "GovernmentBody"}),
    "worksFor": ({"Person"}, {"GovernmentBody", "Organization", "MilitaryUnit"}),
    "deployedTo": ({"MilitaryUnit", "PoliceUnit"}, {"Place", "Country"}),
    "authorizes": ({"GovernmentBody"}, {"MilitaryUnit", "PoliceUnit"}),
    "participatesIn": ({"MilitaryUnit", "Person"}, {"Event"}),
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- 1. data


def generate(n_triples: int, path: Path, seed: int = 7) -> dict[str, object]:
    """Write synthetic documents as N-Quads; return what the queries need to know."""
    from kg.rdf import quads as graph
    from kg.records import Document, Entity, Evidence, Extraction, Relation
    from kg.store import write_quads

    rng = random.Random(seed)
    n_entities = max(200, n_triples // 50)
    pool = [(f"Entity {i}", CLASSES[i % len(CLASSES)]) for i in range(n_entities)]
    countries = [e for e in pool if e[1] == "Country"]
    by_class: dict[str, list[tuple[str, str]]] = {}
    for e in pool:
        by_class.setdefault(e[1], []).append(e)

    def pick(classes: set[str]) -> tuple[str, str]:
        cls = rng.choice(sorted(classes))
        members = by_class[cls]
        return (
            members[min(int(rng.paretovariate(1.2)) - 1, len(members) - 1)]
            if rng.random() < 0.5
            else rng.choice(members)
        )

    docs: list[Extraction] = []
    total = 0
    i = 0
    while total < n_triples:
        text = f"Synthetic article {i}. " + "Forces trained together near the coast. " * 20
        doc = Document(
            f"bench-{i:06d}",
            text,
            f"bench/{i:06d}.txt",
            title=f"Article {i}",
            published="2026-01-01",
        )
        relations: list[Relation] = []
        ents: dict[str, str] = {}
        for k in range(30):
            prop = rng.choice(sorted(FACTS))
            s, o = pick(FACTS[prop][0]), pick(FACTS[prop][1])
            if s == o:
                continue
            ents[s[0]], ents[o[0]] = s[1], o[1]
            start = 24 + 41 * (k % 20)
            ev = Evidence(
                doc.id,
                text[start : start + 41],
                start,
                start + 41,
                f"bench.{prop}.v1",
                round(rng.uniform(0.3, 1.0), 3),
            )
            relations.append(Relation(s[0], prop, o[0], ev))
        entities = [Entity(k, c, k, {k.replace("Entity", "E.")}) for k, c in ents.items()]
        ex = Extraction(doc, entities, relations)
        docs.append(ex)
        total += sum(1 for _ in graph.extraction_quads(ex))
        i += 1
    count = write_quads((q for ex in docs for q in graph.extraction_quads(ex)), path)
    return {
        "documents": len(docs),
        "quads": count,
        "entities": len(pool),
        "lookup_keys": [rng.choice(pool)[0] for _ in range(200)],
        "countries": [c[0] for c in countries[:50]],
    }


# ---------------------------------------------------------------- 2./3. loads (child processes)


def load_kg(nq: str, folder: str) -> dict[str, float]:
    """Load like kg build: one replace_document (one transaction) per document graph, streamed.

    The N-Quads file lists each document's quads together, as kg build produces them; terms are
    converted to rdflib first because that is what the pipeline hands to the store.
    """
    import pyoxigraph as ox

    from kg.rdf.terms import from_ox
    from kg.store import open_store

    started = time.perf_counter()
    docs = 0
    with open_store(folder) as store:
        current, quads = None, []
        for q in ox.parse(path=nq, format=ox.RdfFormat.N_QUADS):
            if q.graph_name != current and quads:
                store.replace_document(from_ox(current), quads)
                docs += 1
                quads = []
            current = q.graph_name
            quads.append(
                (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), from_ox(q.graph_name))
            )
        if quads:
            store.replace_document(from_ox(current), quads)
            docs += 1
        store.flush()
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(), "documents": docs}


def load_bulk(nq: str, folder: str) -> dict[str, float]:
    import pyoxigraph as ox

    t = time.perf_counter()
    db = ox.Store(folder)
    db.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    db.flush()
    return {"seconds": time.perf_counter() - t, "peak_mb": _peak_mb()}


def load_rdflib(nq: str) -> dict[str, float]:
    from rdflib import Dataset

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    return {"seconds": time.perf_counter() - t, "peak_mb": _peak_mb(), "triples": len(ds)}


def _child(step: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- 4. queries


PROLOGUE = """PREFIX kg: <https://w3id.org/newskg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
QUERIES = {
    "lookup": (
        "SELECT DISTINCT ?label ?alt WHERE { <%(entity)s> skos:prefLabel ?label ; "
        "skos:altLabel ?alt }"
    ),
    "two-hop join": (
        "SELECT DISTINCT ?unit ?partner WHERE { ?unit kg:trainsWith ?partner . "
        "?partner kg:affiliatedWith <%(country)s> }"
    ),
    "group-by count": (
        "SELECT ?p (COUNT(?st) AS ?n) (AVG(?c) AS ?conf) WHERE { ?st rdf:predicate ?p ; "
        "kg:confidence ?c } GROUP BY ?p ORDER BY DESC(?n)"
    ),
}


def _paired_ms(fa, fb, reps: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median ms of ``fa`` and ``fb``, run alternately (in both orders) so that load from other
    processes on the machine falls on both alike."""
    a_times, b_times = [], []
    for i in range(reps):
        for fn, times in ((fa, a_times), (fb, b_times))[:: 1 if i % 2 else -1]:
            t = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - t)
    return statistics.median(a_times) * 1000, statistics.median(b_times) * 1000


def _median_ms(fn, reps: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for i in range(reps):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def run_queries(folder: str, nq: str, info: dict[str, object], reps: int, rdflib_reps: int) -> None:
    import pyoxigraph as ox
    from rdflib import Dataset

    from kg.rdf import terms
    from kg.store import open_graph
    from kg.views.query import run_query

    lookups = [str(terms.entity_iri(k)) for k in info["lookup_keys"]]  # type: ignore[attr-defined]
    countries = [str(terms.entity_iri(k)) for k in info["countries"]]  # type: ignore[attr-defined]

    def text(name: str, i: int) -> str:
        return PROLOGUE + QUERIES[name] % {
            "entity": lookups[i % len(lookups)],
            "country": countries[i % len(countries)],
        }

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    print(f"  (rdflib reloaded in this process in {time.perf_counter() - t:.1f}s for the queries)")

    store = open_graph(store=folder)
    raw = store._db
    rows = []
    for name in QUERIES:
        # identical answers first: the comparison is only fair if all three compute the same thing
        a = run_query(store, text(name, 0), "csv")
        # the store's default graph is its merged graph (kg.store.merged): the same data
        b = raw.query(text(name, 0)).serialize(format=ox.QueryResultsFormat.CSV).decode()
        assert a == b, f"{name}: kg query and raw pyoxigraph disagree"
        c = ds.query(text(name, 0))
        assert len(c) == len(a.splitlines()) - 1 or name == "two-hop join", (
            f"{name}: rdflib disagrees"
        )
        kg_ms, raw_ms = _paired_ms(
            lambda i, n=name: run_query(store, text(n, i), "csv"),
            lambda i, n=name: raw.query(text(n, i)).serialize(format=ox.QueryResultsFormat.CSV),
            reps,
        )
        rdf_ms = _median_ms(
            lambda i, n=name: ds.query(text(n, i)).serialize(format="csv"), rdflib_reps
        )
        rows.append((name, kg_ms, raw_ms, rdf_ms))
        print(
            f"  {name:15s} kg query {kg_ms:9.2f} ms | raw pyoxigraph {raw_ms:9.2f} ms | "
            f"rdflib {rdf_ms:10.2f} ms | rdflib/kg {rdf_ms / kg_ms:8.1f}x | "
            f"kg overhead {100 * (kg_ms / raw_ms - 1):+6.1f}%",
            flush=True,
        )
    store.close()

    # whole processes, as a user runs them (interpreter start-up and imports included)
    cmd = [sys.executable, "-m", "kg.cli", "query", "--store", folder, "--format", "csv"]
    cli = []
    for i in range(5):
        t = time.perf_counter()
        subprocess.run(cmd + [text("lookup", i)], check=True, capture_output=True, cwd=ROOT)
        cli.append(time.perf_counter() - t)
    print(
        f"  whole 'kg query' process (lookup, start-up included): median "
        f"{statistics.median(cli) * 1000:.0f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=21, help="repetitions per query (kg, raw)")
    ap.add_argument("--rdflib-reps", type=int, default=5, help="repetitions per query (rdflib)")
    ap.add_argument("--workdir", help="folder for the data and stores (default: a temporary one)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        step, *rest = args.child
        result = {"kg": load_kg, "bulk": load_bulk, "rdflib": load_rdflib}[step](*rest)
        print(json.dumps(result))
        return

    work = Path(args.workdir or tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    nq = work / "data.nq"
    print(f"kg store benchmark: {args.triples:,} triples requested, data in {work}")
    t = time.perf_counter()
    info = generate(args.triples, nq)
    print(
        f"1. generated {info['quads']:,} quads in {info['documents']:,} document graphs, "
        f"{info['entities']:,} entities ({time.perf_counter() - t:.1f}s)",
        flush=True,
    )

    folder = work / "store"
    r = _child("kg", str(nq), str(folder))
    print(
        f"2. kg store load (replace_document, one transaction per document, N-Quads parsing "
        f"included): {r['seconds']:.1f}s ({info['quads'] / r['seconds']:,.0f} quads/s), "
        f"peak RSS {r['peak_mb']:,.0f} MB",
        flush=True,
    )
    b = _child("bulk", str(nq), str(work / "bulk"))
    print(
        f"   pyoxigraph bulk_load of the same file: {b['seconds']:.1f}s, "
        f"peak RSS {b['peak_mb']:,.0f} MB",
        flush=True,
    )
    d = _child("rdflib", str(nq))
    print(
        f"3. rdflib in-memory Dataset load: {d['seconds']:.1f}s, peak RSS {d['peak_mb']:,.0f} MB "
        f"({d['triples']:,} triples in the union)",
        flush=True,
    )
    print(f"4. median latency ({args.reps} runs; rdflib {args.rdflib_reps} runs), CSV results:")
    run_queries(str(folder), str(nq), info, args.reps, args.rdflib_reps)


if __name__ == "__main__":
    main()
