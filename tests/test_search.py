"""Search in every language (plugins/search, sitetools/search.py, theme/static/js/search.js).

The built site: a search page in every language, linked from every page's
navigation, listing every piece of its language by section for readers
without scripts; the index mark on the pieces only.  The published site:
Pagefind's index holds exactly the pieces of each language and is covered
by the manifest and SHA256SUMS; scripts run on the search pages only, under
their own policy, which a parser checks on every page.  `invoke build`
writes the index, and a failed index build leaves the output as it was.
Chromium, under a sub-path: a word in each script finds its language's
pages, with no request leaving the copy; with scripts off and from file://
the list shows instead.
"""

import gzip
import hashlib
import json
import os
import posixpath
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chromium_helpers import chromium, watched  # noqa: F401  (fixture)
from test_browser import server  # noqa: F401  (fixture: the published site under a sub-path)
from conftest import (ROOT, bcp47, content_versions, copy_project, language_folders, language_of, metadata, pelicanconf,
                      resolve, run_invoke, search_pages as conftest_search_pages)

sys.path.insert(0, str(ROOT))
from sitetools.search import build_index  # noqa: E402
from search.plugin import DEFAULTS as SEARCH_DEFAULTS  # noqa: E402  (plugins/ is on the path: pelicanconf)

FOLDERS = language_folders()
SEARCH = {**SEARCH_DEFAULTS, **pelicanconf.SEARCH}
SEARCH_PAGES = {code: folder + SEARCH["page"] for code, folder in FOLDERS.items()}
SCRIPT = f"{pelicanconf.THEME_STATIC_DIR}/{SEARCH['script']}"
BUNDLE = SEARCH["bundle"]

# A word in each language, and a piece of the real content that holds it.
# The two Chinese words are the same word in the two scripts: 鎮壓 is written
# only in Traditional, 镇压 only in Simplified, and both sit inside longer
# runs of characters with no space, so finding them needs Chinese word
# segmentation (Pagefind's extended build).
WORDS = {
    "zh-hant": ("鎮壓", "statements/campaign-launch.html"),
    "zh-hans": ("镇压", "statements/campaign-launch.html"),
    "en": ("speakers", "statements/campaign-launch.html"),
    "de": ("Auftaktveranstaltung", "events/launch-meeting.html"),
    "es": ("presos", "write-to-prisoners.html"),
}


def piece_path(folder, slug):
    return f"{slug}.html" if folder in pelicanconf.PAGE_PATHS else f"{folder}/{slug}.html"


def pieces(content=ROOT / "content"):
    """{output path of a piece (within a language's folder): (section folder, slug)}."""
    return {piece_path(folder, slug): (folder, slug) for folder, slug in content_versions(content)}


def source_file(folder, slug, code):
    return ROOT / "content" / folder / f"{slug}.{code}.md"


def policy(soup):
    """The page's Content-Security-Policy, parsed: {directive: [source, ...]} (one <meta> only)."""
    metas = soup.find_all("meta", attrs={"http-equiv": lambda v: v and v.lower() == "content-security-policy"})
    assert len(metas) == 1, metas
    directives = {}
    for part in metas[0]["content"].split(";"):
        tokens = part.split()
        if tokens:
            assert tokens[0].lower() not in directives, metas[0]
            directives[tokens[0].lower()] = tokens[1:]
    return directives


def html_files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob("*.html"))


# ------------------------------------------------------------------ built site


def test_every_page_links_to_the_search_page_of_its_language(real_site):
    pages = real_site.files()
    assert all(path in pages for path in SEARCH_PAGES.values())
    for relpath in pages:
        nav = real_site.html(relpath).find("nav", class_="site-nav")
        assert nav is not None, relpath
        targets = [resolve(relpath, a["href"]) for a in nav.find_all("a")]
        assert SEARCH_PAGES[language_of(relpath)] in targets, relpath
    for code, path in SEARCH_PAGES.items():
        page = real_site.html(path)
        assert page.html["lang"] == bcp47(code)
        current = page.find("nav", class_="site-nav").find("a", attrs={"aria-current": "page"})
        assert resolve(path, current["href"]) == path


