"""Markdown rendered once per build, whatever the number of languages.

i18n-subsites starts one Pelican per language, and each reads every source
file; validation reads them too.  All of them get the same ``(content,
metadata)`` from here: the first request converts the file with Pelican's
own MarkdownReader, the others are served from the build state.
"""

import datetime
import hashlib
import logging
import os
import unicodedata
from dataclasses import dataclass

import blinker
import markdown
import pelican
from markdown import Markdown
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader

from .cache import FileResults
from .config import core_config as config
from .state import STATE

logger = logging.getLogger(__name__)


# Sent with a sub-site's settings and the path of a file it is about to
# read; a receiver that returns True makes that sub-site skip the file
# (Pelican's own "skip" status), e.g. because it shows another language's
# version of the piece (plugins/multilang).
skip = blinker.signal("sitecore.skip")


# Sent in a worker process of prerender() with the settings and one Source
# the worker has just rendered: a receiver returns (name, picklable result)
# or None.  Per-file work (the content rules) then runs on both cores; the
# parent collects the results, per_file_result(name, source) reads them.
per_file = blinker.signal("sitecore.per_file")


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


CACHE_FORMAT = 2


class _Memo:
    def __init__(self):
        self.items = {}  # (real path, mtime_ns, size) -> Rendered
        self.reader = None
        self.disk = None  # sitecore.cache.FileResults: sha256 of a file -> Rendered


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
                text = "\n".join(value)
                formatted = plain_paragraph(text)
                if formatted is None:
                    self._field_md.reset()
                    formatted = self._field_md.convert(text)
                output[name] = self.process_metadata(name, formatted)
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                # (A second value is content_checks' to report, at its line:
                # Pelican's warning here ended a build with --fatal in a traceback.)
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output

    def read_text(self, source_path, text):
        """(content, metadata) of ``text``, the contents of ``source_path``."""
        self._source_path = source_path
        self._md = self._body_md
        self._md.reset()
        self.conversions += 1
        content = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        return content, metadata


# ASCII punctuation that begins no Markdown construct inside a line: no
# emphasis, code, link, image, raw HTML, entity, escape, table cell,
# attribute list, footnote or abbreviation marker.
PLAIN_PUNCTUATION = frozenset(",.;:?!'\"%/()-@$")
PLAIN_CATEGORIES = frozenset("LMNPS")  # letters, marks, numbers, punctuation, symbols


def plain_paragraph(text):
    """The HTML Markdown makes of ``text`` when it is one plain line of prose
    (most Summaries), without running Markdown's whole pipeline; None when
    Markdown must decide.

    Plain means: it starts with a letter (no list, heading, quote or code
    block can start), holds no line break, tab, control character, double
    space or other whitespace than the space, and no ASCII punctuation
    outside PLAIN_PUNCTUATION.  Markdown then makes one paragraph of the
    text as it is (tests compare the two over generated texts).
    """
    if not text or len(text) > 2000 or not text[0].isalpha() or text[-1] == " " or "  " in text:
        return None
    for char in text:
        if char.isascii():
            if not (char.isalnum() or char == " " or char in PLAIN_PUNCTUATION):
                return None
        elif unicodedata.category(char)[0] not in PLAIN_CATEGORIES:
            return None
    return f"<p>{text}</p>"


def decode(raw, path):
    """The text Pelican's pelican_open would read: UTF-8, no BOM, universal newlines."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RenderError(path, "the file is not UTF-8") from exc
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def cacheable(metadata):
    """Only plain values survive a pickle unchanged (no settings-bound objects)."""
    plain = (str, datetime.date)
    return all(isinstance(value, plain) or (isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value))
               for value in metadata.values())


def fingerprint(reader):
    """What else than the file decides its rendering."""
    parts = (CACHE_FORMAT, markdown.__version__, pelican.__version__, repr(reader.settings["MARKDOWN"]),
             repr(sorted(reader.settings["FORMATTED_FIELDS"])))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def save_cache(pelican_obj):
    """finalized receiver (main site): keep this build's renderings for the next."""
    from .state import is_main_site

    store = memo()
    if is_main_site(pelican_obj.settings) and store.disk is not None:
        store.disk.save()


def memo():
    return STATE.slot("render", _Memo)


def _key(path):
    real = os.path.realpath(path)
    stat = os.stat(real)
    return real, stat.st_mtime_ns, stat.st_size


