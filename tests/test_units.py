"""Fast in-process unit tests: event fields and view models, feed link rewriting.

No build, no subprocess: the plugins are imported as packages, as the build
imports them, and called with small fake objects.
"""

import datetime
import json
import posixpath
import sys
from types import SimpleNamespace

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "plugins"))
from events import fields  # noqa: E402
from events.plugin import DEFAULTS as EVENTS_DEFAULTS, EventView, script_json, zone_label  # noqa: E402
from portable.portable import feed_generated, relative, resolve, site_prefix, stable_id  # noqa: E402
from sitecore import STATE  # noqa: E402
from sitecore.config import ConfigError  # noqa: E402
from sitecore.urls import absolute_url, canonical_url  # noqa: E402

UTC = datetime.timezone.utc


# ---------------------------------------------------------------- event fields

@pytest.mark.parametrize("text, length", [
    ("2h", datetime.timedelta(hours=2)),
    ("90m", datetime.timedelta(minutes=90)),
    ("90min", datetime.timedelta(minutes=90)),
    ("1h30m", datetime.timedelta(hours=1, minutes=30)),
    ("1h 30m", datetime.timedelta(hours=1, minutes=30)),
    (" 2H ", datetime.timedelta(hours=2)),
    ("1d", datetime.timedelta(days=1)),
    ("1d2h", datetime.timedelta(days=1, hours=2)),
])
def test_parse_duration(text, length):
    assert fields.parse_duration(text) == length


