"""Issue 11, the editors' and publishers' side: conditional text, Review-by, the glossary, the
catalogs' headers, keys from inside a copy, signed and unsigned publishing.

What readers see is checked in Chromium (tests/test_browser.py); here the builds, `invoke check`,
`invoke translations`, `invoke verify`, `invoke check-mirrors` and `invoke publish` themselves.
"""

import json
import shutil
import subprocess
import textwrap

import pytest
from bs4 import BeautifulSoup

from conftest import (FIXTURES, PUBLISH_EPOCH, ROOT, copy_project, language_folders, other_languages, pelicanconf,
                      run_invoke)

READERS = FIXTURES / "readers" / "content"
# The tests' build time: 2026-04-30 12:00 UTC.  The fixture's `soon` event and `due-soon` review
# date lie after it (the review date 10 days after), `over` and `checked` before it.
EPOCH = "1777550400"


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def check(path, epoch=EPOCH):
    return run_invoke(ROOT, "check", "--path", str(path), env={"SOURCE_DATE_EPOCH": epoch})


# ------------------------------------------------------------ conditional text

MARKER_MISTAKES = [
    ("pages/a.en.md", "Title: A\n\nText. <!-- if donation_urll -->Give.<!-- end -->\n",
     "content/pages/a.en.md:3: unknown condition 'donation_urll' in `<!-- if donation_urll -->`; use one of "
     + ", ".join(sorted(pelicanconf.CAMPAIGN)) + " (in events/ also: upcoming, register, online): the keys of "
     "CAMPAIGN in pelicanconf.py are true when filled in"),
    ("pages/a.en.md", "Title: A\n\nText. <!-- if upcoming -->Come.<!-- end -->\n",
     "content/pages/a.en.md:3: unknown condition 'upcoming'"),
    ("pages/a.en.md", "Title: A\n\n<!-- if email -->\n\nWrite.\n",
     "content/pages/a.en.md:3: `<!-- if email -->` is never closed; add `<!-- end -->` where the conditional "
     "text ends"),
    ("pages/a.en.md", "Title: A\n\nText.\n\n<!-- end -->\n",
     "content/pages/a.en.md:5: `<!-- end -->` without an `<!-- if NAME -->` before it; remove it or add the `if`"),
    ("pages/a.en.md", "Title: A\n\n<!-- if email -->Write.<!-- end --> Now.\n",
     "content/pages/a.en.md:3: `<!-- if email -->` starts a line that goes on after it; put it alone on its own "
     "line (a block of whole paragraphs) or after some text of the paragraph"),
    ("pages/a.en.md", "Title: A\n\nText <!-- if email -->write.\n\nMore.<!-- end -->\n",
     "content/pages/a.en.md:5: `<!-- end -->` does not match `<!-- if email -->` of line 3: put every marker of "
     "a block alone on its own line, or keep all three inside one paragraph"),
    ("pages/a.en.md", "Title: A\n\nText <!-- endif --> more.\n",
     "content/pages/a.en.md:3: '<!-- endif -->' is not a condition marker; write `<!-- if NAME -->`, "
     "`<!-- else -->` and `<!-- end -->` (README, \"Text shown only when it can be acted on\")"),
    ("pages/a.en.md", "Title: A\n\nA <!-- if email -->b<!-- else -->c<!-- else -->d<!-- end -->.\n",
     "content/pages/a.en.md:3: a second `<!-- else -->` for `<!-- if email -->` of line 3"),
]


@pytest.mark.parametrize("name, text, message", MARKER_MISTAKES)
def test_misused_condition_markers_are_named_with_path_and_line(tmp_path, name, text, message):
    write(tmp_path / "content", name, text)
    result = check(tmp_path / "content")
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_markers_in_code_are_text_and_event_conditions_are_known_in_events(tmp_path):
    write(tmp_path / "content", "pages/a.en.md", "Title: A\n\nShow `<!-- if nothing -->` as code.\n")
    write(tmp_path / "content", "events/e.en.md", """
        Title: E
        Date: 2026-01-01
        Event-start: 2026-06-01 19:00
        Event-timezone: Europe/London

        Text. <!-- if upcoming -->Come<!-- if register --> and register<!-- end -->.<!-- end -->
        """)
    result = check(tmp_path / "content")
    assert result.returncode == 0, result.stdout
    assert "No problems found." in result.stdout


