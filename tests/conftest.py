"""Shared helpers: build a fixture site with the real Pelican, read its HTML."""

import contextlib
import fcntl
import os
import posixpath
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

sys.path.insert(0, str(ROOT))
import pelicanconf  # noqa: E402  (the project's settings: the one language table)


# ------------------------------------------------------------ running in parallel

# pytest.ini runs the suite on two pytest-xdist workers with `--dist loadfile`:
# each test module is one unit of work (so its module fixtures are built once),
# handed to whichever worker is free, in collection order (the order below;
# `--no-loadscope-reorder`).  The longest modules go first, so that they
# overlap the many short ones instead of ending the run alone.  Lighthouse
# opens no other browser while it audits (`only_browser`): the four modules
# after it open none, so the other workers are busy meanwhile.
LONGEST_FIRST = ["test_lighthouse.py", "test_core.py", "test_editor_tasks.py", "test_readers.py", "test_printed.py",
                 "test_allowlist.py", "test_browser.py", "test_discovery.py", "test_search.py", "test_offline.py",
                 "test_deploy.py", "test_events.py", "test_check_mirrors.py", "test_editor_properties.py",
                 "test_language_first.py", "test_print.py"]


def pytest_collection_modifyitems(config, items):
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: modules keep their order


# ------------------------------------------------------------ language table

def languages():
    """The codes of the language table, in its order."""
    return list(pelicanconf.LANGUAGES)


def language_folders():
    """Output folder of each language of the table ("" for the main site, else "<code>/")."""
    return {code: "" if code == pelicanconf.DEFAULT_LANG else code + "/" for code in pelicanconf.LANGUAGES}


def other_languages():
    """The codes of the table except the default language (the sub-sites)."""
    return [code for code in pelicanconf.LANGUAGES if code != pelicanconf.DEFAULT_LANG]


def bcp47(code):
    """The tag of a language of the table, as in <html lang> and hreflang."""
    return pelicanconf.LANGUAGES[code]["bcp47"]


def search_pages():
    """The search page of every language (plugins/search): the only pages that have a script."""
    from search.plugin import DEFAULTS  # pelicanconf put plugins/ on sys.path

    name = {**DEFAULTS, **pelicanconf.SEARCH}["page"]
    return {folder + name for folder in language_folders().values()}


def language_of(relpath):
    """The language whose output folder holds `relpath` (an output-relative path)."""
    first = relpath.split("/", 1)[0] + "/"
    for code, folder in language_folders().items():
        if folder and folder == first:
            return code
    return pelicanconf.DEFAULT_LANG


def metadata(path):
    """The metadata lines of a Markdown content file, {lowercase key: value} (continuations not joined)."""
    fields = {}
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return fields


def content_versions(content=ROOT / "content"):
    """{(folder, slug): {lang: metadata}} of every Markdown file of the content's sections
    (ARTICLE_PATHS and PAGE_PATHS), drafts left out; slug and language from the metadata, else
    from the `<slug>.<lang>.md` name."""
    found = {}
    for folder in (*pelicanconf.ARTICLE_PATHS, *pelicanconf.PAGE_PATHS):
        for path in sorted((Path(content) / folder).glob("*.md")):
            fields = metadata(path)
            if fields.get("status") == "draft":
                continue
            name_slug, _, name_lang = path.stem.partition(".")
            versions = found.setdefault((folder, fields.get("slug", name_slug)), {})
            versions[fields.get("lang", name_lang)] = fields
    return found


def mirrors_setting(key):
    """One key of the project's MIRRORS setting, its default when the project leaves it out."""
    from mirrors.plugin import DEFAULTS  # pelicanconf put plugins/ on sys.path

    return {**DEFAULTS, **pelicanconf.MIRRORS}[key]


def real_mirrors():
    """The mirrors of the real list (content/, MIRRORS["file"]), official ones first, each group in
    the file's order, as the site shows them; loading fails on any problem of the list."""
    from mirrors.data import load_mirrors

    listed = load_mirrors(str(ROOT / "content" / mirrors_setting("file")))
    return sorted(listed.mirrors, key=lambda mirror: not mirror.official)


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


def build_site(tmp_path, content, settings=None, fatal=True, base="pelicanconf.py", env=None, debug=False):
    """Build `content` with the real Pelican in a child process."""
    output = tmp_path / "output"
    conf = write_settings(tmp_path, content, output, settings, base)
    # (Pelican's plain log handler drops debug records: debug uses the rich one.)
    cmd = [sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o", str(output),
           *(["--debug"] if debug else ["--log-handler", "plain"])]
    if fatal:
        cmd += ["--fatal", "warnings"]
    run_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    result = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, env=run_env)
    return Build(result.returncode, result.stdout + result.stderr, output)


def built_once(tmp_path_factory, name, make):
    """A folder that `make(folder)` fills once per test run, shared by the xdist workers.

    Under pytest-xdist every worker has its own session, so a session fixture
    would build its site once per worker.  The workers' temporary folders share
    a parent for the run: the first worker that asks builds there under a file
    lock, the others wait for it and read the same folder.  Without xdist the
    folder is the session's own.  A failed `make` leaves no "done" mark: the
    next worker tries again (and reports the same failure).
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = run_folder(tmp_path_factory)
    folder, done = shared / name, shared / f"{name}.done"
    with run_lock(tmp_path_factory, name, fcntl.LOCK_EX):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def run_folder(tmp_path_factory):
    """The temporary folder of the whole test run: shared by the xdist workers."""
    basetemp = tmp_path_factory.getbasetemp()
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


@contextlib.contextmanager
def run_lock(tmp_path_factory, name, mode):
    """A lock of the whole run (fcntl.LOCK_EX or LOCK_SH), held for the `with` block."""
    with open(run_folder(tmp_path_factory) / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, mode)  # released when the file closes
        yield


def browser_running(tmp_path_factory):
    """Held while a test's Chromium runs: Lighthouse waits for every one to close."""
    return run_lock(tmp_path_factory, "browsers", fcntl.LOCK_SH)


