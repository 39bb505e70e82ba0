"""Every statement, background piece, event and page prints cleanly from the browser.

theme/static/css/site.css, `@media print`: no navigation (the footer's list of
other addresses stays: on paper it says where else to find the site), black
on white even in a dark scheme, and the target of every link of the text
written after the link.  Checked in Chromium with print media on every piece
in every language, and on paper: Chromium prints pieces to PDF and
`pdftotext` (Debian's poppler-utils) reads them back.
"""

import re
import shutil
import subprocess

import pytest

from chromium_helpers import chromium, watched  # noqa: F401  (fixture)
from conftest import content_versions, language_folders, pelicanconf

FOLDERS = language_folders()

# Every element of the page that is navigation, and whether print shows it.
NAVIGATION = """() => Array.from(document.querySelectorAll('nav, .skip-link'), element =>
    [element.className, getComputedStyle(element).display])"""
# Each link of the main text: its href, its text and what print writes after it.
LINKS = """() => Array.from(document.querySelectorAll('main a[href]'), a =>
    [a.getAttribute('href'), a.textContent, getComputedStyle(a, '::after').content])"""
COLOURS = """() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color,
    getComputedStyle(document.querySelector('main a[href]') || document.body).color]"""


def pieces():
    """Output path (within a language folder) of every piece, by section folder."""
    found = {}
    for folder, slug in sorted(content_versions()):
        found.setdefault(folder, []).append(f"{slug}.html" if folder in pelicanconf.PAGE_PATHS else f"{folder}/{slug}.html")
    return found


def every_piece():
    return [path for paths in pieces().values() for path in paths]


def test_the_content_has_every_kind_of_piece():
    sections = set(pieces())
    assert set(pelicanconf.PAGE_PATHS) <= sections
    assert {"statements", "background", "events"} <= sections


def test_every_piece_prints_without_navigation_and_with_link_targets(chromium, published):
    base = published.resolve().as_uri() + "/"
    context = chromium.new_context()
    page, watcher = watched(context, base)
    page.emulate_media(media="print")
    targets = 0
    for folder in FOLDERS.values():
        for path in every_piece():
            watcher.page = folder + path
            page.goto(base + folder + path, wait_until="load")
            navigation = page.evaluate(NAVIGATION)
            assert navigation, path
            for name, display in navigation:
                assert display == ("block" if name == "footer-mirrors" else "none"), (folder + path, name)
            for href, text, after in page.evaluate(LINKS):
                if href.startswith("#"):
                    assert after == "none", (folder + path, href)  # footnotes and anchors: nothing to print
                else:
                    assert after == f'" ({href})"', (folder + path, href, text)
                    targets += 1
            assert page.evaluate(COLOURS) == ["rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 0)"], path
    context.close()
    assert targets, "no piece has a link: the rule above checked nothing"
    assert watcher.problems == []


def test_print_is_black_on_white_in_a_dark_scheme(chromium, published):
    base = published.resolve().as_uri() + "/"
    context = chromium.new_context(color_scheme="dark")
    page = context.new_page()
    for folder in FOLDERS.values():
        for paths in pieces().values():
            page.emulate_media(media="screen", color_scheme="dark")
            page.goto(base + folder + paths[0], wait_until="load")
            screen = page.evaluate(COLOURS)
            assert screen[0] != "rgb(255, 255, 255)", "the dark scheme is not dark: this test checks nothing"
            page.emulate_media(media="print", color_scheme="dark")
            assert page.evaluate(COLOURS) == ["rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 0)"], paths[0]
    context.close()


def test_on_paper_links_show_their_targets_and_the_navigation_is_gone(chromium, published, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install the Debian package poppler-utils (./dev.sh test does)")
    base = published.resolve().as_uri() + "/"
    context = chromium.new_context()
    page = context.new_page()
    checked = 0
    for code, folder in FOLDERS.items():
        for path in every_piece():
            page.goto(base + folder + path, wait_until="load")
            links = [(href, text) for href, text, _after in page.evaluate(LINKS) if not href.startswith("#")]
            if not links:
                continue
            switcher = page.eval_on_selector_all("nav.languages a", "links => links.map(a => a.textContent.trim())")
            sections = page.eval_on_selector_all("nav.site-nav a", "links => links.map(a => a.textContent.trim())")
            body = page.locator("article").inner_text()
            pdf = tmp_path / f"{code}-{path.replace('/', '-')}.pdf"
            page.pdf(path=str(pdf), format="A4")
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout
            flat = re.sub(r"\s+", "", text)
            for href, label in links:
                assert re.sub(r"\s+", "", f"{label} ({href})") in flat, (folder + path, href)
            # Navigation labels are absent unless the text itself says them.
            for label in switcher + sections:
                if label not in body:
                    assert re.sub(r"\s+", "", label) not in flat, (folder + path, label)
            checked += 1
            break  # one piece with links per language is enough on paper
    context.close()
    assert checked == len(FOLDERS)
