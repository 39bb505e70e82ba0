"""Events -- protests, vigils, meetings -- as first-class content, with calendars.

Readers come to the site to find the next event near them and to put it in
their calendar, in their language, often without JavaScript and from a copy
on another host.  Event files are articles of the ``events`` category with
Event-* fields (named like the pelican-events plugin's).  This plugin checks
those fields before anything is built (every problem at once, as
``path:line: message``), lets translations inherit the fields that are not
text, and writes in every language an events page browsable by country and
city, one iCalendar file per event and one calendar with every event, and
the values the theme shows: local time with zone and offset, the same
instant in UTC, and schema.org JSON-LD.  "Upcoming" is judged against the
build's time (buildinfo), so that builds reproduce.
"""

from .plugin import register  # noqa: F401
