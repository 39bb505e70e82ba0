"""The published site in headless Chromium: under a deep sub-path over HTTP and from file://.

Every page of the real site, served on 127.0.0.1 under /mirror/a/b/, must
load with no request leaving the copy, no failed request and no console
error; a sample of pages in every language must do the same from file://,
both from the output and from the unpacked offline bundle.
"""

import posixpath
import shutil
import threading
import zipfile
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, bcp47, content_versions, language_folders, pelicanconf, search_pages

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PREFIX = "/mirror/a/b/"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
         ".xml": "application/atom+xml", ".json": "application/json", ".zip": "application/zip",
         ".gz": "application/gzip", ".js": "text/javascript; charset=utf-8"}


def pieces():
    """Output path of every piece of the real content, by section: {folder: [path]}."""
    found = {}
    for folder, slug in sorted(content_versions()):
        page = f"{slug}.html" if folder in pelicanconf.PAGE_PATHS else f"{folder}/{slug}.html"
        found.setdefault(folder, []).append(page)
    return found


def sample():
    """Pages to open in every language: home, 404, verify and copies pages, and for each article
    section with content its listing, its 404 page and its first piece."""
    pages = ["index.html", "404.html",
             *(f"{pelicanconf.INTEGRITY[name]}.html" for name in ("verify_page", "copies_page"))]
    for section, paths in pieces().items():
        if section in pelicanconf.ARTICLE_PATHS:
            pages += [f"{section}/index.html", f"{section}/404.html", paths[0]]
    return pages


def languages():
    return list(language_folders().values())


class MirrorHandler(BaseHTTPRequestHandler):
    """Serves a folder under PREFIX like a shared host would, with one rule
    for missing files: answer 404 with the 404.html of the requested folder,
    or of its nearest ancestor that has one (the README's server set-up)."""

    def __init__(self, *args, root, **kwargs):
        self.root = root
        super().__init__(*args, **kwargs)

    def log_message(self, *args):
        pass

    def send(self, status, path):
        body = path.read_bytes() if path else b"not found"
        self.send_response(status)
        self.send_header("Content-Type", TYPES.get(path.suffix, "text/plain") if path else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(PREFIX):
            return self.send(404, None)
        rel = posixpath.normpath(path[len(PREFIX):] or ".")
        if rel.startswith(".."):
            return self.send(404, None)
        target = self.root / rel
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            return self.send(200, target)
        folder = posixpath.dirname(rel) if not (self.root / rel).is_dir() else rel
        while True:
            page = self.root / folder / "404.html"
            if page.is_file():
                return self.send(404, page)
            if folder in ("", "."):
                return self.send(404, None)
            folder = posixpath.dirname(folder)


@pytest.fixture(scope="module")
def server(published):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(MirrorHandler, root=published))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    httpd.shutdown()
    httpd.server_close()


class Watcher:
    """Collects what must never happen while a page loads."""

    def __init__(self, allowed_prefix):
        self.allowed_prefix = allowed_prefix
        self.problems = []
        self.page = None
        self.expect_404 = None

    def request(self, request):
        url = request.url
        if not url.startswith("data:") and not url.startswith(self.allowed_prefix):
            self.problems.append(f"{self.page}: request leaves the copy: {url}")

    def failed(self, request):
        # Moving on to the next page cancels a late icon fetch (ERR_ABORTED);
        # a missing file shows as an HTTP status, another host as a request.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"{self.page}: failed request {request.url} ({request.failure})")

    def response(self, response):
        if response.status >= 400 and response.url != self.expect_404:
            self.problems.append(f"{self.page}: HTTP {response.status} for {response.url}")

    def console(self, message):
        # Chromium logs the 404 status of the missing page itself as an error.
        expected = (message.location or {}).get("url") == self.expect_404 and "404" in message.text
        if message.type == "error" and not expected:
            self.problems.append(f"{self.page}: console error: {message.text}")

    def page_error(self, error):
        self.problems.append(f"{self.page}: page error: {error}")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (./dev.sh test does)")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS)
        yield context
        context.close()


def open_page(browser, allowed_prefix):
    watcher = Watcher(allowed_prefix)
    page = browser.new_page()
    page.on("request", watcher.request)
    page.on("requestfailed", watcher.failed)
    page.on("response", watcher.response)
    page.on("console", watcher.console)
    page.on("pageerror", watcher.page_error)
    return page, watcher


