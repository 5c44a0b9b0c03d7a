"""The codebook: what each stance level, evidence kind and mark means, in one place for app and docs."""

from __future__ import annotations

LEVEL_MEANINGS: dict[str, str] = {
    "demands": "The party insists on the proposition or asks for it as its own demand.",
    "supports": "The party favours or proposes it, without making it a demand.",
    "conditional": "The party accepts it, or is weighing it, only under stated conditions.",
    "opposes": "The party argues against it without ruling it out.",
    "rejects": "The party refuses it outright.",
}
RED_LINE_MEANING = "The source shows the position is non-negotiable."
NO_POSITION_MEANING = "None of the sources states a position of this party on this issue."

KIND_LABELS: dict[str, str] = {
    "direct": "direct quote",
    "partial": "partial quote",
    "paraphrase": "paraphrase",
    "readout": "official readout",
}
KIND_MEANINGS: dict[str, str] = {
    "direct": "The speaker's own words, in quotation marks in the source.",
    "partial": "The reporter's paraphrase quoting some of the speaker's words.",
    "paraphrase": "The reporter's words, not the speaker's.",
    "readout": "An official account of a meeting or call.",
}

STRENGTH_MARKS: dict[str, str] = {
    "●": "one independent source (a story and its syndicated copies count once); up to three dots",
    "❝": "at least one item quotes the speaker's own words",
}
