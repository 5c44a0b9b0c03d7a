"""In a real browser, with the app open: break parties.yaml, issues.yaml, sources.yaml or a stance file,
reload, and the previous data is still served with a banner; fix the file, reload, and the banner is gone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from stancemap.check.load import load_dataset
from stancemap.derive.frames import PREVIOUS_VERSION_MARK
from tests.browser.conftest import AppServerFactory, expected_matrix, grid, open_app, screenshot, wait_for_app
from tests.conftest import copy_data

pytestmark = pytest.mark.browser

CRIMEA = "positions/stances/crimea.yaml"
BANNER = '[data-testid="stMain"] [data-testid="stHtml"]'


def utf16(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


BREAKS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "parties": ("positions/parties.yaml", utf16),
    "issues": ("positions/issues.yaml", lambda p: p.write_text("- not a mapping\n")),
    "sources": ("seeds/sources.yaml", lambda p: p.unlink()),
    "stance file": (
        CRIMEA,
        lambda p: p.write_text(p.read_text(encoding="utf-8").replace("one million", "two million")),
    ),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_data(tmp_path_factory.mktemp("last-good") / "data")


def banners(page: Page) -> list[str]:
    return [text for text in page.locator(BANNER).all_inner_texts() if "has a problem since" in text]


def reload(page: Page) -> None:
    page.reload()
    page.get_by_role("heading", name="Stancemap").wait_for()
    wait_for_app(page)


@pytest.mark.parametrize("case", list(BREAKS))
def test_a_file_broken_while_the_app_is_open_keeps_its_previous_data_on_screen(
    case: str, page: Page, app_server: AppServerFactory, root: Path
) -> None:
    rel, breaks = BREAKS[case]
    clean, problems = expected_matrix(root)
    assert problems == []
    open_app(page, app_server(root))
    assert grid(page) == clean and banners(page) == []
    original = (root / rel).read_bytes()
    breaks(root / rel)
    _, broken = load_dataset(root, today=dt.date.today())
    assert any(p.path == rel for p in broken)

    reload(page)
    rows = grid(page)
    if case == "stance file":
        row = [r[0] for r in rows].index("Crimea")
        column = rows[0].index("Russia")
        assert rows[row][column] == f"{clean[row][column]} {PREVIOUS_VERSION_MARK}"
        rows[row][column] = clean[row][column]
    assert rows == clean
    [banner] = banners(page)
    assert f"{rel} has a problem since" in banner and "Readers see its previous version" in banner
    assert str(next(p for p in broken if p.path == rel)) in banner
    screenshot(page, f"last-good-{case.replace(' ', '-')}.png")

    (root / rel).write_bytes(original)
    reload(page)
    assert grid(page) == clean and banners(page) == []
