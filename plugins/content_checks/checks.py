"""The rules, each a small function yielding (line, message)."""

import datetime
import logging
import os
import re

from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED
from pelican.utils import get_date

from sitecore.model import (
    CONTINUATION_RE,
    META_RE,
    MARKDOWN_EXTENSIONS,
    ContentModel,
    effective,
    group_pieces,
    lines_of,
    meta_line,
    scan_metadata,
)
from sitecore.problems import Problem
from sitecore.render import RenderError, per_file_result, rendered

import sitecore.model

from . import allowlist, limits

# Modules besides this one whose code decides the rules' results: the cache
# of per-file problems (plugin.py) is keyed by their source.
RULE_MODULES = (sitecore.model, allowlist, limits)

logger = logging.getLogger(__name__)

SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
ALLOWED_SCHEMES = ("http", "https", "mailto")
# Markdown links and images: [text](url "title") / ![alt](url).  Every pattern
# scans a line in linear time (no unbounded run that can cross the next
# bracket): content files may be large and hostile.
MD_LINK_RE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\(\s*<?(?P<url>[^)\s>\[\]]*)>?(?:\s+[\"'(][^)\[\]]*)?\)"
)
MD_REFDEF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<url>\S+?)>?(?:\s|$)")
AUTOLINK_RE = re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>")
HTML_ATTR_URL_RE = re.compile(r"\b(?:href|src|action|formaction|poster|data|cite|content)\s*=\s*(?:\"(?P<q2>[^\"]*)\"|'(?P<q1>[^']*)'|(?P<bare>[^\s>]+))", re.I)
HTML_IMG_RE = re.compile(r"<img\b(?P<attrs>[^<>]*)>", re.I)
HTML_ALT_RE = re.compile(r"\balt\s*=\s*(?:\"(?P<q2>[^\"]*)\"|'(?P<q1>[^']*)'|(?P<bare>[^\s>]+))", re.I)
FORBIDDEN_TAG_RE = re.compile(r"<\s*(?P<tag>script|iframe|object|embed|frame|frameset)\b", re.I)
HANDLER_RE = re.compile(r"<[A-Za-z][^<>]*?\s(?P<attr>on[a-z]+)\s*=", re.I)
INTERNAL_RE = re.compile(r"[{|](?P<kind>filename|static|attach)[}|](?P<target>[^\s\\\"')>\]]*)")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?$")
# Pelican reads a link target starting {what} or |what| as a link inside the site.
INDICATOR_RE = re.compile(r"^[{|](.*?)[|}]")
INDICATORS = ("filename", "static", "attach")
HASH_RE = re.compile(r"^[0-9a-f]{10}$")
STATUS_VALUES = {"article": ("published", "draft", "hidden"), "page": ("published", "draft", "hidden")}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_single_values(source, settings):
    """A field Pelican takes one value of (Slug, Date, Status...) is given once,
    on one line: Markdown reads an indented next line, or the field written
    again, as a second value, and Pelican would keep only the first."""
    counts = {}
    key = None
    for number, line in lines_of_metadata(source):
        match = META_RE.match(line)
        if match:
            key = match["key"].lower()
        elif not (key and CONTINUATION_RE.match(line)):
            continue
        counts[key] = counts.get(key, 0) + 1
        if counts[key] == 2 and not DUPLICATES_DEFINITIONS_ALLOWED.get(key, True):
            name = key.capitalize()
            yield number, (f"{name} has a second value here (the field written again, or a line indented "
                           f"under it); {name} takes one value: write it once, on one line")


def lines_of_metadata(source):
    """(line number, text) of the metadata block (its `---` lines match no field)."""
    return list(enumerate(source.text.splitlines()[:source.body_start - 1], 1))


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
    """Date, when given (required in article sections), is a full date YYYY-MM-DD[ HH:MM].

    Pelican would also accept "9 June", silently taking the year of the build.
    """
    if "date" not in source.metadata:
        if source.kind == "article":
            yield 1, "missing Date; add a line such as `Date: 2021-06-09`"
        return
    value, line = source.metadata["date"]
    if ISO_DATE_RE.match(value):
        try:
            # What nearly every file has; dateutil (below) reads it too, ten times slower.
            datetime.datetime.fromisoformat(value)
            return
        except ValueError:
            pass
    try:
        parsed = get_date(value)
    except (ValueError, OverflowError):
        yield line, f"Date {value!r} is not a date; write it as YYYY-MM-DD, e.g. `Date: 2021-06-09`"
        return
    if not ISO_DATE_RE.match(value):
        yield line, (f"Date {value!r} would be read as {parsed:%Y-%m-%d}; write the full date as YYYY-MM-DD, "
                     "e.g. `Date: 2021-06-09`")


