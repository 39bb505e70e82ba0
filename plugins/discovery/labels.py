"""The theme's own labels, in one language, for what is written outside templates.

Feeds are written by Pelican's writer, not by a template; their titles must
still be the names the pages show, in the same words.  So they come from the
macros of ``partials/labels.html`` rendered with that language's Jinja
environment (its gettext catalog), never from strings repeated here.
"""

from markupsafe import Markup

from sitecore import STATE


class _Environments:
    def __init__(self):
        self.by_lang = {}  # sub-site language -> a Jinja environment of that sub-site


def remember_environment(generator):
    """generator_init receiver: one environment per sub-site."""
    env = getattr(generator, "env", None)
    if env is not None:
        STATE.slot("discovery_env", _Environments).by_lang.setdefault(generator.settings["DEFAULT_LANG"], env)


def text(value):
    """A macro's output (escaped HTML) as plain text."""
    return Markup(str(value)).unescape().strip()


class Labels:
    """site_title, site_intro and section labels of one sub-site's language."""

    def __init__(self, lang):
        env = STATE.slot("discovery_env", _Environments).by_lang[lang]
        self._module = env.get_template("partials/labels.html").module

    def site_title(self):
        return text(self._module.site_title())

    def site_intro(self):
        return text(self._module.site_intro())

    def section(self, slug):
        return text(self._module.section_label(slug))
