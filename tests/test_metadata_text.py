"""Metadata is text: titles, summaries and Event-* fields in every place they appear.

The fixture (tests/fixtures/metadata_text/) is valid content whose Title,
Summary and Event-* fields look like markup: `<script>`, `</title>`,
`</script><!--`, quotes and ampersands.  Pages are parsed with html5lib, as a
browser parses them, so a field that escaped into live markup would show up
as an element.  Bidirectional controls in metadata are refused (check_bidi_controls).
"""

import json
import sys
import xml.etree.ElementTree as ET

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT, build_site, search_pages

sys.path.insert(0, str(ROOT / "plugins"))
from content_checks.command import find_problems  # noqa: E402
from pelican.settings import read_settings  # noqa: E402

EPOCH = "1772323200"  # 2026-03-01T00:00:00Z: the rally is upcoming
SITE = "Solidarity Against Repression in China & Hong Kong"
TITLE = 'Fish & <chips> "quoted" </title><script>alert(1)</script>'
# The Summary `*Fish* & chips, "quoted", 1 &lt; 2 and `<b>` as code`, without its markup.
SUMMARY = 'Fish & chips, "quoted", 1 < 2 and <b> as code'
TEA = '魚 & <薯條> "引號"'
TEA_HANS = '鱼 & <薯条> "引号"'  # zh_convert's Simplified version (hk2s)
EVENT = 'Rally & <march> "now" </script><!-- x'
LOCATION = 'Hall "A" & <B> </script><!--'
CITY = "London & <Co>"
ORGANISER = 'Friends & "Allies" <org>'
PAGE = 'Contact <us> & "them"'
# Names an escaped field would have become an element with.
LEAKED = {"chips", "march", "b", "org", "co", "us", "薯條", "薯条"}
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Built with publishconf.py: the pages, and the feeds too."""
    result = build_site(tmp_path_factory.mktemp("metadata-text"), FIXTURES / "metadata_text" / "content",
                        base="publishconf.py", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.log
    return result


def page(site, relpath):
    return BeautifulSoup((site.output / relpath).read_text(encoding="utf-8"), "html5lib")


def link_to(soup, filename):
    [link] = [a for a in soup.select("main a") if a.get("href", "").endswith("/" + filename)]
    return link


@pytest.mark.parametrize("relpath, title", [
    ("statements/fish.html", TITLE), ("de/statements/fish.html", TITLE), ("events/rally.html", EVENT),
    ("contact.html", PAGE), ("zh-hant/statements/tea.html", TEA), ("zh-hans/statements/tea.html", TEA_HANS),
])
def test_title_and_heading_are_the_literal_title(site, relpath, title):
    soup = page(site, relpath)
    assert soup.title.get_text().split(" · ")[0] == title
    assert soup.find("h1").get_text() == title


def test_meta_description_is_the_summary_as_text(site):
    [meta] = page(site, "statements/fish.html").find_all("meta", attrs={"name": "description"})
    assert meta["content"] == SUMMARY
    [meta] = page(site, "events/rally.html").find_all("meta", attrs={"name": "description"})
    assert meta["content"] == 'Bring banners & "signs"'


@pytest.mark.parametrize("relpath", ["index.html", "statements/index.html", "de/statements/index.html"])
def test_listings_show_the_title_as_text_and_the_summary_as_its_html(site, relpath):
    soup = page(site, relpath)
    link = link_to(soup, "fish.html")
    assert link.get_text() == TITLE
    summary = link.find_parent("li").find(class_="summary")
    assert summary.get_text() == SUMMARY
    # The Summary's Markdown stays: emphasis, and the code span as code.
    assert [e.get_text() for e in summary.find_all("em")] == ["Fish"]
    assert [c.get_text() for c in summary.find_all("code")] == ["<b>"]


def test_event_fields_are_text_on_the_event_page_and_in_listings(site):
    soup = page(site, "events/rally.html")
    where = soup.find("dd", class_="where").get_text(" ", strip=True)
    assert where == f"{LOCATION} {CITY}, United Kingdom"
    organiser = soup.find("dt", string="Organiser").find_next_sibling("dd")
    assert organiser.get_text() == ORGANISER
    for relpath in ("events/index.html", "index.html", "events/country/gb.html"):
        link = link_to(page(site, relpath), "rally.html")
        assert link.get_text() == EVENT, relpath
        assert link.find_parent("li").find(class_="event-place").get_text() == f"{CITY}, United Kingdom"
    country = page(site, "events/country/gb.html")
    assert [h.get_text() for h in country.select("section.city h2")] == [CITY]
    assert [a.get_text() for a in country.select("nav.cities a")] == [CITY]


def test_navigation_shows_the_page_title_as_text(site):
    nav = page(site, "statements/index.html").find("nav", class_="site-nav")
    assert [a.get_text() for a in nav.find_all("a") if a["href"].endswith("contact.html")] == [PAGE]


def test_no_field_became_markup_in_any_page(site):
    pages = site.files()
    assert len(pages) > 20
    for relpath in pages:
        soup = page(site, relpath)
        scripts = [s.get("type") for s in soup.find_all("script") if not s.get("src")]
        assert set(scripts) <= {"application/ld+json"}, relpath
        # The search pages' one script is a file of the theme (tests/test_search.py); no other page has any.
        loaded = soup.find_all("script", src=True)
        assert len(loaded) == (1 if relpath in search_pages() else 0), relpath
        assert all(not script.string for script in loaded), relpath
        assert not [e.name for e in soup.find_all(True) if e.name in LEAKED], relpath
        handlers = [(e.name, a) for e in soup.find_all(True) for a in e.attrs if a.lower().startswith("on")]
        assert not handlers, relpath


def test_json_ld_gives_back_the_exact_fields(site):
    soup = page(site, "events/rally.html")
    [script] = soup.find_all("script")
    text = script.string
    # "</script>" or "<!--" in a value would end or change the block for the HTML parser.
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["name"] == EVENT
    assert data["location"]["name"] == LOCATION
    assert data["location"]["address"]["streetAddress"] == LOCATION
    assert data["location"]["address"]["addressLocality"] == CITY
    assert data["organizer"]["name"] == ORGANISER
    assert data["description"] == 'Bring banners & "signs"'


@pytest.mark.parametrize("feed, titles", [
    ("feeds/all.atom.xml", [EVENT, TEA, TITLE]),
    ("feeds/statements.atom.xml", [TEA, TITLE]),
    ("zh-hans/feeds/statements.atom.xml", [TEA_HANS, TITLE]),
    ("zh-hans/feeds/all.atom.xml", [EVENT, TEA_HANS, TITLE]),
])
def test_feed_titles_are_the_exact_text(site, feed, titles):
    path = site.output / feed
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.title for entry in parsed.entries] == titles
    assert {entry.title_detail.type for entry in parsed.entries} == {"text/plain"}
    # The XML itself: each <title> is one text node, with no element inside.
    root = ET.fromstring(path.read_bytes())
    entries = root.findall(ATOM + "entry")
    assert [e.find(ATOM + "title").text for e in entries] == titles
    assert all(len(e.find(ATOM + "title")) == 0 for e in entries)
    for entry in entries:
        for key in ("summary", "content"):
            html = BeautifulSoup(entry.find(ATOM + key).text, "html5lib")
            assert not html.find_all("script"), (feed, key)
            assert not [e.name for e in html.find_all(True) if e.name in LEAKED], (feed, key)


def test_fish_feed_entry_keeps_the_summary_html(site):
    root = ET.fromstring((site.output / "feeds/all.atom.xml").read_bytes())
    [entry] = [e for e in root.findall(ATOM + "entry") if e.find(ATOM + "title").text == TITLE]
    summary = BeautifulSoup(entry.find(ATOM + "summary").text, "html5lib")
    assert summary.body.get_text() == SUMMARY
    assert [e.get_text() for e in summary.find_all("em")] == ["Fish"]


@pytest.mark.parametrize("relpath, country, organiser", [
    ("events/rally.ics", "United Kingdom", "Organiser"),
    ("events/calendar.ics", "United Kingdom", "Organiser"),
    ("de/events/rally.ics", "Vereinigtes Königreich", "Veranstalter"),
])
def test_calendar_gives_back_the_exact_fields(site, relpath, country, organiser):
    calendar = icalendar.Calendar.from_ical((site.output / relpath).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == EVENT
    assert str(event["LOCATION"]) == f"{LOCATION}, {CITY}, {country}"
    assert str(event["DESCRIPTION"]) == f'Bring banners & "signs"\n\n{organiser}: {ORGANISER}'


def test_translated_strings_escape_their_arguments():
    """The theme's Jinja settings: {% trans %} and _() escape what they are given."""
    import gettext

    from jinja2 import Environment

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    env = Environment(**settings["JINJA_ENVIRONMENT"])
    # As pelican-i18n-subsites installs them (newstyle, its default).
    env.install_gettext_translations(gettext.NullTranslations(), newstyle=True)
    template = env.from_string('{% trans name=x %}Events in {{ name }}{% endtrans %}|{{ _("In %(name)s", name=x) }}'
                               "|{{ x }}")
    assert template.render(x=TITLE) == "|".join(["Events in " + escaped(TITLE), "In " + escaped(TITLE),
                                                 escaped(TITLE)])


