"""Safe output by construction: the allowlist over the rendered HTML, limits, paths.

- Hostile content files (tests/fixtures/allowlist/hostile/, one class of
  trick each) get their exact `path:line: message`.
- hypothesis writes hostile HTML and Markdown, renders it with the build's
  own Markdown (sitecore.render) and checks that whatever the validator
  ACCEPTS contains nothing outside an allowlist written again here, checked
  on html5lib's tree (a second, independent HTML5 parser).
- Deep nesting, symlinks and targets outside the content folder through
  the real build and `invoke check`: exit 1, the message, no traceback.
- Chromium opens a site built from accepted hostile-looking input: no
  request to another host, no console error, no navigation away.
"""

import os
import re
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import html5lib
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "plugins"))
from content_checks import allowlist, limits  # noqa: E402
from content_checks.checks import check_all  # noqa: E402
from pelican.settings import read_settings  # noqa: E402
from sitecore.render import rendered  # noqa: E402
from test_browser import PREFIX, MirrorHandler, browser, open_page  # noqa: E402,F401  (browser: a fixture)

HOSTILE = FIXTURES / "allowlist" / "hostile"
ACCEPTED = FIXTURES / "allowlist" / "accepted" / "content"
S = "content/statements/s.en.md"
BASE_SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
PNG = (ACCEPTED / "statements" / "dot.png").read_bytes()

FORMS = "the site has no forms: what readers type must not be sent anywhere"
NOT_LISTED = "only text, links, lists, tables, quotes, code and images of the site are"
META = ("<meta> is not allowed in content (the page would act on it: a refresh can take readers to another site); "
        "remove it")
LINK = "<link> is not allowed in content (it loads files, such as style sheets, from other hosts); remove it"
STYLE_ATTR = ("attribute style= on <span> is not allowed in content (inline styles can load files from other hosts, "
              "and the pages' security policy blocks them); remove it")
HANDLER = "is not allowed in content (it would run a script; the site runs none); remove it"


def scheme(url, name):
    return (f"link '{url}' uses {name}:, which is not allowed; use an https:// (or http://, mailto:) address or a "
            "link inside the site")


def from_host(src, how="another host; readers must never load anything from elsewhere"):
    return f"<img src=\"{src}\"> loads from {how}: save the file under content/ and link it with {{static}}"


