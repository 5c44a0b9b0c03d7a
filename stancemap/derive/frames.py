"""Display frames: what the matrix, drill-down and sources pages show, as plain pandas frames (no Streamlit).

A new table a page shows row by row goes here; a computation across parties, issues or time (agreement,
outlook, change, strength) goes in analysis.py, and the flat evidence export in export.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from stancemap.derive.matrix import (
    LEVEL_COLOURS,
    NO_POSITION,
    cell_label,
    current,
    history,
    level_css,
    matrix_long,
    matrix_table,
)
from stancemap.derive.strength import evidence_strength
from stancemap.model.codebook import KIND_LABELS
from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.paths import STANCES_DIR

Cells = dict[tuple[str, str], StanceRecord]
ISSUE_COLUMN = ""  # the issue titles' column in Matrix.labels: party names are never empty


@dataclass(frozen=True)
class Axes:
    """The ids behind a drawn matrix: issues down the rows, parties across the columns (named as drawn)."""

    issues: tuple[str, ...]
    parties: tuple[str, ...]
    names: tuple[str, ...]  # the column headers: party names

    def cell_at(self, row: int, column: str) -> tuple[str, str] | None:
        """The (party, issue) of a selected cell given as (row position, column name)."""
        if 0 <= row < len(self.issues) and column in self.names:
            return self.parties[self.names.index(column)], self.issues[row]
        return None

    def position(self, party: str, issue: str) -> tuple[int, str] | None:
        """The (row position, column name) of a cell, or None when it is not drawn."""
        if party in self.parties and issue in self.issues:
            return self.issues.index(issue), self.names[self.parties.index(party)]
        return None


@dataclass(frozen=True)
class Matrix:
    """The matrix as drawn: cell texts and levels, issue titles × party names, and the ids behind them."""

    text: pd.DataFrame
    levels: pd.DataFrame
    css: pd.DataFrame  # each cell's CSS for its level (matrix.level_css), for filled cells
    # Each cell's text as a one-item list, for coloured labels, converted to Arrow once (Streamlit converting
    # a frame of lists on every rerun cost 7 ms at 89 × 246). The issue titles are the column named "", a
    # name no party can have.
    labels: pa.Table
    colours: dict[str, tuple[list[str], list[str]]]  # per column: its distinct texts and their colours
    axes: Axes
    filters: Hashable  # what it was built for: the key of what is derived from it, once per data set


# Marks a stance shown from the previous version of its file, because the file on disk has problems.
PREVIOUS_VERSION_MARK = "⟲"


def previous_version_note(data: Dataset, record: StanceRecord) -> str:
    """For a stance from the last good version of its file: say so ('' for any other)."""
    if record.origin.path not in data.stale:
        return ""
    return (
        f"{PREVIOUS_VERSION_MARK} from the previous version of {record.origin.path}: the file on disk has a "
        "problem (see the banner above)"
    )


def quantity_text(data: Dataset, record: StanceRecord) -> str:
    """The stance's number with its unit, e.g. '50 years', or ''."""
    unit = data.issues[record.issue].quantity
    quantity = record.stance.quantity
    return f"{quantity:g} {unit.unit}" if quantity is not None and unit is not None else ""


def cell_text(data: Dataset, record: StanceRecord | None, today: dt.date) -> str:
    """A matrix cell: level, quantity, red line, evidence count, strength mark: 'demands · RED LINE (1) ●❝',
    and PREVIOUS_VERSION_MARK when the stance comes from the last good version of a now broken file."""
    if record is None:
        return NO_POSITION
    stale = f" {PREVIOUS_VERSION_MARK}" if record.origin.path in data.stale else ""
    return f"{cell_label(data, record)} {evidence_strength(data, record, today).mark}{stale}"


def build_matrix(
    data: Dataset,
    *,
    parties: Sequence[str],
    issues: Sequence[str],
    as_of: dt.date | None,
    quoted_only: bool,
    today: dt.date,
) -> Matrix:
    """The matrix for the chosen parties, issues, date and quote filter: issues down, parties across.

    Built once per dataset and filter (`Dataset.derived`): every rerun of every session draws it.
    """
    chosen = _Filters(tuple(parties), tuple(issues), as_of, quoted_only, today)
    return data.derived(("matrix", chosen), lambda: _build_matrix(data, chosen))


class _Filters(NamedTuple):
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    as_of: dt.date | None
    quoted_only: bool
    today: dt.date


