"""The conversion itself: OpenCC plus the project's word list."""

import logging
import os
import re

from sitecore import plugin_config

logger = logging.getLogger(__name__)

DEFAULTS = {
    # target language code -> {"from": source language code, "config": OpenCC config}
    "targets": {},
    # the word list (see load_terms); "" for none
    "terms": "",
}

# OpenCC configurations that write Simplified: the word list's right-hand side.
TO_SIMPLIFIED = re.compile(r"^(?:hk|tw|t)2s")


class TermsError(ValueError):
    """The word list has a line that cannot be read."""


def config(settings):
    conf = plugin_config(settings, "ZH_CONVERT", DEFAULTS)
    # A site whose language table lacks one side of a pair converts nothing there.
    languages = settings.get("LANGUAGES", {})
    conf["targets"] = {
        target: spec for target, spec in conf["targets"].items()
        if target in languages and spec.get("from") in languages
    }
    return conf


def load_terms(path):
    """Read the word list: [(traditional, simplified)], in file order.

    Format, one entry per line (UTF-8; `#` starts a comment; blank lines ignored):

        網上 = 网上        a term: Traditional on the left, Simplified on the right
        梁國雄             a name kept exactly as written, in both directions

    Converting to Simplified replaces each left side by its right side before
    OpenCC sees the text, and the reverse when converting to Traditional.
    """
    if not path:
        return []
    terms = []
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise TermsError(f"{path}: cannot read the word list ({exc}); save it as UTF-8") from exc
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "=" in line:
            left, _sep, right = line.partition("=")
            left, right = left.strip(), right.strip()
            if not left or not right or "=" in right:
                raise TermsError(f"{path}:{number}: write `Traditional = Simplified`, or one name alone")
        else:
            left = right = line
        terms.append((left, right))
    return terms


class Converter:
    """Convert text with one OpenCC configuration and the word list."""

    def __init__(self, opencc_config, terms=()):
        import opencc

        self.opencc = opencc.OpenCC(opencc_config)
        to_simplified = bool(TO_SIMPLIFIED.match(opencc_config))
        pairs = [(t, s) if to_simplified else (s, t) for t, s in terms]
        # Longest first, so that a longer term wins over one it contains.
        self.pairs = sorted(pairs, key=lambda pair: -len(pair[0]))
        if self.pairs:
            self.pattern = re.compile("|".join(re.escape(source) for source, _ in self.pairs))
            self.lookup = dict(self.pairs)
        else:
            self.pattern = None

    def __call__(self, text):
        if not text:
            return text
        kept = []

        def protect(match):
            kept.append(self.lookup[match.group(0)])
            # Private-use characters: OpenCC leaves them alone.
            return "\ue000" + "".join(chr(0xE010 + int(d)) for d in str(len(kept) - 1)) + "\ue001"

        if self.pattern is not None:
            text = self.pattern.sub(protect, text)
        text = self.opencc.convert(text)
        if kept:
            text = re.sub(
                "\ue000([\ue010-\ue019]+)\ue001",
                lambda m: kept[int("".join(str(ord(c) - 0xE010) for c in m.group(1)))],
                text,
            )
        return text


TAG_RE = re.compile(r"(<[^>]*>)")
TEXT_ATTR_RE = re.compile(r"""(\b(?:alt|title|aria-label)\s*=\s*)("[^"]*"|'[^']*')""", re.I)


def convert_html(convert, html):
    """Convert the text of an HTML fragment, not its markup.

    Link targets and file names stay as written (a converted `{static}圖片.png`
    would name a file that does not exist); text, and the alt, title and
    aria-label attributes that readers see or hear, are converted.
    """
    if not html:
        return html
    parts = TAG_RE.split(html)
    for index, part in enumerate(parts):
        if index % 2:
            parts[index] = TEXT_ATTR_RE.sub(lambda m: m.group(1) + convert(m.group(2)), part)
        else:
            parts[index] = convert(part)
    return "".join(parts)


def conversion_plan(pieces, settings):
    """{target language: {absolute source path: source language}}.

    A piece is converted into a target language only when it has no file in
    that language (a human translation always wins) and has one in the
    target's source language.
    """
    plan = {}
    for target, spec in config(settings)["targets"].items():
        for versions in pieces.values():
            if target not in versions and spec.get("from") in versions:
                plan.setdefault(target, {})[os.path.abspath(versions[spec["from"]].abs_path)] = spec["from"]
    return plan
