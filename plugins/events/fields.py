"""Event-* fields: read from the raw files, checked, merged with the original.

Each rule is a small function that takes the raw value and returns the
parsed value or raises FieldError with the editor-facing message; ``scan``
runs them over every event file of the content, lets translations inherit
the fields that are not text from the original, and returns the parsed
events with every problem found, as content_checks Problems.
"""

import datetime
import functools
import os
import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sitecore import Problem, content_model
from sitecore.model import effective, meta_line

STATUSES = ("scheduled", "cancelled", "postponed", "moved-online")
YES = {"yes", "true", "1", "on"}
NO = {"no", "false", "0", "off", ""}
DATETIME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
DURATION_RE = re.compile(r"^(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*(?:m|min))?$")
# Fields a translation may translate; every other Event-* field is the
# original's, inherited when left out.
TEXT_FIELDS = ("location", "city", "organiser")
# Fields a translation may not change (an error when it gives another value).
FIXED_FIELDS = (("start", "Event-start"), ("timezone", "Event-timezone"), ("status", "Event-status"))
KNOWN = {
    "event-start", "event-end", "event-duration", "event-timezone", "event-location",
    "event-city", "event-country", "event-online", "event-register", "event-organiser",
    "event-status", "event-address-private", "event-sequence",
}


class FieldError(ValueError):
    """One field's value is wrong; the message says how to fix it."""


@functools.lru_cache(maxsize=None)
def zone(name):
    """The named zone from the pinned tzdata package, the same on every machine."""
    if name not in zone_names():
        raise zoneinfo.ZoneInfoNotFoundError(name)
    resource = importlib.resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with resource.open("rb") as handle:
        return zoneinfo.ZoneInfo.from_file(handle, key=name)


@functools.lru_cache(maxsize=None)
def zone_names():
    text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


@functools.lru_cache(maxsize=None)
def canonical_zones():
    """Zone names of zone1970.tab: one per region, as tz maintainers recommend."""
    text = importlib.resources.files("tzdata.zoneinfo").joinpath("zone1970.tab").read_text(encoding="utf-8")
    names = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            names.append(line.split("\t")[2])
    return tuple(sorted(set(names)))


