"""iCalendar (RFC 5545) files, written with the icalendar library.

Everything in a file comes from the content and the build's time, in a fixed
order, so that one commit and one SOURCE_DATE_EPOCH give the same bytes.
"""

import datetime


ICS_STATUS = {
    "scheduled": "CONFIRMED",
    "cancelled": "CANCELLED",
    "postponed": "TENTATIVE",
    "moved-online": "CONFIRMED",
}
PRODID = "-//Solidarity Against Repression in China & Hong Kong//events//EN"


def uid(event, domain):
    """The same for every language and build: calendars update, not duplicate."""
    return f"{event.slug}@{domain}"


def vevent(item, stamp, conf, absolute_url):
    """One VEVENT for `item`, a view (see plugin.EventView)."""
    from icalendar import Event

    event = item.data
    component = Event()
    component.add("uid", uid(event, conf["uid_domain"]))
    component.add("dtstamp", stamp)
    component.add("dtstart", event.start)
    if event.end is not None:  # without it the entry is DTSTART alone (RFC 5545, 3.6.1)
        component.add("dtend", event.end)
    component.add("summary", item.title_text)
    component.add("status", ICS_STATUS[event.status])
    component.add("sequence", event.sequence)
    if item.place_text:
        component.add("location", item.place_text)
    if item.description:
        component.add("description", item.description)
    if absolute_url:
        component.add("url", absolute_url)
    return component


def calendar(items, stamp, conf, name, url_of):
    """A VCALENDAR with every item's VEVENT and one VTIMEZONE per zone used."""
    # (Imported when a calendar is written, by the process that writes it,
    # not at the start of every build.)
    from icalendar import Calendar, Timezone

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    # Each zone's rules for the years its events need, not 1970-2038.
    zones = {}
    for item in items:
        event = item.data
        end_year = (event.end or event.start).year
        tz, first, last = zones.get(event.tz.key, (event.tz, event.start.year, end_year))
        zones[event.tz.key] = (tz, min(first, event.start.year), max(last, end_year))
    for key in sorted(zones):
        tz, first, last = zones[key]
        cal.add_component(Timezone.from_tzinfo(
            tz, tzid=key,
            first_date=datetime.date(first, 1, 1), last_date=datetime.date(last + 1, 1, 1),
        ))
    for item in items:
        cal.add_component(vevent(item, stamp, conf, url_of(item)))
    return cal.to_ical()
