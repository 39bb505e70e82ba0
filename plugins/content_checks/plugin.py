import logging

from blinker import signal
from pelican import signals

from buildinfo import is_main_site

from .checks import check_all, report

logger = logging.getLogger(__name__)

from .checks import KNOWN_FIELDS, KNOWN_PREFIXES, MAX_BYTES

DEFAULTS = {
    "enabled": True,
    # Largest content file accepted, in bytes.
    "max_bytes": MAX_BYTES,
    # Metadata fields content may use, and prefixes of other plugins' fields.
    "fields": KNOWN_FIELDS,
    "field_prefixes": KNOWN_PREFIXES,
}

# Other plugins add their own content rules by connecting a receiver that
# takes the main site's settings and returns a list of Problems; they are
# reported with these checks' own, all at once, before anything is read.
collect = signal("content_checks.collect")


def config(settings):
    user = settings.get("CONTENT_CHECKS", {})
    for key in user:
        if key not in DEFAULTS:
            logger.error("content_checks: unknown CONTENT_CHECKS key %r", key)
    return {**DEFAULTS, **user}


def validate(pelican_obj):
    settings = pelican_obj.settings
    # i18n-subsites starts one Pelican per language; the content is the same,
    # so check it once, in the main site, before anything is read or written.
    if not is_main_site(settings):
        return
    if not config(settings)["enabled"]:
        return
    report(all_problems(settings))


def all_problems(settings):
    """This plugin's rules plus every rule other plugins connected to `collect`."""
    problems = check_all(settings)
    for _receiver, found in collect.send(settings):
        problems.extend(found)
    return problems


def register():
    signals.initialized.connect(validate)
