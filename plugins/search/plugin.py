"""Pelican side: the search page of every language, with its no-script index."""

import logging
import re

from pelican import signals
from pelican.generators import Generator

import sitecore
from sitecore import ConfigError, plugin_config

logger = logging.getLogger(__name__)

DEFAULTS = {
    # The search page, written in every language's folder.
    "page": "search.html",
    # Folder at the output root that holds Pagefind's index and scripts
    # (written by `invoke build`/`publish`, sitetools/search.py).
    "bundle": "pagefind",
    # The page's script, in the theme's static folder.
    "script": "js/search.js",
}
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def config(settings):
    conf = plugin_config(settings, "SEARCH", DEFAULTS)
    if not NAME.fullmatch(conf["bundle"]):
        raise ConfigError(f"search: SEARCH['bundle'] must be one plain folder name such as 'pagefind', "
                          f"got {conf['bundle']!r}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*\.html", conf["page"]):
        raise ConfigError(f"search: SEARCH['page'] must be a file name such as 'search.html', got {conf['page']!r}")
    return conf


def sections(context, settings):
    """[(section slug or None for the pages, items)] of this sub-site, as its listings show them.

    The article sections in NAV_SECTIONS' order, then any other section,
    then the pages (NAV_PAGES first, then the others by title): every piece
    the language's listings hold, fallback copies and conversions included.
    """
    # From the articles, not the categories: the events plugin takes its
    # section out of the categories to give it its own listing.
    by_slug = {}
    for article in context.get("articles", []):
        by_slug.setdefault(article.category.slug, []).append(article)
    order = [slug for slug in settings.get("NAV_SECTIONS", []) if slug in by_slug]
    order += sorted(slug for slug in by_slug if slug not in order)
    found = [(slug, by_slug[slug]) for slug in order if by_slug[slug]]
    pages = list(context.get("pages", []))
    rank = {slug: index for index, slug in enumerate(settings.get("NAV_PAGES", []))}
    pages.sort(key=lambda page: (rank.get(page.slug, len(rank)), page.title.casefold(), page.slug))
    if pages:
        found.append((None, pages))
    return found


def add_to_context(generator):
    conf = config(generator.settings)
    generator.context["SEARCH"] = {"page": conf["page"], "bundle": conf["bundle"], "script": conf["script"]}


class SearchPageGenerator(Generator):
    """Writes the search page of the (sub-)site."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        conf = config(self.settings)
        writer.write_file(
            conf["page"], self.get_template("search"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=conf["page"], output_file=conf["page"],
            search_view=True, search_sections=sections(self.context, self.settings),
        )


def get_generators(pelican_obj):
    return SearchPageGenerator


def register():
    sitecore.connect()
    signals.generator_init.connect(add_to_context)
    signals.get_generators.connect(get_generators)
