"""Dates as precise as a source supports: a day, a month, a year, or an ISO 8601 interval of them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_PART = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
PATTERN = rf"^{_PART}(?:/{_PART})?$"
_FULL = re.compile(PATTERN)


def _bounds(part: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'."""
    pieces = [int(p) for p in part.split("-")]
    year = pieces[0]
    if len(pieces) == 1:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = pieces[1]
    if len(pieces) == 2:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day = dt.date(year, month, pieces[2])
    return day, day


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """Days [earliest, latest], written '2026-01-03', '2026-01', '2025' or '2026-01-03/2026-01-05'."""

    earliest: dt.date
    latest: dt.date
    text: str

    @classmethod
    def parse(cls, value: str | int) -> FuzzyDate:
        """Parse the written form; raise ValueError with a message that says how to write it."""
        text = str(value).strip()
        if not _FULL.match(text):
            raise ValueError(
                f"{text!r} is not a date; write YYYY-MM-DD, YYYY-MM, YYYY "
                "or an interval like 2026-01-03/2026-01-05"
            )
        first, _, last = text.partition("/")
        try:
            earliest = _bounds(first)[0]
            latest = _bounds(last or first)[1]
        except ValueError as err:
            raise ValueError(f"{text!r} is not a real calendar date ({err})") from None
        if latest < earliest:
            raise ValueError(f"{text!r} ends before it starts")
        return cls(earliest, latest, text)

    @property
    def is_day(self) -> bool:
        return self.earliest == self.latest

    def __str__(self) -> str:
        return self.text

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> FuzzyDate:
            if isinstance(value, FuzzyDate):
                return value
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise ValueError("a date must be written as text like 2026-01-03, 2026-01 or 2025")
            return parse_date(value)

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": ["string", "integer"],
            "pattern": PATTERN,
            "description": "A day, month or year, or an interval between two of them (ISO 8601).",
            "examples": ["2026-01-03", "2025-12", "2025", "2026-01-03/2026-01-05"],
        }


# A data set writes the same few hundred dates thousands of times; a FuzzyDate is immutable, so one parse
# serves them all (a third of validation time at 10,000 stances). ValueErrors are not cached, only values.
@lru_cache(maxsize=65536)
def parse_date(value: str | int) -> FuzzyDate:
    return FuzzyDate.parse(value)


def _not_after_today(value: FuzzyDate, info: ValidationInfo) -> FuzzyDate:
    """Refuse a date that starts after the ``today`` in the validation context (no context, no check)."""
    today = info.context.get("today") if isinstance(info.context, dict) else None
    if today is not None and value.earliest > today:
        raise ValueError(f"{value} is in the future (today is {today})")
    return value


# Validate with ``context={"today": ...}``: "today" is passed in, so the date rules are repeatable.
NotFutureDate = Annotated[FuzzyDate, AfterValidator(_not_after_today)]
