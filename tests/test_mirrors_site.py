"""The mirror list in the built site: mirrors page, footer, mirrors.json, trace.json."""

import json
import subprocess

import pytest

from conftest import ROOT, bcp47, build_site, language_folders, language_of, pelicanconf, real_mirrors

PREFIXES = list(language_folders().values())
EPOCH = 1717500000  # 2024-06-04T11:20:00Z
OFFICIAL = "https://mirror.example.org/solidarity/"
ONION = "http://exampleonionaddressexampleonionaddressexampleonionadd.onion/"
UNOFFICIAL = "https://unofficial.example.net/copy/"
IPFS = "ipfs://bafybeie5kgw3eg5vcpkqz5kx6g5qk7zvtaevxjpnl6f4ej3hto3brbcbbi/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    result = build_site(tmp_path_factory.mktemp("mirrors"), ROOT / "tests" / "fixtures" / "mirrors" / "content",
                        env={"SOURCE_DATE_EPOCH": str(EPOCH), "BUILD_COMMIT": "0123456789abcdef"})
    assert result.returncode == 0, result.log
    return result


@pytest.mark.parametrize("prefix", PREFIXES)
def test_mirrors_page_lists_every_mirror_with_a_qr_code(site, prefix):
    page = site.html(prefix + "mirrors.html")
    items = page.select("main li.mirror")
    urls = [item.select_one(".mirror-url a")["href"] for item in items]
    # Official mirrors first, each group in the file's order.
    assert urls == [OFFICIAL, ONION, UNOFFICIAL, IPFS]
    for item in items:
        svg = item.select_one("svg.qr")
        assert svg is not None and svg.find("path") is not None
        assert not svg.find_all(style=True)  # the pages' CSP forbids inline styles
    assert page.select_one("main a[href$='mirrors.json']") is not None
    html = page.find("html")
    assert html["lang"] == bcp47(language_of(prefix + "mirrors.html"))


def test_qr_codes_differ_per_mirror(site):
    svgs = [str(svg) for svg in site.html("mirrors.html").select("svg.qr")]
    assert len(set(svgs)) == 4


def test_note_in_the_page_language_with_fallback(site):
    def note(prefix):
        return site.html(prefix + "mirrors.html").select("li.mirror")[0].select_one(".mirror-note").text

    assert note("") == "Run by the campaign."
    assert note("de/") == "Vom Kampagnenteam betrieben."
    assert note("es/") == "Run by the campaign."


def test_mirrors_json_link_resolves_from_every_language(site):
    for prefix in PREFIXES:
        href = site.html(prefix + "mirrors.html").select_one("main a[href$='mirrors.json']")["href"]
        assert (site.output / prefix / href).resolve() == (site.output / "mirrors.json").resolve()


def test_footer_lists_mirrors_on_every_page(site):
    pages = site.files()
    assert len(pages) > 10
    for relpath in pages:
        footer = site.html(relpath).select_one("footer nav.footer-mirrors")
        assert footer is not None, relpath
        links = [a["href"] for a in footer.find_all("a")]
        assert links[:3] == [OFFICIAL, ONION, UNOFFICIAL], relpath
        assert (site.output / relpath).parent.joinpath(links[3]).resolve().name == "mirrors.html"
        assert (site.output / relpath).parent.joinpath(links[3]).resolve().is_file()


def test_mirrors_json_has_the_bypass_censorship_shape(site):
    doc = json.loads((site.output / "mirrors.json").read_text(encoding="utf-8"))
    assert doc["version"] == "2.0"
    (entry,) = doc["sites"]
    assert entry["main_domain"] == "example.org"
    alternatives = {alt["url"]: alt for alt in entry["available_alternatives"]}
    assert set(alternatives) == {OFFICIAL, ONION, UNOFFICIAL, IPFS}
    assert alternatives[OFFICIAL] == {
        "proto": "https", "type": "mirror", "url": OFFICIAL, "created_at": "2024-06-01 00:00:00.000000",
        "updated_at": "2024-07-02 00:00:00.000000", "kind": "https", "official": True}
    assert alternatives[ONION]["proto"] == "tor" and alternatives[ONION]["type"] == "tor"
    assert alternatives[IPFS]["proto"] == "ipfs" and alternatives[IPFS]["updated_at"] == "2024-06-03 00:00:00.000000"
    assert not (site.output / "de" / "mirrors.json").exists()