@pytest.fixture(scope="module")
def readers_site(tmp_path_factory):
    """The readers fixture built once at the tests' build time, with the donation link filled in."""
    from conftest import build_site

    site = build_site(tmp_path_factory.mktemp("readers"), READERS,
                      'CAMPAIGN = {**CAMPAIGN, "donation_url": "https://donate.example/"}\n',
                      env={"SOURCE_DATE_EPOCH": EPOCH})
    assert site.returncode == 0, site.log  # --fatal warnings: an overdue page does not fail the build
    return site


def test_each_branch_follows_its_setting_and_the_event_state(readers_site):
    ask = readers_site.html("ask.html").find("article").get_text(" ", strip=True)
    assert "Become a monthly sustainer with the link below." in ask  # donation_url filled in
    assert "Ask the campaign how to become a sustainer." not in ask
    assert "Ask us through our accounts." in ask and "Write to us by e-mail." not in ask  # email empty
    soon = readers_site.html("events/soon.html").find("article").get_text(" ", strip=True)
    assert "Please register in advance" in soon and "Invite your friends to this rally." in soon
    over = readers_site.html("events/over.html").find("article")
    assert "Invite your friends" not in over.get_text() and not over.find("a", string="Register")
    assert "<!--" not in (readers_site.output / "ask.html").read_text(encoding="utf-8").split("<main", 1)[1]


def test_the_calendar_still_lists_an_event_that_is_over_with_its_registration_link(readers_site):
    """Only the page stops offering it as current; the calendar file keeps the facts."""
    text = (readers_site.output / "events" / "over.ics").read_text(encoding="utf-8")
    assert "DTSTART;TZID=Europe/London:20260201T180000" in text


# ------------------------------------------------------------ Review-by

@pytest.mark.parametrize("line, message", [
    ("Review-by: 1 June 2027", "content/pages/a.en.md:2: Review-by '1 June 2027' is not a date; write the day the "
                               "facts must be checked again as YYYY-MM-DD, e.g. `Review-by: 2027-06-01`, or remove "
                               "the line"),
    ("Review-by: 2027-02-30", "content/pages/a.en.md:2: Review-by '2027-02-30' is not a date"),
    ("Review-after: 2027-02-01", "content/pages/a.en.md:2: unknown field 'review-after'; the review field is "
                                 "Review-by (YYYY-MM-DD): check the spelling"),
])
def test_a_bad_review_date_is_named_with_path_and_line(tmp_path, line, message):
    write(tmp_path / "content", "pages/a.en.md", f"Title: A\n{line}\n\nText.\n")
    result = check(tmp_path / "content")
    assert result.returncode == 1 and message in result.stdout, result.stdout


def test_invoke_check_warns_14_days_ahead_and_lists_overdue_without_failing():
    result = check(READERS)
    out = result.stdout
    assert result.returncode == 0, out
    assert ("content/pages/due-soon.en.md:5: warning: Review-by 2026-05-10 is in 10 days; check the facts, then "
            "set Modified to the day you checked and Review-by to the next date") in out
    assert "Overdue for review (5; their pages say the information may be out of date):" in out
    for code in language_folders():
        assert f"  content/pages/checked.{code}.md:6: Review-by 2026-03-01, last checked 2026-02-01" in out
    # On 15 January 2026 every date is more than 14 days away, and none has passed.
    earlier = check(READERS, str(int(EPOCH) - 105 * 86400))
    assert "warning: Review-by" not in earlier.stdout and "Overdue" not in earlier.stdout
    assert "Review dates: none due in the next 14 days." in earlier.stdout


