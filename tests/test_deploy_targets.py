"""Loading deploy/targets.yml: each target is checked against its kind's declaration.

In-process and fast: no build, no server.  Messages are compared whole.
"""

import sys

import pytest
import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from sitetools import deploy as deploytools  # noqa: E402  (sitetools puts plugins/ on sys.path)
from sitetools.deploy.base import Output  # noqa: E402

from sitecore.artefacts import Artefacts  # noqa: E402


def targets_file(tmp_path, targets):
    path = tmp_path / "targets.yml"
    path.write_text(yaml.safe_dump({"targets": targets}), encoding="utf-8")
    return path


def load_error(tmp_path, targets):
    path = targets_file(tmp_path, targets)
    with pytest.raises(deploytools.DeployConfigError) as caught:
        deploytools.load_targets(path)
    return path, str(caught.value)


def test_a_valid_target_gets_its_kinds_defaults(tmp_path):
    path = targets_file(tmp_path, {"web": {"kind": "rsync", "dest": "deploy@host.example:/srv/site", "ssh_port": 2222}})
    assert deploytools.load_targets(path) == {"web": {
        "kind": "rsync", "dest": "deploy@host.example:/srv/site", "ssh_key_env": None, "ssh_port": 2222,
        "known_hosts_env": None, "keep": 3, "precompress": False}}


def test_every_kind_declares_its_fields_and_required_ones():
    assert sorted(deploytools.KINDS) == ["git-pages", "ipfs", "local", "rsync", "s3"]
    for kind in deploytools.KINDS.values():
        assert kind.FIELDS and kind.REQUIRED, kind.KIND
        for alternatives in kind.REQUIRED:
            assert set(alternatives) <= set(kind.FIELDS), kind.KIND
        assert set(kind.PATHS) <= set(kind.FIELDS), kind.KIND


def test_unknown_kind(tmp_path):
    path, message = load_error(tmp_path, {"x": {"kind": "ftp", "host": "h"}})
    assert message == f"{path}: target 'x': kind must be one of git-pages, rsync, s3, ipfs, local, got 'ftp'"


@pytest.mark.parametrize("conf, problem", [
    ({"kind": "rsync"}, "target 'x': rsync needs dest"),
    ({"kind": "git-pages", "branch": "pages"}, "target 'x': git-pages needs remote or remote_env"),
    ({"kind": "s3", "bucket": ""}, "target 'x': s3 needs bucket"),
    ({"kind": "ipfs"}, "target 'x': ipfs needs out"),
])
def test_missing_required_field(tmp_path, conf, problem):
    path, message = load_error(tmp_path, {"x": conf})
    assert message == f"{path}: {problem}"


@pytest.mark.parametrize("conf, problem", [
    ({"kind": "rsync", "dest": "/srv", "keep": "three"}, "target 'x': rsync setting 'keep' must be a whole number, got 'three'"),
    ({"kind": "rsync", "dest": "/srv", "keep": True}, "target 'x': rsync setting 'keep' must be a whole number, got True"),
    ({"kind": "local", "path": "/media/usb", "delete": 1}, "target 'x': local setting 'delete' must be true or false, got 1"),
    ({"kind": "git-pages", "remote": ["a", "b"]}, "target 'x': git-pages setting 'remote' must be a text, got ['a', 'b']"),
])
def test_wrong_type(tmp_path, conf, problem):
    path, message = load_error(tmp_path, {"x": conf})
    assert message == f"{path}: {problem}"


def test_unknown_field(tmp_path):
    path, message = load_error(tmp_path, {"x": {"kind": "s3", "bucket": "b", "secret_key": "abc"}})
    assert message == (f"{path}: target 'x': unknown s3 setting 'secret_key' (known: access_key_env, bucket, "
                       "cache_control, delete, endpoint_url, endpoint_url_env, prefix, region, secret_key_env)")


def test_every_problem_of_every_target_at_once(tmp_path):
    path, message = load_error(tmp_path, {
        "a": {"kind": "local", "path": "/x", "delete": "no", "delet": False},
        "b": "rsync",
        "c": {"kind": "ipfs", "out": "dist"},
    })
    assert message == (f"{path}: target 'a': unknown local setting 'delet' (known: delete, path, precompress); "
                       "target 'a': local setting 'delete' must be true or false, got 'no'; "
                       "target 'b': settings must be a mapping")


def test_a_date_yaml_cannot_construct_is_a_clear_error(tmp_path):
    path = tmp_path / "targets.yml"
    path.write_text("targets:\n  x:\n    kind: local\n    path: 2024-13-01\n", encoding="utf-8")
    with pytest.raises(deploytools.DeployConfigError) as caught:
        deploytools.load_targets(path)
    assert str(caught.value) == (f"{path}: a value written like a date is no date (month must be in 1..12); "
                                 "write a real date, or put the value in quotes")


def test_deploy_one_reports_a_bad_target_without_deploying(tmp_path):
    (tmp_path / "index.html").write_text("<p>x</p>")
    result = deploytools.deploy_one("usb", {"kind": "local", "path": str(tmp_path / "usb"), "precompress": "yes"},
                                    tmp_path)
    assert (result.ok, result.message) == (False, "target 'usb': local setting 'precompress' must be true or false, "
                                                  "got 'yes'")
    assert not (tmp_path / "usb").exists()


def test_rollback_of_a_target_that_keeps_no_releases():
    with pytest.raises(deploytools.DeployError) as caught:
        deploytools.rollback("usb", {"kind": "local", "path": "/media/usb"})
    assert str(caught.value) == "target 'usb' is local: only rsync targets keep a previous release"


def test_upload_order_puts_the_configured_trace_and_the_sums_last(tmp_path):
    for rel in ("index.html", "de/index.html", "theme/site.css", "build-trace.json", "trace.json", "manifest.json",
                "SHA256SUMS", "SHA256SUMS.minisig", "site.zip"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    order = Output(tmp_path, Artefacts(trace="build-trace.json")).upload_order()
    assert order == ["site.zip", "theme/site.css", "trace.json", "de/index.html", "index.html",
                     "SHA256SUMS", "SHA256SUMS.minisig", "build-trace.json", "manifest.json"]