CASES = {
    "meta-refresh": [f"{S}:8: {META}"],
    "link-stylesheet": [f"{S}:8: {LINK}"],
    "style-element": [f"{S}:6: <style> is not allowed in content (styles can load files from other hosts and change "
                      "the whole page); remove it"],
    "style-attribute": [f"{S}:6: {STYLE_ATTR}"],
    # Even the form Markdown tables once wrote: tables write align= now.
    "style-on-table-cell": [f"{S}:6: {STYLE_ATTR.replace('<span>', '<td>')}"],
    "srcset": [f"{S}:6: attribute srcset= on <img> is not allowed in content (it loads other image files; one image "
               "per picture, with src and {static}); remove it"],
    "picture-source": [f"{S}:6: <picture> is not allowed in content (image variants can load from elsewhere; use one "
                       "image: ![What it shows]({static}file.jpg)); remove it",
                       f"{S}:7: <source> is not allowed in content (media would load from elsewhere; link to the file "
                       "instead); remove it"],
    "video-poster": [f"{S}:6: <video> is not allowed in content (media would load from elsewhere; link to the file "
                     "instead); remove it"],
    "audio": [f"{S}:8: <audio> is not allowed in content (media would load from elsewhere; link to the file instead); "
              "remove it"],
    # The source rules skip indented lines after a blank line (code, for them);
    # in a list item they are markup.
    "embed-in-list": [f"{S}:8: <embed> is not allowed in content (it embeds content from elsewhere; link to it "
                      "instead); remove it"],
    # Found by the source rule on the same line: its message, no second one.
    "iframe-in-md-in-html": [f"{S}:9: <iframe> is not allowed in content: the site runs no scripts and embeds "
                             "nothing from other hosts; remove it (link to the page instead)"],
    "svg-animate": [f"{S}:6: <svg> is not allowed in content (inline SVG can carry scripts and links; save the "
                    "picture as a file and show it with ![What it shows]({static}file.svg)); remove it"],
    "math": [f"{S}:6: <math> is not allowed in content (MathML can carry links and scripts); remove it"],
    "form": [f"{S}:6: <form> is not allowed in content ({FORMS}); remove it",
             f"{S}:7: <input> is not allowed in content ({FORMS}); remove it",
             f"{S}:8: <button> is not allowed in content ({FORMS}); remove it"],
    "base-href": [f"{S}:6: <base> is not allowed in content (it would change where every link of the page goes); "
                  "remove it"],
    "javascript-case-entity": [f"{S}:6: {scheme('JaVaScript:alert(1)', 'javascript')}"],
    "javascript-named-entity": [f"{S}:6: {scheme('javascript:alert(1)', 'javascript')}"],
    "vbscript-tab": [f"{S}:6: {scheme('vb' + chr(92) + 'tscript:msgbox(1)', 'vbscript')}"],
    "javascript-zero-padded-tab": [f"{S}:6: {scheme('java' + chr(92) + 'tscript:alert(1)', 'javascript')}"],
    "javascript-leading-space-entity": [f"{S}:6: {scheme(' javascript:alert(1)', 'javascript')}"],
    "data-image-split": [f"{S}:7: " + from_host("da\\nta:image/png;base64,iVBORw0KGgo=",
                                                "data:; readers must never load anything from elsewhere")],
    "backslash-host-image": [f"{S}:7: <img src=\"\\\\evil.example\\x.png\"> loads from another host (it starts with "
                             "two slashes); save the file under content/ and link it with {static}"],
    "slash-backslash-image": [f"{S}:7: <img src=\"/\\evil.example/x.png\"> loads from another host (it starts with "
                              "two slashes); save the file under content/ and link it with {static}"],
    "protocol-relative-link": [f"{S}:6: link '//evil.example/page' starts with two slashes (another host, whatever "
                               "the page's scheme); write the full https:// address"],
    "root-relative-link": [f"{S}:6: link '/other/page.html' starts with /, which leaves the copy when the site is "
                           "served under a sub-path; link files of the site with {filename}/... or {static}/..."],
    "slash-onclick": [f"{S}:6: attribute onclick= on <a> {HANDLER}"],
    "attribute-split": [f"{S}:7: attribute onmouseover= on <a> {HANDLER}"],
    "tag-split-in-list": [f"{S}:7: " + from_host("https://evil.example/x.png")],
    "html-in-blockquote": [f"{S}:8: {META}"],
    "html-in-table": [f"{S}:8: {STYLE_ATTR}"],
    "html-in-footnote": [f"{S}:8: {LINK}"],
    "attr-list-handler": [f"{S}:7: attribute onclick= on <h2> {HANDLER}"],
    # attr_list writes `.name`: the attribute is not in the text, the paragraph's first line is.
    "attr-list-class": [f"{S}:6: attribute class= on <p> is not allowed in content (the attributes allowed on <p> "
                        "are lang); remove it"],
    # `<!-->` is a whole (empty) comment in HTML5: what follows is markup.
    "empty-comment": [f"{S}:6: {META}"],
    # Outside SVG, `<![CDATA[` is a bogus comment that ends at the first `>`.
    "cdata": [f"{S}:6: {META}"],
    "noscript": [f"{S}:6: <noscript> is not allowed in content (the site runs no scripts); remove it"],
    "template": [f"{S}:6: <template> is not allowed in content (the site runs no scripts that could use it); "
                 "remove it"],
    "target-blank": [f"{S}:6: attribute target= on <a> is not allowed in content (links open in the same tab); "
                     "remove it"],
    "ping": [f"{S}:6: attribute ping= on <a> is not allowed in content (it reports the click to another address); "
             "remove it"],
    # The browser merges a stray <html ...> into the page's own element.
    "html-manifest": [f"{S}:6: attribute manifest= on <html> is not allowed in content (the browser would add it to "
                      "the page's own <html>); remove it"],
    "unknown-element": [f"{S}:6: <marquee> is not allowed in content ({NOT_LISTED}); remove it or write it in "
                        "Markdown"],
    "unclosed-table": [f"{S}:8: <td> is not closed, so the rest of the page would be inside it; close it with </td>"],
    "plaintext": [f"{S}:8: <plaintext> is not allowed in content ({NOT_LISTED}); remove it or write it in Markdown",
                  f"{S}:8: the HTML is left open at the end (an unclosed <!-- comment, tag or quote): it would hide "
                  "the rest of the page; close it"],
    "summary-script": [f"{S}:5: in the Summary: <script> is not allowed in content (the site runs no scripts); "
                       "remove it"],
    "summary-link": [f"{S}:5: in the Summary: {scheme('javascript:alert(1)', 'javascript')}"],
    # The source rule already names the target (it stops at the bracket).
    "static-scheme": [f"{S}:6: {{static}}javascript:alert(1 does not exist; the path is relative to this file's "
                      "folder (or to content/ when it starts with /): fix it or add the file"],
    "usemap": [f"{S}:6: attribute usemap= on <img> is not allowed in content (the attributes allowed on <img> are "
               "alt, height, lang, src, title, width); remove it",
               f"{S}:7: <area> is not allowed in content ({NOT_LISTED}); remove it or write it in Markdown",
               f"{S}:7: <map> is not allowed in content ({NOT_LISTED}); remove it or write it in Markdown"],
}


