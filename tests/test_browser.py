"""The published site in headless Chromium: under a deep sub-path over HTTP and from file://.

Issue 11 (the end of this file): what the pages say about time (ended events, dates, facts past
their Review-by date), trust (the key ID) and risk (the safety page), and text whose setting is empty.

Every page of the real site, served on 127.0.0.1 under /mirror/a/b/, must
load with no request leaving the copy, no failed request and no console
error; a sample of pages in every language must do the same from file://,
both from the output and from the unpacked offline bundle.
"""

import datetime
import posixpath
import re
import shutil
import threading
import zipfile
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from conftest import (FIXTURES, ROOT, bcp47, browser_running, build_site, content_versions, language_folders, metadata,
                      pelicanconf, run_invoke, search_pages)

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
    with browser_running(tmp_path_factory), sync_api.sync_playwright() as playwright:
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


# ------------------------------------------------------------ issue 11: time, trust and risk

READERS_EPOCH = "1777550400"  # 2026-04-30 12:00 UTC: fixture `soon` is after it, `over` and `checked` before
MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKER = re.compile(r"<!--\s*(if\s+[\w-]+|else|end)\s*-->")


def plain(text):
    """Markdown text as a reader sees it: links as their text, no heading marks, spaces folded."""
    return " ".join(MD_LINK.sub(r"\1", text).lstrip("#").split())


def visible(page):
    return " ".join(page.locator("main").inner_text().split())


def branches(path, name):
    """(text shown when `name` holds, text shown otherwise) of every condition on `name` in a content
    file, as plain text: inline conditions from their line, block conditions line by line."""
    shown, other = [], []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for line in lines:
        for match in re.finditer(rf"<!-- if {name} -->(.*?)(?:<!-- else -->(.*?))?<!-- end -->", line):
            shown.append(plain(MARKER.sub("", match[1])))
            if match[2]:
                other.append(plain(MARKER.sub("", match[2])))
    depth, side = 0, None
    for line in lines:
        stripped = line.strip()
        if depth == 0 and stripped == f"<!-- if {name} -->":
            depth, side = 1, shown
            continue
        if depth:
            if stripped.startswith("<!-- if "):
                depth += 1
            elif stripped == "<!-- end -->":
                depth -= 1
            elif stripped == "<!-- else -->" and depth == 1:
                side = other
            elif stripped and not MARKER.fullmatch(stripped) and (depth == 1 or side is shown):
                side.append(plain(stripped))
    return [t for t in shown if t], [t for t in other if t]


def content_file(folder, slug, code):
    return ROOT / "content" / folder / f"{slug}.{code}.md"


@pytest.fixture(scope="module")
def readers_server(tmp_path_factory):
    """The readers fixture (tests/fixtures/readers) built once at READERS_EPOCH with a donation link,
    served under the same deep sub-path."""
    site = build_site(tmp_path_factory.mktemp("readers-browser"), FIXTURES / "readers" / "content",
                      'CAMPAIGN = {**CAMPAIGN, "donation_url": "https://donate.example/"}\n',
                      env={"SOURCE_DATE_EPOCH": READERS_EPOCH})
    assert site.returncode == 0, site.log
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(MirrorHandler, root=site.output))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    httpd.shutdown()
    httpd.server_close()


def catalog_text(code, msgid, **values):
    """The theme's string in a language's catalog (English for the default language), filled in."""
    if code == pelicanconf.DEFAULT_LANG:
        return msgid % values
    locale = pelicanconf.LANGUAGES[code]["locale"]
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle).get(msgid).string % values


