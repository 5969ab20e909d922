"""The ``kg`` command: thin wrappers over the package's functions, one module per command group.

``build`` (build, watch), ``query`` (query, validate, serve, export), ``network`` (viz, stats),
``store`` (remove, reason), ``eval``; options several commands share are declared once in
``options``. Each command has one ``add_<name>`` (its arguments) and one ``_run_<name>`` (its
handler). Handlers raise ``KGError`` for anything the user can fix; ``main`` prints it as
``error: …`` (a library message naming a parameter shows the command's flag instead) and exits
with its code, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from kg import __version__, errors
from kg.cli.build import add_build, add_watch
from kg.cli.eval import add_eval, add_train
from kg.cli.network import add_stats, add_viz
from kg.cli.query import add_export, add_query, add_serve, add_validate
from kg.cli.store import add_reason, add_remove

__all__ = ["COMMANDS", "main", "make_parser"]

#: The commands, in the order ``kg --help`` lists them.
COMMANDS: list[Callable[[Any], None]] = [
    add_build,
    add_query,
    add_viz,
    add_validate,
    add_eval,
    add_train,
    add_stats,
    add_serve,
    add_export,
    add_remove,
    add_reason,
    add_watch,
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="kg: build a knowledge graph of typed facts with evidence from news articles.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def flag_for(parser: argparse.ArgumentParser, command: str | None, parameter: str) -> str:
    """The flag of ``command`` whose value is the library's ``parameter`` (the parameter itself
    when no flag sets it)."""
    sub = next(
        (a for a in parser._actions if isinstance(a, argparse._SubParsersAction)),  # noqa: SLF001
        None,
    )
    command_parser = sub.choices.get(command or "") if sub is not None else None
    for action in command_parser._actions if command_parser else ():  # noqa: SLF001
        if action.dest == parameter and action.option_strings:
            return max(action.option_strings, key=len)
    return parameter


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except errors.ArgumentError as err:
        flag = flag_for(parser, args.command, err.parameter)
        print(f"error: {err.naming(flag)}", file=sys.stderr)
        return err.exit_code
    except errors.KGError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
