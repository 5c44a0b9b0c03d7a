"""What every stage of a load reads and adds to: the data root, today, the dataset so far, the problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from stancemap.model.dataset import Dataset
from stancemap.model.problems import Problem


@dataclass
class LoadContext:
    """One load: its stages read files under `root`, add what validates to `data`, the rest to `problems`."""

    root: Path
    today: dt.date
    data: Dataset = field(default_factory=Dataset)
    problems: list[Problem] = field(default_factory=list)

    @property
    def validation(self) -> dict[str, object]:
        """The pydantic validation context: the models check dates against `today` with it."""
        return {"today": self.today}