def escaped(text):
    from markupsafe import escape

    return str(escape(text))


# ---------------------------------------------------------------- bidi controls

BIDI = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
EVENT_FILE = """Title: {title}
Date: 2026-02-01
Summary: {summary}
Event-start: 2026-04-18 18:00
Event-end: 2026-04-18 20:00
Event-timezone: Europe/London
Event-location: {location}
Event-city: London
Event-country: GB

{body}
"""
PATH = "content/events/e.en.md"


def problems_in(tmp_path, title="A rally", summary="A rally.", location="A hall", body="Text."):
    folder = tmp_path / "content" / "events"
    folder.mkdir(parents=True)
    (folder / "e.en.md").write_text(EVENT_FILE.format(title=title, summary=summary, location=location, body=body),
                                    encoding="utf-8")
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(tmp_path / "content")})
    return [str(p) for p in find_problems(settings)]


def bidi_message(line, field, char):
    return (f"{PATH}:{line}: {field} contains the invisible bidirectional control U+{ord(char):04X} "
            f"({BIDI[char]}), which can make text read differently from what it says; "
            "delete it (retype the field)")


@pytest.mark.parametrize("char", sorted(BIDI))
@pytest.mark.parametrize("field, line", [("Title", 1), ("Summary", 3), ("Event-location", 7)])
def test_bidi_control_in_metadata_is_refused(tmp_path, char, field, line):
    values = {"title": "A rally", "summary": "A rally.", "location": "A hall"}
    key = {"Title": "title", "Summary": "summary", "Event-location": "location"}[field]
    values[key] = f"exe.{char}gpj"
    assert problems_in(tmp_path, **values) == [bidi_message(line, field, char)]


def test_bidi_control_on_a_continuation_line_names_its_line_and_field(tmp_path):
    problems = problems_in(tmp_path, summary="A rally\n    in \u2067London\u2069.")
    assert problems == [bidi_message(4, "Summary", "\u2067"), bidi_message(4, "Summary", "\u2069")]


def test_marks_are_accepted_in_metadata_and_body(tmp_path):
    assert problems_in(tmp_path, title="A \u200erally\u200f", body="Text with \u200emarks\u200f.") == []


def test_the_build_stops_on_a_bidi_control(tmp_path):
    folder = tmp_path / "content" / "statements"
    folder.mkdir(parents=True)
    (folder / "s.en.md").write_text("Title: Our \u202estatement\nSlug: s\nLang: en\nDate: 2026-01-01\n\nText.\n",
                                    encoding="utf-8")
    result = build_site(tmp_path, tmp_path / "content")
    assert result.returncode == 1
    assert ("content/statements/s.en.md:1: Title contains the invisible bidirectional control U+202E "
            "(RIGHT-TO-LEFT OVERRIDE), which can make text read differently from what it says; "
            "delete it (retype the field)") in result.log
    assert not (result.output / "statements" / "s.html").exists()
