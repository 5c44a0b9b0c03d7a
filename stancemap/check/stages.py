"""The stages of a full load: each reads its files and adds to one LoadContext, relying on what the stages
before it loaded (stances name parties, issues and sources; events name sources)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TypeVar

from stancemap.check.context import LoadContext
from stancemap.check.evidence import check_evidence, verify_quote
from stancemap.check.fallback import load_file
from stancemap.check.files import DataFile, read_source_text, stance_files
from stancemap.check.references import (
    blocked_message,
    check_copies,
    known_source,
    not_loaded,
    refer,
    take_blocked,
)
from stancemap.check.structure import records, top_mapping, unique, unique_labels, unloaded
from stancemap.model.dataset import Dataset, EventRecord, Origin, StanceRecord
from stancemap.model.problems import NodePath
from stancemap.model.schema import Event, Issue, Party, Quantity, Source, Stance
from stancemap.paths import EVENTS_FILE, ISSUES_FILE, PARTIES_FILE, SOURCES_FILE, STANCES_DIR

Named = TypeVar("Named", Party, Issue)
SINGULAR = {"parties": "party", "issues": "issue"}


def load_sources(context: LoadContext) -> None:
    """seeds/sources.yaml, each source with its text; a source whose file cannot be used is not loaded."""
    load_file(context, SOURCES_FILE, lambda file: _load_sources_file(context, file))


def _load_sources_file(context: LoadContext, file: DataFile) -> None:
    if not _readable(context, file, "sources"):
        return
    data = context.data
    index_of: dict[str, int] = {}
    found = unique(records(file, "sources", Source, context.validation), "source", file, "sources")
    for sid, (index, source) in found.items():
        text = read_source_text(context, source, file.problems, ("sources", index))
        if text is not None:
            data.sources[sid] = source
            data.texts[sid] = text
            index_of[sid] = index
    data.broken_sources.update(unloaded(file, "sources", index_of))
    check_copies(data, file.problems, index_of)


def load_parties(context: LoadContext) -> None:
    """positions/parties.yaml; each party must have its own name."""
    _load_registry(context, PARTIES_FILE, "parties", Party, "name")


def load_issues(context: LoadContext) -> None:
    """positions/issues.yaml; each issue must have its own title."""
    _load_registry(context, ISSUES_FILE, "issues", Issue, "title")


def _load_registry(context: LoadContext, rel: str, key: str, model: type[Named], label: str) -> None:
    """The registry `rel` into the dataset's `key` (its entries that do not load into `broken_<key>`)."""
    loaded, broken = getattr(context.data, key), getattr(context.data, f"broken_{key}")
    load_file(context, rel, lambda file: _load_named(context, file, key, model, label, loaded, broken))


def _load_named(
    context: LoadContext,
    file: DataFile,
    key: str,
    model: type[Named],
    label: str,
    loaded: dict[str, Named],
    broken: dict[str, int],
) -> None:
    """Parties or issues by id into `loaded`, each with its own `label`. Entries with an id that are not
    loaded go in `broken` (id -> line), so what refers to them can say why."""
    if not _readable(context, file, key):
        return
    what = SINGULAR[key]
    found = unique(records(file, key, model, context.validation), what, file, key)
    loaded.update(unique_labels(found, what, file, key, label))
    broken.update(unloaded(file, key, loaded))


def _readable(context: LoadContext, file: DataFile, key: str) -> bool:
    """Whether the registry file holds a list of records under `key`; when not (its problem is reported),
    it goes in `unread`, so what refers into it is counted against it instead of reported one by one."""
    top = top_mapping(file, (key,))
    items = top.get(key) if top else None
    if not isinstance(items, list):
        context.data.unread.add(file.rel)
    return bool(top)


def load_stances(context: LoadContext) -> None:
    """positions/stances/*.yaml, one issue a file; a party's stances on an issue need distinct as_of dates."""
    for rel in stance_files(context.root, context.problems):
        load_file(context, rel, lambda file: _load_stance_file(context, file))


