"""Translation status (hashes, missing/outdated/converted) and OpenCC conversion (issue 6)."""

import json
import re
import sys

import pytest

from conftest import FIXTURES, ROOT, bcp47, build_site, content_versions, languages, other_languages, resolve

sys.path.insert(0, str(ROOT / "plugins"))
from pelican.settings import read_settings  # noqa: E402
from translation_status.status import format_text, report  # noqa: E402
from zh_convert.convert import Converter, TermsError, load_terms  # noqa: E402

FIXTURE = FIXTURES / "translations"
TERMS = FIXTURE / "zh-terms.txt"
SNIPPET = f"ZH_CONVERT = {{**ZH_CONVERT, 'terms': {str(TERMS)!r}}}\n"


def fixture_settings():
    return read_settings(str(ROOT / "pelicanconf.py"),
                         override={"PATH": str(FIXTURE / "content"),
                                   "ZH_CONVERT": {"targets": read_settings(str(ROOT / "pelicanconf.py"))["ZH_CONVERT"]["targets"],
                                                  "terms": str(TERMS)}})


@pytest.fixture(scope="module")
def status():
    return report(fixture_settings())


def statuses(data, slug):
    piece = next(p for p in data["pieces"] if p["slug"] == slug)
    return {lang: entry["status"] for lang, entry in piece["languages"].items()}


def expected(**found):
    """Every language of the table: "missing", except those given (zh_hant for zh-hant)."""
    return {code: found.get(code.replace("-", "_"), "missing") for code in languages()}


def test_status_finds_translated_outdated_missing_converted(status):
    assert statuses(status, "one") == expected(en="original", de="translated", es="outdated")
    assert statuses(status, "hk") == expected(zh_hant="original", zh_hans="converted")
    assert statuses(status, "two") == expected(zh_hans="original", zh_hant="converted")
    assert status["converted"] == [
        {"section": "background", "slug": "hk", "lang": "zh-hans", "from": "zh-hant"},
        {"section": "statements", "slug": "two", "lang": "zh-hant", "from": "zh-hans"},
    ]


def test_status_text_report(status):
    text = format_text(status)
    assert "content/statements/one.es.md: Translation-of 0123456789, original (en) is now bf934551f6" in text
    assert "background/hk: zh-hans from zh-hant" in text
    assert re.search(r"^  de \(de_DE\): \d+ strings, 0 untranslated, 0 fuzzy$", text, re.M)


