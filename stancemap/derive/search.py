"""Full-text search over the evidence: every quote, speaker or source headline holding a word or phrase.

Matching ignores case, accents, the kind of quotation mark or dash, and runs of whitespace, so "Zelenskyy",
"zelenskyy" and "ZELENSKYY" find the same quotes, as do "won't" and "won’t". Pure: the app and the static site
both call it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from stancemap.model.dataset import Dataset, StanceRecord

Span = tuple[int, int]
FIELDS: tuple[str, ...] = ("quote", "speaker", "headline")
# Typographic variants a reader cannot be expected to type: folded to their ASCII forms.
_VARIANTS = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
    }
)


@dataclass(frozen=True)
class Folded:
    """Text folded for matching, and for each folded character the index of the original one it came from."""

    text: str
    origin: tuple[int, ...]

    def find(self, needle: str) -> list[Span]:
        """Every occurrence of the folded `needle`, as (start, end) offsets into the original text."""
        spans: list[Span] = []
        start = self.text.find(needle)
        while needle and start != -1:
            end = start + len(needle)
            spans.append((self.origin[start], self.origin[end - 1] + 1))
            start = self.text.find(needle, end)
        return spans


def fold(text: str) -> Folded:
    """`text` without case, accents, typographic variants or repeated whitespace, keeping each origin."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            folded = " "
        else:
            decomposed = unicodedata.normalize("NFKD", char.translate(_VARIANTS))
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        for piece in folded:
            chars.append(piece)
            origin.append(index)
    return Folded("".join(chars), tuple(origin))


def normalise_query(query: str) -> str:
    """The folded query with its ends trimmed: what `search` looks for."""
    return fold(query).text.strip()


@dataclass(frozen=True)
class Hit:
    """One evidence item holding the query: its stance record, its index there, and where it matched."""

    record: StanceRecord
    index: int
    spans: dict[str, tuple[Span, ...]]  # per field that matched ("quote", "speaker", "headline"), the spans

    @property
    def cell(self) -> tuple[str, str]:
        """The (party, issue) cell the evidence belongs to."""
        return self.record.party, self.record.issue


_Entry = tuple[StanceRecord, int, dict[str, Folded]]


def _index(data: Dataset) -> list[_Entry]:
    """Every evidence item with its searchable fields folded, in data order (built once per data set)."""

    def build() -> list[_Entry]:
        entries: list[_Entry] = []
        folded_headline = {sid: fold(source.headline) for sid, source in data.sources.items()}
        for record in data.stances:
            for index, evidence in enumerate(record.stance.evidence):
                fields = {"quote": fold(evidence.quote), "speaker": fold(evidence.speaker.name)}
                if evidence.source in folded_headline:
                    fields["headline"] = folded_headline[evidence.source]
                entries.append((record, index, fields))
        return entries

    return data.derived("search-index", build)


def search(data: Dataset, query: str) -> list[Hit]:
    """Every evidence item whose quote, speaker or source headline holds `query` (a word or a phrase),
    ordered by issue, then party (data order), newest stance first; none for a blank query."""
    needle = normalise_query(query)
    if not needle:
        return []
    hits: list[Hit] = []
    for record, index, fields in _index(data):
        spans = {name: tuple(found) for name, text in fields.items() if (found := text.find(needle))}
        if spans:
            hits.append(Hit(record, index, spans))
    issue_rank = {issue: rank for rank, issue in enumerate(data.issues)}
    party_rank = {party: rank for rank, party in enumerate(data.parties)}
    hits.sort(
        key=lambda hit: (
            issue_rank.get(hit.record.issue, len(issue_rank)),
            party_rank.get(hit.record.party, len(party_rank)),
            -hit.record.as_of.latest.toordinal(),
            hit.index,
        )
    )
    return hits
