"""Item pages whose inputs did not change are not rendered again.

After an editor saves one file, most of a rebuild's time went into
rendering the templates of pages that came out byte for byte as before.
The page of one article or page, in one sub-site, is decided by:

- the item's own piece: the source text of every language version, since a
  sub-site may show a fallback copy or a converted script of another one;
- everything every page shows: the templates, plugins and catalogs, the
  settings, the list of content files and each file's metadata block
  (titles, dates, slugs and summaries appear in navigation, switchers and
  links), and the body of each file without a Summary (Pelican derives
  one from it);
- what the build's time decides, declared by the plugin that decides it
  with ``time_fact`` (which events are still upcoming, the build's date in
  the footer), not the time itself: an editor's rebuild a minute later
  reuses every page whose facts are the same.

The first two and the facts form one fingerprint per build; each page's key
adds its piece, its sub-site, output name and template.  A page found under
its key is written from the kept bytes; every other one is rendered as
usual.  Listings, feeds and every other output are always rendered: they
show many items.  The result equals a cold build (tested for edits of a
body, a title, a summary, a template, a catalog, a setting and the time).

A plugin whose item pages change with the build's time must declare what it
decides, before the pages are written, with ``time_fact(name, value)``.
"""

import logging
import os
import sys

import babel
import jinja2
import markdown
import pelican
from pelican.writers import Writer

from .cache import FileResults, digest
from .config import core_config
from .parallel import ITEM_GENERATORS, split, writes
from .state import STATE, is_main_site

logger = logging.getLogger(__name__)

CACHE_FORMAT = "pages-1"
# Settings that name where this build writes, not what it writes.
# (SITECORE: how many processes, which caches; not what a page says.)
UNRENDERED_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH", "I18N_GETTEXT_LOCALEDIR", "WRITE_SELECTED", "SITECORE"}


class _Pages:
    def __init__(self):
        self.facts = {}  # name -> repr of the value
        self.inputs = None  # digest of code, settings and content (build_started)
        self.fingerprint = None
        self.stores = {}  # site language -> FileResults
        self.hits = 0
        self.rendered = 0
        self.urls_fixed = False


def pages():
    return STATE.slot("pages", _Pages)


def time_fact(name, value):
    """Declare what the build's time decides on item pages (a repr-able value)."""
    state = pages()
    text = repr(value)
    if state.fingerprint is not None and state.facts.get(name) != text:
        # Pages already written under the old facts would be kept wrongly.
        raise RuntimeError(f"sitecore: time fact {name!r} declared after item pages were written")
    state.facts[name] = text


def stable(value):
    """A text for a setting's value that is the same in every process and build."""
    if isinstance(value, dict):
        # (I18N_SUBSITES holds each sub-site's OUTPUT_PATH too.)
        items = sorted((kv for kv in value.items() if kv[0] not in UNRENDERED_SETTINGS), key=lambda kv: repr(kv[0]))
        return "{" + ", ".join(f"{stable(k)}: {stable(v)}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stable(v) for v in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable(v) for v in value)) + "}"
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    # Functions, classes and modules by name (their code is in the code digest);
    # other objects by type, since their default repr names a memory address.
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"<{getattr(value, '__module__', type(value).__module__)}.{name}>"


def _files_digest(root, suffixes=None):
    """Digest of the contents of every file under root (optionally only some suffixes)."""
    if not root or not os.path.isdir(root):
        return ""
    parts = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if suffixes and not name.endswith(suffixes):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                parts.extend((os.path.relpath(path, root), handle.read()))
    return digest(*parts)


def _content_digest(settings):
    from .model import content_model

    model = content_model(settings)
    parts = []
    for source in model.sources:
        parts.append(source.abs_path)
        if "summary" in source.metadata:
            parts.append("".join(source.text.splitlines(keepends=True)[:source.body_start - 1]))
        else:
            parts.append(source.text)
    # Every file there is (links and the fallbacks depend on which exist);
    # files that are not pieces (the mirror list, images) by size and time,
    # which change when they are edited.
    sources = {source.abs_path for source in model.sources}
    for folder, dirs, files in os.walk(os.path.abspath(settings["PATH"])):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            if path in sources:
                parts.append(path)
            else:
                stat = os.stat(path)
                parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest(*parts)


