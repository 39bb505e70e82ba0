"""Markdown rendered once per build, whatever the number of languages.

i18n-subsites starts one Pelican per language, and each reads every source
file; validation reads them too.  All of them get the same ``(content,
metadata)`` from here: the first request converts the file with Pelican's
own MarkdownReader, the others are served from the build state.
"""

import logging
import os
from dataclasses import dataclass

import blinker
from markdown import Markdown
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader
from pelican.utils import pelican_open

from .state import STATE

logger = logging.getLogger(__name__)


# Sent with a sub-site's settings and the path of a file it is about to
# read; a receiver that returns True makes that sub-site skip the file
# (Pelican's own "skip" status), e.g. because it shows another language's
# version of the piece (plugins/multilang).
skip = blinker.signal("sitecore.skip")


class RenderError(Exception):
    """Markdown could not render a file (e.g. nesting too deep for the parser)."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Rendered:
    content: str  # the body's HTML, as Pelican's MarkdownReader returns it
    metadata: dict  # Pelican's processed metadata; "summary" is rendered HTML


class _Memo:
    def __init__(self):
        self.items = {}  # (real path, mtime_ns, size) -> Rendered
        self.reader = None


class ReusingMarkdownReader(MarkdownReader):
    """Pelican's MarkdownReader, with two Markdown instances kept and reset.

    Pelican builds a new Markdown (loading every extension) for each file,
    and removes the meta preprocessor from it to render formatted fields;
    building it took a third of the reading time.  Here one instance
    renders bodies and another, without the meta preprocessor, renders
    formatted fields; ``reset()`` clears their per-document state (the
    extensions' own: footnotes, abbreviations, Meta).  The output is
    Pelican's own (tests compare whole builds).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._body_md = Markdown(**self.settings["MARKDOWN"])
        self._field_md = Markdown(**self.settings["MARKDOWN"])
        self._field_md.preprocessors.deregister("meta")
        self.conversions = 0  # calls of Markdown.convert, for the benchmark

    def _parse_metadata(self, meta):
        formatted_fields = self.settings["FORMATTED_FIELDS"]
        output = {}
        for name, value in meta.items():
            name = name.lower()
            if name in formatted_fields:
                self.conversions += 1
                self._field_md.reset()
                formatted = self._field_md.convert("\n".join(value))
                output[name] = self.process_metadata(name, formatted)
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    logger.warning("Duplicate definition of `%s` for %s. Using first one.", name, self._source_path)
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output

    def read(self, source_path):
        self._source_path = source_path
        self._md = self._body_md
        self._md.reset()
        self.conversions += 1
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        return content, metadata


def memo():
    return STATE.slot("render", _Memo)


def _key(path):
    real = os.path.realpath(path)
    stat = os.stat(real)
    return real, stat.st_mtime_ns, stat.st_size


def rendered(path, settings):
    """The Rendered of the Markdown file at ``path`` (converted once per build)."""
    store = memo()
    key = _key(path)
    found = store.items.get(key)
    if found is None:
        if store.reader is None:
            store.reader = ReusingMarkdownReader(settings)
        reader = store.reader
        try:
            content, metadata = reader.read(path)
        except RecursionError as exc:
            raise RenderError(path, "the text is nested too deeply for Markdown to render") from exc
        found = store.items[key] = Rendered(content, metadata)
    return found


class SharedMarkdownReader(MarkdownReader):
    """Pelican's MarkdownReader, served from this build's rendered files."""

    def read(self, source_path):
        if any(answer for _receiver, answer in skip.send(self.settings, path=source_path)):
            return "", {"status": "skip"}
        result = rendered(source_path, self.settings)
        return result.content, dict(result.metadata)


def use_shared_reader(readers):
    """readers_init receiver: every Markdown extension goes through the memo."""
    for ext in MarkdownReader.file_extensions:
        if readers.reader_classes.get(ext) is MarkdownReader:
            readers.reader_classes[ext] = SharedMarkdownReader


def log_conversions(pelican_obj):
    """finalized receiver: how many times Markdown ran (read by `invoke bench`)."""
    from .state import is_main_site

    store = memo()
    if is_main_site(pelican_obj.settings) and store.reader is not None:
        logger.debug("sitecore: %d Markdown conversions for %d files", store.reader.conversions, len(store.items))
