"""Pelican side: mark outdated translations; write the translators' page and JSON."""

import json
import logging
import os

from pelican import signals
from pelican.generators import Generator

from buildinfo import is_main_site
from content_checks.checks import display_path

from .status import OUTDATED, by_path, report

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Where the report goes, relative to the main site's output folder; "" to skip.
    "json": "translations.json",
    "page": "translations.html",
    # Theme template of the page.
    "template": "translations",
}


def config(settings):
    user = settings.get("TRANSLATION_STATUS", {})
    for key in user:
        if key not in DEFAULTS:
            logger.error("translation_status: unknown TRANSLATION_STATUS key %r", key)
    return {**DEFAULTS, **user}


class State:
    """One build's report; reset when the main site starts."""

    def __init__(self):
        self.data = None
        self.paths = {}


STATE = State()


def initialized(pelican_obj):
    settings = pelican_obj.settings
    if not is_main_site(settings):
        return
    STATE.__init__()
    config(settings)
    STATE.data = report(settings)
    STATE.paths = by_path(STATE.data)


def mark_outdated(content):
    """An outdated translation gets `outdated_from` = its original's language."""
    source_path = getattr(content, "source_path", None)
    if not source_path or STATE.data is None:
        return
    found = STATE.paths.get(display_path(source_path, content.settings))
    if found and found[0] == OUTDATED:
        content.outdated_from = found[1]


class TranslationStatusGenerator(Generator):
    """Writes translations.json and translations.html in the main site."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        if not is_main_site(self.settings) or STATE.data is None:
            return
        conf = config(self.settings)
        if conf["json"]:
            path = os.path.join(self.output_path, conf["json"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(STATE.data, handle, ensure_ascii=False, indent=1, sort_keys=True)
                handle.write("\n")
        if conf["page"]:
            template = self.get_template(conf["template"])
            writer.write_file(conf["page"], template, self.context, relative_urls=self.settings["RELATIVE_URLS"],
                              status=STATE.data, output_file=conf["page"],
                              json_file=conf["json"])


def get_generators(pelican_obj):
    return TranslationStatusGenerator


def register():
    signals.initialized.connect(initialized)
    signals.content_object_init.connect(mark_outdated)
    signals.get_generators.connect(get_generators)
