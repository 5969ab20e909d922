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


def test_library_checks_name_parameters_and_the_cli_names_flags(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    """One check per rule, in the library; its message names the parameter, kg the flag."""
    import kg
    from kg import errors

    with pytest.raises(errors.ArgumentError) as err:
        kg.build(["data/articles"], output=tmp_path / "g.nq", min_confidence=2)
    assert err.value.message == "min_confidence must be between 0 and 1, got 2."
    with pytest.raises(errors.ArgumentError) as err:
        kg.build(["data/articles"], output=tmp_path / "g.nq", shard_size=0)
    assert err.value.message == "shard_size must be 1 or more, got 0."
    assert not (tmp_path / "g.nq").exists()  # refused before any work

    graph = str(tmp_path / "g.trig")
    (tmp_path / "g.trig").write_text("", encoding="utf-8")
    for argv, message in [
        (["viz", "--graph", graph, "-o", "x.html", "--since", "May"], "invalid date for --since"),
        (["viz", "--graph", graph, "-o", "x.html", "--max-nodes", "0"], "--max-nodes must be 1"),
        (["viz", "--graph", graph, "-o", "x.html", "--min-confidence", "7"], "--min-confidence"),
        (["export", "--graph", graph, "-o", "x.nq", "--min-confidence", "-1"], "--min-confidence"),
        (["watch", "f.xml", "--store", "s", "--max-polls", "0"], "--max-polls must be 1 or more"),
        (["build", "data/articles", "-o", graph, "--shard-size", "0"], "--shard-size must be"),
    ]:
        assert main(argv) == 2, argv
        assert capsys.readouterr().err.startswith(f"error: {message}"), argv


def test_build_missing_input(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    missing = str(tmp_path / "nope.txt")
    assert main(["build", missing, "-o", str(tmp_path / "g.trig")]) == 2
    assert capsys.readouterr().err == (
        f"error: input not found: {missing}. Give an existing file or folder of articles.\n"
    )
