"""Everything a user can call is documented in the README: each command, its options, each export column
(as sqlite-utils tests its CLI reference)."""

from __future__ import annotations

import argparse
import re

import pytest

from stancemap.check.load import ROOT
from stancemap.cli import build_parser
from stancemap.derive.export import COLUMNS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    # argparse has no public way to list subcommands; its subparsers action holds them.
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


COMMANDS = _commands()
OPTIONS = sorted(
    {
        option
        for command in COMMANDS.values()
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
)


def test_there_are_commands_and_columns() -> None:
    assert len(COMMANDS) >= 7 and len(OPTIONS) >= 10 and len(COLUMNS) >= 20


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command: str) -> None:
    assert f"python -m stancemap {command}" in README, (
        f"document `python -m stancemap {command}` in README.md"
    )


@pytest.mark.parametrize("option", OPTIONS)
def test_option_is_documented(option: str) -> None:
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", README), f"document {option} in README.md"


@pytest.mark.parametrize("column", COLUMNS)
def test_export_column_is_documented(column: str) -> None:
    assert f"| `{column}` |" in README, (
        f"README.md lacks the export column {column!r}: run `python -m stancemap readme`"
    )
