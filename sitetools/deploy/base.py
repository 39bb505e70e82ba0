"""What every kind of deploy target shares: its declaration, the output, errors, commands.

A kind is a subclass of ``Kind`` that declares its fields and which of them
are required, and deploys an ``Output`` to a ``Target``::

    class Local(Kind):
        KIND = "local"
        FIELDS = {"path": (str, None), "delete": (bool, True), "precompress": (bool, False)}
        REQUIRED = (("path",),)
        PATHS = ("path",)

        def deploy(self, output, target): ...

The targets file is checked against these declarations (``check``), so a
kind's module never meets an unknown, missing or mistyped setting.
"""

import json
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sitecore.artefacts import Artefacts

# How a type is named to the person editing targets.yml.
TYPE_NAMES = {str: "a text", int: "a whole number", bool: "true or false"}


class DeployError(RuntimeError):
    """A target could not be deployed; the message says why."""


class DeployConfigError(ValueError):
    """The targets file is malformed; the message lists every problem."""


@dataclass
class Result:
    name: str
    ok: bool
    message: str


@dataclass(frozen=True)
class Target:
    """One checked target: its name, its kind and every field (defaults filled in)."""

    name: str
    kind: str
    settings: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.settings[key]

    def get(self, key, default=None):
        value = self.settings.get(key)
        return default if value is None else value


@dataclass(frozen=True)
class Output:
    """A built site to deploy: its folder, and the names of the files that describe it."""

    path: Path
    names: Artefacts = Artefacts()

    def files(self):
        """Every file of the output, relative POSIX paths, sorted."""
        return sorted(p.relative_to(self.path).as_posix() for p in Path(self.path).rglob("*") if p.is_file())

    def trace(self):
        """The build's trace document, or {} when the output has none."""
        try:
            with open(Path(self.path) / self.names.trace, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError):
            return {}
        return document if isinstance(document, dict) else {}

    def upload_order(self):
        """Assets first, then pages, then the files that say which build this is.

        A reader (or check-mirrors) that already sees the new sums or trace
        then finds every file they list.
        """
        last = self.names.build_identity

        def rank(path):
            if path in last:
                return 3
            if path.endswith(".html"):
                return 2 if path != "index.html" else 2.5
            return 1

        return sorted(self.files(), key=lambda path: (rank(path), path))

    def moved(self, path):
        """The same output, copied to another folder."""
        return Output(Path(path), self.names)


class Kind:
    """One kind of target: the fields it takes and how to deploy to it."""

    KIND = ""
    # field: (type, default); a default of None means "not given".
    FIELDS = {}
    # Each entry is a tuple of alternatives, one of which must be given.
    REQUIRED = ()
    # Fields holding a local path, taken from the project folder when relative.
    PATHS = ()

    @classmethod
    def check(cls, name, conf):
        """Every problem of one target's settings, as messages naming the target and the field."""
        problems = []
        known = {"kind", *cls.FIELDS}
        for key in sorted(set(conf) - known, key=str):
            problems.append(f"target {name!r}: unknown {cls.KIND} setting {key!r} "
                            f"(known: {', '.join(sorted(cls.FIELDS))})")
        for key, (wanted, _default) in cls.FIELDS.items():
            value = conf.get(key)
            if value is None:
                continue
            # YAML reads `true` as a bool, which Python also counts as an int.
            if not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool):
                problems.append(f"target {name!r}: {cls.KIND} setting {key!r} must be "
                                f"{TYPE_NAMES.get(wanted, wanted.__name__)}, got {value!r}")
        for alternatives in cls.REQUIRED:
            if not any(conf.get(key) for key in alternatives):
                problems.append(f"target {name!r}: {cls.KIND} needs {' or '.join(alternatives)}")
        return problems

    @classmethod
    def settings(cls, conf, base=None):
        """The target's fields with defaults filled in; relative local paths taken from `base`."""
        settings = {"kind": cls.KIND}
        for key, (_wanted, default) in cls.FIELDS.items():
            value = conf.get(key)
            settings[key] = default if value is None else value
        if base is not None:
            for key in cls.PATHS:
                value = settings.get(key)
                if value and cls.is_local_path(key, value) and not os.path.isabs(value):
                    settings[key] = os.path.join(base, value)
        return settings

    @classmethod
    def is_local_path(cls, key, value):
        return True

    def deploy(self, output, target):
        """Publish `output` (an Output) to `target` (a Target); a message saying what was done."""
        raise NotImplementedError


# ---------------------------------------------------------------- helpers for the kinds

def is_remote(dest):
    """`[user@]host:/path` rather than a local path."""
    host, sep, _path = dest.partition(":")
    return bool(sep) and "/" not in host


def from_env(target, key, required=True):
    """The secret held by the environment variable that target[key] names."""
    var = target.get(key)
    if not var:
        return None
    value = os.environ.get(var)
    if not value and required:
        raise DeployError(f"environment variable {var} ({key}) is not set")
    return value


def redact(text, secrets):
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def run(cmd, secrets=(), **kwargs):
    """Run a command; DeployError with its output (secrets masked) when it fails."""
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)
    except FileNotFoundError as exc:
        raise DeployError(f"{cmd[0]} is not installed") from exc
    except subprocess.CalledProcessError as exc:
        shown = " ".join(shlex.quote(str(part)) for part in cmd)
        message = f"`{shown}` failed: {(exc.stderr or exc.stdout).strip()}"
        # Not chained: the original exception holds the command line, secrets included.
        raise DeployError(redact(message, secrets)) from None


def staged(target, output, tmp):
    """The Output to upload: `output` itself, or a copy with precompressed twins."""
    if not target.get("precompress"):
        return output
    from sitetools.precompress import precompress

    stage = Path(tmp) / "stage"
    shutil.copytree(output.path, stage)
    precompress(stage)
    return output.moved(stage)
