"""Development settings for the Solidarity campaign site.

`publishconf.py` imports everything here and overrides only what publishing
changes.  Paths are absolute, built from this file's folder, so the site
builds the same from any working directory.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

SITENAME = "Solidarity Against Repression in China & Hong Kong"
SITEURL = ""
RELATIVE_URLS = True  # every copy must work from any domain, sub-path or file://
# The campaign's canonical address, e.g. "https://example.org" (README,
# "The canonical address").  The seed names no domain, so it is empty: then
# no absolute URL appears anywhere.  Links between pages stay relative
# either way; only formats that need absolute URLs use it.
CANONICAL_URL = ""
TIMEZONE = "Europe/London"
# The build never depends on the machine's locale (dates come from Babel):
# Pelican sets this one instead of $LANG, which may name a locale that is not
# installed (a warning, fatal under --fatal warnings) or change the output.
LOCALE = ["C.UTF-8", "C"]

PATH = os.path.join(HERE, "content")
OUTPUT_PATH = os.path.join(HERE, "output")
CACHE_PATH = os.path.join(HERE, "cache")
THEME = os.path.join(HERE, "theme")

# The one language table.  Adding a language is one entry here plus a
# catalog in translations/<locale>/LC_MESSAGES/messages.po.
#   locale: Babel locale id (catalog folder, dates)
#   name:   native name shown in the language switcher
#   dir:    text direction, "ltr" or "rtl"
#   bcp47:  tag for <html lang> and hreflang
LANGUAGES = {
    "en": {"locale": "en_GB", "name": "English", "dir": "ltr", "bcp47": "en-GB"},
    "zh-hant": {"locale": "zh_Hant_HK", "name": "繁體中文", "dir": "ltr", "bcp47": "zh-Hant-HK"},
    "zh-hans": {"locale": "zh_Hans_CN", "name": "简体中文", "dir": "ltr", "bcp47": "zh-Hans-CN"},
    "de": {"locale": "de_DE", "name": "Deutsch", "dir": "ltr", "bcp47": "de-DE"},
    "es": {"locale": "es_ES", "name": "Español", "dir": "ltr", "bcp47": "es-ES"},
}
DEFAULT_LANG = "en"
# Each other language is a sub-site published at /<code>/.
I18N_SUBSITES = {code: {} for code in LANGUAGES if code != DEFAULT_LANG}
# Untranslated items are kept in every sub-site; the multilingual plugin then
# keeps one local copy per slug and the theme marks it as not yet translated.
I18N_UNTRANSLATED_ARTICLES = "keep"
I18N_UNTRANSLATED_PAGES = "keep"
# Everything a template prints is escaped as text, unless marked |safe: only
# the rendered body and Summary HTML of content (checked against the
# allowlist after Markdown) and strings our plugins build on purpose.
JINJA_ENVIRONMENT = {"extensions": ["jinja2.ext.i18n"], "trim_blocks": True, "lstrip_blocks": True,
                     "autoescape": True}
# Catalogs live under their Babel locale; the multilingual plugin compiles
# them at build time into this folder, one sub-folder per site code.
TRANSLATIONS_PATH = os.path.join(HERE, "translations")
I18N_GETTEXT_LOCALEDIR = os.path.join(CACHE_PATH, "locale")
I18N_GETTEXT_DOMAIN = "messages"

# Docutils has no localisation for our codes and warns on every sub-site.
READERS = {"rst": None}
MARKDOWN = {
    "extension_configs": {
        # Table columns aligned with align="...", not style="text-align: ...":
        # the pages' Content-Security-Policy blocks every inline style.
        "markdown.extensions.extra": {"tables": {"use_align_attribute": True}},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# Sections are folders: statements/, background/, events/ are article
# categories; pages/ holds the standalone pages.
ARTICLE_PATHS = ["statements", "background", "events"]
PAGE_PATHS = ["pages"]
USE_FOLDER_AS_CATEGORY = True
# `<slug>.<lang>.md` names give slug and language; metadata in the file wins.
FILENAME_METADATA = r"(?P<slug>[^.]+)(?:\.(?P<lang>[^.]+))?$"

# Plain `.html` files so that links work from file:// without folder listings.
# A sub-site holds one item per slug (its own language or a marked fallback
# copy), so items in other languages use the same pattern.
ARTICLE_URL = ARTICLE_SAVE_AS = "{category}/{slug}.html"
ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = ARTICLE_URL
PAGE_URL = PAGE_SAVE_AS = "{slug}.html"
PAGE_LANG_URL = PAGE_LANG_SAVE_AS = PAGE_URL
CATEGORY_URL = CATEGORY_SAVE_AS = "{slug}/index.html"
DRAFT_URL = DRAFT_SAVE_AS = DRAFT_LANG_URL = DRAFT_LANG_SAVE_AS = ""
TAG_URL = TAG_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_URL = AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "404"]
DEFAULT_PAGINATION = False
DEFAULT_DATE_FORMAT = "%Y-%m-%d"  # only a fallback: the theme formats dates with Babel

# Feeds are written by publishconf.py only.
FEED_ALL_ATOM = None
FEED_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Which pages the navigation shows, in order (slugs in content/pages/).
NAV_PAGES = ["support", "follow-us", "write-to-prisoners", "contact", "about"]
# Which article sections the navigation shows, in order (folders in content/).
NAV_SECTIONS = ["statements", "background", "events"]

# Campaign facts the seed does not give.  Each one, while empty, leaves its
# element out of the site.  Fill in only verified addresses.
CAMPAIGN = {
    "email": "",  # contact e-mail address
    "donation_url": "",  # monthly-sustainer / donation page (https)
    "registration_url": "",  # registration for the launch meeting (https)
    "letter_instructions_url": "",  # instructions for letters to prisoners (https)
    "prison_address": "",  # postal address for letters to Leung Kwok-hung
    "facebook_url": "",  # the page "Solidarity against Repression in China & Hong Kong"
}
# Social accounts as the seed names them; shown as plain links, never embeds.
SOCIAL = [
    {"network": "Facebook", "account": "Solidarity against Repression in China & Hong Kong", "url_setting": "facebook_url"},
    {"network": "Twitter", "account": "@SolidarityHKCN", "url": "https://twitter.com/SolidarityHKCN"},
    {"network": "Instagram", "account": "solidarity.china.hongkong", "url": "https://www.instagram.com/solidarity.china.hongkong/"},
]

STATIC_PATHS = []
THEME_STATIC_DIR = "theme"

PLUGIN_PATHS = [os.path.join(HERE, "plugins")]
# Plugins import the shared core (plugins/sitecore) and one another as
# packages; with their folder on the path that works whatever the order of
# PLUGINS (Pelican itself imports each plugin without adding its folder).
if PLUGIN_PATHS[0] not in sys.path:
    sys.path.insert(0, PLUGIN_PATHS[0])
PLUGINS = [
    "buildinfo",
    "content_checks",
    "pelican.plugins.i18n_subsites",
    "multilang",
    "zh_convert",
    "translation_status",
    "events",
    "portable",
    "integrity",
    "mirrors",
    "conditional",
    "review",
    "discovery",
    "search",
    "printed",
    "offline",
]
# Events (plugins/events): see README "Events"; defaults suffice.
EVENTS = {}

# Relative feeds and 404 pages in every folder (plugins/portable); defaults suffice.
PORTABLE = {}
# Checksums, signature and archives: plugins/integrity shows them, `invoke
# publish` (sitetools/publish.py) writes them.  The public key is shown on
# the verify page; publishconf.py turns on links to the files publish adds.
INTEGRITY = {
    "public_key": os.path.join(HERE, "keys", "minisign.pub"),
    # The ID of that key, the one the site, the printed material and the
    # campaign's accounts show; the build refuses a key with another ID.
    "key_id": "7FF712C4C8DE473D",
    "verify_page": "verify",
    "copies_page": "copies",
}
# Readers: what the site says about time, trust and risk (README, "Pages
# that tell the truth about time, trust and risk").  `Review-by` dates:
# `invoke check` warns this many days ahead (plugins/review).
REVIEW = {"warn_days": 14}
# Slug of the page "Reading and acting safely" (content/pages/), linked from
# the footer and the events pages; the links are left out while it is missing.
SAFETY_PAGE = "safety"
# Conditional text in content (plugins/conditional) needs no setting: its
# conditions are the keys of CAMPAIGN, and in events the event's own state.

# Mirror list, mirrors page, mirrors.json and trace.json (plugins/mirrors);
# the list itself is content/mirrors.yml.  Keys: see plugins/mirrors/plugin.py.
MIRRORS = {}

# Feeds, search engines and link previews in every language (plugins/discovery):
# meta descriptions, Open Graph; with CANONICAL_URL also canonical links,
# absolute hreflang, sitemap.xml, robots.txt and share images.  Keys:
# sitemap, robots, share_image, share_font (see plugins/discovery/plugin.py).
DISCOVERY = {}
# Search (plugins/search): a search page in every language, SEARCH["page"];
# `invoke build`/`publish` write Pagefind's index into SEARCH["bundle"] at the
# output root (sitetools/search.py).  Defaults suffice.
SEARCH = {}
# Reach beyond the page (issue 12): printed material and the offline library.
# Each language's leaflet (A5) and poster (A4), printed by `invoke publish`
# (plugins/printed, sitetools/printed.py); qr_mirrors: how many official
# mirrors get a QR code.  Other keys (text_from, events, folder, fonts): see
# plugins/printed/plugin.py.  `invoke publish` turns "published" on.
PRINTED = {"qr_mirrors": 3}
# The whole site as site.zim for Kiwix (plugins/offline, sitetools/zim.py);
# keys: see plugins/offline/plugin.py.  `invoke publish` turns "published" on.
OFFLINE = {}

# Chinese in one script is converted into the other when a piece has no
# version in it (OpenCC, Hong Kong configurations).  A human translation
# always wins.  translations/zh-terms.txt fixes terms and keeps names.
ZH_CONVERT = {
    "targets": {
        "zh-hans": {"from": "zh-hant", "config": "hk2s"},
        "zh-hant": {"from": "zh-hans", "config": "s2hk"},
    },
    "terms": os.path.join(TRANSLATIONS_PATH, "zh-terms.txt"),
}

LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