def test_the_ended_launch_meeting_reads_as_ended_in_every_language(browser, server):
    page, watcher = open_page(browser, server)
    for code, prefix in language_folders().items():
        watcher.page = prefix + "events/launch-meeting.html"
        page.goto(server + watcher.page, wait_until="load")
        source = content_file("events", "launch-meeting", code)
        start = datetime.date.fromisoformat(metadata(source)["event-start"][:10])
        locale = pelicanconf.LANGUAGES[code]["locale"]
        note = page.locator(".event-over")
        assert note.is_visible(), code
        assert " ".join(note.inner_text().split()) == catalog_text(
            code, "This event took place on %(date)s.", date=format_date(start, "full", locale=locale)), code
        text = visible(page)
        upcoming_only, _ = branches(source, "upcoming")
        assert upcoming_only, code  # the register and invite text is marked in the content
        for sentence in upcoming_only:
            assert sentence not in text, (code, sentence)
        assert page.locator(".event-details a").count() == 0, code  # no joining or registration link
        assert "–" not in page.locator(".when-local").inner_text(), code  # no end was invented
    page.close()
    assert watcher.problems == []


def test_an_upcoming_fixture_event_shows_its_registration_and_invitation(browser, readers_server):
    page, watcher = open_page(browser, readers_server)
    watcher.page = "events/soon.html"
    page.goto(readers_server + watcher.page, wait_until="load")
    assert page.locator(".event-over").count() == 0
    register = page.locator(".event-details a", has_text="Register")
    assert register.get_attribute("href") == "https://register.example/soon"
    text = visible(page)
    shown, _ = branches(FIXTURES / "readers" / "content" / "events" / "soon.en.md", "upcoming")
    assert "Please register in advance with the registration link above." in shown
    for sentence in shown:
        if sentence != "To register, ask the campaign.":  # the else branch of `register`
            assert sentence in text, sentence
    assert "To register, ask the campaign." not in text
    watcher.page = "events/over.html"
    page.goto(readers_server + watcher.page, wait_until="load")
    assert page.locator(".event-over").is_visible()
    assert page.locator(".event-details a").count() == 0 and "Invite your friends" not in visible(page)
    page.close()
    assert watcher.problems == []


def test_statements_background_and_pages_show_their_dates_in_every_language(browser, server):
    page, watcher = open_page(browser, server)
    checked = 0
    for (folder, slug), versions in sorted(content_versions().items()):
        if folder == "events":
            continue  # an event shows when it takes place instead
        for code, prefix in language_folders().items():
            fields = versions[code]
            rel = f"{slug}.html" if folder in pelicanconf.PAGE_PATHS else f"{folder}/{slug}.html"
            watcher.page = prefix + rel
            page.goto(server + watcher.page, wait_until="load")
            locale = pelicanconf.LANGUAGES[code]["locale"]
            published = page.locator(".dates time").first
            assert published.get_attribute("datetime") == fields["date"], watcher.page
            date = datetime.date.fromisoformat(fields["date"])
            assert " ".join(page.locator(".dates").inner_text().split()).startswith(
                catalog_text(code, "Published on %(date)s", date=format_date(date, "long", locale=locale))), watcher.page
            updated = page.locator(".dates .updated")
            if "modified" in fields:
                modified = datetime.date.fromisoformat(fields["modified"])
                assert updated.inner_text().strip() == catalog_text(
                    code, "updated on %(date)s", date=format_date(modified, "long", locale=locale)), watcher.page
            else:
                assert updated.count() == 0, watcher.page
            checked += 1
    page.close()
    assert watcher.problems == [] and checked >= 5 * len(language_folders())


def test_a_page_past_its_review_date_says_so_in_every_language(browser, readers_server):
    page, watcher = open_page(browser, readers_server)
    for code, prefix in language_folders().items():
        fields = metadata(FIXTURES / "readers" / "content" / "pages" / f"checked.{code}.md")
        watcher.page = prefix + "checked.html"
        page.goto(readers_server + watcher.page, wait_until="load")
        locale = pelicanconf.LANGUAGES[code]["locale"]
        checked = format_date(datetime.date.fromisoformat(fields["modified"]), "long", locale=locale)
        assert " ".join(page.locator(".review-due").inner_text().split()) == catalog_text(
            code, "This information was last checked on %(date)s and may be out of date.", date=checked), code
    watcher.page = "due-soon.html"  # not yet due: no notice
    page.goto(readers_server + watcher.page, wait_until="load")
    assert page.locator(".review-due").count() == 0
    page.close()
    assert watcher.problems == []
    result = run_invoke(ROOT, "check", "--path", str(FIXTURES / "readers" / "content"),
                        env={"SOURCE_DATE_EPOCH": READERS_EPOCH})
    assert result.returncode == 0
    assert "content/pages/due-soon.en.md:5: warning: Review-by 2026-05-10 is in 10 days" in result.stdout


