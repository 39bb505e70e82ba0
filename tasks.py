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


def pelican_run(args, fatal=True):
    """Run Pelican in a child process; its exit status ends the task."""
    cmd = [sys.executable, "-m", "pelican", CONFIG["content"], "--log-handler", "plain", *args]
    if fatal:
        cmd += ["--fatal", "warnings"]
    result = subprocess.run(cmd, cwd=HERE)
    if result.returncode != 0:
        raise Exit(code=result.returncode)


@task
def clean(c):
    """Remove the generated site (output/) and Pelican's cache."""
    for folder in (CONFIG["deploy_path"], str(HERE / "cache")):
        if os.path.isdir(folder):
            shutil.rmtree(folder)


@task(help={"extra": "more pelican arguments, quoted"})
def build(c, extra=""):
    """Build the whole site, every language, into output/ (fails on warnings)."""
    pelican_run(["-s", CONFIG["settings_base"], *shlex.split(extra)])


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
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    if not os.path.isfile(os.path.join(CONFIG["deploy_path"], "index.html")):
        raise Exit("output/ has no site yet: run `invoke build` first")
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
    """Build with the publishing settings."""
    pelican_run(["-s", CONFIG["settings_publish"]])


@task(help={"port": "port to serve on (default 8000)"})
def livereload(c, port=None):
    """Serve at http://localhost:8000 and rebuild on content, theme or catalog changes.

    A build that fails shows its messages and keeps serving the last good
    site; fix the file and save again.
    """
    import threading

    from watchfiles import watch

    def rebuild_once():
        cmd = [sys.executable, "-m", "pelican", CONFIG["content"], "-s", CONFIG["settings_base"]]
        code = subprocess.run(cmd, cwd=HERE).returncode
        print("livereload: build", "succeeded" if code == 0 else "failed (see above)", flush=True)

    rebuild_once()
    threading.Thread(target=serve, args=(c, port), daemon=True).start()
    watched = [CONFIG["content"], str(HERE / "theme"), CONFIG["translations"], str(HERE / "plugins"),
               CONFIG["settings_base"]]
    for _changes in watch(*watched):
        rebuild_once()


@task
def publish(c):
    """Build the site for publishing (publishconf.py) into output/."""
    pelican_run(["-s", CONFIG["settings_publish"], "--delete-output-directory"])


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


@task(help={"pieces": "statements per language in the synthetic site (default 100)"})
def bench(c, pieces=100):
    """Measure build time and page weight against the goals in benchmarks/bench.py."""
    code = subprocess.run([sys.executable, str(HERE / "benchmarks" / "bench.py"), "--pieces", str(pieces)]).returncode
    if code:
        raise Exit("a benchmark goal was missed (see above)", code=code)
