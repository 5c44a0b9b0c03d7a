"""What a parse gives: a file's plain value with the line and column of every node."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from stancemap.model.problems import NodePath

# Deep enough for any real record; libyaml's composer segfaults near 25,000 levels, the pure one recurses.
MAX_DEPTH = 50
# Line breaks as YAML counts them, so our positions agree with the parser's marks.
_BREAK = re.compile("\r\n?|[\n\x85\u2028\u2029]")


@dataclass(frozen=True)
class YamlDoc:
    """One parsed YAML file: its plain value and the (line, col) of every node keyed by path from the root."""

    path: str
    value: object
    marks: Mapping[NodePath, tuple[int, int]]

    def locate(self, loc: NodePath) -> tuple[int, int]:
        """The (line, col) of the longest prefix of ``loc`` that names a node; (1, 1) if none does."""
        marks = self.marks
        for end in range(len(loc), -1, -1):
            mark = marks.get(tuple(loc[:end]))
            if mark is not None:
                return mark
        return (1, 1)


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, col) of a character index, counting line breaks as YAML does."""
    line, start = 1, 0
    for match in _BREAK.finditer(text, 0, index):
        line += 1
        start = match.end()
    return line, index - start + 1


__all__ = ["NodePath", "YamlDoc", "line_col"]
