"""Signals, settings and the generator that writes the events pages and calendars."""

import datetime
import gettext as gettext_module
import json
import logging
import os

from babel import Locale
from babel.dates import format_date, format_time
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator
from pelican.utils import slugify

import sitecore
from buildinfo import current
from sitecore import STATE, ConfigError, collect, is_main_site, plugin_config
from sitecore.urls import absolute_url

from . import fields, ical

logger = logging.getLogger(__name__)

DEFAULTS = {
    # The article category (content folder) that holds events.
    "category": "events",
    # Right-hand part of every event's UID (<slug>@<uid_domain>): the same in
    # every language and build, so calendar programs update, not duplicate.
    "uid_domain": "solidarity-campaign",
    # Slug of the page the empty upcoming list links to ("get in touch").
    "contact_page": "contact",
    # Feed of the upcoming events in every language's folder, e.g.
    # "feeds/upcoming-events.atom.xml" (publishconf.py); "" writes none.
    "upcoming_feed": "",
}
JSONLD_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "moved-online": "https://schema.org/EventMovedOnline",
}


def config(settings):
    if "site_url" in (settings.get("EVENTS") or {}):
        # The one canonical address now serves calendars, feeds and links alike.
        raise ConfigError("events: EVENTS['site_url'] has moved: set CANONICAL_URL in pelicanconf.py instead")
    if "default_duration" in (settings.get("EVENTS") or {}):
        # An end nobody announced is an invented fact (readers would plan by it).
        raise ConfigError("events: EVENTS['default_duration'] is no longer used: an event without Event-end "
                          "or Event-duration has no end (its page says from when, its calendar entry has "
                          "only a start); remove the key")
    return plugin_config(settings, "EVENTS", DEFAULTS)


class _Scan:
    """One build's events: {abs path: Event} and their problems."""

    def __init__(self):
        self.results = {}  # content folder -> (events, problems)


def scan(settings):
    """({abs path: Event}, [Problem]) of the content, computed once per build."""
    conf = config(settings)
    store = STATE.slot("events", _Scan).results
    root = os.path.abspath(settings["PATH"])
    if root not in store:
        store[root] = fields.scan(settings, conf["category"])
    return store[root]


def check_events(settings):
    """sitecore.collect receiver: the events' problems, with the others'."""
    if not is_main_site(settings):
        return []
    _events, problems = scan(settings)
    return problems


def is_upcoming(event, settings):
    """Whether `event` is still to come (or going on) at build time.

    The one decision: listings, the event's page and conditional text
    (plugins/conditional) all ask here, so they cannot disagree.
    """
    return event.over_at > current(settings).time