def content_with(tmp_path, text, name="s.en.md"):
    """A content folder holding one statement (and a picture it may show)."""
    folder = tmp_path / "content" / "statements"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "photo.png").write_bytes(PNG)
    return tmp_path / "content"


def problems(content, **extra):
    conf = {**BASE_SETTINGS, "PATH": str(content), **extra}
    return [str(p) for p in sorted(set(check_all(conf)))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_is_refused_with_its_message(tmp_path, name):
    text = (HOSTILE / f"{name}.md").read_text(encoding="utf-8")
    assert problems(content_with(tmp_path, text)) == CASES[name]


def test_every_hostile_fixture_has_a_case():
    assert sorted(p.stem for p in HOSTILE.glob("*.md")) == sorted(CASES)


def test_accepted_fixture_has_no_problems():
    """Code blocks and spans, entities, comments and every allowed construct pass."""
    assert problems(ACCEPTED) == []


def test_code_is_text_for_the_parser():
    """The forbidden markup inside code reaches the browser as text, not as elements."""
    html = rendered(str(ACCEPTED / "statements" / "code.en.md"), BASE_SETTINGS).content
    assert "&lt;script&gt;" in html and "&lt;meta http-equiv=" in html and "&lt;iframe" in html
    assert allowlist.inspect(html).findings == ()
    tags = {element.tag for element in html5lib.parse(html, namespaceHTMLElements=False).iter()}
    assert not tags & {"script", "meta", "iframe", "style", "svg", "link"}, tags
    assert '<th align="left">left</th>' in html and "style=" not in html  # tables align without inline style


def test_the_same_markup_outside_code_is_refused(tmp_path):
    """The control for the test above: without the backticks the allowlist refuses it."""
    text = ("Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\nInline: <img src=//evil.example/x.png alt=x>\n\n"
            "<svg onload=alert(1)>\n")
    found = problems(content_with(tmp_path, text))
    assert found == [f"{S}:6: image '//evil.example/x.png' is loaded from another host; readers must never load "
                     "anything from elsewhere: save the image under content/ and link it with `{static}`",
                     f"{S}:8: inline event handler onload= is not allowed (the site runs no scripts); remove the "
                     "attribute"]


def test_summary_allows_inline_emphasis_only_through_the_allowlist(tmp_path):
    text = "Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\nSummary: *Fine* **bold** `code` <em>raw em</em>\n\nText.\n"
    assert problems(content_with(tmp_path, text)) == []
    text = text.replace("<em>raw em</em>", '<em onmouseover="x">raw</em>')
    assert problems(content_with(tmp_path, text)) == [
        f"{S}:5: in the Summary: attribute onmouseover= on <em> {HANDLER}"]


def test_fields_pelican_cannot_process_are_left_to_the_field_rules(tmp_path, monkeypatch):
    """Pelican's reader fails on a field the field rules did not name: a message, never a traceback."""
    from content_checks import checks

    def failing(path, settings):
        raise ValueError("no such month")

    monkeypatch.setattr(checks, "rendered", failing)
    text = "Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\nText.\n"
    assert problems(content_with(tmp_path, text)) == [
        f"{S}:1: Pelican cannot read this file's fields (no such month); check the values at the top of the file"]
    text = text.replace("2024-06-04", "yesterday")
    assert problems(content_with(tmp_path, text)) == [
        f"{S}:4: Date 'yesterday' is not a date; write it as YYYY-MM-DD, e.g. `Date: 2021-06-09`"]


def test_many_findings_are_counted_not_listed(tmp_path):
    body = "\n\n".join(f'<p class="c{n}">x</p>' for n in range(130))
    found = problems(content_with(tmp_path, "Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\n" + body + "\n"))
    assert len(found) == 101
    assert (f"{S}:204: and 30 more elements or attributes outside the allowlist after this line; fix the ones "
            "reported and check again") in found


# ------------------------------------------------------------------ limits

def test_nesting_is_measured_on_the_source():
    assert limits.nesting("- a") == 1
    assert limits.nesting("        - c") == 3
    assert limits.nesting("> > > x") == 3
    assert limits.nesting("> - > 1. x") == 4
    assert limits.nesting("\t\t- x") == 3
    assert limits.nesting("* * * * * * * * * * * * * * * * * * * * * * * *") == 0  # a rule
    assert limits.nesting(" " * 400 + "plain indented text") == 0


def deep_files():
    head = "Title: Deep\nDate: 2024-06-04\n\n"
    return {
        "list.en.md": head + "".join("    " * i + "- item\n" for i in range(300)),
        "quotes.en.md": head + "> " * 1000 + "deep\n",
        "mixed.en.md": head + "".join("    " * (i // 2) + ("> " if i % 2 else "- ") + "x\n" for i in range(200)),
        # No list or quote markers: this one reaches Markdown, which recurses.
        "html.en.md": head + '<div markdown="1">\n' * 1000 + "x\n" + "</div>\n" * 1000,
    }


DEEP = [
    "content/statements/html.en.md:4: Markdown cannot render this file (the text is nested too deeply for Markdown "
    "to render: lists, quotes or <div markdown=\"1\"> blocks inside one another); flatten the text",
    "content/statements/list.en.md:24: lists and quotes are nested 21 levels deep here; at most 20 levels are "
    "allowed (Markdown cannot render deeper nesting): flatten the text",
    "content/statements/mixed.en.md:44: lists and quotes are nested 21 levels deep here; at most 20 levels are "
    "allowed (Markdown cannot render deeper nesting): flatten the text",
    "content/statements/quotes.en.md:4: lists and quotes are nested 1000 levels deep here; at most 20 levels are "
    "allowed (Markdown cannot render deeper nesting): flatten the text",
]


@pytest.fixture
def deep_content(tmp_path):
    folder = tmp_path / "content" / "statements"
    folder.mkdir(parents=True)
    for name, text in deep_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "content"


def test_deep_nesting_gets_messages_in_process(deep_content):
    assert problems(deep_content) == DEEP


def test_deep_nesting_fails_the_build_with_messages(build, deep_content):
    result = build(deep_content)
    assert result.returncode == 1, result.log
    for message in DEEP:
        assert message in result.log
    assert "Traceback" not in result.log and "RecursionError" not in result.log
    assert not result.output.exists() or not any(result.output.iterdir())


def invoke_check(content):
    return subprocess.run([sys.executable, "-m", "invoke", "check", "--path", str(content)], cwd=ROOT,
                          capture_output=True, text=True)


def test_deep_nesting_in_invoke_check(deep_content):
    result = invoke_check(deep_content)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:4] == DEEP
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("text, line, start", [
    ("![x" * 20000, 6, "too many brackets are left open"),
    ("[[x](" * 2000, 6, "too many brackets are left open"),
    ("\n".join(["<a title=\"x"] * 20000), 6, "too many HTML tags are left open"),
])
def test_markup_that_would_take_markdown_minutes_is_refused_before_it(tmp_path, text, line, start):
    import time

    begin = time.monotonic()
    found = problems(content_with(tmp_path, "Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\n" + text + "\n"))
    assert time.monotonic() - begin < 5
    assert [p.split(": ", 1)[0] for p in found] == [f"{S}:{line}"]
    assert found[0].split(": ", 1)[1].startswith(start)


def test_an_unclosed_fence_is_not_code_for_the_limits():
    lines = ["~~~", *(["- " * 30 + "x"])]
    assert list(limits.check_nesting(lines, 1)) == [
        (2, "lists and quotes are nested 30 levels deep here; at most 20 levels are allowed (Markdown cannot "
            "render deeper nesting): flatten the text")]
    assert list(limits.check_nesting(["~~~", "- " * 30 + "x", "~~~"], 1)) == []


# ------------------------------------------------------------------- paths

def outside_layout(tmp_path):
    """content/ with a symlinked file, a symlinked folder and links out of the content folder."""
    (tmp_path / "secret.txt").write_text("not for publication", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.en.md").write_text("Title: X\nDate: 2024-06-04\n\nX.\n", encoding="utf-8")
    content = content_with(tmp_path, "Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\n"
                                     "[The settings]({static}../../secret.txt)\n\n"
                                     "![A picture]({static}linked.png)\n")
    folder = content / "statements"
    os.symlink(tmp_path / "secret.txt", folder / "linked.png")
    os.symlink(tmp_path / "elsewhere" / "x.en.md", folder / "l.en.md")
    os.symlink(tmp_path / "elsewhere", folder / "sub")
    return content


def outside_messages(tmp_path):
    return [
        f"content/statements/l.en.md:1: the file is a symbolic link (to {tmp_path}/elsewhere/x.en.md); Pelican would "
        "publish whatever it points to, even outside the content folder: replace the link by the file itself",
        f"{S}:6: {{static}}../../secret.txt points outside the content folder; only files under content/ can be "
        "linked: copy the file into content/ and link the copy",
        f"{S}:8: {{static}}linked.png points outside the content folder; only files under content/ can be linked: "
        "copy the file into content/ and link the copy",
        f"content/statements/sub:1: the folder is a symbolic link (to {tmp_path}/elsewhere); Pelican would publish "
        "whatever it points to, even outside the content folder: replace the link by the folder itself",
    ]


def test_paths_outside_the_content_folder_are_refused(tmp_path):
    assert problems(outside_layout(tmp_path)) == outside_messages(tmp_path)


def test_paths_outside_fail_the_build_without_traceback(build, tmp_path):
    content = outside_layout(tmp_path)
    result = build(content)
    assert result.returncode == 1, result.log
    for message in outside_messages(tmp_path):
        assert message in result.log
    assert "Traceback" not in result.log
    assert not result.output.exists() or not any(result.output.iterdir())


def test_paths_outside_in_invoke_check(tmp_path):
    result = invoke_check(outside_layout(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:4] == outside_messages(tmp_path)
    assert "Traceback" not in result.stdout + result.stderr


def test_a_content_folder_outside_the_content_folder_is_refused(tmp_path):
    content = content_with(tmp_path, "Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\nText.\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.en.md").write_text("Title: X\nDate: 2024-06-04\n\nX.\n", encoding="utf-8")
    assert problems(content, ARTICLE_PATHS=["statements", "../elsewhere"]) == [
        "elsewhere/x.en.md:1: the file's real location is outside the content folder; move the file itself into "
        "the content folder"]


def test_a_file_name_pelican_would_copy_unescaped_is_refused(tmp_path):
    content = content_with(tmp_path, "Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\n"
                                     '![A picture]({static}a&quot; onerror=&quot;x.png)\n')
    (content / "statements" / 'a" onerror="x.png').write_bytes(PNG)
    assert problems(content) == [
        f"{S}:6: {{static}}a\" onerror=\"x.png names a file whose path contains '\"', which would end up unescaped "
        "in the page; rename it (letters, digits, - _ . and /)"]


def test_a_site_link_followed_by_an_address_is_refused(tmp_path):
    """Pelican keeps the host and the scheme of what follows {static} (urlparse)."""
    text = ("Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\n- item\n\n"
            '    <img alt="A photo" src="{static}//evil.example/photo.png">\n')
    assert problems(content_with(tmp_path, text)) == [
        f"{S}:8: {{static}} must be followed by the path of a file of the site, not an address or a backslash: "
        "'{static}//evil.example/photo.png'; write e.g. {static}../statements/other.en.md"]


def test_hostile_fixture_fails_the_real_build_before_writing(build, tmp_path):
    content = content_with(tmp_path, (HOSTILE / "meta-refresh.md").read_text(encoding="utf-8"))
    result = build(content)
    assert result.returncode == 1
    assert f"{S}:8: {META}" in result.log
    assert "Traceback" not in result.log
    assert not result.output.exists() or not any(result.output.iterdir())


# -------------------------------------------------- hypothesis: search for holes

# The oracle: what a page may contain, written again here without the
# module under test, and checked on html5lib's tree.
ORACLE_ELEMENTS = {
    "html": set(), "head": set(), "body": set(),
    "p": set(), "br": set(), "hr": set(), "pre": set(), "blockquote": set(), "ul": set(), "dl": set(),
    "dt": set(), "dd": set(), "em": set(), "strong": set(), "b": set(), "i": set(), "u": set(), "s": set(),
    "del": set(), "ins": set(), "small": set(), "mark": set(), "sub": set(), "q": set(), "cite": set(),
    "kbd": set(), "samp": set(), "var": set(), "span": set(), "table": set(), "caption": set(), "thead": set(),
    "tbody": set(), "tfoot": set(), "tr": set(), "figure": set(), "figcaption": set(),
    **{f"h{n}": {"id"} for n in range(1, 7)},
    "code": {"class"}, "ol": {"start"}, "li": {"id"}, "sup": {"id"}, "abbr": {"title"}, "div": {"class"},
    "a": {"href", "title", "class"}, "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"}, "td": {"align", "colspan", "rowspan"},
}


LINK_SCHEMES = ("http", "https", "mailto")


def oracle_problems(html):
    """What in `html` a browser would treat as markup outside the allowlist (empty: safe)."""
    found = []
    tree = html5lib.parse(f"<!DOCTYPE html><html><head></head><body>{html}</body></html>",
                          namespaceHTMLElements=False)
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments
        if tag not in ORACLE_ELEMENTS:
            found.append(f"element {tag}")
            continue
        for name, value in element.attrib.items():
            name = name if isinstance(name, str) else name[1]
            if name == "lang" and tag not in ("html", "head", "body"):
                continue
            if name not in ORACLE_ELEMENTS[tag]:
                found.append(f"attribute {name} on {tag}")
            elif name == "align" and value not in ("left", "right", "center"):
                found.append(f"align {value!r}")
            elif name in ("href", "src"):
                url = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(33))))
                url = re.sub(r"^(\{(static|filename|attach)\}|\|(static|filename|attach)\|)", "", url)
                has_scheme = re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", url)
                if re.match(r"[/\\]{2}", url):
                    found.append(f"{name} to another host {value!r}")
                elif has_scheme and (name == "src" or has_scheme.group()[:-1].lower() not in LINK_SCHEMES):
                    found.append(f"{name} with scheme {value!r}")
    return found


