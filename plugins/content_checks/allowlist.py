"""What a page may contain: an allowlist over the HTML that Markdown rendered.

Patterns over the Markdown source can never be complete: case, entities,
line breaks inside tags, attr_list, md_in_html and HTML's own error recovery
all change what the browser finally builds.  So the guarantee comes from the
HTML itself, parsed by a WHATWG HTML5 parser (Lexbor, the algorithm browsers
implement), in the place the theme puts it (inside <body>): every element,
attribute and URL must be on the lists below, and whatever is not listed is
refused, including markup nobody thought of.

Pure: HTML in, findings out.  ``Locator`` finds the source line of a
finding; checks.py wires both into the rules.
"""

import bisect
import re
import secrets
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

# Element -> attributes it may carry.  The text and structure that
# Python-Markdown and its `extra` extension (tables, fenced code, footnotes,
# abbr, attr_list, def_list, md_in_html) produce, images, and the inline
# elements an editor pasting HTML commonly writes.  None of them loads,
# runs, submits or embeds anything: the only URLs are a/href (navigation,
# on click) and img/src (site files only, see URL_RULES).
HEADING = frozenset({"id"})  # attr_list {#anchor}, the target of a #fragment link
ALLOWED = {
    "p": frozenset(), "br": frozenset(), "hr": frozenset(),
    "h1": HEADING, "h2": HEADING, "h3": HEADING, "h4": HEADING, "h5": HEADING, "h6": HEADING,
    "em": frozenset(), "strong": frozenset(), "b": frozenset(), "i": frozenset(), "u": frozenset(),
    "s": frozenset(), "del": frozenset(), "ins": frozenset(), "small": frozenset(), "mark": frozenset(),
    "sub": frozenset(), "q": frozenset(), "cite": frozenset(), "kbd": frozenset(), "samp": frozenset(),
    "var": frozenset(), "span": frozenset(),
    "code": frozenset({"class"}),  # fenced code: class="language-python"
    "pre": frozenset(),
    "blockquote": frozenset(),
    "ul": frozenset(), "ol": frozenset({"start"}), "li": frozenset({"id"}),  # footnotes: <li id="fn:1">
    "dl": frozenset(), "dt": frozenset(), "dd": frozenset(),
    "a": frozenset({"href", "title", "class"}),  # footnotes: class="footnote-ref" / "footnote-backref"
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "table": frozenset(), "caption": frozenset(), "thead": frozenset(), "tbody": frozenset(), "tfoot": frozenset(),
    "tr": frozenset(),
    # Markdown tables align columns with align= (pelicanconf.py): no style
    # attribute anywhere, the pages' CSP would block it anyway.
    "th": frozenset({"align", "colspan", "rowspan"}), "td": frozenset({"align", "colspan", "rowspan"}),
    "sup": frozenset({"id"}),  # footnote reference: <sup id="fnref:1">
    "abbr": frozenset({"title"}),
    "div": frozenset({"class"}),  # footnotes: <div class="footnote">; md_in_html: a plain <div>
    "figure": frozenset(), "figcaption": frozenset(),
    # The document the parser builds around the content.  Attributes on them
    # can only come from a stray <body ...> or <html ...> in the content,
    # which browsers merge into the page's own element.
    "html": frozenset(), "head": frozenset(), "body": frozenset(),
}
# A language tag may go on any element: Chinese in an English page needs
# lang= for the right glyphs (Hong Kong and mainland forms differ).
GLOBAL = frozenset({"lang"})
# Foreign content: one message for the <svg>/<math>, none for what is inside.
FOREIGN = frozenset({"svg", "math"})

