"""Events: listings, event pages, iCalendar files, JSON-LD and bad input.

The fixture (tests/fixtures/events/) has events in five zones: a London vigil
across the March 2026 clock change, a Hong Kong forum, a cancelled Los
Angeles rally, a New York teach-in moved online, a postponed Toronto talk,
and two past events (one in Berlin with a private address).  The build time
is fixed with SOURCE_DATE_EPOCH.
"""

import datetime
import json
import re
import zoneinfo

import icalendar
import pytest

from babel.dates import format_date

from conftest import (FIXTURES, ROOT, assert_no_dangling_links, build_site, content_versions, internal_links,
                      language_folders, pelicanconf, resolve, search_pages)

EPOCH = "1772323200"  # 2026-03-01T00:00:00Z
LATER = "1798761600"  # 2027-01-01T00:00:00Z: every fixture event is past
PREFIXES = list(language_folders().values())
UPCOMING = ["night-vigil", "la-rally", "online-teachin", "hk-forum", "postponed-talk"]
PAST = ["berlin-letters", "toronto-talk"]
UTC = datetime.timezone.utc


def build_fixture(tmp_path_factory, name, epoch, **kwargs):
    result = build_site(tmp_path_factory.mktemp(name), FIXTURES / "events" / "content",
                        env={"SOURCE_DATE_EPOCH": epoch}, **kwargs)
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_fixture(tmp_path_factory, "events", EPOCH)


@pytest.fixture(scope="module")
def site_again(tmp_path_factory):
    return build_fixture(tmp_path_factory, "events-again", EPOCH)


@pytest.fixture(scope="module")
def site_later(tmp_path_factory):
    return build_fixture(tmp_path_factory, "events-later", LATER)


def slugs(section):
    return [a["href"].rsplit("/", 1)[-1].removesuffix(".html") for a in section.select("li.event > a")]


def section(page, heading_id):
    return page.find("h2", id=heading_id).parent


@pytest.mark.parametrize("prefix", PREFIXES)
def test_upcoming_soonest_first_past_newest_first(site, prefix):
    page = site.html(prefix + "events/index.html")
    assert slugs(section(page, "upcoming")) == UPCOMING
    assert slugs(section(page, "past")) == PAST


def test_as_of_date_in_the_page_language(site):
    assert site.html("events/index.html").find("p", class_="as-of").text == "As of 1 March 2026"
    assert site.html("zh-hant/events/index.html").find("p", class_="as-of").text == "截至2026年3月1日"
    assert site.html("de/events/index.html").find("p", class_="as-of").text == "Stand: 1. März 2026"


def test_status_and_online_marked_never_dropped(site):
    items = {slug: li for li, slug in
             ((li, li.a["href"].rsplit("/", 1)[-1][:-5]) for li in site.html("events/index.html").select("li.event"))}
    assert items["la-rally"].find(class_="event-status").text == "Cancelled"
    assert items["postponed-talk"].find(class_="event-status").text == "Postponed"
    assert items["online-teachin"].find(class_="event-status").text == "Moved online"
    assert items["night-vigil"].find(class_="event-status") is None
    assert items["online-teachin"].find(class_="event-online").text == "Online"
    assert items["hk-forum"].find(class_="event-online").text == "Online"  # in a place and online
    assert items["night-vigil"].find(class_="event-online") is None
    de = site.html("de/events/index.html")
    assert "Abgesagt" in [s.text for s in de.select(".event-status")]


