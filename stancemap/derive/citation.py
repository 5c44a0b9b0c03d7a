"""How to cite one evidence item: plain text, BibTeX and CSL-JSON, one wording for the app and the site."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from stancemap.model.codebook import KIND_LABELS
from stancemap.model.dataset import Dataset, StanceRecord
from stancemap.model.dates import FuzzyDate

# BibTeX treats these as markup; escaping them keeps a quote's text literal in any BibTeX processor.
_BIBTEX_SPECIAL = re.compile(r"([\\{}$&%#_^~])")


@dataclass(frozen=True)
class Citation:
    """One evidence item of one stance, with everything a reader needs to cite it without the data files."""

    key: str
    quote: str
    speaker: str
    speaker_role: str | None
    kind: str
    party: str
    issue: str
    proposition: str
    headline: str
    outlet: str | None
    published: FuzzyDate
    url: str | None
    permalink: str | None
    dataset_version: str | None

    def text(self) -> str:
        """A one-paragraph citation: the quote, who said it, where and when, and where we recorded it."""
        who = self.speaker + (f", {self.speaker_role}" if self.speaker_role else "")
        where = f"{self.outlet}, " if self.outlet else ""
        parts = [
            f"“{self.quote}” — {who} ({KIND_LABELS.get(self.kind, self.kind)}).",
            f"{where}“{self.headline}”, {self.published}." + (f" {self.url}" if self.url else ""),
            f"Recorded by Stancemap as evidence of {self.party}'s stance on {self.issue}"
            f" (“{self.proposition}”)"
            + (f", dataset {self.dataset_version}" if self.dataset_version else "")
            + (f": {self.permalink}" if self.permalink else "."),
        ]
        return " ".join(parts)

    def csl(self) -> dict[str, Any]:
        """CSL-JSON for the source article, with the quote and where Stancemap records it in `note`."""
        item: dict[str, Any] = {
            "id": self.key,
            "type": "article-newspaper",
            "title": self.headline,
            "issued": {"date-parts": [_date_parts(self.published)]},
            "note": f"Quote ({KIND_LABELS.get(self.kind, self.kind)}, {self.speaker}): “{self.quote}”",
        }
        if self.outlet:
            item["container-title"] = self.outlet
        if self.url:
            item["URL"] = self.url
        return item

    def csl_json(self) -> str:
        return json.dumps([self.csl()], ensure_ascii=False, indent=2)

    def bibtex(self) -> str:
        """A BibTeX @article entry for the source article, the quote in `note`, specials escaped."""
        fields = {
            "title": self.headline,
            "journal": self.outlet,
            "year": str(self.published.earliest.year)
            if self.published.earliest.year == self.published.latest.year
            else None,
            "date": str(self.published),
            "url": self.url,
            "note": f"Quote ({KIND_LABELS.get(self.kind, self.kind)}, {self.speaker}): “{self.quote}”",
        }
        body = ",\n".join(
            f"  {name} = {{{_bibtex_escape(value)}}}" for name, value in fields.items() if value
        )
        return f"@article{{{self.key},\n{body}\n}}"


def _date_parts(date: FuzzyDate) -> list[int]:
    """The most precise date parts the written date supports: [year], [year, month] or [year, month, day]."""
    first = date.earliest
    if date.is_day:
        return [first.year, first.month, first.day]
    if (first.year, first.month) == (date.latest.year, date.latest.month):
        return [first.year, first.month]
    return [first.year]


def _bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", value)


def citation_key(record: StanceRecord, index: int) -> str:
    """A stable key for evidence item `index` of `record`: party, issue and a short hash of its quote."""
    evidence = record.stance.evidence[index]
    digest = hashlib.sha256(f"{evidence.source}\n{evidence.quote}".encode()).hexdigest()[:8]
    return f"stancemap-{record.party}-{record.issue}-{digest}"


def cite(
    data: Dataset,
    record: StanceRecord,
    index: int,
    *,
    permalink: str | None = None,
    dataset_version: str | None = None,
) -> Citation:
    """The citation of evidence item `index` of `record`."""
    evidence = record.stance.evidence[index]
    source = data.sources[evidence.source]
    issue = data.issues[record.issue]
    return Citation(
        key=citation_key(record, index),
        quote=evidence.quote,
        speaker=evidence.speaker.name,
        speaker_role=evidence.speaker.role,
        kind=evidence.kind,
        party=data.parties[record.party].name,
        issue=issue.title,
        proposition=issue.proposition,
        headline=source.headline,
        outlet=source.outlet,
        published=source.published,
        url=source.url,
        permalink=permalink,
        dataset_version=dataset_version,
    )
