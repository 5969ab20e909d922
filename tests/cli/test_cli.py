"""The CLI: every command has --help, user errors are one clear line and never a traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from kg.cli import main, make_parser


def _subcommands() -> list[str]:
    parser = make_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


def test_core_commands_exist() -> None:
    assert {"build", "query", "viz", "validate", "eval"} <= set(_subcommands())


@pytest.mark.parametrize("command", _subcommands())
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: kg {command}")


def test_console_script_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("kg ")


def test_no_graph_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "SELECT * WHERE { ?s ?p ?o }"]) == 2
    assert capsys.readouterr().err == (
        "error: no graph given. Pass --graph FILE (an RDF file) or --store DIR (a kg store).\n"
    )


def test_both_graph_sources(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert main(["validate", "--graph", "a.trig", "--store", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err == "error: both --graph and --store given. Pass only one of them.\n"
    )


def test_build_needs_a_destination(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "data/articles"]) == 2
    assert capsys.readouterr().err == (
        "error: nowhere to write. Pass -o FILE (an RDF file) or --store DIR.\n"
    )


def test_build_rejects_bad_confidence(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert (
        main(["build", "data/articles", "-o", str(tmp_path / "g.trig"), "--min-confidence", "2"])
        == 2
    )
    assert capsys.readouterr().err == "error: --min-confidence must be between 0 and 1, got 2.0.\n"


def test_build_missing_input(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    missing = str(tmp_path / "nope.txt")
    assert main(["build", missing, "-o", str(tmp_path / "g.trig")]) == 2
    assert capsys.readouterr().err == (
        f"error: input not found: {missing}. Give an existing file or folder of articles.\n"
    )
