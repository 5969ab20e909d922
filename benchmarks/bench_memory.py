"""Peak memory of a build at two corpus sizes (flat memory means the two peaks are close).

Each size runs in a fresh Python process (``--child``) that builds a generated JSON Lines
archive into the embedded store (or ``-o x.nq``) and reports its own peak resident memory
(``ru_maxrss``), its time, and the share of that time spent inside spaCy. The smaller corpus is a
prefix of the larger one (same generator, same seed). The peak so far is also sampled at every
tenth of the documents (the "trace"), to show where memory grows.

Usage::

    python benchmarks/bench_memory.py                        # 1,000 and 10,000 articles, ~150 words
    python benchmarks/bench_memory.py --sizes 500,2000 --words 300
    python benchmarks/bench_memory.py --mode nq              # write N-Quads instead of the store
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def child(archive: Path, count: int, mode: str, out: Path) -> dict[str, float]:
    """Build the first ``count`` lines of ``archive``; return time, peak RSS and spaCy share."""
    from itertools import islice

    from bench_extract import PipeTimer

    from kg.run.build import build
    from kg.run.extraction import load_nlp

    part = out / "input.jsonl"
    with archive.open("rb") as src, part.open("wb") as dst:
        dst.writelines(islice(src, count))
    nlp = load_nlp()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    trace: list[float] = []
    done = 0

    def sample(status: object) -> None:
        nonlocal done
        done += 1
        if done % max(1, count // 10) == 0:
            trace.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    started = time.perf_counter()
    with PipeTimer(nlp) as spacy_time:
        if mode == "store":
            report = build([str(part)], store=str(out / "store"), on_document=sample)
        else:
            report = build([str(part)], output=out / "graph.nq", on_document=sample)
    secs = time.perf_counter() - started
    return {
        "documents": report.count("ok"),
        "failed": report.count("failed"),
        "words": report.words,
        "seconds": secs,
        "spacy_seconds": spacy_time.seconds,
        "rss_after_model_mb": base_rss / 1024,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "facts": report.facts,
        "trace_mb": trace,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sizes", default="1000,10000", help="corpus sizes (default 1000,10000)")
    p.add_argument("--words", type=int, default=150, help="mean words per article (default 150)")
    p.add_argument("--seed", type=int, default=2)
    p.add_argument("--mode", choices=["store", "nq"], default="store")
    p.add_argument("--child", nargs=3, metavar=("ARCHIVE", "COUNT", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        archive, count, out = args.child
        print(json.dumps(child(Path(archive), int(count), args.mode, Path(out))))
        return 0

    import generate

    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="kg-mem-"))
    try:
        archive = tmp / "corpus.jsonl"
        generate.write_corpus(archive, max(sizes), words=args.words, seed=args.seed)
        print(
            f"generated {max(sizes)} articles (~{args.words} words) → {archive}; mode {args.mode}"
        )
        rows = []
        for n in sizes:
            out = tmp / f"run-{n}"
            out.mkdir()
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--mode",
                    args.mode,
                    "--child",
                    str(archive),
                    str(n),
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(row)
            one, five, _ = os.getloadavg()
            print(
                f"  {row['documents']:>6} docs ({row['failed']} failed) "
                f"{row['words']:>9,} words: {row['seconds']:7.1f} s "
                f"({row['words'] / row['seconds']:,.0f} words/s, "
                f"{row['documents'] / row['seconds']:.1f} docs/s); "
                f"outside spaCy {1 - row['spacy_seconds'] / row['seconds']:.1%}; "
                f"peak RSS {row['peak_rss_mb']:.0f} MB "
                f"(model loaded: {row['rss_after_model_mb']:.0f} MB)"
                f"  (load {one:.1f}/{five:.1f})",
                flush=True,
            )
            print(
                "    peak RSS at each tenth (MB): " + " ".join(f"{v:.0f}" for v in row["trace_mb"])
            )
            shutil.rmtree(out, ignore_errors=True)
        if len(rows) >= 2:
            a, b = rows[0], rows[-1]
            print(
                f"  → peak RSS at {b['documents']} docs / at {a['documents']} docs: "
                f"{b['peak_rss_mb'] / a['peak_rss_mb']:.3f}× "
                "(growth above the loaded model: "
                f"{b['peak_rss_mb'] - b['rss_after_model_mb']:.0f} MB vs "
                f"{a['peak_rss_mb'] - a['rss_after_model_mb']:.0f} MB)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
