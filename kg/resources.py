"""Where the project's data files live (ontology, shapes, saved queries, lexicons).

They sit at the top of the source tree next to ``kg/``; ``KG_HOME`` overrides that location for an
installation that keeps them elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """Return the folder that holds ``ontology/`` and ``data/``."""
    env = os.environ.get("KG_HOME")
    return Path(env) if env else Path(__file__).resolve().parent.parent


def ontology_file() -> Path:
    return home() / "ontology" / "kg.ttl"


def shapes_file() -> Path:
    return home() / "ontology" / "shapes.ttl"


def queries_dir() -> Path:
    return home() / "ontology" / "queries"


def lexicon_dir() -> Path:
    return home() / "data" / "lexicons"


def models_dir() -> Path:
    return home() / "data" / "models"
