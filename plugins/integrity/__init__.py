"""Integrity of every copy: checksums, manifest, signature, offline bundles.

The site is meant to be copied: onto mirrors, sub-paths of shared hosts,
USB sticks.  A reader must be able to tell a faithful copy from a tampered
one, and to take the whole site away in one file.  After Pelican has written
the site, ``publish`` (run by ``invoke publish``) adds to the output root:

- ``manifest.json``: build id, commit, SOURCE_DATE_EPOCH, and the sha256 and
  size of every *site file* (everything Pelican wrote);
- ``site.zip`` and ``site.tar.gz``: reproducible archives of the site files
  plus ``manifest.json``, under one top folder ``site/``;
- ``SHA256SUMS`` (BSD format of ``sha256sum --tag``): every file of the
  output, i.e. the site files, ``manifest.json`` and both archives.

``SHA256SUMS`` is what ``invoke sign`` signs (``SHA256SUMS.minisig``), so
the signature covers everything; nothing covers ``SHA256SUMS`` or its
signature, and the archives contain neither, which breaks every cycle.

The Pelican side of the plugin (``plugin.py``) gives templates the public
key and the names of those files for the "verify a copy" page.
"""

from .files import (  # noqa: F401
    ARCHIVE_ROOT,
    BUNDLES,
    MANIFEST,
    NOT_SITE_FILES,
    SIGNATURE,
    SUMS,
    IntegrityError,
    publish,
    read_sums,
    sha256_file,
)
from .plugin import register  # noqa: F401
