"""Tasks for building, serving and publishing the campaign site.

The Pelican quickstart's tasks (clean, build, rebuild, regenerate, serve,
reserve, preview, livereload, publish) plus the catalog tasks.  Run
`invoke --list` for the list and `invoke --help TASK` for each.
"""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "plugins"))

CONFIG = {
    "settings_base": str(HERE / "pelicanconf.py"),
    "settings_publish": str(HERE / "publishconf.py"),
    "content": str(HERE / "content"),
    "deploy_path": str(HERE / "output"),
    "translations": str(HERE / "translations"),
    "babel_cfg": str(HERE / "babel.cfg"),
    "host": "localhost",
    "port": 8000,
}


def languages():
    """The language table from pelicanconf.py (the one place it lives)."""
    import pelicanconf

    return pelicanconf.LANGUAGES, pelicanconf.DEFAULT_LANG


def pelican_cmd(args, fatal=True):
    cmd = [sys.executable, "-m", "pelican", CONFIG["content"], "--log-handler", "plain", *args]
    if fatal:
        cmd += ["--fatal", "warnings"]
    return cmd


def pelican_run(args, fatal=True):
    """Run Pelican in a child process; its exit status ends the task."""
    result = subprocess.run(pelican_cmd(args, fatal), cwd=HERE)
    if result.returncode != 0:
        raise Exit(code=result.returncode)


def pelican_build(args, fatal=True):
    """Build into a temporary folder; it replaces output/ only on success.

    Returns the exit status (a failed build leaves output/ as it was).
    """
    from sitetools.atomic import build_atomically

    return build_atomically(
        CONFIG["deploy_path"],
        lambda staging: subprocess.run(pelican_cmd([*args, "-o", staging], fatal), cwd=HERE).returncode,
    )


def settings_for(settings_file=None):
    from pelican.settings import read_settings

    return read_settings(settings_file or CONFIG["settings_base"])


@task
def clean(c):
    """Remove the generated site (output/) and Pelican's cache."""
    for folder in (CONFIG["deploy_path"], str(HERE / "cache")):
        if os.path.isdir(folder):
            shutil.rmtree(folder)


@task(help={"extra": "more pelican arguments, quoted"})
def build(c, extra=""):
    """Build the whole site, every language, into output/ (fails on warnings).

    The site is built in a temporary folder that replaces output/ only when
    the build succeeds: a failed build leaves the previous site untouched.
    """
    code = pelican_build(["-s", CONFIG["settings_base"], *shlex.split(extra)])
    if code != 0:
        raise Exit("build failed (see above); output/ was left as it was", code=code)


@task(clean, build)
def rebuild(c):
    """`clean` then `build`."""


@task
def regenerate(c):
    """Rebuild whenever content or templates change (Pelican's -r)."""
    pelican_run(["-r", "-s", CONFIG["settings_base"]], fatal=False)


@task(help={"port": "port to serve on (default 8000)"})
def serve(c, port=None):
    """Serve output/ at http://localhost:8000 (loopback only)."""
    if not os.path.isfile(os.path.join(CONFIG["deploy_path"], "index.html")):
        raise Exit("output/ has no site yet: run `invoke build` first")
    serve_forever(port)


