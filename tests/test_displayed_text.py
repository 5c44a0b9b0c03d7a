"""Every text a reader sees is clean, and every form the schema asks for is said in words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, PydanticUserError, TypeAdapter, ValidationError

from stancemap.check.validation_messages import describe
from stancemap.curate.jsonschema import SCHEMAS
from stancemap.model import schema
from stancemap.model.problems import Problem

# String fields that take any text at the schema level because another check owns them.
CHECKED_ELSEWHERE = {
    ("Evidence", "quote"): "check/quotes.py refuses invisible characters in a quote, with its own message",
    ("Event", "quote"): "check/quotes.py refuses invisible characters in a quote, with its own message",
}
PLAIN = "Kyiv hosts allies"
HIDDEN = {
    "\u202e": "U+202E RIGHT-TO-LEFT OVERRIDE",
    "\u200b": "U+200B ZERO WIDTH SPACE",
    "\u2066": "U+2066 LEFT-TO-RIGHT ISOLATE",
    "\u2028": "U+2028 LINE SEPARATOR",
    "\x07": "U+0007 CONTROL CHARACTER",
}


def models() -> list[type[BaseModel]]:
    found = [
        value
        for value in vars(schema).values()
        if isinstance(value, type) and issubclass(value, schema.Model) and value is not schema.Model
    ]
    assert len(found) >= 10
    return found


def text_fields() -> Iterator[tuple[str, str, TypeAdapter[Any], bool]]:
    """(model, field, adapter, is a list) for every field that takes plain one-line text."""
    strict = ConfigDict(strict=True)
    for model in models():
        for name, info in model.model_fields.items():
            try:
                adapter: TypeAdapter[Any] = TypeAdapter(info.rebuild_annotation(), config=strict)
            except PydanticUserError:
                continue  # a nested model: its own fields are visited as its model's
            for value, is_list in ((PLAIN, False), ([PLAIN], True)):
                try:
                    adapter.validate_python(value)
                except ValidationError:
                    continue
                yield model.__name__, name, adapter, is_list
                break


TEXT_FIELDS = [(m, f, a, many) for m, f, a, many in text_fields() if (m, f) not in CHECKED_ELSEWHERE]


def test_the_displayed_fields_are_found() -> None:
    names = {(model, field) for model, field, _, _ in TEXT_FIELDS}
    expected = {("Stance", "summary"), ("Speaker", "name"), ("Source", "headline"), ("Party", "aliases")}
    assert expected <= names and len(names) >= 25


@pytest.mark.parametrize(
    ("model", "field", "adapter", "many"), TEXT_FIELDS, ids=[f"{m}.{f}" for m, f, *_ in TEXT_FIELDS]
)
@pytest.mark.parametrize("char", sorted(HIDDEN), ids=[HIDDEN[c] for c in sorted(HIDDEN)])
def test_every_displayed_field_refuses_invisible_characters(
    model: str, field: str, adapter: TypeAdapter[Any], many: bool, char: str
) -> None:
    text = f"Yuri{char} Ushakov"
    with pytest.raises(ValidationError) as raised:
        adapter.validate_python([text] if many else text)
    (error,) = raised.value.errors(include_url=False)
    message = describe({**error, "loc": (field, *error["loc"])})
    assert message.startswith(f"{field}: contains {HIDDEN[char]} at character 5; ")


def test_a_link_refuses_a_right_to_left_override() -> None:
    with pytest.raises(ValidationError, match="RIGHT-TO-LEFT OVERRIDE"):
        TypeAdapter(schema.HttpLink).validate_python("https://example.org/\u202etxt.exe")


def patterns(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from patterns(value)


ALL_PATTERNS = sorted({p for model in SCHEMAS.values() for p in patterns(model.model_json_schema())})


def test_every_pattern_in_the_schemas_is_said_in_words() -> None:
    assert len(ALL_PATTERNS) >= 4
    assert set(ALL_PATTERNS) <= set(schema.PATTERN_MEANINGS), (
        "give each new pattern its words in PATTERN_MEANINGS"
    )


@pytest.mark.parametrize("pattern", ALL_PATTERNS)
def test_a_pattern_error_says_the_form_not_the_regex(pattern: str) -> None:
    error = {
        "type": "string_pattern_mismatch",
        "loc": ("field",),
        "input": "x y",
        "ctx": {"pattern": pattern},
    }
    message = describe(error)
    assert (
        schema.PATTERN_MEANINGS[pattern] in message
        and pattern not in message
        and "String should" not in message
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [("   ", "got a blank value (only spaces)"), ("a\nb", "got 2 lines, 'a b'"), ("", "got an empty value")],
)
def test_a_blank_or_broken_value_is_named_not_shown_as_quotes(value: str, shown: str) -> None:
    pattern = schema.ONE_LINE_PATTERN
    error = {"type": "string_pattern_mismatch", "loc": ("note",), "input": value, "ctx": {"pattern": pattern}}
    assert describe(error) == f"note: expected one line of text that is not blank, {shown}"


def test_a_huge_whole_number_is_not_called_a_non_number() -> None:
    error = {"type": "float_type", "loc": ("quantity",), "input": 10**400}
    message = describe(error)
    assert (
        message.startswith("quantity: 100000… (401 digits) has too many digits")
        and "got a number" not in message
    )


def test_a_problem_with_a_whole_file_has_no_line_to_print() -> None:
    assert str(Problem("seeds/sources.yaml", 0, 0, "file missing")) == "seeds/sources.yaml: file missing"
    assert str(Problem("seeds/sources.yaml", 3, 7, "bad")) == "seeds/sources.yaml:3:7: bad"
