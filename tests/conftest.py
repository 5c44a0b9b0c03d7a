"""Shared fixtures: the real repository data, and copies of it to break on purpose."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from stancemap.check.lastgood import SNAPSHOT_VARIABLE
from stancemap.check.load import ROOT, load_dataset
from stancemap.check.record_cache import CACHE_VARIABLE
from stancemap.model.dataset import Dataset

# A fixed "today" keeps date rules repeatable; the bundled data must validate on it and on the real today.
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The app's cache of checked files in a folder of this test run, not the user's (servers inherit it)."""
    folder = tmp_path_factory.mktemp("stancemap-cache")
    saved = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(folder)
    yield folder
    if saved is None:
        del os.environ[CACHE_VARIABLE]
    else:
        os.environ[CACHE_VARIABLE] = saved


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    data, problems = load_dataset(ROOT, today=TODAY)
    assert problems == [], "\n".join(map(str, problems))
    return data


def copy_data(target: Path) -> Path:
    """Copy seeds/ and positions/ of the repo into `target` and return it (a data root to modify)."""
    shutil.copytree(ROOT / "seeds", target / "seeds")
    shutil.copytree(ROOT / "positions", target / "positions")
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return copy_data(tmp_path / "data")


@pytest.fixture(scope="session", autouse=True)
def private_snapshots(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the app's last good versions (AppTest's and the browser servers') out of the user's cache."""
    os.environ[SNAPSHOT_VARIABLE] = str(tmp_path_factory.mktemp("last-good"))