def serve_forever(port=None):
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    port = int(port or CONFIG["port"])
    handler = partial(SimpleHTTPRequestHandler, directory=CONFIG["deploy_path"])
    server = ThreadingHTTPServer((CONFIG["host"], port), handler)
    print(f"Serving {CONFIG['deploy_path']} at http://{CONFIG['host']}:{port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task
def reserve(c):
    """`build`, then `serve`."""
    build(c)
    serve(c)


@task
def preview(c):
    """Build with the publishing settings (into output/, replaced only on success)."""
    code = pelican_build(["-s", CONFIG["settings_publish"]])
    if code != 0:
        raise Exit("build failed (see above); output/ was left as it was", code=code)


@task(help={"port": "port to serve on (default 8000)"})
def livereload(c, port=None):
    """Serve at http://localhost:8000 and rebuild on content, theme or catalog changes.

    A build that fails shows its messages and keeps serving the last good
    site; fix the file and save again.
    """
    import threading

    from watchfiles import watch

    def rebuild_once():
        code = pelican_build(["-s", CONFIG["settings_base"]], fatal=False)
        print("livereload: build", "succeeded" if code == 0 else
              "failed (see above); still serving the last good site", flush=True)

    rebuild_once()
    # Serve even when the first build failed: the next good build appears.
    os.makedirs(CONFIG["deploy_path"], exist_ok=True)
    threading.Thread(target=serve_forever, args=(port,), daemon=True).start()
    watched = [CONFIG["content"], str(HERE / "theme"), CONFIG["translations"], str(HERE / "plugins"),
               CONFIG["settings_base"]]
    for _changes in watch(*watched):
        rebuild_once()


@task
def publish(c):
    """Build the site for publishing (publishconf.py) into output/.

    Built into a fresh temporary folder that replaces output/ only when the
    build succeeds (so nothing stale from an older build is left behind).
    """
    code = pelican_build(["-s", CONFIG["settings_publish"]])
    if code != 0:
        raise Exit("build failed (see above); output/ was left as it was", code=code)


@task(help={"path": "content folder to check (default: the site's content/)"})
def check(c, path=None):
    """Validate all content without building: every problem as `path:line: message`."""
    from content_checks.command import run

    if run(CONFIG["settings_base"], path=os.path.abspath(path) if path else None):
        raise Exit(code=1)


@task(help={"json": "where to write the JSON report (default output/translations.json; '' for none)"})
def translations(c, json=None):
    """Print the state of every translation (and of the theme catalogs); write it as JSON."""
    import json as jsonlib

    from translation_status.status import format_text, report

    data = report(settings_for())
    print(format_text(data), end="")
    target = os.path.join(CONFIG["deploy_path"], "translations.json") if json is None else json
    if target:
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            jsonlib.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.write("\n")
        print(f"Written to {target}")


@task(help={"kind": "statement, background, event or page", "slug": "the address, e.g. my-statement",
            "lang": "language code (default: the site's default language)"})
def new(c, kind, slug, lang=None):
    """Write a new statement, background piece, event or page, every field explained."""
    from sitetools.scaffold import ScaffoldError, new as scaffold_new

    settings = settings_for()
    try:
        path = scaffold_new(kind, slug, lang or settings["DEFAULT_LANG"], settings)
    except ScaffoldError as exc:
        raise Exit(f"new: {exc}", code=1) from exc
    print(f"Written {os.path.relpath(path, HERE)}: fill it in, then `invoke check`.")


@task(help={"slug": "slug of the piece to translate", "lang": "language code of the translation"})
def translate(c, slug, lang):
    """Write the translation stub of a piece, with Translation-of filled in."""
    from sitetools.scaffold import ScaffoldError, translate as scaffold_translate

    try:
        path = scaffold_translate(slug, lang, settings_for())
    except ScaffoldError as exc:
        raise Exit(f"translate: {exc}", code=1) from exc
    print(f"Written {os.path.relpath(path, HERE)}: translate it, then `invoke check`.")


def babel(*args):
    cmd = [sys.executable, "-m", "babel.messages.frontend", *args]
    result = subprocess.run(cmd, cwd=HERE)
    if result.returncode != 0:
        raise Exit(f"pybabel {args[0]} failed", code=1)


@task(name="catalogs-extract")
def catalogs_extract(c):
    """Extract the theme's strings into translations/messages.pot."""
    babel("extract", "-F", CONFIG["babel_cfg"], "-o", f"{CONFIG['translations']}/messages.pot",
          "--no-location", "--sort-output", "--project", "solidarity-site", str(HERE))


@task(name="catalogs-init", help={"locale": "Babel locale id, e.g. zh_Hant_HK"})
def catalogs_init(c, locale):
    """Start the catalog of a new language from messages.pot."""
    babel("init", "-i", f"{CONFIG['translations']}/messages.pot", "-d", CONFIG["translations"], "-l", locale)


@task(name="catalogs-update", pre=[catalogs_extract])
def catalogs_update(c):
    """Extract, then merge new strings into every language's catalog."""
    table, default = languages()
    for code, entry in table.items():
        if code == default:
            continue
        babel("update", "-i", f"{CONFIG['translations']}/messages.pot", "-d", CONFIG["translations"],
              "-l", entry["locale"], "--no-wrap", "--ignore-obsolete")


@task(name="catalogs-compile")
def catalogs_compile(c):
    """Check that every catalog compiles (builds compile them by themselves)."""
    table, default = languages()
    for code, entry in table.items():
        if code == default:
            continue
        babel("compile", "-d", CONFIG["translations"], "-l", entry["locale"], "--statistics",
              "-o", os.devnull, "-i", f"{CONFIG['translations']}/{entry['locale']}/LC_MESSAGES/messages.po")