@pytest.mark.parametrize("html", [
    '<a href="jav&#x61;script:x">x</a>', '<img src="//evil.example/x.png">', '<p onclick="x">x</p>',
    '<meta http-equiv="refresh">', '<table><tr><td style="text-align: left;">x</td></tr></table>',
    '<img src="https://e.example/x.png">',
    '<a href="{static}javascript:x">x</a>', "<svg><a href='x'>x</a></svg>", '<body onload="x">',
])
def test_the_oracle_can_fail(html):
    assert oracle_problems(html)


SAFE_SCHEMES = ["http://", "https://", "mailto:", "", "#", "{static}", "{filename}", "|static|", "HTTPS://"]
SCHEMES = ["javascript:", "JaVaScRiPt:", "vbscript:", "data:text/html,", "data:image/png;base64,", "file:", "ftp:",
           "//", "\\\\", "/\\", "/", "{static}//", "{static}javascript:", "{tag}", "  javascript:", "\\/"]
PATHS = ["alert(1)", "evil.example/x.png", "photo.png", "s.en.md", "a@example.org", "../photo.png", ""]
# Allowed and forbidden names, drawn about half and half: accepted output
# must be common enough for the property to say something.
SAFE_ELEMENTS = ["p", "a", "img", "span", "div", "em", "code", "td", "h2", "sup", "abbr", "li", "table", "blockquote",
                 "A", "IMG"]
