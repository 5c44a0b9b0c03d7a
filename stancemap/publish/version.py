"""The version a published site names: the content hash of what loaded (derive.version) and a date."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stancemap.derive.changes import DATA_FOLDERS
from stancemap.derive.version import dataset_version
from stancemap.model.dataset import Dataset


@dataclass(frozen=True)
class DatasetVersion:
    """`2026-11-24.3f2a9c1b7d0e`: the release date and derive.version's content hash of the loaded data."""

    date: dt.date
    digest: str

    def __str__(self) -> str:
        return f"{self.date.isoformat()}.{self.digest}"


def version_of(data: Dataset, date: dt.date) -> DatasetVersion:
    return DatasetVersion(date, dataset_version(data))


def release_date(root: Path, *, given: dt.date | None = None, env: Mapping[str, str] = os.environ) -> dt.date:
    """The date a build names: `given`, else SOURCE_DATE_EPOCH, else the newest commit touching the data,
    else today. Never the clock when any of the first three is there, so two builds match byte for byte."""
    if given is not None:
        return given
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    committed = last_data_commit(root)
    return committed or dt.date.today()


def last_data_commit(root: Path) -> dt.date | None:
    """The committer date of the newest commit touching the data under `root`, or None outside git."""
    try:
        found = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--first-parent", "--", *DATA_FOLDERS],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = found.stdout.strip()
    if found.returncode != 0 or not text:
        return None
    return dt.date.fromisoformat(text)
