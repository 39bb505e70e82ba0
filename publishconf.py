"""Publishing settings: everything from pelicanconf.py, plus feeds.

URLs stay relative (RELATIVE_URLS from pelicanconf.py): the same files are
published on many mirrors, sub-paths and file://, so no absolute SITEURL.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

# One Atom feed per language, written inside each language's folder.
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
DELETE_OUTPUT_DIRECTORY = True
