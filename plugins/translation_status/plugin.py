"""Pelican side: mark outdated translations; write the translators' page and JSON."""

import json
import logging
import os

from pelican import signals
from pelican.generators import Generator

import sitecore
from sitecore import STATE, build_started, content_model, is_main_site, plugin_config, while_rendering
from sitecore.model import display_path

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
    return plugin_config(settings, "TRANSLATION_STATUS", DEFAULTS)


class Status:
    """One build's report (a slot of the build state)."""

    def __init__(self):
        self.data = None
        self.paths = {}


def status():
    return STATE.slot("translation_status", Status)


def check_settings(pelican_obj):
    """build_started receiver."""
    config(pelican_obj.settings)


def start(pelican_obj):
    """sitecore.while_rendering receiver: the report, while the workers render."""
    settings = pelican_obj.settings
    this = status()
    this.data = report(settings, content_model(settings))
    this.paths = by_path(this.data)


def mark_outdated(content):
    """An outdated translation gets `outdated_from` = its original's language."""
    source_path = getattr(content, "source_path", None)
    this = status()
    if not source_path or this.data is None:
        return
    found = this.paths.get(display_path(source_path, content.settings))
    if found and found[0] == OUTDATED:
        content.outdated_from = found[1]


class TranslationStatusGenerator(Generator):
    """Writes translations.json and translations.html in the main site."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        data = status().data
        if not is_main_site(self.settings) or data is None:
            return
        conf = config(self.settings)
        if conf["json"]:
            path = os.path.join(self.output_path, conf["json"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
                handle.write("\n")
        if conf["page"]:
            template = self.get_template(conf["template"])
            writer.write_file(conf["page"], template, self.context, relative_urls=self.settings["RELATIVE_URLS"],
                              status=data, output_file=conf["page"],
                              json_file=conf["json"])


def get_generators(pelican_obj):
    return TranslationStatusGenerator


def register():
    sitecore.connect()
    build_started.connect(check_settings)
    while_rendering.connect(start)
    signals.content_object_init.connect(mark_outdated)
    signals.get_generators.connect(get_generators)
