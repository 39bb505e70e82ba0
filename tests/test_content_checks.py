"""Bad input stops the build with `path:line: message` and exit status 1."""

import pytest

from conftest import languages

CASES = [
    # 'xx' is no language of any table; the message lists the table's codes.
    ("bad-lang", f"content/statements/hello.md:3: unknown Lang 'xx'; use one of {', '.join(languages())}"),
    ("bad-title", "content/statements/hello.md:1: missing Title; add a line such as `Title: Campaign launch`"),
    ("bad-utf8", "content/statements/cafe.md:1: not valid UTF-8 (byte 0xe9 at column 11); save the file with UTF-8 encoding"),
    ("bad-duplicate", "content/statements/same.en.md:1: slug 'same' in language 'en' is already used by content/statements/other.md"),
]


@pytest.mark.parametrize("fixture,message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_fails_with_message(build, fixture, message):
    result = build(fixture)
    assert result.returncode == 1, result.log
    assert message in result.log
    assert "Traceback" not in result.log
    assert "nothing was written" in result.log
    assert not (result.output / "index.html").exists()


def test_all_problems_reported_at_once(build, tmp_path):
    content = tmp_path / "content" / "statements"
    content.mkdir(parents=True)
    (content / "a.md").write_text("Slug: a\nLang: xx\nDate: 2024-06-04\n\nText.\n", encoding="utf-8")
    (content / "b.en.md").write_text("Title: B\nDate: not a date\n\nText.\n", encoding="utf-8")
    result = build(tmp_path / "content")
    assert result.returncode == 1
    assert "content/statements/a.md:1: missing Title" in result.log
    assert "content/statements/a.md:2: unknown Lang 'xx'" in result.log
    assert "content/statements/b.en.md:2: Date 'not a date' is not a date" in result.log
    assert "3 problems" in result.log


def test_uppercase_lang_gets_a_hint(build, tmp_path):
    content = tmp_path / "content" / "statements"
    content.mkdir(parents=True)
    (content / "a.md").write_text("Title: A\nSlug: a\nLang: DE\nDate: 2024-06-04\n\nText.\n", encoding="utf-8")
    result = build(tmp_path / "content")
    assert result.returncode == 1
    assert "unknown Lang 'DE' (codes are lowercase: 'de')" in result.log


def test_a_field_given_twice_is_a_message_not_a_traceback(build, tmp_path):
    """Markdown reads an indented line under a field, or the field written
    again, as a second value; Pelican warned about it, which `--fatal`
    turned into a traceback."""
    content = tmp_path / "content" / "statements"
    content.mkdir(parents=True)
    (content / "my statement.en.md").write_text(
        "Title: A\nSlug: \n    continued value\nLang: en\nDate: 2024-01-01\n\nText.\n", encoding="utf-8")
    (content / "b.en.md").write_text(
        "Title: B\nSlug: b\nLang: en\nDate: 2024-01-01\nDate: 2024-01-02\n\nText.\n", encoding="utf-8")
    (content / "c.en.md").write_text(
        "Title: C\nSlug: c\nLang: en\nDate: 2024-01-01\nSummary: One line\n    and the next.\n\nText.\n",
        encoding="utf-8")
    result = build(tmp_path / "content")
    assert result.returncode == 1, result.log
    assert "Traceback" not in result.log
    assert ("content/statements/my statement.en.md:3: Slug has a second value here (the field written again, "
            "or a line indented under it); Slug takes one value: write it once, on one line") in result.log
    assert "content/statements/b.en.md:5: Date has a second value here" in result.log
    assert "content/statements/c.en.md" not in result.log  # a Summary may take several lines
