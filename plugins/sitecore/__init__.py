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
"""

from .config import ConfigError, plugin_config  # noqa: F401
from .state import STATE, BuildState, build_started, connect, is_main_site  # noqa: F401
