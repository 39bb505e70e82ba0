"""Markdown rendered once per build, whatever the number of languages.

i18n-subsites starts one Pelican per language, and each reads every source
file; validation reads them too.  All of them get the same ``(content,
metadata)`` from here: the first request converts the file with Pelican's
own MarkdownReader, the others are served from the build state.
"""

import os
from dataclasses import dataclass

from pelican.readers import MarkdownReader

from .state import STATE


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
        self.conversions = 0


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
        reader = MarkdownReader(settings)
        try:
            content, metadata = reader.read(path)
        except RecursionError as exc:
            raise RenderError(path, "the text is nested too deeply for Markdown to render") from exc
        store.conversions += 1
        found = store.items[key] = Rendered(content, metadata)
    return found


class SharedMarkdownReader(MarkdownReader):
    """Pelican's MarkdownReader, served from this build's rendered files."""

    def read(self, source_path):
        result = rendered(source_path, self.settings)
        return result.content, dict(result.metadata)


def use_shared_reader(readers):
    """readers_init receiver: every Markdown extension goes through the memo."""
    for ext in MarkdownReader.file_extensions:
        if readers.reader_classes.get(ext) is MarkdownReader:
            readers.reader_classes[ext] = SharedMarkdownReader