@pytest.mark.parametrize("code", list(FOLDERS))
def test_the_search_page_lists_every_piece_of_its_language_by_section(real_site, code):
    folder, path = FOLDERS[code], SEARCH_PAGES[code]
    index = real_site.html(path).find("section", class_="site-index")
    expected = pieces()
    sections = index.find_all("section", class_="site-index-section")
    found, order = {}, []
    for section in sections:
        heading = section.find("h3").get_text(strip=True)
        order.append(heading)
        for item in section.select("ul.item-list > li"):
            link = item.find("a")
            target = resolve(path, link["href"])
            assert target.startswith(folder) and (real_site.output / target).is_file(), (path, link)
            relative = target[len(folder):]
            assert relative not in found, (path, relative)
            found[relative] = heading
            # The title as the piece's page shows it, and the summary as its listing does.
            shown = real_site.html(target).find("article").find("h1").get_text(strip=True)
            assert link.get_text(strip=True) == shown, (path, relative)
            section_folder, slug = expected[relative]
            versions = content_versions()[(section_folder, slug)]
            if any(fields.get("summary") for fields in versions.values()):
                summary = item.find("div", class_="summary")
                assert summary is not None and summary.get_text(strip=True), (path, relative)
    assert set(found) == set(expected), (path, set(expected) ^ set(found))
    # Sections: the article sections in the navigation's order, then the pages.
    listing = {}
    for relative, (section_folder, _slug) in expected.items():
        listing.setdefault(section_folder, []).append(relative)
    article_sections = [s for s in pelicanconf.NAV_SECTIONS if s in listing]
    assert len(order) == len(article_sections) + (1 if any(s in pelicanconf.PAGE_PATHS for s in listing) else 0)
    for heading, section in zip(order, article_sections):
        assert all(found[relative] == heading for relative in listing[section]), (path, section)
    # Without scripts the box stays hidden and the note says why the list is there.
    box = real_site.html(path).find("div", class_="search-box")
    assert box.has_attr("hidden")
    assert real_site.html(path).find("p", class_="search-fallback").get_text(strip=True)


def test_only_the_article_of_each_piece_carries_the_index_mark(real_site):
    expected = {folder + relative for folder in FOLDERS.values() for relative in pieces()}
    marked = set()
    for relpath in real_site.files():
        page = real_site.html(relpath)
        bodies = page.find_all(attrs={"data-pagefind-body": True})
        if bodies:
            assert len(bodies) == 1 and bodies[0].name == "article", relpath
            marked.add(relpath)
    assert marked == expected, marked ^ expected


# -------------------------------------------------------------- the index itself


