"""The long fuzz run: the CI fuzz tests with many more examples, timed.

CI runs ``tests/rdf/test_fuzz.py`` and the property tests of
``tests/rdf/test_security_graph.py`` with a few examples each (seconds). This script runs the
same tests with ``KG_FUZZ_EXAMPLES`` examples per test (default 500 for the graph level, 40 for
the spaCy pipeline level) and prints, per test, the examples asked for, the wall time and the
outcome. Hypothesis keeps failing examples in
``.hypothesis/`` so that a later ``pytest`` replays them first.

Usage::

    python benchmarks/fuzz_long.py                       # about 10-15 minutes on 2 cores
    python benchmarks/fuzz_long.py --examples 2000 --pipeline-examples 100 --seed 1

Exit status: 0 when every run passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GRAPH_LEVEL = [
    "tests/rdf/test_fuzz.py::test_graph_of_any_extraction_validates_and_round_trips",
    "tests/rdf/test_security_graph.py::test_any_name_gives_a_valid_iri_or_a_clear_refusal",
    "tests/rdf/test_security_graph.py::test_nfc_and_nfd_forms_are_one_entity",
    "tests/rdf/test_security_graph.py::test_sanitized_text_is_legal_in_xml_and_stable",
    "tests/rdf/test_security_graph.py::test_graph_literals_are_legal_in_xml",
    "tests/rdf/test_security_graph.py::test_hostile_documents_round_trip_through_every_serializer",
]
PIPELINE_LEVEL = [
    "tests/rdf/test_fuzz.py::test_kg_build_of_any_articles_validates_and_round_trips",
]


def run(test: str, examples: int, seed: int | None) -> tuple[bool, float]:
    env = {**os.environ, "KG_FUZZ_EXAMPLES": str(examples)}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        test,
        "--hypothesis-show-statistics",
    ]
    if seed is not None:
        cmd.append(f"--hypothesis-seed={seed}")
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stdout[-4000:], proc.stderr[-2000:], sep="\n")
    return proc.returncode == 0, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=500, help="examples per graph-level test")
    parser.add_argument(
        "--pipeline-examples",
        type=int,
        default=40,
        help="examples for the spaCy pipeline test (each runs kg build)",
    )
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default random)")
    args = parser.parse_args()
    ok_all = True
    print(f"{'test':<80} {'examples':>8} {'seconds':>8}  result")
    for tests, n in ((GRAPH_LEVEL, args.examples), (PIPELINE_LEVEL, args.pipeline_examples)):
        for test in tests:
            ok, seconds = run(test, n, args.seed)
            ok_all &= ok
            print(
                f"{test.split('::')[1]:<80} {n:>8} {seconds:>8.1f}  {'pass' if ok else 'FAIL'}",
                flush=True,
            )
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
