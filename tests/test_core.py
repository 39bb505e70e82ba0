"""The plugin core (plugins/sitecore): settings, build state, content model, one read per file.

Fast in-process tests of the parts, and real builds for what only a build
shows: plugins in any order, configuration mistakes ending in one message
and exit status 1, every file converted at most twice however many
languages, and repeated builds in one process.
"""

import filecmp
import random
import re
import subprocess
import sys
import textwrap

import pytest

from conftest import FIXTURES, ROOT, build_site, language_folders, other_languages, write_settings

sys.path.insert(0, str(ROOT / "plugins"))

import pelicanconf  # noqa: E402
from sitecore import ConfigError, plugin_config  # noqa: E402
from sitecore.model import ContentModel  # noqa: E402
from sitecore.state import BuildState  # noqa: E402

DEFAULTS = {"name": "x", "count": 3, "flag": False, "items": ["a"], "anything": None}


# ------------------------------------------------------------ settings reading

def test_settings_are_merged_over_defaults():
    conf = plugin_config({"THING": {"count": 5}}, "THING", DEFAULTS)
    assert conf == {**DEFAULTS, "count": 5}


def test_missing_setting_gives_the_defaults():
    assert plugin_config({}, "THING", DEFAULTS) == DEFAULTS


@pytest.mark.parametrize("value, message", [
    ({"colour": "red"}, "thing: unknown THING key 'colour' (the keys are: anything, count, flag, items, name)"),
    ({"count": "3"}, "thing: THING['count'] must be int, got '3'"),
    ({"count": True}, "thing: THING['count'] must be int, got True"),
    ({"flag": 1}, "thing: THING['flag'] must be bool, got 1"),
    ({"items": "a"}, "thing: THING['items'] must be list or tuple, got 'a'"),
])
def test_bad_settings_raise_one_configuration_error(value, message):
    with pytest.raises(ConfigError) as raised:
        plugin_config({"THING": value}, "THING", DEFAULTS)
    assert raised.value.message == message
    assert str(raised.value) == f"configuration error: {message}"


def test_all_problems_of_a_setting_at_once():
    with pytest.raises(ConfigError) as raised:
        plugin_config({"THING": {"colour": 1, "count": "x"}}, "THING", DEFAULTS)
    assert "unknown THING key 'colour'" in raised.value.message
    assert "THING['count'] must be int" in raised.value.message


def test_explicit_types_and_none_defaults():
    assert plugin_config({"THING": {"anything": object}}, "THING", DEFAULTS)["anything"] is object
    assert plugin_config({"THING": {"count": 2.5}}, "THING", DEFAULTS, types={"count": (int, float)})["count"] == 2.5


def test_a_setting_that_is_no_dict():
    with pytest.raises(ConfigError, match=r"thing: THING must be a dict of settings, got list"):
        plugin_config({"THING": ["count"]}, "THING", DEFAULTS)


# ------------------------------------------------------------ build state

def test_build_state_slots_are_created_once_and_reset():
    state = BuildState()
    first = state.slot("x", list)
    first.append(1)
    assert state.slot("x", list) is first
    state.reset()
    assert state.slot("x", list) == []


# ------------------------------------------------------------ content model

def settings_for(content):
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})


def test_content_model_groups_versions_and_finds_originals():
    model = ContentModel(settings_for(FIXTURES / "multilang" / "content"))
    assert model.problems == []
    langs = {source.lang for source in model.sources}
    assert langs <= set(pelicanconf.LANGUAGES)
    for key, versions in model.pieces.items():
        kind, section, slug = key
        assert all(source.slug == slug and source.section == section for source in versions.values())
        original = model.originals[key]
        assert original in versions
        assert "translation-of" not in versions[original].metadata or all(
            "translation-of" in v.metadata for v in versions.values())


def test_content_model_lines_point_at_the_metadata():
    model = ContentModel(settings_for(FIXTURES / "multilang" / "content"))
    for source in model.sources:
        lines = source.text.splitlines()
        for key, (value, line) in source.metadata.items():
            assert lines[line - 1].lower().startswith(key), (source.path, key, line)
            assert value.split(" ")[0] in lines[line - 1], (source.path, key)


