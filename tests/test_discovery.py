"""Found and shared: feeds, search engines and link previews in every language (plugins/discovery).

Read with the clients themselves: feedparser and RFC 4287's RELAX NG schema
(lxml) for every feed, a sitemap and robots.txt fetched over HTTP, Open
Graph tags parsed with html5lib as a preview crawler does and the image it
names fetched, the share images read back by OCR (tesseract), and Chromium
opening pages whose metadata names another host.  Builds:

- ``canonical_site`` (conftest): the real content published with
  CANONICAL_URL set to the loopback server that serves it, so every
  absolute URL the build writes can be fetched;
- ``published`` (conftest): the real content published with CANONICAL_URL
  empty: fully relative;
- the multilang and events fixtures published with CANONICAL_URL
  ``https://campaign.example``: fallback copies, conversions, upcoming events.
"""

import difflib
import io
import posixpath
import subprocess
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import feedparser
import pytest
from babel import Locale
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from lxml import etree

from chromium_helpers import chromium  # noqa: F401  (fixture)
from conftest import FIXTURES, ROOT, bcp47, build_site, language_folders, language_of, pelicanconf

ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
CAMPAIGN = "https://campaign.example"
EVENTS_EPOCH = "1772323200"  # 2026-03-01T00:00:00Z, as in test_events.py
UPCOMING = ["night-vigil", "la-rally", "online-teachin", "hk-forum", "postponed-talk"]
SITE_TITLE = "Solidarity Against Repression in China & Hong Kong"
INTRO = ("An international campaign to unite forces for solidarity and support, and to build resistance against "
         "the Chinese Communist Party's suppression of the democratic rights of Hong Kong and mainland China.")
FOLDERS = language_folders()


# ------------------------------------------------------------ oracles

@lru_cache(maxsize=None)
def catalog(code):
    entry = pelicanconf.LANGUAGES[code]
    path = ROOT / "translations" / entry["locale"] / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=entry["locale"]) if m.id}


def translated(code, msgid):
    """The theme string as the catalog of `code` has it (the templates' language: itself)."""
    return catalog(code).get(msgid) or msgid


def og_locale(code):
    """Open Graph's language_TERRITORY for a language of the table."""
    locale = Locale.parse(pelicanconf.LANGUAGES[code]["locale"])
    return f"{locale.language}_{locale.territory}"


@lru_cache(maxsize=None)
def atom_schema():
    """RFC 4287's schema (tests/data/rfc4287-atom.rnc) as lxml's RelaxNG.

    rnc2rng declares the RNC's `namespace local = ""` as xmlns:local="", which
    XML forbids; the declaration names nothing that the converted grammar uses
    (its `local:*` becomes <nsName ns=""/>), so it is dropped.
    """
    import rnc2rng

    rng = rnc2rng.dumps(rnc2rng.loads((Path(__file__).parent / "data" / "rfc4287-atom.rnc").read_text()))
    return etree.RelaxNG(etree.fromstring(rng.replace('xmlns:local=""', "").encode("utf-8")))


def feed_problems(data):
    """What a strict reader refuses in one Atom document: schema, the RFC's Schematron rules, feedparser."""
    problems = []
    root = etree.fromstring(data)
    schema = atom_schema()
    if not schema.validate(root):
        problems += [str(error) for error in schema.error_log]
    # The two rules RFC 4287's schema states as Schematron (s:rule), which RELAX NG skips.
    if not root.xpath("atom:author", namespaces=NS) and root.xpath("atom:entry[not(atom:author)]", namespaces=NS):
        problems.append("an atom:feed must have an atom:author unless all its entries have one")
    for entry in root.xpath("atom:entry", namespaces=NS):
        if not entry.xpath("atom:link[@rel='alternate'] or atom:link[not(@rel)] or atom:content", namespaces=NS):
            problems.append("an atom:entry needs an alternate link or content")
    for name in root.xpath("//atom:author/atom:name", namespaces=NS):
        if not (name.text or "").strip():
            problems.append("an author with an empty name")
    parsed = feedparser.parse(data)
    if parsed.bozo:
        problems.append(f"feedparser: {parsed.bozo_exception!r}")
    return problems


def words(text):
    """The words of a text, without the separators between parts of a place."""
    return [w for w in text.replace(",", " ").replace("·", " ").split() if w]


def feeds(output):
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.atom.xml"))