@functools.lru_cache(maxsize=None)
def country_codes():
    """ISO 3166-1 alpha-2 codes, from tzdata's iso3166.tab."""
    text = importlib.resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text(encoding="utf-8")
    return frozenset(line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#"))


def suggest_zones(value, year):
    """Zone names an editor probably meant by `value` (at most three)."""
    wanted = value.strip().lower().replace(" ", "_")
    by_case = [name for name in zone_names() if name.lower() == wanted]
    if by_case:
        return by_case
    by_city = [name for name in canonical_zones() if name.lower().rsplit("/", 1)[-1] == wanted]
    if by_city:
        return by_city
    # An abbreviation such as BST, HKT or EST: zones using it in that year.
    instants = [datetime.datetime(year, month, 15, 12, tzinfo=datetime.timezone.utc) for month in (1, 7)]
    found = []
    for name in canonical_zones():
        tz = zone(name)
        if any(instant.astimezone(tz).tzname().lower() == value.strip().lower() for instant in instants):
            found.append(name)
    return found[:3]


def parse_timezone(value, year):
    """'Event-timezone' must be an IANA zone name such as Europe/London."""
    try:
        return zone(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        hints = suggest_zones(value, year)
        hint = ""
        if hints:
            quoted = [repr(name) for name in hints]
            hint = " (try " + (" or ".join(quoted) if len(quoted) < 3 else ", ".join(quoted[:-1]) + " or " + quoted[-1]) + ")"
        raise FieldError(
            f"Event-timezone must be an IANA zone name, got {value!r}{hint}"
        ) from exc


def parse_wallclock(name, value):
    """'Event-start'/'Event-end' are the wall-clock time at the event, YYYY-MM-DD HH:MM."""
    match = DATETIME_RE.match(value.strip())
    if match:
        try:
            return datetime.datetime(*(int(part or 0) for part in match.groups()))
        except ValueError:
            pass
    raise FieldError(
        f"{name} {value!r} is not a date and time; write the time at the event as "
        f"YYYY-MM-DD HH:MM, e.g. `{name}: 2021-06-09 19:00`"
    )


def localize(name, naive, tz):
    """Attach the zone; a time skipped by a daylight-saving change is an error."""
    aware = naive.replace(tzinfo=tz)
    back = aware.astimezone(datetime.timezone.utc).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise FieldError(
            f"{name} {naive:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip it "
            "(daylight-saving change); give a time before or after the change"
        )
    return aware


def parse_duration(value):
    """'Event-duration' is a length such as 2h, 90m or 1h30m."""
    match = DURATION_RE.match(value.strip().lower())
    if not value.strip() or not match or not any(match.groupdict().values()):
        raise FieldError(f"Event-duration {value!r} is not a length; write it like 2h, 90m or 1h30m")
    parts = {key: int(number or 0) for key, number in match.groupdict().items()}
    length = datetime.timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"])
    if not length:
        raise FieldError(f"Event-duration {value!r} must be longer than zero")
    return length


def parse_country(value):
    """'Event-country' is an ISO 3166-1 alpha-2 code such as GB or HK."""
    code = value.strip().upper()
    if code not in country_codes():
        hint = " (the United Kingdom is 'GB')" if code == "UK" else ""
        raise FieldError(
            f"Event-country must be an ISO 3166-1 alpha-2 code such as GB, HK or US, got {value!r}{hint}"
        )
    return code


def parse_link(name, value):
    """'Event-online' and 'Event-register' are https links."""
    parts = urlsplit(value.strip())
    if parts.scheme != "https" or not parts.netloc or any(ch.isspace() for ch in value.strip()):
        raise FieldError(f"{name} must be an https:// link, got {value!r}")
    return value.strip()


def parse_status(value):
    """'Event-status' is scheduled, cancelled, postponed or moved-online."""
    status = value.strip().lower()
    if status not in STATUSES:
        raise FieldError(f"Event-status must be one of {', '.join(STATUSES)}, got {value!r}")
    return status


def parse_flag(name, value):
    """'Event-address-private' is yes or no."""
    flag = value.strip().lower()
    if flag in YES:
        return True
    if flag in NO:
        return False
    raise FieldError(f"{name} must be yes or no, got {value!r}")


def parse_sequence(value):
    """'Event-sequence' is the revision number calendars compare, 0 or more."""
    if not value.strip().isdigit():
        raise FieldError(f"Event-sequence must be a whole number (0, 1, 2...), got {value!r}")
    return int(value.strip())


@dataclass
class Event:
    """One language version of an event, every field parsed and inherited."""

    source_path: str  # absolute, as Pelican's Article.source_path
    path: str  # as shown to the editor
    slug: str
    lang: str
    start: datetime.datetime  # aware, in `tz`
    end: datetime.datetime | None  # aware, in `tz`; None when no end is known
    tz: zoneinfo.ZoneInfo
    status: str = "scheduled"
    location: str = ""
    city: str = ""
    country: str = ""
    online_url: str = ""
    register_url: str = ""
    organiser: str = ""
    private: bool = False
    sequence: int = 0
    city_key: str = ""  # the original's city, to group translations together

    @property
    def over_at(self):
        """When the event counts as past: its end, or without one the end of
        its start's day at the event (midnight there), so that an evening
        event stays listed, with its links, until that day is over."""
        if self.end is not None:
            return self.end
        next_day = self.start.date() + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time(0), tzinfo=self.tz)

    @property
    def online(self):
        """Online when it has an online link, moved online, or has no place."""
        return bool(self.online_url) or self.status == "moved-online" or not (self.city or self.country)

    @property
    def in_place(self):
        return bool(self.city or self.country) and self.status != "moved-online"

    @property
    def shown_location(self):
        """The venue, unless its address is private (then only the city shows)."""
        return "" if self.private else self.location


@dataclass
class Raw:
    """One file's Event-* values as written, with their lines."""

    source: object  # sitecore.model Source
    abspath: str
    slug: str
    lang: str
    values: dict = field(default_factory=dict)  # field name -> (value, line)


def read_raw(settings, category):
    """The Raw of every file of the events section: its folder, or `Category: events`."""
    raws = []
    for source in content_model(settings).sources:
        if source.kind != "article":
            continue  # undecodable files are not in the model: content_checks reports them
        path = source.abs_path
        in_folder = source.section == category
        declared = source.metadata.get("category", ("", 0))[0].strip().lower()
        if not (declared == category or (in_folder and not declared)):
            continue
        slug = effective(source, "slug", source.name_slug)
        lang = effective(source, "lang", source.name_lang)
        if not slug or not lang or lang not in settings["LANGUAGES"]:
            continue  # content_checks reports these
        values = {key[len("event-"):]: value for key, value in source.metadata.items() if key.startswith("event-")}
        raws.append(Raw(source, os.path.abspath(path), slug, lang, values))
    return raws


def parse_one(raw):
    """(fields dict, problems) for one file's own Event-* values."""
    problems = []
    path = raw.source.path
    values = raw.values
    out = {}

    def fail(key, message):
        problems.append(Problem(path, values[key][1], message))

    for key in values:
        if "event-" + key not in KNOWN:
            known = ", ".join(sorted(name.capitalize() for name in KNOWN))
            problems.append(Problem(path, values[key][1], f"unknown field Event-{key}; known fields: {known}"))

    year = datetime.date.today().year
    start_naive = None
    if "start" in values:
        try:
            start_naive = parse_wallclock("Event-start", values["start"][0])
            year = start_naive.year
        except FieldError as exc:
            fail("start", str(exc))
    if "timezone" in values:
        try:
            out["timezone"] = parse_timezone(values["timezone"][0].strip(), year)
        except FieldError as exc:
            fail("timezone", str(exc))
    if start_naive is not None:
        out["start_naive"] = start_naive
    simple = (
        ("country", parse_country),
        ("online", lambda v: parse_link("Event-online", v)),
        ("register", lambda v: parse_link("Event-register", v)),
        ("status", parse_status),
        ("address-private", lambda v: parse_flag("Event-address-private", v)),
        ("sequence", parse_sequence),
        ("duration", parse_duration),
    )
    for key, rule in simple:
        if key in values:
            try:
                out[key] = rule(values[key][0])
            except FieldError as exc:
                fail(key, str(exc))
    if "end" in values:
        text = values["end"][0].strip()
        match = TIME_RE.match(text)
        try:
            if match and start_naive is not None:
                out["end_naive"] = start_naive.replace(hour=int(match[1]), minute=int(match[2]))
            else:
                out["end_naive"] = parse_wallclock("Event-end", text)
        except (FieldError, ValueError) as exc:
            fail("end", str(exc) if isinstance(exc, FieldError) else
                 f"Event-end {text!r} is not a time; write it as YYYY-MM-DD HH:MM or HH:MM")
    for key in TEXT_FIELDS:
        if key in values:
            out[key] = values[key][0].strip()
    return out, problems


def build_event(raw, own, original, original_raw, problems):
    """Merge a file's own fields over the original's; check what needs both."""
    path = raw.source.path
    fields = {**(original or {}), **own} if original is not None else dict(own)

    def line_of(key):
        return meta_line(raw.source, "event-" + key) if key in raw.values else 1

    if original is not None:
        for key, name in FIXED_FIELDS:
            mine = own.get(key if key != "start" else "start_naive")
            theirs = original.get(key if key != "start" else "start_naive")
            if mine is None or theirs is None:
                continue
            if key == "timezone":
                mine, theirs = mine.key, theirs.key
            if key == "start":
                mine, theirs = f"{mine:%Y-%m-%d %H:%M}", f"{theirs:%Y-%m-%d %H:%M}"
            if mine != theirs:
                problems.append(Problem(
                    path, line_of(key),
                    f"{name} {mine!r} differs from {theirs!r} in the original, {original_raw.source.path}; "
                    f"a translation keeps the original's {name} (leave the line out to inherit it)",
                ))
    for key, name in (("start", "Event-start"), ("timezone", "Event-timezone")):
        if key not in raw.values and (original_raw is None or key not in original_raw.values):
            problems.append(Problem(
                path, 1,
                f"missing {name}; add a line such as `{name}: "
                f"{'2021-06-09 19:00' if key == 'start' else 'Europe/London'}` before the first blank line",
            ))
    if "end" in raw.values and "duration" in raw.values:
        problems.append(Problem(path, line_of("duration"), "give Event-end or Event-duration, not both"))
    if fields.get("city") and not fields.get("country") and "country" not in raw.values:
        problems.append(Problem(path, line_of("city"), "Event-city needs Event-country, an ISO 3166-1 alpha-2 code such as GB"))
    if fields.get("address-private") and not fields.get("city"):
        problems.append(Problem(
            path, line_of("address-private"),
            "Event-address-private needs Event-city: the city is all the site shows of the place",
        ))
    tz = fields.get("timezone")
    start_naive = fields.get("start_naive")
    if tz is None or start_naive is None:
        return None
    try:
        start = localize("Event-start", start_naive, tz)
    except FieldError as exc:
        if "start" in raw.values:
            problems.append(Problem(path, line_of("start"), str(exc)))
        return None
    if fields.get("end_naive") is not None and not ("duration" in own and "end_naive" not in own):
        try:
            end = localize("Event-end", fields["end_naive"], tz)
        except FieldError as exc:
            if "end" in raw.values:
                problems.append(Problem(path, line_of("end"), str(exc)))
            return None
    elif fields.get("duration") is not None:
        # Elapsed time: across a daylight-saving change the wall clock moves.
        end = (start.astimezone(datetime.timezone.utc) + fields["duration"]).astimezone(tz)
    else:
        # No end is known, and none is made up: the page says "from" the
        # start, the calendar entry has DTSTART alone (RFC 5545 allows it).
        end = None
    if end is not None and end <= start:
        if "end" in raw.values:
            problems.append(Problem(
                path, line_of("end"),
                f"Event-end {fields['end_naive']:%Y-%m-%d %H:%M} is "
                f"{'the same as' if end == start else 'before'} Event-start "
                f"{start_naive:%Y-%m-%d %H:%M}; an event ends after it starts",
            ))
        return None
    status = fields.get("status", "scheduled")
    sequence = fields.get("sequence", 0 if status == "scheduled" else 1)
    return Event(
        source_path=raw.abspath, path=path, slug=raw.slug, lang=raw.lang, start=start, end=end, tz=tz,
        status=status, location=fields.get("location", ""), city=fields.get("city", ""),
        country=fields.get("country", ""), online_url=fields.get("online", ""),
        register_url=fields.get("register", ""), organiser=fields.get("organiser", ""),
        private=fields.get("address-private", False), sequence=sequence,
        city_key=(original or own).get("city", "") or own.get("city", ""),
    )


def scan(settings, category):
    """({source_path: Event}, [Problem]) for every event file of the content."""
    raws = read_raw(settings, category)
    order = {code: index for index, code in enumerate(settings["LANGUAGES"])}
    groups = {}
    for raw in raws:
        groups.setdefault(raw.slug, []).append(raw)
    events = {}
    problems = []
    for slug in sorted(groups):
        group = sorted(groups[slug], key=lambda r: (order[r.lang], r.abspath))
        original_raw = group[0]
        original, found = parse_one(original_raw)
        problems.extend(found)
        for raw in group:
            if raw is original_raw:
                event = build_event(raw, original, None, None, problems)
            else:
                own, found = parse_one(raw)
                problems.extend(found)
                event = build_event(raw, own, original, original_raw, problems)
            if event is not None:
                events[raw.abspath] = event
    return events, problems