@pytest.mark.parametrize("text, message", [
    ("two hours", "Event-duration 'two hours' is not a length; write it like 2h, 90m or 1h30m"),
    ("90", "Event-duration '90' is not a length; write it like 2h, 90m or 1h30m"),
    ("", "Event-duration '' is not a length; write it like 2h, 90m or 1h30m"),
    ("2h-", "Event-duration '2h-' is not a length; write it like 2h, 90m or 1h30m"),
    ("0h", "Event-duration '0h' must be longer than zero"),
    ("0d0h0m", "Event-duration '0d0h0m' must be longer than zero"),
])
def test_parse_duration_refuses(text, message):
    with pytest.raises(fields.FieldError) as raised:
        fields.parse_duration(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("text, moment", [
    ("2021-06-09 19:00", datetime.datetime(2021, 6, 9, 19, 0)),
    ("2021-06-09T19:00", datetime.datetime(2021, 6, 9, 19, 0)),
    ("2021-06-09 7:05", datetime.datetime(2021, 6, 9, 7, 5)),
    ("2021-06-09 19:00:30", datetime.datetime(2021, 6, 9, 19, 0, 30)),
    ("  2021-06-09 19:00  ", datetime.datetime(2021, 6, 9, 19, 0)),
])
def test_parse_wallclock(text, moment):
    parsed = fields.parse_wallclock("Event-start", text)
    assert parsed == moment and parsed.tzinfo is None


@pytest.mark.parametrize("name, text", [
    ("Event-start", "9 June 2021 7pm"),
    ("Event-start", "2021-06-09"),
    ("Event-start", "2021-02-30 19:00"),  # the pattern, but no such day
    ("Event-end", "2021-06-09 25:00"),
    ("Event-end", "2021-06-09 19:00 BST"),
])
def test_parse_wallclock_refuses(name, text):
    with pytest.raises(fields.FieldError) as raised:
        fields.parse_wallclock(name, text)
    assert str(raised.value) == (f"{name} {text!r} is not a date and time; write the time at the event as "
                                 f"YYYY-MM-DD HH:MM, e.g. `{name}: 2021-06-09 19:00`")


def test_parse_timezone_gives_the_pinned_zone():
    london = fields.parse_timezone("Europe/London", 2026)
    assert london.key == "Europe/London"
    assert datetime.datetime(2026, 7, 1, 12, tzinfo=london).utcoffset() == datetime.timedelta(hours=1)
    assert fields.parse_timezone("Europe/London", 2026) is london  # read once per build


@pytest.mark.parametrize("text, hint", [
    ("BST", " (try 'Europe/London')"),
    ("HKT", " (try 'Asia/Hong_Kong')"),
    ("europe/london", " (try 'Europe/London')"),
    ("toronto", " (try 'America/Toronto')"),
    ("IST", " (try 'Asia/Jerusalem', 'Asia/Kolkata' or 'Europe/Dublin')"),
    ("Nowhere/Atlantis", ""),
    ("", ""),
])
def test_parse_timezone_refuses_with_suggestions(text, hint):
    with pytest.raises(fields.FieldError) as raised:
        fields.parse_timezone(text, 2026)
    assert str(raised.value) == f"Event-timezone must be an IANA zone name, got {text!r}{hint}"


def test_localize_refuses_a_skipped_time_and_takes_a_repeated_one_first():
    london = fields.zone("Europe/London")
    with pytest.raises(fields.FieldError) as raised:
        fields.localize("Event-start", datetime.datetime(2026, 3, 29, 1, 30), london)
    assert str(raised.value) == ("Event-start 2026-03-29 01:30 does not exist in Europe/London: the clocks skip it "
                                 "(daylight-saving change); give a time before or after the change")
    twice = fields.localize("Event-end", datetime.datetime(2026, 10, 25, 1, 30), london)
    assert twice.utcoffset() == datetime.timedelta(hours=1)  # BST, the first time 01:30 occurs


@pytest.mark.parametrize("rule, text, result", [
    (fields.parse_country, " gb ", "GB"),
    (fields.parse_country, "hk", "HK"),
    (fields.parse_status, "Cancelled", "cancelled"),
    (fields.parse_status, " moved-online", "moved-online"),
    (lambda v: fields.parse_flag("Event-address-private", v), "Yes", True),
    (lambda v: fields.parse_flag("Event-address-private", v), "no", False),
    (lambda v: fields.parse_flag("Event-address-private", v), "", False),
    (fields.parse_sequence, " 3 ", 3),
    (lambda v: fields.parse_link("Event-online", v), " https://meet.example.org/x ", "https://meet.example.org/x"),
])
def test_other_fields(rule, text, result):
    assert rule(text) == result


@pytest.mark.parametrize("rule, text, message", [
    (fields.parse_country, "UK", "Event-country must be an ISO 3166-1 alpha-2 code such as GB, HK or US, "
                                 "got 'UK' (the United Kingdom is 'GB')"),
    (fields.parse_country, "GBR", "Event-country must be an ISO 3166-1 alpha-2 code such as GB, HK or US, got 'GBR'"),
    (fields.parse_status, "canceled", "Event-status must be one of scheduled, cancelled, postponed, moved-online, "
                                      "got 'canceled'"),
    (lambda v: fields.parse_flag("Event-address-private", v), "maybe",
     "Event-address-private must be yes or no, got 'maybe'"),
    (fields.parse_sequence, "-1", "Event-sequence must be a whole number (0, 1, 2...), got '-1'"),
    (lambda v: fields.parse_link("Event-register", v), "http://register.example.org/",
     "Event-register must be an https:// link, got 'http://register.example.org/'"),
    (lambda v: fields.parse_link("Event-online", v), "https:///nohost",
     "Event-online must be an https:// link, got 'https:///nohost'"),
    (lambda v: fields.parse_link("Event-online", v), "https://a.example/x y",
     "Event-online must be an https:// link, got 'https://a.example/x y'"),
])
def test_other_fields_refuse(rule, text, message):
    with pytest.raises(fields.FieldError) as raised:
        rule(text)
    assert str(raised.value) == message


# ---------------------------------------------------------------- zone labels

def at(zone_name, *args):
    return datetime.datetime(*args, tzinfo=fields.zone(zone_name))


@pytest.mark.parametrize("moment, label", [
    (at("Europe/London", 2026, 1, 15, 12), "GMT (UTC+00:00)"),
    (at("Europe/London", 2026, 7, 15, 12), "BST (UTC+01:00)"),
    (at("America/Los_Angeles", 2026, 4, 18, 18), "PDT (UTC-07:00)"),
    (at("Asia/Kolkata", 2026, 1, 15, 12), "IST (UTC+05:30)"),
    (at("America/St_Johns", 2026, 1, 15, 12), "NST (UTC-03:30)"),
    # Zones whose abbreviation is only a number, and UTC itself: the offset alone.
    (at("America/Sao_Paulo", 2026, 1, 15, 12), "UTC-03:00"),
    (at("Asia/Kathmandu", 2026, 1, 15, 12), "UTC+05:45"),
    (at("UTC", 2026, 1, 15, 12), "UTC+00:00"),
    (datetime.datetime(2026, 1, 15, 12, tzinfo=UTC), "UTC+00:00"),
])
def test_zone_label(moment, label):
    assert zone_label(moment) == label


# ---------------------------------------------------------------- event views

LANGUAGES = {
    "en": {"locale": "en_GB", "name": "English", "dir": "ltr", "bcp47": "en-GB"},
    "de": {"locale": "de_DE", "name": "Deutsch", "dir": "ltr", "bcp47": "de-DE"},
}


def site_settings(lang="en"):
    """A sub-site's settings as i18n-subsites gives them: DEFAULT_LANG is the sub-site's language."""
    return {"LANGUAGES": LANGUAGES, "DEFAULT_LANG": lang, "I18N_SUBSITES": {"de": {}}}


def event(**changes):
    """An event across the March 2026 clock change in London: 23:00 GMT to 03:00 BST."""
    london = fields.zone("Europe/London")
    values = dict(source_path="/c/events/night-vigil.en.md", path="content/events/night-vigil.en.md",
                  slug="night-vigil", lang="en", start=datetime.datetime(2026, 3, 28, 23, 0, tzinfo=london),
                  end=datetime.datetime(2026, 3, 29, 3, 0, tzinfo=london), tz=london, location="Example Square",
                  city="London", country="GB", organiser="Fixture Group", city_key="London")
    values.update(changes)
    return fields.Event(**values)


def view(data=None, lang="en", conf=None, summary="<p>Bring <em>banners</em> &amp; candles.</p>",
         canonical=""):
    settings = {**site_settings(lang), "CANONICAL_URL": canonical}
    article = SimpleNamespace(url="events/night-vigil.html", title='Vigil & <night> "now"', summary=summary,
                              settings=settings)
    return EventView(article, data or event(), settings, {**EVENTS_DEFAULTS, **(conf or {})})


def test_event_view_times_in_english():
    shown = view()
    assert shown.date_full == "Saturday, 28 March 2026"
    assert shown.start_short == "Saturday, 28 March 2026, 23:00 GMT (UTC+00:00)"
    assert shown.local_range == ("Saturday, 28 March 2026, 23:00 GMT (UTC+00:00)",
                                 "Sunday, 29 March 2026, 03:00 BST (UTC+01:00)")
    assert shown.utc_range == ("Saturday, 28 March 2026, 23:00", "Sunday, 29 March 2026, 02:00 UTC")
    assert (shown.start_iso, shown.end_iso) == ("2026-03-28T23:00:00+00:00", "2026-03-29T03:00:00+01:00")
    assert (shown.utc_start_iso, shown.utc_end_iso) == ("2026-03-28T23:00Z", "2026-03-29T02:00Z")


def test_event_view_times_in_german_and_on_one_day():
    hk = fields.zone("Asia/Hong_Kong")
    forum = event(slug="hk-forum", start=datetime.datetime(2026, 6, 4, 19, 30, tzinfo=hk),
                  end=datetime.datetime(2026, 6, 4, 21, 30, tzinfo=hk), tz=hk, city="Hong Kong", country="HK")
    shown = view(forum, lang="de")
    # Same zone at both ends: it is named once, after the end; the end on the same day is a time alone.
    assert shown.local_range == ("Donnerstag, 4. Juni 2026, 19:30", "21:30 HKT (UTC+08:00)")
    assert shown.utc_range == ("Donnerstag, 4. Juni 2026, 11:30", "13:30 UTC")
    assert shown.country_name == "Sonderverwaltungsregion Hongkong"  # Babel's name, in the page's language


def test_event_view_place_links_and_ids():
    shown = view()
    assert shown.ics_url == "events/night-vigil.ics"
    assert shown.uid == "night-vigil@solidarity-campaign"
    assert shown.city_anchor == "city-london"
    assert shown.country_name == "United Kingdom"
    assert shown.place_text == "Example Square, London, United Kingdom"
    assert shown.title_text == 'Vigil & <night> "now"'
    assert shown.absolute_url == ""  # no CANONICAL_URL: calendars and JSON-LD get no URL
    assert view(conf={"uid_domain": "example.org", "category": "meetings"}).uid == "night-vigil@example.org"
    assert view(conf={"category": "meetings"}).ics_url == "meetings/night-vigil.ics"


def test_private_address_shows_only_the_city():
    shown = view(event(private=True))
    assert shown.location == ""
    assert shown.place_text == "London, United Kingdom"
    data = json.loads(str(shown.jsonld))
    assert data["location"] == {"@type": "Place", "name": "London",
                                "address": {"@type": "PostalAddress", "addressLocality": "London",
                                            "addressCountry": "GB"}}


def test_city_anchor_is_the_originals_city():
    shown = view(event(city="倫敦", city_key="London"))
    assert shown.city_anchor == "city-london"
    assert view(event(city="", country="", city_key="")).city_anchor == "city-unnamed"


def test_description_for_calendars():
    shown = view(event(online_url="https://meet.example.org/v", register_url="https://reg.example.org/v"))
    labels = {"Organiser": "Veranstalter", "Join online": "Online teilnehmen", "Register": "Anmelden"}
    assert shown.description_text(labels.get) == (
        "Bring banners & candles.\n\nVeranstalter: Fixture Group\n\n"
        "Online teilnehmen: https://meet.example.org/v\n\nAnmelden: https://reg.example.org/v")
    assert view(event(organiser=""), summary="").description_text(str) == ""


def test_jsonld_of_an_event_in_a_place_and_online():
    shown = view(event(online_url="https://meet.example.org/v", register_url="https://reg.example.org/v"),
                 canonical="https://campaign.example/")
    data = json.loads(str(shown.jsonld))
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": 'Vigil & <night> "now"',
        "startDate": "2026-03-28T23:00:00+00:00",
        "endDate": "2026-03-29T03:00:00+01:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/MixedEventAttendanceMode",
        "location": [
            {"@type": "Place", "name": "Example Square",
             "address": {"@type": "PostalAddress", "streetAddress": "Example Square", "addressLocality": "London",
                         "addressCountry": "GB"}},
            {"@type": "VirtualLocation", "url": "https://meet.example.org/v"},
        ],
        "organizer": {"@type": "Organization", "name": "Fixture Group"},
        "description": "Bring banners & candles.",
        "inLanguage": "en-GB",
        "offers": {"@type": "Offer", "url": "https://reg.example.org/v"},
        "url": "https://campaign.example/events/night-vigil.html",
    }


