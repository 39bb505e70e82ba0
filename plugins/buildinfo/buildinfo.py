import datetime
import hashlib
import logging
import os
import subprocess
from dataclasses import dataclass

from pelican import signals

import sitecore
from sitecore import STATE, ConfigError, build_started, plugin_config
from sitecore.state import is_main_site  # noqa: F401  (re-exported: older imports)

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Commit to report when the site is not built from a git checkout.
    "commit": "",
}


class BuildInfoError(ValueError):
    """SOURCE_DATE_EPOCH is set but is not a Unix timestamp."""


@dataclass(frozen=True)
class BuildInfo:
    epoch: int  # seconds since 1970-01-01 UTC
    time: datetime.datetime  # the same, timezone-aware, UTC
    commit: str  # full commit hash, or "" outside git
    reproducible: bool  # True when the time came from SOURCE_DATE_EPOCH

    @property
    def short_commit(self):
        return self.commit[:10]

    @property
    def id(self):
        """Stable for one commit and epoch: same inputs, same id."""
        digest = hashlib.sha256(f"{self.commit}:{self.epoch}".encode()).hexdigest()
        return f"{self.time:%Y%m%dT%H%M%SZ}-{digest[:8]}"

    def as_dict(self):
        return {
            "id": self.id,
            "epoch": self.epoch,
            "time": self.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "commit": self.commit,
            "short_commit": self.short_commit,
            "reproducible": self.reproducible,
        }


def git_commit(path):
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return result.stdout.strip()


def read(settings, environ=None):
    """BuildInfo from the environment and the checkout holding settings['PATH']."""
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            epoch = int(raw)
        except ValueError as exc:
            raise BuildInfoError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {raw!r}") from exc
        reproducible = True
    else:
        epoch = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
        reproducible = False
    conf = plugin_config(settings, "BUILDINFO", DEFAULTS)
    commit = conf["commit"] or environ.get("BUILD_COMMIT", "") or git_commit(settings["PATH"])
    time = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return BuildInfo(epoch, time, commit, reproducible)


class _Current:
    info = None


def current(settings=None):
    """The BuildInfo of the running build (read once, shared by sub-sites)."""
    slot = STATE.slot("buildinfo", _Current)
    if slot.info is None:
        if settings is None:
            raise RuntimeError("buildinfo: no build is running")
        try:
            slot.info = read(settings)
        except BuildInfoError as exc:
            raise ConfigError(str(exc)) from exc
    return slot.info


def start(pelican_obj):
    # The main site starts each build; its sub-sites reuse the same instant.
    info = current(pelican_obj.settings)
    # Item pages show the build's date and commit (footer), not its time.
    sitecore.time_fact("buildinfo", (info.time.date().isoformat(), info.commit))


def add_to_context(generator):
    generator.context["BUILD"] = current(generator.settings)


def register():
    sitecore.connect()
    build_started.connect(start)
    signals.generator_init.connect(add_to_context)
