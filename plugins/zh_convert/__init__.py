"""Traditional and Simplified Chinese versions of each other, with OpenCC.

Many pieces are written or translated into one Chinese script first.  Rather
than leave a zh-hans reader with the zh-hant text under a "not translated"
notice (or the reverse), the missing version is generated with OpenCC's Hong
Kong configurations (hk2s / s2hk) and marked on its page as converted
automatically, with a link to its source.  A human translation always wins:
a piece is converted only into a language it has no file for.  A project
word list (translations/zh-terms.txt) fixes terms OpenCC gets wrong and keeps
names as written.
"""

from .convert import Converter, TermsError, conversion_plan, config, load_terms  # noqa: F401
from .plugin import register  # noqa: F401