def zone_label(moment):
    """'BST (UTC+01:00)'; zones without a real abbreviation give only the offset."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    text = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    name = moment.tzname() or ""
    if name and not name.startswith(("+", "-")) and name != "UTC":
        return f"{name} ({text})"
    return text


class EventView:
    """What the theme and the calendars show of one event, in one sub-site."""

    def __init__(self, article, event, settings, conf):
        self.data = event
        self.article = article
        self.locale = Locale.parse(settings["LANGUAGES"][settings["DEFAULT_LANG"]]["locale"])
        self.status = event.status
        self.online = event.online
        self.in_place = event.in_place
        self.private = event.private
        self.city = event.city
        self.country = event.country
        self.country_name = self.locale.territories.get(event.country, event.country) if event.country else ""
        self.location = event.shown_location
        self.organiser = event.organiser
        self.online_url = event.online_url
        self.register_url = event.register_url
        category = conf["category"]
        self.ics_url = f"{category}/{event.slug}.ics"
        self.start_iso = event.start.isoformat()
        self.end_iso = event.end.isoformat() if event.end else ""
        self.uid = ical.uid(event, conf["uid_domain"])
        self.absolute_url = absolute_url(settings, article.url)
        subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
        self.city_anchor = "city-" + (slugify(event.city_key or event.city, regex_subs=subs) or "unnamed")

    # -- dates and times, in the page's language -------------------------
    def _date(self, moment):
        return format_date(moment.date(), "full", locale=self.locale)

    def _time(self, moment):
        return format_time(moment.replace(tzinfo=None).time(), "short", locale=self.locale)

    def _datetime(self, date_text, time_text):
        pattern = self.locale.datetime_formats["medium"]
        pattern = getattr(pattern, "pattern", pattern).replace("'", "")
        return pattern.format(time_text, date_text)

    def _range(self, start, end, label):
        if end is None:
            return self._datetime(self._date(start), self._time(start)) + " " + label(start), None
        same_day = start.date() == end.date()
        start_text = self._datetime(self._date(start), self._time(start))
        start_zone, end_zone = label(start), label(end)
        if start_zone != end_zone:
            start_text += " " + start_zone
        end_text = self._time(end) if same_day else self._datetime(self._date(end), self._time(end))
        return start_text, end_text + " " + end_zone

    @property
    def date_full(self):
        """Weekday and date at the event, e.g. 2021年6月9日星期三."""
        return self._date(self.data.start)

    @property
    def start_short(self):
        """Start for listings: date, time and zone abbreviation."""
        return self._datetime(self._date(self.data.start), self._time(self.data.start)) + " " + zone_label(self.data.start)

    @property
    def local_range(self):
        """(start, end) texts in the event's local time, with zone and offset;
        end is None when the event has no known end."""
        return self._range(self.data.start, self.data.end, zone_label)

    @property
    def utc_range(self):
        utc = datetime.timezone.utc
        end = self.data.end.astimezone(utc) if self.data.end else None
        return self._range(self.data.start.astimezone(utc), end, lambda m: "UTC")

    @property
    def utc_start_iso(self):
        return self.data.start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")

    @property
    def utc_end_iso(self):
        if self.data.end is None:
            return ""
        return self.data.end.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")

    # -- text for the calendars --------------------------------------------
    @property
    def title_text(self):
        """The title as written: it is text, not HTML (markup in it is shown literally)."""
        return self.article.title

    @property
    def place_text(self):
        """Venue, city and country; only city and country when the address is private."""
        parts = [self.location, self.city, self.country_name]
        return ", ".join(part for part in parts if part)

    def description_text(self, gettext):
        lines = []
        summary = getattr(self.article, "summary", "") or ""
        if summary:
            lines.append(Markup(summary).striptags())
        if self.organiser:
            lines.append(f"{gettext('Organiser')}: {self.organiser}")
        if self.online_url:
            lines.append(f"{gettext('Join online')}: {self.online_url}")
        if self.register_url:
            lines.append(f"{gettext('Register')}: {self.register_url}")
        return "\n\n".join(lines)

    # -- structured data -------------------------------------------------------
    @property
    def jsonld(self):
        """schema.org Event as a JSON-LD data block (no script is executed)."""
        event = self.data
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title_text,
            "startDate": event.start.isoformat(),
            "eventStatus": JSONLD_STATUS[event.status],
        }
        if event.end is not None:
            data["endDate"] = event.end.isoformat()
        if event.online and event.in_place:
            data["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
        elif event.online:
            data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        else:
            data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        locations = []
        if event.in_place:
            address = {"@type": "PostalAddress"}
            if self.location:
                address["streetAddress"] = self.location
            if event.city:
                address["addressLocality"] = event.city
            if event.country:
                address["addressCountry"] = event.country
            locations.append({"@type": "Place", "name": self.location or event.city or self.country_name,
                              "address": address})
        if event.online:
            virtual = {"@type": "VirtualLocation"}
            if event.online_url:
                virtual["url"] = event.online_url
            elif event.location and not event.in_place:
                virtual["name"] = event.location
            locations.append(virtual)
        if locations:
            data["location"] = locations[0] if len(locations) == 1 else locations
        if event.organiser:
            data["organizer"] = {"@type": "Organization", "name": event.organiser}
        summary = getattr(self.article, "summary", "") or ""
        if summary:
            data["description"] = Markup(summary).striptags()
        data["inLanguage"] = self.article.settings["LANGUAGES"][event.lang]["bcp47"]
        if event.register_url:
            data["offers"] = {"@type": "Offer", "url": event.register_url}
        if self.absolute_url:
            data["url"] = self.absolute_url
        return Markup(script_json(data))


def script_json(data):
    """JSON that can sit inside <script>: no "</script>", "<!--" or "]]>" can appear.

    json.dumps leaves <, > and & as they are; written as \\u escapes they
    mean the same to a JSON parser and nothing to the HTML parser.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def articles_finalized(generator):
    """Events get their own listing (written by EventsGenerator), not a category page.

    Pelican writes a category's feed from the same list, so the category is
    kept aside for EventsGenerator to write the events feed.
    """
    category = config(generator.settings)["category"]
    kept = STATE.slot("events_category", dict)
    for entry in list(generator.categories):
        if entry[0].slug == category:
            generator.categories.remove(entry)
            kept[generator.settings["DEFAULT_LANG"]] = entry