ELEMENTS = ["script", "meta", "link", "style", "iframe", "object", "embed", "form", "input", "button", "base", "svg",
            "math", "video", "audio", "source", "picture", "noscript", "template", "textarea", "title", "xmp",
            "details", "area", "image", "frame", "body", "html", "select", "marquee", "ScRiPt"]
SAFE_ATTRIBUTES = ["href", "src", "alt", "title", "class", "id", "align", "width", "lang", "start", "colspan"]
ATTRIBUTES = ["style", "onclick", "onerror", "ONLOAD", "onmouseover", "srcset", "poster", "formaction", "action",
              "target", "ping", "background", "data-x", "xlink:href", "http-equiv", "content", "manifest", "dir", "rel"]
VALUES = ["left", "text-align: left;", "background: url(//evil.example/x)", "footnote", "language-python", "x",
          "0; url=https://evil.example/", "10", "zh-Hant"]


def entity(char, draw):
    form = draw(st.sampled_from(["&#x{:x};", "&#{:d};", "&#x{:X};", "&#000{:d};"]))
    return form.format(ord(char))


@st.composite
def tricky_url(draw):
    url = draw(st.sampled_from(SAFE_SCHEMES) | st.sampled_from(SCHEMES)) + draw(st.sampled_from(PATHS))
    chars = list(url)
    for _ in range(draw(st.integers(0, 3))):
        if not chars:
            break
        index = draw(st.integers(0, len(chars) - 1))
        trick = draw(st.sampled_from(["entity", "case", "tab", "newline", "control", "named"]))
        if len(chars[index]) != 1:
            continue  # already an entity
        if trick == "entity":
            chars[index] = entity(chars[index], draw)
        elif trick == "case":
            chars[index] = chars[index].swapcase()
        elif trick == "tab":
            chars.insert(index, draw(st.sampled_from(["\t", "&Tab;", "&#9;"])))
        elif trick == "newline":
            chars.insert(index, draw(st.sampled_from(["\n", "&NewLine;", "&#10;", "\r"])))
        elif trick == "control":
            chars.insert(index, draw(st.sampled_from(["\x01", "\x0b", " ", "&#0;", "\u00a0"])))
        elif chars[index] == ":":
            chars[index] = "&colon;"
    return "".join(chars)


