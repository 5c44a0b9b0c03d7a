"""The typed schema of Stancemap's data: sources, parties, issues, stances with evidence, and events."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from stancemap.model.characters import character_name, how_to_fix, invisible_characters, places_text
from stancemap.model.dates import PATTERN as DATE_PATTERN
from stancemap.model.dates import FuzzyDate, NotFutureDate

LEVELS: tuple[str, ...] = ("demands", "supports", "conditional", "opposes", "rejects")
Level = Literal["demands", "supports", "conditional", "opposes", "rejects"]

EVIDENCE_KINDS: tuple[str, ...] = ("direct", "partial", "paraphrase", "readout")
EvidenceKind = Literal["direct", "partial", "paraphrase", "readout"]
# Kinds in which the source prints the speaker's own words in quotation marks.
QUOTED_KINDS: frozenset[str] = frozenset({"direct", "partial"})

EVENT_KINDS: tuple[str, ...] = ("talks", "summit", "plan", "statement")
EventKind = Literal["talks", "summit", "plan", "statement"]

ID_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
ONE_LINE_PATTERN = r"^[^\n]*\S[^\n]*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
SEED_FILE_PATTERN = r"^[A-Za-z0-9_.-]+\.txt$"
# What each pattern asks for, in words: problem messages say this instead of printing the regex.
PATTERN_MEANINGS: dict[str, str] = {
    ID_PATTERN: "lower-case ASCII letters, digits and single hyphens",
    ONE_LINE_PATTERN: "one line of text that is not blank",
    SHA256_PATTERN: "a 64-character lowercase hex SHA-256 (as `sha256sum FILE` prints it)",
    SEED_FILE_PATTERN: "a file name under seeds/ ending in .txt, with no folders (letters, digits, _ . -)",
    DATE_PATTERN: "a date: 2026-01-03, 2026-01 or 2026, or an interval such as 2026-01-03/2026-01-05",
}

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=60),
    Field(description="Lower-case ASCII letters, digits and single hyphens.", examples=["russia", "crimea"]),
]


def _visible(text: str) -> str:
    """Refuse characters a reader cannot see, which hide or reorder what a page shows (see characters.py)."""
    if text.isprintable():  # the common case, without a further call: this runs for every displayed text
        return text
    found = invisible_characters(text, line_separators=True)
    if found:
        listed = " and ".join(f"{character_name(char)} {places_text(at)}" for char, at in found.items())
        raise ValueError(f"contains {listed}; {how_to_fix(list(found))}")
    return text


# Every text a reader sees (names, summaries, notes, headlines, ...): one line, not blank, nothing invisible.
OneLine = Annotated[
    str, StringConstraints(min_length=1, max_length=300, pattern=ONE_LINE_PATTERN), AfterValidator(_visible)
]


def _http_only(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("links must start with http:// or https:// and name a host")
    return url


HttpLink = Annotated[
    str,
    AfterValidator(_visible),
    AfterValidator(_http_only),
    Field(description="An http(s) address.", examples=["https://www.arcamax.com/"]),
]


class Model(BaseModel):
    """Strict base: unknown fields are errors, no silent type changes, records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class Person(Model):
    name: OneLine = Field(description="The name as the sources give it.", examples=["Volodymyr Zelenskyy"])
    role: OneLine | None = Field(None, description="Role as the sources give it.", examples=["President"])
    aliases: list[OneLine] = Field(
        default_factory=list, description="Other spellings in the sources.", examples=[["Zelensky"]]
    )


class Member(Model):
    name: OneLine = Field(
        description="A member of a bloc as the sources name it.", examples=["United Kingdom"]
    )
    aliases: list[OneLine] = Field(default_factory=list, examples=[["U.K.", "Britain", "Downing Street"]])


class Party(Model):
    id: Id
    name: OneLine = Field(examples=["Ukraine"])
    aliases: list[OneLine] = Field(
        default_factory=list, description="Words the sources use for the party.", examples=[["Kyiv"]]
    )
    speakers: list[Person] = Field(
        default_factory=list, description="People who speak for the party in the sources."
    )
    members: list[Member] = Field(
        default_factory=list, description="For a bloc: its members as the sources name them."
    )


class Quantity(Model):
    unit: OneLine = Field(description="Unit of the stance quantities on this issue.", examples=["years"])
    short: OneLine = Field(description="Suffix used in compact labels.", examples=["yrs"])
    minimum: float | None = Field(
        0,
        allow_inf_nan=False,
        description="The least a stance may give: 0 unless set, as years, money and counts are never "
        "negative; null for a quantity that may be negative (a change).",
        examples=[0],
    )


