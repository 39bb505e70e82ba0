"""Safe output by construction: what reaches a reader passes an allowlist.

Hostile files (tests/fixtures/allowlist/hostile/, one trick each) are all
refused with `path:line: message`; hostile-looking but harmless files
(code shown as text, titles with < & and quotes) build, and open in
Chromium with no request to another host, no console error and no
navigation away; nesting and scanning limits stop files that would exhaust
Markdown; files and link targets outside content/ are refused; and
hypothesis feeds random hostile HTML and Markdown through the real
rendering and the allowlist, checking whatever is accepted with a second,
independent HTML5 parser (html5lib).
"""

import os
import re
import shutil
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from conftest import FIXTURES, ROOT, build_site

sys.path.insert(0, str(ROOT / "plugins"))

from content_checks import allowlist  # noqa: E402
from content_checks.command import find_problems  # noqa: E402
from content_checks.limits import MAX_NESTING  # noqa: E402

HOSTILE = FIXTURES / "allowlist" / "hostile"
EXAMPLES = int(os.environ.get("ALLOWLIST_EXAMPLES", "300"))


def settings_for(content):
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})


def hostile_folder(tmp_path, names):
    """A content folder with the named hostile files, each as statements/<name>.en.md."""
    content = tmp_path / "content"
    (content / "statements").mkdir(parents=True)
    for name in names:
        text = (HOSTILE / f"{name}.md").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^Slug: s$", f"Slug: {name}", text)
        (content / "statements" / f"{name}.en.md").write_text(text, encoding="utf-8")
    return content


HOSTILE_NAMES = sorted(p.stem for p in HOSTILE.glob("*.md"))
# What each refusal must name: the element, attribute or URL kind at fault.
NAMED = {
    "meta-refresh": "<meta>", "link-stylesheet": "<link>", "style-element": "<style>", "style-attribute": "style=",
    "srcset": "photo.png", "picture-source": "<picture>", "video-poster": "<video>", "audio": "<audio>",
    "form": "<form>", "base-href": "<base>", "svg-animate": "<svg>", "math": "<math>", "noscript": "<noscript>",
    "template": "<template>", "target-blank": "target=", "ping": "ping=", "slash-onclick": "onclick=",
    "attr-list-handler": "onclick=", "attribute-split": "onmouseover=", "javascript-case-entity": "javascript:",
    "javascript-named-entity": "javascript:", "javascript-zero-padded-tab": "javascript:",
    "javascript-leading-space-entity": "javascript:", "vbscript-tab": "vbscript:",
    "protocol-relative-link": "two slashes", "backslash-host-image": "two slashes",
    "slash-backslash-image": "two slashes", "data-image-split": "data:", "root-relative-link": "starts with /",
    "embed-in-list": "<embed>", "iframe-in-md-in-html": "<iframe>", "html-in-table": "style=",
    "html-in-footnote": "<link>", "html-in-blockquote": "<meta>", "unknown-element": "<marquee>",
    "summary-script": "in the Summary: <script>", "summary-link": "in the Summary: link",
    "tag-split-in-list": "another host", "unclosed-table": "not closed", "plaintext": "<plaintext>",
    "usemap": "<map>", "html-manifest": "manifest=", "cdata": "<meta>", "empty-comment": "<meta>",
    "attr-list-class": "class=", "static-scheme": "{static}",
}


@pytest.fixture(scope="module")
def hostile_problems(tmp_path_factory):
    content = hostile_folder(tmp_path_factory.mktemp("hostile"), HOSTILE_NAMES)
    return content, find_problems(settings_for(content))


def test_every_hostile_fixture_has_an_expectation():
    assert sorted(NAMED) == HOSTILE_NAMES


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_is_refused_with_its_line(hostile_problems, name):
    content, problems = hostile_problems
    path = f"content/statements/{name}.en.md"
    found = [p for p in problems if p.path == path]
    assert found, f"{name} was accepted"
    lines = (content / "statements" / f"{name}.en.md").read_text(encoding="utf-8").split("\n")
    for problem in found:
        assert 1 <= problem.line <= len(lines), problem
        assert "remove it" in problem.message or "; " in problem.message, problem  # names a fix
    assert any(NAMED[name] in p.message for p in found), [str(p) for p in found]


