"""Command line (`python -m stancemap ...`): the only place that prints problems and sets exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from stancemap.check.load import ROOT, load_dataset
from stancemap.model.problems import StancemapError
from stancemap.paths import SITE_URL_VARIABLE

Handler = Callable[[argparse.Namespace], int]


def _root(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{value} is not a folder (expected the folder holding seeds/ and positions/)"
        )
    return path.resolve()


def cmd_validate(args: argparse.Namespace) -> int:
    from stancemap.check.record_cache import RecordCache

    cache = None if args.no_cache else RecordCache.open()
    data, problems = load_dataset(args.root, today=args.today, cache=cache)
    for problem in problems:
        print(problem)
    evidence = sum(len(r.stance.evidence) for r in data.stances)
    summary = (
        f"{len(problems)} problem{'s' * (len(problems) != 1)}; loaded {len(data.sources)} sources, "
        f"{len(data.parties)} parties, {len(data.issues)} issues, {len(data.stances)} stances with "
        f"{evidence} verified quotes, {len(data.events)} events"
    )
    if data.replayed:
        summary += " (as at the last run: no file has changed since; --no-cache checks everything again)"
    print(summary, file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    from stancemap.derive.export import evidence_table, to_csv, to_json

    data, problems = load_dataset(args.root, today=args.today)
    for problem in problems:
        print(problem, file=sys.stderr)
    table = evidence_table(data)
    sys.stdout.write(to_csv(table) if args.format == "csv" else to_json(table))
    return 1 if problems else 0


def cmd_readme(args: argparse.Namespace) -> int:
    from stancemap.curate.readme import update

    data, problems = load_dataset(ROOT, today=args.today)
    if problems:
        print("fix the data problems first (python -m stancemap validate)", file=sys.stderr)
        return 1
    changed = update(ROOT / "README.md", data)
    print("README.md updated" if changed else "README.md is up to date")
    return 0


def _document_error(path: Path, err: Exception) -> int:
    """Print a document problem as one `FILE: message` line; exit code 2."""
    where = getattr(err, "where", None) or str(path)
    print(f"{where}: {err}", file=sys.stderr)
    return 2


def cmd_suggest(args: argparse.Namespace) -> int:
    from stancemap.curate.add_source import DocumentError, read_document
    from stancemap.curate.stubs import as_json, render_yaml
    from stancemap.curate.suggest import candidates

    try:
        _, text = read_document(args.file)
    except DocumentError as err:
        return _document_error(args.file, err)
    data, problems = load_dataset(args.root, today=args.today)
    if problems:
        print(f"note: {len(problems)} data problems (see validate); suggesting anyway", file=sys.stderr)
    found = candidates(text, data)
    shown = found[: args.top] if args.top else found
    if args.format == "json":
        sys.stdout.write(as_json(shown))
    else:
        sys.stdout.write(render_yaml(shown, data, label=str(args.file), total=len(found)))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from stancemap.curate.coverage import report

    data, problems = load_dataset(args.root, today=args.today)
    if problems:
        print(f"note: {len(problems)} data problems (see validate); counting what loaded", file=sys.stderr)
    sys.stdout.write(report(data))
    return 0


def cmd_add_source(args: argparse.Namespace) -> int:
    from stancemap.curate.add_source import DocumentError, add_source

    try:
        added = add_source(
            args.root,
            args.file,
            title=args.title,
            outlet=args.outlet,
            published=args.published,
            basis=args.basis,
            source_id=args.id,
            url=args.url,
            author=args.author,
            today=args.today,
        )
    except DocumentError as err:
        return _document_error(args.file, err)
    print(f"added seeds/{added.file} as source {added.id!r}; appended to seeds/sources.yaml:")
    print(added.entry, end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from stancemap.curate.jsonschema import REGENERATE, SCHEMAS, stale, write

    if args.check:
        found = stale(args.root)
        for path in found:
            print(f"{path}: stale; run {REGENERATE}")
        return 1 if found else 0
    written = write(args.root)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print(f"{len(SCHEMAS)} schema files are up to date")
    return 0


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(
            f"{value} is not an http(s) address, e.g. https://example.org/stancemap/"
        )
    return value


def cmd_publish(args: argparse.Namespace) -> int:
    from stancemap.derive.changes import releases
    from stancemap.publish.site import Extras, build
    from stancemap.publish.version import release_date, version_of

    date = release_date(args.root, given=args.date)
    # The release date is the build's "today": date rules and evidence ages then repeat on every rebuild.
    data, problems = load_dataset(args.root, today=date)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and args.strict:
        print(f"{len(problems)} data problems; --strict publishes nothing", file=sys.stderr)
        return 1
    history = releases(args.root, limit=args.releases, today=date) if args.releases else None
    version = version_of(data, date)
    try:
        site = build(
            data,
            args.out,
            version=version,
            problems=problems,
            base_url=args.base_url,
            extras=Extras(images=not args.no_images, releases=history),
        )
    except StancemapError as err:
        print(f"{args.out}: {err}", file=sys.stderr)
        return 2
    print(
        f"wrote {len(site.files)} files ({site.size() / 1e6:.1f} MB) to {args.out}: dataset {version}"
        + (f"; {len(problems)} data problems left out (listed on about/index.html)" if problems else "")
    )
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

    validate = add(
        "validate", cmd_validate, "Check every file; print each problem as path:line:col: message."
    )
    validate.add_argument(
        "root", nargs="?", type=_root, default=ROOT, help="data folder (default: this repo)"
    )
    validate.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file, ignoring and not writing the cache of checked files ($STANCEMAP_CACHE_DIR, "
        "else $XDG_CACHE_HOME/stancemap or ~/.cache/stancemap)",
    )
    export = add("export", cmd_export, "Print the flat table of stances x evidence.")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--root", type=_root, default=ROOT, help="data folder (default: this repo)")
    add("readme", cmd_readme, "Regenerate the generated sections of README.md from the code and data.")
    suggest = add("suggest", cmd_suggest, "Propose YAML stance stubs from a new document (plain UTF-8 text).")
    suggest.add_argument("file", type=Path, help="the document")
    suggest.add_argument("--top", type=int, default=0, help="print only the N best proposals (default: all)")
    suggest.add_argument(
        "--format",
        choices=["yaml", "json"],
        default="yaml",
        help="yaml: stance stubs (default); json: a list",
    )
    suggest.add_argument("--root", type=_root, default=ROOT, help="data folder (default: this repo)")
    coverage = add(
        "coverage", cmd_coverage, "Print evidence per issue x party, empty cells, uncited sources."
    )
    coverage.add_argument("--root", type=_root, default=ROOT, help="data folder (default: this repo)")
    source = add("add-source", cmd_add_source, "Copy a document into seeds/ and add it to sources.yaml.")
    source.add_argument("file", type=Path, help="the document (plain UTF-8 text)")
    source.add_argument("--title", required=True, help="the headline as the document gives it")
    source.add_argument("--outlet", required=True, help="publisher as the text states it; '-' if unstated")
    source.add_argument("--published", required=True, help="2026-01-03, 2026-01, 2025 or an a/b interval")
    source.add_argument("--basis", help="what in the text supports the date")
    source.add_argument("--id", help="source id (default: from the title)")
    source.add_argument("--url", help="http(s) address of the document")
    source.add_argument("--author", help="the by-line")
    source.add_argument("--root", type=_root, default=ROOT, help="data folder (default: this repo)")
    schema = add("schema", cmd_schema, "Write schema/*.schema.json from the models (--check: report only).")
    schema.add_argument("--check", action="store_true", help="exit 1 naming stale files; write nothing")
    schema.add_argument("--root", type=_root, default=ROOT, help="repository folder (default: this repo)")
    publish = add(
        "publish",
        cmd_publish,
        "Write the static site (matrix, cell, party, issue and source pages, embeds, data files) into OUT. "
        "Records with problems are left out and listed on the site's about page; --strict refuses instead.",
    )
    publish.add_argument("out", nargs="?", type=Path, default=Path("_site"), help="output folder (_site)")
    publish.add_argument("--root", type=_root, default=ROOT, help="data folder (default: this repo)")
    publish.add_argument(
        "--base-url",
        type=_base_url,
        default=os.environ.get(SITE_URL_VARIABLE) or None,
        help=f"public address of the site, for permalinks and embed codes (default: ${SITE_URL_VARIABLE})",
    )
    publish.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        help="release date (default: $SOURCE_DATE_EPOCH, else the last commit touching the data, else today)",
    )
    publish.add_argument(
        "--strict", action="store_true", help="exit 1 and write nothing if the data has problems"
    )
    publish.add_argument("--no-images", action="store_true", help="leave out matrix.svg and matrix.png")
    publish.add_argument(
        "--releases", type=int, default=30, help="newest releases on the changes page (0: no changes page)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler  # each subcommand sets its own
    return handler(args)
