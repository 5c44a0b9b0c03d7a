"""What each page of the site shows, as plain values for the templates (all wording and logic is here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from stancemap.derive.changes import Change, Release
from stancemap.derive.citation import cite
from stancemap.derive.frames import cell_text, empty_cell_explanation, quantity_text
from stancemap.derive.highlight import ContextParagraph, Piece, pieces, quote_context
from stancemap.derive.matrix import LEVEL_COLOURS, NO_POSITION, RED_LINE_MARK, history
from stancemap.derive.strength import evidence_strength
from stancemap.model.codebook import KIND_LABELS, KIND_MEANINGS, LEVEL_MEANINGS, NO_POSITION_MEANING
from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.publish import layout


def level_class(level: str) -> str:
    """The CSS class of a level's colour: `l-demands` … `l-rejects`, `l-none` for no recorded position."""
    return f"l-{level}" if level in LEVEL_COLOURS else "l-none"


def level_meaning(level: str) -> str:
    return LEVEL_MEANINGS.get(level, NO_POSITION_MEANING)


def http_url(url: str | None) -> str | None:
    """`url` when it is http(s) with a host, else None: the only links to other sites the pages hold."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


@dataclass(frozen=True, slots=True)
class Cell:
    """One matrix cell as drawn: the party's name (a card's label on narrow screens), colour, text, page."""

    party: str
    css: str
    label: str
    page: str | None  # None: no stance recorded, so no cell page


@dataclass(frozen=True, slots=True)
class Row:
    issue: str
    title: str
    proposition: str
    cells: list[Cell]


def matrix_rows(data: Dataset, cells: dict[tuple[str, str], StanceRecord], today: dt.date) -> list[Row]:
    """Issues down, parties across, each cell labelled as in the app ('demands ⛔ (1) ●❝')."""
    recorded = {(r.party, r.issue) for r in data.stances}
    rows = []
    for issue_id, issue in data.issues.items():
        row = []
        for party_id, party in data.parties.items():
            record = cells.get((party_id, issue_id))
            level = record.stance.level if record else NO_POSITION
            page = layout.cell_page(party_id, issue_id) if (party_id, issue_id) in recorded else None
            row.append(Cell(party.name, level_class(level), cell_text(data, record, today), page))
        rows.append(Row(issue_id, issue.title, issue.proposition, row))
    return rows


@dataclass(frozen=True, slots=True)
class Citing:
    """A cited form of one evidence item."""

    text: str
    bibtex: str | None  # BibTeX and CSL-JSON for the shown stance's evidence; older stances keep the text
    csl_json: str | None


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    number: int
    speaker: str
    role: str | None
    kind: str
    kind_meaning: str
    attribution: str
    inferred_note: str | None
    note: str | None
    when: str
    context: list[ContextParagraph]
    source_page: str
    headline: str
    outlet: str
    syndication: str
    published: str
    published_basis: str
    copy_of: str | None
    url: str | None
    citation: Citing


@dataclass(frozen=True, slots=True)
class StanceView:
    """One dated stance of a cell with its evidence; `anchor` is its id on the cell page."""

    anchor: str
    shown: bool
    level: str
    css: str
    meaning: str
    summary: str
    red_line: bool
    quantity: str
    conditions: str
    as_of: str
    counts_from: str | None
    strength: str
    note: str | None
    evidence: list[EvidenceItem]


def stance_view(
    data: Dataset,
    record: StanceRecord,
    *,
    anchor: str,
    shown: bool,
    today: dt.date,
    permalink: str | None,
    version: str,
) -> StanceView:
    stance = record.stance
    items = []
    for index, (ev, match) in enumerate(record.evidence()):
        source = data.sources[ev.source]
        citation = cite(data, record, index, permalink=permalink, dataset_version=version)
        items.append(
            EvidenceItem(
                number=index + 1,
                speaker=ev.speaker.name,
                role=ev.speaker.role,
                kind=KIND_LABELS[ev.kind],
                kind_meaning=KIND_MEANINGS[ev.kind],
                attribution="party named in the source"
                if ev.attribution == "stated"
                else "party inferred by the curator",
                inferred_note=ev.note if ev.attribution == "inferred" else None,
                note=ev.note if ev.attribution == "stated" else None,
                when=f"said {ev.said_on}" if ev.said_on else f"published {source.published}",
                context=quote_context(data.texts[ev.source], match.spans),
                source_page=layout.source_page(ev.source),
                headline=source.headline,
                outlet=source.outlet or "outlet not stated",
                syndication=" → ".join(source.syndication),
                published=str(source.published),
                published_basis=source.published_basis,
                copy_of=data.sources[source.copy_of].headline if source.copy_of in data.sources else None,
                url=http_url(source.url),
                citation=Citing(citation.text(), citation.bibtex(), citation.csl_json())
                if shown
                else Citing(citation.text(), None, None),
            )
        )
    return StanceView(
        anchor=anchor,
        shown=shown,
        level=stance.level,
        css=level_class(stance.level),
        meaning=level_meaning(stance.level),
        summary=stance.summary,
        red_line=stance.red_line,
        quantity=quantity_text(data, record),
        conditions="; ".join(stance.conditions),
        as_of=str(record.as_of),
        counts_from=None if record.as_of.is_day else str(record.as_of.latest),
        strength=evidence_strength(data, record, today).describe(),
        note=stance.note,
        evidence=items,
    )


@dataclass(frozen=True, slots=True)
class CellView:
    party: str
    party_name: str
    issue: str
    issue_title: str
    proposition: str
    shown: StanceView | None
    empty: list[str]  # why no stance is shown, when none is
    history: list[StanceView]  # oldest first, as the app's history table


def cell_view(
    data: Dataset,
    party: str,
    issue: str,
    shown: StanceRecord | None,
    *,
    today: dt.date,
    permalink: str | None,
    version: str,
) -> CellView:
    records = history(data, party, issue)
    views = [
        stance_view(
            data,
            record,
            anchor=f"stance-{number}",
            shown=record is shown,
            today=today,
            permalink=permalink,
            version=version,
        )
        for number, record in enumerate(records, start=1)
    ]
    empty = (
        []
        if shown is not None
        else empty_cell_explanation(data, party, issue, as_of=today, quoted_only=False)[:1]
    )
    return CellView(
        party=party,
        party_name=data.parties[party].name,
        issue=issue,
        issue_title=data.issues[issue].title,
        proposition=data.issues[issue].proposition,
        shown=next((view for view in views if view.shown), None),
        empty=empty,
        history=views,
    )


@dataclass(frozen=True, slots=True)
class StanceLine:
    """One line of a party's or an issue's page: who or what, the stance, and the cell page."""

    name: str
    page: str  # the party's or issue's own page
    level: str
    css: str
    summary: str
    red_line: bool
    as_of: str
    cell: str | None


def stance_line(
    data: Dataset, name: str, page: str, record: StanceRecord | None, cell: str | None
) -> StanceLine:
    level = record.stance.level if record else NO_POSITION
    return StanceLine(
        name=name,
        page=page,
        level=level,
        css=level_class(level),
        summary=record.stance.summary + (f" {RED_LINE_MARK}" if record.stance.red_line else "")
        if record
        else "",
        red_line=bool(record and record.stance.red_line),
        as_of=str(record.as_of) if record else "",
        cell=cell,
    )


@dataclass(frozen=True, slots=True)
class SourceParagraph:
    number: int
    kind: str
    why: str | None  # why the paragraph is greyed: boilerplate or a repeat
    pieces: list[Piece]


@dataclass(frozen=True, slots=True)
class CitingItem:
    party: str
    issue: str
    level: str
    css: str
    quote: str
    speaker: str
    cell: str


Cited = list[tuple[StanceRecord, int]]


def quoted_spans(data: Dataset) -> dict[str, list[tuple[int, int]]]:
    """For each source id, every span a stance or an event quotes from it."""
    spans: dict[str, list[tuple[int, int]]] = {source: [] for source in data.sources}
    for record in data.stances:
        for ev, match in record.evidence():
            spans.setdefault(ev.source, []).extend(match.spans)
    for event in data.events:
        spans.setdefault(event.event.source, []).extend(event.match.spans)
    return spans


def source_paragraphs(data: Dataset, source_id: str, spans: list[tuple[int, int]]) -> list[SourceParagraph]:
    """Every paragraph of a source, numbered, with `spans` (what the data quotes from it) marked."""
    text = data.texts[source_id]
    found = []
    for index, paragraph in enumerate(text.paragraphs):
        why = None
        if paragraph.kind == "boilerplate":
            why = "site boilerplate: not searched for quotes"
        elif paragraph.kind == "repeat":
            why = f"repeat of ¶{(paragraph.repeat_of or 0) + 1}: not searched for quotes"
        inside = [span for span in spans if span[0] < paragraph.end and span[1] > paragraph.start]
        found.append(
            SourceParagraph(
                index + 1, paragraph.kind, why, pieces(text.text, paragraph.start, paragraph.end, inside)
            )
        )
    return found


def citing_items(data: Dataset, cited: Cited) -> list[CitingItem]:
    """The evidence items quoting one source (`cited`: from derive.frames.citations)."""
    return [
        CitingItem(
            party=data.parties[record.party].name,
            issue=data.issues[record.issue].title,
            level=record.stance.level,
            css=level_class(record.stance.level),
            quote=record.stance.evidence[index].quote,
            speaker=record.stance.evidence[index].speaker.name,
            cell=layout.cell_page(record.party, record.issue),
        )
        for record, index in cited
    ]


@dataclass(frozen=True, slots=True)
class ChangeLine:
    cell: str  # "Russia on Crimea"
    page: str | None  # the cell's page, when the cell is in this build
    text: str


@dataclass(frozen=True, slots=True)
class ReleaseView:
    version: str
    date: str
    commit: str
    subject: str
    problems: int
    this_build: bool
    changes: list[ChangeLine]


CHANGE_WORDS: dict[str, str] = {
    "added": "stance added",
    "removed": "stance removed",
    "as_of": "date",
    "level": "level",
    "quantity": "quantity",
    "red_line": "red line",
    "summary": "summary",
    "conditions": "conditions",
    "evidence_added": "evidence added",
    "evidence_removed": "evidence removed",
    "evidence_edited": "evidence edited",
}


def change_text(change: Change) -> str:
    """One change in words: 'level: supports → demands', 'evidence added: src-1: “…”'."""
    what = CHANGE_WORDS.get(change.kind, change.kind)
    where = f"as of {change.as_of}: "
    if change.evidence is not None:
        return f"{where}{what}: {change.evidence.speaker.name}: “{change.evidence.quote}”"
    if change.kind in ("added", "removed"):
        return f"{where}{what} ({change.after or change.before})"
    return f"{where}{what}: {change.before or '—'} → {change.after or '—'}"


def release_views(data: Dataset, releases: Sequence[Release], digest: str) -> list[ReleaseView]:
    """The data's releases, newest first, each change named by the cell it is in (by name where known)."""
    recorded = {(r.party, r.issue) for r in data.stances}
    views = []
    for release in releases:
        lines = []
        for change in release.changes:
            party = data.parties[change.party].name if change.party in data.parties else change.party
            issue = data.issues[change.issue].title if change.issue in data.issues else change.issue
            page = (
                layout.cell_page(change.party, change.issue)
                if (change.party, change.issue) in recorded
                else None
            )
            lines.append(ChangeLine(f"{party} on {issue}", page, change_text(change)))
        views.append(
            ReleaseView(
                version=f"{release.date.date().isoformat()}.{release.dataset_version}",
                date=release.date.date().isoformat(),
                commit=release.commit[:12],
                subject=release.subject,
                problems=release.problems,
                this_build=release.dataset_version == digest,
                changes=lines,
            )
        )
    return views
