"""The one YAML scalar writer: whatever it writes, the strict reader reads back as the same text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stancemap.yamlio.parse import parse_yaml
from stancemap.yamlio.write import yaml_scalar, yaml_string

# Text curators paste: letters, punctuation YAML reserves, typographic quotes, odd breaks and spaces.
RESERVED = st.sampled_from(list("-:#&*!|>'\"%@`"))
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | RESERVED,
    min_size=1,
    max_size=60,
)


def read_back(scalar: str) -> object:
    doc, problems = parse_yaml(f"value: {scalar}\n", "t.yaml")
    assert problems == [], (scalar, problems)
    assert doc is not None and isinstance(doc.value, dict)
    return doc.value["value"]


@settings(max_examples=300, deadline=None)
@given(value=TEXT)
def test_written_scalars_read_back_as_the_same_text(value: str) -> None:
    assert read_back(yaml_string(value)) == value
    assert read_back(yaml_scalar(value)) == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Volodymyr Zelenskyy", "Volodymyr Zelenskyy"),
        ("Kremlin’s aide", "Kremlin’s aide"),
        ("true", '"true"'),
        ("Null", '"Null"'),
        ("1:30", '"1:30"'),
        ("price is #1", '"price is #1"'),
        ("line\u2028break", '"line\\u2028break"'),
    ],
)
def test_plain_only_where_a_person_would_write_it_plain(value: str, written: str) -> None:
    assert yaml_scalar(value) == written
