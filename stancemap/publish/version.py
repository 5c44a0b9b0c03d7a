"""The dataset version a published site names: a content hash of what loaded, and the release date."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stancemap.model.dataset import Dataset
from stancemap.paths import SOURCES_FILE, STANCES_DIR

DIGEST_LENGTH = 12  # hex digits: enough to tell releases apart, short enough to cite


@dataclass(frozen=True)
class DatasetVersion:
    """`2026-11-24.3f2a9c1b7d0e`: the release date and the first hex digits of the data's content hash."""

    date: dt.date
    digest: str

    def __str__(self) -> str:
        return f"{self.date.isoformat()}.{self.digest[:DIGEST_LENGTH]}"


def content_digest(data: Dataset) -> str:
    """SHA-256 over every loaded record and source text, in data order.

    It hashes what validated, not the files' bytes, so a comment or a reformatted YAML file keeps the version,
    and a record that failed its checks (and is not published) does not count.
    """
    digest = hashlib.sha256()

    def add(kind: str, payload: str) -> None:
        digest.update(f"{kind}\0{len(payload)}\0{payload}\0".encode())

    for source_id, source in data.sources.items():
        add("source", source.model_dump_json())
        if source_id in data.texts:
            add("text", data.texts[source_id].text)
    for party in data.parties.values():
        add("party", party.model_dump_json())
    for issue in data.issues.values():
        add("issue", issue.model_dump_json())
    for record in data.stances:
        add("stance", f"{record.issue}\0{record.stance.model_dump_json()}")
    for event in data.events:
        add("event", event.event.model_dump_json())
    return digest.hexdigest()


def dataset_version(data: Dataset, date: dt.date) -> DatasetVersion:
    return DatasetVersion(date, content_digest(data))


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
    folders = [str(Path(SOURCES_FILE).parent), str(Path(STANCES_DIR).parent)]
    try:
        found = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", *folders],
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
