"""Which translations exist, which are missing, which are out of date.

Each translation records, in `Translation-of`, a short hash of its
original's text at the time it was translated (`invoke translate` fills it
in).  When the original changes, the hashes differ and the translation is
outdated: its page says so in its language, with a link to the original.
`invoke translations` and the site's translations.html / translations.json
give translators the state of every piece in every language (and of the
theme's catalogs) at a glance.
"""

from .status import content_hash, report, format_text  # noqa: F401
from .plugin import register  # noqa: F401