def test_a_translation_takes_the_originals_review_date(tmp_path):
    write(tmp_path / "content", "pages/a.en.md", "Title: A\nDate: 2026-01-01\nReview-by: 2026-02-01\n\nText.\n")
    write(tmp_path / "content", "pages/a.de.md", "Title: A\nDate: 2026-01-05\n\nText.\n")
    from conftest import build_site

    site = build_site(tmp_path, tmp_path / "content", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert site.returncode == 0, site.log
    notice = site.html("de/a.html").find("p", class_="review-due")
    assert notice is not None and "1. Januar 2026" in notice.text


# ------------------------------------------------------------ invoke translations: glossary, headers

@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("readers-project") / "project")


def translations_report(project):
    result = run_invoke(project, "translations", "--json", str(project / "report.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, json.loads((project / "report.json").read_text(encoding="utf-8"))


def test_the_real_translations_are_current_with_no_glossary_finding():
    result = run_invoke(ROOT, "translations", "--json", "")
    assert result.returncode == 0, result.stderr
    assert "Glossary: no findings." in result.stdout
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith(("pages/", "statements/",
                                                                                      "background/", "events/"))]
    assert rows and all(set(row[1:]) <= {"original", "translated"} for row in rows), result.stdout
    assert "header still has placeholders" not in result.stdout


def test_every_language_has_a_glossary_and_every_catalog_a_clean_header():
    from translation_status.glossary import glossary_path, header_placeholders, load
    from multilang.multilang import catalog_path

    settings = {"TRANSLATIONS_PATH": str(ROOT / "translations"), "LANGUAGES": pelicanconf.LANGUAGES,
                "I18N_GETTEXT_DOMAIN": "messages"}
    for code in pelicanconf.LANGUAGES:
        assert load(glossary_path(settings, code)), code
    for code in other_languages():
        assert header_placeholders(catalog_path(settings, code)) == [], code


def test_the_glossary_check_catches_planted_avoid_words(project_copy):
    page = project_copy / "content" / "pages" / "about.zh-hant.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n請關注我們。\n", encoding="utf-8")
    planted_line = len(page.read_text(encoding="utf-8").splitlines())
    catalog = project_copy / "translations" / "de_DE" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgstr "Folgt uns"', 'msgstr "Folge uns, wenn du magst"'), encoding="utf-8")
    msgid_line = next(n for n, line in enumerate(text.splitlines(), 1) if line == 'msgid "Follow us"')
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('"Last-Translator: \\n"',
                                                                   '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"'),
                       encoding="utf-8")
    out, data = translations_report(project_copy)
    assert (f"content/pages/about.zh-hant.md:{planted_line}: '關注': this language's glossary uses '追蹤' for to "
            "follow an account on social media") in out
    assert (f"translations/de_DE/LC_MESSAGES/messages.po:{msgid_line}: 'du': this language's glossary uses 'ihr' "
            "for addressing readers (the site says ihr, not du)") in out
    assert "header still has placeholders: FULL NAME, EMAIL@ADDRESS" in out
    assert {(item["lang"], item["word"]) for item in data["glossary"]} == {("zh-hant", "關注"), ("de", "du")}
    # 本運動 contains 運動 words the glossary avoids elsewhere: inside the used term they do not count.
    assert not [item for item in data["glossary"] if item["word"].startswith("運動")]


# ------------------------------------------------------------ keys from inside a copy

@pytest.fixture(scope="module")
def keypair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readers-keys")
    secret, public = folder / "test.key", folder / "test.pub"
    subprocess.run(["minisign", "-G", "-W", "-s", str(secret), "-p", str(public)], check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)
    return secret, public