def fragments(site):
    """{Pagefind language: {url: fragment}} from the index's fragment files (gzip, JSON)."""
    found = {}
    for path in sorted((site / BUNDLE / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        language = path.name.split(".")[0].rsplit("_", 1)[0]
        assert fragment["url"] not in found.setdefault(language, {}), path
        found[language][fragment["url"]] = fragment
    return found


def test_the_index_holds_exactly_the_pieces_of_each_language(published):
    entry = json.loads((published / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    tags = {bcp47(code).lower(): code for code in FOLDERS}
    assert set(entry["languages"]) == set(tags)
    indexed = fragments(published)
    assert set(indexed) == set(tags)
    for tag, code in tags.items():
        wanted = {"/" + FOLDERS[code] + relative for relative in pieces()}
        assert set(indexed[tag]) == wanted, (code, set(indexed[tag]) ^ wanted)
        assert entry["languages"][tag]["page_count"] == len(wanted)
        for url, fragment in indexed[tag].items():
            # The main text only: not the navigation, switcher or footer around it.
            assert site_footer_text(published, code) not in fragment["content"], url
    # Pagefind's ready-made interfaces are not shipped: the site holds no script it does not run.
    scripts = sorted(p.relative_to(published).as_posix() for p in published.rglob("*.js"))
    assert scripts == sorted([SCRIPT, f"{BUNDLE}/pagefind.js", f"{BUNDLE}/pagefind-worker.js"])


def site_footer_text(site, code):
    footer = BeautifulSoup((site / FOLDERS[code] / "index.html").read_text(encoding="utf-8"), "html.parser")
    return footer.find("footer").find("p").get_text(" ", strip=True)


def test_the_manifest_and_sha256sums_cover_the_index(published):
    from sitecore.artefacts import read_sums

    bundle = sorted(p.relative_to(published).as_posix() for p in (published / BUNDLE).rglob("*") if p.is_file())
    assert f"{BUNDLE}/pagefind.js" in bundle and any(p.startswith(f"{BUNDLE}/fragment/") for p in bundle)
    manifest = {entry["path"]: entry["sha256"]
                for entry in json.loads((published / "manifest.json").read_text(encoding="utf-8"))["files"]}
    sums = read_sums(published / "SHA256SUMS")
    for rel in bundle:
        digest = hashlib.sha256((published / rel).read_bytes()).hexdigest()
        assert manifest.get(rel) == digest, rel
        assert sums.get(rel) == digest, rel


def test_fallback_copies_and_conversions_are_indexed_without_their_notices(build, tmp_path):
    """The multilang fixture has pieces missing in some languages (fallback copies, with their
    notice) and Chinese pieces in one script only (converted, with theirs)."""
    content = ROOT / "tests" / "fixtures" / "multilang" / "content"
    site = build(content)
    assert site.returncode == 0, site.log
    from pelican.settings import read_settings

    settings = read_settings(str(tmp_path / "testconf.py"))
    done = build_index(str(site.output), settings)
    assert set(done["pages"]) == set(FOLDERS)
    indexed = fragments(site.output)
    notices = fallbacks = conversions = 0
    for code, folder in FOLDERS.items():
        for url, fragment in indexed[bcp47(code).lower()].items():
            relpath = url.lstrip("/")
            assert relpath.startswith(folder), url
            article = site.html(relpath).find("article")
            for aside in article.find_all("aside", class_="notice"):
                notices += 1
                assert aside.has_attr("data-pagefind-ignore"), relpath
                assert aside.find("p").get_text(" ", strip=True)[:40] not in fragment["content"], relpath
                conversions += "converted" in aside["class"]
            if article.has_attr("lang"):
                fallbacks += 1
                assert fragment["meta"].get("original"), relpath
            else:
                assert "original" not in fragment["meta"], relpath
            assert fragment["meta"]["title"] == article.find("h1").get_text(strip=True), relpath
    assert notices and fallbacks and conversions, "the fixture no longer has fallbacks and conversions"


# --------------------------------------------------- scripts and policies, by parser


def test_scripts_run_on_the_search_pages_only_under_their_own_policy(published):
    search_pages = set(SEARCH_PAGES.values())
    assert search_pages == conftest_search_pages()
    seen = set()
    for relpath in html_files(published):
        soup = BeautifulSoup((published / relpath).read_text(encoding="utf-8"), "html5lib")
        csp = policy(soup)
        assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], relpath
        assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'none'"], relpath
        scripts = soup.find_all("script")
        if relpath in search_pages:
            seen.add(relpath)
            assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"], relpath
            assert len(scripts) == 1 and not scripts[0].string, relpath
            assert resolve(relpath, scripts[0]["src"]) == SCRIPT and (published / SCRIPT).is_file(), relpath
            assert not scripts[0].get("type") and scripts[0].has_attr("defer"), relpath
        else:
            assert csp["script-src"] == ["'none'"], relpath
            # JSON-LD data blocks are never executed (events pages).
            assert all(s.get("type") == "application/ld+json" and not s.get("src") for s in scripts), relpath
        # No inline handler anywhere.
        for element in soup.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], (relpath, element.name)
    assert seen == search_pages


# ------------------------------------------------------------- invoke build


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_invoke_build_writes_the_index_and_a_failed_index_build_keeps_the_old_output(tmp_path):
    project = copy_project(tmp_path / "project")
    result = run_invoke(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    output = project / "output"
    assert (output / BUNDLE / "pagefind-entry.json").is_file()
    assert f"search: indexed {len(pieces()) * len(FOLDERS)} pages in {len(FOLDERS)} languages" in result.stdout
    before = tree_digest(output)
    # Pagefind itself fails: a stand-in module of the same name, earlier on the path, exits 3.
    stand_in = tmp_path / "stand-in" / "pagefind_bin_extended"
    stand_in.mkdir(parents=True)
    (stand_in / "__init__.py").write_text("")
    (stand_in / "__main__.py").write_text("import sys\nprint('cannot index', file=sys.stderr)\nsys.exit(3)\n")
    result = run_invoke(project, "build", env={"PYTHONPATH": str(stand_in.parent)})
    assert result.returncode != 0
    assert "search: Pagefind failed (exit status 3):\ncannot index" in result.stderr
    assert tree_digest(output) == before
    # The bundle's folder name is taken by the site's own files.
    conf = project / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace("SEARCH = {}", 'SEARCH = {"bundle": "theme"}'),
                    encoding="utf-8")
    result = run_invoke(project, "build")
    assert result.returncode != 0
    assert "the site itself has a file or folder named 'theme'" in result.stderr
    assert tree_digest(output) == before


# ---------------------------------------------------------------- in Chromium


def result_links(page):
    return page.eval_on_selector_all(".search-results a", "links => links.map(a => a.href)")


def search(page, word):
    page.wait_for_selector(".search-box:not([hidden])")
    page.fill("#search-input", word)
    page.wait_for_selector(".search-status:not(:empty)")
    page.wait_for_load_state("networkidle")


def test_a_word_in_each_script_finds_pages_of_its_language(chromium, server):
    assert set(WORDS) <= set(FOLDERS)
    context = chromium.new_context()
    page, watcher = watched(context, server)
    others = [folder for folder in FOLDERS.values() if folder]
    for code, (word, piece) in WORDS.items():
        folder, slug = pieces()[piece]
        text = source_file(folder, slug, code).read_text(encoding="utf-8")
        assert word in text, (code, word)
        watcher.page = SEARCH_PAGES[code]
        page.goto(server + SEARCH_PAGES[code], wait_until="load")
        search(page, word)
        links = result_links(page)
        assert server + FOLDERS[code] + piece in links, (code, word, links)
        for link in links:
            assert link.startswith(server + FOLDERS[code]), (code, link)
            inside = link[len(server):]
            if not FOLDERS[code]:
                assert not any(inside.startswith(other) for other in others), (code, link)
            assert posixpath.normpath(inside) == inside and (inside[len(FOLDERS[code]):] in pieces()), link
        assert page.locator(".search-results mark").count() >= 1, code
    # The same word in the other script is another word: each index holds its own script.
    zh = [code for code in ("zh-hant", "zh-hans") if code in WORDS]
    for code, other in zip(zh, reversed(zh)):
        assert WORDS[other][0] not in source_file(*pieces()[WORDS[code][1]], code).read_text(encoding="utf-8")
    # A result opens its page, in its language.
    page.goto(server + SEARCH_PAGES["zh-hant"], wait_until="load")
    search(page, WORDS["zh-hant"][0])
    page.locator(".search-results a").first.click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == bcp47("zh-hant")
    context.close()
    assert watcher.problems == []


def assert_fallback_shows(page, code):
    assert not page.locator(".search-box").is_visible(), code
    assert page.locator(".search-fallback").is_visible(), code
    links = page.locator(".site-index .item-list a")
    assert links.count() == len(pieces()), code
    assert links.first.is_visible(), code


def test_without_javascript_the_search_page_lists_every_piece(chromium, server):
    context = chromium.new_context(java_script_enabled=False)
    page, watcher = watched(context, server)
    for code, path in SEARCH_PAGES.items():
        watcher.page = path
        page.goto(server + path, wait_until="load")
        assert_fallback_shows(page, code)
    context.close()
    assert watcher.problems == []


def test_from_file_url_the_search_page_lists_every_piece(chromium, published):
    base = published.resolve().as_uri() + "/"
    context = chromium.new_context()
    page, watcher = watched(context, base)
    for code, path in SEARCH_PAGES.items():
        watcher.page = path
        page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        assert_fallback_shows(page, code)
    context.close()
    assert watcher.problems == []


def test_results_show_titles_and_excerpts_as_text(chromium, build, tmp_path):
    """Titles that look like markup (the metadata_text fixture) come back from the index as text:
    the results show them literally, and nothing of them becomes an element or runs."""
    import threading
    from functools import partial
    from http.server import ThreadingHTTPServer

    from pelican.settings import read_settings
    from test_browser import PREFIX, MirrorHandler

    site = build(ROOT / "tests" / "fixtures" / "metadata_text" / "content")
    assert site.returncode == 0, site.log
    build_index(str(site.output), read_settings(str(tmp_path / "testconf.py")))
    title = metadata(ROOT / "tests" / "fixtures" / "metadata_text" / "content" / "statements" / "fish.en.md")["title"]
    assert "<script>" in title
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(MirrorHandler, root=site.output))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    try:
        context = chromium.new_context()
        page, watcher = watched(context, base)
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        watcher.page = SEARCH_PAGES["en"]
        page.goto(base + SEARCH_PAGES["en"], wait_until="load")
        search(page, "chips")
        texts = page.eval_on_selector_all(".search-results > li > a", "links => links.map(a => a.textContent)")
        assert title in texts, texts
        elements = page.eval_on_selector_all(".search-results *", "all => all.map(e => e.tagName.toLowerCase())")
        assert set(elements) <= {"li", "a", "p", "mark", "span"}, elements
        context.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert dialogs == [] and watcher.problems == []
