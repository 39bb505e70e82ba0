"""`invoke publish`: each language's leaflet and poster as PDF, with WeasyPrint.

The build (plugins/printed) leaves in every language's folder
``publish-inputs/printed/``: the material as HTML and ``printed.json``, the
list of documents with the PDF each becomes (relative to that language's
folder) and the font families it may use.  This step prints every document
of every language in this one process, with one WeasyPrint font
configuration (fontconfig and the fonts are loaded once, not once per PDF),
before the manifest and the checksums are computed: the PDFs are site files.

The PDFs are reproducible: WeasyPrint writes no time of its own, the HTML
carries the build's time (``SOURCE_DATE_EPOCH``) as its creation date, and
font subsets are named after the font (MD5 of its description), not at
random.  A document may load nothing (no URL is fetched, the QR codes are
inline SVG), and may use only the fonts
``printed.json`` names: a machine without Debian's ``fonts-noto-cjk`` or
``fonts-dejavu-core`` would print with whatever fontconfig finds instead
(Chinese as empty boxes), so publishing stops instead.
"""

import json
import logging
import os
import posixpath

from sitecore.artefacts import PUBLISH_INPUTS

SOURCES = "printed"
JOBS = "printed.json"
JOBS_FORMAT = 1


class PrintError(RuntimeError):
    """The material cannot be printed; the message says why and what to do."""


def find_jobs(root, inputs=PUBLISH_INPUTS):
    """[(language folder, sources folder, jobs)] of every language, sorted by folder."""
    found = []
    for dirpath, dirnames, _filenames in os.walk(root):
        dirnames.sort()
        if os.path.basename(dirpath) != inputs:
            continue
        dirnames[:] = []  # nothing to find inside the inputs themselves
        path = os.path.join(dirpath, SOURCES, JOBS)
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            jobs = json.load(handle)
        if jobs.get("format") != JOBS_FORMAT:
            raise PrintError(f"printed: {path}: format {jobs.get('format')!r}, expected {JOBS_FORMAT}; "
                             f"build and publish with the same version of the project")
        found.append((os.path.dirname(dirpath), os.path.dirname(path), jobs))
    return sorted(found, key=lambda entry: entry[0])


def target_path(root, folder, relpath):
    """`relpath` inside `folder`, refused if it would leave the output root."""
    rel = posixpath.normpath(relpath)
    if rel.startswith(("../", "/")) or rel in ("..", "."):
        raise PrintError(f"printed: a document's PDF must stay inside its language's folder, got {relpath!r}")
    full = os.path.normpath(os.path.join(folder, *rel.split("/")))
    if os.path.commonpath([os.path.abspath(root), os.path.abspath(full)]) != os.path.abspath(root):
        raise PrintError(f"printed: {relpath!r} leaves the output folder")
    return full


class _Warnings(logging.Handler):
    """WeasyPrint's warnings (a CSS rule it ignored, a missing glyph...) collected as problems."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _weasyprint():
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError, URLFetcher
    except (ImportError, OSError) as exc:
        raise PrintError(f"printed: WeasyPrint cannot start ({exc}); install the pinned requirements and "
                         f"its system libraries (Debian: libpango-1.0-0 libpangoft2-1.0-0 "
                         f"libharfbuzz-subset0, listed in .ci/debian-packages.txt)") from exc

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise FatalURLFetchingError(f"printed material may load nothing, but asks for {url}")

    return weasyprint, FontConfiguration, NoFetching


def check_fonts(source, allowed):
    """A WeasyPrint finisher: every font the PDF embeds is an allowed family and has every glyph."""

    def finisher(document, _pdf):
        for font in document.fonts.values():
            if font.family not in allowed:
                raise PrintError(f"printed: {source} would print with the font {font.family!r}, not one of "
                                 f"{', '.join(sorted(allowed))}: install Debian's fonts-noto-cjk and "
                                 f"fonts-dejavu-core (.ci/debian-packages.txt)")
            if font.missing:
                missing = ", ".join(f"U+{code:04X}" for code in sorted(font.missing)[:10])
                raise PrintError(f"printed: {source}: the font {font.family!r} has no glyph for {missing}: "
                                 f"install Debian's fonts-noto-cjk and fonts-dejavu-core, or give this "
                                 f"language a font that has them (PRINTED['fonts'])")

    return finisher


def write_pdfs(root, inputs=PUBLISH_INPUTS):
    """Print every document the build left in `root`.

    Returns (the PDFs' paths relative to root, the build's notes about the material).
    """
    found = find_jobs(root, inputs)
    if not found:
        return [], []
    notes = sorted({note for _folder, _sources, jobs in found for note in jobs.get("notes", [])})
    weasyprint, FontConfiguration, NoFetching = _weasyprint()
    fonts = FontConfiguration()
    fetcher = NoFetching()
    warnings = _Warnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(warnings)
    written = []
    try:
        for folder, sources, jobs in found:
            allowed = frozenset(jobs["fonts"])
            for doc in jobs["documents"]:
                source = os.path.join(sources, doc["html"])
                target = target_path(root, folder, doc["pdf"])
                with open(source, encoding="utf-8") as handle:
                    html = weasyprint.HTML(string=handle.read(), url_fetcher=fetcher)
                warnings.messages.clear()
                document = html.render(font_config=fonts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                document.write_pdf(target, finisher=check_fonts(source, allowed), pdf_tags=True)
                if warnings.messages:
                    raise PrintError(f"printed: {source}: " + "; ".join(warnings.messages))
                written.append(os.path.relpath(target, root).replace(os.sep, "/"))
    finally:
        logger.removeHandler(warnings)
    return written, notes
