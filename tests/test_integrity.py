"""`invoke publish`, `sign` and `verify`: reproducible output, checksums, signature, bundles."""

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import zipfile

import pytest

from conftest import (PUBLISH_COMMIT, PUBLISH_EPOCH, ROOT, language_folders, mirrors_setting, pelicanconf,
                      real_mirrors, run_invoke)

SUMS_LINE = re.compile(r"^SHA256 \((.+)\) = ([0-9a-f]{64})$")
NOT_SITE = {"manifest.json", "SHA256SUMS", "SHA256SUMS.minisig", "site.zip", "site.tar.gz", "site.zim"}


def tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def keypair(tmp_path):
    """A throwaway passwordless minisign key pair (the campaign's secret key is never here)."""
    secret, public = tmp_path / "test.key", tmp_path / "test.pub"
    subprocess.run(["minisign", "-G", "-W", "-s", str(secret), "-p", str(public)], check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)
    return secret, public


@pytest.fixture
def signed_copy(published, tmp_path, keypair):
    """A copy of the published output, signed with the test key."""
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    result = run_invoke(ROOT, "sign", "--key", str(keypair[0]), "--output", str(copy))
    assert result.returncode == 0, result.stdout + result.stderr
    return copy


def verify(folder, public_key, *extra):
    return run_invoke(ROOT, "verify", str(folder), "--public-key", str(public_key), *extra)


def test_two_builds_in_other_folders_time_zones_and_locales_are_identical(published_pair):
    first, second = published_pair
    assert (first / "SHA256SUMS").read_bytes() == (second / "SHA256SUMS").read_bytes()
    assert tree(first) == tree(second)


