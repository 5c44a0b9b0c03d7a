"""The loaded data: validated records plus what the loader derived (quote spans, dates, origins)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from stancemap.model.dates import FuzzyDate
from stancemap.model.problems import Problem
from stancemap.model.schema import Event, Evidence, Issue, Party, Source, Stance
from stancemap.model.sourcetext import SourceText

T = TypeVar("T")
# Derived views kept per dataset: enough for every filter combination a few visitors use at once.
DERIVED_MAX = 32


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: one ``[start, end)`` span into ``SourceText.text`` per fragment, in order."""

    spans: tuple[tuple[int, int], ...]
    paragraphs: tuple[int, ...]


@dataclass(frozen=True)
class Origin:
    """Where a record was written: file (relative to the data root) and 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class StanceRecord:
    """One stance of one party on one issue, with its derived date and verified quote spans."""

    issue: str
    stance: Stance
    as_of: FuzzyDate
    origin: Origin
    matches: tuple[QuoteMatch, ...]  # one per evidence item, same order

    @property
    def party(self) -> str:
        return self.stance.party

    def evidence(self) -> list[tuple[Evidence, QuoteMatch]]:
        return list(zip(self.stance.evidence, self.matches, strict=True))


@dataclass(frozen=True)
class EventRecord:
    event: Event
    origin: Origin
    match: QuoteMatch


@dataclass(frozen=True)
class StaleFile:
    """A data file whose version on disk has problems, so its last good version was loaded instead."""

    problems: tuple[Problem, ...]  # what is wrong with the version on disk
    since: dt.datetime | None  # when the version on disk was saved (UTC); None when the file is gone
    good_sha256: str  # the version that was loaded instead


@dataclass
class Dataset:
    """Everything that validated; ordered as written in the files."""

    sources: dict[str, Source] = field(default_factory=dict)
    texts: dict[str, SourceText] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)
    stances: list[StanceRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    broken_sources: dict[str, int] = field(
        default_factory=dict
    )  # id -> line of an entry that failed its checks
    broken_parties: dict[str, int] = field(default_factory=dict)  # likewise, in positions/parties.yaml
    broken_issues: dict[str, int] = field(default_factory=dict)  # likewise, in positions/issues.yaml
    # Files whose records could not be read at all (unreadable, not YAML, wrong shape): what refers into
    # them is counted against them, not reported one reference at a time.
    unread: set[str] = field(default_factory=set)
    # Files served from their last good version because the version on disk has problems.
    stale: dict[str, StaleFile] = field(default_factory=dict)
    # The text of each file whose version on disk loaded without a problem: the next last good version.
    clean: dict[str, str] = field(default_factory=dict, repr=False)
    # Whether this is a kept load replayed (check/replay.py): the same result, nothing checked again.
    replayed: bool = field(default=False, init=False, compare=False)
    _derived: OrderedDict[Hashable, Any] = field(
        default_factory=OrderedDict, init=False, repr=False, compare=False
    )
    _derived_lock: threading.RLock = field(
        default_factory=threading.RLock, init=False, repr=False, compare=False
    )

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """`build()`, computed once per `key` for this dataset and shared by every caller afterwards.

        A dataset is not changed once loaded, and the app draws the same views (a matrix per filter) on
        every rerun of every session; one lock makes concurrent callers of one key wait for a single build.
        It is re-entrant: a build may use other derived views (the matrix uses the histories).
        Treat the result as read-only. The least recently used of more than DERIVED_MAX views is dropped.
        """
        with self._derived_lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key]  # type: ignore[no-any-return]
            value = self._derived[key] = build()
            if len(self._derived) > DERIVED_MAX:
                self._derived.popitem(last=False)
            return value

    def story_of(self, source_id: str) -> str:
        """The id of the original story a source copies (itself when it is not a copy)."""
        seen: set[str] = set()
        while (
            (copy_of := self.sources[source_id].copy_of) and copy_of in self.sources and source_id not in seen
        ):
            seen.add(source_id)
            source_id = copy_of
        return source_id

    def evidence_date(self, evidence: Evidence) -> FuzzyDate:
        """When the evidence was said: its own date, else its source's publication date."""
        return evidence.said_on or self.sources[evidence.source].published
