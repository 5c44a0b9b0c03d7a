"""Evidence checks: its source is loaded, its dates fit the source, its quote is verbatim in the source."""

from __future__ import annotations

import re

from stancemap.check.quotes import check_quote, closest_passage
from stancemap.check.references import known_source
from stancemap.model.dataset import Dataset, QuoteMatch
from stancemap.model.problems import NodePath, Problems
from stancemap.model.schema import QUOTED_KINDS, Event, Evidence

_QUOTE_MARK = re.compile('["“”„‟«»]')


def check_evidence(data: Dataset, ev: Evidence, problems: Problems, at: NodePath) -> QuoteMatch | None:
    """Where the evidence's quote is in its source, or None with the reasons reported."""
    if not known_source(data, ev.source, problems, (*at, "source")):
        return None
    published = data.sources[ev.source].published
    if ev.said_on is not None and ev.said_on.earliest > published.latest:
        problems.add(
            (*at, "said_on"), f"said_on: {ev.said_on} is after its source was published ({published})"
        )
    return verify_quote(data, ev, problems, (*at, "quote"))


def verify_quote(
    data: Dataset, quoted: Evidence | Event, problems: Problems, loc: NodePath
) -> QuoteMatch | None:
    """Check the quote of evidence or an event against its source; report defects, a miss with the closest
    passage, or (for evidence) a kind the source's quotation marks do not support."""
    source_id, quote = quoted.source, quoted.quote
    kind = quoted.kind if isinstance(quoted, Evidence) else None
    text = data.texts[source_id]
    defects, match = check_quote(quote, text)
    if defects:
        for defect in defects:
            problems.add(loc, f"quote: {defect}")
        return None
    if match is None:
        near = closest_passage(quote, text, limit=120)
        problems.add(
            loc,
            f"quote not found in source {source_id!r} "
            f"(seeds/{data.sources[source_id].file}); closest passage: {near!r}",
        )
        return None
    if kind in QUOTED_KINDS:
        start, end = match.spans[0][0], match.spans[-1][1]
        if _QUOTE_MARK.search(text.text, max(0, start - 2), end + 2) is None:
            problems.add(
                loc,
                f"kind: {kind} but the source shows no quotation marks in or "
                "around this passage; use kind: paraphrase",
            )
    return match
