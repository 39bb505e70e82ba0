"""Feeds and 404 pages that work from any copy (plugins/portable)."""

import re
import xml.etree.ElementTree as ET

from conftest import resolve

ATOM = "{http://www.w3.org/2005/Atom}"
EPOCH = "1717243200"  # 2024-06-01T12:00:00Z


def links_of(feed_text):
    root = ET.fromstring(feed_text)
    links = [link.get("href") for link in root.iter(ATOM + "link")]
    for content in root.iter(ATOM + "content"):
        links += re.findall(r'href="([^"]*)"', content.text or "")
    return root, links


def test_feed_links_are_relative_to_the_feed_and_resolve(build):
    result = build("portable", base="publishconf.py", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.log
    for feed, expected in (("feeds/all.atom.xml", "../info.html"), ("de/feeds/all.atom.xml", "../info.html")):
        root, links = links_of((result.output / feed).read_text(encoding="utf-8"))
        assert expected in links, (feed, links)
        for href in links:
            assert not href.startswith(("/", "http:", "https:")), (feed, href)
            assert (result.output / resolve(feed, href)).is_file(), (feed, href)
        ids = [element.text for element in root.iter(ATOM + "id")]
        assert ids and all(i.startswith("urn:uuid:") for i in ids), ids
    # The German feed holds the German item only, linking to the German copy.
    root, links = links_of((result.output / "de/feeds/all.atom.xml").read_text(encoding="utf-8"))
    assert [t.text for t in root.iter(ATOM + "title")][1:] == ["Erste Erklärung"]


def test_an_empty_feed_is_dated_by_source_date_epoch(build):
    result = build("portable", "ARTICLE_PATHS = ['nothing-here']\n", base="publishconf.py",
                   env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.log
    root = ET.fromstring((result.output / "feeds/all.atom.xml").read_text(encoding="utf-8"))
    assert root.find(ATOM + "updated").text == "2024-06-01T12:00:00+00:00"
    assert root.find(ATOM + "entry") is None


def test_a_404_page_in_every_folder_with_links_for_that_folder(build):
    result = build("portable")
    assert result.returncode == 0, result.log
    for page in ("404.html", "statements/404.html", "de/404.html", "de/statements/404.html"):
        soup = result.html(page)
        for element in soup.find_all(["a", "link"]):
            href = element.get("href")
            target = resolve(page, href)
            if target is not None:
                assert (result.output / target).is_file(), (page, href)
        assert soup.find("style") is not None and soup.find("link", rel="stylesheet") is None, page
        csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "style-src 'sha256-" in csp and "default-src 'self'" in csp, page


def test_the_stylesheet_reaches_readers_without_its_comments(build):
    """Every rule of the theme's stylesheet, none of its comments (the 404
    pages inline the same text, under their policy's hash)."""
    import base64
    import hashlib

    from conftest import ROOT

    result = build("portable")
    assert result.returncode == 0, result.log
    source = (ROOT / "theme" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    shipped = (result.output / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    assert "/*" in source and "/*" not in shipped and "*/" not in shipped
    uncommented = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    assert [line.rstrip() for line in uncommented.splitlines() if line.strip()] == shipped.splitlines()
    assert 'content: " (" attr(href) ")"' in shipped  # quoted text is kept as it is
    soup = result.html("404.html")
    assert soup.find("style").string == shipped
    digest = base64.b64encode(hashlib.sha256(shipped.encode("utf-8")).digest()).decode("ascii")
    assert f"'sha256-{digest}'" in soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
