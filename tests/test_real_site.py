"""The campaign's real content builds in every language of the table with --fatal warnings.

The rules hold whatever the content is: every piece of content/ has a page
in every language, in that language where a file exists, every link
resolves, and the only links to other hosts are those the settings, the
mirror list and the content give.
"""

import re

import pytest

from conftest import (ROOT, assert_no_dangling_links, content_versions, internal_links, language_folders, metadata,
                      pelicanconf, resolve, search_pages)

FOLDERS = language_folders()
OUTBOUND = re.compile(r"""(?:https?://|mailto:)[^\s)<>"'\]]+""")


def pieces():
    """{output path of a piece: set of languages with a file} for every content file."""
    found = {}
    for (folder, slug), versions in content_versions().items():
        page = f"{slug}.html" if folder in pelicanconf.PAGE_PATHS else f"{folder}/{slug}.html"
        found[page] = set(versions)
    return found


def listings():
    """The home page and the listing of each article section that has content."""
    sections = {folder for folder, _slug in content_versions()}
    return ["index.html", *(f"{section}/index.html" for section in pelicanconf.ARTICLE_PATHS if section in sections)]


@pytest.fixture
def site(real_site):
    return real_site


def test_the_rules_below_see_every_content_file():
    found = pieces()
    assert found, "no content: the rules below would check nothing"
    files = [p for folder in (*pelicanconf.ARTICLE_PATHS, *pelicanconf.PAGE_PATHS)
             for p in (ROOT / "content" / folder).glob("*.md") if metadata(p).get("status") != "draft"]
    assert sum(len(langs) for langs in found.values()) == len(files)


def converted_into(code, langs):
    """True when zh_convert makes this language's version from one of `langs`."""
    target = pelicanconf.ZH_CONVERT["targets"].get(code)
    return target is not None and target["from"] in langs


@pytest.mark.parametrize("code", list(FOLDERS))
def test_every_piece_has_a_page_in_every_language(site, code):
    """Native and up to date where the language has a file; else marked as a fallback or a conversion."""
    prefix = FOLDERS[code]
    for page_path, langs in pieces().items():
        page = site.html(prefix + page_path)
        article = page.find("article")
        notices = [" ".join(aside["class"]) for aside in article.find_all("aside", class_="notice")]
        if code in langs:
            assert notices == [], (prefix + page_path, notices)
            assert not article.has_attr("lang"), prefix + page_path
        elif converted_into(code, langs):
            assert notices == ["notice converted"], (prefix + page_path, notices)
        else:
            assert notices == ["notice"], (prefix + page_path, notices)
            assert article["lang"] != pelicanconf.LANGUAGES[code]["bcp47"], prefix + page_path
    for listing in listings():
        assert site.html(prefix + listing).find("aside", class_="notice") is None, prefix + listing


def test_no_dangling_internal_links(site):
    assert_no_dangling_links(site)


def configured_links():
    """Outbound links the settings give: social accounts and campaign addresses that are filled in."""
    links = set()
    for account in pelicanconf.SOCIAL:
        url = account.get("url") or pelicanconf.CAMPAIGN.get(account.get("url_setting", ""), "")
        if url:
            links.add(url)
    for key, value in pelicanconf.CAMPAIGN.items():
        if value and key.endswith("_url"):
            links.add(value)
    if pelicanconf.CAMPAIGN.get("email"):
        links.add("mailto:" + pelicanconf.CAMPAIGN["email"])
    return links


def written_links():
    """Outbound addresses written in the content: its Markdown and the mirror list."""
    links = set()
    for path in (ROOT / "content").rglob("*"):
        if path.is_file() and path.suffix in (".md", ".yml"):
            links.update(OUTBOUND.findall(path.read_text(encoding="utf-8")))
    return links


def test_outbound_links_are_only_those_the_seed_gives(site):
    seen = set()
    for relpath in site.files():
        for _element, href in internal_links(site.html(relpath)):
            if resolve(relpath, href) is None and not href.startswith("#"):
                seen.add(href)
    configured = configured_links()
    assert configured, "the settings give social links"
    assert configured <= seen, configured - seen
    assert seen <= configured | written_links(), seen - configured - written_links()


def test_social_accounts_on_follow_us_in_every_language(site):
    for prefix in FOLDERS.values():
        text = site.html(prefix + "follow-us.html").find("main").text
        for account in pelicanconf.SOCIAL:
            assert account["account"] in text, prefix


def test_no_script_iframe_or_remote_asset(site):
    searching = search_pages()
    for relpath in site.files():
        page = site.html(relpath)
        # The only script elements allowed are schema.org JSON-LD data blocks
        # (event pages): inline, never executed, nothing loaded; and on the
        # search pages their one script, a file of the site's theme.
        scripts = page.find_all("script")
        if relpath in searching:
            assert len(scripts) == 1 and not scripts[0].string, relpath
            src = resolve(relpath, scripts[0]["src"])
            assert src and src.startswith(pelicanconf.THEME_STATIC_DIR + "/") and src.endswith(".js"), relpath
            scripts = []
        for script in scripts:
            assert script.get("type") == "application/ld+json" and not script.get("src"), f"{relpath}: {script}"
        assert page.find("iframe") is None, relpath
        for element in page.find_all(["link", "img"]):
            url = element.get("href") or element.get("src") or ""
            if element.name == "link" and "alternate" not in element.get("rel", []) and "icon" not in element.get("rel", []) and "stylesheet" not in element.get("rel", []):
                continue
            assert not url.startswith(("http:", "https:", "//")), f"{relpath}: {element}"
