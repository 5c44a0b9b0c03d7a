"""Characters a reader cannot see: controls, format characters (zero-width, bidi) and lone surrogates.

One definition for every text Stancemap shows or checks: quotes (check/quotes.py) and every displayed field
of the schema (model/schema.py's OneLine).
"""

from __future__ import annotations

import unicodedata

# Tab, newline and carriage return are ordinary whitespace in a quote pasted from several lines.
ALLOWED_CONTROLS = frozenset("\t\n\r")
# Cf: format characters (U+200B ZERO WIDTH SPACE, U+202E RIGHT-TO-LEFT OVERRIDE, U+FEFF, ...); Cs: surrogates.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cs"})
# Line breaks other than \n that editors may show as one line while YAML and browsers break the line there.
LINE_SEPARATORS = frozenset("\x85\u2028\u2029")
# The whitespace (str.isspace) that is_invisible flags: str.split() drops it, so the fast path looks for it
# on its own. A test derives it from is_invisible over every code point.
INVISIBLE_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f\x85"


def is_invisible(char: str) -> bool:
    """True for a character that is never part of readable text (an allowed control is not)."""
    category = unicodedata.category(char)
    return (category == "Cc" and char not in ALLOWED_CONTROLS) or category in INVISIBLE_CATEGORIES


def invisible_characters(text: str, *, line_separators: bool = False) -> dict[str, list[int]]:
    """Each invisible character of ``text`` (and, when asked, each line separator) with its 1-based places."""
    if _plainly_visible(text, line_separators):
        return {}
    seen: dict[str, list[int]] = {}
    for index, char in enumerate(text):
        if is_invisible(char) or (line_separators and char in LINE_SEPARATORS):
            seen.setdefault(char, []).append(index + 1)
    return seen


def _plainly_visible(text: str, line_separators: bool) -> bool:
    """Whether a C-speed look shows no character the per-character scan would report.

    A quote pasted from several lines is not printable (its newlines, no-break spaces), yet holds nothing
    invisible: without its whitespace it is printable, and it has none of the whitespace that is flagged.
    """
    if text.isprintable():
        return True
    if not "".join(text.split()).isprintable() or any(char in text for char in INVISIBLE_SPACES):
        return False
    return not line_separators or ("\u2028" not in text and "\u2029" not in text)


def character_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the code point and its Unicode name (controls have none)."""
    unnamed = (
        "SURROGATE" if unicodedata.category(char) == "Cs" else _CONTROL_NAMES.get(char, "CONTROL CHARACTER")
    )
    return f"U+{ord(char):04X} {unicodedata.name(char, unnamed)}"


# Python's Unicode database names no control character; the one that YAML breaks lines at deserves its name.
_CONTROL_NAMES = {"\x85": "NEXT LINE (NEL)"}


def places_text(places: list[int]) -> str:
    """``at character 5`` or ``at character 5 (and 2 more)``."""
    more = f" (and {len(places) - 1} more)" if len(places) > 1 else ""
    return f"at character {places[0]}{more}"


# Explicit direction marks, embeddings, overrides and isolates: they reorder the text around them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def how_to_fix(chars: list[str]) -> str:
    """What to do about ``chars`` found in a text, and why, in words for the person editing the file."""
    if len(chars) > 1:
        return "delete them (each is invisible or changes how the text is shown)"
    char = chars[0]
    if char in BIDI_CONTROLS:
        return "delete it (it reverses or reorders the text a reader sees)"
    if char in LINE_SEPARATORS:
        return "replace it with a space (it breaks the line where the page shows one)"
    return "delete it (it is invisible, so two texts that look the same would differ)"