@st.composite
def attribute(draw):
    name = draw(st.sampled_from(SAFE_ATTRIBUTES) | st.sampled_from(ATTRIBUTES))
    value = draw(tricky_url()) if draw(st.booleans()) else draw(st.sampled_from(VALUES))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if not quote:
        value = re.sub(r"[\s\"'=<>`]", "", value) or "x"
    before = draw(st.sampled_from([" ", "/", "\n", "\t", "\n   ", " /"]))
    return f"{before}{name}={quote}{value}{quote}"


@st.composite
def element(draw, depth=0):
    tag = draw(st.sampled_from(SAFE_ELEMENTS) | st.sampled_from(ELEMENTS))
    attrs = "".join(draw(st.lists(attribute(), max_size=3)))
    inner = draw(element(depth + 1)) if depth < 2 and draw(st.booleans()) else draw(st.sampled_from(["x", "", "text"]))
    close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
    return f"<{tag}{attrs}>{inner}{close}"


@st.composite
def markdown_piece(draw):
    url = draw(tricky_url()).replace("\n", "").replace(")", "").replace(" ", "")
    kind = draw(st.sampled_from(["link", "image", "autolink", "reference", "attr_list", "html", "html", "html"]))
    if kind == "link":
        return f"[text]({url})"
    if kind == "image":
        return f"![A photo]({url})"
    if kind == "autolink":
        return f"<{url}>"
    if kind == "reference":
        return f"[text][r]\n\n[r]: {url or '#'}"
    if kind == "attr_list":
        name = draw(st.sampled_from(SAFE_ATTRIBUTES) | st.sampled_from(ATTRIBUTES))
        return f"## Heading {{: {name}=\"{url}\" }}"
    return draw(element())


