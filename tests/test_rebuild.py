"""Records rebuilt from their dump equal the validated records, fields set and field order included."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from stancemap.check.load import load_dataset
from stancemap.model.rebuild import dump, rebuild
from stancemap.model.schema import Event, Issue, Party, Source, Stance

ROOT = Path(__file__).resolve().parent.parent


def _same(rebuilt: BaseModel, validated: BaseModel) -> None:
    assert rebuilt == validated
    assert type(rebuilt) is type(validated)
    assert rebuilt.model_fields_set == validated.model_fields_set
    assert list(rebuilt.__dict__) == list(validated.__dict__)


def test_every_bundled_record_rebuilds_to_itself() -> None:
    data, problems = load_dataset(ROOT)
    assert not problems
    groups: list[tuple[type[BaseModel], list[BaseModel]]] = [
        (Stance, [record.stance for record in data.stances]),
        (Source, list(data.sources.values())),
        (Party, list(data.parties.values())),
        (Issue, list(data.issues.values())),
        (Event, [record.event for record in data.events]),
    ]
    for model, records in groups:
        assert records
        for record in records:
            _same(rebuild(model, dump(record)), record)


def test_a_dump_that_does_not_fit_is_refused() -> None:
    data, _ = load_dataset(ROOT)
    stance = dump(data.stances[0].stance)
    with pytest.raises(KeyError):
        rebuild(Stance, {**stance, "colour": "red"})
    with pytest.raises(KeyError):
        rebuild(Stance, {key: value for key, value in stance.items() if key != "party"})
    with pytest.raises(TypeError):
        rebuild(Stance, {**stance, "as_of": 2025})
