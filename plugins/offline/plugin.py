"""Pelican side: the ZIM file's metadata in every language, for `invoke publish`.

When ``OFFLINE["published"]`` is on (``invoke publish``), every sub-site writes
``<its folder>/publish-inputs/offline/metadata.html`` (template
``offline/metadata.html``: title and description in its language), and the
main site also ``offline.json`` (the languages with their folders and ISO
639-3 codes, the main page, the canonical address, the ZIM's name and
settings) and the illustration.  ``sitetools/zim.py`` reads them.
"""

import json
import os
import shutil
import struct

import pycountry
from babel import Locale
from pelican import signals
from pelican.generators import Generator

import sitecore
from sitecore import ConfigError, is_main_site, plugin_config
from sitecore.artefacts import PUBLISH_INPUTS, artefacts
from sitecore.urls import canonical_url


DEFAULTS = {
    # True in the build `invoke publish` makes (it passes this with -e):
    # only then are the ZIM's inputs written and is it linked from the
    # copies page.
    "published": False,
    # The ZIM's Name: a stable identifier by which Kiwix recognises a newer
    # file of the same content ({project}_{language}_{selection}, as openZIM
    # names them; "mul" = many languages).  Never change it once published.
    "name": "solidarity-campaign_mul_all",
    # 48x48 PNG shown by Kiwix readers (the favicon, theme/static/favicon.svg,
    # drawn at that size), relative to THEME.  `invoke zim-illustration`
    # draws it again after the favicon changes.
    "illustration": "offline/illustration-48.png",
    # A full-text index in the ZIM, for Kiwix's search of the pages' text
    # (without it Kiwix still finds pages by title).  It keeps libzim on one
    # core to stay reproducible: False makes publish faster on many cores.
    "index": True,
}
SOURCES = "offline"
META = "offline.json"
PAGE_META = "metadata.html"
META_FORMAT = 1
ILLUSTRATION = "illustration-48.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def config(settings):
    return plugin_config(settings, "OFFLINE", DEFAULTS)


def illustration_path(settings):
    return os.path.join(settings["THEME"], config(settings)["illustration"])


def check_illustration(path):
    """The illustration must be a PNG of 48x48 pixels (what ZIM readers expect)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(24)
    except OSError as exc:
        raise ConfigError(f"offline: OFFLINE['illustration']: cannot read {path}: {exc.strerror}") from exc
    if len(head) < 24 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        raise ConfigError(f"offline: {path} is not a PNG file")
    size = struct.unpack(">II", head[16:24])
    if size != (48, 48):
        raise ConfigError(f"offline: {path} is {size[0]}x{size[1]} pixels; a ZIM illustration is 48x48")


def iso639_3(locale):
    """The ISO 639-3 code of a Babel locale's language ("zh_Hant_HK" -> "zho")."""
    language = Locale.parse(locale).language
    found = pycountry.languages.get(alpha_2=language) if len(language) == 2 else \
        pycountry.languages.get(alpha_3=language)
    if found is None:
        raise ConfigError(f"offline: no ISO 639-3 code for the language of locale {locale!r}")
    return found.alpha_3


def start(pelican_obj):
    settings = pelican_obj.settings
    if config(settings)["published"]:
        check_illustration(illustration_path(settings))


class OfflineGenerator(Generator):
    """The ZIM's metadata in this sub-site's language; the ZIM's name for the copies page."""

    def generate_context(self):
        conf = config(self.settings)
        self.conf = conf
        self.context["OFFLINE"] = {"published": conf["published"], "file": artefacts(self.settings).zim}

    def write(self, name, text):
        folder = os.path.join(self.output_path, PUBLISH_INPUTS, SOURCES)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        return folder

    def generate_output(self, writer):
        if not self.conf["published"]:
            return
        self.write(PAGE_META, self.get_template("offline/metadata").render(self.context))
        if not is_main_site(self.settings):
            return
        here = self.settings["DEFAULT_LANG"]
        to_site = self.context["relpath_to_site"]
        languages = []
        for code, entry in self.settings["LANGUAGES"].items():
            folder = to_site(here, code)
            languages.append({"code": code, "bcp47": entry["bcp47"], "iso639_3": iso639_3(entry["locale"]),
                              "folder": "" if folder in ("", ".") else folder.strip("/") + "/"})
        # The main site's language first: its title and description are the ZIM's own.
        languages.sort(key=lambda lang: lang["code"] != here)
        meta = {
            "format": META_FORMAT,
            "name": self.conf["name"],
            "index": self.conf["index"],
            "main_path": self.settings.get("INDEX_SAVE_AS") or "index.html",
            "canonical_url": canonical_url(self.settings),
            "illustration": ILLUSTRATION,
            "languages": languages,
        }
        folder = self.write(META, json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        shutil.copyfile(illustration_path(self.settings), os.path.join(folder, ILLUSTRATION))


def get_generators(pelican_obj):
    return OfflineGenerator


def register():
    sitecore.connect()
    sitecore.build_started.connect(start)
    signals.get_generators.connect(get_generators)
