"""Pelican side: each language's leaflet and poster as HTML, for `invoke publish` to print.

Every sub-site writes, when ``PRINTED["published"]`` is on (``invoke publish``),
``<its folder>/publish-inputs/printed/``: ``leaflet.html``, ``poster.html``
and ``printed.json``, the list of documents to print with the PDF each
becomes (relative to the language's folder) and the font families the
material may use.  ``sitetools/printed.py`` reads that list; nothing else
connects the two halves.
"""

import json
import os
import posixpath
import re

from jinja2 import pass_context
from pelican import signals
from pelican.generators import Generator

import sitecore
from sitecore import ConfigError, plugin_config
from sitecore.artefacts import PUBLISH_INPUTS
from sitecore.urls import absolute_url


DEFAULTS = {
    # True in the build `invoke publish` makes (it passes this with -e):
    # only then is the material's HTML written, for publish to print, and
    # are the PDFs linked from the copies page.
    "published": False,
    # Folder of each language's PDFs, inside that language's folder.
    "folder": "print",
    # Slug of the piece (statement, background, event or page) whose Summary
    # the material prints, in each language's version; "" prints none.
    "text_from": "campaign-launch",
    # How many upcoming events the material lists.
    "events": 3,
    # How many official mirrors (content/mirrors.yml) get a QR code.
    "qr_mirrors": 3,
    # Font family for text in each language, by BCP 47 prefix ("" for any
    # other language), as CSS :lang() rules: the longest prefix that
    # matches wins.  Chinese gets
    # Noto CJK (Debian fonts-noto-cjk) with the Hong Kong, Taiwan or mainland
    # forms of the characters, each where it belongs.  Other languages get
    # DejaVu (fonts-dejavu-core): a font of 65,000 CJK glyphs adds 120 KB
    # and a third of a second to every PDF that uses it, even for one letter.
    "fonts": {
        "": "DejaVu Sans",
        "zh": "Noto Sans CJK SC",
        "zh-Hans": "Noto Sans CJK SC",
        "zh-Hant": "Noto Sans CJK TC",
        "zh-Hant-HK": "Noto Sans CJK HK",
        "ja": "Noto Sans CJK JP",
        "ko": "Noto Sans CJK KR",
    },
    # Font family for the signing key's ID (Latin letters and digits only).
    "mono": "DejaVu Sans Mono",
}

# The documents: template printed/<name>.html, on this paper, printed as
# <folder>/<name>-<paper>.<language code>.pdf.
DOCUMENTS = (("leaflet", "A5"), ("poster", "A4"))
# In PUBLISH_INPUTS of every language's folder.
SOURCES = "printed"
JOBS = "printed.json"
JOBS_FORMAT = 1
# QR module size in SVG user units; the print stylesheet sets the real size.
QR_SCALE = 4
FAMILY = re.compile(r"[A-Za-z0-9 ._-]+")
TAG = re.compile(r"(?:[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*)?")


def config(settings):
    conf = plugin_config(settings, "PRINTED", DEFAULTS)
    for key in ("events", "qr_mirrors"):
        if conf[key] < 0:
            raise ConfigError(f"printed: PRINTED[{key!r}] must be 0 or more, got {conf[key]!r}")
    families = [*conf["fonts"].values(), conf["mono"]]
    for family in families:
        if not isinstance(family, str) or not FAMILY.fullmatch(family):
            raise ConfigError(f"printed: font family names hold letters, digits, spaces, '.', '_' and '-' "
                              f"only, got {family!r}")
    for prefix in conf["fonts"]:
        if not isinstance(prefix, str) or not TAG.fullmatch(prefix):
            raise ConfigError(f"printed: PRINTED['fonts'] keys are language tags such as 'zh-Hant' (or \"\"), "
                              f"got {prefix!r}")
    if "" not in conf["fonts"]:
        raise ConfigError("printed: PRINTED['fonts'] needs a family for \"\" (every other language)")
    folder = conf["folder"]
    if not folder or folder.startswith("/") or ".." in folder.split("/") or folder == PUBLISH_INPUTS:
        raise ConfigError(f"printed: PRINTED['folder'] must be a folder name inside each language's folder, "
                          f"got {folder!r}")
    return conf


def pdf_name(name, paper, code):
    return f"{name}-{paper.lower()}.{code}.pdf"


def font_css(fonts):
    """CSS giving each language its family: shorter prefixes first, so that longer ones win."""
    rules = [f'html {{ font-family: "{fonts[""]}"; }}']
    for prefix in sorted((p for p in fonts if p), key=lambda p: (len(p.split("-")), p)):
        rules.append(f':lang({prefix}) {{ font-family: "{fonts[prefix]}"; }}')
    return "\n".join(rules)


