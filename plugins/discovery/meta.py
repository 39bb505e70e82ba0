"""What a page's head tells search engines and link previews (``page_meta``).

The templates call ``page_meta(item, output_file, alternates)`` and
``partials/head_meta.html`` writes what it returns.  URLs are computed here
once, so the head, the sitemap (which reads the heads) and the share image
agree.
"""

import posixpath

from babel import Locale
from jinja2 import pass_context
from markupsafe import Markup

from multilang.multilang import original_url
from sitecore.parallel import site_languages
from sitecore.urls import canonical_url, site_prefix


def og_locale(locale_id):
    """Open Graph's language_TERRITORY form of a Babel locale: zh_Hant_HK -> zh_HK."""
    locale = Locale.parse(locale_id)
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def output_path(context, url):
    """The output-root path of `url`, a link relative to the sub-site's root."""
    return posixpath.normpath(site_prefix(context) + url)


def absolute(context, url):
    """The canonical address of `url` (relative to the sub-site's root), or ''."""
    base = canonical_url(context)
    return f"{base}/{output_path(context, url)}" if base else ""


def code_of(context, bcp47):
    for code, entry in context["LANGUAGES"].items():
        if entry["bcp47"] == bcp47:
            return code
    return None


@pass_context
def page_meta(context, item=None, output_file="index.html", alternates=()):
    """Canonical address, hreflang links, Open Graph values of one page.

    A fallback copy (an item shown in a sub-site of another language) is a
    duplicate of its original: its canonical address is the original's, and
    its locale the original's language.
    """
    lang = context["DEFAULT_LANG"]
    languages = context["LANGUAGES"]
    own_url = item.url if item is not None else output_file
    fallback = item is not None and item.lang != lang
    canonical = absolute(context, original_url(context, item) if fallback else own_url)
    links = []
    for alt in alternates:
        links.append({"hreflang": alt["bcp47"], "url": alt["url"], "absolute": absolute(context, alt["url"])})
    x_default = ""
    if canonical and links:
        main = languages[site_languages(context)[0]]["bcp47"]
        chosen = next((link for link in links if link["hreflang"] == main), links[0])
        x_default = chosen["absolute"]
    content_lang = item.lang if item is not None else lang
    locale = og_locale(languages[content_lang]["locale"])
    others = []
    for link in links:
        code = code_of(context, link["hreflang"])
        if code is not None and code != content_lang:
            others.append(og_locale(languages[code]["locale"]))
    summary = getattr(item, "summary", "") if item is not None else ""
    is_article = item is not None and getattr(item, "category", None) is not None
    return {
        "canonical": canonical,
        "alternates": links,
        "x_default": x_default,
        "locale": locale,
        "locale_alternates": sorted(set(others) - {locale}),
        # <meta> takes text: the Summary without its markup.
        "description": Markup(summary).striptags() if summary else "",
        "type": "article" if is_article else "website",
        "section": item.category.slug if is_article else "",
        "published": item.date.isoformat() if is_article and getattr(item, "date", None) else "",
        "image": share_image(context),
    }


def share_image(context):
    """{"url", "width", "height", "type"} of this language's share image, or None."""
    image = context.get("SHARE_IMAGE")
    if not image or not canonical_url(context):
        return None
    return {**image, "url": absolute(context, image["path"])}