def by_start(view):
    return (view.data.start.astimezone(datetime.timezone.utc), view.data.slug)


class EventsGenerator(Generator):
    """Event views in the context; events pages and .ics files in the output."""

    def generate_context(self):
        conf = config(self.settings)
        self.conf = conf
        events, _problems = scan(self.settings)  # reported by the main site
        now = current(self.settings).time
        views = []
        for article in self.context.get("articles", []):
            if article.category.slug != conf["category"]:
                continue
            event = events.get(os.path.abspath(article.source_path))
            if event is None:
                continue
            article.event = EventView(article, event, self.settings, conf)
            # Decided once, at build time: the listings and the event's own
            # page (its "took place" notice, its links, its conditional text) agree.
            article.event.upcoming = is_upcoming(event, self.settings)
            views.append(article.event)
        upcoming = sorted((v for v in views if v.upcoming), key=by_start)
        past = sorted((v for v in views if not v.upcoming), key=by_start, reverse=True)
        # What the build's time decides on event pages (sitecore.pages).
        sitecore.time_fact(f"events.upcoming.{self.settings['DEFAULT_LANG']}",
                           sorted(v.article.source_path for v in upcoming))
        self.views = views
        self.upcoming = upcoming
        self.past = past
        contact = [p for p in self.context.get("pages", []) if p.slug == conf["contact_page"]]
        category = conf["category"]
        self.context["upcoming_events"] = [v.article for v in upcoming]
        self.context["past_events"] = [v.article for v in past]
        self.context["events_index"] = {
            "section": category,
            "url": f"{category}/index.html",
            "calendar": f"{category}/calendar.ics",
            "contact": contact[0] if contact else None,
            "as_of": now,
        }
        # Folders this generator writes pages into: each gets its 404 page (portable).
        folders = {category}
        if any(view.in_place and view.country for view in views):
            folders.add(f"{category}/country")
        self.context.setdefault("PAGE_FOLDERS", set()).update(folders)

    def places(self, views):
        """[(country code, name, [city groups])], by country name then city."""
        countries = {}
        for view in views:
            if not view.in_place or not view.country:
                continue
            cities = countries.setdefault(view.country, {})
            group = cities.setdefault(view.city_anchor, {"anchor": view.city_anchor, "name": view.city,
                                                         "upcoming": [], "past": []})
            group["upcoming" if view.upcoming else "past"].append(view.article)
        result = []
        for code, cities in countries.items():
            name = self.views_locale().territories.get(code, code)
            groups = sorted(cities.values(), key=lambda g: (g["name"].casefold(), g["anchor"]))
            for group in groups:
                group["upcoming"].sort(key=lambda a: by_start(a.event))
                group["past"].sort(key=lambda a: by_start(a.event), reverse=True)
            result.append({"code": code, "slug": code.lower(), "name": name, "cities": groups,
                           "url": f"{self.conf['category']}/country/{code.lower()}.html",
                           "count": sum(len(g["upcoming"]) + len(g["past"]) for g in groups)})
        return sorted(result, key=lambda c: (c["name"].casefold(), c["code"]))

    def views_locale(self):
        return Locale.parse(self.settings["LANGUAGES"][self.settings["DEFAULT_LANG"]]["locale"])

    def write_page(self, writer, save_as, **extra):
        writer.write_file(
            save_as, self.get_template("events"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], output_file=save_as, **extra,
        )

    def translations(self):
        """The theme's catalog for this sub-site's language (the calendars' labels)."""
        settings = self.settings
        if settings["DEFAULT_LANG"] == settings.get("I18N_TEMPLATES_LANG", settings["DEFAULT_LANG"]) \
                and is_main_site(settings):
            return gettext_module.NullTranslations()
        return gettext_module.translation(
            settings.get("I18N_GETTEXT_DOMAIN", "messages"), settings["I18N_GETTEXT_LOCALEDIR"],
            [settings["DEFAULT_LANG"]], fallback=True,
        )

    def write_ics(self, save_as, views, name, gettext):
        for view in views:
            view.description = view.description_text(gettext)
        stamp = current(self.settings).time
        data = ical.calendar(views, stamp, self.conf, name, lambda view: view.absolute_url)
        path = os.path.join(self.output_path, save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)

    def generate_output(self, writer):
        category = self.conf["category"]
        places = self.places(self.views)
        online = [v for v in self.views if v.online]
        common = {
            "upcoming": [v.article for v in self.upcoming],
            "past": [v.article for v in self.past],
            "countries": places,
            "online_count": len(online),
            "online_url": f"{category}/online.html",
        }
        self.write_page(writer, f"{category}/index.html", events_view="index", **common)
        for country in places:
            self.write_page(writer, country["url"], events_view="country", country=country, **common)
        self.write_page(
            writer, f"{category}/online.html", events_view="online",
            online_upcoming=[v.article for v in self.upcoming if v.online],
            online_past=[v.article for v in self.past if v.online], **common,
        )
        gettext = self.translations().gettext
        name = f"{gettext('Solidarity Against Repression in China & Hong Kong')} – {gettext('Events')}"
        for view in sorted(self.views, key=lambda v: v.data.slug):
            self.write_ics(view.ics_url, [view], name, gettext)
        self.write_ics(f"{category}/calendar.ics", sorted(self.views, key=by_start), name, gettext)
        self.write_category_feeds(writer)

    def feed_entries(self, articles):
        """Events as feed entries: when (local time and UTC) and where, in the language."""
        template = self.env.get_template("partials/event_feed_summary.html")
        return [FeedEntry(article, template.render(self.context, item=article))
                for article in articles if getattr(article, "event", None) is not None]

    def write_category_feeds(self, writer):
        """The events category's feeds, as Pelican writes every other category's,
        and the feed of upcoming events."""
        entry = STATE.slot("events_category", dict).get(self.settings["DEFAULT_LANG"])
        if entry is not None:
            category, articles = entry
            for kind in ("ATOM", "RSS"):
                pattern = self.settings.get(f"CATEGORY_FEED_{kind}")
                if pattern:
                    url = self.settings.get(f"CATEGORY_FEED_{kind}_URL", str(pattern))
                    writer.write_feed(self.feed_entries(articles), self.context,
                                      str(pattern).format(slug=category.slug),
                                      url.format(slug=category.slug), feed_title=category.name,
                                      **({"feed_type": "rss"} if kind == "RSS" else {}))
        path = self.conf["upcoming_feed"]
        if path:
            gettext = self.translations().gettext
            writer.write_feed(self.feed_entries([view.article for view in self.upcoming]), self.context, path,
                              path, feed_title=gettext("Upcoming events"))


class FeedEntry:
    """An event article as Pelican's feed writer reads it, with the event's
    time and place as its summary (the writer reads title, url, date,
    summary, get_content and so on: everything else is the article's)."""

    def __init__(self, article, summary):
        self._article = article
        self.summary = Markup(summary)

    def __getattr__(self, name):
        return getattr(self._article, name)


def get_generators(pelican_obj):
    return EventsGenerator


def register():
    sitecore.connect()
    collect.connect(check_events)
    signals.article_generator_finalized.connect(articles_finalized)
    signals.get_generators.connect(get_generators)
