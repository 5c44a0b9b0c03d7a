"""What a newly loaded data set lost against the one served before it: stances, parties, issues, sources."""

from __future__ import annotations

from dataclasses import dataclass

from stancemap.model.dataset import Dataset

StanceKey = tuple[str, str, str]  # party, issue, as_of


@dataclass(frozen=True)
class Inventory:
    """The records a data set holds, by key, each with the label a reader knows it by."""

    stances: dict[StanceKey, str]
    parties: dict[str, str]
    issues: dict[str, str]
    sources: dict[str, str]

    @classmethod
    def of(cls, data: Dataset) -> Inventory:
        parties = {pid: party.name for pid, party in data.parties.items()}
        issues = {iid: issue.title for iid, issue in data.issues.items()}
        stances = {
            (r.party, r.issue, str(r.as_of)): (
                f"{parties.get(r.party, r.party)} on {issues.get(r.issue, r.issue)}, as of {r.as_of}"
            )
            for r in data.stances
        }
        sources = {sid: f"{source.headline} ({sid})" for sid, source in data.sources.items()}
        return cls(stances, parties, issues, sources)


@dataclass(frozen=True)
class Gone:
    """The labels of what the earlier data set had and the later one does not, in the earlier's order."""

    stances: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.stances or self.parties or self.issues or self.sources)

    def groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """(plural noun, labels) of each kind of record that has any gone."""
        found = [
            ("stances", self.stances),
            ("parties", self.parties),
            ("issues", self.issues),
            ("sources", self.sources),
        ]
        return [(noun, labels) for noun, labels in found if labels]


def gone(before: Inventory, after: Inventory) -> Gone:
    """What `before` had that `after` lacks."""

    def lost(old: dict[object, str], new: dict[object, str]) -> tuple[str, ...]:
        return tuple(label for key, label in old.items() if key not in new)

    return Gone(
        lost(before.stances, after.stances),  # type: ignore[arg-type]
        lost(before.parties, after.parties),  # type: ignore[arg-type]
        lost(before.issues, after.issues),  # type: ignore[arg-type]
        lost(before.sources, after.sources),  # type: ignore[arg-type]
    )
