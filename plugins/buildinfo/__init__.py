"""What build this is: its time, commit and id, for every other plugin.

"Upcoming" events, feed and archive dates, the manifest, the trace file and
the footer all need one notion of the build's time.  It comes from
SOURCE_DATE_EPOCH when set (so that two builds of one commit are
byte-identical) and from the clock otherwise; it is taken once per build.
"""

from .buildinfo import BuildInfo, current, is_main_site, register  # noqa: F401
