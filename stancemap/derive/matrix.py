"""The parties × issues comparison: each cell's current stance as of a date, its label, colour and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.model.schema import LEVELS, QUOTED_KINDS

NO_POSITION = "no recorded position"
# ColorBrewer RdBu (5 classes, colour-blind safe), strongest for → strongest against; blank = no record.
LEVEL_COLOURS: dict[str, str] = {
    "demands": "#2166ac",
    "supports": "#92c5de",
    "conditional": "#f7f7f7",
    "opposes": "#f4a582",
    "rejects": "#b2182b",
}
NO_POSITION_COLOUR = "#ffffff"
DARK_LEVELS = frozenset({"demands", "rejects"})
TEXT = "#1f2933"
NO_POSITION_TEXT = "#9aa0a6"
RED_LINE_MARK = "⛔"
LEVEL_RANK: dict[str, int] = {
    level: len(LEVELS) - i for i, level in enumerate(LEVELS)
}  # demands=5 … rejects=1


def has_direct_quote(record: StanceRecord) -> bool:
    """True when at least one evidence item prints the speaker's own words in quotation marks."""
    return any(ev.kind in QUOTED_KINDS for ev in record.stance.evidence)


def history(data: Dataset, party: str, issue: str) -> list[StanceRecord]:
    """Every dated stance of one party on one issue, oldest first."""
    return list(histories(data).get((party, issue), ()))


def histories(data: Dataset) -> dict[tuple[str, str], tuple[StanceRecord, ...]]:
    """Every cell's dated stances, oldest first, indexed once per data set.

    Scanning every stance for each cell was quadratic: the timeline of 10,000 stances took 82 s.
    """

    def build() -> dict[tuple[str, str], tuple[StanceRecord, ...]]:
        cells: dict[tuple[str, str], list[StanceRecord]] = {}
        for record in data.stances:
            cells.setdefault((record.party, record.issue), []).append(record)
        return {
            key: tuple(sorted(found, key=lambda r: (r.as_of.latest, r.as_of.earliest)))
            for key, found in cells.items()
        }

    return data.derived("histories", build)


def current(
    data: Dataset, *, as_of: dt.date | None = None, quoted_only: bool = False
) -> dict[tuple[str, str], StanceRecord]:
    """The newest stance per (party, issue) documented by `as_of`; a stance counts from its latest date."""
    cells: dict[tuple[str, str], StanceRecord] = {}
    for record in data.stances:
        if as_of is not None and record.as_of.latest > as_of:
            continue
        if quoted_only and not has_direct_quote(record):
            continue
        key = (record.party, record.issue)
        held = cells.get(key)
        if held is None or (record.as_of.latest, record.as_of.earliest) >= (
            held.as_of.latest,
            held.as_of.earliest,
        ):
            cells[key] = record
    return cells


def cell_label(data: Dataset, record: StanceRecord | None) -> str:
    """Short text for a matrix cell, e.g. 'demands · 50 yrs ⛔ (2)'."""
    if record is None:
        return NO_POSITION
    stance = record.stance
    parts: list[str] = [stance.level]
    unit = data.issues[record.issue].quantity
    if stance.quantity is not None and unit is not None:
        parts.append(f"{stance.quantity:g} {unit.short}")
    label = " · ".join(parts)
    if stance.red_line:
        label += f" {RED_LINE_MARK}"
    return f"{label} ({len(stance.evidence)})"


def matrix_long(
    data: Dataset,
    *,
    parties: Iterable[str] | None = None,
    issues: Iterable[str] | None = None,
    as_of: dt.date | None = None,
    quoted_only: bool = False,
) -> pd.DataFrame:
    """One row per party × issue cell, including empty ones, in the data's order."""
    parties = list(parties) if parties is not None else list(data.parties)
    issues = list(issues) if issues is not None else list(data.issues)
    cells = current(data, as_of=as_of, quoted_only=quoted_only)
    dated = histories(data)
    rows = []
    for party in parties:
        for issue in issues:
            record = cells.get((party, issue))
            stance = record.stance if record else None
            rows.append(
                {
                    "party": party,
                    "party_name": data.parties[party].name,
                    "issue": issue,
                    "issue_title": data.issues[issue].title,
                    "level": stance.level if stance else NO_POSITION,
                    "rank": LEVEL_RANK[stance.level] if stance else None,
                    "label": cell_label(data, record),
                    "summary": stance.summary if stance else NO_POSITION,
                    "quantity": stance.quantity if stance else None,
                    "red_line": bool(stance and stance.red_line),
                    "evidence": len(stance.evidence) if stance else 0,
                    "as_of": str(record.as_of) if record else "",
                    "history": len(dated.get((party, issue), ())),
                }
            )
    return pd.DataFrame(rows)


def matrix_table(long: pd.DataFrame, column: str = "label") -> pd.DataFrame:
    """The long cells pivoted to parties (rows, by name) × issues (columns, by title), keeping data order."""
    table = long.pivot(index="party_name", columns="issue_title", values=column)
    return table.reindex(index=long["party_name"].unique(), columns=long["issue_title"].unique())


def level_colours(level: str) -> tuple[str, str]:
    """Background and text colour of a level; "no recorded position" is white with grey text."""
    if level not in LEVEL_COLOURS:
        return NO_POSITION_COLOUR, NO_POSITION_TEXT
    return LEVEL_COLOURS[level], "#ffffff" if level in DARK_LEVELS else TEXT


def level_css(level: object) -> str:
    """CSS for a table cell of `level` (st.dataframe reads background-color, color and font-weight); any
    other cell value gets the no-position style."""
    background, colour = level_colours(level if isinstance(level, str) else NO_POSITION)
    weight = "400" if level in LEVEL_COLOURS else "300"
    return f"background-color: {background}; color: {colour}; font-weight: {weight}"
