"""``docs/CLI.md``, written from the parsers' own ``--help``: ``python -m kg.cli.docs``.

``tests/cli/test_cli_docs.py`` fails when the file is stale, so the reference never drifts from
the options ``kg`` really takes. The help is formatted 100 columns wide whatever the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kg.cli import make_parser

#: Where the reference lives in a source checkout.
CLI_MD = Path(__file__).resolve().parents[2] / "docs" / "CLI.md"
WIDTH = "100"


def render() -> str:
    """The Markdown reference: ``kg --help``, then each command's ``--help`` in order."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH  # argparse sizes its help to the terminal
    try:
        parser = make_parser()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
        parts = [
            "# The `kg` command\n",
            "Generated from the parsers' `--help` by `python -m kg.cli.docs`; "
            "`tests/cli/test_cli_docs.py` fails when it is stale. Do not edit by hand.\n",
            "```text\n" + parser.format_help() + "```\n",
        ]
        for name, command in sub.choices.items():
            parts.append(f"## kg {name}\n")
            parts.append("```text\n" + command.format_help() + "```\n")
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write the reference to ``docs/CLI.md`` (or the path given)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else CLI_MD
    path.write_text(render(), encoding="utf-8")
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
