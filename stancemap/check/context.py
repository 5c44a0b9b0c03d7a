"""What every stage of a load reads and adds to: the data root, today, the dataset so far, the problems."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stancemap.model.dataset import Dataset, Origin
from stancemap.model.problems import Problem

StanceKey = tuple[str, str, str]  # party, issue, as_of: two stances with one key would be drawn as one

if TYPE_CHECKING:
    from stancemap.check.checked_files import CacheSession


@dataclass
class LoadContext:
    """One load: its stages read files under `root`, add what validates to `data`, the rest to `problems`.

    `fallback` holds the last good text of data files by relative path: a file whose version on disk has
    problems is loaded from it instead, when that version loads without any (see check/fallback.py).
    """

    root: Path
    today: dt.date
    fallback: Mapping[str, str] = field(default_factory=dict)
    data: Dataset = field(default_factory=Dataset)
    problems: list[Problem] = field(default_factory=list)
    stance_keys: dict[StanceKey, Origin] = field(default_factory=dict)
    cache: CacheSession | None = None  # checked files kept on disk (checked_files.py); None reads every file

    @property
    def validation(self) -> dict[str, object]:
        """The pydantic validation context: the models check dates against `today` with it."""
        return {"today": self.today}

    def mark(self) -> Mark:
        """The size of everything a stage adds to, to undo one file's load with `undo`."""
        sizes: dict[str, Any] = {"problems": len(self.problems), "stance_keys": len(self.stance_keys)}
        for item in dataclasses.fields(Dataset):
            value = getattr(self.data, item.name)
            if item.init:
                sizes[item.name] = set(value) if isinstance(value, set) else len(value)
        return Mark(sizes)

    def undo(self, mark: Mark) -> list[Problem]:
        """Take back what was added since `mark` (stages only add); the problems that were added."""
        taken = self.problems[mark.sizes["problems"] :]
        del self.problems[mark.sizes["problems"] :]
        _shrink(self.stance_keys, mark.sizes["stance_keys"])
        for name, size in mark.sizes.items():
            value = getattr(self.data, name, None)
            if isinstance(value, set):
                value.intersection_update(size)
            elif isinstance(value, list):
                del value[size:]
            elif isinstance(value, dict):
                _shrink(value, size)
        return taken


@dataclass(frozen=True)
class Mark:
    sizes: dict[str, Any]


def _shrink(mapping: dict[Any, Any], size: int) -> None:
    """Drop the keys added after the first `size` (dicts keep insertion order; popitem takes the last)."""
    while len(mapping) > size:
        mapping.popitem()