def _ready(settings):
    store = memo()
    if store.reader is None:
        store.reader = ReusingMarkdownReader(settings)
        store.disk = FileResults("rendered", settings, (fingerprint(store.reader),),
                                 enabled=config(settings)["render_cache"])
    return store


def _keep(store, key, digest, found):
    """Record a rendering for this build, and for the next when it pickles faithfully."""
    store.items[key] = found
    if cacheable(found.metadata):
        store.disk.put(digest, found)


def _lookup(store, path):
    """(key, digest, raw bytes, Rendered or None) of a file, from this build or the cache."""
    key = _key(path)
    found = store.items.get(key)
    if found is not None:
        return key, None, None, found
    with open(key[0], "rb") as handle:
        raw = handle.read()
    digest = hashlib.sha256(raw).hexdigest()
    found = store.disk.lookup(digest)
    if found is not None:
        store.items[key] = found
    return key, digest, raw, found


def rendered(path, settings):
    """The Rendered of the Markdown file at ``path`` (converted once per build,
    and not at all when the previous build's cache has the same bytes)."""
    store = _ready(settings)
    key, digest, raw, found = _lookup(store, path)
    if found is None:
        try:
            content, metadata = store.reader.read_text(path, decode(raw, path))
        except RecursionError as exc:
            raise RenderError(path, "the text is nested too deeply for Markdown to render") from exc
        found = Rendered(content, metadata)
        _keep(store, key, digest, found)
    return found


_WORKER = {}


def _render_in_worker(job):
    """Pool worker (forked: it has the parent's reader, model and settings):
    one file's rendering and the per_file results for it, or None when the
    parent must render it itself (an error to report there, or metadata
    bound to settings objects that do not survive a pickle)."""
    path, key, digest, text = job
    store = memo()
    reader = store.reader
    before = reader.conversions
    try:
        content, metadata = reader.read_text(path, text)
    except Exception:  # noqa: BLE001 - the parent renders it again and reports
        return path, None, 0, {}
    if not cacheable(metadata):
        return path, None, 0, {}
    store.items[key] = Rendered(content, metadata)
    results = {}
    settings, model = _WORKER.get("settings"), _WORKER.get("model")
    source = model.by_path.get(path) if model is not None else None
    if source is not None:
        for _receiver, answer in per_file.send(settings, source=source):
            if answer is not None:
                results[answer[0]] = answer[1]
    return path, (content, metadata), reader.conversions - before, results


def per_file_result(name, source):
    """The result a per_file receiver named ``name`` gave for ``source`` in
    this build's workers, or None (not computed there)."""
    return STATE.slot("per_file", dict).get((name, source.abs_path, source.text))


def prerender(settings, paths, processes, model=None, meanwhile=None):
    """Render every file of ``paths`` not yet rendered, on ``processes`` cores.

    Files in the render cache are taken from it; the rest are converted in
    forked worker processes when there are enough of them.  A file a worker
    cannot render is rendered here, so that its error is reported as usual.
    ``meanwhile`` is called once the workers have their files (at once when
    there are none); the renderings are collected after it returns.
    """
    import multiprocessing

    store = _ready(settings)
    todo = {}
    for path in paths:
        key, digest, raw, found = _lookup(store, path)
        if found is None:
            try:
                todo[path] = (key, digest, decode(raw, path))
            except RenderError:
                continue  # content_checks reports the encoding
    # Below SITECORE["parallel_from"] files, starting workers costs more than it saves.
    if processes < 2 or len(todo) < max(1, config(settings)["parallel_from"]) or not hasattr(os, "fork"):
        if meanwhile is not None:
            meanwhile()
        return
    jobs = [(path, key, digest, text) for path, (key, digest, text) in todo.items()]
    per_file_results = STATE.slot("per_file", dict)
    # The workers are forked: they see these without pickling.
    _WORKER.update(settings=settings, model=model)
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            found = pool.imap_unordered(_render_in_worker, jobs, chunksize=16)
            if meanwhile is not None:
                meanwhile()
            for path, result, conversions, results in found:
                if result is not None:
                    key, digest, _text = todo[path]
                    _keep(store, key, digest, Rendered(*result))
                    store.reader.conversions += conversions
                    source = model.by_path.get(path) if model is not None else None
                    for name, value in results.items():
                        if source is not None:
                            per_file_results[(name, path, source.text)] = value
    finally:
        _WORKER.clear()


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
        logger.debug("sitecore: %d Markdown conversions for %d files (%d from the cache)",
                     store.reader.conversions, len(store.items), store.disk.hits)
