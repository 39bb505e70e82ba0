"""Review dates from the content model, the page notice, and the editors' list."""

import datetime
import os
import re
from dataclasses import dataclass

from pelican import signals

import sitecore
from sitecore import Problem, collect, content_model, is_main_site, plugin_config
from sitecore.model import meta_line

DEFAULTS = {
    # `invoke check` warns this many days before a Review-by date.
    "warn_days": 14,
}
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
REVIEW_BY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIELDS = ("review-by",)

CURRENT, SOON, OVERDUE = "current", "soon", "overdue"


def config(settings):
    return plugin_config(settings, "REVIEW", DEFAULTS)


def parse_day(value):
    """The date at the start of a Date/Modified/Review-by value, or None
    (content_checks reports values that are not dates)."""
    match = DATE_RE.match((value or "").strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Review:
    """One language version's review date and the day its facts were last checked."""

    path: str  # the file that holds Review-by (the version itself, or its original)
    line: int
    by: datetime.date
    checked: datetime.date | None  # Modified, else Date, of that file

    def state(self, today, warn_days):
        if today > self.by:
            return OVERDUE
        if (self.by - today).days <= warn_days:
            return SOON
        return CURRENT


def own_review(source):
    if "review-by" not in source.metadata:
        return None
    by = parse_day(source.metadata["review-by"][0])
    if by is None:
        return None
    checked = parse_day(source.metadata.get("modified", ("", 0))[0]) or \
        parse_day(source.metadata.get("date", ("", 0))[0])
    return Review(source.path, meta_line(source, "review-by"), by, checked)


def reviews(model):
    """{abs path: Review} of every file with a review date, its own or its original's."""
    found = {}
    for key, versions in model.pieces.items():
        original = versions.get(model.originals.get(key))
        inherited = own_review(original) if original is not None else None
        for source in versions.values():
            review = own_review(source) or inherited
            if review is not None:
                found[source.abs_path] = review
    return found


def today_of(settings):
    """The build's day (SOURCE_DATE_EPOCH, else now), as the pages see it."""
    from buildinfo import current

    return current(settings).time.date()


def attach(content):
    """content_object_init receiver: `content.review` for the theme, when overdue."""
    source_path = getattr(content, "source_path", None)
    if not source_path:
        return
    settings = content.settings
    review = reviews_of_build(settings).get(os.path.abspath(source_path))
    if review is not None and review.state(today_of(settings), config(settings)["warn_days"]) == OVERDUE:
        content.review = review


def reviews_of_build(settings):
    from sitecore import STATE

    store = STATE.slot("review", dict)
    root = os.path.abspath(settings["PATH"])
    if root not in store:
        store[root] = reviews(content_model(settings))
        # What the build's time decides on item pages (sitecore.pages): which notices show.
        today, warn = today_of(settings), config(settings)["warn_days"]
        sitecore.time_fact("review.overdue", sorted(path for path, review in store[root].items()
                                                    if review.state(today, warn) == OVERDUE))
    return store[root]


def entries(settings, model, today):
    """[(state, Review)] of every file holding a Review-by, soonest first."""
    warn = config(settings)["warn_days"]
    own = {}
    for review in reviews(model).values():
        own[review.path] = review
    return sorted(((review.state(today, warn), review) for review in own.values()),
                  key=lambda pair: (pair[1].by, pair[1].path))


def notes(settings, model, today):
    """Lines for `invoke check`: what is due soon and what is overdue (not problems)."""
    warn = config(settings)["warn_days"]
    lines = []
    listed = entries(settings, model, today)
    for state, review in listed:
        if state == SOON:
            days = (review.by - today).days
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            lines.append(f"{review.path}:{review.line}: warning: Review-by {review.by} is {when}; check the facts, "
                         "then set Modified to the day you checked and Review-by to the next date")
    overdue = [review for state, review in listed if state == OVERDUE]
    if overdue:
        lines.append(f"Overdue for review ({len(overdue)}; their pages say the information may be out of date):")
        for review in overdue:
            checked = f", last checked {review.checked}" if review.checked else ""
            lines.append(f"  {review.path}:{review.line}: Review-by {review.by}{checked}")
    if not lines and listed:
        lines.append(f"Review dates: none due in the next {warn} days.")
    return lines


def as_report(settings, model, today):
    """The review dates for the translators' report (JSON-ready)."""
    return [{"path": review.path, "line": review.line, "review_by": review.by.isoformat(),
             "checked": review.checked.isoformat() if review.checked else None, "state": state}
            for state, review in entries(settings, model, today)]


def check_fields(source):
    """(line, message): Review-by, when given, is a date YYYY-MM-DD; no other Review-* field exists."""
    for key, (value, line) in source.metadata.items():
        if not key.startswith("review-"):
            continue
        if key not in FIELDS:
            yield line, f"unknown field {key!r}; the review field is Review-by (YYYY-MM-DD): check the spelling"
        elif not REVIEW_BY_RE.match(value) or parse_day(value) is None:
            yield line, (f"Review-by {value!r} is not a date; write the day the facts must be checked again "
                         "as YYYY-MM-DD, e.g. `Review-by: 2027-06-01`, or remove the line")


def check_reviews(settings):
    """sitecore.collect receiver: the Review-by fields of every content file."""
    if not is_main_site(settings):
        return []
    config(settings)
    return [Problem(source.path, line, message) for source in content_model(settings).sources
            for line, message in check_fields(source)]


def register():
    sitecore.connect()
    collect.connect(check_reviews)
    signals.content_object_init.connect(attach)