@pytest.mark.parametrize("changes, mode, status", [
    ({}, "Offline", "EventScheduled"),
    ({"status": "moved-online"}, "Online", "EventMovedOnline"),
    ({"city": "", "country": "", "location": "Online (Zoom)"}, "Online", "EventScheduled"),
    ({"status": "cancelled"}, "Offline", "EventCancelled"),
    ({"status": "postponed", "online_url": "https://meet.example.org/v"}, "Mixed", "EventPostponed"),
])
def test_jsonld_attendance_mode_and_status(changes, mode, status):
    data = json.loads(str(view(event(**changes)).jsonld))
    assert data["eventAttendanceMode"] == f"https://schema.org/{mode}EventAttendanceMode"
    assert data["eventStatus"] == f"https://schema.org/{status}"


def test_jsonld_of_an_online_only_event_names_its_venue():
    data = json.loads(str(view(event(city="", country="", location="Online (Zoom)")).jsonld))
    assert data["location"] == {"@type": "VirtualLocation", "name": "Online (Zoom)"}


def test_script_json_cannot_end_the_script_element():
    text = script_json({"name": "</script><!-- & ]]>"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & ]]>"}


@pytest.mark.parametrize("site_url, lang, url, expected", [
    ("https://campaign.example", "en", "events/a.html", "https://campaign.example/events/a.html"),
    ("https://campaign.example/", "en", "events/a.html", "https://campaign.example/events/a.html"),
    ("https://campaign.example/mirror/", "de", "events/a.html", "https://campaign.example/mirror/de/events/a.html"),
    ("", "en", "events/a.html", ""),
    ("", "de", "events/a.html", ""),
])
def test_absolute_url(site_url, lang, url, expected):
    assert absolute_url({**site_settings(lang), "CANONICAL_URL": site_url}, url) == expected


