"""The curation assistant on the Sources page in a real browser: off until switched on, then the proposals
and their YAML stubs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from stancemap.ui.suggestions import COLUMNS
from tests.browser.conftest import DATAFRAME, REPO, AppServerFactory, grid, open_app, wait_for_app

pytestmark = pytest.mark.browser

SOURCE = "bloomberg-berlin-talks"
TOGGLE = f'.st-key-suggest-{SOURCE} [data-testid="stWidgetLabel"]'
CODE = '[data-testid="stMain"] [data-testid="stCode"]'


@pytest.fixture(scope="module")
def bundled(app_server: AppServerFactory) -> str:
    return app_server(REPO)


def test_switching_on_suggestions_lists_proposals_and_stubs(page: Page, bundled: str) -> None:
    open_app(page, f"{bundled}/?view=sources&source={SOURCE}")
    page.get_by_text("Suggest evidence from this source").wait_for()
    frames = page.locator(DATAFRAME).count()
    assert not page.locator(CODE).filter(has_text="Stance stubs suggested").count()
    page.locator(TOGGLE).click()
    wait_for_app(page)
    page.locator(CODE).filter(has_text="Stance stubs suggested").wait_for()
    stubs = page.locator(CODE).filter(has_text="Stance stubs suggested").inner_text()
    assert "won’t cede control of the Crimean peninsula" in stubs and "already evidence at" in stubs
    assert page.locator(DATAFRAME).count() == frames + 1
    header = grid(page, DATAFRAME, frames)[0]
    # The grid draws only the columns in view.
    assert header == COLUMNS[: len(header)] and len(header) >= 3