def test_trace_file_names_the_build(site):
    trace = json.loads((site.output / "trace.json").read_text(encoding="utf-8"))
    assert trace["epoch"] == EPOCH
    assert trace["time"] == "2024-06-04T11:20:00Z"
    assert trace["commit"] == "0123456789abcdef"
    assert trace["build_id"].startswith("20240604T112000Z-")
    assert not (site.output / "de" / "trace.json").exists()


def test_real_site_shows_exactly_the_real_list(real_site):
    """Every mirror of content/mirrors.yml, and no other, on the mirrors page of every language
    (with its QR code) and in mirrors.json; "none listed yet", translated, while the list is empty."""
    result = real_site
    mirrors = real_mirrors()
    urls = [mirror.url for mirror in mirrors]
    doc = json.loads((result.output / "mirrors.json").read_text())
    assert doc["version"] == "2.0"
    alternatives = [alt for entry in doc["sites"] for alt in entry["available_alternatives"]]
    assert sorted(alt["url"] for alt in alternatives) == sorted(urls)
    for alt in alternatives:
        mirror = next(m for m in mirrors if m.url == alt["url"])
        assert (alt["kind"], alt["official"]) == (mirror.kind, mirror.official), alt
        assert alt["created_at"] == f"{mirror.added:%Y-%m-%d} 00:00:00.000000", alt
    assert len(doc["sites"]) == (1 if mirrors else 0)
    default = result.html("mirrors.html")
    for code, prefix in language_folders().items():
        page = result.html(prefix + "mirrors.html")
        items = page.select("main li.mirror")
        assert [item.select_one(".mirror-url a")["href"] for item in items] == urls, prefix
        for item in items:
            assert item.select_one("svg.qr path") is not None, prefix
        empty = page.select_one("main p.no-mirrors")
        if mirrors:
            assert empty is None, prefix
        else:
            assert empty.text.strip(), prefix
            if code != pelicanconf.DEFAULT_LANG:
                assert empty.text != default.select_one("main p.no-mirrors").text, f"{prefix}: not translated"


def test_bad_mirror_list_reports_every_problem(build):
    result = build("mirrors-bad")
    assert result.returncode == 1
    assert "Traceback" not in result.log
    path = "content/mirrors.yml"
    for expected in (
        f"{path}:5: url must start with https://, http:// or ipfs://, got 'ftp://bad.example.org/'",
        f"{path}:5: kind must be one of https, onion, ipfs, git-pages, object-storage, got 'torrent'",
        f"{path}:5: added must be a date written YYYY-MM-DD, got 'June'",
        f"{path}:8: mirror https://ok.example.org/ is listed twice (first on line 2)",
        f"{path}:11: an onion mirror's url must be a .onion address, got 'https://not-onion.example.org/'",
        f"{path}:11: unknown mirror field 'mirror_of'",
    ):
        assert expected in result.log, result.log
    assert not (result.output / "index.html").exists()


def test_a_date_that_does_not_exist_is_reported_at_its_line(build, tmp_path):
    """YAML reads 2024-13-01 as a date and fails to make one: a message, not a traceback."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mirrors" / "content" / "statements", content / "statements")
    (content / "mirrors.yml").write_text(
        "mirrors:\n"
        "  - url: https://ok.example.org/\n"
        "    kind: https\n"
        "    added: 2024-06-01\n"
        "  - url: https://other.example.org/\n"
        "    kind: https\n"
        "    note: Run by a friend.\n"
        "    added: 2024-13-01\n"
        "    updated: 2024-02-30\n", encoding="utf-8")
    result = build(content)
    assert result.returncode == 1
    assert "Traceback" not in result.log
    problems = [line[line.index("content/mirrors.yml"):] for line in result.log.splitlines() if "content/mirrors.yml" in line]
    assert problems == [
        "content/mirrors.yml:8: added must be a date written YYYY-MM-DD, got '2024-13-01' (month must be in 1..12)",
        "content/mirrors.yml:9: updated must be a date written YYYY-MM-DD, got '2024-02-30' "
        "(day is out of range for month)",
    ], result.log
    assert not (result.output / "index.html").exists()
