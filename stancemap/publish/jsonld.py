"""schema.org JSON-LD for a cell page: the stance as a Claim, each quote a Quotation of its NewsArticle."""

from __future__ import annotations

import json
from typing import Any

from stancemap.model.codebook import KIND_LABELS
from stancemap.model.dataset import Dataset, StanceRecord


def claim(data: Dataset, record: StanceRecord, *, url: str | None, version: str) -> dict[str, Any]:
    """The stance of `record` as a schema.org Claim whose appearances are Quotations based on NewsArticles."""
    party = data.parties[record.party]
    issue = data.issues[record.issue]
    stance = record.stance
    quotations = []
    for ev in stance.evidence:
        source = data.sources[ev.source]
        article: dict[str, Any] = {
            "@type": "NewsArticle",
            "headline": source.headline,
            "datePublished": str(source.published),
        }
        if source.outlet:
            article["publisher"] = {"@type": "Organization", "name": source.outlet}
        if source.url:
            article["url"] = source.url
        speaker: dict[str, Any] = {"@type": "Person", "name": ev.speaker.name}
        if ev.speaker.role:
            speaker["jobTitle"] = ev.speaker.role
        quotations.append(
            {
                "@type": "Quotation",
                "text": ev.quote,
                "spokenByCharacter": speaker,
                "description": KIND_LABELS[ev.kind],
                "dateCreated": str(data.evidence_date(ev)),
                "isBasedOn": article,
            }
        )
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Claim",
        "name": f"{party.name} on {issue.title}: {stance.level}",
        "text": stance.summary,
        "about": {"@type": "Thing", "name": issue.title, "description": issue.proposition},
        "author": {"@type": "Organization", "name": party.name},
        "claimInterpreter": {"@type": "Organization", "name": "Stancemap"},
        "temporalCoverage": str(record.as_of),
        "version": version,
        "appearance": quotations,
    }
    if url:
        found["url"] = url
    return found


def script_json(value: object) -> str:
    """Compact JSON that is safe inside a <script> element (the C encoder: indenting is 10× slower)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # In a <script> element "</script>" or "<!--" inside a string would end or confuse it; JSON allows \u
    # escapes. Three str.replace calls are about ten times faster than str.translate with a table.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