def test_catalog_counts(status, tmp_path):
    counts = status["catalogs"]
    assert set(counts) == set(other_languages())
    assert all(c["untranslated"] == 0 and c["fuzzy"] == 0 and c["messages"] > 20 for c in counts.values())
    # A catalog with an untranslated and a fuzzy entry is counted as such.
    root = tmp_path / "translations"
    for code, entry in fixture_settings()["LANGUAGES"].items():
        if code not in other_languages():
            continue
        folder = root / entry["locale"] / "LC_MESSAGES"
        folder.mkdir(parents=True)
        folder.joinpath("messages.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Skip to content"\nmsgstr ""\n\n#, fuzzy\nmsgid "Events"\nmsgstr "Termine"\n', encoding="utf-8")
    (root / "messages.pot").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Skip to content"\nmsgstr ""\n\nmsgid "Events"\nmsgstr ""\n', encoding="utf-8")
    settings = fixture_settings()
    settings["TRANSLATIONS_PATH"] = str(root)
    from translation_status.status import catalog_stats

    assert catalog_stats(settings)["de"] == {"locale": "de_DE", "messages": 2, "untranslated": 1, "fuzzy": 1}


def test_real_content_translations_are_tracked():
    """Every piece of the real content has one original; every other file of it is a tracked, up-to-date
    translation; a language without a file is missing, or converted from the other Chinese script."""
    data = report(read_settings(str(ROOT / "pelicanconf.py")))
    files = {key: set(versions) for key, versions in content_versions().items()}
    assert data["pieces"] and {(piece["section"], piece["slug"]) for piece in data["pieces"]} == set(files)
    for piece in data["pieces"]:
        found = {lang: entry["status"] for lang, entry in piece["languages"].items()}
        assert set(found) == set(languages()), piece["slug"]
        with_file = files[(piece["section"], piece["slug"])]
        assert list(found.values()).count("original") == 1, (piece["slug"], found)
        for lang, state in found.items():
            if lang in with_file:
                assert state in ("original", "translated"), (piece["slug"], lang, state)
            else:
                assert state in ("missing", "converted"), (piece["slug"], lang, state)


def test_opencc_with_word_list():
    terms = load_terms(TERMS)
    assert terms == [("資訊", "信息"), ("梁國雄", "梁國雄")]
    to_simplified = Converter("hk2s", terms)
    # Plain OpenCC keeps the Hong Kong term; the word list gives the mainland one
    # and keeps the name as written.
    assert Converter("hk2s")("網上資訊") == "网上资讯"
    assert to_simplified("梁國雄說：網上資訊對團結運動很重要。") == "梁國雄说：网上信息对团结运动很重要。"
    assert Converter("s2hk", terms)("网上信息") == "網上資訊"


def test_html_markup_is_not_converted():
    from zh_convert.convert import convert_html

    html = '<p>網上資訊 <a href="{static}圖片.png" title="圖片說明">圖片</a></p>'
    assert convert_html(Converter("hk2s"), html) == '<p>网上资讯 <a href="{static}圖片.png" title="图片说明">图片</a></p>'


def test_broken_word_list(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text("資訊 = \n", encoding="utf-8")
    with pytest.raises(TermsError, match=r"terms.txt:1: write `Traditional = Simplified`, or one name alone"):
        load_terms(path)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    result = build_site(tmp_path_factory.mktemp("translations"), FIXTURE / "content", SNIPPET)
    assert result.returncode == 0, result.log
    return result


def test_converted_page_has_simplified_text_and_notice(site):
    page = site.html("zh-hans/background/hk.html")
    assert page.html["lang"] == bcp47("zh-hans")
    article = page.find("article")
    assert not article.has_attr("lang")  # it is this language's version, not a fallback copy
    assert article.h1.text == "网上信息"
    assert "梁國雄说：网上信息对团结运动很重要。" in article.text
    # Markup is not converted: the image keeps its file name, its alt text is converted.
    img = article.find("img")
    assert img["alt"] == "团结的照片"
    assert (site.output / resolve("zh-hans/background/hk.html", img["src"])).is_file()
    notice = article.find("aside", class_="converted")
    assert "本文由中文 (繁体)版本自动转换生成，未经人工校对。" in notice.text
    assert resolve("zh-hans/background/hk.html", notice.a["href"]) == "zh-hant/background/hk.html"
    assert page.find("aside", class_="notice", string=lambda s: s and "尚未" in s) is None
    # Listed as a zh-hans item, with its converted title and summary.
    listing = site.html("zh-hans/background/index.html")
    item = listing.select_one("ul.item-list > li")
    assert item.a.text == "网上信息" and not item.a.has_attr("lang")
    assert "关于网上信息的背景" in item.text
    assert item.find("span", class_="converted-mark").text == "(自动转换)"


def test_converted_traditional_page(site):
    page = site.html("zh-hant/statements/two.html")
    assert page.find("article").h1.text == "第二份聲明"
    notice = page.find("aside", class_="converted")
    assert resolve("zh-hant/statements/two.html", notice.a["href"]) == "zh-hans/statements/two.html"


def test_switcher_leads_to_the_converted_version(site):
    nav = site.html("zh-hant/background/hk.html").find("nav", class_="languages")
    links = {a["hreflang"]: resolve("zh-hant/background/hk.html", a["href"]) for a in nav.find_all("a")}
    assert links[bcp47("zh-hans")] == "zh-hans/background/hk.html"
    # hreflang announces human versions only.
    head = site.html("zh-hant/background/hk.html").head
    assert {link["hreflang"] for link in head.find_all("link", rel="alternate")} == {bcp47("zh-hant")}


def test_human_translation_wins(site, status):
    assert statuses(status, "three")["zh-hans"] == "untracked"  # a human translation, not converted
    page = site.html("zh-hans/statements/three.html")
    assert page.find("aside", class_="converted") is None
    assert page.find("article").h1.text == "第三份声明（人工）"
    assert "人工翻译的简体版本。" in page.text


def test_no_chinese_version_falls_back_without_conversion(site):
    # one.* has no Chinese version at all: the zh sites show the English fallback, not a conversion.
    page = site.html("zh-hans/statements/one.html")
    assert page.find("aside", class_="converted") is None
    assert page.find("article")["lang"] == bcp47("en")


def test_outdated_translation_notice(site):
    page = site.html("es/statements/one.html")
    notice = page.find("aside", class_="outdated")
    assert notice["role"] == "note"
    assert "El original ha cambiado desde que se hizo esta traducción." in notice.text
    assert resolve("es/statements/one.html", notice.a["href"]) == "statements/one.html"
    assert site.html("de/statements/one.html").find("aside", class_="outdated") is None
    assert site.html("statements/one.html").find("aside", class_="outdated") is None


def test_status_page_and_json(site, status):
    data = json.loads((site.output / "translations.json").read_text(encoding="utf-8"))
    assert data["pieces"] == json.loads(json.dumps(status["pieces"]))
    page = site.html("translations.html")
    rows = {row.th.text: [td.text for td in row.find_all("td")] for row in page.select("table.translation-status tbody tr")}
    # One column per language of the table, in its order.
    assert rows["statements/one"] == list(expected(en="original", de="translated", es="outdated").values())
    assert rows["background/hk"][languages().index("zh-hans")] == "converted (from zh-hant)"
    assert "background/hk: zh-hans from zh-hant" in page.text
    # Each existing version is linked, and every link reaches a page.
    links = [resolve("translations.html", a["href"]) for a in page.select("table.translation-status a")]
    assert "es/statements/one.html" in links and "zh-hans/background/hk.html" in links
    assert all((site.output / link).is_file() for link in links)
    assert not (site.output / "de" / "translations.html").exists()