@st.composite
def hostile_body(draw):
    blocks = []
    for piece in draw(st.lists(markdown_piece(), min_size=1, max_size=4)):
        wrap = draw(st.sampled_from(["plain", "list", "list-indented", "quote", "table", "footnote", "md_in_html",
                                     "code span", "fence", "indented code", "nested"]))
        if wrap == "list":
            piece = "- " + piece.replace("\n", "\n  ")
        elif wrap == "list-indented":
            piece = "- item\n\n    " + piece.replace("\n", "\n    ")
        elif wrap == "quote":
            piece = "> " + piece.replace("\n", "\n> ")
        elif wrap == "table":
            piece = "| a | b |\n|:--|--:|\n| " + piece.replace("\n", " ") + " | 2 |"
        elif wrap == "footnote":
            piece = "Text[^n].\n\n[^n]: " + piece.replace("\n", " ")
        elif wrap == "md_in_html":
            piece = '<div markdown="1">\n' + piece + "\n</div>"
        elif wrap == "code span":
            piece = "`` " + piece.replace("\n", " ").replace("`", "") + " ``"
        elif wrap == "fence":
            piece = "```\n" + piece.replace("```", "") + "\n```"
        elif wrap == "indented code":
            piece = "    " + piece.replace("\n", "\n    ")
        elif wrap == "nested":
            piece = "> - > " + piece.replace("\n", " ")
        blocks.append(piece)
    return draw(st.sampled_from(["\n\n", "\n"])).join(blocks) + "\n"