@pytest.mark.parametrize("value", ["campaign.example", "ftp://campaign.example", "https://",
                                   "https://campaign.example/?x=1", "https://a@campaign.example", 42])
def test_canonical_url_refuses_what_is_not_an_address(value):
    with pytest.raises(ConfigError, match="CANONICAL_URL"):
        canonical_url({"CANONICAL_URL": value})


# ---------------------------------------------------------------- feed links (portable)

@pytest.mark.parametrize("from_dir, target, link", [
    ("de/feeds", "de/statements/x.html", "../statements/x.html"),
    ("feeds", "index.html", "../index.html"),
    ("", "statements/x.html", "statements/x.html"),
    ("de/feeds", "de/feeds/all.atom.xml", "all.atom.xml"),
    ("de/feeds", "info.html", "../../info.html"),
])
def test_relative(from_dir, target, link):
    assert relative(from_dir, target) == link


@pytest.mark.parametrize("base_dir, href, found", [
    ("de/statements", "../info.html", ("de/info.html", "")),
    ("de/statements", "two.html#part", ("de/statements/two.html", "#part")),
    ("de/statements", "/de/x.html?a=1#f", ("de/x.html", "?a=1#f")),
    ("de/statements", "sub/", ("de/statements/sub/index.html", "")),
    ("", "/", ("index.html", "")),
    ("statements", "../../outside.html", ("../outside.html", "")),
    # Kept as they are: other hosts, other schemes, fragments alone, nothing.
    ("de/statements", "https://example.org/x.html", None),
    ("de/statements", "//example.org/x.html", None),
    ("de/statements", "mailto:a@example.org", None),
    ("de/statements", "#top", None),
    ("de/statements", "", None),
])
def test_resolve(base_dir, href, found):
    assert resolve(base_dir, href) == found


