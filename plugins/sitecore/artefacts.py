"""The files a copy holds about itself, by name, and the one SHA256SUMS format.

The build writes the trace file and ``mirrors.json``; ``invoke publish`` adds
the manifest, the archives, the ZIM file and ``SHA256SUMS``; ``invoke sign``
the signature.
``invoke verify``, ``invoke check-mirrors`` and ``invoke deploy`` (which
uploads them last) read them back.  Their names are defined here once, and
the two a site may rename (``MIRRORS["trace"]``, ``MIRRORS["json"]``) are read
from the settings here too, so that the build and the tools never disagree
about which file is which.

The names of the signed files are fixed: the verify page, in every language,
tells readers to run ``minisign`` and ``sha256sum`` on exactly these names.
"""

import hashlib
import re
from dataclasses import dataclass

SUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.minisig"
MANIFEST = "manifest.json"
BUNDLES = ("site.zip", "site.tar.gz")
# The whole site as one ZIM file, for Kiwix readers (sitetools/zim.py).
ZIM = "site.zim"
# A folder the build writes into the output root and into every language's
# folder: what `invoke publish` turns into files of the site (print HTML
# becomes PDF) or of the ZIM (its metadata).  Publish removes it before it
# lists the site files, so no copy ever holds it.
PUBLISH_INPUTS = "publish-inputs"
# Top folder inside both archives: unpacking never spills files around.
ARCHIVE_ROOT = "site"
TRACE = "trace.json"
MIRRORS_JSON = "mirrors.json"

# Keys of the MIRRORS setting that name a file at the output root, and their defaults.
MIRRORS_FILE_KEYS = {"trace": TRACE, "json": MIRRORS_JSON}

SUMS_LINE = re.compile(r"^SHA256 \((?P<path>.+)\) = (?P<hex>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Artefacts:
    """The names of the files at the output root that describe the copy."""

    trace: str = TRACE
    mirrors_json: str = MIRRORS_JSON
    sums: str = SUMS
    signature: str = SIGNATURE
    manifest: str = MANIFEST
    bundles: tuple = BUNDLES
    zim: str = ZIM
    inputs: str = PUBLISH_INPUTS

    @property
    def not_site_files(self):
        """Files about the site rather than part of it: publish adds them after the build."""
        return frozenset({self.manifest, self.sums, self.signature, *self.bundles, self.zim})

    @property
    def beside_copy(self):
        """Files published beside the site that no bundle can hold (each would have to hold
        itself or the checksums of itself); a copy made from a bundle lacks them."""
        return frozenset({self.sums, self.signature, *self.bundles, self.zim})

    @property
    def build_identity(self):
        """Files that say which build a copy is: a deploy uploads them after every other file,
        so that a reader who sees the new ones also finds the files they list."""
        return (self.manifest, self.trace, self.sums, self.signature)


def artefacts(settings=None):
    """The Artefacts of a site, honouring the file names configured in ``MIRRORS``."""
    mirrors = (settings or {}).get("MIRRORS") or {}
    if not isinstance(mirrors, dict):
        mirrors = {}
    return Artefacts(trace=mirrors.get("trace") or TRACE, mirrors_json=mirrors.get("json") or MIRRORS_JSON)


class SumsError(ValueError):
    """A checksum file is not in the BSD format of ``sha256sum --tag``."""


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def sums_line(relpath, digest):
    """One line of SHA256SUMS (``sha256sum --tag``), read by ``sha256sum -c`` and ``signify -C``."""
    return f"SHA256 ({relpath}) = {digest}\n"


def parse_sums(text, source=SUMS):
    """{relative path: sha256 hex} from the text (or UTF-8 bytes) of a checksum file.

    Every line must be ``SHA256 (path) = hex``, as ``sha256sum --strict -c``
    demands; `source` names the file in the messages.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SumsError(f"{source}: not UTF-8 text") from exc
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    entries = {}
    for number, line in enumerate(lines, 1):
        match = SUMS_LINE.match(line)
        if not match:
            raise SumsError(f"{source}:{number}: not a line of the form 'SHA256 (path) = hex': {line[:80]!r}")
        entries[match["path"]] = match["hex"]
    return entries


def read_sums(path):
    """{relative path: sha256 hex} from a checksum file; SumsError when it is malformed."""
    with open(path, "rb") as handle:
        return parse_sums(handle.read(), str(path))
