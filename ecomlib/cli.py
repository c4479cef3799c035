"""The ``ecomlib`` command (also ``python -m ecomlib``).

Each command group lives beside the code it drives and exposes ``register(subparsers)``,
which adds its sub-parser and sets ``func`` to a callable taking the parsed arguments and
returning an exit code. A group may also name its command and one-line help at module level
(``COMMAND``, ``HELP``) and keep its heavy imports inside ``register``: ``ecomlib --help``
then lists it without importing pandas or nbformat, and only the group a command line
selects is registered in full. This module only wires the groups together and turns an
:class:`~ecomlib.errors.EcomlibError` into one plain message and a non-zero exit (2, or
the error's ``exit_code``, e.g. 75 for an output folder in use), and Ctrl+C into
"Interrupted." and exit 130 instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ecomlib import __version__
from ecomlib.errors import EcomlibError

# module path of each command group, in the order `ecomlib --help` lists them
COMMAND_GROUPS = ("ecomlib.data.cli", "ecomlib.reports.cli", "ecomlib.teaching.workspace")


def _selected_command(argv: list[str]) -> str | None:
    """The command word of ``argv`` (its first word not starting with ``-``), or None."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(command: str | None = None, *, full: bool = True) -> argparse.ArgumentParser:
    """Return the top-level argument parser.

    Parameters
    ----------
    command : str, optional
        The command the command line selects; its group is always registered in full.
    full : bool, default True
        Register every group in full. With ``full=False`` a group that declares ``COMMAND``
        and ``HELP`` (and is not ``command``) is listed by name and help only, so building
        the parser imports none of its dependencies.
    """
    parser = argparse.ArgumentParser(
        prog="ecomlib",
        description="E-commerce analytics for the textbook 電商運營策略與市場開拓: "
        "check and load shop data, build the sample shop, run chapter reports.",
    )
    parser.add_argument("--version", action="version", version=f"ecomlib {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_GROUPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not module_name.startswith(str(exc.name)):
                raise
            continue  # a group that is not built yet is simply absent
        name = getattr(module, "COMMAND", None)
        if not full and name is not None and name != command:
            subparsers.add_parser(name, help=module.HELP, add_help=False)
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_selected_command(argv), full=False)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except EcomlibError as exc:
        print(f"ecomlib: error: {exc}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except FileNotFoundError as exc:
        print(f"ecomlib: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
