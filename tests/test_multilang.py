"""Every sub-site of the language table from one fixture: switcher, hreflang, lang/dir, fallbacks, dates.

The fixture has versions in en, zh-hant, de and es; every other language
of the table gets the fallback copies.
"""

import posixpath

import pytest

from conftest import assert_no_dangling_links, bcp47, language_folders, language_of, pelicanconf, resolve

FOLDERS = language_folders()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import FIXTURES, build_site

    result = build_site(tmp_path_factory.mktemp("multilang"), FIXTURES / "multilang" / "content")
    assert result.returncode == 0, result.log
    return result


def test_html_lang_and_dir_on_every_page(site):
    pages = site.files()
    assert len(pages) > 40
    for relpath in pages:
        html = site.html(relpath).html
        code = language_of(relpath)
        assert html["lang"] == bcp47(code), relpath
        assert html["dir"] == pelicanconf.LANGUAGES[code]["dir"], relpath
    # Every language of the table has its sub-site.
    for code, folder in FOLDERS.items():
        assert folder + "index.html" in pages, code


def switcher(site, relpath):
    nav = site.html(relpath).find("nav", class_="languages")
    return {a["hreflang"]: resolve(relpath, a["href"]) for a in nav.find_all("a")}


def test_switcher_links_reach_the_translated_page(site):
    links = switcher(site, "de/statements/alpha.html")
    # A language without a translation (es, and any other of the table): that language's home.
    expected = {bcp47(code): folder + "index.html" for code, folder in FOLDERS.items()}
    expected.update({
        bcp47("en"): "statements/alpha.html",
        bcp47("zh-hant"): "zh-hant/statements/alpha.html",
        # No zh-hans file: the version converted from zh-hant by zh_convert
        # (issue 6) counts as the zh-hans version.
        bcp47("zh-hans"): "zh-hans/statements/alpha.html",
        bcp47("de"): "de/statements/alpha.html",
    })
    assert links == expected
    assert links[bcp47("es")] == "es/index.html"
    # The native versions are the real translations, in their own language.
    assert site.html("zh-hant/statements/alpha.html").h1.text == "甲聲明"
    assert site.html("statements/alpha.html").h1.text == "Alpha statement"


def test_switcher_without_translation_goes_to_that_language_home(site):
    links = switcher(site, "es/statements/delta.html")
    expected = {bcp47(code): folder + "index.html" for code, folder in FOLDERS.items()}
    expected[bcp47("es")] = "es/statements/delta.html"
    assert links == expected


def test_switcher_on_listing_keeps_the_listing(site):
    links = switcher(site, "zh-hant/statements/index.html")
    assert links == {bcp47(code): folder + "statements/index.html" for code, folder in FOLDERS.items()}


def hreflang_set(site, relpath):
    head = site.html(relpath).head
    return {link["hreflang"]: resolve(relpath, link["href"]) for link in head.find_all("link", rel="alternate")}


def test_hreflang_complete_and_reciprocal(site):
    native = {
        bcp47("en"): "statements/alpha.html",
        bcp47("de"): "de/statements/alpha.html",
        bcp47("zh-hant"): "zh-hant/statements/alpha.html",
    }
    for relpath in native.values():
        assert hreflang_set(site, relpath) == native, relpath


def test_hreflang_on_listings_lists_every_language(site):
    alternates = hreflang_set(site, "de/index.html")
    assert alternates == {bcp47(code): folder + "index.html" for code, folder in FOLDERS.items()}


def test_missing_translation_notice_and_original(site):
    page = site.html("de/statements/beta.html")
    article = page.find("article")
    assert article["lang"] == bcp47("en")
    notice = article.find("aside", class_="notice")
    assert notice["lang"] == bcp47("de")
    assert "noch nicht ins Deutsche übersetzt" in notice.text
    assert "Englisch" in notice.text
    original = notice.find("a")
    assert resolve("de/statements/beta.html", original["href"]) == "statements/beta.html"
    assert "Beta body only in English." in article.text


def test_missing_translation_notice_for_non_english_original(site):
    page = site.html("background/gamma.html")
    article = page.find("article")
    assert article["lang"] == bcp47("zh-hant")
    notice = article.find("aside", class_="notice")
    assert notice["lang"] == bcp47("en")
    assert "Chinese (Traditional)" in notice.text
    assert resolve("background/gamma.html", notice.a["href"]) == "zh-hant/background/gamma.html"


def test_untranslated_items_listed_with_their_language(site):
    listing = site.html("de/statements/index.html")
    items = {li.a.text: li for li in listing.select("ul.item-list > li")}
    assert set(items) == {"Alpha-Erklärung", "Beta statement", "Declaración delta"}
    assert "(Englisch)" in items["Beta statement"].text
    assert items["Beta statement"].a["lang"] == bcp47("en")
    assert "(Spanisch)" in items["Declaración delta"].text


def test_translated_items_are_not_marked(site):
    listing = site.html("de/statements/index.html")
    alpha = [li for li in listing.select("ul.item-list > li") if li.a.text == "Alpha-Erklärung"][0]
    assert alpha.find("span", class_="orig-lang") is None
    assert not alpha.a.has_attr("lang")


def test_one_copy_per_slug_in_each_language(site):
    for prefix in FOLDERS.values():
        listing = site.html(prefix + "statements/index.html")
        slugs = [posixpath.basename(a["href"]) for a in listing.select("ul.item-list > li > a")]
        assert sorted(slugs) == ["alpha.html", "beta.html", "delta.html"], prefix


@pytest.mark.parametrize(
    "relpath,expected",
    [
        ("statements/alpha.html", "4 June 2024"),
        ("zh-hant/statements/alpha.html", "2024年6月4日"),
        ("zh-hans/statements/alpha.html", "2024年6月4日"),
        ("de/statements/alpha.html", "4. Juni 2024"),
        ("es/statements/alpha.html", "4 de junio de 2024"),
    ],
)
def test_dates_in_each_language(site, relpath, expected):
    time = site.html(relpath).find("p", class_="meta").time
    assert time.text == expected
    assert time["datetime"] == "2024-06-04"


def test_theme_strings_are_translated(site):
    assert site.html("zh-hant/index.html").find("a", class_="skip-link").text == "跳至內容"
    assert site.html("de/index.html").find("a", class_="skip-link").text == "Zum Inhalt springen"
    assert site.html("index.html").find("a", class_="skip-link").text == "Skip to content"


def test_no_link_points_to_a_missing_file(site):
    assert_no_dangling_links(site)


def test_file_names_give_slug_and_lang(site):
    # delta-meta.md says Slug: delta, Lang: es in its metadata; alpha.de.md only in its name.
    assert (site.output / "es/statements/delta.html").exists()
    assert site.html("de/statements/alpha.html").h1.text == "Alpha-Erklärung"
