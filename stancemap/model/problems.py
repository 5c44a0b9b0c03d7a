"""Problems found in the data, printed as ``path:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file; ``line``/``col`` are 1-based, 0 when unknown."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class StancemapError(Exception):
    """The project's own error type: raised only for failures that are not data problems."""


def excerpt(text: str, limit: int = 40) -> str:
    """A short, single-line, repr-quoted excerpt of untrusted input, safe to put in a message."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return repr(flat)
