"""What the data covers: evidence per party × issue, the empty cells, and the sources no stance cites yet."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from stancemap.model.dataset import Dataset


def evidence_grid(data: Dataset) -> pd.DataFrame:
    """Evidence items per issue (rows, by id) × party (columns, by id), over every dated stance."""
    counts: Counter[tuple[str, str]] = Counter()
    for record in data.stances:
        counts[record.issue, record.party] += len(record.stance.evidence)
    rows = [[counts[issue, party] for party in data.parties] for issue in data.issues]
    return pd.DataFrame(rows, index=list(data.issues), columns=list(data.parties), dtype=int)


def empty_cells(data: Dataset) -> list[tuple[str, str]]:
    """(party, issue) pairs with no stance at all, issues in data order."""
    grid = evidence_grid(data)
    return [(party, issue) for issue in grid.index for party in grid.columns if grid.loc[issue, party] == 0]


def uncited_sources(data: Dataset) -> list[str]:
    """Ids of sources that no stance's evidence cites (events do not count)."""
    cited = {ev.source for record in data.stances for ev in record.stance.evidence}
    return [sid for sid in data.sources if sid not in cited]


def format_table(grid: pd.DataFrame, *, empty: str = "·") -> str:
    """An aligned plain-text table with a total row and column; zero cells shown as `empty`."""
    table = grid.copy()
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    header = ["issue", *table.columns]
    rows = [[str(issue), *(str(v) if v else empty for v in table.loc[issue])] for issue in table.index]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows[:-1]), rule, line(rows[-1])]) + "\n"


def report(data: Dataset) -> str:
    """The coverage report printed by `python -m stancemap coverage`."""
    grid = evidence_grid(data)
    cells = empty_cells(data)
    uncited = uncited_sources(data)
    stances = len(data.stances)
    parts = [
        f"Evidence items per issue × party ({stances} stances, {int(grid.to_numpy().sum())} evidence items):",
        "",
        format_table(grid),
        f"Empty cells ({len(cells)} of {grid.size}):",
    ]
    by_issue: dict[str, list[str]] = {}
    for party, issue in cells:
        by_issue.setdefault(issue, []).append(party)
    width = max((len(issue) for issue in by_issue), default=0)
    parts += [f"  {issue.ljust(width)}  {', '.join(parties)}" for issue, parties in by_issue.items()]
    if not cells:
        parts.append("  none")
    parts += ["", f"Sources no stance cites ({len(uncited)} of {len(data.sources)}):"]
    parts += [f"  {sid}  (seeds/{data.sources[sid].file})" for sid in uncited] or ["  none"]
    return "\n".join(parts) + "\n"
