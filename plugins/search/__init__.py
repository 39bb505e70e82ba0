"""Search: one search page per language, and what the index may read.

The build's half of the site's search.  ``plugin.py`` writes ``search.html``
in every language's sub-site: a search box that the page's own script
(``theme/static/js/search.js``) brings to life with Pagefind, and below it,
for readers without JavaScript or with a copy opened from ``file://``, the
complete list of that language's pieces by section, with titles and
summaries.  The theme marks what the index reads: ``data-pagefind-body`` on
the article of every piece, ``data-pagefind-ignore`` on the notices around
it, so listings, 404 pages, the translators' report and the search pages
themselves stay out of the index.

The index itself is not built here: Pagefind is an external program that
reads the finished site, so ``invoke build`` and ``invoke publish`` run it
(``sitetools/search.py``) on the staged output before it replaces the old
one, and before ``publish`` writes the checksums that cover it.
"""

from .plugin import config, register  # noqa: F401