def _fingerprint(settings):
    """Everything but the items' bodies that decides an item page (main site's settings)."""
    plugin_roots = [path for path in settings.get("PLUGIN_PATHS", [])]
    parts = [CACHE_FORMAT, sys.version, pelican.__version__, jinja2.__version__, markdown.__version__,
             babel.__version__, _files_digest(settings.get("THEME")),
             *(_files_digest(root, (".py",)) for root in plugin_roots),
             _files_digest(settings.get("TRANSLATIONS_PATH"), (".po", ".pot", ".txt", ".yml", ".yaml")),
             _content_digest(settings)]
    return digest(*parts)


def _settings_digest(settings):
    return digest(*(f"{key}={stable(value)}" for key, value in sorted(settings.items())
                    if key.isupper() and key not in UNRENDERED_SETTINGS))


def _store(settings):
    state = pages()
    lang = settings["DEFAULT_LANG"]
    if lang not in state.stores:
        if state.fingerprint is None:
            state.fingerprint = digest(state.inputs or "",
                                       *(f"{k}={v}" for k, v in sorted(state.facts.items())))
        # Each writing process keeps the pages it wrote (the same ones in the
        # next build: the split is by output name).
        part = "" if split().owned is None else f"-{int(split().in_child)}"
        state.stores[lang] = FileResults(f"pages-{lang}{part}", settings, (state.fingerprint, _settings_digest(settings)),
                                         enabled=core_config(settings)["page_cache"])
    return state.stores[lang]


def remember_inputs(pelican_obj):
    """while_rendering receiver: the content and code part of the fingerprint."""
    if core_config(pelican_obj.settings)["page_cache"]:
        pages().inputs = _fingerprint(pelican_obj.settings)


ITEM_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
              "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def _fix_item_urls():
    """Pelican formats an item's URL from its settings and metadata on every
    access, tens of thousands of times a build in the templates.  Once every
    sub-site is read and interlinked (writing has begun) nothing changes
    them, so each item keeps its URL as Pelican's own override does."""
    pages().urls_fixed = True
    for generators in split().generators.values():
        for generator in generators:
            if not isinstance(generator, ITEM_GENERATORS):
                continue
            for name in ITEM_LISTS:
                for item in getattr(generator, name, None) or ():
                    if not hasattr(item, "override_url"):
                        item.override_url = item.url


class _Kept:
    """Stands in for a template: renders it only when the page is not kept."""

    def __init__(self, template, store, key):
        self.template, self.store, self.key = template, store, key

    def render(self, *args, **kwargs):
        state = pages()
        kept = self.store.lookup(self.key)
        if kept is not None:
            state.hits += 1
            return kept
        output = self.template.render(*args, **kwargs)
        state.rendered += 1
        self.store.put(self.key, output)
        return output


class KeepingWriter(Writer):
    """Pelican's Writer, writing kept item pages without rendering them, and
    only the files this process writes (``sitecore.parallel``)."""

    split_items = False  # set while an item generator writes

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if not pages().urls_fixed:
            _fix_item_urls()
        item = kwargs.get("article") or kwargs.get("page")
        if not writes(self.settings, name, self.split_items and item is not None and not paginated):
            return None
        key = self._key(item, name, template, relative_urls) if item is not None and not paginated else None
        if key is not None:
            template = _Kept(template, _store(self.settings), key)
        return super().write_file(name, template, context, relative_urls=relative_urls, paginated=paginated,
                                  template_name=template_name, override_output=override_output, url=url,
                                  **kwargs)

    def write_feed(self, *args, **kwargs):
        if not writes(self.settings, "", False):
            return None
        return super().write_feed(*args, **kwargs)

    def _key(self, item, name, template, relative_urls):
        from .model import content_model

        if not core_config(self.settings)["page_cache"] or pages().inputs is None:
            return None
        model = content_model(self.settings)
        source = model.by_path.get(os.path.abspath(getattr(item, "source_path", "") or ""))
        if source is None:
            return None
        _key, versions = model.piece_of(source)
        texts = [part for lang in sorted(versions) for part in (lang, versions[lang].text)]
        return digest(name, getattr(template, "name", "") or "", str(bool(relative_urls)), source.abs_path, *texts)


def writer_class(pelican_obj):
    """get_writer receiver."""
    return KeepingWriter


def save(pelican_obj):
    """finalized receiver, per site: keep the pages this process wrote for the next build."""
    state = pages()
    store = state.stores.pop(pelican_obj.settings["DEFAULT_LANG"], None)
    if store is not None:
        store.save()
    if is_main_site(pelican_obj.settings) and (state.hits or state.rendered):
        logger.debug("sitecore: %d item pages rendered, %d kept from the previous build",
                     state.rendered, state.hits)
