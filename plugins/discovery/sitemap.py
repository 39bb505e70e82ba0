"""sitemap.xml and robots.txt, written once every page is.

The sitemap lists each page whose canonical address is its own, with the
language alternates its head announces (``xhtml:link``, as search engines
read them).  It is made from the written heads, not computed again, so the
two can never disagree.  Every language's pages must exist first, and under
two writing processes (sitecore.parallel) they all exist only once both have
finished: so the main site writes these files on ``finalized``, after the
core's join.  The output folder may still hold pages of an earlier build
that this one no longer writes (a reused folder is pruned after the
build): only pages written since the build started are listed, told by
their ctime against a marker file made at the start, as sitetools/atomic
tells them.  Without a canonical address there is no sitemap: it needs
absolute URLs.
"""

import logging
import os
import posixpath
from xml.sax.saxutils import escape, quoteattr

from selectolax.lexbor import LexborHTMLParser

from sitecore.cache import write_atomically
from sitecore.urls import canonical_url

logger = logging.getLogger(__name__)

MARKER = ".discovery-build-started"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def head_links(path):
    """(canonical href or '', [(hreflang, href)]) of one written page."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    end = text.find("</head>")
    document = LexborHTMLParser(text[: end + 7] if end >= 0 else text)
    canonical = ""
    alternates = []
    for link in document.css("head link[rel]"):
        rel = (link.attributes.get("rel") or "").split()
        href = link.attributes.get("href") or ""
        if "canonical" in rel:
            canonical = href
        elif "alternate" in rel and link.attributes.get("hreflang"):
            alternates.append((link.attributes["hreflang"], href))
    return canonical, alternates


def mark_start(settings):
    """Made when the build starts; every file the build writes is newer."""
    if canonical_url(settings):
        os.makedirs(settings["OUTPUT_PATH"], exist_ok=True)
        with open(os.path.join(settings["OUTPUT_PATH"], MARKER), "wb"):
            pass
    else:
        remove_marker(settings)  # left by a failed build: never publish it


def pages(output):
    """Output-root paths of the HTML pages this build wrote, sorted."""
    marker = os.path.join(output, MARKER)
    # No marker: the build emptied the folder first (DELETE_OUTPUT_DIRECTORY).
    since = os.stat(marker).st_ctime_ns if os.path.exists(marker) else None
    found = []
    for folder, dirs, files in os.walk(output):
        dirs.sort()
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".html") and (since is None or os.lstat(path).st_ctime_ns >= since):
                found.append(os.path.relpath(path, output).replace(os.sep, "/"))
    return sorted(found)


def entries(settings):
    """[(loc, [(hreflang, href)])] for every page that is its own canonical."""
    base = canonical_url(settings)
    output = settings["OUTPUT_PATH"]
    result = []
    for page in pages(output):
        own = f"{base}/{page}"
        canonical, alternates = head_links(os.path.join(output, page))
        if canonical == own:
            result.append((own, alternates))
    return result


def sitemap_xml(entries):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for loc, alternates in entries:
        lines.append(f"<url><loc>{escape(loc)}</loc>")
        for hreflang, href in alternates:
            lines.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} href={quoteattr(href)}/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(sitemap_url):
    return ("# Every page may be crawled; the sitemap lists each with its translations.\n"
            "User-agent: *\n"
            "Allow: /\n"
            f"Sitemap: {sitemap_url}\n")


def write(settings, conf):
    base = canonical_url(settings)
    if not base:
        return
    try:
        _write(settings, conf, base)
    finally:
        remove_marker(settings)


def _write(settings, conf, base):
    output = settings["OUTPUT_PATH"]
    found = entries(settings)
    write_atomically(os.path.join(output, conf["sitemap"]), sitemap_xml(found).encode("utf-8"))
    sitemap_url = f"{base}/{posixpath.normpath(conf['sitemap'])}"
    write_atomically(os.path.join(output, conf["robots"]), robots_txt(sitemap_url).encode("utf-8"))
    logger.info("discovery: %s lists %s pages", conf["sitemap"], len(found))


def remove_marker(settings):
    marker = os.path.join(settings["OUTPUT_PATH"], MARKER)
    if os.path.exists(marker):
        os.remove(marker)
