"""The offline library copy: site.zim, as `invoke publish` writes it, read by Kiwix.

The ZIM of the published real site is read back with libzim's own reader
(entries, metadata in every language, illustration) and served by Debian's
``kiwix-serve`` on 127.0.0.1, through which headless Chromium crawls the
whole site: every page reachable, no dead internal link, no request to any
other host.  Kiwix's own full-text search is queried too: it proves that the
indexes are whole after publish gave them reproducible identifiers.
"""

import json
import socket
import subprocess
import time
import unicodedata
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urldefrag, urlsplit
from urllib.request import urlopen

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from chromium_helpers import chromium  # noqa: F401  (fixture)
from conftest import PUBLISH_EPOCH, ROOT, language_folders, pelicanconf

SITE_NAME = "Solidarity Against Repression in China & Hong Kong"
DESCRIPTION = ("An international campaign to unite forces for solidarity and support, and to build resistance "
               "against the Chinese Communist Party's suppression of the democratic rights of Hong Kong and "
               "mainland China.")
BESIDE = {"SHA256SUMS", "SHA256SUMS.minisig", "site.zip", "site.tar.gz", "site.zim"}


def catalog_text(code, msgid):
    if code == pelicanconf.DEFAULT_LANG:
        return msgid
    locale = pelicanconf.LANGUAGES[code]["locale"]
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)[msgid].string


def archive(path):
    from libzim.reader import Archive

    return Archive(str(path))


def entries(zim):
    """{path: bytes} of every entry of the ZIM's content."""
    found = {}
    for number in range(zim.entry_count):
        entry = zim._get_entry_by_id(number)
        if not entry.is_redirect:
            found[entry.path] = bytes(entry.get_item().content)
    return found


def manifest_paths(site):
    return {entry["path"] for entry in json.loads((site / "manifest.json").read_text(encoding="utf-8"))["files"]}


# ------------------------------------------------------------ the file

def test_the_zim_is_on_every_copies_page_and_in_sha256sums_but_not_in_the_manifest(published):
    for code, folder in language_folders().items():
        page = BeautifulSoup((published / folder / "copies.html").read_text(encoding="utf-8"), "html.parser")
        section = page.find("section", class_="offline-files")
        assert section is not None, code
        (link,) = section.find_all("a", href=True)
        assert (published / folder / link["href"]).resolve() == (published / "site.zim").resolve(), code
        assert link["type"] == "application/x-zim"
    assert "SHA256 (site.zim) = " in (published / "SHA256SUMS").read_text(encoding="utf-8")
    assert "site.zim" not in manifest_paths(published)


def test_the_zim_holds_every_site_file_and_the_manifest_byte_for_byte(published):
    """Except that links to files published beside a copy (which no ZIM can hold) become plain text,
    CANONICAL_URL being empty."""
    held = entries(archive(published / "site.zim"))
    assert set(held) == manifest_paths(published) | {"manifest.json"}
    changed = []
    for path, data in sorted(held.items()):
        original = (published / path).read_bytes()
        if data == original:
            continue
        changed.append(path)
        assert path.endswith(".html"), path
        before = BeautifulSoup(original.decode("utf-8"), "html.parser")
        after = BeautifulSoup(data.decode("utf-8"), "html.parser")
        assert after.get_text() == before.get_text(), path
        links = lambda soup: [a.get("href") for a in soup.find_all("a")]  # noqa: E731
        unlinked = [href for href, new in zip(links(before), links(after)) if href != new]
        assert unlinked and all(Path(href).name in BESIDE for href in unlinked), (path, unlinked)
        assert not [href for href in links(after) if href and Path(href).name in BESIDE], path
    # The verify and copies pages of every language, nothing else.
    pages = {pelicanconf.INTEGRITY["verify_page"] + ".html", pelicanconf.INTEGRITY["copies_page"] + ".html"}
    assert sorted(changed) == sorted(folder + page for folder in language_folders().values() for page in pages)