def test_browse_by_country_and_city_without_javascript(site):
    page = site.html("events/index.html")
    places = page.find("ul", class_="places")
    links = {a.text: resolve("events/index.html", a["href"]) for a in places.find_all("a")}
    assert links["United Kingdom"] == "events/country/gb.html"
    assert links["Hong Kong SAR China"] == "events/country/hk.html"
    assert links["Online"] == "events/online.html"
    toronto = places.find("a", string="Toronto")["href"]
    assert toronto.endswith("events/country/ca.html#city-toronto")
    canada = site.html("events/country/ca.html")
    city = canada.find("section", id="city-toronto")
    assert slugs(city) == ["postponed-talk", "toronto-talk"]
    assert [h.text for h in city.find_all("h3")] == ["Upcoming events", "Past events"]
    # Translated cities group with their original; the anchor stays the same.
    zh = site.html("zh-hant/events/country/gb.html")
    assert zh.find("section", id="city-london").h2.text == "倫敦"
    assert zh.h1.text == "英國的活動"
    online = site.html("events/online.html")
    assert slugs(online) == ["online-teachin", "hk-forum"]
    # No script anywhere but the search pages' own (tests/test_search.py), and none is needed here.
    for relpath in site.files():
        if relpath not in search_pages():
            assert site.html(relpath).find("script", src=True) is None, relpath


@pytest.mark.parametrize(
    "relpath,local,utc",
    [
        # Across the clock change: 23:00 GMT to 03:00 BST is 23:00Z to 02:00Z.
        ("events/night-vigil.html",
         ("Saturday, 28 March 2026, 23:00 GMT (UTC+00:00)", "Sunday, 29 March 2026, 03:00 BST (UTC+01:00)"),
         ("Saturday, 28 March 2026, 23:00", "Sunday, 29 March 2026, 02:00 UTC")),
        ("events/hk-forum.html",
         ("Thursday, 4 June 2026, 19:30", "21:30 HKT (UTC+08:00)"),
         ("Thursday, 4 June 2026, 11:30", "13:30 UTC")),
        # Evening in Los Angeles is the next day in UTC.
        ("events/la-rally.html",
         ("Saturday, 18 April 2026, 18:00", "20:00 PDT (UTC-07:00)"),
         ("Sunday, 19 April 2026, 01:00", "03:00 UTC")),
        ("zh-hant/events/hk-forum.html",
         ("2026年6月4日星期四 下午7:30", "下午9:30 HKT (UTC+08:00)"),
         ("2026年6月4日星期四 上午11:30", "下午1:30 UTC")),
        ("de/events/night-vigil.html",
         ("Samstag, 28. März 2026, 23:00 GMT (UTC+00:00)", "Sonntag, 29. März 2026, 03:00 BST (UTC+01:00)"),
         ("Samstag, 28. März 2026, 23:00", "Sonntag, 29. März 2026, 02:00 UTC")),
    ],
)
def test_local_and_utc_times_on_the_event_page(site, relpath, local, utc):
    details = site.html(relpath).find("dl", class_="event-details")
    assert tuple(t.text for t in details.find("dd", class_="when-local").find_all("time")) == local
    assert tuple(t.text for t in details.find("dd", class_="when-utc").find_all("time")) == utc


def test_time_elements_carry_offsets(site):
    details = site.html("events/night-vigil.html").find("dl", class_="event-details")
    local = [t["datetime"] for t in details.find("dd", class_="when-local").find_all("time")]
    assert local == ["2026-03-28T23:00:00+00:00", "2026-03-29T03:00:00+01:00"]
    utc = [t["datetime"] for t in details.find("dd", class_="when-utc").find_all("time")]
    assert utc == ["2026-03-28T23:00Z", "2026-03-29T02:00Z"]


def test_event_page_shows_place_organiser_links_and_calendar(site):
    page = site.html("events/hk-forum.html")
    where = page.find("dd", class_="where").text
    assert "Example Hall" in where and "Hong Kong SAR China" in where and "Online" in where
    assert page.find("a", string="Join online")["href"] == "https://meet.example.org/forum"
    add = page.find("a", string="Add to calendar")
    assert resolve("events/hk-forum.html", add["href"]) == "events/hk-forum.ics"
    vigil = site.html("events/night-vigil.html")
    assert "Fixture Group London" in vigil.find("dl", class_="event-details").text
    zh = site.html("zh-hant/events/night-vigil.html")
    assert zh.find("a", string="加入日曆")["href"] == "../events/night-vigil.ics"
    assert "示例廣場" in zh.find("dd", class_="where").text


