"""The core every plugin of the site shares: settings, build state, errors.

Each plugin used to merge its settings, keep module-level state and raise
its own exceptions in its own way, and imported the others as top-level
modules, so the order of ``PLUGINS`` decided whether a build started.  This
package is the one place for those things.  It is a library, not a plugin:
plugins import it (``pelicanconf.py`` puts ``plugins/`` on ``sys.path``),
and so does the tooling in ``sitetools/``.

- ``config``: ``plugin_config(settings, "EVENTS", DEFAULTS, TYPES)`` merges
  one dict setting over its defaults, rejects unknown keys and wrong types;
  ``ConfigError`` ends the build with a message and exit status 1.
- ``state``: one ``BuildState``, reset at the start of every build, holding
  what a build learns across its language sub-sites.

- ``model``: the content model, every source file scanned once per build;
  ``problems``: the one Problem type, the ``collect`` signal every plugin's
  content rules connect to, and the report that stops a build.
- ``render``: every Markdown file converted once per build, shared by the
  validation and every language's sub-site (``SharedMarkdownReader``);
  ``templates``: each template compiled once, not once per generator;
  ``parallel``: two processes write the language sub-sites at once;
  ``pages``: item pages whose inputs did not change are kept, not rendered.
"""

from pelican import signals

from . import pages, parallel, state
from .config import ConfigError, plugin_config  # noqa: F401
from .model import ContentModel, Source, content_model  # noqa: F401
from .problems import ContentError, Problem, all_problems, collect, report  # noqa: F401
from .render import RenderError, Rendered, log_conversions, rendered, save_cache, use_shared_reader  # noqa: F401
from .state import STATE, BuildState, build_started, is_main_site, while_rendering  # noqa: F401
from .pages import time_fact  # noqa: F401
from .templates import share_compiled_templates


def connect():
    """Connect the core's receivers before the calling plugin's own.

    Every plugin calls this first in its register(): blinker calls
    receivers in the order they were connected and ignores a second
    connection of the same receiver, so the build state is reset and the
    shared reader installed whatever the order of PLUGINS.
    """
    # finalized, in this order: each site keeps its item pages, the child of
    # a parallel build exits, then (in the parent) the counts and the cache,
    # then the state is reset.
    signals.finalized.connect(pages.save)
    signals.finalized.connect(parallel.join_writers)
    signals.finalized.connect(log_conversions)
    signals.finalized.connect(save_cache)
    state.connect()
    state.while_rendering.connect(pages.remember_inputs)
    signals.get_writer.connect(pages.writer_class)
    signals.readers_init.connect(use_shared_reader)
    signals.generator_init.connect(share_compiled_templates)
    signals.generator_init.connect(parallel.remember_generator)
    signals.all_generators_finalized.connect(parallel.mark_read)
    signals.get_writer.connect(parallel.fork_writers)
