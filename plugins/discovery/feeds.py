"""Each language's feeds in that language: title, subtitle, xml:lang, author.

Pelican's writer titles every feed with SITENAME, in English, and gives
each entry an empty author.  Feed readers show the feed's title as the
subscription's name and use ``xml:lang`` for fonts, hyphenation and speech,
so each sub-site's feeds get the names its pages show (the theme's labels,
see labels.py), the BCP 47 tag of the language table, and the campaign as
author of the feed and of every entry (entries have no other author).
"""

from .labels import Labels


def feed_generated(context, feed):
    """feed_generated receiver (Atom and RSS alike)."""
    lang = context["DEFAULT_LANG"]
    labels = Labels(lang)
    site = labels.site_title()
    # The writer titles a feed "SITENAME" or "SITENAME - <feed title>", where a
    # category's feed title is its name, the folder: show that as the
    # section's label; any other title was given in the language already.
    title = feed.feed.get("title") or ""
    own = context["SITENAME"]
    suffix = title[len(own) + 3:] if title.startswith(own + " - ") else ""
    if suffix:
        section = labels.section(suffix)
        feed.feed["title"] = f"{site} – {section}"
    else:
        feed.feed["title"] = site
    feed.feed["subtitle"] = labels.site_intro()
    feed.feed["description"] = labels.site_intro()
    feed.feed["language"] = context["LANGUAGES"][lang]["bcp47"]
    feed.feed["author_name"] = site
    for item in feed.items:
        item["author_name"] = site
