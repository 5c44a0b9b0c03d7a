"""The invisible-character scan's fast path agrees with the per-character scan."""

from __future__ import annotations

import sys
from itertools import product

import pytest

from stancemap.model.characters import INVISIBLE_SPACES, LINE_SEPARATORS, invisible_characters, is_invisible

EVERY_SPACE = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]


def _scan(text: str, line_separators: bool) -> dict[str, list[int]]:
    """The definition, one character at a time."""
    seen: dict[str, list[int]] = {}
    for index, char in enumerate(text):
        if is_invisible(char) or (line_separators and char in LINE_SEPARATORS):
            seen.setdefault(char, []).append(index + 1)
    return seen


def test_invisible_spaces_are_every_whitespace_character_that_is_invisible() -> None:
    assert set(INVISIBLE_SPACES) == {char for char in EVERY_SPACE if is_invisible(char)}


@pytest.mark.parametrize("line_separators", [False, True])
def test_the_fast_path_finds_what_the_scan_finds(line_separators: bool) -> None:
    pieces = [*EVERY_SPACE, "\u200b", "\u202e", "\x00", "\ud800", "\ue000", "\u0378", "word", "é"]
    for first, second in product(pieces, repeat=2):
        text = f"a{first}b{second}c"
        assert invisible_characters(text, line_separators=line_separators) == _scan(text, line_separators)


def test_a_quote_pasted_from_several_lines_has_nothing_invisible() -> None:
    assert invisible_characters("one\n two\u00a0three\u2009four") == {}
    assert invisible_characters("one\x0btwo") == {"\x0b": [4]}