KNOWN_FIELDS = ("title", "slug", "lang", "date", "modified", "summary", "status", "template", "translation-of")
# Fields of other plugins, by prefix, which those plugins check (events:
# Event-start, Event-timezone, ...; review: Review-by).
KNOWN_PREFIXES = ("event-", "review-")


def check_fields(source, settings):
    """Only the fields the site uses: a misspelt or foreign field is a mistake.

    Pelican would act on some of them silently (Category, Save_as, URL, Tags)
    and break the site's structure; others would simply be ignored.
    """
    conf = settings.get("CONTENT_CHECKS", {})
    known = tuple(conf.get("fields", KNOWN_FIELDS))
    prefixes = tuple(conf.get("field_prefixes", KNOWN_PREFIXES))
    for key, (_value, line) in source.metadata.items():
        if key in known or key.startswith(prefixes):
            continue
        names = ", ".join(k[0].upper() + k[1:] for k in known)
        yield line, (f"unknown field {key!r}; the fields are {names} (and Event-... in events/): "
                     "check the spelling or remove the line")


def check_other_dates(source, settings):
    """Modified, when given, is a full date like Date."""
    if "modified" in source.metadata:
        value, line = source.metadata["modified"]
        try:
            get_date(value)
            valid = bool(ISO_DATE_RE.match(value))
        except (ValueError, OverflowError):
            valid = False
        if not valid:
            yield line, (f"Modified {value!r} is not a date; write it as YYYY-MM-DD, "
                         "e.g. `Modified: 2021-06-10`, or remove the line")


def check_status(source, settings):
    """Status, when given, is published, draft or hidden."""
    if "status" in source.metadata:
        value, line = source.metadata["status"]
        allowed = STATUS_VALUES[source.kind]
        if value.lower() not in allowed:
            yield line, f"Status {value!r} is not known; use one of {', '.join(allowed)}, or remove the line"


def check_template(source, settings):
    """Template, when given, names a template of the theme."""
    if "template" in source.metadata:
        value, line = source.metadata["template"]
        folder = os.path.join(settings.get("THEME", ""), "templates")
        if not re.match(r"^[A-Za-z0-9_-]+$", value) or not os.path.isfile(os.path.join(folder, value + ".html")):
            yield line, (f"Template {value!r} is not a template of the theme; "
                         "remove the line to use the usual one")


def check_translation_of(source, settings):
    """Translation-of, when given, is the 10-character hash `invoke translate` writes."""
    if "translation-of" in source.metadata:
        value, line = source.metadata["translation-of"]
        if not HASH_RE.match(value):
            yield line, (f"Translation-of {value!r} must be the 10-character hash of the original "
                         "(letters a-f and digits) that `invoke translate SLUG --lang LANG` writes; "
                         "copy it from `invoke translations` or remove the line")


