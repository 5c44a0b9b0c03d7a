"""Write the static site: every page and data file from one loaded Dataset, the same bytes on every build."""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from stancemap.derive import export
from stancemap.derive.changes import Release
from stancemap.derive.frames import Cells, citations
from stancemap.derive.highlight import Piece
from stancemap.derive.matrix import (
    LEVEL_COLOURS,
    NO_POSITION,
    NO_POSITION_COLOUR,
    NO_POSITION_TEXT,
    RED_LINE_MARK,
    TEXT,
    current,
    histories,
    level_colours,
)
from stancemap.derive.matrix_image import matrix_png, matrix_svg
from stancemap.model.codebook import (
    KIND_LABELS,
    KIND_MEANINGS,
    LEVEL_MEANINGS,
    NO_POSITION_MEANING,
    RED_LINE_MEANING,
    STRENGTH_MARKS,
)
from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem, StancemapError
from stancemap.publish import layout, pages
from stancemap.publish.jsonld import claim, script_json
from stancemap.publish.version import DatasetVersion

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

# autoescape everywhere: data reaches the pages only as escaped text; `|safe` is used once, for JSON-LD
# that script_json has made safe inside <script>.
ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
    keep_trailing_newline=True,
    auto_reload=False,  # templates do not change during a build; checking cost two stat calls a page
)


@functools.cache
def chip(level: str) -> Markup:
    """A level's coloured label, its meaning on hover (six distinct chips, so each is built once)."""
    return Markup('<span class="chip {}" title="{}">{}</span>').format(
        pages.level_class(level), pages.level_meaning(level), level
    )


def marked(runs: Iterable[Piece]) -> Markup:
    """Escaped text with the quoted runs in <mark> (a filter: far cheaper than a macro per run)."""
    # html.escape on plain strs and one Markup at the end: a Markup per run made this the build's hot spot.
    return Markup("".join(f"<mark>{escape(p.text)}</mark>" if p.marked else escape(p.text) for p in runs))


ENVIRONMENT.globals["chip"] = chip
ENVIRONMENT.filters["marked"] = marked


@dataclass(frozen=True)
class Site:
    """What a build wrote: the output folder and each file's path relative to it."""

    out: Path
    files: tuple[str, ...]

    def size(self) -> int:
        return sum((self.out / name).stat().st_size for name in self.files)


@dataclass(frozen=True)
class Task:
    """One independent share of a build: section `name`, share `part` of `parts`."""

    name: str
    part: int
    parts: int


@dataclass(frozen=True)
class Extras:
    """Optional outputs: the matrix images (vl-convert) and the changelog page's content."""

    images: bool = True
    releases: Sequence[Release] | None = None  # derive.changes.releases(root); None leaves the page out


def codebook() -> dict[str, Any]:
    levels = [
        {"level": level, "css": pages.level_class(level), "meaning": meaning}
        for level, meaning in LEVEL_MEANINGS.items()
    ]
    levels.append({"level": NO_POSITION, "css": "l-none", "meaning": NO_POSITION_MEANING})
    return {
        "levels": levels,
        "red_line_mark": RED_LINE_MARK,
        "red_line_meaning": RED_LINE_MEANING,
        "marks": list(STRENGTH_MARKS.items()),
        "kinds": [(KIND_LABELS[kind], meaning) for kind, meaning in KIND_MEANINGS.items()],
    }


def stylesheet() -> str:
    levels = [(pages.level_class(level), *level_colours(level)) for level in LEVEL_COLOURS]
    return ENVIRONMENT.get_template("site.css").render(
        levels=levels, text=TEXT, none_background=NO_POSITION_COLOUR, none_text=NO_POSITION_TEXT
    )


def _iframe(base_url: str | None, page: str, title: str, height: int) -> str:
    where = layout.permalink(base_url, page) or page
    return (
        f'<iframe src="{where}" title="{title}" width="100%" height="{height}" '
        'style="border:0" loading="lazy"></iframe>'
    )


