"""Validated records as JSON rows, and rebuilt from them without validating again: a load replayed.

Only for rows this loader version made of records it validated, kept where nothing else can write them
(check/replay.py signs them), so a row holds what validation produced. A row is a record's field values in
declaration order, defaults included, then a bit mask of the fields it was given: a list, which JSON reads
back faster than a mapping, and which becomes the record's ``__dict__`` by zipping it with the field names.
The record is put together as pickle does it (``__new__``, then its state), so it equals the validated
record, fields set and field order included (tests/test_rebuild.py, every bundled record).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from stancemap.model.dates import FuzzyDate, parse_date

M = TypeVar("M", bound=BaseModel)
Convert = Callable[[Any], Any]
_PLAIN = (str, int, float, bool, type(None))
_set_attribute = object.__setattr__


def row(record: BaseModel) -> list[Any]:
    """The JSON row of a validated record: its field values in order (nested records as rows), then a bit
    mask of the fields it was given."""
    return _plan(type(record))[0](record)


class Rows:
    """Records rebuilt from rows, for one replay: equal records of a model whose fields all hold text (a
    speaker quoted a thousand times) come back as one object, as they are frozen: less time and memory."""

    def __init__(self) -> None:
        self.shared: dict[tuple[Any, ...], BaseModel] = {}

    def rebuild(self, model: type[M], values: list[Any]) -> M:
        """The record of which ``values`` is the ``row``; raises TypeError or ValueError for a row that does
        not fit ``model``."""
        return _plan(model)[1](values, self.shared)  # type: ignore[no-any-return]


def rebuild(model: type[M], values: list[Any]) -> M:
    """The record of which ``values`` is the ``row`` (``Rows().rebuild``)."""
    return Rows().rebuild(model, values)


Decode = Callable[[Any, dict[tuple[Any, ...], BaseModel]], Any]


@cache
def _plan(model: type[BaseModel]) -> tuple[Callable[[BaseModel], list[Any]], Decode]:
    """(to row, from row) for `model`: only the fields whose JSON form is not their value are converted."""
    names = tuple(model.__pydantic_fields__)
    converters = [_converters(info.annotation) for info in model.__pydantic_fields__.values()]
    encode = [(name, pair[0]) for name, pair in zip(names, converters, strict=True) if pair is not None]
    decode = [(name, pair[1]) for name, pair in zip(names, converters, strict=True) if pair is not None]
    plain = not decode and all(_plain(info.annotation) for info in model.__pydantic_fields__.values())
    size = len(names) + 1
    # One fields-set per mask, shared by every record given those fields: records are frozen, and a set per
    # record is the largest part of a small one.
    given: dict[int, set[str]] = {}
    new = model.__new__

    def to_row(record: BaseModel) -> list[Any]:
        values = dict(record.__dict__)
        for name, convert in encode:
            if values[name] is not None:
                values[name] = convert(values[name])
        mask = sum(1 << index for index, name in enumerate(names) if name in record.__pydantic_fields_set__)
        return [*(values[name] for name in names), mask]

    def from_row(values: list[Any], shared: dict[tuple[Any, ...], BaseModel]) -> BaseModel:
        if type(values) is not list or len(values) != size:
            raise ValueError(f"a {model.__name__} row is a list of {size} values")
        if plain:
            key = (model, *values)
            found = shared.get(key)
            if found is not None:
                return found
        fields = dict(zip(names, values, strict=False))  # the mask, last, has no name: zip leaves it out
        for name, convert in decode:
            if fields[name] is not None:
                fields[name] = convert(fields[name], shared)
        mask = values[-1]
        fields_set = given.get(mask)
        if fields_set is None:
            if type(mask) is not int or not 0 <= mask < 1 << len(names):
                raise ValueError(f"a {model.__name__} row ends with the mask of the fields it was given")
            fields_set = given[mask] = {name for index, name in enumerate(names) if mask >> index & 1}
        record = new(model)
        _set_attribute(record, "__dict__", fields)
        _set_attribute(record, "__pydantic_fields_set__", fields_set)
        _set_attribute(record, "__pydantic_extra__", None)
        _set_attribute(record, "__pydantic_private__", None)
        if plain:
            shared[key] = record
        return record

    return to_row, from_row


def _plain(annotation: Any) -> bool:
    """Whether a field holds only text or None: immutable, and equal only to the same value of the same type
    (unlike 1, 1.0 and True), so records with equal rows may be one."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _plain(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return all(_plain(arg) for arg in get_args(annotation))
    if origin is Literal:
        return all(isinstance(arg, str) for arg in get_args(annotation))
    return annotation in (str, type(None))


def _converters(annotation: Any) -> tuple[Convert, Decode] | None:
    """(to JSON, from JSON) for a field of type ``annotation``, None when JSON holds its value as it is; the
    None of an optional field is left as it is by the caller."""
    origin = get_origin(annotation)
    if annotation in _PLAIN or origin is Literal:
        return None
    if origin is Annotated:
        return _converters(get_args(annotation)[0])
    if annotation is FuzzyDate:
        return _date_text, _date
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return row, _plan(annotation)[1]
    if origin is list:
        item = _converters(get_args(annotation)[0])
        if item is None:
            return None
        encode, decode = item
        return (
            (lambda value: [encode(each) for each in value]),
            (lambda value, shared: [decode(each, shared) for each in value]),
        )
    if origin is Union or origin is types.UnionType:
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            return _converters(options[0])
    raise TypeError(f"no row form for fields of type {annotation!r}; add it to model/rebuild.py")


def _date_text(value: FuzzyDate) -> str:
    return value.text


def _date(value: Any, shared: object = None) -> FuzzyDate:
    if not isinstance(value, str):
        raise TypeError("a date in a row is its text")
    return parse_date(value)  # one object per text (parse_date keeps them)
