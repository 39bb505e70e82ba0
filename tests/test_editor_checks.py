"""Each validation rule: a broken fixture and its exact message (issue 6).

The rules run in-process here (the same function the build's `initialized`
handler and `invoke check` call); test_content_checks.py and the tests at
the end run them through the real build and the real task.
"""

import os
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT, languages

sys.path.insert(0, str(ROOT / "plugins"))
from content_checks.checks import check_all  # noqa: E402
from pelican.settings import read_settings  # noqa: E402

CHECKS = FIXTURES / "checks"
S = "content/statements/s.en.md"

CASES = {
    "missing-date": [f"{S}:1: missing Date; add a line such as `Date: 2021-06-09`"],
    "page-missing-title": ["content/pages/p.en.md:1: missing Title; add a line such as `Title: Campaign launch` "
                           "at the top of the file, before the first blank line"],
    "bad-slug": [f"{S}:2: Slug 'My Statement' must be lowercase ASCII letters, digits and hyphens, "
                 "e.g. 'campaign-launch'; every translation uses the same slug"],
    "bad-modified": [f"{S}:5: Modified 'yesterday' is not a date; write it as YYYY-MM-DD, "
                     "e.g. `Modified: 2021-06-10`, or remove the line"],
    "bad-status": [f"{S}:5: Status 'secret' is not known; use one of published, draft, hidden, or remove the line"],
    "bad-template": [f"{S}:5: Template 'fancy' is not a template of the theme; remove the line to use the usual one"],
    "bad-translation-of": ["content/statements/s.de.md:5: Translation-of 'latest' must be the 10-character hash "
                           "of the original (letters a-f and digits) that `invoke translate SLUG --lang LANG` "
                           "writes; copy it from `invoke translations` or remove the line"],
    "bad-filename-link": [f"{S}:6: {{filename}}other.en.md does not exist; the path is relative to this file's "
                          "folder (or to content/ when it starts with /): fix it, e.g. "
                          "`{filename}../statements/other.en.md`"],
    "filename-to-static": [f"{S}:6: {{filename}}leaflet.pdf is not a page of the site; link files such as "
                           "pictures and documents with {static}leaflet.pdf"],
    "bad-static-link": [f"{S}:6: {{static}}/files/leaflet.pdf does not exist; the path is relative to this "
                        "file's folder (or to content/ when it starts with /): fix it or add the file"],
    "bad-scheme": [f"{S}:6: link 'javascript:alert(1' uses javascript:, which is not allowed; use an https:// "
                   "(or http://, mailto:) address or a link inside the site"],
    "image-no-alt": [f"{S}:6: image '{{static}}photo.png' has no alt text; describe it for readers who cannot "
                     "see it: `![What the picture shows](...)` or `<img alt=\"...\">`"],
    "html-img-no-alt": [f"{S}:6: image '{{static}}photo.png' has no alt text; describe it for readers who cannot "
                        "see it: `![What the picture shows](...)` or `<img alt=\"...\">`"],
    "image-missing": [f"{S}:6: {{static}}banner.png does not exist; the path is relative to this file's folder "
                      "(or to content/ when it starts with /): fix it or add the file"],
    "image-remote": [f"{S}:6: image 'https://example.org/banner.png' is loaded from another host; readers must "
                     "never load anything from elsewhere: save the image under content/ and link it with `{static}`"],
    "image-plain-path": [f"{S}:6: image 'photo.png' must be linked with `{{static}}photo.png` so that the build "
                         "copies it"],
    "raw-script": [f"{S}:8: <script> is not allowed in content: the site runs no scripts and embeds nothing "
                   "from other hosts; remove it (link to the page instead)"],
    "raw-iframe": [f"{S}:6: <iframe> is not allowed in content: the site runs no scripts and embeds nothing "
                   "from other hosts; remove it (link to the page instead)"],
    "inline-handler": [f"{S}:6: inline event handler onclick= is not allowed (the site runs no scripts); "
                       "remove the attribute"],
    "translation-other-section": ["content/background/s.de.md:2: slug 's' is in background/ here but in "
                                  "statements/ in content/statements/s.en.md; translations of one piece go in "
                                  "the same folder: move this file to statements/ or give it another Slug"],
    "utf16": [f"{S}:1: the file is saved as UTF-16 (\"Unicode\"), not UTF-8; save it again with UTF-8 encoding"],
    "latin1": [f"{S}:6: not valid UTF-8 (byte 0xe9 at column 4); save the file with UTF-8 encoding "
               "(it looks like Latin-1 or Windows-1252)"],
    "nul-byte": [f"{S}:6: the file contains a NUL byte (is it really a text file?); save it as plain text "
                 "with UTF-8 encoding"],
    "html-file": ["content/statements/s.html:1: only Markdown files are content here; rename it to .md and "
                  "write it in Markdown, or move it out of the content folders"],
    "dotfile": [
        "content/statements/.hidden.md:1: missing Date; add a line such as `Date: 2021-06-09`",
        "content/statements/.hidden.md:1: missing Title; add a line such as `Title: Campaign launch` at the top "
        "of the file, before the first blank line",
        "content/statements/.hidden.md:1: no language; add a line `Lang: <code>` "
        f"(one of {', '.join(languages())}) or name the file <slug>.<lang>.md",
        "content/statements/.hidden.md:1: no slug; add a line `Slug: my-slug` or name the file <slug>.<lang>.md",
    ],
    "unknown-field": [f"{S}:5: unknown field 'category'; the fields are Title, Slug, Lang, Date, Modified, Summary, "
                      "Status, Template, Translation-of (and Event-... in events/): check the spelling or remove "
                      "the line"],
    "bad-date": [f"{S}:4: Date '9 June' would be read as {__import__('datetime').date.today().year}-06-09; "
                 "write the full date as YYYY-MM-DD, e.g. `Date: 2021-06-09`"],
    # Metadata between --- lines (Python-Markdown accepts them); the body starts after.
    "yaml-delimiters": [f"{S}:7: <script> is not allowed in content: the site runs no scripts and embeds nothing "
                        "from other hosts; remove it (link to the page instead)"],
    "no-original": [f"{S}:5: every version of 's' has Translation-of, so none is the original; remove "
                    "Translation-of from the version the others are translated from (this one, or another)"],
    "bad-indicator": [f"{S}:6: link '{{file}}other.en.md' starts like a link inside the site but '{{file}}' is "
                      "not one; write {filename}path-to-page.md or {static}path-to-file"],
    # Only link targets count: "{filename}" in prose is text.
    "empty-internal-link": [f"{S}:6: '{{filename}}#top' names no file; write the path after {{filename}}, "
                            "e.g. `{filename}../statements/other.en.md`"],
    # U+001E and U+2028 inside the link text: one line for Markdown, so one for the rules.
    "unicode-separator": [f"{S}:6: link '{{|' starts like a link inside the site but '{{|' is not one; "
                          "write {filename}path-to-page.md or {static}path-to-file"],
    "good": [],
}


