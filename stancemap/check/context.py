"""What every stage of a load reads and adds to: the data root, today, the dataset so far, the problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem

if TYPE_CHECKING:
    from stancemap.check.record_cache import CacheSession


@dataclass
class LoadContext:
    """One load: its stages read files under `root`, add what validates to `data`, the rest to `problems`."""

    root: Path
    today: dt.date
    data: Dataset = field(default_factory=Dataset)
    problems: list[Problem] = field(default_factory=list)
    cache: CacheSession | None = None  # checked files kept on disk (record_cache.py); None reads every file

    @property
    def validation(self) -> dict[str, object]:
        """The pydantic validation context: the models check dates against `today` with it."""
        return {"today": self.today}
