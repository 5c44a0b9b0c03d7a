"""Problems found in the data, printed as ``path:line:col: message``, and the collector that places them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

# A node's place from the root of a file: mapping keys and sequence indexes, as in pydantic error locations.
NodePath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file; ``line``/``col`` are 1-based, 0 when unknown (a problem
    with the whole file, printed as ``path: message``)."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class Locates(Protocol):
    """What can say where a node is written (a parsed YAML file)."""

    def locate(self, loc: NodePath) -> tuple[int, int]: ...


@dataclass(frozen=True)
class Problems:
    """Adds the problems of one file to a shared list, each at the line and column of the node it names."""

    path: str
    doc: Locates
    found: list[Problem]

    def add(self, loc: NodePath, message: str) -> None:
        """A problem at the node `loc` (or the nearest node above it that is written in the file)."""
        line, col = self.doc.locate(loc)
        self.found.append(Problem(self.path, line, col, message))

    def add_at(self, line: int, col: int, message: str) -> None:
        """A problem at a known line and column (1-based; 0 when unknown)."""
        self.found.append(Problem(self.path, line, col, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Problems already placed (the parser's, pydantic's)."""
        self.found.extend(problems)


class StancemapError(Exception):
    """The project's own error type: raised only for failures that are not data problems."""


def excerpt(text: str, limit: int = 40) -> str:
    """A short, single-line, repr-quoted excerpt of untrusted input, safe to put in a message."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return repr(flat)