def test_sha256sums_is_bsd_format_sorted_and_covers_every_file(published):
    lines = (published / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    paths = []
    for line in lines:
        match = SUMS_LINE.match(line)
        assert match, line
        paths.append(match[1])
        assert sha256(published / match[1]) == match[2], match[1]
    assert paths == sorted(paths, key=lambda p: p.encode())
    assert set(paths) == set(tree(published)) - {"SHA256SUMS", "SHA256SUMS.minisig"}
    assert {"manifest.json", "site.zip", "site.tar.gz", "index.html", "de/index.html"} <= set(paths)
    # The real GNU tool reads it.
    check = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=published, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_manifest_lists_every_site_file_with_sha256_and_size(published):
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    site = [p for p in tree(published) if p not in NOT_SITE]
    assert [entry["path"] for entry in manifest["files"]] == sorted(site, key=lambda p: p.encode())
    assert manifest["file_count"] == len(site)
    for entry in manifest["files"]:
        path = published / entry["path"]
        assert entry["sha256"] == sha256(path) and entry["size"] == path.stat().st_size, entry["path"]
    assert manifest["source_date_epoch"] == int(PUBLISH_EPOCH)
    assert manifest["commit"] == PUBLISH_COMMIT
    assert manifest["build_id"].startswith("20251124T160000Z-")


@pytest.mark.parametrize("bundle", ["site.zip", "site.tar.gz"])
def test_bundles_unpack_to_exactly_the_site_and_manifest(published, tmp_path, bundle):
    archive = published / bundle
    target = tmp_path / "unpacked"
    if bundle.endswith(".zip"):
        with zipfile.ZipFile(archive) as packed:
            names = packed.namelist()
            infos = packed.infolist()
            packed.extractall(target)
        assert all(info.date_time == (2025, 11, 24, 16, 0, 0) for info in infos)
    else:
        raw = archive.read_bytes()
        assert raw[4:8] == b"\0\0\0\0" and not raw[3] & 0x08  # gzip -n: no mtime, no name
        with tarfile.open(archive) as packed:
            infos = packed.getmembers()
            names = [info.name for info in infos]
            packed.extractall(target, filter="data")
        assert all(info.mtime == int(PUBLISH_EPOCH) and info.uid == 0 and info.gid == 0
                   and info.uname == "" and info.isfile() for info in infos)
    assert names == sorted(names, key=lambda n: n.encode())
    expected = [p for p in tree(published) if p not in NOT_SITE - {"manifest.json"}]
    assert tree(target / "site") == expected and tree(target) == ["site/" + p for p in expected]
    for rel in expected:
        assert (target / "site" / rel).read_bytes() == (published / rel).read_bytes(), rel


def test_real_minisign_accepts_the_signature_and_verify_passes(signed_copy, keypair):
    check = subprocess.run(["minisign", "-Vm", "SHA256SUMS", "-p", str(keypair[1])], cwd=signed_copy,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Signature and comment signature verified" in check.stdout
    assert f"SOURCE_DATE_EPOCH {PUBLISH_EPOCH}" in check.stdout
    result = verify(signed_copy, keypair[1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "faithful" in result.stdout


def test_sign_takes_the_key_from_the_environment(published, tmp_path, keypair):
    copy = tmp_path / "envcopy"
    shutil.copytree(published, copy)
    result = run_invoke(ROOT, "sign", "--output", str(copy),
                        env={"MINISIGN_SECRET_KEY": keypair[0].read_text(encoding="utf-8")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert verify(copy, keypair[1]).returncode == 0


def test_sign_without_a_key_says_what_to_do(published, tmp_path):
    copy = tmp_path / "nokey"
    shutil.copytree(published, copy)
    result = run_invoke(ROOT, "sign", "--output", str(copy), env={"MINISIGN_SECRET_KEY": ""})
    assert result.returncode == 1
    assert "MINISIGN_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_verify_names_every_changed_missing_and_added_file(signed_copy, keypair):
    page = signed_copy / "de" / "about.html"
    data = bytearray(page.read_bytes())
    data[100] ^= 0x01  # one byte of one file
    page.write_bytes(bytes(data))
    (signed_copy / "zh-hant" / "contact.html").unlink()
    (signed_copy / "es" / "statements" / "added.html").write_text("<p>not ours</p>", encoding="utf-8")
    result = verify(signed_copy, keypair[1])
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "changed: de/about.html" in out
    assert "missing: zh-hant/contact.html" in out
    assert "extra: es/statements/added.html" in out
    assert "Traceback" not in out
    assert len([line for line in result.stdout.splitlines() if line.startswith(("verify: changed", "verify: missing", "verify: extra"))]) == 3


def test_verify_rejects_a_signature_by_another_key(signed_copy, keypair, tmp_path):
    other = tmp_path / "other.pub"
    subprocess.run(["minisign", "-G", "-W", "-s", str(tmp_path / "other.key"), "-p", str(other)], check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)
    result = verify(signed_copy, other)
    assert result.returncode == 1
    assert "bad signature" in result.stdout and "Traceback" not in result.stderr


def test_verify_rejects_a_tampered_checksum_file(signed_copy, keypair):
    sums = signed_copy / "SHA256SUMS"
    sums.write_text(sums.read_text(encoding="utf-8").replace("SHA256 (index.html) = ", "SHA256 (index.html) = 0", 1)[:-1],
                    encoding="utf-8")
    result = verify(signed_copy, keypair[1])
    assert result.returncode == 1 and "bad signature" in result.stdout


def test_verify_accepts_an_unpacked_bundle_with_the_signed_sums(signed_copy, keypair, tmp_path):
    with zipfile.ZipFile(signed_copy / "site.zip") as packed:
        packed.extractall(tmp_path / "usb")
    result = verify(tmp_path / "usb" / "site", keypair[1], "--sums", str(signed_copy / "SHA256SUMS"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not in this copy (optional): site.zip" in result.stdout


def test_verify_of_a_missing_folder_fails_cleanly(keypair, tmp_path):
    result = verify(tmp_path / "nowhere", keypair[1])
    assert result.returncode == 1 and "no such folder" in result.stdout and "Traceback" not in result.stderr


def test_every_link_of_the_published_site_and_its_feeds_resolves(signed_copy):
    """Pages, feeds, download and checksum links: every relative link names an existing file."""
    from conftest import internal_links, resolve

    from bs4 import BeautifulSoup

    checked = 0
    for path in sorted(signed_copy.rglob("*")):
        rel = path.relative_to(signed_copy).as_posix()
        if path.suffix == ".html":
            links = [href for _element, href in internal_links(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"))]
        elif path.suffix == ".xml":
            text = path.read_text(encoding="utf-8")
            links = re.findall(r'href="([^"]*)"', text) + re.findall(r'href=&quot;(.*?)&quot;', text)
            assert "urn:uuid:" in text and "tag:" not in text, rel
        else:
            continue
        for href in links:
            if href.startswith("data:"):
                continue
            target = resolve(rel, href)
            if target is not None:
                assert (signed_copy / target).is_file(), f"{rel}: {href}"
                checked += 1
    assert checked > 1000


def test_verify_page_shows_the_public_key_and_links_the_bundles_in_every_language(published):
    from bs4 import BeautifulSoup

    key = (ROOT / "keys" / "minisign.pub").read_text(encoding="utf-8").strip()
    # verify and copies (issue 4), the first mirrors of the real list and the mirrors page (issue 5).
    mirrors = {mirror.url for mirror in real_mirrors()[:mirrors_setting("footer_count")]}
    pages = {f"./{pelicanconf.INTEGRITY[name]}.html" for name in ("verify_page", "copies_page")}
    # Issue 11: every footer also links the page "Reading and acting safely".
    pages.add(f"./{pelicanconf.SAFETY_PAGE}.html")
    verify_page = f"{pelicanconf.INTEGRITY['verify_page']}.html"
    for prefix in language_folders().values():
        page = BeautifulSoup((published / prefix / verify_page).read_text(encoding="utf-8"), "html.parser")
        assert page.find("pre", class_="public-key").text.strip() == key, prefix
        hrefs = {a["href"] for a in page.find_all("a", href=True)}
        root = "../" if prefix else ""
        for name in ("site.zip", "site.tar.gz", "SHA256SUMS", "manifest.json"):
            assert f"./{root}{name}" in hrefs or f"{root}{name}" in hrefs, (prefix, name, hrefs)
        # Issue 11: this publish had no key, so no link to a signature that does not exist
        # (tests/test_readers.py: a publish with a key links it).
        assert not any(href.endswith("SHA256SUMS.minisig") for href in hrefs), (prefix, hrefs)
        footer = page.find("footer")
        assert "0123456789" in footer.text
        assert {a["href"] for a in footer.find_all("a")} == pages | mirrors | {"./" + mirrors_setting("page")}, prefix


def test_a_missing_public_key_stops_the_build_with_a_clear_message(build, tmp_path):
    result = build("portable", f"INTEGRITY = {{**INTEGRITY, 'public_key': {str(tmp_path / 'none.pub')!r}}}\n")
    assert result.returncode == 1
    assert "integrity: INTEGRITY['public_key']: cannot read" in result.log and "Traceback" not in result.log
