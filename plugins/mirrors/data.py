"""The mirror list: reading and checking ``mirrors.yml``.

Format (YAML, one file, ``MIRRORS["file"]`` relative to the content folder)::

    main_domain: ""          # optional: the site's usual domain, for mirrors.json
    mirrors:
      - url: https://mirror.example/      # where the copy is served (http(s)://, or ipfs://)
        kind: https                       # https | onion | ipfs | git-pages | object-storage
        note: "Run by ..."                # optional; a string, or {language code: text}
        official: true                    # optional, default false: run by the campaign
        added: 2024-06-01                 # date the mirror was listed (YYYY-MM-DD)
        updated: 2024-07-01               # optional: date its address last changed

Nothing here reads the clock: every date comes from the file.
"""

import datetime
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml

KINDS = ("https", "onion", "ipfs", "git-pages", "object-storage")
FIELDS = {"url", "kind", "note", "official", "added", "updated"}
REQUIRED = ("url", "kind", "added")


class InvalidDate:
    """A value YAML reads as a date but that is none (``2024-13-01``), and where it is."""

    def __init__(self, text, line, reason):
        self.text, self.line, self.reason = text, line, reason

    # Read as the text written, wherever a message quotes the value.
    def __str__(self):
        return self.text

    def __repr__(self):
        return repr(self.text)


class _Loader(yaml.SafeLoader):
    """SafeLoader, except that a timestamp it cannot construct becomes an InvalidDate.

    PyYAML raises a bare ValueError from deep inside the loader for those,
    with no line; kept as a value, the date is reported at its own line
    with every other problem of the file.
    """


def _timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        return InvalidDate(node.value, node.start_mark.line + 1, str(exc))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class MirrorListError(ValueError):
    """The mirror list cannot be read; ``problems`` holds (line, message) pairs."""

    def __init__(self, path, problems):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}:{line}: {message}" for line, message in problems))


@dataclass(frozen=True)
class Mirror:
    url: str
    kind: str
    added: datetime.date
    official: bool = False
    note: object = ""  # str, or {language code: str}
    updated: datetime.date = None
    line: int = 0

    @property
    def host(self):
        return urlsplit(self.url).hostname or ""

    def note_in(self, lang, default_lang):
        if isinstance(self.note, dict):
            return self.note.get(lang) or self.note.get(default_lang) or ""
        return self.note or ""

    @property
    def base(self):
        """The URL with exactly one trailing slash, for joining file names."""
        return self.url.rstrip("/") + "/"


@dataclass
class MirrorList:
    mirrors: list = field(default_factory=list)
    main_domain: str = ""


def _item_lines(text):
    """Line (1-based) of each item of the top-level `mirrors` sequence."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "mirrors" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def check_mirror(raw):
    """Problems of one entry, as (line, message); line None means the entry's first line."""
    return [problem if isinstance(problem, tuple) else (None, problem) for problem in _entry_problems(raw)]


def _entry_problems(raw):
    if not isinstance(raw, dict):
        return ["each mirror must be a mapping with url, kind, added"]
    problems = []
    for key in sorted(set(raw) - FIELDS, key=str):
        problems.append(f"unknown mirror field {key!r} (known: {', '.join(sorted(FIELDS))})")
    for key in REQUIRED:
        if raw.get(key) in (None, ""):
            problems.append(f"mirror lacks {key!r}")
    url = raw.get("url")
    if url:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https", "ipfs", "ipns") or not (parts.netloc or parts.path):
            problems.append(f"url must start with https://, http:// or ipfs://, got {url!r}")
        elif raw.get("kind") == "onion" and not (parts.hostname or "").endswith(".onion"):
            problems.append(f"an onion mirror's url must be a .onion address, got {url!r}")
    kind = raw.get("kind")
    if kind and kind not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    for key in ("added", "updated"):
        value = raw.get(key)
        if isinstance(value, InvalidDate):
            problems.append((value.line, f"{key} must be a date written YYYY-MM-DD, got {value.text!r} "
                                         f"({value.reason})"))
        elif value not in (None, "") and not isinstance(value, datetime.date):
            problems.append(f"{key} must be a date written YYYY-MM-DD, got {value!r}")
    if "official" in raw and not isinstance(raw["official"], bool):
        problems.append(f"official must be true or false, got {raw['official']!r}")
    note = raw.get("note")
    if note is not None and not isinstance(note, (str, dict)):
        problems.append("note must be a text or a mapping of language code to text")
    return problems


def parse(text, path="mirrors.yml"):
    """A MirrorList from YAML text; MirrorListError lists every problem."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MirrorListError(path, [((mark.line + 1) if mark else 1, f"not valid YAML: {exc}")]) from exc
    if data is None:
        return MirrorList()
    if not isinstance(data, dict):
        raise MirrorListError(path, [(1, "the file must be a mapping with a 'mirrors' list")])
    problems = []
    for key in sorted(set(data) - {"mirrors", "main_domain"}, key=str):
        problems.append((1, f"unknown top-level key {key!r} (known: main_domain, mirrors)"))
    main_domain = data.get("main_domain")
    if main_domain is not None and not isinstance(main_domain, str):
        problems.append((getattr(main_domain, "line", 1), f"main_domain must be a domain name, got {main_domain!r}"))
    items = data.get("mirrors") or []
    if not isinstance(items, list):
        raise MirrorListError(path, [(1, "'mirrors' must be a list")])
    lines = _item_lines(text)
    mirrors, seen = [], {}
    for index, raw in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        item_problems = check_mirror(raw)
        problems.extend((line if at is None else at, message) for at, message in item_problems)
        if item_problems:
            continue
        url = str(raw["url"])
        if url in seen:
            problems.append((line, f"mirror {url} is listed twice (first on line {seen[url]})"))
            continue
        seen[url] = line
        mirrors.append(Mirror(url=url, kind=raw["kind"], added=raw["added"],
                              official=raw.get("official", False), note=raw.get("note") or "",
                              updated=raw.get("updated"), line=line))
    if problems:
        raise MirrorListError(path, problems)
    return MirrorList(mirrors, str(data.get("main_domain") or ""))


def load_mirrors(path):
    """The MirrorList in `path`; an empty one when the file does not exist."""
    if not os.path.isfile(path):
        return MirrorList()
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise MirrorListError(path, [(1, f"cannot read the file: {exc}")]) from exc
    return parse(text, path)
