"""Printed material: each language's leaflet (A5) and poster (A4), as `invoke publish` prints them.

The PDFs are read back with the real tools a reader's printer shop would
trust: pdftotext (the text), pdffonts (every font embedded), pdftoppm and
zbarimg (each QR code scanned from a rendered page).  The project is
published with a fixture mirror list and events laid over the real
content, and CANONICAL_URL set (tests/fixtures/printed/); the real site,
which has no address yet, is checked for the honest "no QR code" text.
"""

import json
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from conftest import (PUBLISH_COMMIT, PUBLISH_EPOCH, ROOT, build_site, content_versions, copy_project,
                      language_folders, pelicanconf, run_invoke)

FIXTURE = ROOT / "tests" / "fixtures" / "printed"
CANONICAL = "https://campaign.example"
KEY_ID = pelicanconf.INTEGRITY["key_id"]
SITE_NAME = "Solidarity Against Repression in China & Hong Kong"
NO_ADDRESS = "No web address of the site was set when this was printed, so it carries no QR code for one."


# ------------------------------------------------------------ helpers

def catalog_text(code, msgid):
    """`msgid` as the language's catalog translates it (the default language: the msgid)."""
    if code == pelicanconf.DEFAULT_LANG:
        return msgid
    locale = pelicanconf.LANGUAGES[code]["locale"]
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        message = read_po(handle, locale=locale)[msgid]
    assert message is not None and message.string, (code, msgid)
    return message.string


def squeeze(text):
    """Text without any white space: pdftotext breaks lines where the layout did."""
    return re.sub(r"\s+", "", text)


