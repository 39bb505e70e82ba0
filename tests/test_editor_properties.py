"""Property-based: random and malformed content never gives a traceback (issue 6).

500 random content folders go through the validator in-process (fast); a
handful go through the real build, which must then either succeed or fail
with the validator's messages and exit status 1 -- never a traceback.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings, strategies as st

from conftest import ROOT, languages, write_settings

sys.path.insert(0, str(ROOT / "plugins"))
from content_checks.checks import Problem, check_all  # noqa: E402
from content_checks.command import find_problems  # noqa: E402
from pelican.settings import read_settings  # noqa: E402

SECTIONS = ["statements", "background", "events", "pages"]
KEYS = ["Title", "Slug", "Lang", "Date", "Modified", "Summary", "Status", "Template", "Translation-of",
        "Category", "Tags", "Save_as", "URL", "Event-start", "title", "LANG"]
ODD_NAMES = ["my statement.en.md", "ünïcödé.md", "名字.zh-hant.md", "noext", ".hidden.md", "a.b.c.md",
             "UPPER.EN.MD", "-.md", "x.html", ".#autosave.md", "tab\tname.md", "x.markdown", " lead.md",
             "emoji-🙂.de.md", "x.md.bak", "x.zh-hans.md", "x.en.md"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]

safe_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=40)
values = st.one_of(
    safe_text,
    st.sampled_from(["2024-06-04", "2024-13-45", "yesterday", "en", "zh-hant", "DE", "fr", "draft", "hidden",
                     "published", "article", "page", "nonexistent", "0123456789", "abc", "my-slug", "My Slug",
                     "../../etc", "{filename}x.md", "", " ", "2021-06-09 19:00"]),
)
metadata_line = st.one_of(
    st.tuples(st.sampled_from(KEYS), values).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True), values).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    safe_text,  # a line that is not metadata at all
    st.just("    continued value"),
)
urls = st.sampled_from([
    "https://example.org/", "http://example.org", "mailto:a@example.org", "javascript:alert(1)", "data:text/html,x",
    "ftp://example.org", "{filename}other.md", "{filename}/pages/p.en.md", "{static}img.png", "{static}/nope.pdf",
    "img.png", "../x.md", "#top", "//evil.example/x.png", "", "{filename}", "%zz", "{attach}x",
])
fragments = st.one_of(
    safe_text,
    st.tuples(safe_text, urls).map(lambda t: f"[{t[0]}]({t[1]})"),
    st.tuples(safe_text, urls).map(lambda t: f"![{t[0]}]({t[1]})"),
    urls.map(lambda u: f'<img src="{u}">'),
    urls.map(lambda u: f"<{u}>"),
    st.sampled_from(["<script>x</script>", "<iframe src=x>", "<p onclick='x'>", "```", "~~~", "    code",
                     "`<script>`", "<!--", "-->", "[ref]: javascript:x", "<a href=\"javascript:x\">", "# Heading",
                     "{", "}", "|filename|x.md", "\t", "\ufeff", "\u202e", "<img alt=\"\" src=\"{static}img.png\">"]),
)


# Long runs of markup fragments: a rule whose pattern backtracks would take
# minutes on them (this is how two quadratic patterns were found).
HOSTILE = ["<a ", "[x](", "`", "`a", "![x", "<img ", "[x](a 'b", "](", "[[x](", "href=\"", "<", "{filename}"]
hostile = st.tuples(st.sampled_from(HOSTILE), st.integers(1000, 20000)).map(lambda t: t[0] * t[1])
any_fragment = st.one_of(fragments, hostile)


@st.composite
def plausible_file(draw, fragments=fragments):
    """A file with the right fields and random text: it should usually pass and build."""
    section = draw(st.sampled_from(SECTIONS))
    slug = draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5})?", fullmatch=True))
    lang = draw(st.sampled_from(languages()))
    title = draw(safe_text.filter(lambda t: t.strip()))
    meta = [f"Title: {title}", f"Date: {draw(st.sampled_from(['2024-06-04', '2021-06-09 19:00', '2024-02-29']))}"]
    if draw(st.booleans()):
        meta.append(f"Summary: {draw(safe_text)}")
    body = draw(st.lists(fragments, max_size=6))
    text = "\n".join(meta) + "\n\n" + "\n".join(body) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return section, f"{slug}.{lang}.md", text.encode(encoding)


@st.composite
def content_file(draw, fragments=fragments):
    section = draw(st.sampled_from(SECTIONS))
    name = draw(st.one_of(st.sampled_from(ODD_NAMES),
                          st.from_regex(r"[a-z0-9 ._-]{1,20}\.(md|en\.md|de\.md)", fullmatch=True)))
    meta = draw(st.lists(metadata_line, max_size=8))
    body = draw(st.lists(fragments, max_size=8))
    text = "\n".join(meta) + "\n\n" + "\n".join(body) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n"])))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    big = draw(st.sampled_from([0, 0, 0, 0, 1, 2]))
    if big == 1:
        data += b"lorem ipsum " * 30000  # larger than the test's max_bytes
    elif big == 2:
        data = b"\xff\xfe\x00" + data  # garbage prefix
    return section, name, data


def write_tree(root, files):
    for section, name, data in files:
        folder = root / section
        folder.mkdir(parents=True, exist_ok=True)
        try:
            (folder / name).write_bytes(data)
        except OSError:
            pass  # a name this file system refuses is not the validator's business
    (root / "statements").mkdir(parents=True, exist_ok=True)
    (root / "statements" / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")


BASE_SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))


@settings(max_examples=int(os.environ.get("VALIDATOR_EXAMPLES", "500")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(content_file(any_fragment), plausible_file(any_fragment)), min_size=1, max_size=4))
def test_validator_never_crashes(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        write_tree(root, files)
        conf = {**BASE_SETTINGS, "PATH": str(root), "CONTENT_CHECKS": {"max_bytes": 300_000}}
        problems = check_all(conf)
        for problem in problems:
            assert isinstance(problem, Problem)
            assert problem.line >= 1
            assert problem.path.startswith("content/")
            assert len(problem.message) > 20  # a sentence saying what to do


@settings(max_examples=int(os.environ.get("BUILD_EXAMPLES", "6")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(plausible_file(), plausible_file(), content_file()), min_size=1, max_size=3))
def test_build_fails_only_with_messages(files):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "content"
        write_tree(root, files)
        conf = {**BASE_SETTINGS, "PATH": str(root)}
        expected = find_problems(conf)
        event("validator found problems" if expected else "validator found none: the build must succeed")
        output = tmp / "output"
        settings_file = write_settings(tmp, root, output)
        cmd = [sys.executable, "-m", "pelican", str(root), "-s", str(settings_file), "-o", str(output),
               "--log-handler", "plain", "--fatal", "warnings"]
        result = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=300,
                                env={**os.environ, "COLUMNS": "200"})
        log = result.stdout + result.stderr
        assert "Traceback" not in log, log
        if expected:
            assert result.returncode == 1, log
            for problem in expected:
                assert str(problem) in log
        else:
            assert result.returncode == 0, log


def test_very_large_file_gets_a_message_from_the_build(build, tmp_path):
    folder = tmp_path / "content" / "statements"
    folder.mkdir(parents=True)
    (folder / "big.en.md").write_bytes(b"Title: Big\nDate: 2024-06-04\n\n" + b"word " * 500_000)
    result = build(tmp_path / "content")
    assert result.returncode == 1
    assert ("content/statements/big.en.md:1: the file is 2,500 kB, more than the 2,000 kB a content file may "
            "have; split the text, and keep pictures and documents out of the Markdown file") in result.log
    assert "Traceback" not in result.log
