"""Deploying the real built site to every kind of target, locally.

git pages -> a local bare repository; rsync -> a local folder (commands run
through the same shell scripts as over SSH) while a reader thread reads the
live copy; S3 -> moto in server mode on 127.0.0.1; IPFS -> CAR + CID compared
with ipfs-car run here; local folder.  No network beyond loopback.
"""

import filecmp
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, build_site, language_folders, other_languages

sys.path.insert(0, str(ROOT))
from sitetools import deploy as deploytools  # noqa: E402
from sitetools.precompress import decompress  # noqa: E402
from sitetools.unixfs import folder_cid  # noqa: E402

IPFS_CAR = ["node", str(ROOT / "tools" / "ipfs" / "node_modules" / "ipfs-car" / "bin.js")]
EPOCH = "1717500000"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    result = build_site(tmp_path_factory.mktemp("deploy-site"), ROOT / "content", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.log
    return result.output


def tree(folder):
    """{relative path: bytes} of every file under folder (symlinks followed)."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(*args, env=None):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def write_targets(path, targets):
    path.write_text(yaml.safe_dump({"targets": targets}), encoding="utf-8")
    return path


# ------------------------------------------------------------------ git pages

def test_git_pages_branch_in_a_bare_repository(site, tmp_path):
    remote = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    conf = {"kind": "git-pages", "remote": str(remote), "branch": "pages", "cname": "mirror.example.org"}
    for _ in range(2):
        result = deploytools.deploy_one("pages", conf, site)
        assert result.ok, result.message
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--branch", "pages", str(remote), str(clone)], check=True)
    files = tree(clone)
    files.pop(".git/HEAD", None)
    files = {k: v for k, v in files.items() if not k.startswith(".git/")}
    assert files.pop(".nojekyll") == b""
    assert files.pop("CNAME") == b"mirror.example.org\n"
    assert files == tree(site)
    log = subprocess.run(["git", "-C", str(clone), "log", "--format=%ct %s"], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert len(log) == 2  # the second deploy is a new commit on top of the first
    assert all(line.startswith(EPOCH + " Site build ") for line in log)


# ------------------------------------------------------------------ rsync

def variant(site, folder, marker):
    """A copy of the site in which every file differs (a second 'release')."""
    shutil.copytree(site, folder)
    for path in Path(folder).rglob("*"):
        if path.is_file():
            with open(path, "ab") as handle:
                handle.write(marker)
    return folder


def test_rsync_switches_releases_atomically_and_rolls_back(site, tmp_path):
    release_a = tree(site)
    site_b = variant(site, tmp_path / "b", b"\n<!-- release B -->\n")
    release_b = tree(site_b)
    dest = tmp_path / "web"
    conf = {"kind": "rsync", "dest": str(dest), "keep": 3}
    assert deploytools.deploy_one("web", conf, site).ok
    sample = sorted(release_a)  # every file of the release, read one after another
    seen, errors, snapshots = set(), [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            before = os.readlink(dest / "current")
            got = {}
            try:
                for rel in sample:
                    got[rel] = (dest / "current" / rel).read_bytes()
            except OSError as exc:
                errors.append(f"read failed during a switch: {exc}")
                return
            after = os.readlink(dest / "current")
            for rel, data in got.items():
                if data not in (release_a[rel], release_b[rel]):
                    errors.append(f"{rel}: bytes of neither release")
            if before == after:
                snapshots.append(before)
                which = {("a" if data == release_a[rel] else "b") for rel, data in got.items()}
                if len(which) != 1:
                    errors.append(f"one release directory {before} mixed both releases")
                seen.update(which)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for folder in (site_b, site, site_b):
            time.sleep(0.05)
            result = deploytools.deploy_one("web", conf, folder)
            assert result.ok, result.message
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(snapshots) >= 2 and seen == {"a", "b"}, (len(snapshots), seen)
    assert tree(dest / "current") == release_b
    assert tree(dest / "previous") == release_a
    releases = sorted(os.listdir(dest / "releases"))
    assert len(releases) == 3  # keep: 3 of the 4 deployed
    # Rollback through the task, as an operator would.
    targets = write_targets(tmp_path / "targets.yml", {"web": conf})
    done = invoke("rollback", "--target", "web", "--targets", str(targets))
    assert done.returncode == 0, done.stderr
    assert tree(dest / "current") == release_a
    assert tree(dest / "previous") == release_b


def test_rsync_hard_links_unchanged_files_into_the_previous_release(site, tmp_path):
    """A new build writes every file anew (new times): only the file that changed is stored again."""
    newer = tmp_path / "newer"
    shutil.copytree(site, newer, copy_function=shutil.copyfile)
    later = time.time() + 3600
    for path in newer.rglob("*"):
        if path.is_file():
            os.utime(path, (later, later))
    changed = language_folders()[other_languages()[0]] + "index.html"
    with open(newer / changed, "ab") as handle:
        handle.write(b"\n<!-- changed -->\n")
    dest = tmp_path / "web"
    conf = {"kind": "rsync", "dest": str(dest)}
    for folder in (site, newer):
        result = deploytools.deploy_one("web", conf, folder)
        assert result.ok, result.message
    assert os.readlink(dest / "current") != os.readlink(dest / "previous")
    assert tree(dest / "current") == tree(newer) and tree(dest / "previous") == tree(site)
    files = sorted(tree(site))
    assert changed in files and {folder + "index.html" for folder in language_folders().values()} <= set(files)
    shared = [rel for rel in files if os.stat(dest / "current" / rel).st_ino == os.stat(dest / "previous" / rel).st_ino]
    assert shared == [rel for rel in files if rel != changed]


# ------------------------------------------------------------------ S3 (moto)

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_s3_upload_under_a_prefix_with_content_types(site, s3_endpoint, monkeypatch):
    import boto3

    monkeypatch.setenv("TEST_S3_KEY", "testing")
    monkeypatch.setenv("TEST_S3_SECRET", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket="campaign")
    client.put_object(Bucket="campaign", Key="mirror/a/stale.html", Body=b"old")
    client.put_object(Bucket="campaign", Key="other/keep.txt", Body=b"not ours")
    conf = {"kind": "s3", "bucket": "campaign", "prefix": "/mirror/a/", "endpoint_url": s3_endpoint,
            "access_key_env": "TEST_S3_KEY", "secret_key_env": "TEST_S3_SECRET"}
    result = deploytools.deploy_one("bucket", conf, site)
    assert result.ok, result.message
    keys = [item["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket="campaign")
            for item in page.get("Contents", [])]
    files = tree(site)
    assert sorted(keys) == sorted(["other/keep.txt", *("mirror/a/" + rel for rel in files)])
    sub_site = language_folders()[other_languages()[0]]
    expected = {"index.html": "text/html; charset=utf-8", sub_site + "events/index.html": "text/html; charset=utf-8",
                "theme/css/site.css": "text/css; charset=utf-8", "theme/favicon.svg": "image/svg+xml",
                "mirrors.json": "application/json", "trace.json": "application/json"}
    for rel, content_type in expected.items():
        head = client.head_object(Bucket="campaign", Key="mirror/a/" + rel)
        assert head["ContentType"] == content_type, rel
    body = client.get_object(Bucket="campaign", Key=f"mirror/a/{sub_site}index.html")["Body"].read()
    assert body == files[f"{sub_site}index.html"]


def test_s3_missing_secret_fails_clearly(site, s3_endpoint, monkeypatch):
    monkeypatch.delenv("NO_SUCH_SECRET", raising=False)
    conf = {"kind": "s3", "bucket": "campaign", "endpoint_url": s3_endpoint, "access_key_env": "NO_SUCH_SECRET"}
    result = deploytools.deploy_one("bucket", conf, site)
    assert not result.ok
    assert result.message == "environment variable NO_SUCH_SECRET (access_key_env) is not set"


# ------------------------------------------------------------------ IPFS

def test_ipfs_car_and_cid_match_ipfs_car_run_here(site, tmp_path):
    out = tmp_path / "ipfs"
    result = deploytools.deploy_one("ipfs", {"kind": "ipfs", "out": str(out)}, site)
    assert result.ok, result.message
    trace = json.loads((site / "trace.json").read_text())
    record = json.loads((out / f"{trace['build_id']}.car.json").read_text())
    car = out / record["car"]
    assert record == json.loads((out / "latest.json").read_text())
    assert record["import_settings"]["cid_version"] == 1 and record["import_settings"]["raw_leaves"] is True
    assert record["import_settings"]["chunker"] == "size-1048576" and record["import_settings"]["wrap"] is False
    assert record["independent_check"] == "same root CID from sitetools/unixfs.py"
    # ipfs-car itself, run separately: the CAR's root, a second pack to stdout, and unpacking.
    roots = subprocess.run([*IPFS_CAR, "roots", str(car)], capture_output=True, text=True, check=True).stdout.split()
    assert roots == [record["cid"]]
    again = subprocess.run([*IPFS_CAR, "pack", str(site), "--no-wrap"], capture_output=True, check=True)
    assert again.stderr.decode().strip() == record["cid"]
    unpacked = tmp_path / "unpacked"
    subprocess.run([*IPFS_CAR, "unpack", str(car), "--output", str(unpacked)], check=True, capture_output=True)
    assert tree(unpacked) == tree(site)
    # The independent Python implementation gives the same root.
    assert folder_cid(site) == record["cid"]


def test_independent_cid_matches_ipfs_car_on_chunked_and_odd_files(tmp_path):
    folder = tmp_path / "odd"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "big.bin").write_bytes(os.urandom(2 * 1024 * 1024 + 12345))  # three 1 MiB chunks
    (folder / "exact.bin").write_bytes(os.urandom(1024 * 1024))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "sub" / "deeper" / "a.txt").write_text("a\n")
    (folder / "sub" / "文件 é.html").write_text("<p>x</p>\n", encoding="utf-8")
    (folder / ".hidden").write_text("not packed")
    result = subprocess.run([*IPFS_CAR, "pack", str(folder), "--no-wrap", "--output", str(tmp_path / "o.car")],
                            capture_output=True, text=True, check=True)
    assert folder_cid(folder) == result.stdout.strip()


# ------------------------------------------------------------------ local folder, --all

def test_local_folder_with_precompressed_twins(site, tmp_path):
    dest = tmp_path / "usb"
    (dest / "old").mkdir(parents=True)
    (dest / "old" / "stale.html").write_text("stale")
    result = deploytools.deploy_one("usb", {"kind": "local", "path": str(dest), "precompress": True}, site)
    assert result.ok, result.message
    copied = tree(dest)
    originals = {rel: data for rel, data in copied.items() if not rel.endswith((".gz", ".br"))}
    assert originals == tree(site)
    assert not (dest / "old").exists()
    twins = [rel for rel in copied if rel.endswith((".gz", ".br"))]
    assert "index.html.gz" in twins and "index.html.br" in twins and "theme/css/site.css.br" in twins
    for rel in twins:
        assert decompress(rel[-3:], copied[rel]) == copied[rel[:-3]], rel
    assert not list(Path(site).rglob("*.gz"))  # the build output itself stays as signed


def test_all_targets_run_even_when_one_fails(site, tmp_path):
    targets = write_targets(tmp_path / "targets.yml", {
        "broken": {"kind": "git-pages", "remote": str(tmp_path / "no-such-repo.git")},
        "usb": {"kind": "local", "path": str(tmp_path / "usb")},
        "web": {"kind": "rsync", "dest": str(tmp_path / "web")},
    })
    result = invoke("deploy", "--all", "--targets", str(targets), "--output", str(site))
    assert result.returncode == 1
    assert "FAILED broken:" in result.stdout
    assert "ok     usb:" in result.stdout and "ok     web:" in result.stdout
    assert "deploy failed for: broken" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(tmp_path / "usb") == tree(site) == tree(tmp_path / "web" / "current")
    listed = invoke("deploy", "--list", "--targets", str(targets))
    assert json.loads(listed.stdout) == ["broken", "usb", "web"]


@pytest.mark.parametrize("targets, message", [
    ({"x": {"kind": "ftp"}}, "target 'x': kind must be one of git-pages, rsync, s3, ipfs, local, got 'ftp'"),
    ({"x": {"kind": "s3", "bucket": "b", "secret_key": "abc"}}, "target 'x': unknown s3 setting 'secret_key'"),
    ({"x": {"kind": "rsync"}}, "target 'x': rsync needs dest"),
])
def test_bad_targets_file(tmp_path, targets, message):
    path = write_targets(tmp_path / "targets.yml", targets)
    result = invoke("deploy", "--all", "--targets", str(path))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_target_name(tmp_path):
    path = write_targets(tmp_path / "targets.yml", {"usb": {"kind": "local", "path": str(tmp_path)}})
    result = invoke("deploy", "--target", "nope", "--targets", str(path))
    assert result.returncode == 1
    assert "unknown target nope" in result.stderr


def test_every_real_target_loads_and_holds_no_secret():
    """deploy/targets.yml: every target is valid for its kind (loading raises on any problem),
    `invoke deploy --list` names exactly those, and no setting holds a password: secrets are
    named by the *_env settings."""
    targets = deploytools.load_targets(ROOT / "deploy" / "targets.yml")
    assert isinstance(targets, dict)
    for name, conf in targets.items():
        assert conf["kind"] in deploytools.KINDS, name
        for key, value in conf.items():
            if isinstance(value, str):
                assert urlsplit(value).password is None, f"{name}: {key} holds a password; use {key}_env"
    listed = invoke("deploy", "--list")
    assert listed.returncode == 0, listed.stderr
    assert sorted(json.loads(listed.stdout)) == sorted(targets)


def test_git_remote_from_the_environment_is_never_shown(site, tmp_path, monkeypatch):
    secret_remote = str(tmp_path / "token-s3cr3t" / "missing.git")
    monkeypatch.setenv("TEST_PAGES_REMOTE", secret_remote)
    result = deploytools.deploy_one("pages", {"kind": "git-pages", "remote_env": "TEST_PAGES_REMOTE"}, site)
    assert not result.ok
    assert "s3cr3t" not in result.message and "***" in result.message


FAKE_SSH = """#!/bin/sh
# Stands in for ssh: skips the options and the host, runs the command here
# through a shell, as sshd runs it through the remote user's shell.
while [ $# -gt 0 ]; do
  case "$1" in
    -o|-p|-i|-l) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
echo "$1" >> "$(dirname "$0")/hosts.log"
shift
exec sh -c "$*"
"""


def test_rsync_over_ssh_command_path(site, tmp_path, monkeypatch):
    """The remote code path (commands and rsync through `ssh HOST`), with ssh replaced by a local stand-in."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "ssh").write_text(FAKE_SSH)
    (bindir / "ssh").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TEST_DEPLOY_KEY", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----")
    dest = tmp_path / "srv" / "site with space"
    conf = {"kind": "rsync", "dest": f"deploy@mirror.example:{dest}", "ssh_key_env": "TEST_DEPLOY_KEY", "ssh_port": 2222}
    site_b = variant(site, tmp_path / "b", b"\n<!-- B -->\n")
    for folder in (site, site_b):
        result = deploytools.deploy_one("web", conf, folder)
        assert result.ok, result.message
    assert tree(dest / "current") == tree(site_b)
    assert tree(dest / "previous") == tree(site)
    # Our commands name user@host; rsync splits it into `-l deploy mirror.example`.
    assert set((bindir / "hosts.log").read_text().split()) == {"deploy@mirror.example", "mirror.example"}
    assert deploytools.rollback("web", conf).startswith("release ")
    assert tree(dest / "current") == tree(site)


def test_relative_paths_are_taken_from_the_project_folder(tmp_path):
    path = write_targets(tmp_path / "targets.yml", {
        "usb": {"kind": "local", "path": "copies/usb"},
        "car": {"kind": "ipfs", "out": "dist/ipfs"},
        "web": {"kind": "rsync", "dest": "deploy@host.example:srv/site"},
        "near": {"kind": "rsync", "dest": "releases/site"},
    })
    targets = deploytools.load_targets(path, base="/project")
    assert targets["usb"]["path"] == "/project/copies/usb"
    assert targets["car"]["out"] == "/project/dist/ipfs"
    assert targets["web"]["dest"] == "deploy@host.example:srv/site"
    assert targets["near"]["dest"] == "/project/releases/site"