def test_translation_inherits_fields_from_original(site):
    # night-vigil.zh-hant.md gives no start, end, zone or country.
    details = site.html("zh-hant/events/night-vigil.html").find("dd", class_="when-local")
    assert details.time["datetime"] == "2026-03-28T23:00:00+00:00"
    assert "英國" in site.html("zh-hant/events/night-vigil.html").find("dd", class_="where").text


def read_ics(site, relpath):
    return icalendar.Calendar.from_ical((site.output / relpath).read_bytes())


@pytest.mark.parametrize(
    "slug,zone,start_utc,end_utc,status",
    [
        ("night-vigil", "Europe/London", (2026, 3, 28, 23, 0), (2026, 3, 29, 2, 0), "CONFIRMED"),
        ("hk-forum", "Asia/Hong_Kong", (2026, 6, 4, 11, 30), (2026, 6, 4, 13, 30), "CONFIRMED"),
        ("la-rally", "America/Los_Angeles", (2026, 4, 19, 1, 0), (2026, 4, 19, 3, 0), "CANCELLED"),
        ("postponed-talk", "America/Toronto", (2026, 7, 1, 22, 0), (2026, 7, 2, 0, 0), "TENTATIVE"),
    ],
)
def test_ics_parses_back_to_the_right_instants(site, slug, zone, start_utc, end_utc, status):
    for prefix in PREFIXES:
        cal = read_ics(site, f"{prefix}events/{slug}.ics")
        timezones = cal.walk("VTIMEZONE")
        assert [str(tz["TZID"]) for tz in timezones] == [zone]
        (event,) = cal.walk("VEVENT")
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.astimezone(UTC) == datetime.datetime(*start_utc, tzinfo=UTC)
        assert end.astimezone(UTC) == datetime.datetime(*end_utc, tzinfo=UTC)
        assert event["DTSTART"].params["TZID"] == zone
        assert str(event["UID"]) == f"{slug}@solidarity-campaign"
        assert str(event["STATUS"]) == status
        assert event.decoded("DTSTAMP") == datetime.datetime(2026, 3, 1, tzinfo=UTC)
        assert "SEQUENCE" in event
        assert "URL" not in event  # no CANONICAL_URL in the fixture settings


def test_vtimezone_rules_match_zoneinfo(site):
    """The VTIMEZONE alone (not the TZID name) gives the right offsets."""
    cal = read_ics(site, "events/night-vigil.ics")
    (vtimezone,) = cal.walk("VTIMEZONE")
    tz = vtimezone.to_tz()
    london = zoneinfo.ZoneInfo("Europe/London")
    for naive in (datetime.datetime(2026, 3, 28, 23), datetime.datetime(2026, 3, 29, 3)):
        assert naive.replace(tzinfo=tz).utcoffset() == naive.replace(tzinfo=london).utcoffset()


def test_ics_text_in_the_language(site):
    (event,) = read_ics(site, "zh-hant/events/hk-forum.ics").walk("VEVENT")
    assert str(event["SUMMARY"]) == "香港論壇"
    assert str(event["LOCATION"]) == "示例禮堂, 香港, 中國香港特別行政區"
    assert "網上參與: https://meet.example.org/forum" in str(event["DESCRIPTION"])
    (event,) = read_ics(site, "events/hk-forum.ics").walk("VEVENT")
    assert str(event["LOCATION"]) == "Example Hall, Hong Kong, Hong Kong SAR China"


def test_language_calendar_has_every_event_and_zone(site):
    for prefix in PREFIXES:
        cal = read_ics(site, prefix + "events/calendar.ics")
        uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
        assert sorted(uids) == sorted(f"{s}@solidarity-campaign" for s in UPCOMING + PAST)
        assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
            "America/Los_Angeles", "America/New_York", "America/Toronto", "Asia/Hong_Kong",
            "Europe/Berlin", "Europe/London",
        ]
    index = site.html("events/index.html")
    link = index.find("a", type="text/calendar")
    assert resolve("events/index.html", link["href"]) == "events/calendar.ics"


