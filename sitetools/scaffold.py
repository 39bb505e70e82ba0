"""`invoke new` and `invoke translate`: files that are right from the start.

Every field is written out, with what it is for in a comment block after the
metadata (Markdown metadata cannot hold comments; the comment block is an
HTML comment, which readers do not see: delete it when the text is done).
The files pass `invoke check` and build as written.
"""

import datetime
import os
import re

from content_checks.checks import SLUG_RE
from sitecore.model import ContentModel, lines_of, pick_original
from translation_status.status import content_hash

KINDS = {
    # kind: (folder under PATH, is an article section)
    "statement": "statements",
    "background": "background",
    "event": "events",
    "page": "pages",
}


class ScaffoldError(ValueError):
    """The request cannot be done; the message says why and what to do."""


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def new_text(kind, slug, lang, languages, date=None):
    date = date or today()
    known = ", ".join(languages)
    lines = [
        "Title: Title of the " + kind.replace("-", " "),
        f"Slug: {slug}",
        f"Lang: {lang}",
        f"Date: {date:%Y-%m-%d}",
        "Summary: One sentence shown in listings and in search results.",
    ]
    comments = [
        "Fields (the lines above, before the first blank line):",
        "  Title    the heading of the page, in this file's language.",
        "  Slug     the address: lowercase ASCII letters, digits and hyphens;",
        "           the same in every translation (that is how they are linked).",
        f"  Lang     the language of this file, one of {known}.",
        "  Date     publication date, YYYY-MM-DD" + (" (required in this section)." if kind != "page" else "."),
        "  Summary  one sentence for listings.",
        "Optional fields: Modified (date of the last real change, YYYY-MM-DD);",
        "  Status: draft (kept out of the site until you remove the line);",
        "  Translation-of (only in translations: `invoke translate` fills it in);",
        "  Review-by (YYYY-MM-DD) where facts go stale: past it the page says",
        "  when they were last checked (Modified, else Date).",
        "Text that asks readers to act (register, donate, write) can be shown only",
        "  when it can be acted on: README, \"Text shown only when it can be acted on\".",
    ]
    if kind == "event":
        start = date + datetime.timedelta(days=7)
        lines += [
            f"Event-start: {start:%Y-%m-%d} 19:00",
            f"Event-end: {start:%Y-%m-%d} 21:00",
            "Event-timezone: Europe/London",
            "Event-location: Online",
            "Event-status: scheduled",
        ]
        comments += [
            "  Event-start     required: wall-clock time at the event, YYYY-MM-DD HH:MM.",
            "  Event-end       or Event-duration (e.g. 2h); remove the line when no end is",
            "                  announced: nothing is made up, the page says from when.",
            "  Event-timezone  required: an IANA zone name such as Europe/London or",
            "                  Asia/Hong_Kong (not an abbreviation like BST).",
            "  Event-location  the venue, or \"Online (Zoom)\".",
            "  Event-status    scheduled, cancelled, postponed or moved-online.",
            "Optional event fields, add them as lines above when they apply:",
            "  Event-city, Event-country (ISO 3166-1 alpha-2 code, e.g. GB),",
            "  Event-online and Event-register (https links), Event-organiser,",
            "  Event-address-private: yes (the site then shows the city alone).",
        ]
    comments += [
        "Translations: `invoke translate " + slug + " --lang LANG` starts one.",
        "Check the file with `invoke check`; delete this comment when done.",
    ]
    body = "<!--\n" + "\n".join(comments) + "\n-->\n\nThe text, in Markdown.\n"
    return "\n".join(lines) + "\n\n" + body


def check_args(slug, lang, settings):
    if not SLUG_RE.match(slug or ""):
        raise ScaffoldError(f"slug {slug!r} must be lowercase ASCII letters, digits and hyphens, e.g. 'campaign-launch'")
    if lang not in settings["LANGUAGES"]:
        raise ScaffoldError(f"unknown language {lang!r}; use one of {', '.join(settings['LANGUAGES'])}")


def new(kind, slug, lang, settings):
    """Write a new piece; return its path."""
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    check_args(slug, lang, settings)
    for source in ContentModel(settings).sources:
        if source.slug == slug:
            raise ScaffoldError(f"slug {slug!r} is already used by {source.path}; choose another, "
                                f"or translate it with `invoke translate {slug} --lang LANG`")
    path = os.path.join(settings["PATH"], KINDS[kind], f"{slug}.{lang}.md")
    write_new_file(path, new_text(kind, slug, lang, settings["LANGUAGES"]))
    return path


def translate(slug, lang, settings):
    """Write the translation stub of `slug` into `lang`; return its path."""
    check_args(slug, lang, settings)
    pieces = [(key, versions) for key, versions in ContentModel(settings).pieces.items() if key[2] == slug]
    if not pieces:
        raise ScaffoldError(f"no content has slug {slug!r}; `invoke translations` lists them")
    (_kind, _section, _slug), versions = pieces[0]
    if lang in versions:
        raise ScaffoldError(f"{versions[lang].path} already exists; edit it (set its Translation-of to "
                            f"{content_hash(versions[pick_original(versions, settings)])} when it matches the original)")
    original = versions[pick_original(versions, settings)]
    digest = content_hash(original)
    meta = []
    for key, (value, _line) in sorted(original.metadata.items(), key=lambda kv: kv[1][1]):
        if key in ("lang", "translation-of"):
            continue
        meta.append(f"{key[0].upper()}{key[1:]}: {value}")
    if not any(line.startswith("Slug:") for line in meta):
        meta.insert(1, f"Slug: {slug}")
    meta.insert(2, f"Lang: {lang}")
    meta.append(f"Translation-of: {digest}")
    body = "\n".join(lines_of(original.text)[original.body_start - 1:]).strip("\n")
    comment = (
        "<!--\n"
        f"Translation of {original.path} ({original.lang}). Translate Title, Summary and the text\n"
        "below; keep Slug, Date and the other fields as they are. Translation-of records\n"
        "which version of the original this translates: when the original changes,\n"
        "`invoke translations` lists this file as outdated. Delete this comment when done.\n"
        "-->\n"
    )
    folder = os.path.dirname(original.abs_path)
    path = os.path.join(folder, f"{slug}.{lang}.md")
    write_new_file(path, "\n".join(meta) + "\n\n" + comment + "\n" + body + "\n")
    return path


def write_new_file(path, text):
    if os.path.exists(path):
        raise ScaffoldError(f"{path} already exists; edit it or choose another slug")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