def test_verify_refuses_a_public_key_inside_the_copy(published, tmp_path, keypair):
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    assert run_invoke(ROOT, "sign", "--key", str(keypair[0]), "--output", str(copy)).returncode == 0
    outside = run_invoke(ROOT, "verify", str(copy), "--public-key", str(keypair[1]))
    assert outside.returncode == 0, outside.stdout
    assert f"key: ID {key_id_of(keypair[1])}" in outside.stdout
    # The same key, kept inside the copy (as a tampered mirror would ship its own), is refused.
    for inside in (copy / "minisign.pub", copy / "de" / "keys" / "minisign.pub"):
        inside.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(keypair[1], inside)
        result = run_invoke(ROOT, "verify", str(copy), "--public-key", str(inside))
        assert result.returncode == 1
        assert f"refusing the public key {inside}: it lies inside {copy}, the copy being checked" in result.stdout
        inside.unlink()
    # A link from outside into the copy is still a key from the copy.
    shutil.copyfile(keypair[1], copy / "minisign.pub")
    (tmp_path / "link.pub").symlink_to(copy / "minisign.pub")
    result = run_invoke(ROOT, "verify", str(copy), "--public-key", str(tmp_path / "link.pub"))
    assert result.returncode == 1 and "refusing the public key" in result.stdout


def key_id_of(public):
    from integrity.plugin import read_public_key

    return read_public_key(str(public))["id"]


def test_check_mirrors_refuses_a_public_key_inside_the_output(project_copy, keypair):
    output = project_copy / "output"
    output.mkdir(exist_ok=True)
    shutil.copyfile(keypair[1], output / "minisign.pub")
    result = run_invoke(project_copy, "check-mirrors", "--public-key", str(output / "minisign.pub"))
    assert result.returncode == 1
    assert "check-mirrors: refusing the public key" in result.stderr and "Traceback" not in result.stderr
    ok = run_invoke(project_copy, "check-mirrors", "--public-key", str(keypair[1]))
    assert ok.returncode == 0, ok.stdout + ok.stderr


# ------------------------------------------------------------ signed and unsigned publishing

def signature_links(folder):
    """The hrefs of every language's verify page that name the signature file."""
    page = f"{pelicanconf.INTEGRITY['verify_page']}.html"
    return {prefix: [a["href"] for a in BeautifulSoup((folder / prefix / page).read_text(encoding="utf-8"),
                                                      "html.parser").find_all("a", href=True)
                     if a["href"].endswith("SHA256SUMS.minisig")]
            for prefix in language_folders().values()}


def test_an_unsigned_publish_links_no_signature(published):
    assert not (published / "SHA256SUMS.minisig").exists()
    assert all(links == [] for links in signature_links(published).values())


def test_a_publish_with_a_key_signs_and_links_the_signature(project_copy, keypair):
    result = run_invoke(project_copy, "publish", "--key", str(keypair[0]), "--output", str(project_copy / "signed"),
                        env={"SOURCE_DATE_EPOCH": PUBLISH_EPOCH, "MINISIGN_SECRET_KEY": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    signed = project_copy / "signed"
    assert (signed / "SHA256SUMS.minisig").is_file()
    for prefix, links in signature_links(signed).items():
        assert len(links) == 1, prefix
        assert (signed / prefix / links[0]).resolve() == (signed / "SHA256SUMS.minisig").resolve()
    check = run_invoke(project_copy, "verify", str(signed), "--public-key", str(keypair[1]))
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_rebuild_after_the_review_date_shows_the_notice_though_no_file_changed(tmp_path):
    """Kept pages (sitecore.pages) follow the build's time: the review notice is a time fact."""
    from conftest import build_site

    content = tmp_path / "content"
    shutil.copytree(READERS, content)
    before = build_site(tmp_path, content, env={"SOURCE_DATE_EPOCH": str(int(EPOCH) - 105 * 86400)})
    assert before.returncode == 0, before.log
    assert before.html("checked.html").find("p", class_="review-due") is None
    after = build_site(tmp_path, content, env={"SOURCE_DATE_EPOCH": EPOCH})  # same cache folder
    assert after.returncode == 0, after.log
    assert after.html("checked.html").find("p", class_="review-due") is not None
    assert after.html("events/over.html").find("p", class_="event-over") is not None
