"""Write the static site: every page and data file from one loaded Dataset, the same bytes on every build."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from stancemap.derive import export
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
from stancemap.derive.tables import Cells, citations
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
)


@dataclass(frozen=True)
class Site:
    """What a build wrote: the output folder and each file's path relative to it."""

    out: Path
    files: tuple[str, ...]

    def size(self) -> int:
        return sum((self.out / name).stat().st_size for name in self.files)


@dataclass(frozen=True)
class Extras:
    """Optional outputs from elsewhere: the matrix images and the changelog page's body."""

    matrix_svg: str | None = None
    matrix_png: bytes | None = None
    changelog: Any = None  # a value for changelog.html (see publish/changes), None to leave the page out


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
        self.today = version.date
        self.cells = current(data, as_of=self.today)
        self.codebook = codebook()
        self.common = {
            "version": version,
            "problems": self.problems,
            "has_changelog": extras.changelog is not None,
            "codebook": self.codebook,
            "red_line_mark": RED_LINE_MARK,
            "red_line_meaning": RED_LINE_MEANING,
            "no_position": NO_POSITION,
            "no_position_meaning": NO_POSITION_MEANING,
        }

    def render(self, template: str, page: str, **values: Any) -> bytes:
        context = self.common | {"root": layout.root_of(page), "page": page, "description": ""} | values
        return ENVIRONMENT.get_template(template).render(context).encode()

    def files(self) -> Iterator[tuple[str, bytes]]:
        data = self.data
        yield layout.STYLESHEET, stylesheet().encode()
        yield layout.SCRIPT, (STATIC / "site.js").read_bytes()
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
        yield from self.cell_pages()
        yield from self.party_pages()
        yield from self.issue_pages()
        yield from self.source_pages()
        yield from self.about_page()
        yield from self.data_files()
        if self.extras.changelog is not None:
            yield (
                layout.CHANGELOG,
                self.render(
                    "changelog.html", layout.CHANGELOG, title="Changes", changelog=self.extras.changelog
                ),
            )
        if self.extras.matrix_svg is not None:
            yield layout.MATRIX_SVG, self.extras.matrix_svg.encode()
        if self.extras.matrix_png is not None:
            yield layout.MATRIX_PNG, self.extras.matrix_png

    def cell_pages(self) -> Iterator[tuple[str, bytes]]:
        version = str(self.version)
        for party, issue in histories(self.data):
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

    def party_pages(self) -> Iterator[tuple[str, bytes]]:
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

    def issue_pages(self) -> Iterator[tuple[str, bytes]]:
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

    def source_pages(self) -> Iterator[tuple[str, bytes]]:
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
        yield layout.SOURCES, self.render("list.html", layout.SOURCES, title="Sources", items=items)
        for sid, source in data.sources.items():
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

    def about_page(self) -> Iterator[tuple[str, bytes]]:
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
                has_images=self.extras.matrix_svg is not None,
            ),
        )

    def data_files(self) -> Iterator[tuple[str, bytes]]:
        data, version = self.data, str(self.version)
        table = export.evidence_table(data).assign(dataset_version=version)
        yield layout.EVIDENCE_CSV, export.to_csv(table).encode()
        yield (
            layout.STANCES_JSON,
            (
                json.dumps(stances_document(data, self.version, self.cells), ensure_ascii=False, indent=1)
                + "\n"
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


def prepare(out: Path) -> None:
    """Empty `out` when it is a site this command wrote before; refuse any other non-empty folder."""
    if out.exists() and not out.is_dir():
        raise StancemapError(f"{out} is a file; publish needs a folder to write the site into")
    if out.is_dir() and any(out.iterdir()):
        if not (out / layout.MARKER).is_file():
            raise StancemapError(
                f"{out} is not empty and holds no earlier Stancemap site ({layout.MARKER}); "
                "name an empty or missing folder"
            )
        for child in sorted(out.iterdir()):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    out.mkdir(parents=True, exist_ok=True)


def build(
    data: Dataset,
    out: Path,
    *,
    version: DatasetVersion,
    problems: Iterable[Problem] = (),
    base_url: str | None = None,
    extras: Extras | None = None,
) -> Site:
    """Write the site for `data` into `out` (emptied first if it holds an earlier build)."""
    prepare(out)
    builder = Builder(data, problems, version=version, base_url=base_url, extras=extras or Extras())
    written = []
    for name, content in builder.files():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(name)
    (out / layout.MARKER).write_text(f"Stancemap site, dataset {version}\n", encoding="utf-8")
    return Site(out, tuple(sorted(written)))
