"""Checks within one file: its top-level shape, each record against its model, ids and names unique."""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from stancemap.check.files import DataFile
from stancemap.check.validation_messages import did_you_mean, validation_problems
from stancemap.model.dataset import Origin
from stancemap.model.schema import Event, Issue, Party, Source

M = TypeVar("M", bound=BaseModel)
WithId = TypeVar("WithId", Source, Party, Issue, Event)


def top_mapping(file: DataFile, keys: tuple[str, ...]) -> dict[str, Any]:
    """The file's top-level mapping, reporting an empty file, a wrong shape and unknown keys."""
    doc = file.doc
    shape = ", ".join(f"'{k}:'" for k in keys)
    if doc.value is None:
        file.problems.add_at(1, 1, f"file is empty; expected a mapping with {shape}")
        return {}
    if not isinstance(doc.value, dict):
        kind = "a list" if isinstance(doc.value, list) else "a single value"
        file.problems.add((), f"expected a mapping with {shape} at the top, got {kind}")
        return {}
    for key in doc.value:
        if key not in keys:
            file.problems.add((key,), f"unknown top-level key {key!r}{did_you_mean(str(key), keys)}")
    return doc.value


def records(
    file: DataFile, key: str, model: type[M], validation: dict[str, object]
) -> Iterator[tuple[int, Origin, M]]:
    """Validate each item of the list under `key` on its own (pydantic's context: `validation`), so one bad
    record spares the rest.

    Items holding a line in the file's tainted lines (a duplicate key, a cut value) are skipped: their problem
    is reported.
    """
    doc, problems, tainted = file.doc, file.problems, file.tainted
    items = doc.value.get(key) if isinstance(doc.value, dict) else None
    if items is None:
        if isinstance(doc.value, dict):
            problems.add((), f"missing required key {key!r}")
        return
    if not isinstance(items, list):
        problems.add((key,), f"{key}: expected a list of records")
        return
    starts = [doc.locate((key, index))[0] for index in range(len(items))]
    if starts and any(line < starts[0] for line in tainted):
        return  # a problem above the first record (e.g. a duplicate top-level key) makes the file unreliable
    ends = [*starts[1:], 10**9]
    validate = model.model_validate
    for index, item in enumerate(items):
        origin = Origin(file.rel, starts[index])
        if tainted and any(starts[index] <= line < ends[index] for line in tainted):
            continue
        try:
            yield index, origin, validate(item, context=validation)
        except ValidationError as err:
            problems.extend(validation_problems(err, model, file.rel, doc.locate, (key, index)))


def unique(
    found: Iterator[tuple[int, Origin, WithId]], what: str, file: DataFile, key: str
) -> dict[str, tuple[int, WithId]]:
    """The records by id, in order; a later record with an id already taken is reported and left out."""
    by_id: dict[str, tuple[int, WithId]] = {}
    first_line: dict[str, int] = {}
    for index, origin, record in found:
        rid = record.id
        if rid in by_id:
            file.problems.add(
                (key, index, "id"),
                f"duplicate {what} id {rid!r} (first at line {first_line[rid]}); ids must be unique",
            )
            continue
        by_id[rid] = (index, record)
        first_line[rid] = origin.line
    return by_id


def unique_labels(
    found: dict[str, tuple[int, M]], what: str, file: DataFile, key: str, label: str
) -> dict[str, M]:
    """The records whose `label` (name or title) no earlier record has: the pages show them by it, so a second
    record with the same one could be drawn as the first."""
    loaded: dict[str, M] = {}
    first: dict[str, str] = {}  # label -> id of the record that has it
    for rid, (index, record) in found.items():
        text = getattr(record, label)
        if text in first:
            file.problems.add(
                (key, index, label),
                f"duplicate {what} {label} {text!r} (the {what} {first[text]!r} has it); "
                f"the pages show {key} by {label}, so give each its own",
            )
            continue
        first[text] = rid
        loaded[rid] = record
    return loaded


def unloaded(file: DataFile, key: str, loaded: Container[str]) -> dict[str, int]:
    """id -> line of each entry under `key` that has an id but did not load (for an id written twice, the
    later entry). Lines are looked up only for these: locating every entry would cost a precise re-parse."""
    doc = file.doc
    items = doc.value.get(key) if isinstance(doc.value, dict) else None
    entry_of: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            entry_of[item["id"]] = index
    return {rid: doc.locate((key, index))[0] for rid, index in entry_of.items() if rid not in loaded}