def test_uids_equal_across_builds_and_languages(site, site_later):
    def uids(build):
        found = {}
        for prefix in PREFIXES:
            for event in read_ics(build, prefix + "events/calendar.ics").walk("VEVENT"):
                found.setdefault(str(event["UID"]), set()).add(prefix)
        return found

    first, later = uids(site), uids(site_later)
    assert first == later
    assert all(langs == set(PREFIXES) for langs in first.values())


def test_same_epoch_gives_the_same_bytes(site, site_again):
    files = sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("*") if p.is_file())
    assert any(name.endswith(".ics") for name in files)
    for name in files:
        assert (site.output / name).read_bytes() == (site_again.output / name).read_bytes(), name


def jsonld(site, relpath):
    scripts = site.html(relpath).find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


@pytest.mark.parametrize(
    "slug,status,mode",
    [
        ("night-vigil", "EventScheduled", "OfflineEventAttendanceMode"),
        ("la-rally", "EventCancelled", "OfflineEventAttendanceMode"),
        ("postponed-talk", "EventPostponed", "OfflineEventAttendanceMode"),
        ("online-teachin", "EventMovedOnline", "OnlineEventAttendanceMode"),
        ("hk-forum", "EventScheduled", "MixedEventAttendanceMode"),
    ],
)
def test_jsonld_event(site, slug, status, mode):
    data = jsonld(site, f"events/{slug}.html")
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/" + status
    assert data["eventAttendanceMode"] == "https://schema.org/" + mode
    assert datetime.datetime.fromisoformat(data["startDate"]).utcoffset() is not None
    assert datetime.datetime.fromisoformat(data["endDate"]) > datetime.datetime.fromisoformat(data["startDate"])


def test_jsonld_details(site):
    vigil = jsonld(site, "events/night-vigil.html")
    assert vigil["startDate"] == "2026-03-28T23:00:00+00:00"
    assert vigil["endDate"] == "2026-03-29T03:00:00+01:00"
    assert vigil["location"]["@type"] == "Place"
    assert vigil["location"]["address"]["addressCountry"] == "GB"
    assert vigil["organizer"] == {"@type": "Organization", "name": "Fixture Group London"}
    forum = jsonld(site, "zh-hant/events/hk-forum.html")
    assert forum["name"] == "香港論壇"
    assert forum["location"][1] == {"@type": "VirtualLocation", "url": "https://meet.example.org/forum"}
    berlin = jsonld(site, "de/events/berlin-letters.html")
    assert berlin["location"]["name"] == "Berlin"
    assert "streetAddress" not in berlin["location"]["address"]


def test_private_address_appears_nowhere(site):
    for path in site.output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert "Geheimstraße".encode() not in data, path
            assert b"Hinterhof" not in data, path
    page = site.html("events/berlin-letters.html")
    assert "Berlin, Germany" in page.find("dd", class_="where").text
    assert "only to people who register" in page.find("dd", class_="where").text
    (event,) = read_ics(site, "events/berlin-letters.ics").walk("VEVENT")
    assert str(event["LOCATION"]) == "Berlin, Germany"


def test_home_page_shows_next_events(site):
    home = site.html("index.html")
    events = home.find("h2", id="next-events").parent
    assert slugs(events) == UPCOMING
    assert resolve("index.html", events.find("a", string="All events")["href"]) == "events/index.html"