def head(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib").head


def og(soup):
    """Open Graph and card values as a preview crawler takes them: the first of each property."""
    values = {}
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key and (key.startswith(("og:", "twitter:", "article:"))):
            if key == "og:locale:alternate":
                values.setdefault(key, []).append(meta.get("content"))
            else:
                values.setdefault(key, meta.get("content"))
    return values


def fetch(url):
    with urlopen(url) as answer:  # loopback only: the test's own server
        return answer.status, answer.headers.get_content_type(), answer.read()


def html_pages(output):
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


def not_found_page(relpath):
    return posixpath.basename(relpath) == "404.html"


# ------------------------------------------------------------ builds

@pytest.fixture(scope="module")
def multilang(tmp_path_factory):
    from pelican.settings import read_settings

    from sitetools.search import build_index

    work = tmp_path_factory.mktemp("discovery-multilang")
    result = build_site(work, FIXTURES / "multilang" / "content", f"CANONICAL_URL = {CAMPAIGN!r}\n",
                        base="publishconf.py", env={"SOURCE_DATE_EPOCH": EVENTS_EPOCH})
    assert result.returncode == 0, result.log
    # As `invoke publish` makes it: with the search index, its search pages load.
    build_index(str(result.output), read_settings(str(work / "testconf.py")))
    return result


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    result = build_site(tmp_path_factory.mktemp("discovery-events"), FIXTURES / "events" / "content",
                        f"CANONICAL_URL = {CAMPAIGN!r}\n", base="publishconf.py",
                        env={"SOURCE_DATE_EPOCH": EVENTS_EPOCH})
    assert result.returncode == 0, result.log
    return result


# ------------------------------------------------------------ feeds

def check_feeds_in_their_language(output, base):
    found = feeds(output)
    # Every language has its site feed, a feed per section and the upcoming events.
    for prefix in FOLDERS.values():
        for name in ("all", "statements", "events", "upcoming-events"):
            assert f"{prefix}feeds/{name}.atom.xml" in found, (prefix, name)
    for relpath in found:
        data = (output / relpath).read_bytes()
        assert feed_problems(data) == [], relpath
        code = language_of(relpath)
        root = etree.fromstring(data)
        site = translated(code, SITE_TITLE)
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == bcp47(code), relpath
        title = root.findtext(f"{{{ATOM}}}title")
        assert title == site or title.startswith(site + " – "), (relpath, title)
        assert root.findtext(f"{{{ATOM}}}subtitle") == translated(code, INTRO), relpath
        assert [n.text for n in root.iterfind(f"{{{ATOM}}}author/{{{ATOM}}}name")] == [site], relpath
        for entry in root.iterfind(f"{{{ATOM}}}entry"):
            assert [n.text for n in entry.iterfind(f"{{{ATOM}}}author/{{{ATOM}}}name")] == [site], relpath
            assert entry.findtext(f"{{{ATOM}}}id").startswith("urn:uuid:"), relpath
        parsed = feedparser.parse(data)
        assert parsed.feed.title == title and parsed.feed.language == bcp47(code), relpath
        # Links stay relative in the file; with a canonical address they resolve to it.
        hrefs = [link.get("href") for link in root.iter(f"{{{ATOM}}}link")]
        assert all(not urlsplit(href).scheme for href in hrefs), relpath
        xml_base = root.get("{http://www.w3.org/XML/1998/namespace}base")
        folder = posixpath.dirname(relpath)
        if base:
            assert xml_base == f"{base}/{folder}/", relpath
            for entry in parsed.entries:
                assert entry.link.startswith(base + "/"), (relpath, entry.link)
        else:
            assert xml_base is None, relpath
    return found


def test_feeds_of_the_published_site_are_valid_and_in_their_language(published):
    check_feeds_in_their_language(published, "")


def test_feeds_with_a_canonical_address_resolve_to_its_pages(canonical_site):
    site, base = canonical_site
    found = check_feeds_in_their_language(site.output, base)
    for relpath in found:
        parsed = feedparser.parse((site.output / relpath).read_bytes())
        links = [parsed.feed.link] + [entry.link for entry in parsed.entries]
        links += [link.href for link in parsed.feed.links if link.rel == "self"]
        for link in links:
            assert link.startswith(base + "/"), (relpath, link)
            status, _type, _body = fetch(link)
            assert status == 200, (relpath, link)


@pytest.mark.parametrize("code", list(FOLDERS))
def test_section_feeds_are_titled_with_the_section_label(published, code):
    site = translated(code, SITE_TITLE)
    for name, label in (("statements", "Statements"), ("events", "Events"), ("upcoming-events", "Upcoming events")):
        root = etree.parse(str(published / FOLDERS[code] / "feeds" / f"{name}.atom.xml")).getroot()
        assert root.findtext(f"{{{ATOM}}}title") == f"{site} – {translated(code, label)}", (code, name)


def test_broken_feeds_are_refused_by_the_checks():
    """The strict check can fail: a feed without id, with a bad xml:lang, with empty authors."""
    good = (f'<feed xmlns="{ATOM}" xml:lang="de-DE"><title>t</title><id>urn:uuid:1</id>'
            '<updated>2024-01-01T00:00:00Z</updated><author><name>a</name></author></feed>').encode()
    assert feed_problems(good) == []
    assert feed_problems(good.replace(b"<id>urn:uuid:1</id>", b""))
    assert feed_problems(good.replace(b'xml:lang="de-DE"', b'xml:lang="de_DE"'))
    assert feed_problems(good.replace(b"<name>a</name>", b"<name/>"))
    no_author = good.replace(b"<author><name>a</name></author>", b"")
    assert feed_problems(no_author) == []
    entry = b"<entry><title>e</title><id>urn:uuid:2</id><updated>2024-01-01T00:00:00Z</updated>" \
            b'<link href="x.html" rel="alternate"/></entry>'
    assert feed_problems(no_author.replace(b"</feed>", entry + b"</feed>")) == \
        ["an atom:feed must have an atom:author unless all its entries have one"]


@pytest.mark.parametrize("code", list(FOLDERS))
def test_upcoming_events_feed_gives_time_and_place_in_the_language(events, code):
    prefix = FOLDERS[code]
    relpath = f"{prefix}feeds/upcoming-events.atom.xml"
    data = (events.output / relpath).read_bytes()
    assert feed_problems(data) == []
    parsed = feedparser.parse(data)
    pages = [posixpath.normpath(posixpath.join(f"{prefix}feeds", entry.find(f"{{{ATOM}}}link").get("href")))
             for entry in etree.fromstring(data).iterfind(f"{{{ATOM}}}entry")]
    # The upcoming events, soonest first, each linking to its page in this language.
    assert pages == [f"{prefix}events/{slug}.html" for slug in UPCOMING], relpath
    for entry, page in zip(parsed.entries, pages):
        assert entry.link == f"{CAMPAIGN}/{page}"
        shown = events.html(page)
        assert entry.title == shown.find("h1").get_text()
        summary = BeautifulSoup(entry.summary, "html.parser").get_text(" ", strip=True)
        # The same times and place the event page shows, in its language.
        for selector in ("dd.when-local", "dd.when-utc"):
            assert " ".join(shown.select_one(selector).get_text(" ", strip=True).split()) in " ".join(summary.split()), \
                (page, selector, summary)
        where = shown.select_one("dd.where")
        for note in where.select(".meta"):
            note.decompose()  # "given only to people who register": the page's own note
        paragraphs = BeautifulSoup(entry.summary, "html.parser").find_all("p")
        [place] = [p for p in paragraphs if p.strong and p.strong.get_text() == translated(code, "Where")]
        place.strong.decompose()
        assert words(place.get_text(" ")) == words(where.get_text(" ")), page
        for label in ("When (local time)", "The same in UTC", "Where"):
            assert translated(code, label) in summary, (page, label)


def test_events_pages_announce_the_upcoming_events_feed(events):
    for code, prefix in FOLDERS.items():
        page = f"{prefix}events/index.html"
        [link] = events.html(page).find_all("link", type="application/atom+xml", href=lambda h: "upcoming" in h)
        assert (events.output / posixpath.normpath(posixpath.join(posixpath.dirname(page), link["href"]))).is_file()
        assert link["title"] == f"{translated(code, SITE_TITLE)} – {translated(code, 'Upcoming events')}"


def test_past_events_stay_in_the_events_feed_but_not_in_the_upcoming(events):
    every = feedparser.parse((events.output / "feeds/events.atom.xml").read_bytes())
    upcoming = feedparser.parse((events.output / "feeds/upcoming-events.atom.xml").read_bytes())
    assert {e.link.rsplit("/", 1)[-1] for e in every.entries} >= {"berlin-letters.html", "toronto-talk.html"}
    assert not {e.link.rsplit("/", 1)[-1] for e in upcoming.entries} & {"berlin-letters.html", "toronto-talk.html"}


# ------------------------------------------------------------ search engines

def test_every_page_has_a_description_in_its_language(published):
    for relpath in html_pages(published):
        soup = head(published / relpath)
        metas = soup.find_all("meta", attrs={"name": "description"})
        assert len(metas) == 1 and metas[0]["content"].strip(), relpath
    for code, prefix in FOLDERS.items():
        intro = translated(code, INTRO)
        for listing in ("index.html", "statements/index.html", "events/index.html", "background/index.html"):
            content = head(published / prefix / listing).find("meta", attrs={"name": "description"})["content"]
            assert content == intro, (code, listing)


def test_descriptions_of_pieces_are_their_summary(published):
    from conftest import content_versions

    for (folder, slug), versions in content_versions().items():
        page = f"{slug}.html" if folder in pelicanconf.PAGE_PATHS else f"{folder}/{slug}.html"
        for code, fields in versions.items():
            content = head(published / FOLDERS[code] / page).find("meta", attrs={"name": "description"})["content"]
            assert content == fields["summary"], (code, page)


def test_without_a_canonical_address_nothing_absolute(published):
    for name in ("sitemap.xml", "robots.txt"):
        assert not (published / name).exists(), name
    assert list(published.rglob("share.png")) == []
    for relpath in html_pages(published):
        soup = head(published / relpath)
        assert soup.find("link", rel="canonical") is None, relpath
        for link in soup.find_all("link", hreflang=True):
            assert not urlsplit(link["href"]).scheme and not link["href"].startswith("/"), relpath
            assert link["hreflang"] != "x-default", relpath
        values = og(soup)
        assert "og:url" not in values and "og:image" not in values, relpath
        for meta in soup.find_all("meta"):
            content = meta.get("content", "")
            assert "://" not in content or meta.get("http-equiv"), (relpath, content)


def hreflang_of(soup):
    return {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}


def test_canonical_and_absolute_hreflang_on_every_page(canonical_site):
    site, base = canonical_site
    main = pelicanconf.LANGUAGES[next(iter(pelicanconf.LANGUAGES))]["bcp47"]
    for relpath in html_pages(site.output):
        soup = head(site.output / relpath)
        canonical = soup.find("link", rel="canonical")
        if not_found_page(relpath) or relpath == "translations.html":
            assert canonical is None and soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
            continue
        # The real content has every piece in every language: each page is its own canonical.
        assert canonical["href"] == f"{base}/{relpath}", relpath
        links = hreflang_of(soup)
        assert links.pop("x-default") == links[main], relpath
        assert {bcp47(language_of(relpath))} <= set(links), relpath
        for tag, href in links.items():
            assert href.startswith(base + "/"), (relpath, href)
            # Reciprocal: the alternate names this page among its own alternates.
            other = head(site.output / href[len(base) + 1:])
            assert hreflang_of(other)[bcp47(language_of(relpath))] == f"{base}/{relpath}", (relpath, tag)


def test_robots_txt_names_the_sitemap_and_the_sitemap_lists_every_page(canonical_site):
    site, base = canonical_site
    status, kind, body = fetch(base + "/robots.txt")
    assert status == 200 and kind == "text/plain"
    lines = body.decode("utf-8").splitlines()
    assert "User-agent: *" in lines
    [sitemap_url] = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Sitemap:")]
    assert sitemap_url == base + "/sitemap.xml"
    status, _kind, body = fetch(sitemap_url)
    assert status == 200
    root = etree.fromstring(body)
    assert root.tag == SITEMAP + "urlset"
    listed = {}
    for url in root.iterfind(SITEMAP + "url"):
        loc = url.findtext(SITEMAP + "loc")
        listed[loc] = {link.get("hreflang"): link.get("href") for link in url.iterfind(XHTML + "link")}
    expected = {f"{base}/{p}" for p in html_pages(site.output) if not not_found_page(p) and p != "translations.html"}
    assert set(listed) == expected
    for loc, alternates in listed.items():
        # The same alternates as the page's head, every one a listed page.
        page = head(site.output / loc[len(base) + 1:])
        assert alternates == hreflang_of(page), loc
        assert set(alternates.values()) <= set(listed), loc
        assert fetch(loc)[0] == 200


def test_fallback_copies_point_to_their_original_and_stay_out_of_the_sitemap(multilang):
    out = multilang.output
    # beta exists in English only: every other language shows a fallback copy.
    for code, prefix in FOLDERS.items():
        soup = head(out / prefix / "statements/beta.html")
        assert soup.find("link", rel="canonical")["href"] == f"{CAMPAIGN}/statements/beta.html", code
        assert og(soup)["og:locale"] == og_locale("en"), code
    sitemap = etree.parse(str(out / "sitemap.xml")).getroot()
    locs = {url.findtext(SITEMAP + "loc") for url in sitemap.iterfind(SITEMAP + "url")}
    assert f"{CAMPAIGN}/statements/beta.html" in locs
    for prefix in FOLDERS.values():
        if prefix:
            assert f"{CAMPAIGN}/{prefix}statements/beta.html" not in locs
    for loc in locs:
        assert loc.startswith(CAMPAIGN + "/") and (out / loc[len(CAMPAIGN) + 1:]).is_file(), loc
    # A converted version (zh_convert) is its own canonical page; hreflang names human versions only.
    for code, target in pelicanconf.ZH_CONVERT["targets"].items():
        page = f"{FOLDERS[code]}background/gamma.html"
        if target["from"] == "zh-hant" and (out / page).exists():
            soup = head(out / page)
            assert soup.find("link", rel="canonical")["href"] == f"{CAMPAIGN}/{page}"
            assert bcp47(code) not in hreflang_of(soup)
            assert f"{CAMPAIGN}/{page}" in locs


def test_robots_and_sitemap_follow_the_settings(tmp_path):
    result = build_site(tmp_path, FIXTURES / "portable" / "content",
                        f"CANONICAL_URL = {CAMPAIGN + '/campaign/'!r}\n"
                        "DISCOVERY = {'sitemap': 'map.xml', 'robots': 'robots.txt'}\n", base="publishconf.py")
    assert result.returncode == 0, result.log
    assert not (result.output / "sitemap.xml").exists()
    assert f"Sitemap: {CAMPAIGN}/campaign/map.xml" in (result.output / "robots.txt").read_text()
    locs = etree.parse(str(result.output / "map.xml")).getroot().iterfind(f"{SITEMAP}url/{SITEMAP}loc")
    assert f"{CAMPAIGN}/campaign/de/statements/first.html" in {loc.text for loc in locs}


def test_the_sitemap_lists_only_pages_this_build_wrote(tmp_path):
    """A page left in the output folder by an earlier build (a reused folder is
    pruned only after the build) is not listed, though its head names itself."""
    stale = tmp_path / "output" / "statements" / "gone.html"
    stale.parent.mkdir(parents=True)
    stale.write_text(f'<html><head><link rel="canonical" href="{CAMPAIGN}/statements/gone.html"></head></html>')
    result = build_site(tmp_path, FIXTURES / "portable" / "content", f"CANONICAL_URL = {CAMPAIGN!r}\n")
    assert result.returncode == 0, result.log
    locs = {loc.text for loc in etree.parse(str(result.output / "sitemap.xml")).getroot().iter(SITEMAP + "loc")}
    assert f"{CAMPAIGN}/statements/first.html" in locs
    assert f"{CAMPAIGN}/statements/gone.html" not in locs
    assert not list(result.output.rglob(".discovery-*")), "the marker is removed"


def test_an_unknown_setting_stops_the_build(tmp_path):
    result = build_site(tmp_path, FIXTURES / "portable" / "content", "DISCOVERY = {'site_map': 'x.xml'}\n")
    assert result.returncode == 1
    assert "discovery: unknown DISCOVERY key 'site_map'" in result.log
    assert "Traceback" not in result.log


# ------------------------------------------------------------ link previews

PREVIEWED = ["index.html", "statements/campaign-launch.html", "events/launch-meeting.html", "statements/index.html"]


@pytest.mark.parametrize("code", list(FOLDERS))
def test_open_graph_as_a_preview_crawler_reads_it(canonical_site, code):
    site, base = canonical_site
    prefix = FOLDERS[code]
    images = set()
    for relpath in PREVIEWED:
        url = f"{base}/{prefix}{relpath}"
        status, _kind, body = fetch(url)
        assert status == 200
        soup = BeautifulSoup(body.decode("utf-8"), "html5lib")
        values = og(soup)
        site_title = translated(code, SITE_TITLE)
        assert values["og:site_name"] == site_title
        item = relpath != "index.html" and not relpath.endswith("/index.html")
        assert values["og:title"] == (soup.find("h1").get_text() if item else site_title), url
        assert values["og:description"] == soup.find("meta", attrs={"name": "description"})["content"]
        assert values["og:type"] == ("article" if item else "website"), url
        assert values["og:locale"] == og_locale(code)
        assert sorted(values["og:locale:alternate"]) == sorted(og_locale(c) for c in FOLDERS if c != code)
        assert values["og:url"] == url
        assert values["twitter:card"] == "summary_large_image"
        images.add(values["og:image"])
    [image] = images  # one image per language
    assert image == f"{base}/{prefix}share.png"
    status, kind, data = fetch(image)
    assert status == 200 and kind == "image/png"
    assert len(data) < 100_000
    from PIL import Image

    with Image.open(io.BytesIO(data)) as png:
        assert png.format == "PNG"
        assert (str(png.width), str(png.height)) == (values["og:image:width"], values["og:image:height"])
    assert values["og:image:alt"] == translated(code, SITE_TITLE)


def fold(text):
    """For comparing OCR output: no spaces, no accents, NFKC."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and not ch.isspace())
    return unicodedata.normalize("NFKC", text).casefold()


def ocr_language(code):
    script = Locale.parse(pelicanconf.LANGUAGES[code]["locale"]).script
    return {"Hant": "chi_tra", "Hans": "chi_sim"}.get(script, "eng")


@pytest.mark.parametrize("code", list(FOLDERS))
def test_share_image_reads_back_as_the_name_in_its_script_and_the_address(canonical_site, code, tmp_path):
    site, base = canonical_site
    image = site.output / FOLDERS[code] / "share.png"
    result = subprocess.run(["tesseract", str(image), "-", "-l", ocr_language(code)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    address = base.split("://", 1)[1]
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines and fold(lines[-1]) == fold(address), (code, result.stdout)
    read = fold("".join(lines[:-1]))
    name = fold(translated(code, SITE_TITLE))

    def likeness(text):
        return difflib.SequenceMatcher(None, read, text).ratio()

    # OCR misreads a stroke now and then; a box for a missing glyph or the
    # other Chinese script would read as something else entirely.
    assert likeness(name) > 0.85, (code, result.stdout)
    for other in FOLDERS:
        theirs = fold(translated(other, SITE_TITLE))
        if theirs != name:
            assert likeness(theirs) < likeness(name), (code, other)


def test_share_images_are_reproducible_byte_for_byte(canonical_site, tmp_path):
    """Drawn again in fresh processes (other hash seed, zone, locale): the same bytes as the build's."""
    site, base = canonical_site
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from discovery.plugin import DEFAULTS\n"
        "from discovery.share import render\n"
        "sys.stdout.buffer.write(render(sys.argv[2], sys.argv[3], DEFAULTS['share_font'], sys.argv[4]))\n"
    )
    seen = set()
    for index, code in enumerate(FOLDERS):
        built = (site.output / FOLDERS[code] / "share.png").read_bytes()
        seen.add(built)
        drawn = subprocess.run(
            [sys.executable, "-c", script, str(ROOT / "plugins"), translated(code, SITE_TITLE),
             base.split("://", 1)[1], pelicanconf.LANGUAGES[code]["locale"]],
            capture_output=True, env={"PYTHONHASHSEED": str(index + 7), "TZ": "Asia/Hong_Kong", "LANG": "C",
                                      "PATH": "/usr/bin:/bin"}, check=True).stdout
        assert drawn == built, code
    assert len(seen) == len({translated(code, SITE_TITLE) for code in FOLDERS})


