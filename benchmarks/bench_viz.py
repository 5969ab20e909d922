"""Page size and build time of the network page and of ``kg stats``.

Usage::

    python benchmarks/bench_viz.py                  # synthetic graph of 5,000 entities
    python benchmarks/bench_viz.py --entities 20000 --facts-per-entity 3
    python benchmarks/bench_viz.py --graph out/graph.trig   # an existing graph (e.g. the sample)

The synthetic graph goes through the real path: records → quads (kg.rdf.quads) → an embedded
Oxigraph store (kg.store.oxigraph) → entity graph (kg.views.network) → page
(kg.views.viz). Prints one line per step.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.rdf.vocab import ENTITY_CLASSES, OBJECT_PROPERTIES  # noqa: E402
from kg.records import Document, Entity, Evidence, Extraction, Relation  # noqa: E402

WORDS = (
    "joint",
    "naval",
    "special",
    "operations",
    "brigade",
    "command",
    "regional",
    "task",
    "force",
    "riverine",
    "marine",
    "police",
    "directorate",
    "counter",
    "narcotics",
    "security",
    "ministry",
    "northern",
    "southern",
    "eastern",
)


def synthetic(
    n_entities: int, facts_per_entity: float, n_docs: int, seed: int = 7
) -> list[Extraction]:
    """Return extractions whose union has ``n_entities`` entities clustered around hubs."""
    rng = random.Random(seed)
    names = [f"{' '.join(rng.sample(WORDS, 3)).title()} {i}" for i in range(n_entities)]
    classes = [rng.choice(ENTITY_CLASSES) for _ in names]
    hubs = max(n_entities // 50, 1)
    per_doc: list[tuple[list[Entity], list[Relation]]] = [([], []) for _ in range(n_docs)]
    seen: list[set[int]] = [set() for _ in range(n_docs)]

    def add_entity(doc: int, i: int) -> None:
        if i not in seen[doc]:
            seen[doc].add(i)
            per_doc[doc][0].append(Entity(names[i], classes[i], names[i], {f"E{i}"}))

    for i in range(n_entities):
        for _ in range(max(1, round(rng.expovariate(1 / facts_per_entity)))):
            j = rng.randrange(hubs) if rng.random() < 0.6 else rng.randrange(n_entities)
            if i == j:
                continue
            doc = rng.randrange(n_docs)
            add_entity(doc, i)
            add_entity(doc, j)
            sentence = (
                f"Officials said the {names[i]} worked alongside the {names[j]} during "
                f"an exercise described in report {doc} of the series."
            )
            ev = Evidence(
                f"doc-{doc}",
                sentence,
                0,
                len(sentence),
                "bench.synthetic",
                round(rng.uniform(0.3, 1.0), 2),
            )
            per_doc[doc][1].append(Relation(names[i], rng.choice(OBJECT_PROPERTIES), names[j], ev))
    out = []
    for d, (ents, rels) in enumerate(per_doc):
        doc = Document(
            f"doc-{d}",
            f"synthetic document {d}",
            f"synthetic/{d}.txt",
            title=f"Synthetic report {d}",
            published=f"2026-{1 + d % 12:02d}-{1 + d % 28:02d}",
        )
        out.append(Extraction(doc, ents, rels))
    return out


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def browser_ready(page: Path) -> float:
    """Seconds from navigation until the page says it is drawn (Debian Chromium, offline)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 860})
        started = time.perf_counter()
        tab.goto(page.resolve().as_uri())
        tab.wait_for_selector("body[data-ready='1']", timeout=300_000)
        seconds = time.perf_counter() - started
        browser.close()
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--graph", help="benchmark an existing RDF file instead of a synthetic graph")
    ap.add_argument("--entities", type=int, default=5000)
    ap.add_argument("--facts-per-entity", type=float, default=2.0)
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--max-nodes", type=int, default=1500)
    ap.add_argument("--html", help="keep the page at this path (default: a temporary file)")
    ap.add_argument(
        "--browser", action="store_true", help="also time headless Chromium until the page is ready"
    )
    args = ap.parse_args()

    from kg.rdf.quads import extraction_quads
    from kg.rdf.terms import document_iri
    from kg.store import open_graph
    from kg.store.oxigraph import OxigraphStore as Store
    from kg.views import analytics, viz
    from kg.views import network as netgraph

    if args.graph:
        store = timed("load RDF file", open_graph, graph_file=args.graph)
    else:
        extractions = timed(
            "generate records", synthetic, args.entities, args.facts_per_entity, args.documents
        )
        store = Store()

        def load() -> None:
            for ex in extractions:
                store.replace_document(document_iri(ex.document.id), extraction_quads(ex))

        timed("write quads to the store", load)
    G = timed("store → networkx (to_networkx)", netgraph.to_networkx, store)
    print(
        f"  {G.number_of_nodes():,} entities, {G.number_of_edges():,} facts, {len(store):,} quads"
    )
    result = timed("kg stats (analytics.stats)", analytics.stats, G)
    print(
        f"  {result['communities'].__len__()} communities, "
        f"{result['components']['count']} components"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "graph.html"
        started = time.perf_counter()
        summary = viz.write_html(G, out, max_nodes=args.max_nodes)
        print(f"{'page from the entity graph':<34} {time.perf_counter() - started:7.2f} s")
        started = time.perf_counter()
        viz.write_html(store, out, max_nodes=args.max_nodes)
        print(f"{'page from the store (kg viz)':<34} {time.perf_counter() - started:7.2f} s")
        size = out.stat().st_size
        if args.browser:
            print(f"{'browser: open until drawn':<34} {browser_ready(out):7.2f} s")
        if args.html:
            Path(args.html).parent.mkdir(parents=True, exist_ok=True)
            Path(args.html).write_bytes(out.read_bytes())
    print(f"  {summary}")
    print(f"page size: {size / 1024:,.0f} KiB ({size / 1024 / 1024:.2f} MiB)")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
