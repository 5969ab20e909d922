"""kg works installed from a wheel: its data files are package data, and a missing one is an error.

The wheel is built from a copy of the source (``pip wheel``, with build isolation as a user's pip
would), so the repository's own ``data/`` and work tree never help: what is not in the wheel is
not found. ``.ci/wheel-quickstart.sh`` goes one step further in CI: the quick start from the wheel
in a fresh virtualenv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import errors, resources

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "data" / "articles" / "01-colombia-us-riverine-drills.txt"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build kg's wheel from a clean copy of pyproject.toml, README.md and kg/."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "kg", src / "kg", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), "."],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = (work / "dist").glob("kg-*.whl")
    return built


@pytest.fixture
def resolved(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[Path]]:
    """Record every file and folder ``kg.resources`` hands out while the test runs."""
    seen: set[Path] = set()
    original = resources._existing

    def recording(relative: str, what: str, folder: bool = False) -> Path:
        path = original(relative, what, folder)
        seen.add(path)
        return path

    monkeypatch.setattr(resources, "_existing", recording)
    yield seen


def _resolve_everything() -> None:
    """Ask for every data file kg reads: the lexicons, saved queries, ontology, shapes, models."""
    from kg.extract import lexicon
    from kg.extract.conll04.model import Conll04Model
    from kg.views.query import saved_queries

    lexicon.load.__wrapped__()  # the uncached loader: every lexicon file, read again
    for path in saved_queries().values():
        path.read_text(encoding="utf-8")
    resources.ontology_file()
    resources.shapes_file()
    resources.patterns_dir()
    Conll04Model.load()
    resources.data_files()


@pytest.mark.slow
def test_the_wheel_carries_every_file_kg_resources_resolves(
    wheel: Path, resolved: set[Path]
) -> None:
    _resolve_everything()
    package = resources.package_dir()
    files: set[Path] = set()
    for path in resolved:
        files |= {p for p in path.iterdir() if p.is_file()} if path.is_dir() else {path}
    assert len(files) >= 20  # 9 lexicons, 8 queries, ontology, shapes, 2 models
    inside = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(
        str(p.relative_to(package))
        for p in files
        if "kg/" + p.relative_to(package).as_posix() not in inside
    )
    assert missing == []


@pytest.mark.slow
def test_a_wheel_install_builds_validates_and_queries_the_sample(
    wheel: Path, tmp_path: Path
) -> None:
    """The bug of issue 12: installed without its data, kg built 0 facts without a word."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    # run from an empty folder with the installed copy first on the path: neither the
    # repository's files nor the editable install can stand in for what the wheel lacks
    env = {**os.environ, "PYTHONPATH": str(target)}
    work = tmp_path / "work"
    work.mkdir()

    def kg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, kg.cli; sys.exit(kg.cli.main(sys.argv[1:]))",
                *args,
            ],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import kg.resources as r; print(r.package_dir())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(target)
    built = kg("build", str(ARTICLE), "-o", "graph.trig")
    assert built.returncode == 0, built.stderr
    facts = int(built.stdout.split(" facts")[0].split()[-1])
    assert facts > 10, built.stdout
    checked = kg("validate", "--graph", "graph.trig")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    answered = kg("query", "--graph", "graph.trig", "meetings", "--format", "csv")
    assert answered.returncode == 0, answered.stderr
    assert len(answered.stdout.splitlines()) > 1
    page = kg("viz", "--graph", "graph.trig", "-o", "graph.html")  # its template, CSS and JS
    assert page.returncode == 0, page.stderr
    assert 'id="kg-network"' in (work / "graph.html").read_text(encoding="utf-8")


def test_a_missing_lexicon_is_an_error_not_an_empty_lexicon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.extract import lexicon

    package = tmp_path / "kg"
    shutil.copytree(resources.package_dir() / "data", package / "data")
    (package / "data" / "lexicons" / "countries.tsv").unlink()
    monkeypatch.setattr(resources, "package_dir", lambda: package)
    with pytest.raises(errors.InstallError) as caught:
        lexicon.load.__wrapped__()
    missing = package / "data" / "lexicons" / "countries.tsv"
    assert caught.value.message == (
        f"kg's data file {missing} (the lexicon countries.tsv) is missing: the installation is "
        "incomplete. Reinstall kg (pip install --force-reinstall kg, or pip install -e . in a "
        "source checkout)."
    )


def test_a_missing_shapes_file_or_query_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.views.query import saved_queries

    monkeypatch.setattr(resources, "package_dir", lambda: tmp_path)
    with pytest.raises(errors.InstallError, match="the SHACL shapes"):
        resources.shapes_file()
    with pytest.raises(errors.InstallError, match="the saved queries"):
        saved_queries()  # was: no saved queries, "none", without a word