EXAMPLES = int(os.environ.get("ALLOWLIST_EXAMPLES", "300"))
RAN = {"examples": 0, "accepted": 0, "refused": 0}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_body(), st.sampled_from(["", "Summary: *Sum* ", "Summary: "]), st.data())
def check_accepted_output_is_inside_the_allowlist(body, summary, data):
    if summary:
        summary += data.draw(markdown_piece()).replace("\n", " ") + "\n"
    text = f"Title: T\nSlug: s\nLang: en\nDate: 2024-06-04\n{summary}\n{body}"
    with tempfile.TemporaryDirectory() as tmp:
        content = content_with(Path(tmp), text)
        found = problems(content)
        RAN["examples"] += 1
        line_count = len(re.split(r"\r\n|\r|\n", text))  # Markdown's line breaks
        for problem in found:
            assert int(problem.split(":")[1]) in range(1, line_count + 1), problem
        if found:
            RAN["refused"] += 1
            event("refused")
            return
        RAN["accepted"] += 1
        event("accepted")
        result = rendered(str(content / "statements" / "s.en.md"), BASE_SETTINGS)
        assert oracle_problems(result.content) == [], (text, result.content)
        assert oracle_problems(result.metadata.get("summary") or "") == [], (text, result.metadata["summary"])


def test_accepted_output_is_inside_the_allowlist():
    """Whatever the validator accepts, html5lib finds nothing outside the allowlist in it."""
    check_accepted_output_is_inside_the_allowlist()
    print(f"\nallowlist: {RAN['examples']} hypothesis examples, {RAN['accepted']} accepted, {RAN['refused']} refused")
    assert RAN["examples"] >= min(EXAMPLES, 50)
    # Both sides must be exercised, or the property says nothing.
    assert RAN["accepted"] > 0 and RAN["refused"] > 0


# ---------------------------------------------------------------- Chromium

@pytest.fixture(scope="module")
def accepted_site(tmp_path_factory):
    from conftest import build_site

    from sitetools.search import build_index

    work = tmp_path_factory.mktemp("accepted")
    result = build_site(work, ACCEPTED)
    assert result.returncode == 0, result.log
    # As `invoke build` makes it: with the search index its search pages load.
    build_index(str(result.output), read_settings(str(work / "testconf.py")))
    return result.output


def serve(root):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(MirrorHandler, root=root))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


TABS = 8  # pages open at once: their waits after load overlap
AFTER_LOAD_MS = 300  # a refresh of 0 seconds fires after load


def visit_every_page(browser, root, pages=None):
    """Open every page (or `pages`) of `root` served under PREFIX, each in a tab of its own watched
    from its load until AFTER_LOAD_MS later; (visited pages, problems)."""
    httpd = serve(root)
    base = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    todo = pages or sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    try:
        tabs = []
        for _ in range(min(TABS, len(todo))):
            page, watcher = open_page(browser, base)
            navigations = []
            page.on("framenavigated", lambda frame, seen=navigations: seen.append(frame.url))
            tabs.append((page, watcher, navigations))
        visited, problems = [], []
        for start in range(0, len(todo), len(tabs)):
            batch = list(zip(tabs, todo[start:start + len(tabs)]))
            for (page, watcher, navigations), rel in batch:
                watcher.page = rel
                navigations.clear()
                page.goto(base + rel, wait_until="load")
            # The last page of the batch loaded last: once it has had its time, every page has.
            batch[-1][0][0].wait_for_timeout(AFTER_LOAD_MS)
            for (page, watcher, navigations), rel in batch:
                page.evaluate("1")  # every tab's events so far are in
                visited.append(rel)
                problems += [f"{rel}: navigated to {url}" for url in navigations if url != base + rel]
        for page, watcher, _navigations in tabs:
            page.close()
            problems += watcher.problems
        return visited, problems
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_accepted_hostile_looking_pages_stay_quiet_in_chromium(browser, accepted_site):
    visited, found = visit_every_page(browser, accepted_site)
    assert "statements/code.html" in visited and "about.html" in visited
    assert found == []
    # The code was shown, as text.
    html = (accepted_site / "statements" / "code.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;fetch(" in html


def test_summary_quote_cannot_turn_the_description_into_a_refresh(browser, tmp_path):
    """The Summary is text in <meta name="description" content="...">: a quote cannot end the attribute."""
    from conftest import build_site

    content = FIXTURES / "allowlist" / "summary-quote" / "content"
    assert problems(content) == []  # nothing in it is markup
    result = build_site(tmp_path, content)
    assert result.returncode == 0, result.log
    _visited, found = visit_every_page(browser, result.output, ["statements/s.html"])
    assert found == []
    page = result.html("statements/s.html")
    assert page.find("meta", attrs={"name": "description"})["content"] == '0; url=https://evil.example/" http-equiv="refresh'
    assert not page.find("meta", attrs={"http-equiv": "refresh"})
