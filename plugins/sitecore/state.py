"""One build state, reset at the start of every build.

i18n-subsites runs one nested Pelican per language inside the main run, so
what one build learns (the content model, rendered Markdown, URLs of each
language's items) must be shared by the sub-sites and forgotten before the
next build: under ``pelican -r``, livereload and repeated test builds in one
process, state left by a previous (perhaps crashed) build must not leak in.
"""

import atexit
import gc

import blinker
from pelican import signals


def is_main_site(settings):
    """True in the main Pelican run, False in an i18n-subsites sub-site.

    i18n-subsites starts one nested Pelican per language with DEFAULT_LANG
    set to that language; work done once per build belongs in the main one.
    """
    return settings["DEFAULT_LANG"] not in settings.get("I18N_SUBSITES", {})


class BuildState:
    """Named slots, one per plugin concern, created on first use.

    ``STATE.slot("multilang", Factory)`` returns this build's object for
    that name, creating it with ``Factory()`` the first time; ``reset()``
    drops every slot.
    """

    def __init__(self):
        self._slots = {}
        self.generation = 0

    def slot(self, name, factory):
        if name not in self._slots:
            self._slots[name] = factory()
        return self._slots[name]

    def reset(self):
        self._slots.clear()
        self.generation += 1


STATE = BuildState()


# Sent once at the start of every build of the main site (and again for
# every rebuild under `pelican -r`), after the state was reset: per-build
# work (reading the content, compiling catalogs, validating) connects here,
# not to `initialized`, which a rebuild does not send again.
build_started = blinker.signal("sitecore.build_started")

# Sent once per build, after build_started, while worker processes render
# the content (before any rendering when there are none): work that needs
# the content model but neither the renderings nor anything the workers
# compute (the page cache's fingerprint, the translation report) runs here
# on the parent's otherwise idle time.  Configuration checks belong in
# build_started, which comes before anything is read.
while_rendering = blinker.signal("sitecore.while_rendering")


def _run_started(pelican_obj):
    # The main site's generator lookup is the first thing Pelican.run() does:
    # fresh state, then each plugin's per-build set-up, then every content
    # rule of every plugin, reported at once before anything is read.
    if is_main_site(pelican_obj.settings):
        from .model import content_model
        from .parallel import workers
        from .problems import validate
        from .render import prerender
        from .urls import canonical_url

        settings = pelican_obj.settings
        canonical_url(settings)  # a wrong address stops the build before anything is read
        STATE.reset()
        _collect_less()
        build_started.send(pelican_obj)
        model = content_model(settings)
        prerender(settings, [source.abs_path for source in model.sources], workers(settings), model,
                  meanwhile=lambda: while_rendering.send(pelican_obj))
        validate(settings)


def _finished(pelican_obj):
    if is_main_site(pelican_obj.settings):
        STATE.reset()
        _collect_as_before()


# A build makes millions of short-lived objects (Markdown's element trees,
# rendered pages) that reference counting frees; Python's cyclic collector
# ran about 500 times a build at its default threshold, re-walking every
# object kept so far (plugins, settings, the content), for a few dozen
# objects in cycles (0.5 s of a 10 s one-process build at 300 x 5).  During
# a build the objects that exist at its start are left out of collections
# and young objects are collected ten times less often (peak memory the
# same, measured); afterwards, as before, for `pelican -r` and livereload.
BUILD_GC_THRESHOLD = 10_000
_DEFAULT_GC = []


def _collect_less():
    if not _DEFAULT_GC:
        _DEFAULT_GC.append(gc.get_threshold())
        atexit.register(_no_collection_at_exit)
    gc.freeze()
    gc.set_threshold(BUILD_GC_THRESHOLD, *_DEFAULT_GC[0][1:])


def _no_collection_at_exit():
    # At exit the interpreter's last collection walked every object of the
    # build only to free memory the operating system takes back anyway (a
    # third of a second at 300 x 5).  The files are written and closed by
    # then, and the other exit handlers (logging's flush) still run.
    gc.freeze()


def _collect_as_before():
    if _DEFAULT_GC:
        gc.set_threshold(*_DEFAULT_GC.pop())
        gc.unfreeze()


def connect():
    """Connect the reset before any plugin's own receivers (idempotent).

    Every plugin calls this first in its register(), so the state is fresh
    whatever the order of PLUGINS: blinker calls receivers in the order
    they were connected, and connecting the same receiver twice is a no-op.
    """
    signals.get_generators.connect(_run_started)
    signals.finalized.connect(_finished)
