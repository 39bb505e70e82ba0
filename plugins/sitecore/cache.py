"""Results computed from one file, kept between builds.

A rule over one content file gives the same problems for the same text,
the same rules and the same surroundings (which files exist, the settings
the rules read).  ``FileResults(name, settings, context)`` keeps such
results in CACHE_PATH under a key of the file's path and text, for one
fingerprint of everything else: change a rule's code, a setting it reads or
the list of files, and every result is computed afresh.
"""

import hashlib
import logging
import os
import pickle

logger = logging.getLogger(__name__)


def write_atomically(path, data):
    """Write bytes to path with one rename: a build killed meanwhile leaves the old file or the new."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def digest(*parts):
    """SHA-256 over text parts (joined unambiguously)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def code_digest(*modules):
    """Digest of the source files of modules: edited rules invalidate the cache."""
    parts = []
    for module in modules:
        with open(module.__file__, "rb") as handle:
            parts.append(handle.read())
    return digest(*parts)


def tree_listing(root):
    """Every file path under root, relative and sorted (rules that ask whether a file exists)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        relative = os.path.relpath(folder, root)
        found.extend(os.path.normpath(os.path.join(relative, name)) for name in files)
    return "\n".join(sorted(found))


class FileResults:
    """A cache of per-file results under CACHE_PATH/sitecore/<name>.pickle."""

    def __init__(self, name, settings, context, enabled=True):
        self.path = os.path.join(settings["CACHE_PATH"], "sitecore", f"{name}.pickle")
        self.fingerprint = digest(*context)
        self.enabled = enabled
        self.old = {}
        self.new = {}
        self.hits = 0
        if not enabled:
            return
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            return
        if isinstance(data, dict) and data.get("fingerprint") == self.fingerprint:
            self.old = data.get("results", {})

    def lookup(self, key):
        """The previous build's value for key (kept for the next), or None."""
        if key not in self.old:
            return None
        self.hits += 1
        value = self.new[key] = self.old[key]
        return value

    def put(self, key, value):
        self.new[key] = value

    def get(self, key, compute):
        value = self.lookup(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def save(self):
        """Keep this build's results (only those: the cache does not grow)."""
        if self.enabled:
            write_atomically(self.path, pickle.dumps({"fingerprint": self.fingerprint, "results": self.new},
                                                     protocol=pickle.HIGHEST_PROTOCOL))