def test_metadata_in_every_language_from_the_catalogs(published):
    import pycountry

    zim = archive(published / "site.zim")
    meta = {key: zim.get_metadata(key) for key in zim.metadata_keys}
    for code, entry in pelicanconf.LANGUAGES.items():
        assert meta[f"Title-{entry['bcp47']}"].decode() == catalog_text(code, SITE_NAME), code
        assert meta[f"Description-{entry['bcp47']}"].decode() == catalog_text(code, DESCRIPTION), code
        assert catalog_text(code, DESCRIPTION) in meta["LongDescription"].decode(), code
    main = pelicanconf.DEFAULT_LANG
    assert meta["Title"].decode() == catalog_text(main, SITE_NAME)
    assert meta["Description"].decode() == catalog_text(main, DESCRIPTION)
    assert meta["Creator"].decode() == meta["Publisher"].decode() == catalog_text(main, SITE_NAME)
    codes = []
    for entry in pelicanconf.LANGUAGES.values():
        alpha3 = pycountry.languages.get(alpha_2=Locale.parse(entry["locale"]).language).alpha_3
        if alpha3 not in codes:
            codes.append(alpha3)
    assert meta["Language"].decode().split(",") == codes
    assert meta["Date"].decode() == time.strftime("%Y-%m-%d", time.gmtime(int(PUBLISH_EPOCH)))
    assert "Source" not in meta  # no CANONICAL_URL: no address is invented
    assert zim.main_entry.get_item().path == "index.html"
    assert zim.has_illustration(48) and [key for key in meta if key.startswith("Illustration")] == ["Illustration_48x48@1"]
    committed = (ROOT / "theme" / "offline" / "illustration-48.png").read_bytes()
    assert bytes(zim.get_illustration_item(48).content) == committed
    assert zim.has_fulltext_index and zim.has_title_index and zim.check()


def test_two_publishes_give_the_same_zim_bytes(published_pair):
    first, second = published_pair
    assert (first / "site.zim").read_bytes() == (second / "site.zim").read_bytes()
    assert archive(first / "site.zim").uuid == archive(second / "site.zim").uuid


def test_without_a_full_text_index_every_core_writes_the_same_bytes(tmp_path):
    """OFFLINE["index"] False: libzim compresses clusters on several threads; the file is the same."""
    import datetime
    import random

    from sitetools.zim import write_zim

    site = tmp_path / "site"
    site.mkdir()
    words = "solidarity repression campaign workers youth vigil letters prisoners copy mirror".split()
    members = []
    for number in range(160):  # about 4 MB: several clusters for the threads to share
        text = " ".join(random.Random(number).choice(words) for _ in range(4000))
        (site / f"page-{number:03d}.html").write_text(
            f"<!DOCTYPE html><html><head><title>Page {number}</title></head><body><p>{text}</p></body></html>")
        members.append(f"page-{number:03d}.html")
    meta = {"index": False, "main_path": members[0], "name": "test", "canonical_url": "",
            "illustration_png": (ROOT / "theme" / "offline" / "illustration-48.png").read_bytes(),
            "languages": [{"code": "en", "bcp47": "en-GB", "iso639_3": "eng", "folder": "", "title": "t",
                           "description": "d"}]}

    class Build:
        time = datetime.datetime.fromtimestamp(int(PUBLISH_EPOCH), datetime.timezone.utc)

    made = []
    for workers in (1, 2, 4):
        target = tmp_path / f"{workers}.zim"
        write_zim(site, target, members, meta, Build, workers=workers)
        made.append(target.read_bytes())
    assert made[0] == made[1] == made[2]
    assert not archive(tmp_path / "1.zim").has_fulltext_index and archive(tmp_path / "4.zim").check()


