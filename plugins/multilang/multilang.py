"""Language table checks, catalogs, Babel dates and translation links."""

import functools
import gettext
import logging
import os
import posixpath

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import pass_context
from pelican import signals

import sitecore
from sitecore import STATE, ConfigError, build_started, content_model, plugin_config
from sitecore.render import skip

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Order of preference for the language a fallback copy is taken from when
    # a piece lacks the sub-site's language; empty means the table's order.
    "fallback_order": [],
}
TABLE_KEYS = {"locale", "name", "dir", "bcp47"}


class LanguageTableError(ConfigError):
    """The LANGUAGES setting is malformed."""


class CatalogError(RuntimeError):
    """A gettext catalog is missing or cannot be compiled."""


def check_table(languages, default_lang):
    """Return the problems of a LANGUAGES table, as messages."""
    problems = []
    if default_lang not in languages:
        problems.append(f"DEFAULT_LANG {default_lang!r} is not in LANGUAGES")
    for code, entry in languages.items():
        if code != code.lower():
            problems.append(f"language code {code!r} must be lowercase")
        missing = TABLE_KEYS - set(entry)
        if missing:
            problems.append(f"LANGUAGES[{code!r}] lacks {', '.join(sorted(missing))}")
            continue
        unknown = set(entry) - TABLE_KEYS
        if unknown:
            problems.append(f"LANGUAGES[{code!r}] has unknown keys {', '.join(sorted(unknown))}")
        if entry["dir"] not in ("ltr", "rtl"):
            problems.append(f"LANGUAGES[{code!r}]['dir'] must be 'ltr' or 'rtl', got {entry['dir']!r}")
        try:
            Locale.parse(entry["locale"])
        except (UnknownLocaleError, ValueError) as exc:
            problems.append(f"LANGUAGES[{code!r}]['locale'] {entry['locale']!r} is not a Babel locale ({exc})")
    return problems


class Links:
    """What one build learns across its sub-sites (a slot of the build state)."""

    def __init__(self):
        # source_path -> (lang, URL of the item inside its own language's sub-site)
        self.native_urls = {}
        # source_path -> {lang: URL} of versions converted from it (zh_convert)
        self.converted_urls = {}
        # lang -> {path relative to PATH: (kind, section, slug)} of the files
        # that lang's sub-site skipped because it shows another version
        self.skipped = {}


def links():
    return STATE.slot("multilang", Links)


def config(settings):
    return plugin_config(settings, "MULTILANG", DEFAULTS)


def catalog_languages(settings):
    """Codes of the languages that need a catalog (all but the templates' own)."""
    templates_lang = settings.get("I18N_TEMPLATES_LANG", settings["DEFAULT_LANG"])
    return [code for code in settings["LANGUAGES"] if code != templates_lang]


def catalog_path(settings, code):
    """translations/<locale>/LC_MESSAGES/<domain>.po of language `code`."""
    domain = settings.get("I18N_GETTEXT_DOMAIN", "messages")
    locale = settings["LANGUAGES"][code]["locale"]
    return os.path.join(settings["TRANSLATIONS_PATH"], locale, "LC_MESSAGES", domain + ".po")


def read_catalog(settings, code):
    """The Babel Catalog of language `code`; CatalogError says what to do."""
    source = catalog_path(settings, code)
    locale = settings["LANGUAGES"][code]["locale"]
    try:
        with open(source, "rb") as po_file:
            return read_po(po_file, locale=locale)
    except FileNotFoundError as exc:
        raise CatalogError(
            f"no catalog for language {code!r}: expected {source}; "
            f"create it with `invoke catalogs-init --locale {locale}`"
        ) from exc
    except Exception as exc:  # babel raises bare errors on broken syntax
        raise CatalogError(f"{source}: cannot read catalog: {exc}") from exc


def compile_catalogs(settings):
    """Compile translations/<locale>/LC_MESSAGES/*.po into <localedir>/<code>/.

    gettext looks catalogs up by the literal site code, and Babel's locale
    ids (zh_Hant_HK) are not codes; so the source catalogs are kept under
    the locale and compiled under the code for each build.
    """
    domain = settings.get("I18N_GETTEXT_DOMAIN", "messages")
    target_root = settings["I18N_GETTEXT_LOCALEDIR"]
    for code in catalog_languages(settings):
        catalog = read_catalog(settings, code)
        target_dir = os.path.join(target_root, code, "LC_MESSAGES")
        os.makedirs(target_dir, exist_ok=True)
        with open(os.path.join(target_dir, domain + ".mo"), "wb") as mo_file:
            write_mo(mo_file, catalog)
    # gettext caches catalogs per path for the life of the process; a rebuild
    # under livereload must see the freshly compiled ones.
    gettext._translations.clear()