def _build_matrix(data: Dataset, chosen: _Filters) -> Matrix:
    parties, issues = chosen.parties, chosen.issues
    long = matrix_long(
        data, parties=parties, issues=issues, as_of=chosen.as_of, quoted_only=chosen.quoted_only
    )
    cells = current(data, as_of=chosen.as_of, quoted_only=chosen.quoted_only)
    long["cell"] = [
        cell_text(data, cells.get(key), chosen.today)
        for key in zip(long["party"], long["issue"], strict=True)
    ]
    # Transposed from matrix_table: issues grow in number while parties stay few, so this fits a screen
    # without sideways scrolling, and each row compares every party on one issue.
    # Object dtype, not pandas' Arrow strings: the Styler walks every cell in Python, and checking the
    # labels of Arrow-string axes cost it 12 % of each rerun at 2,000 stances.
    text = matrix_table(long, "cell").T.rename_axis(index="Issue", columns=None).astype(object)
    levels = matrix_table(long, "level").T.rename_axis(index="Issue", columns=None).astype(object)
    for frame in (text, levels):
        frame.index = frame.index.astype(object)
        frame.columns = frame.columns.astype(object)
    css_of = {level: level_css(level) for level in (*LEVEL_COLOURS, NO_POSITION)}
    css = pd.DataFrame(
        [[css_of[level] for level in row] for row in levels.itertuples(index=False)],
        index=levels.index,
        columns=levels.columns,
        dtype=object,
    )
    labels = pa.table(
        {ISSUE_COLUMN: list(map(str, text.index))}
        | {str(name): [[cell] for cell in text[name]] for name in text.columns}
    )
    colours = {}
    for name in text.columns:
        level_of = dict(zip(text[name], levels[name], strict=True))
        colours[str(name)] = (list(level_of), [label_colour(level) for level in level_of.values()])
    axes = Axes(tuple(issues), tuple(parties), tuple(str(name) for name in text.columns))
    return Matrix(text, levels, css, labels, colours, axes, chosen)


def label_colour(level: str) -> str:
    """The colour of a coloured-label cell: its level's, or none (transparent) for no recorded position."""
    return LEVEL_COLOURS.get(level, "#ffffff00")


def history_frame(data: Dataset, party: str, issue: str, shown: StanceRecord | None) -> pd.DataFrame:
    """Every dated stance of a party on an issue, oldest first, marking the one the matrix shows."""
    rows = [
        {
            "As of": str(record.as_of),
            "Level": record.stance.level,
            "Summary": record.stance.summary,
            "Quantity": quantity_text(data, record),
            "Red line": "yes" if record.stance.red_line else "",
            "Evidence": len(record.stance.evidence),
            "Shown": "◀ shown" if record is shown else "",
        }
        for record in history(data, party, issue)
    ]
    return pd.DataFrame(
        rows, columns=["As of", "Level", "Summary", "Quantity", "Red line", "Evidence", "Shown"]
    )


def _stance_row(data: Dataset, record: StanceRecord | None, today: dt.date) -> dict[str, object]:
    if record is None:
        return {
            "Level": NO_POSITION,
            "Summary": "",
            "Quantity": "",
            "Conditions": "",
            "As of": "",
            "Red line": "",
            "Evidence": 0,
            "Strength": "",
        }
    stance = record.stance
    return {
        "Level": stance.level,
        "Summary": stance.summary,
        "Quantity": quantity_text(data, record),
        "Conditions": "; ".join(stance.conditions),
        "As of": str(record.as_of),
        "Red line": "yes" if stance.red_line else "",
        "Evidence": len(stance.evidence),
        "Strength": evidence_strength(data, record, today).mark,
    }


def issue_frame(
    data: Dataset, issue: str, parties: Sequence[str], cells: Cells, today: dt.date
) -> pd.DataFrame:
    """Every chosen party on one issue, side by side."""
    rows = [
        {"Party": data.parties[p].name, **_stance_row(data, cells.get((p, issue)), today)} for p in parties
    ]
    return pd.DataFrame(rows).set_index("Party")


def party_frame(
    data: Dataset, party: str, issues: Sequence[str], cells: Cells, today: dt.date
) -> pd.DataFrame:
    """One party on every chosen issue."""
    rows = [
        {
            "Issue": data.issues[i].title,
            **_stance_row(data, cells.get((party, i)), today),
            "Proposition": data.issues[i].proposition,
        }
        for i in issues
    ]
    return pd.DataFrame(rows).set_index("Issue")


