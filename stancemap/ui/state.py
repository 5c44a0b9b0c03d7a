"""The view state behind every page and its round trip through the URL query string (no Streamlit here)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_VIEW = "matrix"
EARLIEST_AS_OF = dt.date(2000, 1, 1)
# Streamlit's own parameters (embedding); never ours to complain about.
FOREIGN_PARAMS = frozenset({"embed", "embed_options"})
# Link values are echoed in notices only when they are plainly an id or a date, so a crafted link cannot put
# markdown into the page.
_ECHOABLE = re.compile(r"[A-Za-z0-9_-]{1,40}")
QUERY_NAMES: tuple[str, ...] = (
    "view",
    "parties",
    "issues",
    "asof",
    "direct",
    "party",
    "issue",
    "source",
    "q",
)
MAX_SEARCH = 200  # characters of a search a link may carry; the rest is cut off
_TRUE, _FALSE = frozenset({"1", "true", "yes"}), frozenset({"0", "false", "no", ""})


@dataclass(frozen=True)
class Known:
    """The ids a link may name, in data order, and the last date it may ask for."""

    views: Sequence[str]
    parties: Sequence[str]
    issues: Sequence[str]
    sources: Sequence[str]
    today: dt.date


@dataclass(frozen=True)
class ViewState:
    """Everything a link restores; defaults are left out of the URL."""

    view: str = DEFAULT_VIEW
    parties: tuple[str, ...] = ()  # parties shown; empty means all
    issues: tuple[str, ...] = ()  # issues shown; empty means all
    as_of: dt.date | None = None  # None means the latest data
    direct: bool = False  # only stances with a direct or partial quote
    party: str | None = None  # the focused party: the matrix cell's column, the Party page
    issue: str | None = None  # the focused issue: the matrix cell's row, the Issue page
    source: str | None = None  # the focused source on the Sources page
    search: str = ""  # the words searched for on the Search page (never echoed into markdown)

    @property
    def cell(self) -> tuple[str, str] | None:
        """The selected matrix cell (party, issue), when both are focused."""
        return (self.party, self.issue) if self.party and self.issue else None


def _shown(value: str) -> str:
    """' `value`' for a plain id or date, else nothing."""
    return f" `{value}`" if _ECHOABLE.fullmatch(value) else ""


def _one(value: str, known: Sequence[str], what: str, notices: list[str]) -> str | None:
    if value in known:
        return value
    notices.append(f"Ignored an unknown {what}{_shown(value)} in the link.")
    return None


def _many(value: str, known: Sequence[str], what: str, notices: list[str]) -> tuple[str, ...]:
    """Known ids from a comma-separated list, in data order; all of them means no filter."""
    asked = [part.strip() for part in value.split(",") if part.strip()]
    for part in asked:
        _one(part, known, what, notices)
    chosen = tuple(k for k in known if k in asked)
    return () if len(chosen) == len(known) else chosen


def _date(value: str, known: Known, notices: list[str]) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        notices.append(f"Ignored the date{_shown(value)} in the link; write dates as YYYY-MM-DD.")
        return None
    if not EARLIEST_AS_OF <= day <= known.today:
        notices.append(
            f"Ignored the date {day} in the link; it must lie between {EARLIEST_AS_OF} and today "
            f"({known.today})."
        )
        return None
    return day


def _flag(value: str, what: str, notices: list[str]) -> bool:
    if value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    notices.append(f"Ignored the {what} setting{_shown(value)} in the link; use 1 or 0.")
    return False


def parse_query(params: Mapping[str, str], known: Known) -> tuple[ViewState, list[str]]:
    """The state a link asks for, and a short notice for each part of it that was ignored."""
    notices: list[str] = []
    for name in params:
        if name not in QUERY_NAMES and name.lower() not in FOREIGN_PARAMS:
            notices.append(f"Ignored the unknown link parameter{_shown(name)}.")

    def get(name: str) -> str | None:
        value = params.get(name)
        return None if value is None else str(value)

    view = get("view")
    parties, issues, as_of, direct = get("parties"), get("issues"), get("asof"), get("direct")
    party, issue, source, search = get("party"), get("issue"), get("source"), get("q")
    state = ViewState(
        view=(view and _one(view, known.views, "view", notices)) or DEFAULT_VIEW,
        parties=_many(parties, known.parties, "party", notices) if parties else (),
        issues=_many(issues, known.issues, "issue", notices) if issues else (),
        as_of=_date(as_of, known, notices) if as_of else None,
        direct=_flag(direct, "direct", notices) if direct is not None else False,
        party=_one(party, known.parties, "party", notices) if party else None,
        issue=_one(issue, known.issues, "issue", notices) if issue else None,
        source=_one(source, known.sources, "source", notices) if source else None,
        search=(search or "").strip()[:MAX_SEARCH],
    )
    return state, notices


def to_query(state: ViewState) -> dict[str, str]:
    """The query parameters for `state`, in a fixed order, leaving out every default."""
    wanted = {
        "view": state.view if state.view != DEFAULT_VIEW else None,
        "parties": ",".join(state.parties) or None,
        "issues": ",".join(state.issues) or None,
        "asof": state.as_of.isoformat() if state.as_of else None,
        "direct": "1" if state.direct else None,
        "party": state.party,
        "issue": state.issue,
        "source": state.source,
        "q": state.search or None,
    }
    return {name: value for name, value in wanted.items() if value is not None}