def start(pelican_obj):
    """Check the language table and compile the catalogs, once per build
    (so that a rebuild under `pelican -r` sees changed catalogs too)."""
    settings = pelican_obj.settings
    config(settings)
    problems = check_table(settings.get("LANGUAGES", {}), settings["DEFAULT_LANG"])
    if problems:
        raise LanguageTableError("; ".join(problems))
    try:
        compile_catalogs(settings)
    except CatalogError as exc:
        raise ConfigError(str(exc)) from exc


def locale_of(context_or_settings):
    return context_or_settings["LANGUAGES"][context_or_settings["DEFAULT_LANG"]]["locale"]


@pass_context
def localdate(context, value, form="long"):
    """Format a date in the page's language with Babel, not the OS locale."""
    return _format_date(value, form, locale_of(context))


@functools.lru_cache(maxsize=4096)
def _format_date(value, form, locale):
    # Every page shows a few dates, the same ones again and again (its own,
    # the build's); Babel takes a tenth of a millisecond for each.
    return format_date(value, form, locale=locale)


@pass_context
def language_name(context, code):
    """Name of the table's language `code` in the page's language ("Englisch")."""
    target = Locale.parse(context["LANGUAGES"][code]["locale"])
    bare = Locale(target.language, script=target.script)
    return bare.get_display_name(locale_of(context))


def site_relpath(context, lang):
    """Path from the current sub-site's root to the root of `lang`'s sub-site."""
    return context["relpath_to_site"](context["DEFAULT_LANG"], lang)


def join(*parts):
    return posixpath.normpath(posixpath.join(*parts))


@pass_context
def language_links(context, item=None, output_file="index.html"):
    """One entry per language of the table, for the switcher.

    For an item: its version in each language where one exists, else that
    language's home page.  For a listing (no item): the same listing, which
    every sub-site has.  URLs are relative to the current sub-site's root.
    """
    current = context["DEFAULT_LANG"]
    versions = item_versions(item) if item is not None else {}
    links = []
    for code, entry in context["LANGUAGES"].items():
        link = {"code": code, "name": entry["name"], "bcp47": entry["bcp47"],
                "current": code == current, "exists": True}
        if item is not None:
            if code == current:
                link["url"] = item.url
            elif code in versions:
                link["url"] = join(site_relpath(context, code), versions[code])
            else:
                link["url"] = join(site_relpath(context, code), "index.html")
                link["exists"] = False
        else:
            link["url"] = join(site_relpath(context, code), output_file)
        links.append(link)
    return links


@pass_context
def hreflang_links(context, item=None, output_file="index.html"):
    """Alternates for <link rel="alternate" hreflang>: native versions only."""
    if item is None:
        return [link for link in language_links(context, None, output_file)]
    versions = item_versions(item, converted=False)
    return [
        {"bcp47": entry["bcp47"], "url": join(site_relpath(context, code), versions[code])}
        for code, entry in context["LANGUAGES"].items()
        if code in versions
    ]


@pass_context
def original_url(context, item, lang=None):
    """URL of the item's version in `lang` (default: the item's own language,
    i.e. a fallback copy's original), from the current sub-site's root."""
    lang = lang or item.lang
    return join(site_relpath(context, lang), item_versions(item)[lang])


def item_versions(item, converted=True):
    """lang -> URL of each version of an item, in its own sub-site.

    Native versions (files in that language); then, unless converted=False,
    versions converted from one of them (zh_convert): readers get them as
    that language's version (switcher), but hreflang announces only human
    versions.  The versions are the piece's files in the content model (a
    sub-site reads only the copy it shows, so Pelican's translations list
    is empty there).
    """
    model = content_model(item.settings)
    source = model.by_path.get(os.path.abspath(item.source_path))
    members = [os.path.abspath(item.source_path)]
    if source is not None:
        members = [version.abs_path for version in model.piece_of(source)[1].values()] or members
    versions = {}
    recorded = links()
    for path in members:
        native = recorded.native_urls.get(path)
        if native is not None:
            versions[native[0]] = native[1]
    for path in members if converted else ():
        for lang, url in recorded.converted_urls.get(path, {}).items():
            versions.setdefault(lang, url)
    return versions


def fallback_order(settings):
    return config(settings)["fallback_order"] or list(settings["LANGUAGES"])


