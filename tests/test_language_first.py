"""The right language first.

deploy/nginx.conf, served by the real nginx (as in test_server_configs.py):
the bare root "/" redirects to the language folder the reader's
Accept-Language asks for, only there, without cookies, with
`Vary: Accept-Language`; every language of the table is covered.  The same
server gives the search pages and Pagefind's bundle their own policy, and
search works through it in Chromium.  And the English home page shows the
other languages' names, in their own scripts, on a phone's first screen.
"""

import ssl
import urllib.error
import urllib.request

import pytest

from chromium_helpers import chromium, watched  # noqa: F401  (fixture)
from conftest import bcp47, language_folders, pelicanconf
from test_server_configs import nginx_conf, start_nginx  # noqa: F401  (fixture)
from sitetools import deploy as deploytools

FOLDERS = language_folders()
DEFAULT = pelicanconf.DEFAULT_LANG
PHONE = {"width": 360, "height": 640}

# What the issue asks for, header by header; None: the English home page, no redirect.
ASKED = {
    "zh-HK": "zh-hant", "zh-TW": "zh-hant", "zh-Hant": "zh-hant",
    "zh-CN": "zh-hans", "zh-SG": "zh-hans", "zh-Hans": "zh-hans", "zh": "zh-hans",
    "de": "de", "es": "es",
    "en": None, "fr": None, "ja": None,
}
# Real browsers' headers: the first language the site has wins.
HEADERS = {
    "zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7": "zh-hant",
    "zh-HK,zh-Hant;q=0.9": "zh-hant",
    "zh-Hant-HK": "zh-hant",
    "ZH-hk": "zh-hant",
    "zh-MO": "zh-hant",
    "zh-CN,zh;q=0.9": "zh-hans",
    "zh-Hans-HK, zh-Hant;q=0.8": "zh-hans",
    "zh;q=0.8": "zh-hans",
    "de-DE,de;q=0.9,en;q=0.8": "de",
    "de-AT": "de",
    "es-MX,es;q=0.9": "es",
    "es-419": "es",
    "fr-FR,fr;q=0.9,de;q=0.8": "de",
    "ja, es;q=0.5": "es",
    "en-US,en;q=0.5": None,
    "en-GB, zh-HK;q=0.5": None,
    "fr-CH, fr;q=0.9": None,
    "*": None,
    "dex, esperanto": None,
    "": None,
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url, language=None):
    """(status, headers, body) of one GET, redirects not followed; Accept-Language as given."""
    headers = {} if language is None else {"Accept-Language": language}
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers), timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


@pytest.fixture
def served(tmp_path, nginx_conf, published):
    """The published site deployed as the rsync target does and served by the real nginx."""
    conf, port, _tls_port = nginx_conf
    result = deploytools.deploy_one("web", {"kind": "rsync", "dest": str(tmp_path / "srv")}, published)
    assert result.ok, result.message
    server = start_nginx(tmp_path, conf, port)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def expect_root(base, language, code, published):
    status, headers, body = get(base + "/", language)
    assert "Set-Cookie" not in headers, language
    assert "Accept-Language" in [v.strip() for h in headers.get_all("Vary", []) for v in h.split(",")], language
    if code is None or code == DEFAULT:
        assert status == 200, language
        assert body == (published / "index.html").read_bytes(), language
    else:
        assert status == 302, (language, status)
        assert headers["Location"] == "/" + FOLDERS[code], language


def test_the_bare_root_redirects_by_accept_language(served, published):
    for language, code in {**ASKED, **HEADERS}.items():
        expect_root(served, language, code, published)
    expect_root(served, None, None, published)
    # With a query string it is still the root.
    status, headers, _body = get(served + "/?from=poster", "zh-HK")
    assert status == 302 and headers["Location"] == "/" + FOLDERS["zh-hant"]


def test_every_language_of_the_table_is_covered(served, published):
    for code in FOLDERS:
        for tag in (bcp47(code), bcp47(code).lower(), f"fr, {bcp47(code)};q=0.8"):
            expect_root(served, tag, code, published)


