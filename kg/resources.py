"""The package's data files: ontology, SHACL shapes, saved queries, lexicons, models, patterns.

They ship inside the package, so a wheel or ``pip install .`` has them as much as a source checkout:

    kg/ontology/kg.ttl             the OWL ontology
    kg/ontology/shapes.ttl         the SHACL shapes (kg validate)
    kg/ontology/queries/*.rq       the saved queries (kg query NAME)
    kg/data/lexicons/              gazetteers, head words, titles, ranks, triggers, calibration
    kg/data/models/                the CoNLL04 models (a CRFsuite file, JSON weights)
    kg/data/patterns/              JSON Lines rule patterns

This module is the one place that finds them, through ``importlib.resources``. A file that should
be there and is not is an installation fault and raises ``errors.missing_data_file`` naming it:
a missing lexicon must never read as an empty one (a build would find nothing, silently).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kg import errors

#: The data folders inside the package, and what each holds (for the error message).
DATA_DIRS: dict[str, str] = {
    "ontology": "the ontology and SHACL shapes",
    "ontology/queries": "the saved queries",
    "data/lexicons": "the lexicons",
    "data/models": "the CoNLL04 models",
    "data/patterns": "the rule patterns",
}


def package_dir() -> Path:
    """Return the installed ``kg`` package folder (data files are read from the file system)."""
    root = resources.files("kg")
    if not isinstance(root, Path):  # a zipped package: pyoxigraph and rdflib need real files
        raise errors.data_not_on_disk(str(root))
    return root


def _existing(relative: str, what: str, folder: bool = False) -> Path:
    path = package_dir().joinpath(*relative.split("/"))
    if not (path.is_dir() if folder else path.is_file()):
        raise errors.missing_data_file(str(path), what)
    return path


def ontology_file() -> Path:
    return _existing("ontology/kg.ttl", "the ontology")


def shapes_file() -> Path:
    return _existing("ontology/shapes.ttl", "the SHACL shapes")


def queries_dir() -> Path:
    return _existing("ontology/queries", DATA_DIRS["ontology/queries"], folder=True)


def lexicon_dir() -> Path:
    return _existing("data/lexicons", DATA_DIRS["data/lexicons"], folder=True)


def lexicon_file(name: str) -> Path:
    """Return the lexicon ``name`` (``countries.tsv`` …); raise if it is missing."""
    return _existing(f"data/lexicons/{name}", f"the lexicon {name}")


def models_dir() -> Path:
    return _existing("data/models", DATA_DIRS["data/models"], folder=True)


def patterns_dir() -> Path:
    return _existing("data/patterns", DATA_DIRS["data/patterns"], folder=True)


def data_files() -> list[Path]:
    """Every file of the data folders (what a wheel must carry), sorted."""
    found: list[Path] = []
    for relative, what in DATA_DIRS.items():
        folder = _existing(relative, what, folder=True)
        found += [p for p in folder.iterdir() if p.is_file()]
    return sorted(found)
