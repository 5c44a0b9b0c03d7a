"""Rules across files: an id that one record names must be a loaded record of another file."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from stancemap.check.validation_messages import did_you_mean
from stancemap.model.dataset import Dataset
from stancemap.model.problems import NodePath, Problem, Problems
from stancemap.paths import ISSUES_FILE, PARTIES_FILE, SOURCES_FILE

Referenced = Literal["party", "issue", "source"]
REGISTRY: dict[Referenced, str] = {"party": PARTIES_FILE, "issue": ISSUES_FILE, "source": SOURCES_FILE}


@dataclass(frozen=True, order=True)
class Blocked(Problem):
    """A reference into a registry file that could not be read at all: not shown on its own, but counted
    into one line per referring file (the registry's own problem is the root cause)."""

    registry: str = ""


def refer(data: Dataset, what: Referenced, rid: str, problems: Problems, loc: NodePath) -> None:
    """Report at `loc` that the `what` `rid` is not loaded: blocked when its registry could not be read."""
    registry = REGISTRY[what]
    if registry in data.unread:
        line, col = problems.doc.locate(loc)
        problems.found.append(
            Blocked(problems.path, line, col, f"{what} {rid!r}: {registry} unread", registry)
        )
        return
    problems.add(loc, not_loaded(data, what, rid))


def take_blocked(problems: Problems, before: int) -> set[str]:
    """Take the Blocked problems added since `before` out of the list: the registries they name."""
    found = problems.found
    added = found[before:]
    registries = {p.registry for p in added if isinstance(p, Blocked)}
    if registries:
        del found[before:]
        found.extend(p for p in added if not isinstance(p, Blocked))
    return registries


def blocked_message(rel: str, count: int, noun: str, registries: Collection[str]) -> str:
    """One line for all the records of file `rel` that name a registry file that could not be read."""
    names = sorted(registries)
    records = f"{count} {noun}{'s' * (count != 1)}"
    if len(names) == 1:
        # Problems are listed sorted by path, so the registry's own problem is above or below this line.
        where = "above" if names[0] < rel else "below"
        return f"{records} not loaded because {names[0]} could not be read (see its problem {where})"
    return (
        f"{records} not loaded because {', '.join(names[:-1])} and {names[-1]} could not be read "
        "(see their problems in this list)"
    )


def not_loaded(data: Dataset, what: Referenced, rid: str) -> str:
    """Why a reference to the `what` `rid` finds nothing: its entry has problems of its own, or no entry has
    that id."""
    where: dict[Referenced, tuple[str, str, Mapping[str, object], dict[str, int]]] = {
        "party": ("parties", PARTIES_FILE, data.parties, data.broken_parties),
        "issue": ("issues", ISSUES_FILE, data.issues, data.broken_issues),
        "source": ("sources", SOURCES_FILE, data.sources, data.broken_sources),
    }
    plural, file, known, broken = where[what]
    if rid in broken:
        return f"{what}: {rid!r} has problems of its own ({file}:{broken[rid]}); fix that entry first"
    return f"{what}: unknown {what} {rid!r}{did_you_mean(rid, known)}; {plural} are listed in {file}"


def known_source(data: Dataset, sid: str, problems: Problems, loc: NodePath) -> bool:
    """True when `sid` names a loaded source; otherwise report why not at `loc`."""
    if sid in data.sources:
        return True
    refer(data, "source", sid, problems, loc)
    return False


def check_copies(data: Dataset, problems: Problems, index_of: dict[str, int]) -> None:
    """Each loaded source's copy_of must name a loaded source (`index_of`: id -> index in sources.yaml)."""
    for sid, source in data.sources.items():
        if source.copy_of is not None and source.copy_of not in data.sources:
            problems.add(("sources", index_of[sid], "copy_of"), _copy_of_message(data, source.copy_of))


def _copy_of_message(data: Dataset, copy_of: str) -> str:
    """Why a source's copy_of does not name a loaded source: broken, or unknown."""
    broken = data.broken_sources.get(copy_of)
    if broken is not None:
        return f"copy_of: {copy_of!r} has problems of its own ({SOURCES_FILE}:{broken}); fix that entry first"
    return f"copy_of: unknown source {copy_of!r}{did_you_mean(copy_of, data.sources)}"
