"""`invoke check`: the build's validation, without building.

Reads the same settings file as the build, runs every rule and prints each
problem as `path:line: message`.  Exit status 1 when there is any.
"""

import sys

from pelican.settings import read_settings

from .checks import check_all


def run(settings_file, path=None, out=sys.stdout):
    """Print every problem; return the number of problems."""
    override = {"PATH": path} if path else None
    settings = read_settings(settings_file, override=override)
    problems = sorted(set(check_all(settings)))
    for problem in problems:
        print(problem, file=out)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"{len(problems)} {noun}; fix {'it' if len(problems) == 1 else 'them'} and run `invoke check` again.", file=out)
    else:
        print("No problems found.", file=out)
    return len(problems)
