"""Conditional text: the markers checked against the content model, then
kept or dropped in each item's HTML when the sub-sites read it."""

import os
import re

from pelican import signals

import sitecore
from sitecore import Problem, collect, content_model, is_main_site

# The three markers, exactly; anything else that looks like one is a mistake.
MARKER_RE = re.compile(r"<!--\s*(?:if\s+(?P<name>[A-Za-z0-9_-]+)|(?P<word>else|end))\s*-->")
LOOSE_RE = re.compile(r"<!--\s*(?:if|else|end|endif|elif|fi)\b[^>]*?-->", re.I)
EVENT_CONDITIONS = ("upcoming", "register", "online")


class ConditionError(ValueError):
    """The markers of one text do not nest (only from hand-made HTML: the rule checks the files)."""


def names(settings, in_events):
    """The conditions a file may use: CAMPAIGN's keys, and in events the event's own."""
    found = sorted(settings.get("CAMPAIGN") or {})
    return found + list(EVENT_CONDITIONS) if in_events else found


def events_category(settings):
    from events.plugin import config as events_config

    return events_config(settings)["category"]


def check_markers(source, known, in_events):
    """(line, message) for every misused marker of one file.

    `<!-- if NAME -->` opens, `<!-- else -->` may follow once, `<!-- end -->`
    closes; they nest.  A marker alone on its line starts or ends a block
    (whole paragraphs, headings, lists); otherwise opening and closing
    markers stay in one paragraph, so that keeping or dropping the text
    cannot break the page's structure.
    """
    stack = []  # [name, line, alone, paragraph, seen_else]
    paragraph = 0
    for number, line in source.body_lines():
        if not line.strip():
            paragraph += 1
            continue
        strict = {m.start(): m for m in MARKER_RE.finditer(line)}
        for loose in LOOSE_RE.finditer(line):
            if loose.start() not in strict or strict[loose.start()].end() != loose.end():
                yield number, (f"{loose.group(0)!r} is not a condition marker; write `<!-- if NAME -->`, "
                               "`<!-- else -->` and `<!-- end -->` (README, \"Text shown only when it can be "
                               "acted on\")")
        for match in strict.values():
            alone = line.strip() == match.group(0)
            if not alone and match.start() == len(line) - len(line.lstrip()):
                # Python-Markdown moves a comment that starts a paragraph out of it,
                # ahead of the text: the condition would then hold nothing.
                yield number, (f"`{match.group(0)}` starts a line that goes on after it; put it alone on its "
                               "own line (a block of whole paragraphs) or after some text of the paragraph")
            name, word = match["name"], match["word"]
            if name is not None:
                if name not in known:
                    extra = "" if in_events else f" (in events/ also: {', '.join(EVENT_CONDITIONS)})"
                    yield number, (f"unknown condition {name!r} in `<!-- if {name} -->`; use one of "
                                   f"{', '.join(known)}{extra}: the keys of CAMPAIGN in pelicanconf.py "
                                   "are true when filled in")
                stack.append([name, number, alone, paragraph, False])
                continue
            if not stack:
                yield number, f"`<!-- {word} -->` without an `<!-- if NAME -->` before it; remove it or add the `if`"
                continue
            top = stack[-1]
            if top[2] != alone or (not alone and top[3] != paragraph):
                yield number, (f"`<!-- {word} -->` does not match `<!-- if {top[0]} -->` of line {top[1]}: "
                               "put every marker of a block alone on its own line, or keep all three "
                               "inside one paragraph")
            if word == "else":
                if top[4]:
                    yield number, f"a second `<!-- else -->` for `<!-- if {top[0]} -->` of line {top[1]}"
                top[4] = True
            else:
                stack.pop()
    for name, number, _alone, _paragraph, _else in stack:
        yield number, f"`<!-- if {name} -->` is never closed; add `<!-- end -->` where the conditional text ends"


def check_conditions(settings):
    """sitecore.collect receiver: the markers of every content file."""
    if not is_main_site(settings):
        return []
    category = events_category(settings)
    problems = []
    for source in content_model(settings).sources:
        in_events = source.kind == "article" and source.section == category
        known = names(settings, in_events)
        problems.extend(Problem(source.path, line, message)
                        for line, message in check_markers(source, known, in_events))
    return problems


def apply(html, truth):
    """The HTML with each condition's text kept or dropped; `truth(name)` decides."""
    out = []
    stack = []  # whether each open frame's current branch is shown
    position = 0
    for match in MARKER_RE.finditer(html):
        if all(stack):
            out.append(html[position:match.start()])
        position = match.end()
        if match["name"] is not None:
            stack.append(bool(truth(match["name"])))
        elif not stack:
            raise ConditionError(f"<!-- {match['word']} --> without <!-- if -->")
        elif match["word"] == "else":
            stack[-1] = not stack[-1]
        else:
            stack.pop()
    if stack:
        raise ConditionError("<!-- if --> never closed")
    out.append(html[position:])
    return "".join(out)


def conditions(content):
    """name -> bool for one item: CAMPAIGN filled in, and the event's own state."""
    settings = content.settings
    values = {key: bool(str(value).strip()) for key, value in (settings.get("CAMPAIGN") or {}).items()}
    if getattr(content, "source_path", None):
        from events.plugin import is_upcoming, scan

        event = scan(settings)[0].get(os.path.abspath(content.source_path))
        if event is not None:
            values.update(upcoming=is_upcoming(event, settings), register=bool(event.register_url),
                          online=bool(event.online_url))
    return values


def keep_what_applies(content):
    """content_object_init receiver: drop the text whose condition is false.

    Pages, listings and feeds all read the item's HTML, so they agree.  The
    rule above has checked the files; a problem here means HTML that did
    not come from them, and the text is then left as it is.
    """
    html = getattr(content, "_content", None)
    if not html or "<!--" not in html:
        return
    values = conditions(content)
    try:
        content._content = apply(html, lambda name: values.get(name, False))
    except ConditionError:
        return


def register():
    sitecore.connect()
    collect.connect(check_conditions)
    signals.content_object_init.connect(keep_what_applies)
