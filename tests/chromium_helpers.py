"""Headless Chromium for the search, print and phone tests: a browser whose contexts each test
sets up itself (scripts off, a phone's screen, print media), on Debian's /usr/bin/chromium
driven by Playwright, as in test_browser.py (whose `server` fixture serves the published site
under a sub-path)."""

from pathlib import Path

import pytest

from conftest import browser_running
from test_browser import CHROMIUM, CHROMIUM_ARGS, open_page


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (./dev.sh test does)")
    with browser_running(tmp_path_factory), sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# A new page of a browser or context whose every request, failure and console error is recorded.
watched = open_page
