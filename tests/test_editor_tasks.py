"""The editors' tasks on a copy of the project: atomic build, scaffolding, livereload."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, copy_project

def make_project(tmp_path, content=FIXTURES / "multilang" / "content"):
    """A copy of the project with a small content folder, so tasks run as an editor runs them."""
    return copy_project(tmp_path / "project", content=content)


def invoke(project, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True,
                          timeout=timeout)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


BROKEN = "Title: Broken\nSlug: broken\nLang: en\nDate: 2024-06-04\n\n<script>alert(1)</script>\n"


@pytest.fixture(scope="module")
def built_project(tmp_path_factory):
    """A copy of the project after one `invoke build`, to be copied again by tests that start there."""
    project = make_project(tmp_path_factory.mktemp("built"))
    first = invoke(project, "build")
    assert first.returncode == 0, first.stdout + first.stderr
    return project


def copy_of(project, tmp_path):
    return Path(shutil.copytree(project, tmp_path / "project", symlinks=True))


def test_failed_build_leaves_output_byte_identical(tmp_path, built_project):
    project = copy_of(built_project, tmp_path)
    before = snapshot(project / "output")
    assert "index.html" in before and "de/statements/alpha.html" in before
    (project / "content" / "statements" / "broken.en.md").write_text(BROKEN, encoding="utf-8")
    second = invoke(project, "build")
    assert second.returncode == 1
    log = second.stdout + second.stderr
    assert "content/statements/broken.en.md:6: <script> is not allowed in content" in log
    assert "output/ was left as it was" in log
    assert "Traceback" not in log
    assert snapshot(project / "output") == before
    # No staging folder is left behind.
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".output")) == []


def test_successful_build_replaces_output(tmp_path, built_project):
    project = copy_of(built_project, tmp_path)
    assert (project / "output" / "index.html").is_file()
    stale = project / "output" / "stale.html"
    stale.write_text("old", encoding="utf-8")
    assert invoke(project, "build").returncode == 0
    assert not stale.exists()
    assert (project / "output" / "index.html").is_file()


def test_builds_reuse_the_site_before_last_and_equal_a_cold_build(tmp_path, monkeypatch):
    """`invoke build` overwrites the folder of the site before last instead
    of creating every file anew; what the build no longer writes is gone."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = make_project(tmp_path)
    assert invoke(project, "build").returncode == 0
    first_inode = (project / "output" / "index.html").stat().st_ino
    assert invoke(project, "build").returncode == 0
    assert (project / ".output.spare" / "index.html").stat().st_ino == first_inode
    (project / "content" / "statements" / "beta.en.md").unlink()
    alpha = project / "content" / "statements" / "alpha.en.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\nA later paragraph.\n", encoding="utf-8")
    third = invoke(project, "build")
    assert third.returncode == 0, third.stdout + third.stderr
    assert (project / "output" / "index.html").stat().st_ino == first_inode  # written in place
    assert not (project / "output" / "statements" / "beta.html").exists()
    assert not list((project / "output").rglob(".build-started"))
    cold = make_project(tmp_path / "cold")
    (cold / "content" / "statements" / "beta.en.md").unlink()
    (cold / "content" / "statements" / "alpha.en.md").write_text(alpha.read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke(cold, "build").returncode == 0
    assert snapshot(project / "output") == snapshot(cold / "output")


@pytest.mark.parametrize("kind", ["statement", "background", "event", "page"])
def test_new_writes_a_file_that_validates_and_builds(tmp_path, kind):
    project = make_project(tmp_path)
    result = invoke(project, "new", kind, "--slug", f"my-{kind}", "--lang", "de")
    assert result.returncode == 0, result.stdout + result.stderr
    folder = {"statement": "statements", "background": "background", "event": "events", "page": "pages"}[kind]
    path = project / "content" / folder / f"my-{kind}.de.md"
    text = path.read_text(encoding="utf-8")
    for field in ("Title:", "Slug: my-" + kind, "Lang: de", "Date:", "Summary:"):
        assert field in text
    if kind == "event":
        for field in ("Event-start:", "Event-end:", "Event-timezone: Europe/London", "Event-location:",
                      "Event-status: scheduled"):
            assert field in text
    assert "<!--" in text  # the comment block explaining each field
    check = invoke(project, "check")
    assert check.returncode == 0, check.stdout
    built = invoke(project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    relpath = f"de/{folder}/my-{kind}.html" if kind != "page" else f"de/my-{kind}.html"
    assert (project / "output" / relpath).is_file()


def test_new_refuses_bad_input(tmp_path):
    project = make_project(tmp_path)
    result = invoke(project, "new", "statement", "--slug", "Bad Slug")
    assert result.returncode == 1
    assert "slug 'Bad Slug' must be lowercase ASCII letters" in result.stderr
    result = invoke(project, "new", "statement", "--slug", "alpha")
    assert result.returncode == 1
    assert "slug 'alpha' is already used by content/statements/alpha." in result.stderr
    result = invoke(project, "new", "poem", "--slug", "x")
    assert "unknown kind 'poem'" in result.stderr
    assert "Traceback" not in result.stderr


def test_translate_writes_a_stub_with_translation_of(tmp_path):
    project = make_project(tmp_path)
    result = invoke(project, "translate", "beta", "--lang", "es")
    assert result.returncode == 0, result.stdout + result.stderr
    stub = (project / "content" / "statements" / "beta.es.md").read_text(encoding="utf-8")
    status = invoke(project, "translations", "--json", str(tmp_path / "t.json"))
    assert status.returncode == 0, status.stderr
    import json

    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    beta = next(p for p in data["pieces"] if p["slug"] == "beta")
    assert f"Translation-of: {beta['hash']}" in stub
    assert beta["languages"]["es"]["status"] == "translated"
    assert "Lang: es" in stub and "Slug: beta" in stub
    assert invoke(project, "check").returncode == 0
    assert invoke(project, "build").returncode == 0
    again = invoke(project, "translate", "beta", "--lang", "es")
    assert again.returncode == 1 and "already exists" in again.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
        return response.read()


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_livereload_survives_a_broken_file(tmp_path):
    project = make_project(tmp_path)
    # Serve on loopback only: livereload's host is localhost; pick a free port.
    port = free_port()
    log_path = tmp_path / "livereload.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-u", "-m", "invoke", "livereload", "--port", str(port)],
                                   cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def served():
            try:
                return fetch(port, "statements/beta.html")
            except OSError:
                return None

        good = wait_for(served)
        assert b"Beta body only in English." in good
        (project / "content" / "statements" / "broken.en.md").write_text(BROKEN, encoding="utf-8")
        wait_for(lambda: "still serving the last good site" in log_path.read_text())
        text = log_path.read_text()
        assert "content/statements/broken.en.md:6: <script> is not allowed in content" in text
        assert process.poll() is None, text  # still running
        assert fetch(port, "statements/beta.html") == good
        # Fix it: the next build succeeds and the new page is served.
        (project / "content" / "statements" / "broken.en.md").write_text(
            BROKEN.replace("<script>alert(1)</script>", "Fixed text."), encoding="utf-8")
        wait_for(lambda: served() and b"Fixed text." in (fetch(port, "statements/broken.html") if
                                                         (project / "output/statements/broken.html").exists() else b""))
        # A theme change is picked up too.
        base = project / "theme" / "templates" / "partials" / "footer.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<p>Theme edited.</p></footer>"),
                        encoding="utf-8")
        wait_for(lambda: b"Theme edited." in fetch(port, "index.html"))
        # And a catalog change.
        catalog = project / "translations" / "de_DE" / "LC_MESSAGES" / "messages.po"
        catalog.write_text(catalog.read_text(encoding="utf-8").replace(
            'msgstr "Zum Inhalt springen"', 'msgstr "Direkt zum Inhalt"'), encoding="utf-8")
        wait_for(lambda: "Direkt zum Inhalt" in fetch(port, "de/index.html").decode("utf-8"))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