def test_everything_past_invites_to_get_in_touch(site_later):
    for prefix in PREFIXES:
        page = site_later.html(prefix + "events/index.html")
        upcoming = section(page, "upcoming")
        assert upcoming.find("li") is None
        invite = upcoming.find("p", class_="no-events")
        # The fixture has an English contact page only: every language links to it.
        assert resolve(prefix + "events/index.html", invite.a["href"]) == prefix + "contact.html"
        assert slugs(section(page, "past")) == ["postponed-talk", "hk-forum", "online-teachin", "la-rally",
                                                "night-vigil", "berlin-letters", "toronto-talk"]
    assert "Get in touch if you want to organise one." in site_later.html("events/index.html").text
    assert "如果你想籌辦活動，請聯絡我們。" in site_later.html("zh-hant/events/index.html").text


def test_no_dangling_links(site):
    assert_no_dangling_links(site)


def test_events_page_without_events(build):
    """A site with no events still has the events page, linked from the nav and home page."""
    result = build("multilang")
    assert result.returncode == 0, result.log
    for prefix in PREFIXES:
        page = result.html(prefix + "events/index.html")
        assert section(page, "upcoming").find("p", class_="no-events") is not None
        nav = result.html(prefix + "index.html").find("nav", class_="site-nav")
        assert any(resolve(prefix + "index.html", a["href"]) == prefix + "events/index.html"
                   for a in nav.find_all("a"))
        assert (result.output / prefix / "events" / "calendar.ics").is_file()