def settings_for(content, **extra):
    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content), **extra})


def problems_of(name, **extra):
    return [str(p) for p in sorted(set(check_all(settings_for(CHECKS / name / "content", **extra))))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_message(name):
    assert problems_of(name) == CASES[name]


def test_every_fixture_has_a_case():
    assert sorted(os.listdir(CHECKS)) == sorted(CASES)


def test_bom_is_accepted(tmp_path):
    folder = tmp_path / "content" / "statements"
    folder.mkdir(parents=True)
    (folder / "s.en.md").write_bytes(b"\xef\xbb\xbfTitle: T\nSlug: s\nLang: en\nDate: 2024-06-04\n\nText.\n")
    assert check_all(settings_for(tmp_path / "content")) == []


def test_too_large_file(tmp_path):
    folder = tmp_path / "content" / "statements"
    folder.mkdir(parents=True)
    (folder / "s.en.md").write_text("Title: T\nDate: 2024-06-04\n\n" + "word " * 3000, encoding="utf-8")
    problems = [str(p) for p in check_all(settings_for(tmp_path / "content", CONTENT_CHECKS={"max_bytes": 10_000}))]
    assert problems == ["content/statements/s.en.md:1: the file is 15 kB, more than the 10 kB a content file "
                        "may have; split the text, and keep pictures and documents out of the Markdown file"]


def test_good_fixture_builds(build):
    result = build(CHECKS / "good" / "content")
    assert result.returncode == 0, result.log
    page = result.html("statements/s.html")
    assert page.find("img")["alt"] == "A photo of the banner"


def test_bad_fixture_fails_the_build_before_writing(build):
    result = build(CHECKS / "raw-script" / "content")
    assert result.returncode == 1
    assert CASES["raw-script"][0] in result.log
    assert "Traceback" not in result.log
    assert not result.output.exists() or not any(result.output.iterdir())


def test_invoke_check_lists_problems_without_building(tmp_path):
    content = CHECKS / "bad-scheme" / "content"
    result = subprocess.run([sys.executable, "-m", "invoke", "check", "--path", str(content)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == CASES["bad-scheme"][0]
    assert "1 problem; fix it" in result.stdout
    assert "Traceback" not in result.stderr


def test_invoke_check_passes_on_the_real_content():
    result = subprocess.run([sys.executable, "-m", "invoke", "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found." in result.stdout


def test_invoke_check_reports_the_event_rules_too(tmp_path):
    """`invoke check` runs every rule the build runs, including those other plugins add."""
    import io

    from content_checks.command import run

    out = io.StringIO()
    count = run(str(ROOT / "pelicanconf.py"), path=str(FIXTURES / "events-bad" / "content"), out=out)
    text = out.getvalue()
    assert count >= 6
    assert "london.en.md:7: Event-timezone must be an IANA zone name, got 'BST' (try 'Europe/London')" in text
