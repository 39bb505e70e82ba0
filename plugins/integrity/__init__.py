"""Integrity of every copy: what the pages say about checking them.

The site is meant to be copied, and a reader must be able to tell a faithful
copy from a tampered one.  This plugin gives templates the campaign's public
key (``INTEGRITY["public_key"]``), the slugs of the verify and copies pages,
and the names of the checksum, signature, manifest and archive files (from
``sitecore.artefacts``) for the "verify a copy" page and the footer.

Making those files is not the build's job: ``invoke publish``
(``sitetools/publish.py``) writes the manifest, the archives and
``SHA256SUMS``, ``invoke sign`` (``sitetools/signing.py``) the signature,
and ``invoke verify`` (``sitetools/verify.py``) checks a copy.
"""

from .plugin import PublicKeyError, register  # noqa: F401