class Issue(Model):
    id: Id
    title: OneLine = Field(examples=["Donbas"])
    proposition: OneLine = Field(
        description="The statement a stance answers; levels say how the party stands on it.",
        examples=["Ukraine withdraws its troops from the part of Donbas it holds"],
    )
    keywords: list[OneLine] = Field(
        default_factory=list, description="Words that signal the issue in a text.", examples=[["Donbas"]]
    )
    quantity: Quantity | None = Field(None, description="Set when stances on this issue carry a number.")


class Speaker(Model):
    name: OneLine = Field(description="Who the source says spoke.", examples=["Yuri Ushakov"])
    role: OneLine | None = Field(
        None, description="Role as the source gives it.", examples=["foreign policy aide to Vladimir Putin"]
    )


class Evidence(Model):
    source: Id = Field(description="Id of a source in seeds/sources.yaml.")
    quote: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="Verbatim text of the source; '…' or '...' marks an elision.",
        examples=[
            "Russia, “one million percent,” won’t cede control of the Crimean peninsula it annexed in 2014"
        ],
    )
    speaker: Speaker
    kind: EvidenceKind = Field(
        description="direct: the speaker's words in quotation marks; partial: a paraphrase quoting some of "
        "the speaker's words; paraphrase: the reporter's words; readout: an official account of a meeting."
    )
    attribution: Literal["stated", "inferred"] = Field(
        "stated",
        description="stated: the source names the party; inferred: the curator attributes it from context "
        "(the note must say why).",
    )
    said_on: NotFutureDate | None = Field(
        None, description="When it was said, where that differs from publication."
    )
    note: OneLine | None = Field(None, description="Why this supports the stance, or a caveat.")

    @model_validator(mode="after")
    def _inferred_needs_note(self) -> Evidence:
        if self.attribution == "inferred" and not self.note:
            raise ValueError("evidence with attribution: inferred needs a note saying why")
        return self


class Stance(Model):
    party: Id
    level: Level = Field(description="Where the party stands on the issue's proposition; see the codebook.")
    summary: OneLine = Field(description="A neutral one-line summary.", examples=["Will not cede Crimea"])
    quantity: float | None = Field(
        None, allow_inf_nan=False, description="A number in the issue's unit, e.g. 50 (years)."
    )
    conditions: list[OneLine] = Field(default_factory=list, examples=[["only once a ceasefire is in place"]])
    as_of: NotFutureDate | None = Field(
        None, description="When the stance held; defaults to the date of its newest evidence."
    )
    red_line: bool = Field(False, description="True where the source shows the position is non-negotiable.")
    evidence: list[Evidence] = Field(min_length=1, description="At least one verbatim quote.")
    note: OneLine | None = None


class StanceFile(Model):
    """One file under positions/stances/: the stances of every party on one issue."""

    issue: Id
    stances: list[Stance] = Field(min_length=1)


class Source(Model):
    id: Id
    file: Annotated[str, StringConstraints(pattern=SEED_FILE_PATTERN)] = Field(
        description="File name under seeds/.", examples=["003_4d4b4e0dc82775e1.txt"]
    )
    sha256: Annotated[str, StringConstraints(pattern=SHA256_PATTERN)] | None = Field(
        None, description="SHA-256 of the file as registered; the loader refuses a file that changed since."
    )
    headline: OneLine
    outlet: OneLine | None = Field(
        None, description="Who published it, as the text states; null if unstated."
    )
    syndication: list[OneLine] = Field(
        default_factory=list,
        description="The distribution chain as the text states it, origin first.",
        examples=[["Bloomberg News", "Tribune Content Agency", "ArcaMax"]],
    )
    author: OneLine | None = None
    published: NotFutureDate = Field(description="As precise as the text supports.")
    published_basis: OneLine = Field(description="What in the text supports the date.")
    url: HttpLink | None = None
    copy_of: Id | None = Field(None, description="Id of a source this one is a copy of (the same story).")
    note: OneLine | None = None


class Event(Model):
    id: Id
    date: FuzzyDate
    title: OneLine
    kind: EventKind
    source: Id
    quote: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="Verbatim text of the source that dates the event."
    )


class SourcesFile(Model):
    sources: list[Source] = Field(min_length=1)


class PartiesFile(Model):
    parties: list[Party] = Field(min_length=1)


class IssuesFile(Model):
    issues: list[Issue] = Field(min_length=1)


class EventsFile(Model):
    events: list[Event] = Field(default_factory=list)
