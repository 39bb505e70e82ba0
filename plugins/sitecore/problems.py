"""Problems in the content: one type, reported the same way by every plugin."""

import logging

import blinker
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(SystemExit):
    """The content has problems; they have been logged one per line.

    A SystemExit, so that Pelican's command line ends with status 1 and
    without printing a traceback after the editor-facing messages.
    """

    def __init__(self, count):
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"content_checks: {count} {noun} in the content (listed above); "
            "nothing was written. Fix them and build again."
        )
        self.count = count


def report(problems):
    """Log every problem as `path:line: message`; raise ContentError if any."""
    problems = sorted(set(problems))
    for problem in problems:
        try:
            logger.error("%s", problem)
        except RuntimeError:
            # `pelican --fatal` raises on the first error it logs; the editor
            # needs the whole list, so keep going and stop once below.
            pass
    if problems:
        raise ContentError(len(problems))


# Every plugin with content rules connects a receiver here: it takes the
# main site's settings and returns a list of Problems.  The core sends it
# once at the start of each build, after every plugin has registered, and
# reports all problems at once, whatever the order of PLUGINS.
collect = blinker.signal("sitecore.collect")


def all_problems(settings):
    """Every problem every connected rule finds, sorted, each once."""
    problems = []
    for _receiver, found in collect.send(settings):
        problems.extend(found or ())
    return sorted(set(problems))


def validate(settings):
    """Report every problem of the content; raise ContentError if any."""
    report(all_problems(settings))