def skip_other_copies(settings, path):
    """sitecore.skip receiver: a sub-site reads only the version it shows.

    With one sub-site per language and i18n-subsites' "keep" policy, every
    sub-site would read and build every language's file of every piece,
    then keep one (keep_one_copy): pieces x languages² of work.  The
    content model tells beforehand which version each sub-site shows.
    """
    model = content_model(settings)
    path = os.path.abspath(path)
    source = model.by_path.get(path)
    if source is None or source.metadata.get("status", ("published", 0))[0].lower() != "published":
        return False
    key, _versions = model.piece_of(source)
    if key is None:
        return False
    lang = settings["DEFAULT_LANG"]
    if model.shown_lang(key, lang, fallback_order(settings)) == source.lang:
        return False
    root = os.path.join(os.path.abspath(settings["PATH"]), "")
    # (Asked for every file of every sub-site: a prefix, not os.path.relpath.)
    relative = path[len(root):] if path.startswith(root) else os.path.relpath(path, root)
    links().skipped.setdefault(lang, {})[relative.replace(os.sep, "/")] = key
    return True


def read_only_shown_copies(generator):
    """article/page_generator_init receiver: other copies are not even read.

    ``skip_other_copies`` answers inside Pelican's read_file, after its own
    work on the path and metadata; with five languages that work, for the
    four copies of each piece a sub-site does not show, was a tenth of a
    rebuild.  The generator's file list leaves them out instead (the skip
    receiver stays for any reader path that bypasses the list).
    """
    list_files = generator.get_files

    def get_files(paths, exclude=None, extensions=None):
        files = list_files(paths, exclude=exclude, extensions=extensions)
        return {name for name in files
                if not skip_other_copies(generator.settings, os.path.join(generator.path, name))}

    generator.get_files = get_files


def link_skipped_files(generator, items):
    """`{filename}` links to a skipped file lead to the version shown here.

    Every language's version of a piece has the same URL in a sub-site
    (ARTICLE_LANG_URL = ARTICLE_URL), so the shown item stands for them all.
    """
    skipped = links().skipped.get(generator.settings["DEFAULT_LANG"], {})
    if not skipped:
        return
    model = content_model(generator.settings)
    shown = {}
    for item in items:
        source = model.by_path.get(os.path.abspath(item.source_path))
        if source is not None:
            shown[model.piece_of(source)[0]] = item
    generated = generator.context["generated_content"]
    for relative, key in skipped.items():
        if relative not in generated and key in shown:
            generated[relative] = shown[key]


def generator_init(generator):
    env = getattr(generator, "env", None)
    if env is None:
        return
    env.filters["localdate"] = localdate
    env.filters["language_name"] = language_name
    env.globals["language_links"] = language_links
    env.globals["hreflang_links"] = hreflang_links
    env.globals["original_url"] = original_url


def keep_one_copy(items, settings):
    """Leave one item per slug: the sub-site's own language, else a fallback.

    Records the URL of the sub-site's own items for the switcher; removes
    the other languages' duplicates in place (the lists are shared with the
    generator's context).
    """
    current = settings["DEFAULT_LANG"]
    order = fallback_order(settings)
    rank = {code: index for index, code in enumerate(order)}
    by_slug = {}
    for item in items:
        if item.lang == current:
            if getattr(item, "converted_from", None):
                links().converted_urls.setdefault(item.source_path, {})[current] = item.url
            else:
                links().native_urls[item.source_path] = (item.lang, item.url)
        by_slug.setdefault(item.slug, []).append(item)
    for group in by_slug.values():
        if len(group) == 1:
            continue
        group.sort(key=lambda it: (it.lang != current, rank.get(it.lang, len(rank))))
        for extra in group[1:]:
            items.remove(extra)


def articles_pretaxonomy(generator):
    keep_one_copy(generator.articles, generator.settings)
    link_skipped_files(generator, generator.articles)


def pages_finalized(generator):
    keep_one_copy(generator.pages, generator.settings)
    generator.context["pages"] = generator.pages
    link_skipped_files(generator, generator.pages)


class OriginalsFilter(logging.Filter):
    """Drop Pelican's "N original items" warning for pieces lacking a language.

    With one sub-site per language, every piece not yet translated into a
    sub-site's language has several "originals" there; that is the normal
    state of a growing multilingual site, and keep_one_copy resolves it.
    Real duplicates (same slug and language) are reported by content_checks.
    """

    def filter(self, record):
        return not str(record.msg).startswith("There are %s original (not translated) items")


ORIGINALS_FILTER = OriginalsFilter()


def install_log_filter(pelican_obj):
    logging.getLogger("pelican.utils").addFilter(ORIGINALS_FILTER)


def register():
    sitecore.connect()
    signals.initialized.connect(install_log_filter)
    build_started.connect(start)
    skip.connect(skip_other_copies)
    signals.article_generator_init.connect(read_only_shown_copies)
    signals.page_generator_init.connect(read_only_shown_copies)
    signals.generator_init.connect(generator_init)
    signals.article_generator_pretaxonomy.connect(articles_pretaxonomy)
    signals.page_generator_finalized.connect(pages_finalized)