@pytest.mark.parametrize("siteurl, prefix", [("", ""), ("/de", "de"), ("/de/", "de"), ("/zh-hant", "zh-hant")])
def test_site_prefix(siteurl, prefix):
    assert site_prefix(siteurl) == prefix


def test_stable_id_is_fixed_per_site_and_path():
    # Feed readers know entries by this id: it must never change between builds or versions.
    assert stable_id({"SITENAME": "Solidarity"}, "de/feeds/all.atom.xml") == \
        "urn:uuid:01c45829-90f0-5524-b948-e0b978ba90e0"
    ids = {stable_id({"SITENAME": name}, path) for name in ("A", "B") for path in ("x.html", "de/x.html")}
    assert len(ids) == 4


class FakeFeed:
    """What feed_generated receives from Pelican's writer: feedgenerator's feed and items."""

    def __init__(self, feed_url, items):
        self.feed = {"feed_url": feed_url, "link": "/de/", "id": "tag:old"}
        self.items = items

    def latest_post_date(self):
        return datetime.datetime(1999, 1, 1, tzinfo=UTC)  # feedgenerator's clock, replaced for empty feeds


def fake_article(url, title, body):
    """An article whose get_content(siteurl) joins its {filename}/{static} links onto siteurl,
    as Pelican does with RELATIVE_URLS (os.path.join)."""
    def get_content(siteurl):
        return body.format(two=posixpath.join(siteurl, "statements/two.html"),
                           img=posixpath.join(siteurl, "theme/x.png"))

    return SimpleNamespace(url=url, title=title, translations=[], get_content=get_content)


