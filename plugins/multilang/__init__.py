"""Languages for the campaign site, on top of pelican-i18n-subsites.

i18n-subsites builds one sub-site per language but leaves three things to
us: a local copy of untranslated content with a notice (its "keep" policy
copies every language's item into every sub-site), switcher and hreflang
links that are right from every sub-site (it interlinks from the item's own
language, which is wrong for such copies), and dates and catalogs that do not
depend on the operating system's locales.  This plugin does those, driven by
the one language table, the ``LANGUAGES`` setting.
"""

from .multilang import register  # noqa: F401
