"""Check every content file before Pelican reads any of them.

Editors are volunteers: a mistake in a Markdown file must give a message
naming the file, the line and the fix, all problems of the build at once,
and exit status 1 -- never a traceback, a crash deep inside i18n-subsites
(an unknown ``Lang`` raises KeyError there) or a silently skipped page.
"""

from sitecore.problems import ContentError, Problem, report  # noqa: F401
from sitecore.problems import collect  # noqa: F401

from .plugin import register  # noqa: F401