def start(pelican_obj):
    config(pelican_obj.settings)


def shown_piece(context, slug):
    """This sub-site's item for `slug` (its own language's version, or the one it shows instead)."""
    if not slug:
        return None
    for item in (*context.get("articles", ()), *context.get("pages", ()), *context.get("hidden_pages", ())):
        if item.slug == slug:
            return item
    return None


def official_mirrors(settings, count):
    """Official mirrors of content/mirrors.yml in the file's order, at most `count`, with QR codes."""
    from mirrors.plugin import loaded

    this = loaded(settings)
    chosen = [mirror for mirror in this.mirrors if mirror.official][:count]
    return [{"url": mirror.url, "kind": mirror.kind, "qr": this.qr[mirror.url]} for mirror in chosen]


def material_files(settings, conf):
    """For the copies page: each language's PDFs, by path inside that language's folder."""
    files = []
    for code, entry in settings["LANGUAGES"].items():
        documents = [{"name": name, "paper": paper, "path": posixpath.join(conf["folder"], pdf_name(name, paper, code))}
                     for name, paper in DOCUMENTS]
        files.append({"code": code, "name": entry["name"], "bcp47": entry["bcp47"], "dir": entry["dir"],
                      "documents": documents})
    return files


@pass_context
def language_file(context, code, path):
    """URL of `path` in the folder of language `code`, from the current sub-site's root.

    Computed when the page is written: i18n-subsites knows where the other
    sub-sites are only once every sub-site has read its content.
    """
    root = context["relpath_to_site"](context["DEFAULT_LANG"], code)
    return posixpath.normpath(posixpath.join(root, path))


def add_to_context(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["language_file"] = language_file


class PrintedGenerator(Generator):
    """The print HTML of this sub-site's language; the PDFs' names for the copies page."""

    def generate_context(self):
        conf = config(self.settings)
        self.conf = conf
        self.context["PRINTED"] = {"published": conf["published"], "files": material_files(self.settings, conf)}
        if conf["published"]:
            # A missing PDF is answered with a 404 page whose links work from that folder (portable).
            self.context.setdefault("PAGE_FOLDERS", set()).add(conf["folder"])

    def material(self):
        """What the templates print, in this sub-site's language."""
        from integrity.plugin import key_id
        from mirrors.plugin import qr_svg

        conf, settings = self.conf, self.settings
        site_url = absolute_url(settings, "")
        build = self.context["BUILD"]
        text = shown_piece(self.context, conf["text_from"])
        if conf["text_from"] and text is None:
            # Not fatal: test sites and new projects have other pieces.  `invoke publish` says it.
            self.notes.append(f"PRINTED['text_from'] is {conf['text_from']!r}, but no piece has that slug: "
                              f"the material prints no text; set the slug of a statement, background piece "
                              f"or page, or \"\" to print none")
        return {
            "text": text,
            "events": [item for item in self.context.get("upcoming_events", [])][: conf["events"]],
            "as_of": build.time,
            "created": build.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "site_url": site_url,
            "site_qr": qr_svg(site_url, QR_SCALE) if site_url else "",
            "mirrors": official_mirrors(settings, conf["qr_mirrors"]),
            "key_id": key_id(settings),
            "font_css": font_css(conf["fonts"]),
            "mono": conf["mono"],
        }

    def generate_output(self, writer):
        if not self.conf["published"]:
            return
        code = self.settings["DEFAULT_LANG"]
        folder = os.path.join(self.output_path, PUBLISH_INPUTS, SOURCES)
        os.makedirs(folder, exist_ok=True)
        self.notes = []
        material = self.material()
        documents = []
        for name, paper in DOCUMENTS:
            html = self.get_template(f"printed/{name}").render(
                {**self.context, "printed": {**material, "name": name, "paper": paper}})
            with open(os.path.join(folder, f"{name}.html"), "w", encoding="utf-8", newline="\n") as handle:
                handle.write(html)
            documents.append({"html": f"{name}.html", "paper": paper,
                              "pdf": posixpath.join(self.conf["folder"], pdf_name(name, paper, code))})
        jobs = {
            "format": JOBS_FORMAT,
            "lang": code,
            "fonts": sorted({*self.conf["fonts"].values(), self.conf["mono"]}),
            "documents": documents,
            "notes": self.notes,
        }
        with open(os.path.join(folder, JOBS), "w", encoding="utf-8", newline="\n") as handle:
            json.dump(jobs, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.write("\n")


def get_generators(pelican_obj):
    return PrintedGenerator


def register():
    sitecore.connect()
    sitecore.build_started.connect(start)
    signals.generator_init.connect(add_to_context)
    signals.get_generators.connect(get_generators)
