"""check-mirrors against three local HTTP servers: fresh, stale, one file altered.

The copies are signed like the real ones: `sha256sum --tag` writes
SHA256SUMS and the real `minisign` signs it with a key made in the test.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, build_site, real_mirrors

sys.path.insert(0, str(ROOT))
from sitetools.precompress import gzip_bytes  # noqa: E402

HOUR = 3600


def sign_copy(folder, secret_key):
    """SHA256SUMS of every file (BSD format, real sha256sum) and its minisign signature."""
    folder = Path(folder)
    for name in ("SHA256SUMS", "SHA256SUMS.minisig"):
        (folder / name).unlink(missing_ok=True)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    sums = subprocess.run(["sha256sum", "--tag", *files], cwd=folder, capture_output=True, text=True, check=True)
    (folder / "SHA256SUMS").write_text(sums.stdout, encoding="utf-8")
    subprocess.run(["minisign", "-S", "-s", str(secret_key), "-m", str(folder / "SHA256SUMS"), "-t", "test copy"],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    subprocess.run(["minisign", "-G", "-W", "-p", str(folder / "k.pub"), "-s", str(folder / "k.sec")],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)
    return folder / "k.pub", folder / "k.sec"


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    epoch = int(time.time()) - HOUR
    result = build_site(tmp_path_factory.mktemp("check-site"), ROOT / "tests" / "fixtures" / "mirrors" / "content",
                        env={"SOURCE_DATE_EPOCH": str(epoch)})
    assert result.returncode == 0, result.log
    return result.output


def serve(root):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def network(tmp_path, fresh_build, keys):
    """Three copies under a sub-path, each on its own server."""
    _public, secret = keys
    roots, servers = {}, []
    for name in ("fresh", "stale", "altered"):
        root = tmp_path / name
        copy = root / "mirror" / "a"
        shutil.copytree(fresh_build, copy)
        if name == "stale":
            # A faithful copy of an older build: its own trace, properly signed.
            trace = json.loads((copy / "trace.json").read_text())
            trace["epoch"] -= 10 * 24 * HOUR
            (copy / "trace.json").write_text(json.dumps(trace))
        sign_copy(copy, secret)
        if name == "altered":
            page = copy / "statements" / "hello.html"
            page.write_bytes(page.read_bytes().replace(b"Hello body.", b"Altered body."))
        roots[name] = copy
        servers.append(serve(root))
    urls = {name: f"http://127.0.0.1:{server.server_address[1]}/mirror/a/" for name, server in zip(roots, servers)}
    yield roots, urls
    for server in servers:
        server.shutdown()
        server.server_close()


def mirror_list(path, urls, official=True):
    path.write_text(yaml.safe_dump({"mirrors": [
        {"url": url, "kind": "https", "official": official, "added": "2024-06-01"} for url in urls]}), encoding="utf-8")
    # dates must be YAML dates, not strings
    path.write_text(path.read_text().replace("'2024-06-01'", "2024-06-01"), encoding="utf-8")
    return path


def check(tmp_path, mirrors_file, public_key, *extra):
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "check-mirrors", "--mirrors", str(mirrors_file), "--public-key",
         str(public_key), "--json", str(report), "--max-age", "48", "--sample", "1000", "--timeout", "5", *extra],
        cwd=ROOT, capture_output=True, text=True)
    data = json.loads(report.read_text()) if report.exists() else None
    return result, data


def test_fresh_stale_and_altered_copies(tmp_path, network, keys):
    _roots, urls = network
    result, report = check(tmp_path, mirror_list(tmp_path / "m.yml", urls.values()), keys[0])
    statuses = {entry["url"]: entry["status"] for entry in report["mirrors"]}
    assert statuses == {urls["fresh"]: "fresh", urls["stale"]: "stale", urls["altered"]: "tampered"}
    reasons = {entry["url"]: entry["reason"] for entry in report["mirrors"]}
    assert reasons[urls["altered"]] == "statements/hello.html differs from the signed sums"
    assert reasons[urls["stale"]].startswith("build is 241.0 h old (limit 48 h)")
    assert report["summary"] == {"fresh": 1, "stale": 1, "tampered": 1, "unreachable": 0}
    assert result.returncode == 1
    assert "2 official mirror(s) not fresh" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["STATUS", "OFFICIAL", "KIND"]
    assert [line.split()[0] for line in lines[1:]] == ["fresh", "stale", "tampered"]


def test_all_fresh_exits_zero_and_json_to_stdout(tmp_path, network, keys):
    _roots, urls = network
    mirrors_file = mirror_list(tmp_path / "m.yml", [urls["fresh"]])
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "check-mirrors", "--mirrors", str(mirrors_file), "--public-key",
         str(keys[0]), "--json", "-", "--sample", "3", "--seed", "7"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)["mirrors"]
    assert entry["status"] == "fresh" and entry["age_hours"] == 1.0
    assert len(entry["checked_files"]) == 4  # index.html + 3 random files


def test_unofficial_problems_do_not_fail_the_run(tmp_path, network, keys):
    _roots, urls = network
    closed = "http://127.0.0.1:9/mirror/"  # discard port: nothing listens
    mirrors_file = mirror_list(tmp_path / "m.yml", [urls["stale"], closed], official=False)
    result, report = check(tmp_path, mirrors_file, keys[0])
    assert [entry["status"] for entry in report["mirrors"]] == ["stale", "unreachable"]
    assert result.returncode == 0


def test_bad_signature_and_altered_twin_are_tampering(tmp_path, network, keys):
    roots, urls = network
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["minisign", "-G", "-W", "-p", str(other / "o.pub"), "-s", str(other / "o.sec")],
                   check=True, capture_output=True, stdin=subprocess.DEVNULL)
    sign_copy(roots["stale"], other / "o.sec")  # re-signed by someone else's key
    (roots["fresh"] / "index.html.gz").write_bytes(gzip_bytes(b"<p>not the page</p>"))
    result, report = check(tmp_path, mirror_list(tmp_path / "m.yml", [urls["fresh"], urls["stale"]]), keys[0])
    reasons = [(entry["status"], entry["reason"]) for entry in report["mirrors"]]
    assert reasons == [("tampered", "index.html.gz does not decompress to the signed file"),
                       ("tampered", "SHA256SUMS signature is not valid for the project's key")]
    assert result.returncode == 1


def test_missing_public_key_is_a_clear_error(tmp_path):
    mirrors_file = mirror_list(tmp_path / "m.yml", ["http://127.0.0.1:9/"])
    result = subprocess.run([sys.executable, "-m", "invoke", "check-mirrors", "--mirrors", str(mirrors_file),
                             "--public-key", str(tmp_path / "none.pub")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "no minisign public key at" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_list_passes(tmp_path):
    empty = tmp_path / "m.yml"
    empty.write_text("mirrors: []\n", encoding="utf-8")
    result, report = check(tmp_path, empty, ROOT / "keys" / "minisign.pub")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no mirrors listed"
    assert report["mirrors"] == []


NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens


def test_the_real_list_is_read_and_every_mirror_reported(tmp_path):
    """Without --mirrors, check-mirrors reads the project's list and reports each of its mirrors.

    Every HTTP(S) request goes to a proxy where nothing listens, onion and ipfs addresses get no
    proxy or gateway: no request leaves the machine, and every mirror is unreachable."""
    mirrors = real_mirrors()
    proxies = {name: NOWHERE for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")}
    result = subprocess.run([sys.executable, "-m", "invoke", "check-mirrors", "--json", str(tmp_path / "r.json"),
                             "--timeout", "2"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, **proxies, "no_proxy": "", "NO_PROXY": ""})
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())["mirrors"]
    assert sorted(entry["url"] for entry in report) == sorted(mirror.url for mirror in mirrors)
    assert {entry["status"] for entry in report} <= {"unreachable"}
    lines = result.stdout.splitlines()
    if mirrors:
        assert len(lines) == 1 + len(mirrors), result.stdout  # the table's heading, one line per mirror
    else:
        assert lines == ["no mirrors listed"]
    assert result.returncode == (1 if any(mirror.official for mirror in mirrors) else 0), result.stderr


def test_bad_mirror_list_is_a_clear_error(tmp_path):
    bad = tmp_path / "m.yml"
    bad.write_text("mirrors:\n  - url: https://x.example/\n    kind: web\n    added: 2024-06-01\n")
    result = subprocess.run([sys.executable, "-m", "invoke", "check-mirrors", "--mirrors", str(bad)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{bad}:2: kind must be one of https, onion, ipfs, git-pages, object-storage, got 'web'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_renamed_trace_is_built_signed_deployed_and_checked(tmp_path, keys):
    """MIRRORS["trace"] set: the build writes that file, publish and sign cover it, deploy names the
    release after the build it describes, and check-mirrors reads it."""
    from conftest import copy_project, run_invoke

    public, secret = keys
    project = copy_project(tmp_path / "project", content=ROOT / "tests" / "fixtures" / "mirrors" / "content")
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as handle:
        handle.write('\nMIRRORS = {"trace": "build-trace.json"}\n')
    output, www = tmp_path / "output", tmp_path / "www"
    targets = tmp_path / "targets.yml"
    targets.write_text(yaml.safe_dump({"targets": {"web": {"kind": "rsync", "dest": str(www / "mirror")}}}))
    epoch = str(int(time.time()) - HOUR)
    for args in (("publish", "--output", str(output)), ("sign", "--key", str(secret), "--output", str(output)),
                 ("deploy", "--target", "web", "--targets", str(targets), "--output", str(output))):
        done = run_invoke(project, *args, env={"SOURCE_DATE_EPOCH": epoch})
        assert done.returncode == 0, done.stdout + done.stderr
    assert not (output / "trace.json").exists()
    trace = json.loads((output / "build-trace.json").read_text())
    assert trace["epoch"] == int(epoch)
    assert "SHA256 (build-trace.json) = " in (output / "SHA256SUMS").read_text()
    assert os.readlink(www / "mirror" / "current").endswith("-" + trace["build_id"])
    server = serve(www)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/mirror/current/"
        mirrors_file = mirror_list(tmp_path / "m.yml", [url])
        args = ("check-mirrors", "--mirrors", str(mirrors_file), "--public-key", str(public), "--json", "-")
        renamed = run_invoke(project, *args)
        assert renamed.returncode == 0, renamed.stdout + renamed.stderr
        (entry,) = json.loads(renamed.stdout)["mirrors"]
        assert (entry["status"], entry["age_hours"], entry["build_id"]) == ("fresh", 1.0, trace["build_id"])
        # The project's own settings name the default trace, which this copy does not have.
        default = run_invoke(ROOT, *args)
        assert default.returncode == 1
        (entry,) = json.loads(default.stdout)["mirrors"]
        assert entry["status"] == "unreachable" and entry["reason"].startswith("no trace.json (")
    finally:
        server.shutdown()
        server.server_close()
