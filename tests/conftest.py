"""Shared helpers: build a fixture site with the real Pelican, read its HTML."""

import os
import posixpath
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class Build:
    """The result of one Pelican run: exit status, log text, output folder."""

    def __init__(self, returncode, log, output):
        self.returncode = returncode
        self.log = log
        self.output = Path(output)

    def html(self, relpath):
        return BeautifulSoup((self.output / relpath).read_text(encoding="utf-8"), "html.parser")

    def files(self, suffix=".html"):
        return sorted(p.relative_to(self.output).as_posix() for p in self.output.rglob("*") if p.is_file() and p.name.endswith(suffix))


def write_settings(tmp_path, content, output, settings=None, base="pelicanconf.py"):
    """A settings file that takes the project's settings and points them at tmp_path."""
    conf = tmp_path / "testconf.py"
    conf.write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            from {base[:-3]} import *
            PATH = {str(content)!r}
            OUTPUT_PATH = {str(output)!r}
            CACHE_PATH = {str(tmp_path / 'cache')!r}
            I18N_GETTEXT_LOCALEDIR = {str(tmp_path / 'cache' / 'locale')!r}
            """
        )
        + textwrap.dedent(settings or ""),
        encoding="utf-8",
    )
    return conf


def build_site(tmp_path, content, settings=None, fatal=True, base="pelicanconf.py", env=None):
    """Build `content` with the real Pelican in a child process."""
    output = tmp_path / "output"
    conf = write_settings(tmp_path, content, output, settings, base)
    cmd = [sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o", str(output), "--log-handler", "plain"]
    if fatal:
        cmd += ["--fatal", "warnings"]
    run_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=run_env)
    return Build(result.returncode, result.stdout + result.stderr, output)


@pytest.fixture
def build(tmp_path):
    def _build(name_or_path, settings=None, **kwargs):
        content = Path(name_or_path)
        if not content.is_absolute():
            content = FIXTURES / name_or_path / "content"
        return build_site(tmp_path, content, settings, **kwargs)

    return _build


def resolve(page_relpath, href):
    """The output-relative file a relative link on `page_relpath` points to, or None if external."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("#"):
        return None
    path = unquote(parts.path)
    if not path:
        return page_relpath
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_relpath), path))


def internal_links(soup):
    for tag, attr in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src")):
        for element in soup.find_all(tag):
            value = element.get(attr)
            if value:
                yield element, value
