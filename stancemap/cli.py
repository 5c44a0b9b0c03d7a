"""Command line: `python -m stancemap validate|export|...`; the only place that prints problems and sets exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from stancemap.load import ROOT, load_dataset

Handler = Callable[[argparse.Namespace], int]


def _root(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is not a folder (expected the folder holding seeds/ and positions/)")
    return path.resolve()


def cmd_validate(args: argparse.Namespace) -> int:
    data, problems = load_dataset(args.root, today=args.today)
    for problem in problems:
        print(problem)
    evidence = sum(len(r.stance.evidence) for r in data.stances)
    summary = (
        f"{len(problems)} problem{'s' * (len(problems) != 1)}; loaded {len(data.sources)} sources, "
        f"{len(data.parties)} parties, {len(data.issues)} issues, {len(data.stances)} stances with "
        f"{evidence} verified quotes, {len(data.events)} events"
    )
    print(summary, file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    from stancemap.export import evidence_table, to_csv, to_json

    data, problems = load_dataset(args.root, today=args.today)
    for problem in problems:
        print(problem, file=sys.stderr)
    table = evidence_table(data)
    sys.stdout.write(to_csv(table) if args.format == "csv" else to_json(table))
    return 1 if problems else 0


def cmd_readme(args: argparse.Namespace) -> int:
    from stancemap.readme import update

    data, problems = load_dataset(ROOT, today=args.today)
    if problems:
        print("fix the data problems first (python -m stancemap validate)", file=sys.stderr)
        return 1
    changed = update(ROOT / "README.md", data)
    print("README.md updated" if changed else "README.md is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stancemap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        command.add_argument(
            "--today", type=dt.date.fromisoformat, default=dt.date.today(), help="date that counts as today"
        )
        return command

    validate = add("validate", cmd_validate, "Check every file; print each problem as path:line:col: message.")
    validate.add_argument("root", nargs="?", type=_root, default=ROOT, help="data folder (default: this repo)")
    export = add("export", cmd_export, "Print the flat table of stances x evidence.")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--root", type=_root, default=ROOT, help="data folder (default: this repo)")
    add("readme", cmd_readme, "Regenerate the generated sections of README.md from the code and data.")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)
