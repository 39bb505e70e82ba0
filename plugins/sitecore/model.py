"""The content model: every source file scanned once per build.

Validation, events, Chinese conversion, translation status and the
scaffolding all need the same facts about each content file: its text,
metadata with line numbers, language, slug, section, and which files are
versions of one piece.  ``content_model(settings)`` reads them once per
build (the build state holds it) and every plugin reads that.
"""

import bisect
import fnmatch
import os
import re
from dataclasses import dataclass, field

from .problems import Problem
from .state import STATE

BACKTICKS_RE = re.compile(r"`+")
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
CONTINUATION_RE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")
MAX_BYTES = 2_000_000  # a content file larger than this is a mistake (CONTENT_CHECKS["max_bytes"])
OTHER_READABLE = (".html", ".htm")


@dataclass
class Source:
    """One content file: its text and metadata with their line numbers."""

    path: str  # as shown to the editor, relative to the project
    text: str
    metadata: dict  # key (lowercase) -> (value, line)
    name_slug: str | None
    name_lang: str | None
    kind: str = "article"  # "article" (a section folder) or "page"
    abs_path: str = ""  # absolute path on disk
    section: str = ""  # top folder under PATH: statements, background, events, pages
    # Computed once: every rule walks the body, and the model is shared.
    _body_start: int | None = field(default=None, repr=False, compare=False)
    _body_lines: list | None = field(default=None, repr=False, compare=False)

    @property
    def slug(self):
        return effective(self, "slug", self.name_slug)

    @property
    def lang(self):
        return effective(self, "lang", self.name_lang)

    @property
    def body_start(self):
        """Line number of the first line after the metadata block."""
        if self._body_start is None:
            self._body_start = scan_metadata(self.text)[1] + 1
        return self._body_start

    def body_lines(self):
        """(line number, text) of the body, with code blocks and code spans blanked.

        Rules about links and HTML look at what the reader gets; text shown as
        code (fenced blocks, indented blocks, `spans`) is not markup.
        """
        if self._body_lines is None:
            self._body_lines = list(self._scan_body())
        return iter(self._body_lines)

    def _scan_body(self):
        lines = lines_of(self.text)
        start = self.body_start
        fence = None
        previous_blank = True
        for number, line in enumerate(lines[start - 1:], start=start):
            stripped = line.strip()
            if fence:
                if stripped.startswith(fence):
                    fence = None
                previous_blank = False
                continue
            marker = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
            if marker:
                fence = marker.group(1)
                continue
            if previous_blank and re.match(r"^(?: {4}|\t)", line):
                continue  # indented code block (stays blank-separated)
            previous_blank = not stripped
            yield number, blank_code_spans(line)


def lines_of(text):
    """The lines as Markdown sees them: split at \\n, \\r\\n or \\r only.

    (str.splitlines would also split at form feeds, U+001C-U+001E, U+0085,
    U+2028 and U+2029, which Markdown keeps inside a line.)
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def blank_code_spans(line):
    """The line with `code spans` replaced by spaces (CommonMark: a run of N
    backticks closes at the next run of exactly N).  Linear time."""
    runs = [(m.start(), m.end()) for m in BACKTICKS_RE.finditer(line)]
    if len(runs) < 2:
        return line
    by_length = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    chars = list(line)
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        position = bisect.bisect_right(same, index)
        if position < len(same):
            closing = same[position]
            for k in range(start, runs[closing][1]):
                chars[k] = " "
            index = closing + 1
        else:
            index += 1
    return "".join(chars)


def decode(raw):
    """Return (text, None) or (None, (line, message)) for undecodable bytes.

    UTF-8, with or without a byte-order mark, is accepted.  UTF-16 (what some
    Windows editors call "Unicode") and Latin-1/Windows-1252 get a message
    naming the encoding the file seems to be in.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and b"\x00" in raw[:200] and raw.count(b"\x00") * 4 > len(raw[:200])):
        return None, (
            1,
            "the file is saved as UTF-16 (\"Unicode\"), not UTF-8; "
            "save it again with UTF-8 encoding",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, (
            line,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}); "
            "save the file with UTF-8 encoding (it looks like Latin-1 or Windows-1252)",
        )
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, (line, "the file contains a NUL byte (is it really a text file?); "
                            "save it as plain text with UTF-8 encoding")
    return text, None


