"""Relative Atom feeds, and self-contained 404 pages in every folder."""

import base64
import functools
import hashlib
import logging
import os
import posixpath
import re
import uuid
from urllib.parse import urljoin, urlsplit

from feedgenerator import Atom1Feed
from pelican import signals
from pelican.generators import Generator

import sitecore
from buildinfo import current
from sitecore import is_main_site
from sitecore.urls import canonical_url

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Stylesheet (in the theme's static folder) inlined into 404 pages.
    "stylesheet": "css/site.css",
    # Name of the not-found page written into every folder.
    "not_found": "404.html",
}
LINK_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


def config(settings):
    raw = settings.get("PORTABLE", {})
    for key in raw:
        if key not in DEFAULTS:
            logger.error("portable: unknown PORTABLE key %r", key)
    return {**DEFAULTS, **raw}


# ---------------------------------------------------------------- feeds


def stable_id(settings, path):
    """A urn:uuid for a path of the output, the same on every copy and build."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{settings['SITENAME']}|{path}").urn


def site_prefix(siteurl):
    """Output-root path of the sub-site, from its SITEURL ("/de" -> "de")."""
    return siteurl.strip("/")


def relative(from_dir, target):
    """`target` (output-root path) as a link from the folder `from_dir`."""
    return posixpath.relpath(target, from_dir or ".")


def resolve(base_dir, href):
    """Output-root path of a link found in a page of folder base_dir, or None to keep it."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = parts.path
    if path.startswith("/"):
        target = path.lstrip("/")
    else:
        target = posixpath.normpath(posixpath.join(base_dir, path))
    if path.endswith("/"):
        target = posixpath.join(target, "index.html")
    suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    return target, suffix


def text_titles(context, feed):
    """Each entry's title as written: text, which the feed writer escapes.

    Pelican reads the title as HTML and strips tags from it ("<b>" and
    whatever looks like a tag vanish, "&amp;" becomes "&"); the pages show it
    literally, and so must the feed.
    """
    siteurl = context.get("SITEURL", "")
    titles = {}
    for article in context.get("articles", []):
        for member in (article, *article.translations):
            # The link as Pelican's writer joins it, relative or absolute.
            for link in (posixpath.join(siteurl, member.url), urljoin(siteurl.rstrip("/") + "/", member.url)):
                titles.setdefault(link, member.title)
                titles.setdefault(link + "?ref=feed", member.title)
    for item in feed.items:
        if item["link"] in titles:
            item["title"] = titles[item["link"]]


class BasedAtomFeed(Atom1Feed):
    """An Atom feed whose root carries xml:base (feed["xml_base"]) when it has one."""

    def root_attributes(self):
        attributes = super().root_attributes()
        if self.feed.get("xml_base"):
            attributes["xml:base"] = self.feed["xml_base"]
        return attributes


def set_base(context, feed, feed_dir):
    """With a canonical address, xml:base names the feed's folder there.

    The links themselves stay relative (the same bytes on every copy); a
    reader resolves them against xml:base, so a subscription leads to the
    campaign's canonical pages, as Atom readers expect of a feed with ids
    and links they keep.  Without it they resolve against the feed's own
    URL, wherever the copy is.
    """
    base = canonical_url(context)
    if not base or type(feed) is not Atom1Feed:
        return
    # feedgenerator writes the root element's attributes from a method:
    # this feed object becomes the subclass that adds xml:base.
    feed.__class__ = BasedAtomFeed
    feed.feed["xml_base"] = f"{base}/{feed_dir}/" if feed_dir else f"{base}/"