def _load_stance_file(context: LoadContext, file: DataFile) -> None:
    top = top_mapping(file, ("issue", "stances"))
    if not top:
        return
    data, problems, seen = context.data, file.problems, context.stance_keys
    issue = top.get("issue")
    if not isinstance(issue, str):
        problems.add(
            ("issue",) if "issue" in top else (), "issue: expected the id of an issue in " + ISSUES_FILE
        )
        return
    if issue not in data.issues:
        if ISSUES_FILE in data.unread:
            items = top.get("stances")
            count = len(items) if isinstance(items, list) else 0
            problems.add_at(0, 0, blocked_message(file.rel, count, "stance", {ISSUES_FILE}))
            return
        problems.add(("issue",), not_loaded(data, "issue", issue))
        return
    named = PurePosixPath(file.rel).stem
    if named != issue and (named in data.issues or named in data.broken_issues):
        # A reader of crimea.yaml, or its diff, takes its stances to be on Crimea.
        problems.add(
            ("issue",),
            f"issue: {issue!r} in a file named {named}.yaml; a stance file holds the stances on the issue it "
            f"is named after: set issue: {named}, or move these stances to {STANCES_DIR}/{issue}.yaml",
        )
        return
    blocked: set[str] = set()
    count = 0
    for index, _, stance in records(file, "stances", Stance, context.validation):
        before = len(problems.found)
        record = _check_stance(data, issue, stance, file, ("stances", index))
        registries = take_blocked(problems, before)
        if registries:
            blocked |= registries
            count += 1
        if record is None or registries:
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
    if count:
        problems.add_at(0, 0, blocked_message(file.rel, count, "stance", blocked))


def _check_stance(
    data: Dataset, issue: str, stance: Stance, file: DataFile, at: NodePath
) -> StanceRecord | None:
    """The stance at `at` with its derived date and quote spans, or None when any rule across files fails."""
    problems = file.problems
    before = len(problems.found)
    if stance.party not in data.parties:
        refer(data, "party", stance.party, problems, (*at, "party"))
    unit = data.issues[issue].quantity
    if stance.quantity is not None:
        if unit is None:
            problems.add(
                (*at, "quantity"),
                f"quantity: issue {issue!r} has no quantity unit; remove it or add one to the issue",
            )
        elif unit.minimum is not None and stance.quantity < unit.minimum:
            problems.add((*at, "quantity"), _below_minimum(stance.quantity, unit, issue))
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


def _below_minimum(quantity: float, unit: Quantity, issue: str) -> str:
    """Why a stance's quantity is refused: it is below the least its issue's unit allows."""
    where = f"the quantity of issue {issue!r} in {ISSUES_FILE}"
    if unit.minimum == 0:
        return (
            f"quantity: {quantity:g} is negative, and a number of {unit.unit} cannot be; give the number of "
            f"{unit.unit} (if this quantity may be negative, set minimum: null in {where})"
        )
    return f"quantity: {quantity:g} is below {unit.minimum:g} {unit.unit}, the minimum set in {where}"


def load_events(context: LoadContext) -> None:
    """positions/events.yaml (optional): each event dated by a verbatim quote from a loaded source."""
    if not (context.root / EVENTS_FILE).exists():
        return
    load_file(context, EVENTS_FILE, lambda file: _load_events_file(context, file))


def _load_events_file(context: LoadContext, file: DataFile) -> None:
    if not top_mapping(file, ("events",)):
        return
    data = context.data
    found = unique(records(file, "events", Event, context.validation), "event", file, "events")
    blocked: set[str] = set()
    count = 0
    for index, event in found.values():
        at = ("events", index)
        before = len(file.problems.found)
        if not known_source(data, event.source, file.problems, (*at, "source")):
            registries = take_blocked(file.problems, before)
            blocked |= registries
            count += bool(registries)
            continue
        match = verify_quote(data, event, file.problems, (*at, "quote"))
        if match is not None:
            data.events.append(EventRecord(event, Origin(EVENTS_FILE, file.doc.locate(at)[0]), match))
    if count:
        file.problems.add_at(0, 0, blocked_message(file.rel, count, "event", blocked))


# The order matters: each stage checks references to what the stages before it loaded.
STAGES: tuple[tuple[str, Callable[[LoadContext], None]], ...] = (
    ("sources", load_sources),
    ("parties", load_parties),
    ("issues", load_issues),
    ("stances", load_stances),
    ("events", load_events),
)