def resolve_internal(source, target, settings):
    """The file an `{filename}`/`{static}` target names, as Pelican resolves it, or None."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return None
    from urllib.parse import unquote

    target = unquote(target)
    if target.startswith("/"):
        path = os.path.join(settings["PATH"], target.lstrip("/"))
    else:
        path = os.path.join(os.path.dirname(source.abs_path), target)
    path = os.path.normpath(path)
    return path if os.path.isfile(path) else None


def check_internal_links(source, settings):
    """Links written {filename}path or {static}path name a file that exists."""
    for number, url in source_links(source):
        match = INTERNAL_RE.match(url.strip())
        if not match:
            continue
        target = match["target"]
        kind = match["kind"]
        if not target.split("#", 1)[0]:
            yield number, (f"{url[:60]!r} names no file; write the path after {{{kind}}}, "
                           f"e.g. `{{{kind}}}../statements/other.en.md`")
            continue
        found = resolve_internal(source, target, settings)
        if found is not None and kind == "filename" and not found.lower().endswith(MARKDOWN_EXTENSIONS):
            yield number, (f"{{filename}}{target} is not a page of the site; link files such as "
                           f"pictures and documents with {{static}}{target}")
        if found is None:
            yield number, missing_message(kind, target)


def missing_message(kind, target):
    return (
        f"{{{kind}}}{target} does not exist; the path is relative to this file's folder "
        f"(or to content/ when it starts with /): fix it, e.g. `{{{kind}}}../statements/other.en.md`"
        if kind == "filename" else
        f"{{{kind}}}{target} does not exist; the path is relative to this file's folder "
        f"(or to content/ when it starts with /): fix it or add the file"
    )


def source_links(source):
    """[(line number, url)] of every link and image of a Source's body, found once
    (several rules read them)."""
    memo = source.__dict__
    if "_links" not in memo:
        memo["_links"] = [(number, url) for number, line in source.body_lines() for url, _i, _a in link_urls(line)]
    return memo["_links"]


def link_urls(line):
    """(url, is_image, alt) for every link or image on a body line."""
    for match in MD_LINK_RE.finditer(line):
        yield match["url"], bool(match["bang"]), match["text"]
    match = MD_REFDEF_RE.match(line)
    if match:
        yield match["url"], False, None
    for match in AUTOLINK_RE.finditer(line):
        yield match["url"], False, None
    for match in HTML_ATTR_URL_RE.finditer(line):
        yield match["q2"] if match["q2"] is not None else (match["q1"] if match["q1"] is not None else match["bare"]), False, None


def check_link_schemes(source, settings):
    """Links use http, https or mailto, or point inside the site with {filename}/{static}."""
    for number, url in source_links(source):
        indicator = INDICATOR_RE.match(url.strip())
        if indicator and indicator.group(1) not in INDICATORS:
            yield number, (
                f"link {url[:60]!r} starts like a link inside the site but {indicator.group(0)!r} is not "
                "one; write {filename}path-to-page.md or {static}path-to-file"
            )
            continue
        scheme = SCHEME_RE.match(url.strip())
        if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
            yield number, (
                f"link {url[:60]!r} uses {scheme.group(1).lower()}:, which is not allowed; "
                "use an https:// (or http://, mailto:) address or a link inside the site"
            )


def check_images(source, settings):
    """Images are stored in the site, exist, and have alt text."""
    for number, line in source.body_lines():
        images = [(m["url"], m["text"]) for m in MD_LINK_RE.finditer(line) if m["bang"]]
        for tag in HTML_IMG_RE.finditer(line):
            src = re.search(r"\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", tag["attrs"], re.I)
            alt = HTML_ALT_RE.search(tag["attrs"])
            url = next((g for g in src.groups() if g is not None), "") if src else ""
            text = next((g for g in alt.groups() if g is not None), "") if alt else ""
            images.append((url, text))
        for url, alt in images:
            if not alt.strip():
                yield number, (f"image {url[:60]!r} has no alt text; describe it for readers who cannot "
                               "see it: `![What the picture shows](...)` or `<img alt=\"...\">`")
            if re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)", url):
                yield number, (f"image {url[:60]!r} is loaded from another host; readers must never load "
                               "anything from elsewhere: save the image under content/ and link it with "
                               "`{static}`")
            elif url and not INTERNAL_RE.match(url):
                if resolve_internal(source, url, settings) is None:
                    yield number, (f"image {url[:60]!r} does not exist; save it under content/ and link it "
                                   "with `{static}` and its path relative to this file")
                else:
                    yield number, (f"image {url[:60]!r} must be linked with `{{static}}{url[:60]}` so that "
                                   "the build copies it")


def check_raw_html(source, settings):
    """No <script>, <iframe> (or object/embed/frame) and no on*= event handlers."""
    for number, line in source.body_lines():
        for match in FORBIDDEN_TAG_RE.finditer(line):
            tag = match["tag"].lower()
            yield number, (f"<{tag}> is not allowed in content: the site runs no scripts and embeds nothing "
                           "from other hosts; remove it (link to the page instead)")
        for match in HANDLER_RE.finditer(line):
            yield number, (f"inline event handler {match['attr'].lower()}= is not allowed "
                           "(the site runs no scripts); remove the attribute")


def check_bidi_controls(source, settings):
    """No bidirectional embedding, override or isolate control in any metadata field.

    Invisible, they can make a title or a place read differently from what it
    says (U+202E turns "gpj.exe" around); the marks U+200E/U+200F stay allowed.
    """
    import unicodedata

    key = None
    for number, line in enumerate(lines_of(source.text)[:scan_metadata(source.text)[1]], start=1):
        match = META_RE.match(line)
        if match:
            key = match["key"]
        for char in dict.fromkeys(c for c in line if "\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"):
            yield number, (f"{key or 'the metadata'} contains the invisible bidirectional control "
                           f"U+{ord(char):04X} ({unicodedata.name(char)}), which can make text read differently "
                           "from what it says; delete it (retype the field)")


def check_limits(source, settings):
    """Lists and quotes nest at most limits.MAX_NESTING deep; brackets and tags are closed (limits.py)."""
    yield from limits.check(lines_of(source.text), source.body_start)


# The rules that read markup in the body: where one of them reported a line,
# the allowlist adds nothing for it (the build fails anyway, and their
# messages are more precise).
SOURCE_MARKUP_RULES = (check_internal_links, check_link_schemes, check_images, check_raw_html)
# Allowlist problems reported one by one per file; the rest are counted.
MAX_FINDINGS = 100
# Characters Pelican would copy unescaped from a file name into the page
# when it replaces {static}: a quote would end the attribute.
UNSAFE_NAME_RE = re.compile(r"[\"'<>&\\`\x00-\x1f\x7f]")


def check_rendered_html(source, settings):
    """What the reader's browser gets holds only allowlisted elements, attributes and URLs.

    The body and the Summary, as Markdown rendered them (the build's own
    conversion), are parsed as HTML5 and checked against allowlist.ALLOWED;
    {static}/{filename}/{attach} targets must be files inside the content
    folder.  Code blocks and code spans are text there, so they pass.
    """
    lines = lines_of(source.text)
    if rule_results(check_limits, source, settings):
        return  # check_limits reported it; Markdown must not see this file
    try:
        result = rendered(source.abs_path, settings)
    except RenderError as exc:
        first = next((number for number, line in source.body_lines() if line.strip()), source.body_start)
        yield first, (f"Markdown cannot render this file ({exc.message}: lists, quotes or "
                       "<div markdown=\"1\"> blocks inside one another); flatten the text")
        return
    except (ValueError, TypeError, OverflowError) as exc:
        # Pelican could not process a metadata field; the metadata rules name
        # the field and the fix, and the body cannot be checked before it is.
        others = (rule_results(rule, source, settings) for rule in RULES if rule is not check_rendered_html)
        if not any(True for found in others for _ in found):
            yield 1, f"Pelican cannot read this file's fields ({exc}); check the values at the top of the file"
        return
    reported = {line for rule in SOURCE_MARKUP_RULES for line, _message in rule_results(rule, source, settings)}
    masked = dict(source.body_lines())
    locator = allowlist.Locator(lines, source.body_start, masked)
    body = allowlist.inspect(result.content)
    for finding in body.findings[:MAX_FINDINGS]:
        line = locator.line(finding)
        if line not in reported:
            yield line, finding.message
    if len(body.findings) > MAX_FINDINGS:
        # Locating each costs a search of the file; thousands are one mistake repeated.
        yield line, (f"and {len(body.findings) - MAX_FINDINGS} more elements or attributes outside the allowlist "
                     "after this line; fix the ones reported and check again")
    for link in body.site_links[:MAX_FINDINGS]:
        line = locator.line_of_text(link.value)
        if line not in reported:
            yield from ((line, message) for message in site_link_problems(source, link, settings))
    summary = result.metadata.get("summary")
    if isinstance(summary, str) and summary:
        line = meta_line(source, "summary")
        found = allowlist.inspect(summary)
        for finding in found.findings:
            yield line, f"in the Summary: {finding.message}"
        for link in found.site_links:
            yield from ((line, f"in the Summary: {message}") for message in site_link_problems(source, link, settings))


def site_link_problems(source, link, settings):
    """Messages for a {static}/{filename}/{attach} target: inside the content folder, existing, safe to copy."""
    from urllib.parse import unquote

    target = unquote(link.target.split("#", 1)[0].split("?", 1)[0])
    if not target:
        return
    root = os.path.realpath(settings["PATH"])
    if target.startswith("/"):
        path = os.path.join(root, target.lstrip("/"))
    else:
        path = os.path.join(os.path.dirname(os.path.realpath(source.abs_path)), target)
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        yield (f"{{{link.kind}}}{allowlist.shown(link.target)} points outside the content folder; only files "
               "under content/ can be linked: copy the file into content/ and link the copy")
        return
    if not os.path.isfile(real):
        yield missing_message(link.kind, link.target)
        return
    if link.kind != "filename":
        relative = os.path.relpath(real, root)
        bad = UNSAFE_NAME_RE.search(relative)
        if bad:
            yield (f"{{{link.kind}}}{allowlist.shown(link.target)} names a file whose path contains "
                   f"{allowlist.shown(bad.group())!r}, which would end up unescaped in the page; rename it "
                   "(letters, digits, - _ . and /)")


RULES = [check_single_values, check_title, check_lang, check_slug, check_date, check_fields, check_other_dates, check_status, check_template,
         check_translation_of, check_internal_links, check_link_schemes, check_images, check_raw_html,
         check_bidi_controls, check_limits, check_rendered_html]




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


def check_sections(sources):
    """All language versions of one slug are in the same section folder."""
    first = {}
    for source in sources:
        slug = source.slug
        if not slug or not source.lang:
            continue
        if source.kind == "page":
            continue
        key = slug
        if key not in first:
            first[key] = source
        elif first[key].section != source.section:
            other = first[key]
            yield Problem(
                source.path,
                meta_line(source, "slug"),
                f"slug {slug!r} is in {source.section}/ here but in {other.section}/ in {other.path}; "
                f"translations of one piece go in the same folder: move this file to {other.section}/ "
                "or give it another Slug",
            )


def check_originals(sources, settings):
    """A piece with several versions has an original: one without Translation-of."""
    order = [settings["DEFAULT_LANG"], *settings["LANGUAGES"]]
    for (_kind, _section, slug), versions in group_pieces(sources).items():
        if len(versions) < 2 or any("translation-of" not in v.metadata for v in versions.values()):
            continue
        original = versions[min(versions, key=lambda lang: order.index(lang) if lang in order else len(order))]
        yield Problem(
            original.path, meta_line(original, "translation-of"),
            f"every version of {slug!r} has Translation-of, so none is the original; remove "
            "Translation-of from the version the others are translated from (this one, or another)",
        )


def rule_results(rule, source, settings):
    """[(line, message)] of one rule over one Source, computed once
    (the allowlist asks the source rules which lines they reported)."""
    memo = source.__dict__.setdefault("_rule_results", {})
    if rule not in memo:
        memo[rule] = list(rule(source, settings))
    return memo[rule]


def source_problems(source, settings):
    """The problems the per-file rules find in one Source."""
    return [Problem(source.path, line, message) for rule in RULES
            for line, message in rule_results(rule, source, settings)]


def check_all(settings, model=None, results=None):
    """Every problem of the content, as a list of Problems.

    ``model`` is the build's ContentModel; without one the content is read
    afresh (a test, or a caller outside a build).  ``results``, a
    sitecore.cache.FileResults, serves per-file problems of unchanged files.
    """
    if model is None:
        model = ContentModel(settings)
    sources = model.sources
    problems = list(model.problems)
    for source in sources:
        def compute(source=source):
            found = per_file_result("content_checks", source)
            return found if found is not None else source_problems(source, settings)

        if results is None:
            problems.extend(compute())
        else:
            problems.extend(results.get((source.abs_path, source.path, source.text), compute))
    problems.extend(check_duplicates(sources))
    problems.extend(check_sections(sources))
    problems.extend(check_originals(sources, settings))
    return problems


