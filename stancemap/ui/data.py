"""Loading the data for the app: once per change of the files, shared by every session."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import streamlit as st

from stancemap.dataset import Dataset
from stancemap.load import ROOT, load_dataset
from stancemap.problems import Problem

ROOT_VARIABLE = "STANCEMAP_DATA_ROOT"
DATA_FOLDERS = ("seeds", "positions")

Fingerprint = tuple[tuple[str, int, int], ...]


def data_root() -> Path:
    """The data folder: $STANCEMAP_DATA_ROOT when set, else the repository."""
    return Path(os.environ.get(ROOT_VARIABLE) or ROOT)


def fingerprint(root: Path) -> Fingerprint:
    """(relative path, mtime_ns, size) of every file under the data folders: cheap, changes on any edit."""
    found: list[tuple[str, int, int]] = []
    pending = [root / folder for folder in DATA_FOLDERS]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # a missing folder is reported by the loader
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            else:
                info = entry.stat(follow_symlinks=False)
                found.append((Path(entry.path).relative_to(root).as_posix(), info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


# cache_resource, not cache_data: the dataset is read-only once loaded, so every rerun shares it without a
# pickle round trip. The fingerprint is in the key (it must not start with "_", or Streamlit skips hashing it)
# so an edited file is read on the next page load.
@st.cache_resource(max_entries=4, show_spinner="Reading and checking the data…")
def _load(root: str, files: Fingerprint, today: dt.date) -> tuple[Dataset, tuple[Problem, ...]]:
    data, problems = load_dataset(Path(root), today=today)
    return data, tuple(problems)


def load(root: Path, today: dt.date) -> tuple[Dataset, tuple[Problem, ...]]:
    """The dataset and its problems for `root` as it is on disk now."""
    return _load(str(root.resolve()), fingerprint(root), today)
