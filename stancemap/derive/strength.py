"""How strong the evidence for a stance is: independent stories, direct quotes vs. paraphrase, recency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.model.dates import FuzzyDate
from stancemap.model.schema import QUOTED_KINDS


@dataclass(frozen=True)
class Strength:
    independent_sources: int  # distinct stories: syndicated copies of one story count once
    quoted: int  # evidence items with the speaker's words in quotation marks (direct or partial)
    reported: int  # paraphrases and readouts
    newest: FuzzyDate
    age_days: int  # days from the newest evidence's latest possible date to `today`

    @property
    def mark(self) -> str:
        """A compact mark for matrix cells: one dot per independent source (max 3), ❝ when quoted."""
        dots = "●" * min(self.independent_sources, 3)
        return f"{dots}{'❝' if self.quoted else ''}"

    def describe(self) -> str:
        stories = f"{self.independent_sources} independent source{'s' * (self.independent_sources != 1)}"
        return (
            f"{stories}; {self.quoted} quoted, {self.reported} paraphrased or readout; "
            f"newest evidence {self.newest} ({self.age_days} days ago)"
        )


def evidence_strength(data: Dataset, record: StanceRecord, today: dt.date) -> Strength:
    """Strength of one stance's evidence as of `today`."""
    evidence = record.stance.evidence
    stories = {data.story_of(ev.source) for ev in evidence}
    quoted = sum(ev.kind in QUOTED_KINDS for ev in evidence)
    newest = max((data.evidence_date(ev) for ev in evidence), key=lambda d: (d.latest, d.earliest))
    return Strength(len(stories), quoted, len(evidence) - quoted, newest, (today - newest.latest).days)