def test_deeper_paths_are_never_redirected(served, published):
    for code, folder in FOLDERS.items():
        for path in (folder + "index.html", folder + "statements/index.html", folder + "search.html"):
            for language in ("zh-HK", "zh-CN", "de", "es", "en"):
                status, headers, body = get(f"{served}/{path}", language)
                assert status == 200 and body == (published / path).read_bytes(), (path, language)
                assert "Set-Cookie" not in headers
                assert "Accept-Language" not in (headers.get("Vary") or ""), path
    # A language folder's own root is a deeper path too: no loop, whatever is asked.
    for code, folder in FOLDERS.items():
        if folder:
            status, _headers, _body = get(f"{served}/{folder}", "zh-HK" if code != "zh-hant" else "de")
            assert status == 200, folder


def test_search_pages_and_the_bundle_get_their_own_policy_and_nothing_else_does(served, published):
    def policy(path):
        status, headers, _body = get(f"{served}/{path}")
        assert status == 200, path
        return headers["Content-Security-Policy"]

    for folder in FOLDERS.values():
        assert "script-src 'self' 'wasm-unsafe-eval';" in policy(folder + "search.html")
        assert "script-src 'none';" in policy(folder + "index.html")
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy("pagefind/pagefind-worker.js")
    assert "script-src 'none';" in policy("theme/css/site.css")
    status, headers, _body = get(f"{served}/")
    assert "script-src 'none';" in headers["Content-Security-Policy"]


def test_search_works_through_nginx(served, chromium):
    """The server's headers (CSP, nosniff) let the search page, its worker and its WebAssembly run."""
    context = chromium.new_context()
    page, watcher = watched(context, served + "/")
    warnings = []
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    watcher.page = "zh-hant/search.html"
    page.goto(f"{served}/zh-hant/search.html", wait_until="load")
    page.wait_for_selector(".search-box:not([hidden])")
    page.fill("#search-input", "鎮壓")
    page.wait_for_selector(".search-results a")
    links = page.eval_on_selector_all(".search-results a", "links => links.map(a => a.href)")
    context.close()
    assert links and all(link.startswith(f"{served}/zh-hant/") for link in links)
    assert watcher.problems == []
    assert not [w for w in warnings if "Pagefind" in w or "Content Security Policy" in w], warnings


def test_tls_server_block_redirects_the_root_too(tmp_path, nginx_conf, published):
    conf, port, tls_port = nginx_conf
    result = deploytools.deploy_one("web", {"kind": "rsync", "dest": str(tmp_path / "srv")}, published)
    assert result.ok, result.message
    server = start_nginx(tmp_path, conf, port)
    insecure = ssl.create_default_context()
    insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=insecure))
    try:
        request = urllib.request.Request(f"https://127.0.0.1:{tls_port}/", headers={"Accept-Language": "zh-TW"})
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(request, timeout=5)
        assert answer.value.code == 302 and answer.value.headers["Location"] == "/" + FOLDERS["zh-hant"]
        assert "Set-Cookie" not in answer.value.headers
    finally:
        server.terminate()
        server.wait(timeout=10)


# ------------------------------------------------------------ home page on a phone


def test_the_english_home_page_shows_the_other_languages_on_a_phones_first_screen(chromium, published):
    base = published.resolve().as_uri() + "/"
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page, watcher = watched(context, base)
    watcher.page = FOLDERS[DEFAULT] + "index.html"
    page.goto(base + FOLDERS[DEFAULT] + "index.html", wait_until="load")
    body_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    for code, entry in pelicanconf.LANGUAGES.items():
        if code == DEFAULT:
            continue
        link = page.locator(f"main a[hreflang='{entry['bcp47']}']")
        assert link.count() == 1, code
        assert link.get_attribute("lang") == entry["bcp47"], code
        assert link.inner_text().strip() == entry["name"], code
        box = link.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (code, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (code, box)
        assert link.is_visible(), code
        style = link.evaluate("a => [parseFloat(getComputedStyle(a).fontSize), parseInt(getComputedStyle(a).fontWeight)]")
        assert style[0] > body_size and style[1] >= 600, (code, style, body_size)
        # It leads to that language's home page.
        href = link.get_attribute("href")
        assert (published / FOLDERS[code] / "index.html").resolve().as_uri() == page.evaluate(
            "href => new URL(href, document.baseURI).href", href)
    # Without scrolling: the page was not scrolled to find them.
    assert page.evaluate("window.scrollY") == 0
    context.close()
    assert watcher.problems == []
