"""`invoke check`: the build's validation, without building.

Reads the same settings file as the build, runs every rule and prints each
problem as `path:line: message`.  Exit status 1 when there is any.
"""

import sys

from pelican.plugins._utils import load_plugins
from pelican.settings import read_settings

from sitecore import STATE, all_problems

_REGISTERED = set()


def find_problems(settings):
    """Every problem the build would report, without building.

    The site's plugins are registered (once per process) so that the rules
    they connect to `sitecore.collect`, such as the events' field checks,
    run here too; no build signal is sent.
    """
    for plugin in load_plugins(settings):
        name = getattr(plugin, "__name__", repr(plugin))
        if name not in _REGISTERED:
            plugin.register()
            _REGISTERED.add(name)
    # A check is a build of its own: nothing read by an earlier one counts.
    STATE.reset()
    try:
        return all_problems(settings)
    finally:
        STATE.reset()


def run(settings_file, path=None, out=sys.stdout):
    """Print every problem; return the number of problems."""
    override = {"PATH": path} if path else None
    settings = read_settings(settings_file, override=override)
    problems = find_problems(settings)
    for problem in problems:
        print(problem, file=out)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"{len(problems)} {noun}; fix {'it' if len(problems) == 1 else 'them'} and run `invoke check` again.", file=out)
    else:
        print("No problems found.", file=out)
    for line in review_notes(settings):
        print(line, file=out)
    return len(problems)


def review_notes(settings):
    """Review-by dates due within REVIEW["warn_days"] and overdue (plugins/review).

    Notes, not problems: an overdue page still builds, with its notice,
    because a correct old page is better than none.
    """
    if "review" not in [getattr(p, "__name__", p) for p in settings.get("PLUGINS", [])]:
        return []
    from buildinfo.buildinfo import BuildInfoError, read
    from review.plugin import notes
    from sitecore import ContentModel

    try:
        today = read(settings).time.date()  # SOURCE_DATE_EPOCH, else today, as a build
    except BuildInfoError as exc:
        return [f"review: {exc}"]
    return notes(settings, ContentModel(settings), today)
