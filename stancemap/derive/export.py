"""The flat evidence table: one row per evidence item of every stance (the `export` command and downloads)."""

from __future__ import annotations

import json

import pandas as pd

from stancemap.model.dataset import Dataset

COLUMNS: dict[str, str] = {
    "party": "party id",
    "party_name": "the party's display name",
    "issue": "issue id",
    "issue_title": "the issue's display title",
    "proposition": "the issue's proposition, which the level is a stance on",
    "level": "demands / supports / conditional / opposes / rejects (see the codebook)",
    "summary": "neutral one-line summary of the stance",
    "quantity": "number in the issue's unit, empty when none",
    "unit": "the issue's quantity unit, empty when none",
    "conditions": "conditions attached to the stance, joined with '; '",
    "as_of": "when the stance held (day, month, year or interval)",
    "red_line": "true when the source shows the position is non-negotiable",
    "source": "source id (seeds/sources.yaml)",
    "source_headline": "the source's headline",
    "source_outlet": "who published the source, as its text states; empty when unstated",
    "source_url": "the source's web address (http or https), empty when unknown",
    "source_file": "file under seeds/",
    "story": "id of the original story; syndicated copies share it",
    "quote": "the verbatim quote as written in the data",
    "quote_spans": "character offsets of the quote in the source file's text, 'start-end' joined with ';'",
    "speaker": "who the source says spoke",
    "speaker_role": "the speaker's role as the source gives it",
    "kind": "direct / partial / paraphrase / readout",
    "attribution": "stated (the source names the party) or inferred (see note)",
    "said_on": "when it was said, where that differs from publication",
    "published": "the source's publication date",
    "note": "curator's note on the evidence",
}


def evidence_table(data: Dataset) -> pd.DataFrame:
    """One row per evidence item, in data order, with the columns documented in COLUMNS."""
    rows = []
    for record in data.stances:
        stance = record.stance
        issue = data.issues[record.issue]
        quantity = issue.quantity
        for ev, match in record.evidence():
            source = data.sources[ev.source]
            rows.append(
                {
                    "party": stance.party,
                    "party_name": data.parties[stance.party].name,
                    "issue": record.issue,
                    "issue_title": issue.title,
                    "proposition": issue.proposition,
                    "level": stance.level,
                    "summary": stance.summary,
                    "quantity": _number(stance.quantity),
                    "unit": quantity.unit if quantity else None,
                    "conditions": "; ".join(stance.conditions),
                    "as_of": str(record.as_of),
                    "red_line": stance.red_line,
                    "source": ev.source,
                    "source_headline": source.headline,
                    "source_outlet": source.outlet,
                    "source_url": source.url,
                    "source_file": source.file,
                    "story": data.story_of(ev.source),
                    "quote": ev.quote,
                    "quote_spans": ";".join(f"{start}-{end}" for start, end in match.spans),
                    "speaker": ev.speaker.name,
                    "speaker_role": ev.speaker.role,
                    "kind": ev.kind,
                    "attribution": ev.attribution,
                    "said_on": str(ev.said_on) if ev.said_on else None,
                    "published": str(source.published),
                    "note": ev.note,
                }
            )
    # object dtype keeps whole quantities as ints (30, not 30.0) beside empty cells.
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)


def _number(value: float | None) -> int | float | None:
    """A quantity as written: 30 stays 30 (YAML may give 30.0), 2.5 stays 2.5."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def to_csv(table: pd.DataFrame) -> str:
    """CSV with true/false for flags, the way JSON and most tools read them."""
    flags = {name: table[name].map({True: "true", False: "false"}) for name in ("red_line",) if name in table}
    return table.assign(**flags).to_csv(index=False, lineterminator="\n")


def to_json(table: pd.DataFrame) -> str:
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