def quantity_frame(data: Dataset, issue: str, parties: Sequence[str], cells: Cells) -> pd.DataFrame:
    """One row per chosen party with a number on `issue`: the number, its level and where it comes from."""
    rows = []
    for party in parties:
        record = cells.get((party, issue))
        if record is None or record.stance.quantity is None:
            continue
        sources = dict.fromkeys(ev.source for ev in record.stance.evidence)
        rows.append(
            {
                "party": data.parties[party].name,
                "quantity": record.stance.quantity,
                "level": record.stance.level,
                "summary": record.stance.summary,
                "as_of": str(record.as_of),
                "source": "; ".join(
                    f"{data.sources[s].headline} ({data.sources[s].outlet or 'outlet not stated'}, "
                    f"{data.sources[s].published})"
                    for s in sources
                ),
            }
        )
    return pd.DataFrame(rows, columns=["party", "quantity", "level", "summary", "as_of", "source"])


def citations(data: Dataset) -> dict[str, list[tuple[StanceRecord, int]]]:
    """For each source id, the (stance, evidence index) pairs that cite it."""
    cited: dict[str, list[tuple[StanceRecord, int]]] = {sid: [] for sid in data.sources}
    for record in data.stances:
        for index, ev in enumerate(record.stance.evidence):
            cited.setdefault(ev.source, []).append((record, index))
    return cited


def sources_frame(data: Dataset) -> pd.DataFrame:
    """Every source with its metadata and how many stances cite it."""
    cited = citations(data)
    rows = [
        {
            "Source": sid,
            "Headline": source.headline,
            "Outlet": source.outlet or "(not stated)",
            "Syndication": " → ".join(source.syndication),
            "Author": source.author or "",
            "Published": str(source.published),
            "Date basis": source.published_basis,
            "Copy of": source.copy_of or "",
            "Stances citing": len({id(record) for record, _ in cited[sid]}),
            "Link": source.url or None,
        }
        for sid, source in data.sources.items()
    ]
    return pd.DataFrame(rows).set_index("Source")


def citing_frame(data: Dataset, source_id: str) -> pd.DataFrame:
    """The evidence items citing one source: party, issue, level, quote and speaker."""
    rows = [
        {
            "Party": data.parties[record.party].name,
            "Issue": data.issues[record.issue].title,
            "Level": record.stance.level,
            "As of": str(record.as_of),
            "Quote": record.stance.evidence[index].quote,
            "Speaker": record.stance.evidence[index].speaker.name,
            "Kind": KIND_LABELS[record.stance.evidence[index].kind],
        }
        for record, index in citations(data)[source_id]
    ]
    return pd.DataFrame(rows, columns=["Party", "Issue", "Level", "As of", "Quote", "Speaker", "Kind"])


def stance_file(data: Dataset, issue: str) -> str:
    """The file that holds the stances on `issue` (by convention positions/stances/<issue>.yaml)."""
    return next((r.origin.path for r in data.stances if r.issue == issue), f"{STANCES_DIR}/{issue}.yaml")


def empty_cell_explanation(
    data: Dataset, party: str, issue: str, *, as_of: dt.date | None, quoted_only: bool
) -> list[str]:
    """Why a cell is empty and how to fill it, as plain sentences."""
    name, title = data.parties[party].name, data.issues[issue].title
    recorded = history(data, party, issue)
    if not recorded:
        count = len(data.sources)
        return [
            f"No recorded position: none of the {count} source{'s' * (count != 1)} states a position of "
            f"{name} on {title}.",
            f"To add one, add a stance with party: {party} to {stance_file(data, issue)}, quoting a source "
            "listed in seeds/sources.yaml word for word, then run: python -m stancemap validate",
        ]
    sentences = [f"No position of {name} on {title} is shown with the current filters."]
    if as_of is not None and all(r.as_of.latest > as_of for r in recorded):
        sentences.append(
            f"The first recorded stance counts from {recorded[0].as_of.latest} (as of {recorded[0].as_of}); "
            f"the matrix is set to {as_of}."
        )
    elif quoted_only:
        sentences.append(
            "Its recorded stances rest on paraphrases or official readouts only; "
            "turn off 'Direct quotes only' to see them."
        )
    return sentences
