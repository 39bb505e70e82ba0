"""A right-to-left language is one table entry plus a catalog."""

from conftest import FIXTURES

RTL_SETTINGS = f"""
LANGUAGES = {{
    "en": {{"locale": "en_GB", "name": "English", "dir": "ltr", "bcp47": "en-GB"}},
    "ar": {{"locale": "ar", "name": "العربية", "dir": "rtl", "bcp47": "ar"}},
}}
I18N_SUBSITES = {{code: {{}} for code in LANGUAGES if code != DEFAULT_LANG}}
TRANSLATIONS_PATH = {str(FIXTURES / "rtl" / "translations")!r}
"""


def test_rtl_language(build):
    result = build("rtl", RTL_SETTINGS)
    assert result.returncode == 0, result.log
    page = result.html("ar/statements/hello.html")
    assert page.html["lang"] == "ar"
    assert page.html["dir"] == "rtl"
    assert page.find("a", class_="skip-link").text == "تخطى إلى المحتوى"
    # The English fallback copy inside the RTL site keeps its own direction.
    fallback = result.html("ar/statements/only.html").find("article")
    assert fallback["lang"] == "en-GB" and fallback["dir"] == "ltr"
    assert fallback.find("aside")["dir"] == "rtl"
    english = result.html("statements/hello.html")
    assert english.html["dir"] == "ltr"
    names = [a.text for a in english.find("nav", class_="languages").find_all("a")]
    assert names == ["English", "العربية"]
