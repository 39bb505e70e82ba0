"""The rules, each a small function yielding (line, message)."""

import logging
import os
import re
from dataclasses import dataclass

from pelican.utils import get_date

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
CONTINUATION_RE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


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


@dataclass
class Source:
    """One content file: its text and metadata with their line numbers."""

    path: str  # as shown to the editor, relative to the project
    text: str
    metadata: dict  # key (lowercase) -> (value, line)
    name_slug: str | None
    name_lang: str | None
    kind: str = "article"  # "article" (a section folder) or "page"


def decode(raw):
    """Return (text, None) or (None, (line, message)) for undecodable bytes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, (
            line,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}); "
            "save the file with UTF-8 encoding",
        )
    return text.removeprefix("\ufeff"), None


def parse_metadata(text):
    """Parse the Markdown metadata block the way Python-Markdown's meta does."""
    metadata = {}
    key = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            break
        match = META_RE.match(line)
        if match:
            key = match["key"].lower()
            metadata[key] = (match["value"].strip(), number)
            continue
        match = CONTINUATION_RE.match(line)
        if match and key:
            value, first = metadata[key]
            metadata[key] = ((value + " " + match["value"].strip()).strip(), first)
            continue
        break
    return metadata


def name_parts(path, pattern):
    base = os.path.splitext(os.path.basename(path))[0]
    match = re.match(pattern, base)
    if not match:
        return None, None
    groups = match.groupdict()
    return groups.get("slug"), groups.get("lang")


def meta_line(source, key):
    return source.metadata.get(key, (None, 1))[1]


def effective(source, key, name_value):
    if key in source.metadata:
        return source.metadata[key][0]
    return name_value


def check_title(source, settings):
    """Every file needs a non-empty Title."""
    if not source.metadata.get("title", ("", 0))[0]:
        yield meta_line(source, "title"), (
            "missing Title; add a line such as `Title: Campaign launch` "
            "at the top of the file, before the first blank line"
        )


def check_lang(source, settings):
    """Lang must be a code of the LANGUAGES table, from metadata or file name."""
    lang = effective(source, "lang", source.name_lang)
    known = ", ".join(settings["LANGUAGES"])
    if not lang:
        yield 1, (
            f"no language; add a line `Lang: <code>` (one of {known}) "
            "or name the file <slug>.<lang>.md"
        )
    elif lang not in settings["LANGUAGES"]:
        hint = ""
        if lang.lower() in settings["LANGUAGES"]:
            hint = f" (codes are lowercase: {lang.lower()!r})"
        yield meta_line(source, "lang"), f"unknown Lang {lang!r}{hint}; use one of {known}"


def check_slug(source, settings):
    """Slug must be ASCII lowercase words joined by hyphens (shared by translations)."""
    slug = effective(source, "slug", source.name_slug)
    if not slug:
        yield 1, "no slug; add a line `Slug: my-slug` or name the file <slug>.<lang>.md"
    elif not SLUG_RE.match(slug):
        yield meta_line(source, "slug"), (
            f"Slug {slug!r} must be lowercase ASCII letters, digits and hyphens, "
            "e.g. 'campaign-launch'; every translation uses the same slug"
        )


def check_date(source, settings):
    """Date, when given (required in article sections), must parse."""
    if "date" not in source.metadata:
        if source.kind == "article":
            yield 1, "missing Date; add a line such as `Date: 2021-06-09`"
        return
    value, line = source.metadata["date"]
    try:
        get_date(value)
    except (ValueError, OverflowError):
        yield line, f"Date {value!r} is not a date; write it as YYYY-MM-DD, e.g. `Date: 2021-06-09`"


RULES = [check_title, check_lang, check_slug, check_date]


def content_files(settings):
    """Yield (absolute path, kind) for every Markdown file Pelican will read."""
    root = settings["PATH"]
    for kind, key in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for sub in settings[key]:
            top = os.path.join(root, sub)
            for folder, dirs, files in os.walk(top):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(MARKDOWN_EXTENSIONS) and not name.startswith("."):
                        yield os.path.join(folder, name), kind


def display_path(path, settings):
    base = os.path.dirname(os.path.abspath(settings["PATH"]))
    return os.path.relpath(path, base)


def load(path, kind, settings):
    """Return (Source or None, problems) for one file."""
    shown = display_path(path, settings)
    with open(path, "rb") as handle:
        raw = handle.read()
    text, error = decode(raw)
    if error:
        return None, [Problem(shown, *error)]
    slug, lang = name_parts(path, settings["FILENAME_METADATA"])
    source = Source(shown, text, parse_metadata(text), slug, lang, kind)
    return source, []


def check_duplicates(sources):
    """Slug and language together name one file per section kind."""
    seen = {}
    for source in sources:
        slug = effective(source, "slug", source.name_slug)
        lang = effective(source, "lang", source.name_lang)
        if not slug or not lang:
            continue
        key = (source.kind, slug, lang)
        if key in seen:
            first = seen[key]
            yield Problem(
                source.path,
                meta_line(source, "slug"),
                f"slug {slug!r} in language {lang!r} is already used by {first.path}; "
                "give one of them another Slug (translations share a slug but differ in Lang)",
            )
        else:
            seen[key] = source


def check_all(settings):
    """Every problem of the content, as a list of Problems."""
    problems = []
    sources = []
    for path, kind in content_files(settings):
        source, load_problems = load(path, kind, settings)
        problems.extend(load_problems)
        if source is None:
            continue
        sources.append(source)
        for rule in RULES:
            problems.extend(Problem(source.path, line, message) for line, message in rule(source, settings))
    problems.extend(check_duplicates(sources))
    return problems