def only_browser(tmp_path_factory):
    """Held while Lighthouse audits: the other worker's browsers wait to start.  A browser
    beside the audited one took its CPU (Chromium runs its browser process at a higher
    priority than the page's) and showed as the page's blocking time."""
    return run_lock(tmp_path_factory, "browsers", fcntl.LOCK_EX)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The campaign's real content, built once per test run (read-only for tests)."""
    def make(folder):
        result = build_site(folder, ROOT / "content")
        assert result.returncode == 0, result.log
        (folder / "build.log").write_text(result.log, encoding="utf-8")

    folder = built_once(tmp_path_factory, "real", make)
    return Build(0, (folder / "build.log").read_text(encoding="utf-8"), folder / "output")


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


# ------------------------------------------------------------ published site

# What a checkout needs to run `invoke publish` (no .git, no .venv, no output).
PROJECT_FILES = ["content", "theme", "plugins", "sitetools", "translations", "keys", "deploy",
                 "pelicanconf.py", "publishconf.py", "tasks.py", "babel.cfg"]
PUBLISH_EPOCH = "1764000000"
PUBLISH_COMMIT = "0123456789abcdef0123456789abcdef01234567"
SKIP_COPY = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")


def copy_project(dest, reverse=False, content=None):
    """Copy the project's sources to dest; reverse=True creates files in reverse order.

    `content`, when given, is the content folder to use instead of the project's.
    """
    dest.mkdir(parents=True)
    for name in (reversed(PROJECT_FILES) if reverse else PROJECT_FILES):
        source = ROOT / name
        if name == "content" and content is not None:
            source = Path(content)
        if source.is_dir():
            if reverse:
                files = sorted((p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                                and p.suffix not in (".pyc", ".mo")), reverse=True)
                for path in files:
                    target = dest / name / path.relative_to(source)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
            else:
                shutil.copytree(source, dest / name, ignore=SKIP_COPY)
        else:
            shutil.copyfile(source, dest / name)
    return dest


def run_invoke(project, *args, env=None):
    """`invoke ARGS` in project (its own tasks.py); returns CompletedProcess."""
    run_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True,
                          text=True, env=run_env)


def publish_copy(dest, env, reverse=False):
    project = copy_project(dest, reverse=reverse)
    result = run_invoke(project, "publish", "--output", str(project / "output"),
                        env={"SOURCE_DATE_EPOCH": PUBLISH_EPOCH, "BUILD_COMMIT": PUBLISH_COMMIT, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "output"


def published_once(tmp_path_factory, name, project, env, reverse=False):
    """The output folder of the real site published once per test run from `project` (a path
    under the run's folder `name`)."""
    folder = built_once(tmp_path_factory, name, lambda base: publish_copy(base / project, env, reverse=reverse))
    return folder / project / "output"


@pytest.fixture(scope="session")
def published_pair(published, tmp_path_factory):
    """The real site published twice, from two folders, in different TZ/LANG/hash seeds."""
    second = published_once(tmp_path_factory, "published-two", Path("deeper") / "elsewhere",
                            {"TZ": "America/Los_Angeles", "LANG": "C", "LC_ALL": "C", "PYTHONHASHSEED": "2"},
                            reverse=True)
    return published, second


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """Output folder of the real site built by `invoke publish` (do not modify it): the first
    of `published_pair`."""
    return published_once(tmp_path_factory, "published-one", Path("project"),
                          {"TZ": "Pacific/Auckland", "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8",
                           "PYTHONHASHSEED": "1"})


def assert_no_dangling_links(site):
    """Every relative link or asset URL in every HTML page names an existing file."""
    for relpath in site.files():
        for element, href in internal_links(site.html(relpath)):
            target = resolve(relpath, href)
            if target is not None:
                assert (site.output / target).is_file(), f"{relpath}: {element}"


# ------------------------------------------------------------ the campaign's canonical copy

@pytest.fixture(scope="session")
def canonical_site(tmp_path_factory):
    """The real site published with CANONICAL_URL set to the loopback server that serves it.

    The server is started first (port 0: the system picks a free port), so
    the build can be told its own address: search engines, preview crawlers
    and feed readers then fetch every absolute URL the build writes from
    this copy.  Yields (Build, base URL without trailing slash).
    """
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    tmp = tmp_path_factory.mktemp("canonical")
    output = tmp / "output"
    output.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(output)))
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        result = build_site(tmp, ROOT / "content", f"CANONICAL_URL = {base!r}\nDELETE_OUTPUT_DIRECTORY = False\n",
                            base="publishconf.py", env={"SOURCE_DATE_EPOCH": PUBLISH_EPOCH})
        assert result.returncode == 0, result.log
        yield result, base
    finally:
        httpd.shutdown()
        httpd.server_close()