def pdf_text(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_fonts(path):
    """[(name, embedded)] of every font pdffonts lists."""
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    assert lines[1].startswith("---"), lines[:2]
    fonts = []
    for line in lines[2:]:
        fields = line.split()
        # name ... emb sub uni object-number generation
        fonts.append((fields[0], fields[-5]))
    return fonts


def qr_codes(path, tmp_path):
    """Every QR code zbarimg finds on the PDF's pages rendered at 150 dpi by pdftoppm."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    prefix = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(prefix)], check=True, capture_output=True)
    found = []
    for image in sorted(tmp_path.glob(f"{path.stem}*.png")):
        # zbarimg prints D-Bus noise on stderr; the codes are on stdout, one per line.
        scan = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(image)],
                              capture_output=True, text=True)
        assert scan.returncode in (0, 4), scan.stderr  # 4: no code on this page
        found += [line for line in scan.stdout.splitlines() if line]
    return found


def material_links(site, code):
    """{(language code, document): PDF path} linked from one language's copies page."""
    folder = language_folders()[code]
    page = BeautifulSoup((site / folder / "copies.html").read_text(encoding="utf-8"), "html.parser")
    section = page.find("section", class_="printed-files")
    assert section is not None, code
    bcp47_to_code = {entry["bcp47"]: lang for lang, entry in pelicanconf.LANGUAGES.items()}
    links = {}
    for link in section.find_all("a", href=True):
        assert link["type"] == "application/pdf"
        target = (site / folder / link["href"]).resolve().relative_to(site.resolve()).as_posix()
        kind = "leaflet" if "leaflet" in target else "poster"
        links[(bcp47_to_code[link["hreflang"]], kind)] = target
    return links


def fixture_mirrors():
    import yaml

    listed = yaml.safe_load((FIXTURE / "mirrors.yml").read_text(encoding="utf-8"))["mirrors"]
    return [m["url"] for m in listed if m.get("official")], [m["url"] for m in listed if not m.get("official")]


def fixture_content(dest):
    """The real content with the fixture's mirror list and events laid over it."""
    shutil.copytree(ROOT / "content", dest)
    shutil.copyfile(FIXTURE / "mirrors.yml", dest / "mirrors.yml")
    for event in (FIXTURE / "events").iterdir():
        shutil.copyfile(event, dest / "events" / event.name)
    return dest


def publish_fixture(base, env):
    project = copy_project(base / "project", content=fixture_content(base / "content"))
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as handle:
        handle.write(f"\nCANONICAL_URL = {CANONICAL!r}\n")
    result = run_invoke(project, "publish", "--output", str(project / "output"),
                        env={"SOURCE_DATE_EPOCH": PUBLISH_EPOCH, "BUILD_COMMIT": PUBLISH_COMMIT, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "output", result.stdout


@pytest.fixture(scope="module")
def printed_run(tmp_path_factory):
    """The fixture project published once: (output folder, publish's output)."""
    return publish_fixture(tmp_path_factory.mktemp("printed"), {"TZ": "Asia/Hong_Kong", "LANG": "C.UTF-8"})


@pytest.fixture(scope="module")
def printed(printed_run):
    return printed_run[0]


def pdfs(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.pdf"))


# ------------------------------------------------------------ what is printed

def test_publish_writes_a_leaflet_and_a_poster_per_language_and_reports_the_time(printed_run):
    site, log = printed_run
    expected = sorted(f"{folder}print/{kind}.{code}.pdf" for code, folder in language_folders().items()
                      for kind in ("leaflet-a5", "poster-a4"))
    assert pdfs(site) == expected
    assert re.search(rf"publish: {len(expected)} PDFs of printed material, site\.zim "
                     rf"\(PDFs [0-9.]+ s, ZIM [0-9.]+ s\)", log), log
    for rel in expected:
        info = subprocess.run(["pdfinfo", str(site / rel)], check=True, capture_output=True, text=True).stdout
        size = "419.528 x 595.276" if "leaflet" in rel else "595.276 x 841.89"  # A5, A4 in points
        assert re.search(rf"Page size: +{size} pts", info), (rel, info)
        assert "CreationDate:    Mon Nov 24 16:00:00 2025 UTC" in info, (rel, info)
    assert not list(site.rglob("publish-inputs")), "the print HTML is consumed, never published"


def test_each_pdf_shows_its_own_language(printed):
    summaries = {lang: fields["summary"] for lang, fields in content_versions()[("statements", "campaign-launch")].items()}
    names = {code: catalog_text(code, SITE_NAME) for code in pelicanconf.LANGUAGES}
    for code, folder in language_folders().items():
        for kind in ("leaflet-a5", "poster-a4"):
            text = squeeze(pdf_text(printed / f"{folder}print/{kind}.{code}.pdf"))
            assert squeeze(names[code]) in text, (code, kind)
            for other, name in names.items():
                if name != names[code]:
                    assert squeeze(name) not in text, (code, kind, other)
            assert squeeze(catalog_text(code, "Next events")) in text, (code, kind)
            assert squeeze(catalog_text(code, "The campaign's website")) in text, (code, kind)
            assert squeeze(summaries[code]) in text, (code, kind)
            assert KEY_ID in text, (code, kind)
            assert squeeze(catalog_text(code, NO_ADDRESS)) not in text, (code, kind)


def test_the_next_events_soonest_first_at_most_three_and_none_past(printed):
    text = squeeze(pdf_text(printed / "print/leaflet-a5.en.pdf"))
    titles = ["Hong Kong vigil for the prisoners", "London rally in solidarity", "Online forum with activists"]
    positions = [text.find(squeeze(title)) for title in titles]
    assert -1 not in positions and positions == sorted(positions), positions
    assert squeeze("Vortrag in Berlin") not in text  # the fourth upcoming event
    assert squeeze("Past meeting that is over") not in text
    assert squeeze("Campaign launch meeting") not in text  # the real 2021 event is over
    # The Traditional Chinese leaflet lists the vigil's translation, the others in their original.
    hant = squeeze(pdf_text(printed / f"{language_folders()['zh-hant']}print/leaflet-a5.zh-hant.pdf"))
    assert "香港聲援囚犯燭光集會" in hant and squeeze("London rally in solidarity") in hant
    assert squeeze(catalog_text("zh-hant", "No upcoming events are listed at the moment.")) not in hant


def test_every_font_is_embedded_and_chinese_prints_in_noto_cjk_of_its_region(printed):
    for rel in pdfs(printed):
        fonts = pdf_fonts(printed / rel)
        assert fonts, rel
        assert all(embedded == "yes" for _name, embedded in fonts), (rel, fonts)
        families = {name.split("+", 1)[1] for name, _embedded in fonts}
        code = rel.rsplit(".", 2)[-2]
        tag = pelicanconf.LANGUAGES[code]["bcp47"]
        if tag.startswith("zh-Hant-HK"):
            assert {"Noto-Sans-CJK-HK", "Noto-Sans-CJK-HK-Bold"} <= families, (rel, families)
        elif tag.startswith("zh-Hans"):
            assert {"Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= families, (rel, families)
        else:
            assert not any("CJK" in family for family in families), (rel, families)


def test_qr_codes_scan_to_the_site_and_the_first_official_mirrors_exactly(printed, tmp_path):
    official, unofficial = fixture_mirrors()
    count = pelicanconf.PRINTED["qr_mirrors"]
    assert len(official) > count >= 1, "the fixture lists more official mirrors than get a code"
    for code, folder in language_folders().items():
        for kind in ("leaflet-a5", "poster-a4"):
            scanned = qr_codes(printed / f"{folder}print/{kind}.{code}.pdf", tmp_path / f"{code}-{kind}")
            assert sorted(scanned) == sorted([f"{CANONICAL}/{folder}", *official[:count]]), (code, kind, scanned)
            assert not set(scanned) & set(unofficial)


def test_the_pdfs_are_on_every_copies_page_in_the_manifest_the_bundles_and_sha256sums(printed):
    every = {(code, kind) for code in pelicanconf.LANGUAGES for kind in ("leaflet", "poster")}
    for code in pelicanconf.LANGUAGES:
        links = material_links(printed, code)
        assert set(links) == every, code
        for (lang, _kind), target in links.items():
            assert (printed / target).is_file(), (code, target)
            assert target.endswith(f".{lang}.pdf"), target
    sums = (printed / "SHA256SUMS").read_text(encoding="utf-8")
    manifest = {entry["path"] for entry in json.loads((printed / "manifest.json").read_text())["files"]}
    with zipfile.ZipFile(printed / "site.zip") as packed:
        zipped = set(packed.namelist())
    for rel in pdfs(printed):
        assert f"SHA256 ({rel}) = " in sums and rel in manifest and f"site/{rel}" in zipped, rel
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=printed, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_two_publishes_give_byte_identical_pdfs(published_pair):
    """The real site published from two folders, in other time zones, locales and file orders."""
    first, second = published_pair
    assert pdfs(first) == pdfs(second) and pdfs(first)
    for rel in pdfs(first):
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_the_zim_links_files_beside_the_copy_to_the_canonical_address(printed):
    from libzim.reader import Archive

    archive = Archive(str(printed / "site.zim"))
    verify = bytes(archive.get_entry_by_path("verify.html").get_item().content).decode("utf-8")
    hrefs = {a["href"] for a in BeautifulSoup(verify, "html.parser").find_all("a", href=True)}
    # The signature is linked only from signed publishes (INTEGRITY["signed"]); this one is not.
    site_page = BeautifulSoup((printed / "verify.html").read_text(encoding="utf-8"), "html.parser")
    beside = {"SHA256SUMS", "SHA256SUMS.minisig", "site.zip", "site.tar.gz", "site.zim"}
    linked = {a["href"].rsplit("/", 1)[-1] for a in site_page.find_all("a", href=True)} & beside
    assert {"SHA256SUMS", "site.zip", "site.tar.gz"} <= linked
    for name in linked:
        assert f"{CANONICAL}/{name}" in hrefs and f"./{name}" not in hrefs and name not in hrefs, name
    assert "manifest.json" in hrefs or "./manifest.json" in hrefs  # the ZIM holds the manifest
    assert archive.get_metadata("Source").decode() == CANONICAL


# ------------------------------------------------------------ without an address

def test_without_canonical_url_no_qr_code_and_the_text_says_so(published, tmp_path):
    """The real site names no address yet and lists no mirror: no code at all, never a relative one."""
    assert pelicanconf.CANONICAL_URL == ""
    for code, folder in language_folders().items():
        for kind in ("leaflet-a5", "poster-a4"):
            path = published / f"{folder}print/{kind}.{code}.pdf"
            assert qr_codes(path, tmp_path / f"{code}-{kind}") == [], path
            text = squeeze(pdf_text(path))
            assert squeeze(catalog_text(code, NO_ADDRESS)) in text, (code, kind)
            assert "http" not in text and ".html" not in text, (code, kind)
            assert squeeze(catalog_text(code, "No upcoming events are listed at the moment.")) in text


# ------------------------------------------------------------ the build's half

def test_a_development_build_writes_no_print_sources_and_links_no_pdf(real_site):
    assert not list(real_site.output.rglob("publish-inputs")) and not list(real_site.output.rglob("*.pdf"))
    page = real_site.html("copies.html")
    assert page.find("section", class_="printed-files") is None and page.find("section", class_="offline-files") is None


def test_missing_fonts_stop_publishing_with_what_to_install(tmp_path):
    """A machine whose fontconfig has no Noto CJK would print Chinese as empty boxes: publish stops."""
    from printed.plugin import DEFAULTS, JOBS, SOURCES

    sources = tmp_path / "site" / "zh-hant" / "publish-inputs" / SOURCES
    sources.mkdir(parents=True)
    (sources / "leaflet.html").write_text(
        '<!DOCTYPE html><html lang="zh-Hant-HK"><head><meta charset="utf-8"><style>'
        'html { font-family: "Noto Sans CJK HK"; }</style></head><body><p>團結</p></body></html>',
        encoding="utf-8")
    (sources / JOBS).write_text(json.dumps({"format": 1, "lang": "zh-hant", "fonts": sorted(DEFAULTS["fonts"].values()),
                                            "documents": [{"html": "leaflet.html", "paper": "A5",
                                                           "pdf": "print/leaflet-a5.zh-hant.pdf"}]}))
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                          '<dir>/usr/share/fonts/truetype/dejavu</dir>'
                          f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>', encoding="utf-8")
    script = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/plugins']\n"
              "from sitetools.printed import PrintError, write_pdfs\n"
              "try:\n    write_pdfs(sys.argv[2])\nexcept PrintError as exc:\n    print(exc); sys.exit(3)\n")
    env = {"FONTCONFIG_FILE": str(fonts_conf), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", script, str(ROOT), str(tmp_path / "site")], capture_output=True,
                         text=True, env=env)
    assert run.returncode == 3, run.stdout + run.stderr
    # fontconfig falls back to a DejaVu face, one the material does not use or one with no Chinese.
    message = run.stdout.strip()
    assert message.startswith(f"printed: {sources / 'leaflet.html'}"), message
    assert ("would print with the font 'DejaVu" in message
            or "the font 'DejaVu Sans' has no glyph for U+5718, U+7D50" in message), message
    assert "install Debian's fonts-noto-cjk" in message, message
    assert not list((tmp_path / "site").rglob("*.pdf"))
    # With the system's fonts the same document prints.
    run = subprocess.run([sys.executable, "-c", script, str(ROOT), str(tmp_path / "site")], capture_output=True,
                         text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "團結" in pdf_text(tmp_path / "site" / "zh-hant" / "print" / "leaflet-a5.zh-hant.pdf")


def test_a_piece_that_does_not_exist_prints_no_text_and_publish_says_so(tmp_path):
    result = build_site(tmp_path, ROOT / "content", base="publishconf.py",
                        settings='PRINTED = {**PRINTED, "published": True, "text_from": "no-such-piece"}\n')
    assert result.returncode == 0, result.log
    jobs = json.loads((result.output / "publish-inputs" / "printed" / "printed.json").read_text())
    (note,) = jobs["notes"]
    assert note.startswith("PRINTED['text_from'] is 'no-such-piece', but no piece has that slug")
    leaflet = BeautifulSoup((result.output / "publish-inputs" / "printed" / "leaflet.html").read_text(), "html.parser")
    assert leaflet.find(class_="text") is None and leaflet.find("h1") is not None
    script = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/plugins']\n"
              "from sitetools.printed import write_pdfs\nprint(write_pdfs(sys.argv[2])[1])\n")
    run = subprocess.run([sys.executable, "-c", script, str(ROOT), str(result.output)], capture_output=True, text=True)
    assert run.returncode == 0 and "no-such-piece" in run.stdout, run.stdout + run.stderr
