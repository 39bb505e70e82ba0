"""Two cores write the languages' sub-sites at once.

i18n-subsites reads every language's sub-site, one inside the other, and
only then writes them, one after the other; writing (templates, files) is
about half of a build.  Once the last sub-site has read its content, the
build forks and both processes write:

- the item pages (one per article or page, most of the work) of every
  sub-site, split between them by a hash of the output name, so that the
  two halves are about equal whatever the number of languages;
- everything else (listings, feeds, the other generators' files) by
  language: the child writes some languages' sub-sites, the parent the
  others and the site-wide files, and waits for the child.

Every output file is written by exactly one process, so the output is the
same bytes as a one-process build (tested).  A failure in either process
fails the build; the parent stops a child that is still running when it
fails itself.

Settings: ``SITECORE["workers"]``: processes that write (1: no fork; 0, the
default: 2 where the machine has two cores or more and can fork).
"""

import atexit
import logging
import os
import signal
import sys
import threading
import zlib

from pelican.generators import ArticlesGenerator, PagesGenerator

from .config import core_config
from .state import STATE, is_main_site

logger = logging.getLogger(__name__)

class ParallelBuildError(SystemExit):
    """The other writing process failed; its messages are above."""


class _Split:
    def __init__(self):
        self.generators = {}  # site language -> [generator]
        self.read = set()  # languages whose sub-site has read its content
        self.child = None  # pid of the child, in the parent
        self.in_child = False
        self.owned = None  # languages this process writes


def split():
    return STATE.slot("parallel", _Split)


def workers(settings):
    count = core_config(settings)["workers"]
    if count == 0:
        count = 2 if (os.cpu_count() or 1) >= 2 and hasattr(os, "fork") else 1
    return count


def site_languages(settings):
    """The main site's language first, then every sub-site's."""
    main = next((code for code in settings.get("LANGUAGES", {}) if code not in settings.get("I18N_SUBSITES", {})),
                settings["DEFAULT_LANG"])
    return [main, *settings.get("I18N_SUBSITES", {})]


def remember_generator(generator):
    """generator_init receiver."""
    split().generators.setdefault(generator.settings["DEFAULT_LANG"], []).append(generator)


def mark_read(generators):
    """all_generators_finalized receiver: this site has read its content."""
    if generators:
        split().read.add(generators[0].settings["DEFAULT_LANG"])


def _skip_output(writer):
    """generate_output of a generator whose site the other process writes."""


# Generators whose item pages (``article=`` / ``page=`` writes) both
# processes write, each its half; what else they write goes by language.
ITEM_GENERATORS = (ArticlesGenerator, PagesGenerator)


def _splitting_items(generate_output):
    def generate_output_with_split_items(writer):
        writer.split_items = True
        try:
            return generate_output(writer)
        finally:
            writer.split_items = False

    return generate_output_with_split_items


def writes(settings, name, item_page):
    """Whether this process writes the output file ``name`` of the site with
    ``settings`` (``item_page``: one item's page, written by an item generator)."""
    state = split()
    if state.owned is None:
        return True
    if item_page:
        return zlib.crc32(name.encode("utf-8")) % 2 == int(state.in_child)
    return settings["DEFAULT_LANG"] in state.owned


def fork_writers(pelican_obj):
    """get_writer receiver: fork once every site has read its content."""
    state = split()
    settings = pelican_obj.settings
    languages = site_languages(settings)
    if state.owned is not None or state.read != set(languages) or workers(settings) < 2:
        return None
    # The child writes every other sub-site; the parent, with the main site
    # (which also writes the site-wide files), the rest.
    child_languages = set(languages[1::2])
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    state.in_child = pid == 0
    state.owned = child_languages if state.in_child else set(languages) - child_languages
    if not state.in_child:
        state.child = pid
        atexit.register(_stop_child, pid)
    for language, generators in state.generators.items():
        for generator in generators:
            # Only these instances, in this process.
            if isinstance(generator, ITEM_GENERATORS):
                generator.generate_output = _splitting_items(generator.generate_output)
            elif language not in state.owned:
                generator.generate_output = _skip_output
    logger.debug("sitecore: process %s writes %s", os.getpid(), ", ".join(sorted(state.owned)))
    return None


def _after_fork_in_child():
    # Threads do not survive a fork, and a lock one of them held stays held:
    # Pelican's console (rich) may have been mid-refresh in its status thread.
    # (The logging module renews its own handlers' locks the same way.)
    from pelican.log import console

    console._lock = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _stop_child(pid):
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def join_writers(pelican_obj):
    """finalized receiver (main site): the child exits, the parent waits for it."""
    if not is_main_site(pelican_obj.settings):
        return
    state = split()
    if state.in_child:
        # Everything this process owns is written; nothing else may run
        # here (the parent finishes the build), so no exit handlers either.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    if state.child is not None:
        pid, state.child = state.child, None
        _pid, status = os.waitpid(pid, 0)
        atexit.unregister(_stop_child)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise ParallelBuildError(
                f"sitecore: writing the sub-sites {', '.join(sorted(set(site_languages(pelican_obj.settings)) - state.owned))} "
                f"and half of the item pages failed (exit status {code}; its messages are above); nothing was published")