def feed_generated(context, feed):
    """Text titles, and every link of an Atom feed relative to the feed file."""
    text_titles(context, feed)
    siteurl = context.get("SITEURL", "")
    feed_url = feed.feed.get("feed_url") or ""
    if any(urlsplit(url).scheme or urlsplit(url).netloc for url in (siteurl, feed_url)):
        return  # absolute links are fine in a feed published at one address
    prefix = site_prefix(siteurl)
    # FEED_DOMAIN "." makes feed_url the feed's path from the sub-site root.
    feed_path = posixpath.normpath(posixpath.join(prefix, feed_url[2:] if feed_url.startswith("./") else feed_url))
    feed_dir = posixpath.dirname(feed_path)
    feed.feed["feed_url"] = posixpath.basename(feed_path)
    feed.feed["link"] = relative(feed_dir, posixpath.join(prefix, "index.html"))
    feed.feed["id"] = stable_id(context, feed_path)
    set_base(context, feed, feed_dir)
    # Pelican renders an entry's HTML with SITEURL, which is "" on the main
    # site: its {filename} links then look page-relative but are relative to
    # the site root.  Render again with a root-absolute SITEURL ("/", "/de")
    # so that root-based and page-relative links can be told apart.
    articles = {}
    for article in context.get("articles", []):
        for member in (article, *article.translations):
            articles.setdefault(posixpath.join(siteurl, member.url), member)
    root_url = "/" + prefix
    for item in feed.items:
        article = articles.get(item["link"])
        if article is not None and item.get("content") is not None:
            item["content"] = article.get_content(root_url)
        page = posixpath.normpath(item["link"].lstrip("/")) if item["link"].startswith("/") \
            else posixpath.normpath(posixpath.join(prefix, item["link"]))
        page_dir = posixpath.dirname(page)
        item["link"] = relative(feed_dir, page)
        item["unique_id"] = stable_id(context, page)

        def rewrite(match, page_dir=page_dir):
            found = resolve(page_dir, match.group(2))
            if found is None:
                return match.group(0)
            target, suffix = found
            return match.group(1) + relative(feed_dir, target) + suffix + match.group(3)

        for key in ("content", "description"):
            if item.get(key):
                item[key] = LINK_ATTR.sub(rewrite, item[key])
    if not feed.items:
        # feedgenerator would write the clock's time into an empty feed.
        build_time = current(context).time
        feed.latest_post_date = lambda: build_time


# ---------------------------------------------------------------- 404 pages


def without_comments(css):
    """The stylesheet as readers need it: its comments (a fifth of its
    gzipped weight, on every first page view) and the lines they leave
    empty removed.  Quoted strings are kept as they are, "/*" in them too."""
    kept = []
    position, length = 0, len(css)
    while position < length:
        char = css[position]
        if char in "\"'":
            end = position + 1
            while end < length and css[end] != char:
                end += 2 if css[end] == "\\" else 1
            kept.append(css[position:end + 1])
            position = end + 1
        elif css.startswith("/*", position):
            end = css.find("*/", position + 2)
            position = length if end < 0 else end + 2
        else:
            kept.append(char)
            position += 1
    lines = (line.rstrip() for line in "".join(kept).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def stylesheet_text(settings):
    conf = config(settings)
    with open(os.path.join(settings["THEME"], "static", conf["stylesheet"]), encoding="utf-8") as handle:
        css = handle.read()
    # Asked for by every generator of every sub-site: stripped once per text.
    return _stripped(css)


@functools.lru_cache(maxsize=4)
def _stripped(css):
    return without_comments(css)


def write_stylesheet(pelican_obj):
    """finalized receiver (main site): the copied stylesheet, without its comments.

    Pelican's StaticGenerator copies the theme's files as they are, and it
    runs after every other generator; this runs once every page is written.
    """
    settings = pelican_obj.settings
    if not is_main_site(settings):
        return
    path = os.path.join(settings["OUTPUT_PATH"], settings["THEME_STATIC_DIR"], config(settings)["stylesheet"])
    if os.path.isfile(path):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(stylesheet_text(settings))


def inline_assets(settings):
    """The stylesheet text and its CSP hash."""
    css = stylesheet_text(settings)
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return {"css": css, "css_hash": f"'sha256-{digest}'"}


def add_to_context(generator):
    generator.context["NOT_FOUND"] = inline_assets(generator.settings)


class NotFoundPages(Generator):
    """Writes the 404 template into every section folder of the (sub-)site.

    The site root's 404.html comes from DIRECT_TEMPLATES.
    """

    def generate_context(self):
        pass

    def generate_output(self, writer):
        name = config(self.settings)["not_found"]
        if "404" not in self.settings.get("DIRECT_TEMPLATES", []):
            return
        template = self.get_template("404")
        # Every folder that gets a page: listings, items, and the folders
        # other generators declare (events: its index and country pages).
        saved = [category.save_as for category, _ in self.context.get("categories", [])]
        saved += [item.save_as for item in (*self.context.get("articles", []), *self.context.get("pages", []))]
        folders = {posixpath.dirname(path) for path in saved if path}
        folders |= set(self.context.get("PAGE_FOLDERS", ()))
        folders = sorted(folders)
        for folder in folders:
            if not folder:
                continue
            writer.write_file(posixpath.join(folder, name), template, self.context, relative_urls=True,
                              template_name="404", url=posixpath.join(folder, name))


def get_generators(pelican_obj):
    return NotFoundPages


def register():
    sitecore.connect()
    signals.generator_init.connect(add_to_context)
    signals.feed_generated.connect(feed_generated)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(write_stylesheet)
