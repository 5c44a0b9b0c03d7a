"""How to fix a validation error or an unknown id, in words: pydantic errors as Problems, "did you mean"."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from stancemap.model.problems import Problem, excerpt
from stancemap.model.schema import ID_PATTERN, PATTERN_MEANINGS

# Latin look-alikes of Cyrillic and Greek letters, so 'rusѕia' (Cyrillic dze) can be answered with 'russia'.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁԛԝгпмтквΑΒΕΗΙΚΜΝΟΡΤΥΧαοικνρτυχ",
    "aeopcyxijsdqwrnmtkbabehikmnoptyxaoiknptux",
)


def fold(value: str) -> str:
    """Lower-case ASCII look-alike of an id, for suggestions."""
    return unicodedata.normalize("NFKC", value).translate(_CONFUSABLES).lower().strip()


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest known id, or ''."""
    known = list(known)
    folded = fold(value)
    if folded in known:
        return f" (did you mean {folded!r}?)"
    close = difflib.get_close_matches(folded, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _odd_characters(value: str) -> str:
    odd = [c for c in value if not (c.isascii() and (c.isalnum() or c == "-"))]
    if not odd:
        return ""
    c = odd[0]
    return f"; it contains {c!r} U+{ord(c):04X} {unicodedata.name(c, 'UNKNOWN')}"


def _shown(value: Any) -> str:
    """A value as a message shows it: an excerpt, or words for what an excerpt would show as ''."""
    if isinstance(value, str) and not value.strip():
        return "an empty value" if not value else "a blank value (only spaces)"
    if isinstance(value, str) and "\n" in value.strip():
        return f"{value.strip().count(chr(10)) + 1} lines, {excerpt(value)}"
    return excerpt(value)


def _number_text(value: int) -> str:
    """A huge whole number shortened to its first digits and its length."""
    digits = str(abs(value))
    return f"{'-' * (value < 0)}{digits[:6]}… ({len(digits)} digits)"


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    return "text"


def describe(error: Any, model: type[BaseModel] | None = None, known_fields: Iterable[str] = ()) -> str:
    """One clear sentence for one pydantic error dict."""
    loc = error.get("loc", ())
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "value")
    kind = error.get("type", "")
    value = error.get("input")
    if kind == "missing":
        return f"missing required field {field!r}"
    if kind == "extra_forbidden":
        hint = did_you_mean(field, known_fields)
        names = ", ".join(known_fields)
        return f"unknown field {field!r}{hint}; fields allowed here: {names}"
    if kind == "string_type":
        return f"{field}: expected text, got {_type_name(value)} {excerpt(value)}; put the value in quotes"
    if kind == "bool_type":
        return f"{field}: expected true or false, got {_type_name(value)} {excerpt(value)}"
    if kind in ("int_type", "float_type") and isinstance(value, int) and not isinstance(value, bool):
        # A whole number too big for a float: it is a number, just not one a stance can carry.
        too_big = f"{_number_text(value)} has too many digits to be a quantity"
        return f"{field}: {too_big}; write a plain number, e.g. 50"
    if kind in ("int_type", "float_type", "int_parsing", "float_parsing"):
        return f"{field}: expected a number, got {_type_name(value)} {excerpt(value)}"
    if kind == "finite_number":
        what = "is not a number (NaN)" if value != value else "is too large: it reads as infinity"
        return f"{field}: the number {what}; write a plain number, e.g. 50"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = "a list" if kind == "list_type" else "a mapping"
        return f"{field}: expected {wanted}, got {_type_name(value)}"
    if kind == "literal_error":
        choices = error.get("ctx", {}).get("expected", "")
        options = [c.strip(" '") for c in choices.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), options) if isinstance(value, str) else ""
        return f"{field}: {excerpt(value)} is not one of: {', '.join(options)}{hint}"
    pattern = error.get("ctx", {}).get("pattern")
    if kind == "string_pattern_mismatch" and pattern == ID_PATTERN and isinstance(value, str) and value:
        folded = fold(value)
        hint = f" (did you mean {folded!r}?)" if folded != value and re.match(ID_PATTERN, folded) else ""
        return (
            f"{field}: {excerpt(value)} is not a valid id{hint}: use {PATTERN_MEANINGS[ID_PATTERN]}"
            f"{_odd_characters(value)}"
        )
    if kind == "string_pattern_mismatch":
        wanted = PATTERN_MEANINGS.get(pattern, f"text matching {pattern}")
        return f"{field}: expected {wanted}, got {_shown(value)}"
    if kind == "too_short" and field == "evidence":
        return "a stance needs at least one evidence item with a verbatim quote"
    if kind in ("too_short", "string_too_short"):
        return f"{field}: must not be empty"
    if kind in ("too_long", "string_too_long"):
        limit = error.get("ctx", {}).get("max_length")
        unit = "characters" if kind == "string_too_long" else "items"
        return f"{field}: too long; at most {limit} {unit}, got {len(value)}; shorten it"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{field}: {message}"


def model_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at `loc` inside `model` (for 'fields allowed here')."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validation_problems(
    err: ValidationError, model: type[BaseModel], path: str, locate: Any, prefix: tuple[Any, ...] = ()
) -> Iterator[Problem]:
    """Problems for every error in `err`, located through `locate(prefix + loc)`."""
    for error in err.errors(include_url=False):
        loc = tuple(error["loc"])
        line, col = locate(prefix + loc)
        yield Problem(path, line, col, describe(error, model, model_fields(model, loc)))
