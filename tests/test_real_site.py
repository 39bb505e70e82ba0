"""The campaign's real content builds in five languages with --fatal warnings."""

import pytest

from conftest import assert_no_dangling_links, internal_links, resolve

LANG_PREFIXES = ["", "zh-hant/", "zh-hans/", "de/", "es/"]
PIECES = [
    "statements/campaign-launch.html",
    "background/political-background.html",
    "events/launch-meeting.html",
    "support.html",
    "follow-us.html",
    "write-to-prisoners.html",
    "contact.html",
    "about.html",
    "index.html",
    "statements/index.html",
    "events/index.html",
]


@pytest.fixture
def site(real_site):
    return real_site


@pytest.mark.parametrize("prefix", LANG_PREFIXES)
def test_every_piece_native_in_every_language(site, prefix):
    for piece in PIECES:
        page = site.html(prefix + piece)
        assert page.find("aside", class_="notice") is None, prefix + piece


def test_no_dangling_internal_links(site):
    assert_no_dangling_links(site)


def test_outbound_links_are_only_those_the_seed_gives(site):
    allowed = {"https://twitter.com/SolidarityHKCN", "https://www.instagram.com/solidarity.china.hongkong/"}
    seen = set()
    for relpath in site.files():
        for _element, href in internal_links(site.html(relpath)):
            if resolve(relpath, href) is None and not href.startswith("#"):
                seen.add(href)
    assert seen == allowed


def test_social_accounts_on_follow_us_in_every_language(site):
    for prefix in LANG_PREFIXES:
        text = site.html(prefix + "follow-us.html").find("main").text
        for account in ("@SolidarityHKCN", "solidarity.china.hongkong",
                        "Solidarity against Repression in China & Hong Kong"):
            assert account in text, prefix


def test_no_script_iframe_or_remote_asset(site):
    for relpath in site.files():
        page = site.html(relpath)
        # The only script elements allowed are schema.org JSON-LD data blocks
        # (event pages): inline, never executed, nothing loaded.
        for script in page.find_all("script"):
            assert script.get("type") == "application/ld+json" and not script.get("src"), f"{relpath}: {script}"
        assert page.find("iframe") is None, relpath
        for element in page.find_all(["link", "img"]):
            url = element.get("href") or element.get("src") or ""
            if element.name == "link" and "alternate" not in element.get("rel", []) and "icon" not in element.get("rel", []) and "stylesheet" not in element.get("rel", []):
                continue
            assert not url.startswith(("http:", "https:", "//")), f"{relpath}: {element}"