def test_shown_version_is_own_then_preferred_then_fallback():
    model = ContentModel(settings_for(FIXTURES / "multilang" / "content"))
    order = list(pelicanconf.LANGUAGES)
    partial = next(key for key, versions in model.pieces.items() if 1 < len(versions) < len(order))
    versions = model.pieces[partial]
    missing = next(code for code in order if code not in versions)
    assert model.shown_lang(partial, missing, order) == next(code for code in order if code in versions)
    preferred = sorted(versions)[-1]
    model.preferred_sources[(missing, partial)] = preferred
    assert model.shown_lang(partial, missing, order) == preferred
    for code in versions:
        assert model.shown_lang(partial, code, order) == code


# ------------------------------------------------------------ real builds

def test_each_file_is_converted_at_most_twice(tmp_path):
    """Body and Summary, once each, whatever the number of languages."""
    content = FIXTURES / "multilang" / "content"
    output = tmp_path / "output"
    conf = write_settings(tmp_path, content, output)
    result = subprocess.run([sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o", str(output),
                             "--debug"], capture_output=True, text=True, env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.findall(r"sitecore: (\d+) Markdown conversions? for (\d+) files?", result.stdout + result.stderr)
    assert found, result.stdout[-2000:]
    conversions, files = map(int, found[-1])
    sources = [p for p in content.rglob("*.md")]
    assert files == len(sources)
    with_summary = sum(1 for p in sources if re.search(r"(?mi)^summary:", p.read_text(encoding="utf-8")))
    assert conversions == len(sources) + with_summary


def shuffled_plugins(seed):
    plugins = list(pelicanconf.PLUGINS)
    random.Random(seed).shuffle(plugins)
    return plugins


PLUGIN_ORDER_ENV = {"SOURCE_DATE_EPOCH": "1700000000", "BUILD_COMMIT": "core-test"}


@pytest.fixture(scope="module")
def plugins_in_their_order(tmp_path_factory):
    """The real content built with PLUGINS in pelicanconf's order: what every other order must give."""
    reference = build_site(tmp_path_factory.mktemp("reference"), ROOT / "content", env=PLUGIN_ORDER_ENV)
    assert reference.returncode == 0, reference.log
    return reference


@pytest.mark.parametrize("order", ["reversed", "seed-1", "seed-2"])
def test_plugins_load_in_any_order(tmp_path, order, plugins_in_their_order):
    plugins = list(reversed(pelicanconf.PLUGINS)) if order == "reversed" else shuffled_plugins(int(order[-1]))
    assert plugins != list(pelicanconf.PLUGINS)
    result = build_site(tmp_path, ROOT / "content", f"PLUGINS = {plugins!r}\n", env=PLUGIN_ORDER_ENV)
    assert result.returncode == 0, result.log
    compared = filecmp.dircmp(result.output, plugins_in_their_order.output)
    assert_same_tree(compared)


def assert_same_tree(compared):
    assert not compared.left_only and not compared.right_only, (compared.left_only, compared.right_only)
    _match, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
    assert not mismatch and not errors, (compared.left, mismatch, errors)
    for sub in compared.subdirs.values():
        assert_same_tree(sub)


CONFIG_MISTAKES = [
    ('LANGUAGES = {**LANGUAGES, "de": {**LANGUAGES["de"], "dir": "sideways"}}\n',
     "LANGUAGES['de']['dir'] must be 'ltr' or 'rtl', got 'sideways'"),
    ('LANGUAGES = {**LANGUAGES, "de": {"locale": "de_DE", "name": "Deutsch", "dir": "ltr"}}\n',
     "LANGUAGES['de'] lacks bcp47"),
    (f'TRANSLATIONS_PATH = {str(FIXTURES)!r}\n',
     f"no catalog for language {other_languages()[0]!r}: expected"),
    # Issue 11: an event without an end has none; the setting that made one up is gone.
    ('EVENTS = {"default_duration": 120}\n', "events: EVENTS['default_duration'] is no longer used"),
    ('EVENTS = {"default_duration": "two hours"}\n', "EVENTS['default_duration'] is no longer used"),
    ('MULTILANG = {"fallback_order": "en"}\n', "multilang: MULTILANG['fallback_order'] must be list or tuple, got 'en'"),
    ('ZH_CONVERT = {"targets": []}\n', "zh_convert: ZH_CONVERT['targets'] must be dict, got []"),
    ('MIRRORS = {"footer_count": "three"}\n', "mirrors: MIRRORS['footer_count'] must be int, got 'three'"),
    ('MIRRORS = {"qr_size": 4}\n', "mirrors: unknown MIRRORS key 'qr_size'"),
    ('INTEGRITY = {**INTEGRITY, "published": "yes"}\n', "integrity: INTEGRITY['published'] must be bool, got 'yes'"),
    ('SITECORE = {"workers": "2"}\n', "sitecore: SITECORE['workers'] must be int, got '2'"),
    ('INTEGRITY = {**INTEGRITY, "key_id": "0123456789ABCDEF"}\n',
     "INTEGRITY['key_id'] is 0123456789ABCDEF but "),
    ('INTEGRITY = {**INTEGRITY, "key_id": "7FF7"}\n', "INTEGRITY['key_id'] must be 16 hexadecimal digits"),
    ('INTEGRITY = {**INTEGRITY, "key_id": ""}\n', "INTEGRITY['key_id'] is empty: set it to 7FF712C4C8DE473D"),
    ('EVENTS = {"site_url": "https://campaign.example"}\n', "EVENTS['site_url'] has moved: set CANONICAL_URL"),
    ('CANONICAL_URL = "campaign.example"\n', "CANONICAL_URL must be an absolute http(s) address"),
]


@pytest.mark.parametrize("settings, message", CONFIG_MISTAKES)
def test_configuration_mistakes_end_with_one_message(build, settings, message):
    result = build("multilang", settings)
    assert result.returncode == 1, result.log
    assert message in result.log
    assert "Traceback" not in result.log


def test_two_builds_in_one_process_start_fresh(tmp_path):
    """`pelican -r`, livereload and test runs build again in one process:
    the second build must not see the first one's state, even after a crash."""
    broken = tmp_path / "broken"
    (broken / "statements").mkdir(parents=True)
    (broken / "statements" / "x.en.md").write_text("Title: X\nSlug: x\nLang: xx\nDate: 2024-01-01\n\nText.\n")
    good = FIXTURES / "multilang" / "content"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pelican import Pelican
        from pelican.settings import read_settings

        def build(content, output):
            settings = read_settings({str(ROOT / 'pelicanconf.py')!r}, override={{
                "PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": {str(tmp_path / 'cache')!r},
                "I18N_GETTEXT_LOCALEDIR": {str(tmp_path / 'cache' / 'locale')!r}}})
            Pelican(settings).run()

        try:
            build({str(broken)!r}, {str(tmp_path / 'out-broken')!r})
        except SystemExit as exc:
            print("first build stopped:", exc)
        build({str(good)!r}, {str(tmp_path / 'out-good')!r})
        build({str(good)!r}, {str(tmp_path / 'out-again')!r})
        from sitecore import STATE  # importable once the settings put plugins/ on the path

        print("slots after the builds:", sorted(STATE._slots))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={"SOURCE_DATE_EPOCH": "1700000000", "BUILD_COMMIT": "x", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "first build stopped: content_checks: 1 problem" in result.stdout
    assert "slots after the builds: []" in result.stdout
    (tmp_path / "ref").mkdir()
    reference = build_site(tmp_path / "ref", good, env={"SOURCE_DATE_EPOCH": "1700000000", "BUILD_COMMIT": "x"})
    assert reference.returncode == 0, reference.log
    assert_same_tree(filecmp.dircmp(tmp_path / "out-good", reference.output))
    assert_same_tree(filecmp.dircmp(tmp_path / "out-again", reference.output))



# ------------------------------------------------------------ rebuilds

def build_into(tmp_path, name, content, settings="", cache=None, epoch="1700000000", debug=False):
    """A build of `content` into tmp_path/name, with its own or a given cache folder."""
    folder = tmp_path / name
    folder.mkdir()
    extra = f"CACHE_PATH = {str(cache)!r}\n" if cache else ""
    result = build_site(folder, content, settings + extra, debug=debug,
                        env={"SOURCE_DATE_EPOCH": epoch, "BUILD_COMMIT": "rebuild-test", "COLUMNS": "400"})
    assert result.returncode == 0, result.log
    return result


PAGE_COUNTS = re.compile(r"sitecore: (\d+) item pages rendered, (\d+) kept from the previous build")


def page_counts(result):
    """(rendered, kept) item pages over both writing processes, from the debug log."""
    found = PAGE_COUNTS.findall(result.log)
    assert found, result.log[-2000:]
    return sum(int(r) for r, _k in found), sum(int(k) for _r, k in found)


def test_a_rebuild_renders_only_the_pages_of_the_edited_piece(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "multilang" / "content", content)
    cache = tmp_path / "kept-cache"
    first = build_into(tmp_path, "first", content, cache=cache, debug=True)
    rendered, kept = page_counts(first)
    assert rendered > 0 and kept == 0
    again = build_into(tmp_path, "again", content, cache=cache, debug=True)
    assert page_counts(again) == (0, rendered)
    # alpha has a Summary, so its body is on its own pages only; each
    # sub-site shows one version of it, and each page's key holds them all.
    target = content / "statements" / "alpha.en.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nAn edit of the body.\n", encoding="utf-8")
    edited = build_into(tmp_path, "edited", content, cache=cache, debug=True)
    assert page_counts(edited) == (len(language_folders()), rendered - len(language_folders()))
    assert "An edit of the body." in (edited.output / "statements" / "alpha.html").read_text(encoding="utf-8")


def test_rebuild_after_a_setting_change_equals_a_cold_build(tmp_path):
    content = FIXTURES / "multilang" / "content"
    cache = tmp_path / "kept-cache"
    first = build_into(tmp_path, "first", content, cache=cache)
    changed = 'NAV_SECTIONS = ["statements"]\n'  # every page's navigation changes
    warm = build_into(tmp_path, "warm", content, changed, cache=cache)
    cold = build_into(tmp_path, "cold", content, changed)
    assert_same_tree(filecmp.dircmp(warm.output, cold.output))
    assert not same_tree(first.output, warm.output)


def test_rebuild_after_an_event_ended_equals_a_cold_build(tmp_path):
    """Kept pages follow what the build's time decides, not only the files:
    between these two builds of the same day the night vigil ends
    (02:00 UTC on 29 March 2026)."""
    content = FIXTURES / "events" / "content"
    cache = tmp_path / "kept-cache"
    before, after = "1774746000", "1774753200"  # 2026-03-29 01:00 and 03:00 UTC
    first = build_into(tmp_path, "first", content, cache=cache, epoch=before)
    warm = build_into(tmp_path, "warm", content, cache=cache, epoch=after)
    cold = build_into(tmp_path, "cold", content, epoch=after)
    assert_same_tree(filecmp.dircmp(warm.output, cold.output))
    assert not same_tree(first.output, warm.output)


EDITS = {
    "body": lambda text: text + "\nA new closing paragraph with *emphasis*.\n",
    "title": lambda text: text.replace("Title: ", "Title: Changed ", 1),
    "summary": lambda text: text.replace("Summary: ", "Summary: Changed ", 1),
}


@pytest.fixture(scope="module")
def unchanged_multilang(tmp_path_factory):
    """The multilang fixture built as it is, cold."""
    return build_into(tmp_path_factory.mktemp("unchanged"), "unchanged", FIXTURES / "multilang" / "content")


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_rebuild_after_an_edit_equals_a_cold_build(tmp_path, edit, unchanged_multilang):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "multilang" / "content", content)
    cache = tmp_path / "kept-cache"
    build_into(tmp_path, "first", content, cache=cache)
    target = sorted(p for p in content.rglob("*.en.md") if "Summary:" in p.read_text(encoding="utf-8"))[0]
    target.write_text(EDITS[edit](target.read_text(encoding="utf-8")), encoding="utf-8")
    warm = build_into(tmp_path, "warm", content, cache=cache)
    cold = build_into(tmp_path, "cold", content)
    assert_same_tree(filecmp.dircmp(warm.output, cold.output))
    assert not same_tree(unchanged_multilang.output, cold.output), "the edit must show in the output"