NUMBER_RE = re.compile(r"^[0-9]{1,4}$")
VALUES = {
    # attribute -> (pattern of the allowed values, what they may be)
    ("code", "class"): (re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$"), "language-NAME, as fenced code writes it"),
    ("a", "class"): (re.compile(r"^footnote-(?:ref|backref)$"),
                     "footnote-ref or footnote-backref, as footnotes write it"),
    ("div", "class"): (re.compile(r"^footnote$"), "footnote, as footnotes write it"),
    ("th", "align"): (re.compile(r"^(?:left|right|center)$"), "left, right or center"),
    ("td", "align"): (re.compile(r"^(?:left|right|center)$"), "left, right or center"),
    ("th", "colspan"): (NUMBER_RE, "a number"), ("th", "rowspan"): (NUMBER_RE, "a number"),
    ("td", "colspan"): (NUMBER_RE, "a number"), ("td", "rowspan"): (NUMBER_RE, "a number"),
    ("ol", "start"): (re.compile(r"^-?[0-9]{1,9}$"), "a number"),
    ("img", "width"): (NUMBER_RE, "a number of pixels"), ("img", "height"): (NUMBER_RE, "a number of pixels"),
    ("*", "lang"): (re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$"), "a language tag such as zh-Hant"),
}
# Attributes holding a URL, and which kind: a link may leave the site (on a
# reader's click); a resource is fetched by the browser, so only files of
# the site are allowed.
URL_RULES = {("a", "href"): "link", ("img", "src"): "resource"}
LINK_SCHEMES = ("http", "https", "mailto")
# Pelican replaces these at the start of a URL by the URL of a site file.
INDICATORS = ("static", "filename", "attach")
INDICATOR_RE = re.compile(r"^[{|]([^}|]*)[}|]")
SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# How browsers read a URL: C0 controls and spaces around it are dropped, tabs
# and line breaks inside it too (so "java\tscript:" is "javascript:").
URL_TRIM = "".join(chr(c) for c in range(0x21))
URL_DROP = str.maketrans("", "", "\t\n\r")
# Elements nested deeper than this are refused (limits.py bounds the Markdown
# side; this bounds raw HTML, which Markdown passes through).
MAX_DEPTH = 100

REASONS = {
    "script": "the site runs no scripts",
    "noscript": "the site runs no scripts",
    "meta": "the page would act on it: a refresh can take readers to another site",
    "base": "it would change where every link of the page goes",
    "link": "it loads files, such as style sheets, from other hosts",
    "style": "styles can load files from other hosts and change the whole page",
    "iframe": "it embeds a page from elsewhere; link to it instead",
    "frame": "it embeds a page from elsewhere; link to it instead",
    "frameset": "it embeds pages from elsewhere; link to them instead",
    "object": "it embeds content from elsewhere; link to it instead",
    "embed": "it embeds content from elsewhere; link to it instead",
    "portal": "it embeds a page from elsewhere; link to it instead",
    "fencedframe": "it embeds a page from elsewhere; link to it instead",
    "applet": "it embeds a program",
    "form": "the site has no forms: what readers type must not be sent anywhere",
    "input": "the site has no forms: what readers type must not be sent anywhere",
    "button": "the site has no forms: what readers type must not be sent anywhere",
    "select": "the site has no forms: what readers type must not be sent anywhere",
    "textarea": "the site has no forms: what readers type must not be sent anywhere",
    "video": "media would load from elsewhere; link to the file instead",
    "audio": "media would load from elsewhere; link to the file instead",
    "source": "media would load from elsewhere; link to the file instead",
    "track": "media would load from elsewhere; link to the file instead",
    "picture": "image variants can load from elsewhere; use one image: ![What it shows]({static}file.jpg)",
    "svg": "inline SVG can carry scripts and links; save the picture as a file and show it with "
           "![What it shows]({static}file.svg)",
    "math": "MathML can carry links and scripts",
    "template": "the site runs no scripts that could use it",
    "title": "the page has its own title; use the Title field",
}
ATTRIBUTE_REASONS = {
    "style": "inline styles can load files from other hosts, and the pages' security policy blocks them",
    "srcset": "it loads other image files; one image per picture, with src and {static}",
    "target": "links open in the same tab",
    "formaction": "the site has no forms",
    "ping": "it reports the click to another address",
}


@dataclass(frozen=True)
class Finding:
    """One thing outside the allowlist, with what is needed to find its line."""

    message: str
    tag: str
    attribute: str | None = None
    value: str | None = None  # as the parser decoded it
    last: bool = False  # locate the last `<tag` of the source (an element left open)


@dataclass(frozen=True)
class SiteLink:
    """A {static}/{filename}/{attach} URL: checks.py resolves its target on disk."""

    kind: str  # static, filename, attach
    target: str  # what follows the indicator, as the parser decoded it
    tag: str
    attribute: str
    value: str


@dataclass(frozen=True)
class Report:
    findings: tuple
    site_links: tuple


def shown(text, limit=60):
    """Text for a message: cut, with control and invisible characters escaped."""
    cut = text[:limit]
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in cut)


def browser_url(value):
    """The URL as a browser reads the attribute value (already entity-decoded)."""
    return value.strip(URL_TRIM).translate(URL_DROP)


def url_finding(tag, attribute, value, kind):
    """(Finding or None, SiteLink or None) for one URL attribute."""
    url = browser_url(value)
    what = "link" if kind == "link" else f"<{tag} {attribute}=\"{shown(value)}\">"
    indicator = INDICATOR_RE.match(url)
    if indicator:
        name = indicator.group(1)
        if name not in INDICATORS:
            return Finding(f"{'link' if kind == 'link' else what} '{shown(value)}' starts like a link inside the "
                           f"site but '{shown(indicator.group(0))}' is not one; write {{filename}}path-to-page.md "
                           "or {static}path-to-file", tag, attribute, value), None
        target = url[indicator.end():]
        if SCHEME_RE.match(target) or re.match(r"^[/\\]{2}", target) or "\\" in target:
            return Finding(f"{{{name}}} must be followed by the path of a file of the site, not an address or a "
                           f"backslash: '{shown(value)}'; write e.g. {{{name}}}../statements/other.en.md",
                           tag, attribute, value), None
        return None, SiteLink(name, target, tag, attribute, value)
    scheme = SCHEME_RE.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if kind == "link":
            if name in LINK_SCHEMES:
                return None, None
            return Finding(f"link '{shown(value)}' uses {shown(name)}:, which is not allowed; use an https:// "
                           "(or http://, mailto:) address or a link inside the site", tag, attribute, value), None
        return Finding(f"{what} loads from {'another host' if name in ('http', 'https') else name + ':'}; "
                       "readers must never load anything from elsewhere: save the file under content/ and link "
                       "it with {static}", tag, attribute, value), None
    if re.match(r"^[/\\]{2}", url):
        if kind == "link":
            return Finding(f"link '{shown(value)}' starts with two slashes (another host, whatever the page's "
                           "scheme); write the full https:// address", tag, attribute, value), None
        return Finding(f"{what} loads from another host (it starts with two slashes); save the file under "
                       "content/ and link it with {static}", tag, attribute, value), None
    if url.startswith(("/", "\\")):
        return Finding(f"{'link' if kind == 'link' else what} '{shown(value)}' starts with /, which leaves the "
                       "copy when the site is served under a sub-path; link files of the site with "
                       "{filename}/... or {static}/...", tag, attribute, value), None
    return None, None


DOCUMENT = frozenset({"html", "head", "body"})


def attribute_findings(tag, attributes):
    allowed = ALLOWED[tag] if tag in DOCUMENT else ALLOWED[tag] | GLOBAL
    for name, value in attributes.items():
        if name not in allowed:
            if name.startswith("on"):
                reason = "it would run a script; the site runs none"
            elif tag in DOCUMENT:
                reason = f"the browser would add it to the page's own <{tag}>"
            else:
                reason = ATTRIBUTE_REASONS.get(name)
                if reason is None:
                    names = ", ".join(sorted(allowed))
                    reason = f"the attributes allowed on <{tag}> are {names}"
            yield Finding(f"attribute {shown(name)}= on <{tag}> is not allowed in content ({reason}); remove it",
                          tag, name, value), None
            continue
        if (tag, name) in URL_RULES:
            yield url_finding(tag, name, value or "", URL_RULES[(tag, name)])
            continue
        rule = VALUES.get((tag, name)) or VALUES.get(("*", name))
        if rule and not rule[0].match(value or ""):
            yield Finding(f"{name}=\"{shown(value or '')}\" on <{tag}> is not allowed in content; the value must "
                          f"be {rule[1]}: change or remove it", tag, name, value), None


def element_finding(tag):
    reason = REASONS.get(tag)
    if reason:
        message = f"<{shown(tag)}> is not allowed in content ({reason}); remove it"
    else:
        message = (f"<{shown(tag)}> is not allowed in content (only text, links, lists, tables, quotes, code and "
                   "images of the site are); remove it or write it in Markdown")
    return Finding(message, tag)


def _walk(root):
    """(node, depth) for every element or comment under root, in document order, without recursion."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        if node.tag in FOREIGN:
            continue
        # Text is never outside the allowlist: only elements (and comments)
        # are visited, listed by the parser itself, which is several times
        # faster than stepping through every child in Python.
        stack.extend((child, depth + 1) for child in reversed(list(node.iter(include_text=False))))


def inspect(html):
    """Report of everything in `html` (a fragment for inside <body>) outside the allowlist."""
    # Parsed where the theme puts it; an element after it must come out as
    # the body's last child, or the content would swallow the rest of the
    # page (an unclosed comment, quote, tag or element).  Random, so that
    # content cannot forge it.
    mark = "end-" + secrets.token_hex(8)
    document = LexborHTMLParser(f'<!DOCTYPE html><html><head></head><body>{html}<p id="{mark}"></p></body></html>')
    findings = []
    links = []
    deep = None
    end = None
    for node, depth in _walk(document.root):
        tag = node.tag
        if tag in ("-text", "-comment"):
            continue
        if tag == "p" and node.attributes.get("id") == mark:
            end = node
            continue
        if tag not in ALLOWED:
            findings.append(element_finding(tag))
        else:
            for finding, link in attribute_findings(tag, node.attributes):
                if finding:
                    findings.append(finding)
                if link:
                    links.append(link)
        # Depth 0 is <html>, 1 <body>: the content's own elements start at 2.
        if depth - 2 > MAX_DEPTH and deep is None:
            deep = Finding(f"elements are nested more than {MAX_DEPTH} deep here (<{shown(tag)}> inside "
                           f"{depth - 2} others); flatten the HTML", tag)
    if deep:
        findings.append(deep)
    findings.extend(_closing_findings(document, end))
    return Report(tuple(findings), tuple(links))


def _closing_findings(document, end):
    if end is None:
        return [Finding("the HTML is left open at the end (an unclosed <!-- comment, tag or quote): it would hide "
                        "the rest of the page; close it", "<", last=True)]
    if end.parent is None or end.parent.tag != "body":
        tag = end.parent.tag if end.parent is not None else "?"
        return [Finding(f"<{shown(tag)}> is not closed, so the rest of the page would be inside it; close it "
                        f"with </{shown(tag)}>", tag, last=True)]
    after = end.next
    while after is not None and after.tag in ("-text", "-comment"):
        after = after.next
    if after is not None:
        # An open <table> pushes what follows it in front of it.
        return [Finding(f"<{shown(after.tag)}> is not closed, so the rest of the page would be pulled into it; "
                        f"close it with </{shown(after.tag)}>", after.tag, last=True)]
    return []


class Locator:
    """Finds the source line of a finding by searching the text for its element, attribute or URL.

    `lines` are the file's lines, `start` the first body line, `masked` the
    body lines with code blanked ({line number: text}, same lengths): a
    match there is preferred, since code is shown as text and is not where
    an element comes from.  Findings are located in document order; each
    search starts after the previous match and wraps around (footnotes and
    reference definitions render away from where they are written).
    """

    def __init__(self, lines, start, masked):
        body = lines[start - 1:]
        self.start = start
        self.raw = "\n".join(body)
        self.masked = "\n".join(masked.get(number, " " * len(line)) for number, line in enumerate(body, start))
        self.offsets = []
        offset = 0
        for line in body:
            self.offsets.append(offset)
            offset += len(line) + 1
        self.cursor = 0
        # Where exactness is impossible: the first line of the body's text.
        self.first = next((n for n, line in enumerate(body, start) if line.strip()), start)

    def line_at(self, position):
        return self.start + bisect.bisect_right(self.offsets, position) - 1

    def _search(self, pattern, origin=None):
        origin = self.cursor if origin is None else origin
        for text in (self.masked, self.raw):
            for begin in (origin, 0):
                match = pattern.search(text, begin)
                if match:
                    return match.start()
        return None

    def _search_value(self, value):
        """Where a decoded value is written: whole, or else its first piece written
        as is (the rest may be entities, `&#x61;` for `a`)."""
        position = self._search(re.compile(re.escape(value[:40]), re.I))
        if position is None:
            for begin in range(0, min(max(len(value) - 8, 0), 32) + 1, 4):
                position = self._search(re.compile(re.escape(value[begin:begin + 8]), re.I))
                if position is not None:
                    break
        return position

    def _last(self, pattern):
        for text in (self.masked, self.raw):
            found = None
            for found in pattern.finditer(text):
                pass
            if found:
                return found.start()
        return None

    def line_of_text(self, text):
        """The line where `text` first occurs (case-insensitive), or the first body line."""
        position = self._search(re.compile(re.escape(text.strip()[:40]), re.I), 0) if text.strip() else None
        return self.line_at(position) if position is not None else self.first

    def line(self, finding):
        tag = re.compile("<" + re.escape(finding.tag) + r"(?![A-Za-z0-9-])", re.I)
        if finding.last:
            position = self._last(tag if finding.tag != "<" else re.compile("<"))
            return self.line_at(position) if position is not None else self.first
        position = None
        if finding.value and finding.attribute in ("href", "src") and finding.value.strip():
            position = self._search_value(finding.value.strip())
        if position is None and finding.attribute:
            name = re.compile(r"(?<![\w-])" + re.escape(finding.attribute) + r"(?![\w-])", re.I)
            element = self._search(tag)
            if element is not None:
                # The attribute inside the tag, which may go on over lines.
                match = name.search(self.raw, element, element + 2000)
                if match and ">" not in self.raw[element:match.start()]:
                    position = match.start()
            if position is None:
                position = self._search(name)
        if position is None:
            position = self._search(tag)
        if position is None:
            return self.line_at(self.cursor) if self.cursor else self.first
        self.cursor = position + 1
        return self.line_at(position)
