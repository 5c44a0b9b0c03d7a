"""The loaded data: validated records plus what the loader derived (quote spans, dates, origins)."""

from __future__ import annotations

from dataclasses import dataclass, field

from stancemap.dates import FuzzyDate
from stancemap.quotes import QuoteMatch
from stancemap.schema import Event, Evidence, Issue, Party, Source, Stance
from stancemap.sourcetext import SourceText


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
