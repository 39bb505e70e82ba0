import logging
import os

import pelican

import sitecore
from sitecore import collect, content_model, plugin_config
from sitecore.cache import FileResults, code_digest, tree_listing
from sitecore.render import per_file

from . import checks
from sitecore.model import MAX_BYTES

from .checks import KNOWN_FIELDS, KNOWN_PREFIXES, check_all, source_problems

logger = logging.getLogger(__name__)

DEFAULTS = {
    "enabled": True,
    # Largest content file accepted, in bytes.
    "max_bytes": MAX_BYTES,
    # Metadata fields content may use, and prefixes of other plugins' fields.
    "fields": KNOWN_FIELDS,
    "field_prefixes": KNOWN_PREFIXES,
}


def config(settings):
    return plugin_config(settings, "CONTENT_CHECKS", DEFAULTS)


def content_rules(settings):
    """collect receiver: this plugin's rules over the build's content model.

    Other plugins' rules (events' fields, the mirror list) are connected to
    the same signal; the core reports them all at once, before anything is
    read or written.
    """
    conf = config(settings)
    if not conf["enabled"]:
        return []
    results = FileResults("content_checks", settings, rules_context(settings, conf))
    problems = check_all(settings, content_model(settings), results)
    results.save()
    return problems


def source_problems_in_worker(settings, source):
    """sitecore.render.per_file receiver: this Source's problems, computed in
    the worker that rendered it (check_all takes them from there)."""
    if not config(settings)["enabled"]:
        return None
    return "content_checks", source_problems(source, settings)


def rules_context(settings, conf):
    """Everything besides a file's own text that the per-file rules read."""
    templates = os.path.join(settings.get("THEME", ""), "templates")
    return (
        code_digest(checks, *checks.RULE_MODULES), pelican.__version__,
        repr(sorted(conf.items())), repr(settings["MARKDOWN"]), repr(sorted(settings["FORMATTED_FIELDS"])),
        repr(sorted(settings["LANGUAGES"])), settings["DEFAULT_LANG"], settings["FILENAME_METADATA"],
        os.path.abspath(settings["PATH"]),
        tree_listing(settings["PATH"]),
        tree_listing(templates) if os.path.isdir(templates) else "",
    )


def register():
    sitecore.connect()
    collect.connect(content_rules)
    per_file.connect(source_problems_in_worker)
