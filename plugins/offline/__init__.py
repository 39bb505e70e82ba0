"""Offline library copy: the whole site as one ZIM file, for Kiwix.

A zip must be unpacked and opened in a browser; a ZIM file is what Kiwix
readers open as it is, on Android, iOS and desktop, without a connection,
with a search of their own.  ``invoke publish`` writes ``site.zim``
(``sitetools/zim.py``) beside the archives; this plugin is the build's
half: in every language it writes the ZIM's metadata in that language
(title and description, through the theme's catalogs), and in the main
site the language list, the illustration (a 48x48 PNG of the favicon), the
canonical address and the settings, into the folder that ``invoke publish``
consumes (``sitecore.artefacts.PUBLISH_INPUTS``); and it gives the copies
page the ZIM's name.
"""

from .plugin import register  # noqa: F401