def scan_metadata(text):
    """(metadata, number of lines it takes), the way Python-Markdown's meta reads it.

    Optional `---` first line; the block ends at a blank line, at `---` or
    `...`, or at the first line that is neither `Key: value` nor an indented
    continuation (that line is then part of the body).
    """
    metadata = {}
    key = None
    consumed = 0
    lines = lines_of(text)
    start = 1 if lines and lines[0].strip() == "---" else 0
    consumed = start
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            break
        if start and line.strip() in ("---", "..."):
            consumed = number
            break
        match = META_RE.match(line)
        if match:
            key = match["key"].lower()
            metadata[key] = (match["value"].strip(), number)
            consumed = number
            continue
        match = CONTINUATION_RE.match(line)
        if match and key:
            value, first = metadata[key]
            metadata[key] = ((value + " " + match["value"].strip()).strip(), first)
            consumed = number
            continue
        break
    return metadata, consumed


def parse_metadata(text):
    """The Markdown metadata block: key (lowercase) -> (value, line)."""
    return scan_metadata(text)[0]


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


def content_files(settings, others=None, links=None):
    """Yield (absolute path, kind) for every Markdown file Pelican will read.

    Files Pelican would also read as content (HTML) are appended to `others`.
    Symbolic links (to files or folders) are not followed: Pelican would
    publish whatever they point to, inside the content folder or not; they
    are appended to `links` as (path, "file" or "folder").
    """
    root = settings["PATH"]
    for kind, key in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
        for sub in settings[key]:
            top = os.path.join(root, sub)
            if os.path.islink(top):
                if links is not None:
                    links.append((top, "folder"))
                continue
            for folder, dirs, files in os.walk(top):
                # As Pelican: names matching IGNORE_FILES are skipped, nothing
                # else (its default '**/.*' never matches a bare name, so
                # dotfiles are read as content).
                dirs[:] = sorted(d for d in dirs if not ignored(d, settings))
                for name in [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
                    dirs.remove(name)
                    if links is not None:
                        links.append((os.path.join(folder, name), "folder"))
                for name in sorted(files):
                    if ignored(name, settings):
                        continue
                    path = os.path.join(folder, name)
                    readable = name.lower().endswith(MARKDOWN_EXTENSIONS + OTHER_READABLE)
                    if readable and os.path.islink(path):
                        if links is not None:
                            links.append((path, "file"))
                    elif name.lower().endswith(MARKDOWN_EXTENSIONS):
                        yield path, kind
                    elif others is not None and name.lower().endswith(OTHER_READABLE):
                        others.append(path)


def ignored(name, settings):
    return any(fnmatch.fnmatch(name, pattern) for pattern in settings.get("IGNORE_FILES", [".#*"]))


def section_of(path, settings):
    rel = os.path.relpath(path, settings["PATH"])
    return rel.replace(os.sep, "/").split("/", 1)[0]


def display_path(path, settings):
    base = os.path.dirname(os.path.abspath(settings["PATH"]))
    return os.path.relpath(path, base)


def load(path, kind, settings):
    """Return (Source or None, problems) for one file."""
    shown = display_path(path, settings)
    root = os.path.realpath(settings["PATH"])
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        return None, [Problem(shown, 1, (
            "the file's real location is outside the content folder; move the file itself into the "
            "content folder"))]
    limit = settings.get("CONTENT_CHECKS", {}).get("max_bytes", MAX_BYTES)
    try:
        size = os.path.getsize(path)
        if size > limit:
            return None, [Problem(shown, 1, (
                f"the file is {size // 1000:,} kB, more than the {limit // 1000:,} kB a content file may have; "
                "split the text, and keep pictures and documents out of the Markdown file"))]
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return None, [Problem(shown, 1, f"cannot read the file ({exc.strerror}); check its permissions")]
    text, error = decode(raw)
    if error:
        return None, [Problem(shown, *error)]
    slug, lang = name_parts(path, settings["FILENAME_METADATA"])
    source = Source(shown, text, parse_metadata(text), slug, lang, kind, path, section_of(path, settings))
    return source, []


def load_all(settings):
    """(sources, problems) for every content file."""
    problems = []
    sources = []
    others = []
    links = []
    for path, kind in content_files(settings, others, links):
        source, load_problems = load(path, kind, settings)
        problems.extend(load_problems)
        if source is not None:
            sources.append(source)
    for path, what in links:
        problems.append(Problem(display_path(path, settings), 1, (
            f"the {what} is a symbolic link (to {os.readlink(path)}); Pelican would publish whatever it points "
            f"to, even outside the content folder: replace the link by the {what} itself")))
    for path in others:
        problems.append(Problem(display_path(path, settings), 1, (
            "only Markdown files are content here; rename it to .md and write it in Markdown, "
            "or move it out of the content folders")))
    return sources, problems


def group_pieces(sources):
    """{(kind, section, slug): {lang: Source}}: each piece with its language versions.

    Sources without a usable slug or language (already reported) are left out.
    """
    pieces = {}
    for source in sources:
        slug, lang = source.slug, source.lang
        if not slug or not lang:
            continue
        pieces.setdefault((source.kind, source.section, slug), {}).setdefault(lang, source)
    return pieces


def pick_original(versions, settings):
    """The language of the version the others translate: one without
    Translation-of, the default language first, then the language table's
    order."""
    order = [settings["DEFAULT_LANG"], *settings["LANGUAGES"]]
    candidates = [lang for lang in versions if "translation-of" not in versions[lang].metadata] or list(versions)
    candidates.sort(key=lambda lang: order.index(lang) if lang in order else len(order))
    return candidates[0]


class ContentModel:
    """Every content file of one build, read once.

    ``sources``: the Sources in the order Pelican walks them; ``problems``:
    what stopped a file from being read (size, encoding, non-Markdown);
    ``pieces``: {(kind, section, slug): {lang: Source}}; ``originals``: the
    same keys -> the original's language.
    """

    def __init__(self, settings):
        self.sources, self.problems = load_all(settings)
        self.by_path = {source.abs_path: source for source in self.sources}
        self.pieces = group_pieces(self.sources)
        self.originals = {key: pick_original(versions, settings) for key, versions in self.pieces.items()}
        # (lang, piece key) -> language of the version that lang's sub-site
        # shows when the piece has none of its own; set by plugins that make
        # such a version (zh_convert: the other Chinese script).
        self.preferred_sources = {}
        # Every sub-site asks for every file (multilang); the answer is kept.
        self._shown = {}

    def shown_lang(self, key, lang, order):
        """The language of the version of piece ``key`` that ``lang``'s
        sub-site shows: its own, else a preferred source, else the first of
        ``order``; only published versions count (drafts and hidden items
        are not listed).  None if the piece has no published version."""
        preferred = self.preferred_sources.get((lang, key))
        memo_key = (key, lang, tuple(order), preferred)
        if memo_key not in self._shown:
            self._shown[memo_key] = self._shown_lang(key, lang, order, preferred)
        return self._shown[memo_key]

    def _shown_lang(self, key, lang, order, preferred):
        published = {code: source for code, source in self.pieces.get(key, {}).items()
                     if source.metadata.get("status", ("published", 0))[0].lower() == "published"}
        if lang in published:
            return lang
        if preferred in published:
            return preferred
        rank = {code: index for index, code in enumerate(order)}
        return min(published, key=lambda code: rank.get(code, len(rank)), default=None)

    def piece_of(self, source):
        """(key, versions) of the piece a Source belongs to, or (None, {})."""
        key = (source.kind, source.section, source.slug)
        return (key, self.pieces[key]) if key in self.pieces else (None, {})


def content_model(settings):
    """This build's ContentModel of settings["PATH"] (scanned on first use)."""
    models = STATE.slot("model", dict)
    # Asked for thousands of times a build: the setting's own text first.
    found = models.get(settings["PATH"])
    if found is None:
        root = os.path.abspath(settings["PATH"])
        if root not in models:
            models[root] = ContentModel(settings)
        found = models[settings["PATH"]] = models[root]
    return found
