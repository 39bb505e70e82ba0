"""The CI files parse and call only invoke tasks that exist."""

import re
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from sitetools import deploy as deploytools  # noqa: E402

INVOKE = re.compile(r"(?:^|[\s;&|(])(?:\S*/)?invoke\s+([a-z][a-z0-9-]*)")


@pytest.fixture(scope="module")
def tasks():
    listing = subprocess.run([sys.executable, "-m", "invoke", "--list"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    names = {line.split()[0] for line in listing.splitlines()[1:] if line.strip()}
    assert {"build", "publish", "deploy", "check-mirrors", "rollback"} <= names
    return names


def commands(node):
    """Every string in a parsed YAML document."""
    if isinstance(node, dict):
        for value in node.values():
            yield from commands(value)
    elif isinstance(node, list):
        for value in node:
            yield from commands(value)
    elif isinstance(node, str):
        yield node


def invoked(document):
    return [match for text in commands(document) for match in INVOKE.findall(text)]


def load(relpath):
    with open(ROOT / relpath, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_github_workflow(tasks):
    workflow = load(".github/workflows/site.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"]
    jobs = workflow["jobs"]
    assert jobs["deploy"]["strategy"]["fail-fast"] is False
    assert "matrix" in jobs["deploy"]["strategy"]
    assert "deploy" in jobs["check-mirrors"]["needs"] and "always()" in jobs["check-mirrors"]["if"]
    called = invoked(workflow)
    assert {"publish", "sign", "deploy", "check-mirrors"} <= set(called)
    assert set(called) <= tasks, set(called) - tasks
    steps = " ".join(commands(jobs["build"]))
    assert "./dev.sh test" in steps


def test_gitlab_pipeline(tasks):
    pipeline = load(".gitlab-ci.yml")
    rules = [rule["if"] for rule in pipeline["workflow"]["rules"]]
    assert '$CI_PIPELINE_SOURCE == "schedule"' in rules and '$CI_COMMIT_BRANCH == "main"' in rules
    assert pipeline["stages"] == ["test", "build", "deploy", "check"]
    assert pipeline["check-mirrors"]["when"] == "always"
    called = invoked(pipeline)
    assert {"publish", "sign", "deploy", "check-mirrors"} <= set(called)
    assert set(called) <= tasks, set(called) - tasks
    assert any("./dev.sh test" in text for text in commands(pipeline["test"]))


def test_pattern_finds_tasks():
    assert invoked({"run": ".venv/bin/invoke deploy --target x && invoke check-mirrors"}) == ["deploy", "check-mirrors"]


def secrets_named(targets):
    """The environment variables the targets read their secrets and addresses from (*_env settings)."""
    return {value for conf in targets.values() for key, value in conf.items() if key.endswith("_env") and value}


def test_secrets_named_reads_every_env_setting():
    targets = {"a": {"kind": "git-pages", "remote_env": "PAGES", "branch": "pages"},
               "b": {"kind": "rsync", "dest": "/srv", "ssh_key_env": "KEY", "known_hosts_env": None}}
    assert secrets_named(targets) == {"PAGES", "KEY"}


def test_github_deploy_step_gets_every_variable_the_targets_name():
    """A target whose secret the workflow does not pass fails in CI only: every *_env of
    deploy/targets.yml is in the deploy step's environment (GitLab passes every CI/CD variable)."""
    steps = load(".github/workflows/site.yml")["jobs"]["deploy"]["steps"]
    [step] = [step for step in steps if "invoke deploy" in step.get("run", "")]
    passed = set(step.get("env", {}))
    named = secrets_named(deploytools.load_targets(ROOT / "deploy" / "targets.yml"))
    assert named <= passed, f"add to the deploy step's env: {sorted(named - passed)}"