BODY = ('<p><a href="{two}">two</a> <a href="../info.html#a">info</a> '
        '<img src="{img}"> <a href="https://example.org/">out</a> <a href="#top">top</a></p>')


@pytest.fixture
def fresh_state():
    STATE.reset()
    yield
    STATE.reset()


def test_feed_of_a_sub_site_links_relative_to_the_feed_file(fresh_state):
    article = fake_article("statements/one.html", "Fish & <chips>", BODY)
    context = {"SITEURL": "/de", "SITENAME": "Solidarity", "articles": [article]}
    item = {"link": "/de/statements/one.html", "title": "Fish &amp; chips", "content": "stale",
            "description": '<a href="/de/statements/two.html">two</a>', "unique_id": "tag:old"}
    feed = FakeFeed("./feeds/all.atom.xml", [item])
    feed_generated(context, feed)
    assert feed.feed == {"feed_url": "all.atom.xml", "link": "../index.html",
                         "id": stable_id(context, "de/feeds/all.atom.xml")}
    assert item["link"] == "../statements/one.html"
    assert item["unique_id"] == stable_id(context, "de/statements/one.html")
    assert item["title"] == "Fish & <chips>"  # as written: the feed writer escapes it
    assert item["content"] == ('<p><a href="../statements/two.html">two</a> <a href="../info.html#a">info</a> '
                               '<img src="../theme/x.png"> <a href="https://example.org/">out</a> '
                               '<a href="#top">top</a></p>')
    assert item["description"] == '<a href="../statements/two.html">two</a>'


def test_feed_of_the_main_site_tells_root_links_from_page_links(fresh_state):
    article = fake_article("statements/one.html", "One", BODY)
    context = {"SITEURL": "", "SITENAME": "Solidarity", "articles": [article]}
    item = {"link": "statements/one.html", "title": "One", "content": "stale", "unique_id": "x"}
    feed = FakeFeed("./feeds/statements.atom.xml", [item])
    feed_generated(context, feed)
    assert (feed.feed["feed_url"], feed.feed["link"]) == ("statements.atom.xml", "../index.html")
    assert item["link"] == "../statements/one.html"
    # Rendered again with SITEURL "/": "/statements/two.html" is the site's, "../info.html" the page's.
    assert item["content"] == ('<p><a href="../statements/two.html">two</a> <a href="../info.html#a">info</a> '
                               '<img src="../theme/x.png"> <a href="https://example.org/">out</a> '
                               '<a href="#top">top</a></p>')


def test_feed_with_an_absolute_address_is_left_absolute(fresh_state):
    article = fake_article("statements/one.html", "Fish & <chips>", BODY)
    context = {"SITEURL": "https://campaign.example", "SITENAME": "Solidarity", "articles": [article]}
    item = {"link": "https://campaign.example/statements/one.html", "title": "Fish &amp; chips",
            "content": "<p>kept</p>", "unique_id": "kept"}
    feed = FakeFeed("https://campaign.example/feeds/all.atom.xml", [item])
    feed_generated(context, feed)
    assert feed.feed["feed_url"] == "https://campaign.example/feeds/all.atom.xml"
    assert (item["link"], item["content"], item["unique_id"]) == (
        "https://campaign.example/statements/one.html", "<p>kept</p>", "kept")
    assert item["title"] == "Fish & <chips>"