def test_the_verify_page_shows_the_key_id_of_the_one_setting(browser, server, published, tmp_path):
    from integrity.plugin import read_public_key

    key_file = ROOT / "keys" / "minisign.pub"
    wanted = pelicanconf.INTEGRITY["key_id"].upper()
    assert read_public_key(str(key_file))["id"] == wanted
    page, watcher = open_page(browser, server)
    for prefix in language_folders().values():
        watcher.page = prefix + f"{pelicanconf.INTEGRITY['verify_page']}.html"
        page.goto(server + watcher.page, wait_until="load")
        assert page.locator(".key-id code").inner_text() == wanted, prefix
        assert wanted in page.locator("pre.public-key").inner_text()  # the key file's comment names it too
    page.close()
    assert watcher.problems == []
    # ... and the key shown by a copy is refused when taken from inside that copy.
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    shutil.copyfile(key_file, copy / "minisign.pub")
    result = run_invoke(ROOT, "verify", str(copy), "--public-key", str(copy / "minisign.pub"))
    assert result.returncode == 1 and "refusing the public key" in result.stdout


def test_the_safety_page_exists_in_every_language_and_is_linked_where_readers_act(browser, server):
    slug = pelicanconf.SAFETY_PAGE
    page, watcher = open_page(browser, server)
    for code, prefix in language_folders().items():
        title = metadata(content_file("pages", slug, code))["title"]
        places = [("index.html", "footer"), ("follow-us.html", "main"), ("write-to-prisoners.html", "main"),
                  ("support.html", "main"), ("events/index.html", "main")]
        for rel, region in places:
            watcher.page = prefix + rel
            page.goto(server + watcher.page, wait_until="load")
            link = page.locator(f"{region} a[href$='{slug}.html']").first
            assert link.is_visible(), (code, rel)
            link.click()
            page.wait_for_load_state("load")
            assert page.url == server + prefix + f"{slug}.html", (code, rel, page.url)
            assert page.locator("h1").inner_text() == title, (code, rel)
    page.close()
    assert watcher.problems == []


def test_a_sentence_whose_setting_is_empty_is_absent(browser, server, readers_server):
    assert not pelicanconf.CAMPAIGN["donation_url"] and not pelicanconf.CAMPAIGN["letter_instructions_url"]
    page, watcher = open_page(browser, server)
    for code, prefix in language_folders().items():
        for rel, name in (("support", "donation_url"), ("write-to-prisoners", "letter_instructions_url")):
            shown, otherwise = branches(content_file("pages", rel, code), name)
            assert shown and otherwise, (code, rel)
            watcher.page = prefix + rel + ".html"
            page.goto(server + watcher.page, wait_until="load")
            text = visible(page)
            assert all(sentence not in text for sentence in shown), (code, rel)
            assert all(sentence in text for sentence in otherwise), (code, rel)  # how to ask instead
    page.close()
    # With the setting filled in (the fixture's donation link), the sentence is there.
    page, watcher = open_page(browser, readers_server)
    watcher.page = "ask.html"
    page.goto(readers_server + watcher.page, wait_until="load")
    text = visible(page)
    assert "Become a monthly sustainer with the link below." in text
    assert "Ask the campaign how to become a sustainer." not in text
    assert "Write to us by e-mail." not in text and "Ask us through our accounts." in text
    page.close()
    assert watcher.problems == []