def test_the_illustration_is_the_favicon_drawn_at_48_pixels(tmp_path):
    """The committed PNG must still look like theme/static/favicon.svg (`invoke zim-illustration`)."""
    import io

    from PIL import Image

    from sitetools.illustration import render_svg

    committed = Image.open(ROOT / "theme" / "offline" / "illustration-48.png").convert("RGBA")
    assert committed.size == (48, 48)
    fresh = Image.open(io.BytesIO(render_svg((ROOT / "theme" / "static" / "favicon.svg").read_bytes()))).convert("RGBA")
    difference = sum(abs(a - b) for p, q in zip(committed.get_flattened_data(), fresh.get_flattened_data()) for a, b in zip(p, q))
    assert difference / (48 * 48 * 4) < 2.0, "run `invoke zim-illustration` after changing the favicon"
    # A white check mark on the favicon's red square, not a blank image.
    assert committed.getpixel((24, 3)) == (0xB3, 0x00, 0x1B, 255)
    assert any(pixel == (255, 255, 255, 255) for pixel in committed.get_flattened_data())


# ------------------------------------------------------------ read by Kiwix

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def kiwix(published):
    """kiwix-serve (Debian kiwix-tools) serving the published site.zim on 127.0.0.1; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(["kiwix-serve", "--address", "127.0.0.1", "--port", str(port), "--nosearchbar",
                               str(published / "site.zim")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}/"
    try:
        for _attempt in range(100):
            try:
                with urlopen(root, timeout=2):  # loopback only
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("kiwix-serve exited; is Debian's kiwix-tools installed?")
                time.sleep(0.1)
        yield root + "site/"  # kiwix-serve names a book after its file
    finally:
        server.terminate()
        server.wait(timeout=10)


def site_links(site, pages):
    """Root-relative pages the site's own pages (404 pages aside) link to."""
    from conftest import resolve

    linked = set()
    for rel in pages:
        if Path(rel).name == "404.html":
            continue
        soup = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
        for anchor in soup.find_all("a", href=True):
            target = resolve(rel, anchor["href"])
            if target and target.endswith(".html"):
                linked.add(target)
    return linked