def html_pages(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


def test_every_page_under_a_deep_sub_path(browser, server, published):
    page, watcher = open_page(browser, server)
    pages = html_pages(published)
    every_piece = [path for paths in pieces().values() for path in paths]
    missing = [prefix + rel for prefix in languages() for rel in sample() + every_piece if prefix + rel not in pages]
    assert missing == []
    for rel in pages:
        watcher.page = rel
        response = page.goto(server + rel, wait_until="load")
        assert response.status == 200, rel
    page.close()
    assert watcher.problems == []


def test_missing_page_deep_in_a_language_folder_gets_a_working_404(browser, server):
    page, watcher = open_page(browser, server)
    url = server + "de/statements/no-such-statement.html"
    watcher.page, watcher.expect_404 = url, url
    response = page.goto(url, wait_until="load")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == bcp47("de")
    assert page.evaluate("document.styleSheets.length") == 1
    links = page.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)")
    page.close()
    assert watcher.problems == []
    internal = [link.split("#")[0] for link in links if link.startswith(server) and not link.startswith(url + "#")]
    assert server + "de/index.html" in internal
    for link in internal:
        with urlopen(link) as answer:  # loopback only: the test server
            assert answer.status == 200, link


def test_missing_page_in_an_unknown_folder_still_renders_styled(browser, server):
    """A folder the site does not have gets the root's 404 page at the wrong
    depth: its text and inline style still show, and nothing leaves the copy
    (only its icon, relative to the root, may miss)."""
    page, watcher = open_page(browser, server)
    url = server + "no/such/deep/folder/page.html"
    watcher.page, watcher.expect_404 = url, url
    response = page.goto(url, wait_until="load")
    assert response.status == 404
    assert page.evaluate("document.styleSheets.length") == 1
    # The theme's rule `.site-footer { border-top: 1px solid ... }` applies.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-footer')).borderTopStyle") == "solid"
    assert page.locator("h1").inner_text() == "Page not found"
    page.close()
    icon = server + "no/such/deep/folder/theme/favicon.svg"
    others = [p for p in watcher.problems if icon not in p]
    # Chromium logs the icon's 404 once more, as a console error.
    assert len(others) <= 1 and all("Failed to load resource" in p for p in others), others


def test_sample_of_every_language_from_file_url(browser, published):
    base = published.resolve().as_uri() + "/"
    page, watcher = open_page(browser, base)
    for prefix in languages():
        for rel in sample():
            watcher.page = prefix + rel
            page.goto(base + prefix + rel, wait_until="load")
            assert page.locator("main").count() == 1, prefix + rel
    page.close()
    assert watcher.problems == []


def test_index_of_the_unpacked_bundle_works_offline(browser, published, tmp_path):
    with zipfile.ZipFile(published / "site.zip") as packed:
        packed.extractall(tmp_path)
    site = tmp_path / "site"
    base = site.resolve().as_uri() + "/"
    page, watcher = open_page(browser, base)
    for prefix in languages():
        watcher.page = prefix + "index.html"
        page.goto(base + prefix + "index.html", wait_until="load")
        # Follow the first navigation link, as a reader would.
        page.locator("nav.site-nav a").first.click()
        page.wait_for_load_state("load")
        assert page.url.startswith(base) and page.url.endswith(".html"), page.url
    page.close()
    assert watcher.problems == []


def test_every_page_declares_csp_referrer_and_a_relative_icon(published):
    # The search pages (plugins/search) run their script and Pagefind's WebAssembly: that, and
    # nothing else, is what their policy allows (tests/test_search.py parses every page's).
    searching = search_pages()
    for rel in html_pages(published):
        soup = BeautifulSoup((published / rel).read_text(encoding="utf-8"), "html.parser")
        csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        scripts = "script-src 'self' 'wasm-unsafe-eval';" if rel in searching else "script-src 'none'"
        assert csp and "default-src 'self'" in csp["content"] and scripts in csp["content"], rel
        assert soup.find("meta", attrs={"name": "referrer", "content": "no-referrer"}), rel
        icon = soup.find("link", rel="icon")
        assert icon and not urlsplit(icon["href"]).netloc and not icon["href"].startswith("/"), rel