@pytest.mark.parametrize("name, expected", [
    ("meta-refresh", "content/statements/meta-refresh.en.md:8: <meta> is not allowed in content (the page would "
                     "act on it: a refresh can take readers to another site); remove it"),
    ("slash-onclick", "content/statements/slash-onclick.en.md:6: attribute onclick= on <a> is not allowed in "
                      "content (it would run a script; the site runs none); remove it"),
    ("javascript-named-entity", "content/statements/javascript-named-entity.en.md:6: link 'javascript:alert(1)' "
                                "uses javascript:, which is not allowed; use an https:// (or http://, mailto:) "
                                "address or a link inside the site"),
    ("protocol-relative-link", "content/statements/protocol-relative-link.en.md:6: link '//evil.example/page' "
                               "starts with two slashes (another host, whatever the page's scheme); write the "
                               "full https:// address"),
])
def test_exact_messages(hostile_problems, name, expected):
    assert expected in [str(p) for p in hostile_problems[1]]


def test_a_build_of_hostile_files_stops_with_the_same_messages(tmp_path, hostile_problems):
    names = ["meta-refresh", "style-attribute", "javascript-case-entity", "summary-script"]
    content = hostile_folder(tmp_path / "one", names)
    result = build_site(tmp_path, content)
    assert result.returncode == 1
    assert "Traceback" not in result.log
    expected = [str(p) for p in hostile_problems[1] if any(f"/{n}.en.md:" in str(p) for n in names)]
    assert expected
    for line in expected:
        assert line in result.log
    assert not (tmp_path / "output" / "statements" / "meta-refresh.html").exists()


def test_the_summary_is_text_in_attributes(build):
    """A Summary that would break out of <meta content="..."> stays text."""
    result = build("allowlist/summary-quote")
    assert result.returncode == 0, result.log
    page = result.html("statements/s.html")
    description = page.find("meta", attrs={"name": "description"})
    assert description["content"] == '0; url=https://evil.example/" http-equiv="refresh'
    assert not page.find("meta", attrs={"http-equiv": "refresh"})


# ------------------------------------------------------------ accepted input, in a browser

@pytest.fixture(scope="module")
def accepted(tmp_path_factory):
    result = build_site(tmp_path_factory.mktemp("accepted"), FIXTURES / "allowlist" / "accepted" / "content")
    assert result.returncode == 0, result.log
    return result


