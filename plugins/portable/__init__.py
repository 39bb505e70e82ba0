"""Every copy works anywhere: feeds and "not found" pages with relative links.

Pages already link relatively (RELATIVE_URLS).  Two kinds of output do not:

- Pelican's Atom feeds join links onto SITEURL, which i18n-subsites sets to
  a root-absolute "/de" (wrong on a sub-path mirror) and which is empty on
  the main site (so links resolve against the feed's own folder).  Feed
  readers resolve relative links against the feed's URL (RFC 4287, xml:base),
  so this plugin rewrites every link of a feed, in entries and in their HTML,
  relative to the feed file, and gives feeds and entries ``urn:uuid`` ids
  that are the same on every mirror and every build.
- A server answers a missing URL with the 404 page at the *requested* URL,
  so relative links on it resolve against the requested folder.  The 404
  page therefore carries its stylesheet inline (allowed by a hash in its
  CSP), so it looks right at any depth, and a 404 page is written into
  every folder of every language (e.g. ``de/statements/404.html``) whose
  links and icon are right for that folder; the server serves the 404 page
  of the requested folder (see README.md).
"""

from .portable import register  # noqa: F401
