"""The tooling behind tasks.py: everything that never runs inside Pelican.

Pelican imports every plugin package on every build, so code that only
``invoke`` runs lives here, not in ``plugins/``: publishing (manifest,
archives, SHA256SUMS), signing, verifying a copy, deploying to every kind of
target, precompressing, the IPFS CID check and mirror checking.  The plugins
never import this package; it imports the shared core ``plugins/sitecore``
(names of the published files, the SHA256SUMS format), so it puts
``plugins/`` on ``sys.path`` the way ``pelicanconf.py`` does: from the
project folder.
"""

import os
import sys

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = os.path.join(PROJECT, "plugins")
if PLUGINS not in sys.path:
    sys.path.insert(0, PLUGINS)
