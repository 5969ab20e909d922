"""Shared fixtures: the spaCy pipeline loaded once per session, paths to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    """The project's spaCy pipeline (base model + kg components), loaded once."""
    from kg.run.extraction import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; tests that need it skip with a reason when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared corpus and gold files are not on this machine")
    return SHARED


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
