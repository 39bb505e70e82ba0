"""Mirrors: tell every reader where the other copies of the site are.

A campaign site outlives a takedown only if readers can find another copy
when their usual address is blocked, and if anyone can tell a faithful copy
from a stale or tampered one.  This plugin is the build's half:

- ``plugin.py`` reads the mirror list (``content/mirrors.yml``, see
  ``data.py``) and writes, in every language, a mirrors page with a QR code
  per mirror, a short list in every page's footer, ``mirrors.json`` (the
  shape of Bypass Censorship's ``mirrorSites.json``) and the trace file
  ``trace.json`` (build id, commit, time: what mirror checkers compare, as
  Tor Project's mirrors do);
- ``data.py`` reads and checks the list; ``invoke check-mirrors`` reads it
  through the same code.

The other half never runs in a build and lives in ``sitetools/``: deploying
(``sitetools/deploy/``), precompressing, the IPFS CID check and mirror
checking (``sitetools/check_mirrors.py``).  The names of the trace and of
``mirrors.json`` come from ``sitecore.artefacts``, which both halves read.
"""

from .data import KINDS, Mirror, MirrorListError, load_mirrors  # noqa: F401
from .plugin import register  # noqa: F401
