"""Load and check the whole data set; never raises on bad data, returns (dataset, problems).

A load runs STAGES in order, each reading its files and adding to one LoadContext: a stage relies on what
the stages before it loaded (stances name parties, issues and sources; events name sources).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from stancemap.check.context import LoadContext
from stancemap.check.evidence import check_evidence, verify_quote
from stancemap.check.files import DataFile, read_data_file, read_source_text, stance_files
from stancemap.check.gc_pause import gc_paused
from stancemap.check.record_cache import RecordCache
from stancemap.check.references import check_copies, known_source, not_loaded
from stancemap.check.structure import records, top_mapping, unique, unique_labels, unloaded
from stancemap.model.dataset import Dataset, EventRecord, Origin, StanceRecord
from stancemap.model.dates import FuzzyDate
from stancemap.model.problems import NodePath, Problem, StancemapError
from stancemap.model.schema import Event, Issue, Party, Source, Stance
from stancemap.paths import EVENTS_FILE, ISSUES_FILE, PARTIES_FILE, ROOT, SOURCES_FILE

Named = TypeVar("Named", Party, Issue)
SINGULAR = {"parties": "party", "issues": "issue"}
StanceKey = tuple[str, str, str]  # party, issue, as_of: two stances with one key would be drawn as one


def load_sources(context: LoadContext) -> None:
    """seeds/sources.yaml, each source with its text; a source whose file cannot be used is not loaded."""
    file = read_data_file(context, SOURCES_FILE)
    if file is None or not top_mapping(file, ("sources",)):
        return
    data = context.data
    index_of: dict[str, int] = {}
    found = unique(records(file, "sources", Source, context.validation), "source", file, "sources")
    for sid, (index, source) in found.items():
        text = read_source_text(context.root, source, file.problems, ("sources", index))
        if text is not None:
            data.sources[sid] = source
            data.texts[sid] = text
            index_of[sid] = index
    data.broken_sources.update(unloaded(file, "sources", index_of))
    check_copies(data, file.problems, index_of)


def load_parties(context: LoadContext) -> None:
    """positions/parties.yaml; each party must have its own name."""
    data = context.data
    data.parties, broken = _load_named(context, PARTIES_FILE, "parties", Party, "name")
    data.broken_parties.update(broken)


def load_issues(context: LoadContext) -> None:
    """positions/issues.yaml; each issue must have its own title."""
    data = context.data
    data.issues, broken = _load_named(context, ISSUES_FILE, "issues", Issue, "title")
    data.broken_issues.update(broken)


def _load_named(
    context: LoadContext, rel: str, key: str, model: type[Named], label: str
) -> tuple[dict[str, Named], dict[str, int]]:
    """Parties or issues by id, each with its own `label`, and the entries with an id that did not load
    (id -> line), so what refers to them can say why."""
    file = read_data_file(context, rel)
    if file is None or not top_mapping(file, (key,)):
        return {}, {}
    what = SINGULAR[key]
    found = unique(records(file, key, model, context.validation), what, file, key)
    loaded = unique_labels(found, what, file, key, label)
    return loaded, unloaded(file, key, loaded)


def load_stances(context: LoadContext) -> None:
    """positions/stances/*.yaml, one issue a file; a party's stances on an issue need distinct as_of dates."""
    seen: dict[StanceKey, Origin] = {}
    for rel in stance_files(context.root, context.problems):
        file = read_data_file(context, rel)
        if file is not None:
            _load_stance_file(context, file, seen)


def _load_stance_file(context: LoadContext, file: DataFile, seen: dict[StanceKey, Origin]) -> None:
    top = top_mapping(file, ("issue", "stances"))
    if not top:
        return
    data, problems = context.data, file.problems
    issue = top.get("issue")
    if not isinstance(issue, str):
        problems.add(
            ("issue",) if "issue" in top else (), "issue: expected the id of an issue in " + ISSUES_FILE
        )
        return
    if issue not in data.issues:
        problems.add(("issue",), not_loaded(data, "issue", issue))
        return
    for index, _, stance in records(file, "stances", Stance, context.validation):
        record = _check_stance(data, issue, stance, file, ("stances", index))
        if record is None:
            continue
        key = (record.party, issue, str(record.as_of))
        if key in seen:
            problems.add(
                ("stances", index),
                f"duplicate stance: {record.party} on {issue} as of {record.as_of} is already "
                f"at {seen[key]}; merge the evidence or give each its own as_of",
            )
            continue
        seen[key] = record.origin
        data.stances.append(record)


def _check_stance(
    data: Dataset, issue: str, stance: Stance, file: DataFile, at: NodePath
) -> StanceRecord | None:
    """The stance at `at` with its derived date and quote spans, or None when any rule across files fails."""
    problems = file.problems
    before = len(problems.found)
    if stance.party not in data.parties:
        problems.add((*at, "party"), not_loaded(data, "party", stance.party))
    if stance.quantity is not None and data.issues[issue].quantity is None:
        problems.add(
            (*at, "quantity"),
            f"quantity: issue {issue!r} has no quantity unit; remove it or add one to the issue",
        )
    matches = [
        check_evidence(data, ev, problems, (*at, "evidence", i)) for i, ev in enumerate(stance.evidence)
    ]
    if len(problems.found) > before:
        return None
    dates = [data.evidence_date(ev) for ev in stance.evidence]
    newest = max(dates, key=lambda d: (d.latest, d.earliest))
    if stance.as_of is not None:
        oldest = min(d.earliest for d in dates)
        if stance.as_of.latest < oldest:
            problems.add(
                (*at, "as_of"),
                f"as_of: {stance.as_of} is before any of its evidence (the earliest is {oldest})",
            )
            return None
    origin = Origin(file.rel, file.doc.locate(at)[0])
    return StanceRecord(
        issue, stance, stance.as_of or newest, origin, tuple(m for m in matches if m is not None)
    )


def load_events(context: LoadContext) -> None:
    """positions/events.yaml (optional): each event dated by a verbatim quote from a loaded source."""
    if not (context.root / EVENTS_FILE).exists():
        return
    file = read_data_file(context, EVENTS_FILE)
    if file is None or not top_mapping(file, ("events",)):
        return
    data = context.data
    found = unique(records(file, "events", Event, context.validation), "event", file, "events")
    for index, event in found.values():
        at = ("events", index)
        if not known_source(data, event.source, file.problems, (*at, "source")):
            continue
        match = verify_quote(data, event, file.problems, (*at, "quote"))
        if match is not None:
            data.events.append(EventRecord(event, Origin(EVENTS_FILE, file.doc.locate(at)[0]), match))


# The order matters: each stage checks references to what the stages before it loaded.
STAGES: tuple[tuple[str, Callable[[LoadContext], None]], ...] = (
    ("sources", load_sources),
    ("parties", load_parties),
    ("issues", load_issues),
    ("stances", load_stances),
    ("events", load_events),
)


def load_dataset(
    root: Path = ROOT, *, today: dt.date | None = None, cache: RecordCache | None = None
) -> tuple[Dataset, list[Problem]]:
    """Read every file under `root`; return what validated and every problem found, sorted by place.

    With a `cache`, files that loaded without problems before are not parsed again and their quotes not
    searched again (record_cache.py); every other check runs on every load.
    """
    if not Path(root).is_dir():
        # Not a data problem: there is no data to report problems in (a wrong path or setting).
        raise StancemapError(
            f"data folder {root} is missing or not a folder; it must hold seeds/ and positions/"
        )
    session = cache.session() if cache is not None else None
    context = LoadContext(Path(root), today or dt.date.today(), cache=session)
    with gc_paused():
        for _name, stage in STAGES:
            stage(context)
        if session is not None:
            session.store(context.data, context.problems)
    return context.data, sorted(set(context.problems))


__all__ = ["ROOT", "STAGES", "FuzzyDate", "load_dataset"]