def test_an_empty_feed_is_dated_by_the_build(fresh_state, monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717243200")
    monkeypatch.setenv("BUILD_COMMIT", "unit")
    feed = FakeFeed("./feeds/all.atom.xml", [])
    feed_generated({"SITEURL": "", "SITENAME": "Solidarity", "articles": [], "PATH": str(tmp_path)}, feed)
    assert feed.latest_post_date() == datetime.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    assert feed.feed["id"] == stable_id({"SITENAME": "Solidarity"}, "feeds/all.atom.xml")


# ---------------------------------------------------------------- Summary shortcut

from hypothesis import given, settings as hypothesis_settings, strategies as st  # noqa: E402

from sitecore.render import PLAIN_PUNCTUATION, plain_paragraph  # noqa: E402

# Every ASCII character Markdown gives a meaning to, next to letters, CJK,
# other scripts and the whitespace Markdown strips or keeps; short pieces,
# so that constructs (a *b*, [x](y), &amp;, a<br>) come up often.
SUMMARY_PIECES = list(" abcXYZ019.,;:?!'\"%/()-@$*_`[]<>&#\\|{}~^=+\t\n\r\x02本運動ééßǅ\u00a0\u3000\u2028—…「」™") + [
    "a ", " a", "**", "__", "](", "&amp;", "&#1;", "<b>", "</b>", "![", "[^", "*[", "{:", "  \n", "\n\n", "1. ", "- ",
    "http://x.org", "<http://x.org>", "a@b.c", "<a@b.c>", "---", "===", "~~~", "```", "    ", ": ",
]


def field_markdown():
    """The Markdown that renders a formatted field, as the build's reader has it."""
    from pelican.settings import read_settings

    from sitecore.render import ReusingMarkdownReader

    return ReusingMarkdownReader(read_settings(str(ROOT / "pelicanconf.py")))._field_md


FIELD_MD = field_markdown()


def markdown_of(text):
    FIELD_MD.reset()
    return FIELD_MD.convert(text)


@hypothesis_settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(SUMMARY_PIECES), max_size=8).map("".join))
def test_the_summary_shortcut_equals_markdown_whenever_it_answers(text):
    shortcut = plain_paragraph(text)
    if shortcut is not None:
        assert shortcut == markdown_of(text)


# Texts of only what the shortcut accepts: any character it lets through,
# in any order, must mean nothing to Markdown (a *b*, a_b_, x [y](z)...).
ACCEPTED_ALPHABET = list("abZ1 本é—…「」™") + sorted(PLAIN_PUNCTUATION)


@hypothesis_settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(ACCEPTED_ALPHABET), max_size=12))
def test_whatever_the_summary_shortcut_accepts_is_plain_to_markdown(text):
    shortcut = plain_paragraph(text)
    if shortcut is not None:
        assert shortcut == markdown_of(text)


@pytest.mark.parametrize("text", [
    "Summary of piece 12.",
    "Hong Kong: 47 democrats (2021) - jailed!",
    "本運動聲援香港和中國被鎮壓的人。",
    "Solidarität mit den Gefangenen — jetzt.",
    "Libertad para los «presos» políticos, 100% ya/ahora",
])
def test_plain_summaries_take_the_shortcut(text):
    assert plain_paragraph(text) == markdown_of(text)


@pytest.mark.parametrize("text", [
    "A *bold* claim", "Use `code`", "See [this](https://example.org)", "1. first", "- item", "# Heading",
    "> quote", "A&amp;B", "a <b>tag</b>", "line one\nline two", "    code", "a  b", "Footnote[^1]",
    "x | y", "trailing ", "\tTab", "«Quoted» first", "Attributes {: .x}", "An abbreviation *[HTML]: x",
])
def test_markdown_decides_everything_else(text):
    assert plain_paragraph(text) is None
