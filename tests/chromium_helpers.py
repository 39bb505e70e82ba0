"""Headless Chromium for the search, print and phone tests: a browser whose contexts each test
sets up itself (scripts off, a phone's screen, print media), on Debian's /usr/bin/chromium
driven by Playwright, as in test_browser.py; and the published site served under a sub-path."""

import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from test_browser import CHROMIUM, CHROMIUM_ARGS, PREFIX, MirrorHandler, open_page


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (./dev.sh test does)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def sub_path(published):
    """The published site on 127.0.0.1 under PREFIX (/mirror/a/b/): its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(MirrorHandler, root=published))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    httpd.shutdown()
    httpd.server_close()


# A new page of a browser or context whose every request, failure and console error is recorded.
watched = open_page