def test_site_url_setting_gives_absolute_urls(build, tmp_path):
    result = build("events", 'CANONICAL_URL = "https://campaign.example/"\n',
                   env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.log
    (event,) = read_ics(result, "de/events/night-vigil.ics").walk("VEVENT")
    assert str(event["URL"]) == "https://campaign.example/de/events/night-vigil.html"
    assert jsonld(result, "events/night-vigil.html")["url"] == "https://campaign.example/events/night-vigil.html"
    # Pages themselves stay relative: every link a reader follows or loads.
    # Only what names the canonical copy to machines is absolute (the
    # canonical and hreflang links of the head, plugins/discovery).
    page = result.html("events/index.html")
    for element in page.find_all(["a", "link", "img", "script"]):
        url = element.get("href") or element.get("src") or ""
        if element.name == "link" and ({"canonical"} & set(element["rel"]) or element.get("hreflang")):
            assert url.startswith("https://campaign.example/"), element
        else:
            assert "campaign.example" not in url, element


def test_unknown_setting_key_is_reported(build):
    result = build("events", 'EVENTS = {"siteurl": "x"}\n', env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 1
    assert "events: unknown EVENTS key 'siteurl'" in result.log


BAD = [
    "content/events/unparseable.en.md:3: Event-start '9 June 2021 7pm' is not a date and time; "
    "write the time at the event as YYYY-MM-DD HH:MM, e.g. `Event-start: 2021-06-09 19:00`",
    "content/events/london.en.md:7: Event-timezone must be an IANA zone name, got 'BST' (try 'Europe/London')",
    "content/events/backwards.en.md:4: Event-end 2026-06-01 17:00 is before Event-start 2026-06-01 19:00; "
    "an event ends after it starts",
    "content/events/country.en.md:6: Event-country must be an ISO 3166-1 alpha-2 code such as GB, HK or US, "
    "got 'UK' (the United Kingdom is 'GB')",
    "content/events/link.en.md:5: Event-register must be an https:// link, got 'http://register.example.org/'",
    "content/events/moved.de.md:3: Event-start '2026-06-02 19:00' differs from '2026-06-01 19:00' in the "
    "original, content/events/moved.en.md; a translation keeps the original's Event-start "
    "(leave the line out to inherit it)",
    # Not an event problem: reported in the same run.
    "content/statements/hello.md:3: unknown Lang 'xx'",
]


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("events-bad"), FIXTURES / "events-bad" / "content")


@pytest.mark.parametrize("message", BAD, ids=[m.split(":")[0].rsplit("/", 1)[-1] for m in BAD])
def test_bad_input_message(bad, message):
    assert message in bad.log


def test_bad_input_all_at_once_exit_1_no_traceback(bad):
    assert bad.returncode == 1
    assert "7 problems" in bad.log
    assert "Traceback" not in bad.log
    assert not (bad.output / "index.html").exists()
    assert not (bad.output / "events").exists()


def write_event(folder, name, body):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")


@pytest.mark.parametrize(
    "lines,message",
    [
        ("Event-start: 2026-06-01 19:00\nEvent-timezone: europe/london\n",
         "3: Event-timezone must be an IANA zone name, got 'europe/london' (try 'Europe/London')"),
        ("Event-start: 2026-06-01 19:00\nEvent-timezone: HKT\n",
         "3: Event-timezone must be an IANA zone name, got 'HKT' (try 'Asia/Hong_Kong')"),
        ("Event-start: 2026-03-29 01:30\nEvent-timezone: Europe/London\n",
         "2: Event-start 2026-03-29 01:30 does not exist in Europe/London"),
        ("Event-timezone: Europe/London\n", "1: missing Event-start"),
        ("Event-start: 2026-06-01 19:00\nEvent-timezone: Europe/London\nEvent-status: canceled\n",
         "4: Event-status must be one of scheduled, cancelled, postponed, moved-online, got 'canceled'"),
        ("Event-start: 2026-06-01 19:00\nEvent-timezone: Europe/London\nEvent-duration: two hours\n",
         "4: Event-duration 'two hours' is not a length"),
        ("Event-start: 2026-06-01 19:00\nEvent-timezone: Europe/London\nEvent-city: Leeds\n",
         "4: Event-city needs Event-country"),
        ("Event-start: 2026-06-01 19:00\nEvent-timezone: Europe/London\nEvent-venue: Hall\n",
         "4: unknown field Event-venue"),
    ],
)
def test_more_bad_fields(build, tmp_path, lines, message):
    write_event(tmp_path / "content" / "events", "x.en.md", "Title: X\n" + lines + "Date: 2026-01-01\n\nText.\n")
    result = build(tmp_path / "content")
    assert result.returncode == 1, result.log
    assert "content/events/x.en.md:" + message in result.log
    assert "Traceback" not in result.log


def test_an_event_without_an_end_is_valid_and_invents_none(build, tmp_path):
    """Issue 11: no end is known, so none is made up: no warning (the strict build passes), the page
    says from when, the calendar entry has DTSTART alone (RFC 5545 3.6.1) and JSON-LD no endDate."""
    write_event(tmp_path / "content" / "events", "x.en.md",
                "Title: X\nDate: 2026-01-01\nEvent-start: 2026-06-01 19:00\nEvent-timezone: Asia/Hong_Kong\n\nText.\n")
    strict = build(tmp_path / "content")
    assert strict.returncode == 0, strict.log  # --fatal warnings, as `invoke build`
    assert "WARNING" not in strict.log and "assuming" not in strict.log
    (event,) = read_ics(strict, "events/x.ics").walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(2026, 6, 1, 19, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Hong_Kong"))
    assert "DTEND" not in event and "DURATION" not in event
    raw = (strict.output / "events/x.ics").read_text(encoding="utf-8")
    assert "DTEND" not in raw and "DURATION" not in raw
    assert "endDate" not in jsonld(strict, "events/x.html")
    local = strict.html("events/x.html").find("dd", class_="when-local")
    assert local.get_text(" ", strip=True).startswith("from Monday, 1 June 2026, 19:00 HKT")
    assert len(local.find_all("time")) == 1


def test_the_old_default_duration_setting_is_refused_with_the_reason(build, tmp_path):
    write_event(tmp_path / "content" / "events", "x.en.md",
                "Title: X\nDate: 2026-01-01\nEvent-start: 2026-06-01 19:00\nEvent-timezone: Asia/Hong_Kong\n\nText.\n")
    result = build(tmp_path / "content", 'EVENTS = {"default_duration": "2h"}\n')
    assert result.returncode == 1
    assert "EVENTS['default_duration'] is no longer used" in result.log and "Traceback" not in result.log


# ---------------------------------------------------------------- the real events

def real_events():
    """{slug: fields} of every event of the real content, from the version the others inherit from
    (the first language of the table that has the slug), with the start and end as aware datetimes."""
    events = {}
    for (folder, slug), by_lang in content_versions().items():
        if folder != "events":
            continue
        fields = by_lang[next(code for code in pelicanconf.LANGUAGES if code in by_lang)]
        tz = zoneinfo.ZoneInfo(fields["event-timezone"])
        start = datetime.datetime.fromisoformat(fields["event-start"]).replace(tzinfo=tz)
        if "event-end" in fields:
            end_text = fields["event-end"]
            if len(end_text) <= 5:  # HH:MM on the start's day
                end_text = f"{start:%Y-%m-%d} {end_text}"
            end = datetime.datetime.fromisoformat(end_text).replace(tzinfo=tz)
        elif "event-duration" in fields:  # elapsed time
            parts = {unit: int(n) for n, unit in re.findall(r"(\d+)\s*(d|h|m)", fields["event-duration"])}
            delta = datetime.timedelta(days=parts.get("d", 0), hours=parts.get("h", 0), minutes=parts.get("m", 0))
            end = (start.astimezone(UTC) + delta).astimezone(tz)
        else:  # no end known (issue 11): none is invented
            end = None
        place = bool(fields.get("event-city") or fields.get("event-country"))
        moved = fields.get("event-status") == "moved-online"
        online = bool(fields.get("event-online")) or moved or not place
        mode = "Mixed" if online and place and not moved else "Online" if online else "Offline"
        # Past once it ended, or without an end once its day at the event is over.
        over = end or datetime.datetime.combine(start.date() + datetime.timedelta(days=1), datetime.time(0), tz)
        events[slug] = {**fields, "start": start, "end": end, "over": over, "mode": mode}
    return events


def test_real_content_has_events():
    assert real_events(), "the rules below need at least one event in content/events/"


@pytest.mark.parametrize("code, prefix", sorted(language_folders().items()))
def test_every_real_event_is_listed_and_timed_in_every_language(real_site, code, prefix):
    """Upcoming or past by the build's time; the same instant in the page, its JSON-LD and its calendar."""
    built = datetime.datetime.fromtimestamp(json.loads((real_site.output / "trace.json").read_text())["epoch"], UTC)
    events = real_events()
    page = real_site.html(prefix + "events/index.html")
    upcoming = sorted((e["start"].astimezone(UTC), slug) for slug, e in events.items() if e["over"] > built)
    past = sorted(((e["start"].astimezone(UTC), slug) for slug, e in events.items() if e["over"] <= built),
                  reverse=True)
    assert slugs(section(page, "upcoming")) == [slug for _start, slug in upcoming]
    assert slugs(section(page, "past")) == [slug for _start, slug in past]
    locale = pelicanconf.LANGUAGES[code]["locale"]
    for slug, event in events.items():
        (vevent,) = read_ics(real_site, f"{prefix}events/{slug}.ics").walk("VEVENT")
        assert vevent.decoded("DTSTART").astimezone(UTC) == event["start"].astimezone(UTC), slug
        if event["end"] is None:
            assert "DTEND" not in vevent and "DURATION" not in vevent, slug
        else:
            assert vevent.decoded("DTEND").astimezone(UTC) == event["end"].astimezone(UTC), slug
        data = jsonld(real_site, f"{prefix}events/{slug}.html")
        assert data["startDate"] == event["start"].isoformat(), slug
        assert data.get("endDate") == (event["end"].isoformat() if event["end"] else None), slug
        assert data["eventAttendanceMode"] == f"https://schema.org/{event['mode']}EventAttendanceMode", slug
        local = real_site.html(f"{prefix}events/{slug}.html").find("dd", class_="when-local")
        assert local.time["datetime"] == event["start"].isoformat(), slug
        # The date at the event, written out in the page's language.
        assert local.time.text.startswith(format_date(event["start"].date(), "full", locale=locale)), slug
