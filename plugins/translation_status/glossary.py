"""One term per concept: each language's glossary and the words it avoids.

`translations/<locale>/glossary.toml` lists, for one language of the table,
the term the site uses for a concept and the words it does not use for it:

    [[term]]
    concept = "to follow an account on social media"
    use = "追蹤"
    avoid = ["關注"]

`findings` looks for every avoided word in that language's content (titles,
summaries, text outside code) and in its theme catalog, and names each
place as `path:line`.  A match that overlaps the used term does not count
(本運動宣傳資料 uses 本運動, though it contains 運動宣傳資料).  Words in Latin
script match whole words, in any case; others match anywhere.
"""

import functools
import os
import re
import tomllib

from sitecore.model import display_path, lines_of, scan_metadata

GLOSSARY_FILE = "glossary.toml"
TERM_KEYS = {"concept", "use", "avoid"}
# Metadata fields whose text readers see.
TEXT_FIELDS = ("title", "summary", "event-location", "event-city", "event-organiser")


class GlossaryError(ValueError):
    """A glossary file cannot be read; the message names the file (and line)."""


def glossary_path(settings, code):
    return os.path.join(settings["TRANSLATIONS_PATH"], settings["LANGUAGES"][code]["locale"], GLOSSARY_FILE)


def load(path):
    """[{"concept", "use", "avoid"}] of one glossary file; [] when it does not exist."""
    if not os.path.isfile(path):
        return []
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not UTF-8") from exc
    unknown = set(data) - {"term"}
    if unknown:
        raise GlossaryError(f"{path}: unknown table {sorted(unknown)[0]!r}; write each entry as [[term]]")
    terms = []
    for number, entry in enumerate(data.get("term", []), start=1):
        where = f"{path}: term {number}"
        if not isinstance(entry, dict) or set(entry) - TERM_KEYS:
            extra = sorted(set(entry) - TERM_KEYS) if isinstance(entry, dict) else []
            raise GlossaryError(f"{where}: unknown key {extra[0]!r} (the keys are concept, use, avoid)" if extra
                                else f"{where}: must be a table")
        if not isinstance(entry.get("use"), str) or not entry["use"].strip():
            raise GlossaryError(f"{where}: `use` must be the term the site uses, as text")
        avoid = entry.get("avoid", [])
        if not isinstance(avoid, list) or not all(isinstance(word, str) and word.strip() for word in avoid):
            raise GlossaryError(f"{where}: `avoid` must be a list of words, e.g. avoid = [\"關注\"]")
        terms.append({"concept": str(entry.get("concept", "")), "use": entry["use"], "avoid": avoid})
    return terms


@functools.lru_cache(maxsize=None)
def pattern(word):
    """Whole words for Latin script (case-insensitive), anywhere otherwise."""
    escaped = re.escape(word)
    if re.match(r"[A-Za-zÀ-ɏ]", word[0]) and re.match(r"[A-Za-zÀ-ɏ]", word[-1]):
        return re.compile(rf"(?<!\w){escaped}(?!\w)", re.I)
    return re.compile(escaped)


def matches(text, term):
    """(avoided word, column) in one line, leaving out matches inside the used term."""
    used = [(m.start(), m.end()) for m in pattern(term["use"]).finditer(text)]
    for word in term["avoid"]:
        for match in pattern(word).finditer(text):
            if not any(start < match.end() and match.start() < end for start, end in used):
                yield match.group(0), match.start()


def content_lines(source):
    """(line, text) a reader sees of one content file: text fields and the body outside code."""
    lines = lines_of(source.text)
    metadata, _consumed = scan_metadata(source.text)
    for key, (_value, number) in metadata.items():
        if key in TEXT_FIELDS:
            yield number, lines[number - 1].split(":", 1)[-1]  # the value, not the field's name
    yield from source.body_lines()


def catalog_lines(settings, code):
    """(path shown, line, text) of every translation in the language's catalog."""
    from babel.messages.pofile import read_po

    from multilang.multilang import catalog_path

    path = catalog_path(settings, code)
    if not os.path.isfile(path):
        return
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    shown = os.path.relpath(path, os.path.dirname(os.path.abspath(settings["PATH"])))
    for message in catalog:
        if message.id and message.string:
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            for text in strings:
                yield shown, message.lineno or 1, text


def findings(settings, model):
    """[{path, line, lang, word, use, concept}] for every avoided word, in the table's order.

    GlossaryError (a broken glossary) becomes one finding naming the file.
    """
    found = []
    for code in settings["LANGUAGES"]:
        path = glossary_path(settings, code)
        try:
            terms = load(path)
        except GlossaryError as exc:
            found.append({"path": display_path(path, settings), "line": 1, "lang": code, "word": "",
                          "use": "", "concept": "", "message": str(exc)})
            continue
        if not terms:
            continue
        places = [(source.path, number, text) for source in model.sources if source.lang == code
                  for number, text in content_lines(source)]
        places += list(catalog_lines(settings, code))
        # Every build reads every line: most hold no avoided word at all,
        # which a plain (case-folded) substring test tells cheaply.
        words = {word.casefold() for term in terms for word in term["avoid"]}
        for shown, number, text in places:
            folded = text.casefold()
            if not any(word in folded for word in words):
                continue
            for term in terms:
                for word, _column in matches(text, term):
                    found.append({"path": shown, "line": number, "lang": code, "word": word,
                                  "use": term["use"], "concept": term["concept"],
                                  "message": f"{word!r}: this language's glossary uses {term['use']!r}"
                                             + (f" for {term['concept']}" if term["concept"] else "")})
    return found


HEADER_PLACEHOLDERS = ("FULL NAME", "EMAIL@ADDRESS", "LL@li.org", "ORGANIZATION", "FIRST AUTHOR", "VERSION",
                       "YEAR", "PACKAGE")


def header_placeholders(path):
    """The template placeholders left in a catalog's header (comments and the header entry)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    header = text.split('\n\nmsgid "', 1)[0] if '\n\nmsgid "' in text else text
    return [word for word in HEADER_PLACEHOLDERS if re.search(rf"\b{re.escape(word)}\b", header)]