def test_code_that_looks_like_markup_is_text(accepted):
    page = accepted.html("statements/code.html")
    body = page.find("main")
    assert not body.find(["script", "iframe", "style", "link", "svg"])
    assert not page.find("meta", attrs={"http-equiv": "refresh"})
    assert "<script>fetch(" in body.get_text()
    assert page.find("title").get_text().startswith("Fish & chips < 3 \"quoted\" 'single'")
    assert page.find("h1").get_text().strip() == "Fish & chips < 3 \"quoted\" 'single'"
    # Table columns keep their alignment without an inline style (the CSP blocks those).
    assert [th.get("align") for th in body.find_all("th")] == ["left", "right"]
    assert not body.find(style=True)
    for img in body.find_all("img"):
        assert not urlsplit(img["src"]).scheme and not img["src"].startswith("//")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_accepted_hostile_looking_pages_in_chromium(accepted):
    """No request to another host, no console error, no navigation away."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail(f"{chromium} is missing: install the Debian package chromium (./dev.sh test does)")
    handler = partial(QuietHandler, directory=str(accepted.output))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    problems = []
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.on("request", lambda r: r.url.startswith((base, "data:")) or problems.append(f"request {r.url}"))
            page.on("console", lambda m: m.type == "error" and problems.append(f"console {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"page error {e}"))
            for rel in ["statements/code.html", "index.html", "statements/index.html", "about.html"]:
                url = base + rel
                response = page.goto(url, wait_until="load")
                assert response.status == 200, rel
                page.wait_for_timeout(300)  # a meta refresh of 0 s would have fired
                assert page.url == url, f"{rel} navigated to {page.url}"
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert problems == []


# ------------------------------------------------------------ limits

def nested_list(depth):
    return "\n".join("    " * level + "- item" for level in range(depth))


@pytest.mark.parametrize("body, what", [
    (nested_list(300), "lists"),
    ("> " * 1000 + "deep", "quotes"),
    ("\n".join("    " * level + ("> " if level % 2 else "- ") + "x" for level in range(200)), "mixed"),
])
def test_nesting_too_deep_is_refused_not_a_traceback(tmp_path, body, what):
    content = tmp_path / "content"
    (content / "statements").mkdir(parents=True)
    (content / "statements" / "deep.en.md").write_text(
        f"Title: Deep\nSlug: deep\nLang: en\nDate: 2024-01-01\n\n{body}\n", encoding="utf-8")
    problems = [str(p) for p in find_problems(settings_for(content))]
    assert any(p.startswith("content/statements/deep.en.md:") and str(MAX_NESTING) in p for p in problems), problems
    result = build_site(tmp_path, content)
    assert result.returncode == 1
    assert "Traceback" not in result.log and "RecursionError" not in result.log
    for problem in problems:
        assert problem in result.log


def test_nesting_within_the_bound_builds(tmp_path):
    content = tmp_path / "content"
    (content / "statements").mkdir(parents=True)
    (content / "statements" / "ok.en.md").write_text(
        f"Title: Ok\nSlug: ok\nLang: en\nDate: 2024-01-01\n\n{nested_list(MAX_NESTING)}\n", encoding="utf-8")
    result = build_site(tmp_path, content)
    assert result.returncode == 0, result.log


# ------------------------------------------------------------ paths stay inside

def test_symlinked_content_file_and_folder_are_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.en.md").write_text("Title: Secret\nSlug: secret\nLang: en\nDate: 2024-01-01\n\nSecret.\n")
    content = tmp_path / "content"
    (content / "statements").mkdir(parents=True)
    (content / "statements" / "secret.en.md").symlink_to(outside / "secret.en.md")
    (content / "statements" / "more").symlink_to(outside)
    problems = [str(p) for p in find_problems(settings_for(content))]
    assert any(p.startswith("content/statements/secret.en.md:1: the file is a symbolic link") for p in problems)
    assert any(p.startswith("content/statements/more:1: the folder is a symbolic link") for p in problems)
    result = build_site(tmp_path, content)
    assert result.returncode == 1
    assert "Traceback" not in result.log
    assert not [p for p in (tmp_path / "output").rglob("*") if p.is_file() and b"Secret." in p.read_bytes()]


@pytest.mark.parametrize("target", ["{static}../../pelicanconf.py", "{filename}../../pelicanconf.py",
                                    "{static}/../pelicanconf.py"])
def test_link_target_outside_content_is_refused(tmp_path, target):
    project = tmp_path / "project"
    content = project / "content"
    (content / "statements").mkdir(parents=True)
    shutil.copyfile(ROOT / "pelicanconf.py", project / "pelicanconf.py")
    (content / "statements" / "leak.en.md").write_text(
        f"Title: Leak\nSlug: leak\nLang: en\nDate: 2024-01-01\n\nSee [the settings]({target}).\n", encoding="utf-8")
    problems = [str(p) for p in find_problems(settings_for(content))]
    assert any(p.startswith("content/statements/leak.en.md:6: ") for p in problems), problems
    result = build_site(tmp_path, content)
    assert result.returncode == 1
    assert "Traceback" not in result.log
    assert not list((tmp_path / "output").rglob("pelicanconf.py"))


# ------------------------------------------------------------ hypothesis

ELEMENTS = sorted(set(allowlist.ALLOWED) - {"html", "head", "body"}) + [
    "script", "style", "meta", "link", "base", "iframe", "form", "input", "img", "svg", "math", "video",
    "object", "embed", "template", "noscript", "picture", "source", "marquee", "button", "textarea"]
ATTRIBUTES = ["href", "src", "title", "alt", "class", "id", "style", "onclick", "onerror", "ONLOAD", "srcset",
              "action", "formaction", "poster", "target", "ping", "lang", "width", "http-equiv", "content"]
SCHEMES = ["javascript:", "JaVaScRiPt:", "java\tscript:", "jav&#x61;script:", "&#106;avascript:", " javascript:",
           "vbscript:", "data:text/html,", "https://evil.example/", "http://evil.example/", "//evil.example/",
           "\\\\evil.example\\", "/\\evil.example/", "mailto:x@example.org", "{static}x.png", "{filename}x.md",
           "page.html", "#anchor", "/root.html", "ftp://evil.example/", ""]
SEPARATORS = [" ", "\n", "\t", "/", "  \n  "]


@st.composite
def hostile_html(draw, depth=0):
    tag = draw(st.sampled_from(ELEMENTS))
    tag_written = draw(st.sampled_from([tag, tag.upper(), tag.capitalize()]))
    attributes = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(ATTRIBUTES))
        value = draw(st.sampled_from(SCHEMES)) + draw(st.sampled_from(["", "alert(1)", "x.css", "a b"]))
        quote = draw(st.sampled_from(['"', "'"]))
        attributes.append(f"{draw(st.sampled_from(SEPARATORS))}{name}={quote}{value.replace(quote, '')}{quote}")
    inner = ""
    if depth < 3:
        inner = "".join(draw(st.lists(st.one_of(st.sampled_from(["text", "*em*", "`<script>`", "\n\n", "[a](b)"]),
                                                hostile_html(depth=depth + 1)), max_size=3)))
    return f"<{tag_written}{''.join(attributes)}>{inner}</{tag_written}>"


@st.composite
def hostile_markdown(draw):
    parts = draw(st.lists(st.one_of(
        hostile_html(),
        st.builds(lambda s, t: f"[link]({s}{t})", st.sampled_from(SCHEMES), st.sampled_from(["", "x", "alert(1)"])),
        st.builds(lambda s: f"![alt]({s}x.png)", st.sampled_from(SCHEMES)),
        st.builds(lambda s: f"{{: onclick=\"{s}\" }}", st.sampled_from(["alert(1)", "x"])),
        st.sampled_from(["- item", "> quote", "```\n<script>x</script>\n```", "| a |\n|---|\n| <b>b</b> |",
                         "Text[^1]\n\n[^1]: <img src=x onerror=alert(1)>", '<div markdown="1">*md*</div>',
                         "<!-- <script> -->", "&lt;script&gt;", "plain text"]),
    ), min_size=1, max_size=6))
    return draw(st.sampled_from(["\n\n", "\n", " "])).join(parts)


# The policy, written again independently of allowlist.py, over html5lib's tree.
INDEPENDENT_ELEMENTS = set(allowlist.ALLOWED)
LINK_OK = re.compile(r"^(?:https?:|mailto:|[{|](?:static|filename|attach)[}|]|#|(?![a-z][a-z0-9+.-]*:)(?![/\\]))",
                     re.I)


def independent_violations(html):
    document = html5lib.parse(f"<!DOCTYPE html><html><head></head><body>{html}</body></html>",
                              namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None:
            continue  # comments
        tag = tag.split("}")[-1]
        if tag not in INDEPENDENT_ELEMENTS:
            found.append(f"element {tag}")
        for name, value in element.attrib.items():
            name = name.split("}")[-1].lower()
            if name.startswith("on") or name in ("srcset", "formaction", "action", "poster", "ping", "target",
                                                  "http-equiv"):
                found.append(f"attribute {name}")
            if name == "style":
                found.append(f"style {value!r}")
            if name == "align" and value not in ("left", "right", "center"):
                found.append(f"align {value!r}")
            cleaned = "".join(c for c in value.strip("".join(map(chr, range(0x21))))
                              if c not in "\t\n\r")
            if name == "href" and not LINK_OK.match(cleaned):
                found.append(f"href {value!r}")
            if name == "src" and (re.match(r"^[a-z][a-z0-9+.-]*:", cleaned, re.I) or re.match(r"^[/\\]", cleaned)):
                if not re.match(r"^[{|](?:static|filename|attach)[}|]", cleaned):
                    found.append(f"src {value!r}")
    return found


@pytest.fixture(scope="module")
def reader():
    from sitecore.render import ReusingMarkdownReader

    return ReusingMarkdownReader(settings_for(FIXTURES / "allowlist" / "accepted" / "content"))


def test_whatever_the_allowlist_accepts_an_independent_parser_accepts(reader):
    """Random hostile Markdown and HTML through the real rendering and the
    allowlist; html5lib re-checks everything accepted (ALLOWLIST_EXAMPLES
    sets the number of examples, 300 by default)."""
    stats = {"examples": 0, "accepted": 0, "refused": 0}

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=hostile_markdown())
    def accepted_is_clean(text):
        html, _metadata = reader.read_text("random.md", text)
        report = allowlist.inspect(html)
        stats["examples"] += 1
        if report.findings:
            stats["refused"] += 1
            return
        stats["accepted"] += 1
        assert independent_violations(html) == [], (text, html)

    accepted_is_clean()
    print(f"allowlist property: {stats}")
    # Both outcomes occurred, or the property checked nothing.
    assert stats["examples"] >= min(EXAMPLES, 100)
    assert stats["accepted"] > 0 and stats["refused"] > 0