def test_share_image_refuses_text_the_font_cannot_draw_and_a_missing_font():
    sys.path.insert(0, str(ROOT / "plugins"))
    from discovery.plugin import DEFAULTS
    from discovery.share import ShareImageError, render

    with pytest.raises(ShareImageError, match="no glyph"):
        render("סולידריות", "campaign.example", DEFAULTS["share_font"], "en_GB")
    with pytest.raises(ShareImageError, match="fonts-noto-cjk"):
        render("Solidarity", "campaign.example", "/nonexistent/font.ttc", "en_GB")


def test_metadata_naming_another_host_is_never_fetched_by_the_browser(multilang, chromium):
    """Every page of a build whose metadata names https://campaign.example, in Chromium:
    no request leaves the loopback copy (canonical, hreflang, og:image and the rest are never loaded)."""
    import threading
    from functools import partial
    from http.server import ThreadingHTTPServer

    from test_browser import PREFIX, MirrorHandler, open_page

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(MirrorHandler, root=multilang.output))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    pages = html_pages(multilang.output)
    named = sum("campaign.example" in (multilang.output / p).read_text(encoding="utf-8") for p in pages)
    assert named == len(pages)
    try:
        page, watcher = open_page(chromium, server)
        for relpath in pages:
            watcher.page = relpath
            assert page.goto(server + relpath, wait_until="load").status == 200, relpath
        page.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert watcher.problems == []
