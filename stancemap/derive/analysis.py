"""Computations across the data set, for the Insights pages: agreement, outlook, red lines, change over time
and evidence strength, as pandas frames that charts.py draws and the pages list (display frames: frames.py).

Distances are on the ordinal stance scale of ``matrix.LEVEL_RANK`` (demands=5 … rejects=1): two parties at the
same level are 0 apart, ``demands`` and ``rejects`` are 4 apart. Only parties with a recorded position on an
issue are compared; a missing position is never read as agreement or disagreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from stancemap.derive.matrix import LEVEL_RANK, current, history, matrix_long
from stancemap.derive.strength import evidence_strength
from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.model.schema import LEVELS

# A red line at or above this rank (supports) is blocked by another party at or below OPPOSED_RANK, and the
# other way round; the one "conditional" level in between is the room a negotiation could still use.
FAVOUR_RANK = LEVEL_RANK["supports"]
OPPOSED_RANK = LEVEL_RANK["opposes"]
MAX_DISTANCE = LEVEL_RANK[LEVELS[0]] - LEVEL_RANK[LEVELS[-1]]

NOT_COMPARABLE = "not comparable"
SAME_PARTY = "same party"

# Change kinds in `changes`, most important first; a cell gets the first that applies.
NEW = "new"
CHANGED_LEVEL = "changed level"
CHANGED_RED_LINE = "changed red line"
CHANGED_DETAILS = "changed summary or quantity"
NO_LONGER = "no longer recorded"
CHANGE_KINDS: tuple[str, ...] = (NEW, CHANGED_LEVEL, CHANGED_RED_LINE, CHANGED_DETAILS, NO_LONGER)

# Issue outlooks in `issue_outlook`.
BLOCKED = "blocked"
BRIDGEABLE = "bridgeable"
DIVIDED = "divided"
SINGLE = "one position"
NONE_KNOWN = "no positions"


def positions(
    data: Dataset,
    *,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
    as_of: dt.date | None = None,
    quoted_only: bool = False,
) -> pd.DataFrame:
    """Every party × issue cell with its current level (or 'no recorded position'), for the strip chart.

    `parties` and `issues` choose the cells (empty: all), in the data's order.
    """
    frame = matrix_long(
        data, parties=parties or None, issues=issues or None, as_of=as_of, quoted_only=quoted_only
    )
    frame["has_position"] = frame["rank"].notna()
    return frame


def agreement(cells: pd.DataFrame) -> pd.DataFrame:
    """Party × party mean absolute level distance over the issues both have positions on (both orders).

    `cells` is a `positions` frame: its parties make the pairs and its issues are the ones compared.
    """
    parties = cells.drop_duplicates("party")[["party", "party_name"]]
    issues = cells.drop_duplicates("issue")[["issue", "issue_title"]]
    ranks = (
        cells.pivot(index="party", columns="issue", values="rank")
        .reindex(index=parties["party"], columns=issues["issue"])
        .to_numpy(dtype=float)
    )
    # Every pair at once: distances per issue, NaN where either party has no position on it.
    gaps = np.abs(ranks[:, None, :] - ranks[None, :, :])
    both = ~np.isnan(gaps)
    shared = both.sum(axis=2)
    with np.errstate(invalid="ignore"):
        means = np.nansum(gaps, axis=2) / shared  # NaN for pairs with no shared issue
    titles = issues["issue_title"].to_numpy()
    rows = []
    for i, (a, a_name) in enumerate(parties.itertuples(index=False)):
        for j, (b, b_name) in enumerate(parties.itertuples(index=False)):
            same, count = a == b, int(shared[i, j])
            if same:
                label = SAME_PARTY
            elif not count:
                label = NOT_COMPARABLE
            else:
                label = f"{means[i, j]:.1f} · {count} issue{'s' * (count != 1)}"
            rows.append(
                {
                    "party_a": a,
                    "party_a_name": a_name,
                    "party_b": b,
                    "party_b_name": b_name,
                    "shared": 0 if same else count,
                    "distance": None if same or not count else float(means[i, j]),
                    "comparable": bool(count) and not same,
                    "issues": "" if same else ", ".join(titles[both[i, j]]),
                    "label": label,
                }
            )
    return pd.DataFrame(rows)


def _stance_text(data: Dataset, record: StanceRecord) -> str:
    """'Russia: demands ⛔' style text naming a party and its level."""
    mark = " (red line)" if record.stance.red_line else ""
    return f"{data.parties[record.party].name}: {record.stance.level}{mark}"


def _blocking_pairs(records: list[StanceRecord]) -> list[tuple[StanceRecord, StanceRecord]]:
    """(red-line stance, opposite stance) pairs: a red line at ≥ supports vs ≤ opposes, or the reverse."""
    pairs = []
    for red in records:
        if not red.stance.red_line:
            continue
        rank = LEVEL_RANK[red.stance.level]
        for other in records:
            if other.party == red.party:
                continue
            against = LEVEL_RANK[other.stance.level]
            if (rank >= FAVOUR_RANK and against <= OPPOSED_RANK) or (
                rank <= OPPOSED_RANK and against >= FAVOUR_RANK
            ):
                pairs.append((red, other))
    return pairs


def issue_outlook(data: Dataset, *, as_of: dt.date | None = None, quoted_only: bool = False) -> pd.DataFrame:
    """Per issue: known positions, spread, red lines and whether it is blocked, bridgeable or divided."""
    cells = current(data, as_of=as_of, quoted_only=quoted_only)
    rows = []
    for issue, info in data.issues.items():
        records = [cells[(p, issue)] for p in data.parties if (p, issue) in cells]
        ranks = [LEVEL_RANK[r.stance.level] for r in records]
        spread = max(ranks) - min(ranks) if ranks else None
        blocking = _blocking_pairs(records)
        if blocking:
            outlook = BLOCKED
        elif len(records) >= 2 and spread is not None and spread <= 1:
            outlook = BRIDGEABLE
        elif len(records) >= 2:
            outlook = DIVIDED
        else:
            outlook = SINGLE if records else NONE_KNOWN
        quantities = {r.stance.quantity for r in records if r.stance.quantity is not None}
        rows.append(
            {
                "issue": issue,
                "issue_title": info.title,
                "outlook": outlook,
                "known": len(records),
                "spread": spread,
                "stances": "; ".join(_stance_text(data, r) for r in records),
                "red_lines": ", ".join(data.parties[r.party].name for r in records if r.stance.red_line),
                "blocked_by": "; ".join(
                    f"{_stance_text(data, red)} vs {_stance_text(data, other)}" for red, other in blocking
                ),
                # Levels can be close while numbers are far apart (50 vs 15 years).
                "quantities_differ": len(quantities) > 1,
                "parties": [r.party for r in records],
            }
        )
    return pd.DataFrame(rows)


def blocked_issues(data: Dataset, *, as_of: dt.date | None = None, quoted_only: bool = False) -> pd.DataFrame:
    """One row per red line that meets a stance on the opposite side of the scale."""
    cells = current(data, as_of=as_of, quoted_only=quoted_only)
    rows = []
    for issue, info in data.issues.items():
        records = [cells[(p, issue)] for p in data.parties if (p, issue) in cells]
        for red, other in _blocking_pairs(records):
            rows.append(
                {
                    "issue": issue,
                    "issue_title": info.title,
                    "red_line_party": red.party,
                    "red_line_name": data.parties[red.party].name,
                    "red_line_level": red.stance.level,
                    "red_line_summary": red.stance.summary,
                    "other_party": other.party,
                    "other_name": data.parties[other.party].name,
                    "other_level": other.stance.level,
                    "other_summary": other.stance.summary,
                }
            )
    columns = [
        "issue", "issue_title", "red_line_party", "red_line_name", "red_line_level", "red_line_summary",
        "other_party", "other_name", "other_level", "other_summary",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def bridgeable_issues(
    data: Dataset, *, as_of: dt.date | None = None, quoted_only: bool = False
) -> pd.DataFrame:
    """Issues with at least two known stances, all within one level of each other."""
    outlook = issue_outlook(data, as_of=as_of, quoted_only=quoted_only)
    return outlook[outlook["outlook"] == BRIDGEABLE].reset_index(drop=True)


def red_lines(data: Dataset, *, as_of: dt.date | None = None, quoted_only: bool = False) -> pd.DataFrame:
    """The current stances marked as red lines."""
    cells = current(data, as_of=as_of, quoted_only=quoted_only)
    rows = [
        {
            "party": r.party,
            "party_name": data.parties[r.party].name,
            "issue": r.issue,
            "issue_title": data.issues[r.issue].title,
            "level": r.stance.level,
            "summary": r.stance.summary,
            "as_of": str(r.as_of),
            "evidence": len(r.stance.evidence),
        }
        for (party, issue), r in sorted(cells.items(), key=lambda kv: _order(data, *kv[0]))
        if r.stance.red_line
    ]
    columns = ["party", "party_name", "issue", "issue_title", "level", "summary", "as_of", "evidence"]
    return pd.DataFrame(rows, columns=columns)


def _order(data: Dataset, party: str, issue: str) -> tuple[int, int]:
    """Data-file order of a cell: issues as listed, then parties as listed."""
    return list(data.issues).index(issue), list(data.parties).index(party)


def cell_evidence(data: Dataset, record: StanceRecord) -> pd.DataFrame:
    """The evidence of one stance as rows (quote, speaker, kind, source, published) for an evidence view."""
    rows = [
        {
            "quote": ev.quote,
            "speaker": ev.speaker.name,
            "role": ev.speaker.role or "",
            "kind": ev.kind,
            "source": ev.source,
            "headline": data.sources[ev.source].headline,
            "story": data.story_of(ev.source),
            "published": str(data.sources[ev.source].published),
            "note": ev.note or "",
        }
        for ev in record.stance.evidence
    ]
    return pd.DataFrame(rows)


def timeline(
    data: Dataset,
    *,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
    several_only: bool = False,
) -> pd.DataFrame:
    """One row per dated stance: its as_of interval (start, end), level and sources, oldest first per cell.

    `parties` and `issues` choose the cells (empty: all).
    """
    rows = []
    for party in parties or data.parties:
        for issue in issues or data.issues:
            records = history(data, party, issue)
            if not records or (several_only and len(records) < 2):
                continue
            for step, record in enumerate(records):
                stance = record.stance
                rows.append(
                    {
                        "row": f"{data.parties[party].name} · {data.issues[issue].title}",
                        "party": party,
                        "party_name": data.parties[party].name,
                        "issue": issue,
                        "issue_title": data.issues[issue].title,
                        "level": stance.level,
                        "summary": stance.summary,
                        "red_line": stance.red_line,
                        "as_of": str(record.as_of),
                        "start": pd.Timestamp(record.as_of.earliest),
                        "end": pd.Timestamp(record.as_of.latest),
                        "sources": ", ".join(dict.fromkeys(ev.source for ev in stance.evidence)),
                        "step": step + 1,
                        "steps": len(records),
                    }
                )
    columns = [
        "row", "party", "party_name", "issue", "issue_title", "level", "summary", "red_line", "as_of",
        "start", "end", "sources", "step", "steps",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def events(data: Dataset) -> pd.DataFrame:
    """Key events with their date interval; `exact` is True when the source dates the event to one day."""
    rows = [
        {
            "id": record.event.id,
            "title": record.event.title,
            "kind": record.event.kind,
            "date": str(record.event.date),
            "start": pd.Timestamp(record.event.date.earliest),
            "end": pd.Timestamp(record.event.date.latest),
            "exact": record.event.date.is_day,
            "source": record.event.source,
            "quote": record.event.quote,
        }
        for record in sorted(data.events, key=lambda r: (r.event.date.earliest, r.event.date.latest))
    ]
    columns = ["id", "title", "kind", "date", "start", "end", "exact", "source", "quote"]
    return pd.DataFrame(rows, columns=columns)


def _change(before: StanceRecord | None, after: StanceRecord | None) -> str | None:
    """The kind of change from one cell state to the next, or None when nothing an analyst reads changed."""
    if before is None:
        return NEW if after is not None else None
    if after is None:
        return NO_LONGER
    old, new = before.stance, after.stance
    if old.level != new.level:
        return CHANGED_LEVEL
    if old.red_line != new.red_line:
        return CHANGED_RED_LINE
    if (old.summary, old.quantity, old.conditions) != (new.summary, new.quantity, new.conditions):
        return CHANGED_DETAILS
    return None


def changes(
    data: Dataset,
    before: dt.date,
    after: dt.date,
    *,
    parties: Sequence[str] = (),
    issues: Sequence[str] = (),
    quoted_only: bool = False,
) -> pd.DataFrame:
    """What changed between the matrix as of `before` and as of `after`; unchanged cells are omitted.

    `parties` and `issues` choose the cells (empty: all).
    """
    old = current(data, as_of=before, quoted_only=quoted_only)
    new = current(data, as_of=after, quoted_only=quoted_only)
    rows = []
    for issue in issues or data.issues:
        for party in parties or data.parties:
            was, now = old.get((party, issue)), new.get((party, issue))
            kind = _change(was, now)
            if kind is None:
                continue
            rows.append(
                {
                    "party": party,
                    "party_name": data.parties[party].name,
                    "issue": issue,
                    "issue_title": data.issues[issue].title,
                    "change": kind,
                    "before_level": was.stance.level if was else "",
                    "before_summary": was.stance.summary if was else "",
                    "before_as_of": str(was.as_of) if was else "",
                    "after_level": now.stance.level if now else "",
                    "after_summary": now.stance.summary if now else "",
                    "after_as_of": str(now.as_of) if now else "",
                }
            )
    columns = [
        "party", "party_name", "issue", "issue_title", "change", "before_level", "before_summary",
        "before_as_of", "after_level", "after_summary", "after_as_of",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def strength_table(
    data: Dataset, today: dt.date, *, records: Iterable[StanceRecord] | None = None
) -> pd.DataFrame:
    """Evidence strength of each stance (all stances unless `records` is given), current ones flagged."""
    latest = {id(r) for r in current(data).values()}
    rows = []
    for record in data.stances if records is None else records:
        strength = evidence_strength(data, record, today)
        rows.append(
            {
                "party": record.party,
                "party_name": data.parties[record.party].name,
                "issue": record.issue,
                "issue_title": data.issues[record.issue].title,
                "level": record.stance.level,
                "summary": record.stance.summary,
                "as_of": str(record.as_of),
                "current": id(record) in latest,
                "evidence": len(record.stance.evidence),
                "sources": len({ev.source for ev in record.stance.evidence}),
                "independent_sources": strength.independent_sources,
                "quoted": strength.quoted,
                "reported": strength.reported,
                "newest": str(strength.newest),
                "age_days": strength.age_days,
                "mark": strength.mark,
                "describe": strength.describe(),
            }
        )
    columns = [
        "party", "party_name", "issue", "issue_title", "level", "summary", "as_of", "current", "evidence",
        "sources", "independent_sources", "quoted", "reported", "newest", "age_days", "mark", "describe",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)
