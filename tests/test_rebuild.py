"""Records rebuilt from their rows equal the validated records, fields set and field order included."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from stancemap.check.load import load_dataset
from stancemap.model.rebuild import Rows, rebuild, row
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
            _same(rebuild(model, row(record)), record)


def test_a_row_that_does_not_fit_is_refused() -> None:
    data, _ = load_dataset(ROOT)
    stance = row(data.stances[0].stance)
    with pytest.raises(ValueError):
        rebuild(Stance, [*stance[:-1], "red", stance[-1]])  # one value too many
    with pytest.raises(ValueError):
        rebuild(Stance, stance[1:])  # one too few
    with pytest.raises(ValueError):
        rebuild(Stance, [*stance[:-1], 1 << 20])  # a mask of fields the model does not have
    with pytest.raises(ValueError):
        rebuild(Stance, {"party": "russia"})  # type: ignore[arg-type]
    as_of = list(Stance.model_fields).index("as_of")
    with pytest.raises(TypeError):
        rebuild(Stance, [*stance[:as_of], 2025, *stance[as_of + 1 :]])


def test_equal_speakers_are_one_record_within_one_replay() -> None:
    """A model with text fields only is shared when its rows are equal (it is frozen); others never are."""
    data, _ = load_dataset(ROOT)
    quoted = [(record.stance, evidence) for record in data.stances for evidence in record.stance.evidence]
    stance, evidence = next(
        (stance, evidence)
        for stance, evidence in quoted
        if sum(other.speaker == evidence.speaker for _, other in quoted) > 1
    )
    rows = Rows()
    first, second = rows.rebuild(Stance, row(stance)), rows.rebuild(Stance, row(stance))
    assert first == second and first is not second
    assert first.evidence[0] is not second.evidence[0]
    index = stance.evidence.index(evidence)
    assert first.evidence[index].speaker is second.evidence[index].speaker
    assert Rows().rebuild(Stance, row(stance)).evidence[index].speaker is not first.evidence[index].speaker
