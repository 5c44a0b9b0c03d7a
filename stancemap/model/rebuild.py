"""Validated records rebuilt from their JSON dump without validating again: a load replayed from its cache.

Only for dumps this loader version made of records it validated, kept where nothing else can write them (the
cache that will replay a whole load is not built yet; docs/performance.md), so the dump holds what validation
produced. A record is rebuilt as pickle rebuilds one (``__new__`` and ``__setstate__``), with the fields it
was given and its defaults, so it equals the validated record (tests/test_rebuild.py, every bundled record).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from stancemap.model.dates import FuzzyDate, parse_date

M = TypeVar("M", bound=BaseModel)
Rebuild = Callable[[Any], Any]
_PLAIN = (str, int, float, bool, type(None))
_IMMUTABLE = (str, int, float, bool, type(None), tuple, frozenset)


def dump(record: BaseModel) -> dict[str, Any]:
    """The JSON form of a validated record: the fields it was given (nested records likewise)."""
    return record.model_dump(mode="json", exclude_unset=True)


def rebuild(model: type[M], dumped: dict[str, Any]) -> M:
    """The record of which ``dumped`` is the ``dump``; raises KeyError, TypeError or ValueError for a dump
    that does not fit ``model``."""
    return _builder(model)(dumped)  # type: ignore[return-value]


@cache
def _builder(model: type[BaseModel]) -> Callable[[dict[str, Any]], BaseModel]:
    fields = model.__pydantic_fields__
    rebuilders = {name: _for(info.annotation) for name, info in fields.items()}
    defaults = {name: _default(info) for name, info in fields.items() if not info.is_required()}
    # One fields-set per combination of given fields, shared (records are frozen): a set per record is
    # the largest part of a small record.
    given: dict[frozenset[str], set[str]] = {}
    new = model.__new__

    def build(dumped: dict[str, Any]) -> BaseModel:
        if not isinstance(dumped, dict):
            raise TypeError(f"a {model.__name__} dump must be a mapping")
        names = frozenset(dumped)
        if not names <= fields.keys():
            raise KeyError(f"not fields of {model.__name__}: {sorted(names - fields.keys())}")
        values: dict[str, Any] = {}
        for name in fields:  # in declaration order, as validation fills __dict__
            if name in dumped:
                each = rebuilders[name]
                values[name] = dumped[name] if each is None else each(dumped[name])
            elif name not in defaults:
                raise KeyError(f"{model.__name__} dump lacks {name}")
            else:
                factory, constant = defaults[name]
                values[name] = constant if factory is None else factory()
        record = new(model)
        record.__setstate__(
            {
                "__dict__": values,
                "__pydantic_fields_set__": given.setdefault(names, set(names)),
                "__pydantic_extra__": None,
                "__pydantic_private__": None,
            }
        )
        return record

    return build


def _default(info: FieldInfo) -> tuple[Callable[[], Any] | None, Any]:
    """(factory, None) or (None, constant): a field's default as validation fills it in."""
    if info.default_factory is not None:
        if info.default_factory_takes_validated_data:
            raise TypeError("no rebuild for a default factory that takes the validated data")
        return info.default_factory, None  # type: ignore[return-value]
    if not isinstance(info.default, _IMMUTABLE):
        raise TypeError(f"no rebuild for the mutable default {info.default!r}: pydantic copies it")
    return None, info.default


def _for(annotation: Any) -> Rebuild | None:
    """How to rebuild a value of the field type ``annotation`` from JSON; None when JSON gives it as is."""
    origin = get_origin(annotation)
    if annotation in _PLAIN or origin is Literal:
        return None
    if origin is Annotated:
        return _for(get_args(annotation)[0])
    if annotation is FuzzyDate:
        return _date
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _builder(annotation)
    if origin is list:
        item = _for(get_args(annotation)[0])
        return None if item is None else lambda value: [item(each) for each in value]
    if origin is Union or origin is types.UnionType:
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            inner = _for(options[0])
            return None if inner is None else lambda value: None if value is None else inner(value)
    raise TypeError(f"no rebuild for fields of type {annotation!r}; add it to model/rebuild.py")


def _date(value: Any) -> FuzzyDate:
    if not isinstance(value, str):
        raise TypeError("a dumped date is its text")
    return parse_date(value)