def test_chromium_crawls_the_whole_site_through_kiwix_serve(kiwix, chromium, published):
    pages = sorted(p for p in manifest_paths(published) if p.endswith(".html"))
    problems, visited, resources = [], set(), set()
    current = {"page": None}
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(kiwix))

    page = chromium.new_page()
    page.on("request", lambda request: request.url.startswith((kiwix, "data:")) or problems.append(
        f"{current['page']}: request outside the ZIM: {request.url}"))
    page.on("requestfailed", lambda request: request.failure == "net::ERR_ABORTED" or problems.append(
        f"{current['page']}: failed request {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status < 400 or problems.append(
        f"{current['page']}: HTTP {response.status} for {response.url}"))
    page.on("console", lambda message: message.type != "error" or problems.append(
        f"{current['page']}: console error: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"{current['page']}: page error: {error}"))

    def visit(rel):
        current["page"] = rel
        response = page.goto(kiwix + quote(rel), wait_until="load")
        assert response.status == 200, rel
        visited.add(rel)
        found = []
        for href in page.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)"):
            url = urldefrag(href)[0]
            if not url.startswith(origin):
                continue  # a link to another host: shown, never requested
            if not url.startswith(kiwix):
                problems.append(f"{rel}: link leaves the ZIM: {href}")
                continue
            target = url[len(kiwix):]
            if target.endswith(".html"):
                found.append(target)
            else:
                resources.add(target)
        return found

    queue, seen = ["index.html"], {"index.html"}
    while queue:
        for target in visit(queue.pop(0)):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    reached = set(visited)
    # Everything the site links to is reachable from the main page, and nothing more is needed.
    assert reached == site_links(published, pages) | {"index.html"}, sorted(reached ^ site_links(published, pages))
    # The rest (404 pages and what only they link to) is served too, with working links.
    for rel in pages:
        if rel not in visited:
            for target in visit(rel):
                if target not in visited and target not in pages:
                    problems.append(f"{rel}: dead link {target}")
    page.close()
    assert visited == set(pages)
    assert not (seen - set(pages)), f"dead links to pages: {sorted(seen - set(pages))}"
    for target in sorted(resources):
        try:
            with urlopen(kiwix + quote(target), timeout=10) as answer:  # loopback only
                assert answer.status == 200, target
        except HTTPError as exc:
            problems.append(f"dead link to {target}: HTTP {exc.code}")
    assert resources, "the crawl found no file links (PDFs, calendars, feeds)"
    assert problems == []


def in_language(rel, code):
    folders = language_folders()
    if folders[code]:
        return rel.startswith(folders[code])
    return not any(folder and rel.startswith(folder) for folder in folders.values())


def test_kiwix_full_text_search_finds_pages_in_their_language(kiwix):
    """The indexes are whole after publish set their identifiers: Kiwix finds each language's pages."""
    book = urlsplit(kiwix).path.strip("/")
    root = kiwix[: -len(book) - 1]
    for code in pelicanconf.LANGUAGES:
        name = catalog_text(code, SITE_NAME)
        word = name.split()[0] if " " in name else name[:2]  # Chinese has no spaces: its first word
        # libzim 9 indexes words without their accents; Debian's kiwix-serve 3.3 (libzim 8) does not
        # fold the query as newer readers do, so the test asks as the index holds the word.
        word = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        with urlopen(f"{root}search?content={book}&pattern={quote(word)}", timeout=10) as answer:  # loopback
            results = BeautifulSoup(answer.read().decode("utf-8"), "html.parser")
        found = [a["href"][len(book) + 2:] for a in results.find_all("a", href=True)
                 if a["href"].startswith(f"/{book}/")]
        assert any(in_language(rel, code) for rel in found), (code, word, found[:5])


# ------------------------------------------------------------ the pieces

def test_links_to_files_beside_the_copy_point_to_the_canonical_address_or_become_text():
    from sitetools.zim import rewrite_links

    page = ('<p><a href="../SHA256SUMS" type="text/plain">SHA256SUMS</a> '
            '<a class="x" href="../site.zip" download>site.zip</a> '
            '<a href="../manifest.json">manifest</a> <a href="https://elsewhere.example/site.zip">x</a>\n'
            '<a href="../statements/index.html#top">s</a></p>')
    absent = {"SHA256SUMS", "site.zip"}
    assert rewrite_links("de/verify.html", page, absent, "https://campaign.example") == (
        '<p><a href="https://campaign.example/SHA256SUMS" type="text/plain">SHA256SUMS</a> '
        '<a class="x" href="https://campaign.example/site.zip">site.zip</a> '
        '<a href="../manifest.json">manifest</a> <a href="https://elsewhere.example/site.zip">x</a>\n'
        '<a href="../statements/index.html#top">s</a></p>')
    assert rewrite_links("de/verify.html", page, absent, "") == (
        '<p><a>SHA256SUMS</a> <a class="x">site.zip</a> '
        '<a href="../manifest.json">manifest</a> <a href="https://elsewhere.example/site.zip">x</a>\n'
        '<a href="../statements/index.html#top">s</a></p>')
    assert rewrite_links("index.html", page, absent, "") is None  # ../ leaves the site: not these files


@pytest.mark.parametrize("page, href, target", [
    ("de/verify.html", "../SHA256SUMS", "SHA256SUMS"),
    ("verify.html", "./site.zip?x=1#y", "site.zip"),
    ("verify.html", "https://host.example/site.zip", None),
    ("verify.html", "//host.example/site.zip", None),
    ("verify.html", "mailto:a@example.org", None),
    ("verify.html", "#top", None),
    ("index.html", "../outside.html", None),
])
def test_link_targets(page, href, target):
    from sitetools.zim import link_target

    assert link_target(page, href) == target
