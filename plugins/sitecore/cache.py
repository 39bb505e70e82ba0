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

    def __init__(self, name, settings, context):
        self.path = os.path.join(settings["CACHE_PATH"], "sitecore", f"{name}.pickle")
        self.fingerprint = digest(*context)
        self.old = {}
        self.new = {}
        self.hits = 0
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            return
        if isinstance(data, dict) and data.get("fingerprint") == self.fingerprint:
            self.old = data.get("results", {})

    def get(self, key, compute):
        if key in self.old:
            self.hits += 1
            value = self.old[key]
        else:
            value = compute()
        self.new[key] = value
        return value

    def save(self):
        """Keep this build's results (only those: the cache does not grow)."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        temporary = f"{self.path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump({"fingerprint": self.fingerprint, "results": self.new}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)
