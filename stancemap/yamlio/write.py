"""Writing YAML text by hand (stubs, new entries, benchmark data): scalars that read back as the same text."""

from __future__ import annotations

import json
import re

# JSON leaves these raw, but YAML folds them as line breaks or refuses them as unprintable.
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# Words and names a person would write plain: letters, spaces, apostrophes, dots and hyphens.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z .’'-]*[A-Za-z.]")
_TYPED_WORDS = frozenset(("true", "false", "null"))


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar that loads back as exactly `value` (JSON string syntax is valid YAML)."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def yaml_scalar(value: str) -> str:
    """`value` written plain where that is unambiguous (as a person would write it), else double-quoted."""
    if _PLAIN.fullmatch(value) and value.lower() not in _TYPED_WORDS:
        return value
    return yaml_string(value)
