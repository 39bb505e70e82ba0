"""Publishing settings: everything from pelicanconf.py, plus feeds.

URLs stay relative (RELATIVE_URLS from pelicanconf.py): the same files are
published on many mirrors, sub-paths and file://, so no absolute SITEURL.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

# One Atom feed per language, written inside each language's folder.
# FEED_ATOM holds the sub-site's own items (and its marked fallback copies);
# FEED_ALL_ATOM would add every translation of every item to each feed.
FEED_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
# Not a domain: "." makes Pelican write feed URLs relative to each sub-site's
# root, which the portable plugin turns into links relative to the feed file.
FEED_DOMAIN = "."
# Every language also gets the feed of its upcoming events (plugins/events).
EVENTS = {**EVENTS, "upcoming_feed": "feeds/upcoming-events.atom.xml"}  # noqa: F405
# `invoke publish` adds SHA256SUMS, manifest.json and the archives: link them.
INTEGRITY = {**INTEGRITY, "published": True}  # noqa: F405
DELETE_OUTPUT_DIRECTORY = True
