"""How the site is found and shared: feeds, search engines, link previews.

A link to the campaign travels through feed readers, messaging apps, social
posts and search engines, and each of them reads machine metadata, not the
page: a feed's title and language, a page's description, its canonical
address and translations, a preview's title and image.  This plugin gives
every language its own:

- feeds (Atom) titled with that language's site name and subtitle,
  ``xml:lang`` from the language table and the campaign as author;
- in every page's head (``partials/head_meta.html``): a meta description
  in its language, Open Graph and card metadata, and, when the canonical
  address (CANONICAL_URL) is set, ``<link rel="canonical">``, absolute
  ``hreflang`` links with ``x-default``, ``og:url`` and a share image;
- when the canonical address is set: ``sitemap.xml`` with every page and
  its language alternates, ``robots.txt`` naming it, and one share image
  (PNG) per language with the campaign's name in that language's script.

Nothing of it is fetched by a reader's browser: metadata is text in the
head, and the share image is only named there.  With CANONICAL_URL empty
no absolute URL is written, hreflang stays relative, and there is no
sitemap (it needs absolute URLs).
"""

from .plugin import register  # noqa: F401
