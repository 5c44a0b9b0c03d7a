"""Notices above every page: files served from their last good version, and what the data lost since the
data served before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from stancemap.derive.disappeared import Gone
from stancemap.derive.frames import PREVIOUS_VERSION_MARK
from stancemap.model.dataset import Dataset, StaleFile
from stancemap.ui.render import esc

BANNER_STYLE = "background:#fff4e5;border-left:4px solid #f0a030;padding:.5rem .8rem;margin:.3rem 0"
GONE_STYLE = "background:#eef2ff;border-left:4px solid #6366f1;padding:.5rem .8rem;margin:.3rem 0"
# Past this many labels of one kind, the notice gives the rest as a count.
GONE_SHOWN = 12
SINGULAR = {"stances": "stance", "parties": "party", "issues": "issue", "sources": "source"}


def when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "an unknown time"


def stale_html(data: Dataset, noticed: Callable[[str], dt.datetime | None]) -> str:
    """One banner per file served from its last good version: which file, since when, its problem, and
    that readers see its previous version ('' when none is)."""
    if not data.stale:
        return ""
    shown = data.derived("stances per stale file", lambda: _stances_per_file(data))
    parts = [
        _stale_file_html(rel, stale, noticed(rel), shown.get(rel, 0))
        for rel, stale in sorted(data.stale.items())
    ]
    return "".join(parts)


def _stances_per_file(data: Dataset) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in data.stances:
        if record.origin.path in data.stale:
            counts[record.origin.path] = counts.get(record.origin.path, 0) + 1
    return counts


def _stale_file_html(rel: str, stale: StaleFile, noticed: dt.datetime | None, shown: int) -> str:
    if stale.since is not None:
        since = f"since it was saved at {when(stale.since)}"
    else:
        since = f"since it went missing (noticed at {when(noticed)})"
    if shown == 1:
        stances = f" The stance from it carries the mark {PREVIOUS_VERSION_MARK} in the matrix."
    elif shown:
        stances = f" The {shown} stances from it carry the mark {PREVIOUS_VERSION_MARK} in the matrix."
    else:
        stances = ""
    problems = "".join(f"<li><code>{esc(problem)}</code></li>" for problem in stale.problems[:5])
    more = len(stale.problems) - 5
    rest = f"<li>and {more} more in the list of data problems</li>" if more > 0 else ""
    return (
        f'<div style="{BANNER_STYLE}" data-testid="stale-file">'
        f"<strong>⚠ {esc(rel)} has a problem {esc(since)}.</strong> "
        f"Readers see its previous version, the last one that loaded without a problem.{esc(stances)}"
        f"<ul style='margin:.3rem 0 0 0'>{problems}{rest}</ul></div>"
    )


def gone_html(gone: Gone) -> str:
    """What the data lost since the data served before it ('' when nothing)."""
    if not gone:
        return ""
    items = []
    for noun, labels in gone.groups():
        listed = ", ".join(esc(label) for label in labels[:GONE_SHOWN])
        more = f" and {len(labels) - GONE_SHOWN} more" if len(labels) > GONE_SHOWN else ""
        name = noun if len(labels) != 1 else SINGULAR[noun]
        items.append(f"<li>{len(labels)} {name}: {listed}{more}</li>")
    return (
        f'<div style="{GONE_STYLE}" data-testid="gone">'
        "<strong>Since the last load of the data, these are no longer shown</strong> (their files were "
        "changed or removed; see the data problems for any that did not load):"
        f"<ul style='margin:.3rem 0 0 0'>{''.join(items)}</ul></div>"
    )


def show(data: Dataset, gone: Gone, noticed: Callable[[str], dt.datetime | None]) -> None:
    """Draw the notices that apply."""
    for html in (stale_html(data, noticed), gone_html(gone)):
        if html:
            st.html(html)
