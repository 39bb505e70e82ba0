import logging

import sitecore
from sitecore import collect, content_model, plugin_config

from .checks import KNOWN_FIELDS, KNOWN_PREFIXES, MAX_BYTES, check_all

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
    if not config(settings)["enabled"]:
        return []
    return check_all(settings, content_model(settings))


def register():
    sitecore.connect()
    collect.connect(content_rules)
