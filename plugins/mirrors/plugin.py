"""Pelican side: mirrors page, footer list, mirrors.json and trace.json."""

import json
import logging
import os
from urllib.parse import urlsplit

from pelican import signals
from pelican.generators import Generator

import sitecore
from sitecore import STATE, Problem, collect, is_main_site, plugin_config
from sitecore.artefacts import MIRRORS_FILE_KEYS
from .data import MirrorListError, load_mirrors

logger = logging.getLogger(__name__)

DEFAULTS = {
    # The mirror list, relative to the content folder (settings["PATH"]).
    "file": "mirrors.yml",
    # Pages and files the plugin writes.  The page is written in every
    # language's sub-site; the JSON ("json") and the trace ("trace") only at
    # the output root, named in sitecore.artefacts, which the tools read too.
    "page": "mirrors.html",
    **MIRRORS_FILE_KEYS,
    # How many mirrors the footer of every page lists (official ones first).
    "footer_count": 3,
    # Size of one QR module in SVG user units.
    "qr_scale": 4,
}

# Mirror kind -> (proto, type) of Bypass Censorship's mirrorSites.json.
BC_TYPES = {
    "https": "mirror",
    "git-pages": "mirror",
    "object-storage": "mirror",
    "onion": "tor",
    "ipfs": "ipfs",
}


class MirrorList:
    """The mirror list of the running build (a slot of the build state)."""

    def __init__(self):
        self.mirrors = None  # None: not read yet in this build
        self.main_domain = ""
        self.qr = {}
        self.problems = []


def config(settings):
    return plugin_config(settings, "MIRRORS", DEFAULTS)


def list_path(settings):
    return os.path.join(settings["PATH"], config(settings)["file"])


def display_path(settings, path):
    """`path` relative to the project (the content folder's parent)."""
    return os.path.relpath(path, os.path.dirname(os.path.abspath(settings["PATH"])))


def qr_svg(url, scale):
    """An inline SVG QR code of `url` (no XML declaration, no inline style)."""
    # A white quiet zone (border 4) keeps it scannable on a dark background.
    import segno  # (when a QR code is drawn, not at the start of every build)

    return segno.make(url, error="m", micro=False).svg_inline(scale=scale, border=4, dark="#000", light="#fff",
                                                              svgclass="qr", lineclass=None, title=url, omitsize=True)


def loaded(settings):
    """This build's MirrorList, read and checked on first use."""
    this = STATE.slot("mirrors", MirrorList)
    if this.mirrors is None:
        path = list_path(settings)
        try:
            mirror_list = load_mirrors(path)
        except MirrorListError as exc:
            shown = display_path(settings, path)
            this.problems = [Problem(shown, line, message) for line, message in exc.problems]
            this.mirrors = []
            return this
        this.mirrors = mirror_list.mirrors
        this.main_domain = mirror_list.main_domain
        scale = config(settings)["qr_scale"]
        this.qr = {mirror.url: qr_svg(mirror.url, scale) for mirror in this.mirrors}
    return this


def mirror_list_problems(settings):
    """sitecore.collect receiver: the list's mistakes, with every other content problem."""
    return loaded(settings).problems


def ordered(mirrors):
    """Official mirrors first, then the others, each in the file's order."""
    return sorted(mirrors, key=lambda mirror: not mirror.official)


def add_to_context(generator):
    this = loaded(generator.settings)
    conf = config(generator.settings)
    mirrors = ordered(this.mirrors)
    generator.context["MIRRORS"] = mirrors
    generator.context["MIRRORS_FOOTER"] = mirrors[: conf["footer_count"]]
    generator.context["MIRRORS_PAGE"] = conf["page"]
    generator.context["MIRRORS_JSON"] = conf["json"]
    generator.context["MIRROR_QR"] = this.qr


def stamp(date):
    return f"{date:%Y-%m-%d} 00:00:00.000000"


def mirror_sites(mirrors, main_domain):
    """The mirrorSites.json document (Bypass Censorship's v2 shape)."""
    if not mirrors:
        return {"version": "2.0", "sites": []}
    if not main_domain:
        officials = [m for m in mirrors if m.official and m.kind == "https"] or list(mirrors)
        main_domain = officials[0].host
    alternatives = []
    for mirror in mirrors:
        scheme = urlsplit(mirror.url).scheme
        alternatives.append({
            "proto": "tor" if mirror.kind == "onion" else scheme,
            "type": BC_TYPES[mirror.kind],
            "url": mirror.url,
            "created_at": stamp(mirror.added),
            "updated_at": stamp(mirror.updated or mirror.added),
            "kind": mirror.kind,
            "official": mirror.official,
        })
    return {"version": "2.0", "sites": [{"main_domain": main_domain, "available_alternatives": alternatives}]}


def trace(settings):
    """The trace document: which build this copy is."""
    from buildinfo import current

    info = current(settings).as_dict()
    return {
        "version": 1,
        "site": settings.get("SITENAME", ""),
        "build_id": info["id"],
        "commit": info["commit"],
        "time": info["time"],
        "epoch": info["epoch"],
    }


def write_json(path, document):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


class MirrorsGenerator(Generator):
    """Writes the mirrors page (every language) and, for the main site, the JSON files."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        conf = config(self.settings)
        writer.write_file(
            conf["page"], self.get_template("mirrors"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=conf["page"], output_file=conf["page"],
            page_name="mirrors",
        )
        if is_main_site(self.settings):
            this = loaded(self.settings)
            write_json(os.path.join(self.output_path, conf["json"]), mirror_sites(this.mirrors, this.main_domain))
            write_json(os.path.join(self.output_path, conf["trace"]), trace(self.settings))


def get_generators(pelican_obj):
    return MirrorsGenerator


def register():
    sitecore.connect()
    collect.connect(mirror_list_problems)
    signals.generator_init.connect(add_to_context)
    signals.get_generators.connect(get_generators)
