"""Time ``kg validate`` on generated stores of many documents, with each engine.

    python benchmarks/bench_validate.py --documents 1000,10000            # makes the stores
    python benchmarks/bench_validate.py --documents 1000 --engines sparql,pyshacl
    python benchmarks/bench_validate.py --documents 10000 --stores /tmp/kg-validate  # reuses them

The stores are made by ``bench_explorer.make_store`` (the project's own shape, without spaCy:
``kg.records`` → ``kg.rdf.quads``, one transaction per document, as ``kg build`` writes them;
about 560 triples per document in the merged graph). Its facts pick subjects and objects at
random, so the report has violations (wrong domains and ranges): the findings are part of the
work timed. Each run is a whole ``kg validate --store … --engine …`` process (start-up included);
wall time, CPU time (user + system: what the process itself used, less sensitive to other load
on a shared machine) and peak memory are printed with the load average, and the first line of
the report. When both engines run on a store, their reports are compared (they must be equal).

``--engine pyshacl`` is the implementation ``kg validate`` had before the SPARQL engine (the
graph copied into rdflib, then pyshacl): the "before" figure. It takes long on big stores; skip
it above a size with ``--pyshacl-max``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def run(store: Path, engine: str, timeout: float) -> dict[str, object]:
    """One ``kg validate`` process; its times, peak memory and report."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "kg.cli", "validate", "--store", str(store), "--engine", engine]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "wall": None, "report": f"(stopped after {timeout:.0f} s)"}
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"kg validate failed ({done.returncode}): {done.stderr}")
    return {
        "engine": engine,
        "wall": wall,
        "cpu": cpu,
        "peak_mb": after.ru_maxrss / 1024,
        "load": load,
        "report": done.stdout,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", default="1000,10000", help="store sizes (comma-separated)")
    parser.add_argument("--engines", default="sparql,pyshacl", help="engines to time")
    parser.add_argument("--stores", help="folder for the stores (kept; reused when present)")
    parser.add_argument(
        "--pyshacl-max", type=int, default=1000, help="largest store given to pyshacl"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    args = parser.parse_args(argv)

    from bench_explorer import make_store

    folder = Path(args.stores or tempfile.mkdtemp(prefix="kg-bench-validate-"))
    folder.mkdir(parents=True, exist_ok=True)
    for size in (int(n) for n in args.documents.split(",")):
        store = folder / f"store-{size}"
        if not store.exists():
            started = time.perf_counter()
            make_store(store, size)
            print(f"{size} documents: store made in {time.perf_counter() - started:.0f} s")
        reports = {}
        for engine in args.engines.split(","):
            if engine == "pyshacl" and size > args.pyshacl_max:
                print(f"{size} documents, pyshacl: skipped (--pyshacl-max {args.pyshacl_max})")
                continue
            r = run(store, engine, args.timeout)
            report = str(r["report"])
            reports[engine] = report
            head = report.splitlines()[0] if report else ""
            if r["wall"] is None:
                print(f"{size} documents, {engine}: {head}")
                continue
            print(
                f"{size} documents, {engine}: wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s,"
                f" peak {r['peak_mb']:.0f} MB, load {r['load']:.1f} — {head}",
                flush=True,
            )
        if len(reports) == 2:
            same = reports["sparql"] == reports["pyshacl"]
            print(f"{size} documents: reports of both engines equal: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
