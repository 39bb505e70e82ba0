"""Mirrors: one build, many copies, and a way to tell which are healthy.

A campaign site outlives a takedown only if readers can find another copy
when their usual address is blocked, and if anyone can tell a faithful copy
from a stale or tampered one.  This package does both halves:

- the Pelican plugin (``plugin.py``) reads the mirror list
  (``content/mirrors.yml``, see ``data.py``) and writes, in every language, a
  mirrors page with a QR code per mirror, a short list in every page's
  footer, ``mirrors.json`` (the shape of Bypass Censorship's
  ``mirrorSites.json``) and ``trace.json`` (build id, commit, time: the trace
  file that mirror checkers compare, as Tor Project's mirrors do);
- ``deploy.py`` publishes the same output to every configured target (git
  pages branch, rsync with an atomic symlink switch, S3-compatible storage,
  IPFS CAR + CID, local folder), driven by ``invoke deploy``;
- ``check.py`` fetches each mirror's trace, signed sums and a sample of
  files and classifies it fresh, stale, tampered or unreachable
  (``invoke check-mirrors``);
- ``precompress.py`` writes ``.gz``/``.br`` twins for servers that serve
  precompressed files (``invoke precompress``).
"""

from . import check, deploy, precompress  # noqa: F401
from .data import KINDS, Mirror, MirrorListError, load_mirrors  # noqa: F401
from .plugin import register  # noqa: F401
