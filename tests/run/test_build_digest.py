"""Behaviour does not change: every public article builds to the same N-Quads as before.

Each corpus is built on its own (``kg.build`` into an N-Quads file); the lines are sorted and
hashed, and the digest and line count are compared with ``build_digest.json`` next to this file.
A change of the graph kg writes (an extraction change, a new document identity) updates the
stored digest in the same commit, and the commit says so:

    python tests/run/test_build_digest.py --write

Run without ``--write`` it prints the current digests and what differs from the stored ones.
The corpora under ``../shared`` are third-party text: they are read from there, never copied, and
their cases skip when ``../shared`` is absent.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DIGESTS = Path(__file__).with_name("build_digest.json")

# name → folder of articles; "shared/…" corpora live outside the repository
CORPORA: dict[str, Path] = {
    "data/articles": ROOT / "data" / "articles",
    "shared/corpus": SHARED / "corpus",
    "shared/dev/articles": SHARED / "dev" / "articles",
    "shared/train/articles": SHARED / "train" / "articles",
}


def build_digest(folder: Path) -> dict[str, object]:
    """Build ``folder`` with ``kg.build``; the sha256 and count of its sorted N-Quads lines."""
    import kg

    with tempfile.TemporaryDirectory(prefix="kg-digest-") as tmp:
        out = Path(tmp) / "graph.nq"
        report = kg.build([str(folder)], output=out)
        text = out.read_text(encoding="utf-8")
    # dcterms:source holds the path given to kg build: make it independent of the checkout
    text = text.replace(str(folder), folder.name)
    lines = sorted(line for line in text.splitlines() if line)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return {"documents": report.count("ok"), "quads": len(lines), "sha256": digest}


def stored() -> dict[str, dict[str, object]]:
    return json.loads(DIGESTS.read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORPORA))
def test_build_matches_stored_digest(name: str) -> None:
    folder = CORPORA[name]
    if name.startswith("shared/") and not folder.is_dir():
        pytest.skip(f"{folder} is absent: the shared articles are not on this machine")
    expected = stored()[name]
    got = build_digest(folder)
    assert got == expected, (
        f"the graph built from {name} changed ({got} != stored {expected}). If the change is "
        "meant (extraction or document identity), run `python tests/run/test_build_digest.py "
        "--write` and say so in the commit; a layout change must not alter it."
    )


def main(argv: list[str]) -> int:
    """Print the digests of the corpora present; with ``--write`` store them."""
    old = stored() if DIGESTS.exists() else {}
    new = dict(old)
    for name, folder in CORPORA.items():
        if not folder.is_dir():
            print(f"{name}: absent ({folder}), stored value kept")
            continue
        new[name] = build_digest(folder)
        mark = "same" if new[name] == old.get(name) else f"CHANGED (was {old.get(name)})"
        print(f"{name}: {new[name]} {mark}")
    if "--write" in argv:
        DIGESTS.write_text(json.dumps(new, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"written: {DIGESTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
