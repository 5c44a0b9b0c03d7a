"""Rules across files: an id that one record names must be a loaded record of another file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from stancemap.check.validation_messages import did_you_mean
from stancemap.model.dataset import Dataset
from stancemap.model.problems import NodePath, Problems
from stancemap.paths import ISSUES_FILE, PARTIES_FILE, SOURCES_FILE

Referenced = Literal["party", "issue", "source"]


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
    problems.add(loc, not_loaded(data, "source", sid))
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