class Builder:
    """Renders every page of one dataset; `files()` yields (relative path, bytes) in a fixed order."""

    def __init__(
        self,
        data: Dataset,
        problems: Iterable[Problem],
        *,
        version: DatasetVersion,
        base_url: str | None,
        extras: Extras,
    ) -> None:
        self.data = data
        self.problems = [str(problem) for problem in problems]
        self.version = version
        self.base_url = base_url
        self.extras = extras
        self.images = extras.images
        self.today = version.date
        self.cells = current(data, as_of=self.today)
        self.codebook = codebook()
        self.common = {
            "version": version,
            "problems": self.problems,
            "has_changelog": extras.releases is not None,
            "has_images": extras.images,
            "codebook": self.codebook,
            "red_line_mark": RED_LINE_MARK,
            "red_line_meaning": RED_LINE_MEANING,
            "no_position": NO_POSITION,
            "no_position_meaning": NO_POSITION_MEANING,
        }

    def render(self, template: str, page: str, **values: Any) -> bytes:
        context = self.common | {"root": layout.root_of(page), "page": page, "description": ""} | values
        return ENVIRONMENT.get_template(template).render(context).encode()

    def tasks(self, parts: int) -> list[Task]:
        """The build cut into independent tasks; the many cell and source pages into `parts` shares each."""
        shared = [Task(name, part, parts) for name in ("cells", "sources") for part in range(parts)]
        single = [Task(name, 0, 1) for name in ("assets", "matrix", "parties", "issues", "about", "data")]
        images = [Task("images", 0, 1)] if self.images else []
        return [*shared, *single, *images]

    def run(self, task: Task) -> Iterator[tuple[str, bytes]]:
        """The (path, bytes) of one task's files."""
        sections: dict[str, Callable[[int, int], Iterator[tuple[str, bytes]]]] = {
            "cells": self.cell_pages,
            "sources": self.source_pages,
            "assets": self.assets,
            "matrix": self.matrix_pages,
            "parties": self.party_pages,
            "issues": self.issue_pages,
            "about": self.about_page,
            "data": self.data_files,
            "images": self.image_files,
        }
        return sections[task.name](task.part, task.parts)

    def assets(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        yield layout.STYLESHEET, stylesheet().encode()
        yield layout.SCRIPT, (STATIC / "site.js").read_bytes()
        if self.extras.releases is not None:
            releases = pages.release_views(self.data, self.extras.releases, self.version.digest)
            yield (
                layout.CHANGELOG,
                self.render("changelog.html", layout.CHANGELOG, title="Changes", releases=releases),
            )

    def image_files(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        version = str(self.version)
        yield layout.MATRIX_SVG, matrix_svg(self.data, self.today, version=version).encode()
        yield layout.MATRIX_PNG, matrix_png(self.data, self.today, version=version)

    def matrix_pages(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        data = self.data
        rows = pages.matrix_rows(data, self.cells, self.today)
        parties = [{"id": pid, "name": party.name} for pid, party in data.parties.items()]
        yield (
            layout.INDEX,
            self.render(
                "index.html",
                layout.INDEX,
                title="Where each party stands",
                description="Where each party to the Russia–Ukraine peace talks stands on each issue, "
                "with the verbatim evidence.",
                rows=rows,
                parties=parties,
                parties_count=len(data.parties),
                issues_count=len(data.issues),
            ),
        )
        yield (
            layout.EMBED_MATRIX,
            self.render(
                "embed_matrix.html",
                layout.EMBED_MATRIX,
                title="Stancemap matrix",
                rows=rows,
                parties=parties,
                full_page=layout.INDEX,
            ),
        )

    def cell_pages(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        version = str(self.version)
        for party, issue in list(histories(self.data))[part::parts]:
            page = layout.cell_page(party, issue)
            permalink = layout.permalink(self.base_url, page)
            shown = self.cells.get((party, issue))
            view = pages.cell_view(
                self.data, party, issue, shown, today=self.today, permalink=permalink, version=version
            )
            jsonld = script_json(claim(self.data, shown, url=permalink, version=version)) if shown else None
            yield (
                page,
                self.render(
                    "cell.html",
                    page,
                    title=f"{view.party_name} on {view.issue_title}",
                    description=f"{view.party_name} on {view.issue_title}: "
                    + (f"{shown.stance.level}. {shown.stance.summary}" if shown else NO_POSITION),
                    cell=view,
                    jsonld=jsonld,
                    permalink=permalink,
                ),
            )

    def _recorded(self) -> set[tuple[str, str]]:
        return set(histories(self.data))

    def party_pages(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        data, recorded = self.data, self._recorded()
        items = [
            {"page": layout.party_page(pid), "name": p.name, "detail": ""} for pid, p in data.parties.items()
        ]
        yield layout.PARTIES, self.render("list.html", layout.PARTIES, title="Parties", items=items)
        for pid, party in data.parties.items():
            lines = [
                pages.stance_line(
                    data,
                    issue.title,
                    layout.issue_page(iid),
                    self.cells.get((pid, iid)),
                    layout.cell_page(pid, iid) if (pid, iid) in recorded else None,
                )
                for iid, issue in data.issues.items()
            ]
            page = layout.party_page(pid)
            yield page, self.render("party.html", page, title=party.name, party=party, lines=lines)

    def issue_pages(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        data, recorded = self.data, self._recorded()
        items = [
            {"page": layout.issue_page(iid), "name": issue.title, "detail": issue.proposition}
            for iid, issue in data.issues.items()
        ]
        yield layout.ISSUES, self.render("list.html", layout.ISSUES, title="Issues", items=items)
        for iid, issue in data.issues.items():
            lines = [
                pages.stance_line(
                    data,
                    party.name,
                    layout.party_page(pid),
                    self.cells.get((pid, iid)),
                    layout.cell_page(pid, iid) if (pid, iid) in recorded else None,
                )
                for pid, party in data.parties.items()
            ]
            embed = layout.embed_issue(iid)
            code = _iframe(self.base_url, embed, f"Stancemap: {issue.title}", 60 + 28 * len(lines))
            page = layout.issue_page(iid)
            yield (
                page,
                self.render("issue.html", page, title=issue.title, issue=issue, lines=lines, embed_code=code),
            )
            yield (
                embed,
                self.render(
                    "embed_issue.html", embed, title=issue.title, issue=issue, lines=lines, full_page=page
                ),
            )

    def source_pages(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        data = self.data
        cited = citations(data)
        spans = pages.quoted_spans(data)
        items = [
            {
                "page": layout.source_page(sid),
                "name": source.headline,
                "detail": f"{source.outlet or 'outlet not stated'}, {source.published}",
            }
            for sid, source in data.sources.items()
        ]
        if part == 0:
            yield layout.SOURCES, self.render("list.html", layout.SOURCES, title="Sources", items=items)
        for sid, source in list(data.sources.items())[part::parts]:
            page = layout.source_page(sid)
            yield (
                page,
                self.render(
                    "source.html",
                    page,
                    title=source.headline,
                    source=source,
                    url=pages.http_url(source.url),
                    copy_of=data.sources[source.copy_of].headline if source.copy_of in data.sources else None,
                    citing=pages.citing_items(data, cited.get(sid, [])),
                    paragraphs=pages.source_paragraphs(data, sid, spans.get(sid, [])),
                ),
            )

    def about_page(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        data = self.data
        evidence = sum(len(r.stance.evidence) for r in data.stances)
        counts = (
            f"{len(data.sources)} sources, {len(data.parties)} parties, {len(data.issues)} issues, "
            f"{len(data.stances)} dated stances with {evidence} verified quotes, {len(data.events)} events."
        )
        code = _iframe(self.base_url, layout.EMBED_MATRIX, "Stancemap matrix", 600)
        yield (
            layout.ABOUT,
            self.render(
                "about.html",
                layout.ABOUT,
                title="About the data",
                counts=counts,
                columns=[*export.COLUMNS.items(), ("dataset_version", DATASET_VERSION_COLUMN)],
                embed_code=code,
            ),
        )

    def data_files(self, part: int = 0, parts: int = 1) -> Iterator[tuple[str, bytes]]:
        data, version = self.data, str(self.version)
        table = export.evidence_table(data).assign(dataset_version=version)
        yield layout.EVIDENCE_CSV, export.to_csv(table).encode()
        yield (
            layout.STANCES_JSON,
            (
                json.dumps(stances_document(data, self.version, self.cells), ensure_ascii=False) + "\n"
            ).encode(),
        )
        yield layout.QUOTES_JS, quotes_script(data, version).encode()


DATASET_VERSION_COLUMN = "the dataset version this file was published from (date.content-hash)"


def stances_document(data: Dataset, version: DatasetVersion, cells: Cells) -> dict[str, Any]:
    """data/stances.json: the records as validated; each stance with its page, its quote spans, if shown."""
    shown = {id(record) for record in cells.values()}
    return {
        "dataset_version": str(version),
        "date": version.date.isoformat(),
        "sha256": version.digest,
        "parties": [party.model_dump(mode="json") for party in data.parties.values()],
        "issues": [issue.model_dump(mode="json") for issue in data.issues.values()],
        "sources": [
            {**source.model_dump(mode="json"), "page": layout.source_page(sid)}
            for sid, source in data.sources.items()
        ],
        "stances": [
            {
                "issue": record.issue,
                **record.stance.model_dump(mode="json", exclude={"evidence"}),
                "as_of": str(record.as_of),
                "shown": id(record) in shown,
                "page": layout.cell_page(record.party, record.issue),
                "evidence": [
                    {**ev.model_dump(mode="json"), "spans": [list(span) for span in match.spans]}
                    for ev, match in record.evidence()
                ],
            }
            for record in data.stances
        ],
    }


def quotes_script(data: Dataset, version: str) -> str:
    """data/quotes.js for the quote search: each cell's names and page, and each quote with its speaker."""
    cells: dict[tuple[str, str], int] = {}
    quotes = []
    for record in data.stances:
        key = (record.party, record.issue)
        if key not in cells:
            cells[key] = len(cells)
        quotes += [[cells[key], ev.quote, ev.speaker.name] for ev in record.stance.evidence]
    value = {
        "version": version,
        "cells": [
            [data.parties[party].name, data.issues[issue].title, layout.cell_page(party, issue)]
            for party, issue in cells
        ],
        "quotes": quotes,
    }
    # The same escapes as JSON-LD: the file is a script, so no "</script>" can close anything early.
    return f"// Stancemap quote index, dataset {version}\nwindow.stancemapQuotes = {script_json(value)};\n"


def check_target(out: Path) -> None:
    """Refuse a file, or a non-empty folder that is not a site this command wrote before."""
    if out.exists() and not out.is_dir():
        raise StancemapError(f"{out} is a file; publish needs a folder to write the site into")
    if out.is_dir() and any(out.iterdir()) and not (out / layout.MARKER).is_file():
        raise StancemapError(
            f"{out} is not empty and holds no earlier Stancemap site ({layout.MARKER}); "
            "name an empty or missing folder"
        )


def build(
    data: Dataset,
    out: Path,
    *,
    version: DatasetVersion,
    problems: Iterable[Problem] = (),
    base_url: str | None = None,
    extras: Extras | None = None,
) -> Site:
    """Write the site for `data` into `out`, replacing an earlier build there as a whole.

    The site is written into a hidden staging folder beside `out` and swapped in by two renames, so a
    reader (or a static host) sees the old site or the new one, never a half-written mix, and a killed build
    leaves the old site in place. Every file's bytes depend only on the data, the version and `base_url`:
    no clock, no unordered sets. One process: a forked worker pool halved the build on an idle machine but
    hung under pytest (forking a process that runs threads).
    """
    out = Path(out)
    check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a static host must read it
        builder = Builder(data, problems, version=version, base_url=base_url, extras=extras or Extras())
        written: list[str] = []
        folders: set[Path] = {staging}
        for task in builder.tasks(parts=1):
            for name, content in builder.run(task):
                path = staging / name
                if path.parent not in folders:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(path.parent)
                path.write_bytes(content)
                written.append(name)
        (staging / layout.MARKER).write_text(f"Stancemap site, dataset {version}\n", encoding="utf-8")
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Site(out, tuple(sorted(written)))


def _swap_in(staging: Path, out: Path) -> None:
    """Put the finished `staging` folder at `out`; an earlier build there is moved aside, then removed."""
    if not out.exists():
        os.rename(staging, out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)  # put the earlier build back rather than leave no site at all
        raise
    shutil.rmtree(old, ignore_errors=True)
