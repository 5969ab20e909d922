"""Throughput of the full build against plain spaCy, and of workers and Dask against serial.

All figures of one run come from the same generated corpus, on the same machine, in the same
process tree, so the ratios compare like with like. Each mode is run once (these are minutes-long
runs on a whole corpus, not micro-benchmarks); the load average is printed with each figure
because other programs on the machine change them.

Usage::

    python benchmarks/bench_extract.py                  # 300 articles of ~400 words
    python benchmarks/bench_extract.py --count 600 --workers 2 --dask
    python benchmarks/bench_extract.py --only plain,build,profile

Modes: ``plain`` (``nlp.pipe`` of the bare model over the texts), ``build`` (``kg build -o
x.nq``: ingest, spaCy, extraction, RDF, writing), ``store`` (the same into the embedded store),
``profile`` (where the build's time goes), ``workers`` (1 → N processes), ``dask`` (a Dask
``LocalCluster`` of N worker processes against serial).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (worker processes)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


CPU: dict[str, float] = {}


def timed(label: str, fn: Callable[[], Any], words: int) -> float:
    cpu = cpu_seconds()
    started = time.perf_counter()
    result = fn()
    secs = time.perf_counter() - started
    CPU[label] = cpu_seconds() - cpu
    # a build's figures mean nothing if documents failed: say how many were built
    done = ""
    if hasattr(result, "problems"):  # a BuildReport
        done = f"  ok {result.count('ok')}, failed {result.count('failed')}"
    print(
        f"  {label:<44} {secs:8.1f} s  {words / secs:9,.0f} words/s  "
        f"CPU {CPU[label]:6.1f} s  ({load()}){done}",
        flush=True,
    )
    return secs


class PipeTimer:
    """Wraps ``nlp.pipe`` and adds up the time spent inside it (spaCy's share of a build)."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.original = nlp.pipe
        self.seconds = 0.0
        self.depth = 0

    def __enter__(self) -> PipeTimer:
        def pipe(*args: Any, **kwargs: Any) -> Iterator[Any]:
            # Language.pipe(as_tuples=True) calls itself: count the outermost call only
            it = self.original(*args, **kwargs)
            while True:
                t = time.perf_counter()
                self.depth += 1
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    self.depth -= 1
                    if self.depth == 0:
                        self.seconds += time.perf_counter() - t
                yield item

        self.nlp.pipe = pipe
        return self

    def __exit__(self, *exc: object) -> None:
        self.nlp.pipe = self.original


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--count", type=int, default=300, help="articles (default 300)")
    p.add_argument("--words", type=int, default=400, help="mean words per article (default 400)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=2, help="workers to compare with 1 (default 2)")
    p.add_argument("--shard-size", type=int, default=16)
    p.add_argument("--only", default="plain,build,store,profile,workers,dask", help="modes to run")
    args = p.parse_args(argv)
    modes = set(args.only.split(","))

    from kg.nlp.model import load_base_model
    from kg.run.build import build
    from kg.run.extraction import load_nlp

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    corpus = tmp / "corpus"
    words = generate.write_corpus(corpus, args.count, words=args.words, seed=args.seed)
    texts = [f.read_text(encoding="utf-8") for f in sorted(corpus.glob("*.txt"))]
    print(f"corpus: {args.count} generated articles, {words:,} words; {os.cpu_count()} CPUs")
    nlp = load_nlp()
    load_base_model()  # warm the import caches so that no mode pays for the first load
    results: dict[str, float] = {}
    try:
        if "plain" in modes:
            bare = load_base_model()
            results["plain"] = timed(
                "plain nlp.pipe (same model, same text)",
                lambda: [None for _ in bare.pipe(texts, batch_size=8)],
                words,
            )
        if "build" in modes:
            results["build"] = timed(
                "kg build -o graph.nq (serial)",
                lambda: build([str(corpus)], output=tmp / "serial.nq"),
                words,
            )
        if "store" in modes:
            results["store"] = timed(
                "kg build --store (serial, embedded store)",
                lambda: build([str(corpus)], store=str(tmp / "store")),
                words,
            )
        if "plain" in modes and "build" in modes:
            print(
                "  → full build / plain parsing throughput: "
                f"{results['plain'] / results['build']:.2f}×"
            )
        if "plain" in modes and "store" in modes:
            print(
                "  → build into the store / plain parsing: "
                f"{results['plain'] / results['store']:.2f}×"
            )
        if "profile" in modes:
            profile(corpus, tmp, nlp, words)
        if "workers" in modes:
            one = results.get("build") or timed(
                "kg build -o graph.nq (serial)",
                lambda: build([str(corpus)], output=tmp / "serial.nq"),
                words,
            )
            n = timed(
                f"kg build -o graph.nq --workers {args.workers}",
                lambda: build(
                    [str(corpus)], output=tmp / "workers.nq", workers=args.workers,
                    shard_size=args.shard_size,
                ),
                words,
            )  # fmt: skip
            print(f"  → 1 → {args.workers} workers speed-up: {one / n:.2f}× (model load included)")
        if "dask" in modes:
            bench_dask(corpus, tmp, words, args, results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def profile(corpus: Path, tmp: Path, nlp: Any, words: int) -> None:
    """Split a serial build's time: spaCy, extraction rules, RDF + writing, the rest."""
    import cProfile
    import pstats

    from kg.run.build import build

    prof = cProfile.Profile()
    with PipeTimer(nlp) as spacy_time:
        started = time.perf_counter()
        build([str(corpus)], output=tmp / "profiled.nq")
        total = time.perf_counter() - started
    print(f"  share of a build inside spaCy (nlp.pipe): {spacy_time.seconds / total:6.1%}"
          f"  → outside spaCy: {1 - spacy_time.seconds / total:.1%} of {total:.1f} s")  # fmt: skip
    prof.enable()
    build([str(corpus)], output=tmp / "profiled2.nq")
    prof.disable()
    stats = pstats.Stats(prof)
    rows = [  # (label, file suffix, function name, own time only)
        ("spaCy (Language.pipe)", "spacy/language.py", "pipe", False),
        ("kg.extract.extract_document", "kg/extract/extractor.py", "extract_document", False),
        ("kg.rdf.quads.extraction_quads", "kg/rdf/quads.py", "extraction_quads", False),
        ("rdflib → pyoxigraph terms (ox_quad)", "kg/rdf/terms.py", "ox_quad", False),
        (
            "pyoxigraph.serialize (own time)",
            "~",
            "<built-in method pyoxigraph.pyoxigraph.serialize>",
            True,
        ),
        ("kg.ingest.documents (read, decode, headers)", "kg/ingest/documents.py", "_iterate", True),
    ]
    found = dict.fromkeys((label for label, *_ in rows), 0.0)
    for (filename, _, name), (_, _, own, cum, _) in stats.stats.items():  # type: ignore[attr-defined]
        for label, suffix, func, own_only in rows:
            if filename.endswith(suffix) and name == func:
                found[label] = max(found[label], own if own_only else cum)
    whole = stats.total_tt  # type: ignore[attr-defined]
    print(f"  profile of a serial build ({whole:.1f} s under cProfile, cumulative, overlapping):")
    for label, secs in found.items():
        print(f"    {label:<34} {secs:7.1f} s  {secs / whole:6.1%}")


def bench_dask(
    corpus: Path, tmp: Path, words: int, args: argparse.Namespace, results: dict[str, float]
) -> None:
    from dask.distributed import Client, LocalCluster

    from kg.run.build import build

    serial = results.get("build") or timed(
        "kg build -o graph.nq (serial)",
        lambda: build([str(corpus)], output=tmp / "serial.nq"),
        words,
    )
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        cluster = stack.enter_context(
            LocalCluster(
                n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        )
        client = stack.enter_context(Client(cluster))
        print(
            f"  (LocalCluster of {args.workers} processes started in "
            f"{time.perf_counter() - started:.1f} s)"
        )
        d = timed(
            f"kg build --dask LocalCluster({args.workers} processes)",
            lambda: build(
                [str(corpus)], output=tmp / "dask.nq", dask=client, shard_size=args.shard_size
            ),
            words,
        )
    print(
        f"  → Dask LocalCluster / serial: {serial / d:.2f}× "
        "(cluster start excluded, model load included)"
    )


if __name__ == "__main__":
    sys.exit(main())
