"""One way for a plugin to read its dict setting."""

import logging

logger = logging.getLogger(__name__)


class ConfigError(SystemExit):
    """A setting is wrong; the message says which and what to do.

    A SystemExit, so that Pelican's command line (and invoke) ends with
    status 1 and this message, without a traceback: the person reading it
    edits ``pelicanconf.py``, not Python.
    """

    def __init__(self, message):
        super().__init__(f"configuration error: {message}")
        self.message = message


# The core's own setting, SITECORE (see README, "Architecture").
CORE_DEFAULTS = {
    # Keep rendered Markdown in CACHE_PATH between builds, keyed by each
    # file's SHA-256 and by the Markdown settings and versions: a rebuild
    # converts only the files that changed.
    "render_cache": True,
    # Processes that write the language sub-sites: 1 writes them one after
    # the other; 0 (auto) uses 2 where the machine has two cores and fork.
    "workers": 0,
    # Convert in worker processes only from this many files to convert.
    "parallel_from": 64,
    # Keep the item pages of each build in CACHE_PATH: a rebuild writes an
    # item page whose inputs did not change without rendering it again.
    "page_cache": True,
}


def core_config(settings):
    return plugin_config(settings, "SITECORE", CORE_DEFAULTS)


def _type_name(types):
    types = types if isinstance(types, tuple) else (types,)
    return " or ".join("None" if t is type(None) else t.__name__ for t in types)


def plugin_config(settings, name, defaults, types=None, prefix=None):
    """``settings[name]`` merged over ``defaults``, checked.

    Every key must be one of ``defaults``; a value must be an instance of
    ``types[key]`` when given (a type or tuple of types), else of the
    default's type (``bool`` and ``int`` are kept apart: ``True`` is no
    count).  All problems are raised at once, as one ConfigError, after
    each is logged as ``<prefix>: ...`` (prefix: the name in lowercase).
    """
    prefix = prefix or name.lower()
    user = settings.get(name) or {}
    if not isinstance(user, dict):
        raise ConfigError(f"{prefix}: {name} must be a dict of settings, got {type(user).__name__}")
    types = types or {}
    problems = []
    for key in user:
        if key not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            problems.append(f"{prefix}: unknown {name} key {key!r} (the keys are: {known})")
    merged = {**defaults, **user}
    for key, value in user.items():
        if key not in defaults:
            continue
        wanted = types.get(key)
        if wanted is None:
            default = defaults[key]
            if default is None:
                continue
            wanted = (list, tuple) if isinstance(default, (list, tuple)) else type(default)
        wanted_tuple = wanted if isinstance(wanted, tuple) else (wanted,)
        if isinstance(value, bool) and bool not in wanted_tuple:
            ok = False
        else:
            ok = isinstance(value, wanted_tuple)
        if not ok:
            problems.append(f"{prefix}: {name}[{key!r}] must be {_type_name(wanted)}, got {value!r}")
    if problems:
        for problem in problems:
            try:
                logger.error("%s", problem)
            except RuntimeError:
                pass  # `pelican --fatal` raises on the first error; the exit below says it all
        raise ConfigError("; ".join(problems))
    return merged