def same_tree(left, right):
    try:
        assert_same_tree(filecmp.dircmp(left, right))
    except AssertionError:
        return False
    return True


def test_rebuild_after_a_markdown_setting_change_equals_a_cold_build(tmp_path):
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "multilang" / "content", content)
    target = sorted(content.rglob("*.en.md"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n## A heading\n\nText under it.\n", encoding="utf-8")
    cache = tmp_path / "kept-cache"
    build_into(tmp_path, "first", content, cache=cache)
    changed = 'MARKDOWN = {**MARKDOWN, "extension_configs": {**MARKDOWN["extension_configs"], ' \
              '"markdown.extensions.toc": {}}}\n'
    warm = build_into(tmp_path, "warm", content, changed, cache=cache)
    cold = build_into(tmp_path, "cold", content, changed)
    assert_same_tree(filecmp.dircmp(warm.output, cold.output))
    assert 'id="a-heading"' in "".join(p.read_text(encoding="utf-8") for p in warm.output.rglob("*.html"))


# ------------------------------------------------------------ coupling

def test_events_folder_has_its_404_page_and_feed(published):
    """The events plugin takes its category out of the listings; its folder
    still gets a 404 page, and its feed is written like every category's."""
    import xml.etree.ElementTree as ET

    for code, prefix in language_folders().items():
        assert (published / prefix / "events" / "404.html").is_file(), code
        feed = ET.parse(published / prefix / "feeds" / "events.atom.xml").getroot()
        assert feed.tag == "{http://www.w3.org/2005/Atom}feed", code
        links = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")
                 if link.get("rel") == "alternate"]
        pages = [href for href in links if "events/" in href]
        assert pages, code
        for href in pages:
            assert (published / prefix / "feeds" / href).resolve().is_file(), (code, href)


# ------------------------------------------------------------ both cores

def test_parallel_build_writes_the_same_bytes_as_one_process(tmp_path):
    """Rendering in worker processes and two writing processes change nothing."""
    content = FIXTURES / "multilang" / "content"
    serial = build_into(tmp_path, "serial", content, 'SITECORE = {"workers": 1}\n')
    parallel = build_into(tmp_path, "parallel", content, 'SITECORE = {"workers": 2, "parallel_from": 1}\n')
    assert_same_tree(filecmp.dircmp(serial.output, parallel.output))
    assert len(list(parallel.output.rglob("*.html"))) > 40


def test_parallel_rendering_still_converts_each_file_at_most_twice(tmp_path):
    content = FIXTURES / "multilang" / "content"
    output = tmp_path / "output"
    conf = write_settings(tmp_path, content, output, 'SITECORE = {"workers": 2, "parallel_from": 1}\n')
    result = subprocess.run([sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o", str(output),
                             "--debug"], capture_output=True, text=True, env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    conversions, files = map(int, re.findall(r"sitecore: (\d+) Markdown conversions? for (\d+) files?",
                                             result.stdout)[-1])
    sources = list(content.rglob("*.md"))
    assert files == len(sources)
    assert conversions == len(sources) + sum(1 for p in sources if "Summary:" in p.read_text(encoding="utf-8"))


def test_a_failure_in_the_second_writing_process_fails_the_build(tmp_path):
    """The child writes every other language's listings (and half of every
    sub-site's item pages); its error must stop the build."""
    import shutil

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    child_lang = list(pelicanconf.I18N_SUBSITES)[0]
    index = theme / "templates" / "index.html"
    # Fails only when the home page is written, only in that language's
    # sub-site: a page that only its owner writes.
    index.write_text(index.read_text(encoding="utf-8").replace(
        "{% block content %}", f'{{% block content %}}{{% if DEFAULT_LANG == "{child_lang}" %}}'
                               '{{ no_such_thing.attribute }}{% endif %}', 1), encoding="utf-8")
    assert "no_such_thing" in index.read_text(encoding="utf-8")
    result = build_site(tmp_path, FIXTURES / "multilang" / "content",
                        f'THEME = {str(theme)!r}\nSITECORE = {{"workers": 2}}\n')
    assert result.returncode == 1, result.log
    assert "no_such_thing" in result.log
    line = next(line for line in result.log.splitlines() if "sitecore: writing the sub-sites" in line)
    assert child_lang in line and "failed" in line, line


def test_cached_checks_still_see_a_removed_link_target(tmp_path):
    """Per-file problems are kept between builds; a change elsewhere that
    breaks a file (its link target removed) is still reported."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "multilang" / "content", content)
    (content / "statements" / "linker.en.md").write_text(
        "Title: Linker\nSlug: linker\nLang: en\nDate: 2024-01-02\n\nSee [the target]({filename}target.en.md).\n",
        encoding="utf-8")
    (content / "statements" / "target.en.md").write_text(
        "Title: Target\nSlug: target\nLang: en\nDate: 2024-01-01\n\nText.\n", encoding="utf-8")
    cache = tmp_path / "kept-cache"
    build_into(tmp_path, "first", content, cache=cache)
    (content / "statements" / "target.en.md").unlink()
    folder = tmp_path / "second"
    folder.mkdir()
    result = build_site(folder, content, f"CACHE_PATH = {str(cache)!r}\n")
    assert result.returncode == 1, result.log
    assert "content/statements/linker.en.md:6: {filename}target.en.md does not exist" in result.log


def test_rebuild_after_a_template_or_catalog_change_equals_a_cold_build(tmp_path):
    """Compiled templates and rendered Markdown are kept between builds;
    neither may hide an edited template or catalog."""
    import shutil

    content = FIXTURES / "multilang" / "content"
    theme, translations = tmp_path / "theme", tmp_path / "translations"
    shutil.copytree(ROOT / "theme", theme)
    shutil.copytree(ROOT / "translations", translations, ignore=shutil.ignore_patterns("*.mo"))
    settings = f"THEME = {str(theme)!r}\nTRANSLATIONS_PATH = {str(translations)!r}\n"
    cache = tmp_path / "kept-cache"
    first = build_into(tmp_path, "first", content, settings, cache=cache)
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</main>", "</main>\n<p>Template edited.</p>", 1),
                    encoding="utf-8")
    catalog = translations / "de_DE" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    assert 'msgid "Skip to content"\nmsgstr "' in text
    catalog.write_text(text.replace('msgid "Skip to content"\nmsgstr "', 'msgid "Skip to content"\nmsgstr "Neu: ', 1),
                       encoding="utf-8")
    warm = build_into(tmp_path, "warm", content, settings, cache=cache)
    cold = build_into(tmp_path, "cold", content, settings)
    assert_same_tree(filecmp.dircmp(warm.output, cold.output))
    assert "Template edited." in (warm.output / "index.html").read_text(encoding="utf-8")
    assert "Neu: " in (warm.output / "de" / "index.html").read_text(encoding="utf-8")
    assert not same_tree(first.output, warm.output)


def test_rules_run_in_the_workers_report_what_one_process_reports(tmp_path):
    """The content rules run in the rendering workers (SITECORE parallel_from
    1 forces them on a small folder): the same problems, the same lines."""
    from content_checks.command import find_problems

    content = tmp_path / "content"
    (content / "statements").mkdir(parents=True)
    hostile = sorted((FIXTURES / "allowlist" / "hostile").glob("*.md"))[:12]
    for path in hostile:
        text = re.sub(r"(?m)^Slug: s$", f"Slug: {path.stem}", path.read_text(encoding="utf-8"))
        (content / "statements" / f"{path.stem}.en.md").write_text(text, encoding="utf-8")
    serial = [str(p) for p in find_problems(settings_for(content))]
    assert len({p.split(":")[0] for p in serial}) == len(hostile)
    result = build_site(tmp_path, content, 'SITECORE = {"workers": 2, "parallel_from": 1}\n')
    assert result.returncode == 1
    reported = [line for line in result.log.splitlines() if line.startswith("content/")]
    assert reported == serial
