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
import time
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
    "public_key": str(HERE / "keys" / "minisign.pub"),
    "targets": str(HERE / "deploy" / "targets.yml"),
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


def pelican_run(args, fatal=True, env=None):
    """Run Pelican in a child process; its exit status ends the task."""
    result = subprocess.run(pelican_cmd(args, fatal), cwd=HERE, env=env)
    if result.returncode != 0:
        raise Exit(code=result.returncode)


def pelican_build(args, fatal=True, output=None, env=None, after=None):
    """Build into a temporary folder; it replaces `output` (output/) only on success.

    `after(staging)`, when given, runs on the finished build before the swap
    (publishing adds its manifest, archives and checksums there) and returns
    an exit status too.  Returns the exit status: a failed build leaves the
    previous output exactly as it was.
    """
    from sitetools.atomic import build_atomically

    def run(staging):
        return subprocess.run(pelican_cmd([*args, "-o", staging], fatal), cwd=HERE, env=env).returncode

    return build_atomically(output or CONFIG["deploy_path"], run, after=after)


def settings_for(settings_file=None):
    from pelican.settings import read_settings

    return read_settings(settings_file or CONFIG["settings_base"])


def published_names():
    """The names of the trace, sums and other files of a published copy (publishconf.py's)."""
    from sitecore.artefacts import artefacts

    return artefacts(settings_for(CONFIG["settings_publish"]))


def search_index(settings_file):
    """An `after` step for pelican_build: Pagefind's index of the staged site (sitetools/search.py).

    A failure returns 1, so the staged site never replaces the output.
    """
    def run(staging):
        from sitetools.search import SearchIndexError, build_index

        try:
            done = build_index(staging, settings_for(settings_file))
        except SearchIndexError as exc:
            print(f"search: {exc}", file=sys.stderr)
            return 1
        if done["pages"]:
            print(f"search: indexed {sum(done['pages'].values())} pages in {len(done['pages'])} languages "
                  f"into {done['bundle']}/ in {done['seconds']:.2f} s")
        else:
            print("search: no pieces to index")
        return 0

    return run


@task
def clean(c):
    """Remove the generated site (output/) and Pelican's cache."""
    for folder in (CONFIG["deploy_path"], str(HERE / "cache")):
        if os.path.isdir(folder):
            shutil.rmtree(folder)


@task(help={"extra": "more pelican arguments, quoted"})
def build(c, extra=""):
    """Build the whole site, every language, into output/ (fails on warnings), with its search index.

    The site is built in a temporary folder that replaces output/ only when
    the build succeeds: a failed build leaves the previous site untouched.
    """
    code = pelican_build(["-s", CONFIG["settings_base"], *shlex.split(extra)],
                         after=search_index(CONFIG["settings_base"]))
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


@task(help={"output": "folder to write the site into (default output/)"})
def preview(c, output=None):
    """Build with the publishing settings, as `publish` does."""
    publish(c, output)


@task(help={"port": "port to serve on (default 8000)"})
def livereload(c, port=None):
    """Serve at http://localhost:8000 and rebuild on content, theme or catalog changes.

    A build that fails shows its messages and keeps serving the last good
    site; fix the file and save again.
    """
    import threading

    from watchfiles import watch

    def rebuild_once():
        code = pelican_build(["-s", CONFIG["settings_base"]], fatal=False,
                             after=search_index(CONFIG["settings_base"]))
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


def signing_key(key=None):
    """The secret key publishing signs with (--key, else $MINISIGN_SECRET_KEY), or None."""
    from sitetools.signing import SECRET_KEY_ENV

    return key or (os.environ.get(SECRET_KEY_ENV, "").strip() and SECRET_KEY_ENV) or None


def signed_build_args():
    """Tell the build that this publish signs its checksums (INTEGRITY["signed"]), so that
    the verify page links the signature; an unsigned publish links none."""
    import json

    integrity = {**settings_for(CONFIG["settings_publish"])["INTEGRITY"], "signed": True}
    return ["-e", "INTEGRITY=" + json.dumps(integrity)]


def publish_build_args(signer):
    """Pelican's -e overrides for this publish's build: it prints each language's leaflet and
    poster and packs site.zim (PRINTED/OFFLINE["published"]: the build writes what publish turns
    into them and links them), and, when it signs, INTEGRITY["signed"] (signed_build_args).

    A plain `pelican -s publishconf.py` build writes and links none of them."""
    import json

    settings = settings_for(CONFIG["settings_publish"])
    overrides = [f"{name}=" + json.dumps({**(settings.get(name) or {}), "published": True})
                 for name in ("PRINTED", "OFFLINE")]
    if signer:
        overrides += signed_build_args()[1:]
    return ["-e", *overrides]


@task(help={"output": "folder to write the site into (default output/)",
            "key": "minisign secret key file: sign as part of publishing (default: the "
                   "MINISIGN_SECRET_KEY variable when set; without either the copy is not signed)"})
def publish(c, output=None, key=None):
    """Build with publishconf.py and its search index, then add manifest.json, the archives, site.zim and SHA256SUMS.

    The archives are site.zip and site.tar.gz; all files go to the output root.
    Each language's leaflet and poster are printed as PDF before the manifest.
    Set SOURCE_DATE_EPOCH for a reproducible build: two builds of one commit
    with the same value are byte-identical.  Sign afterwards with `invoke sign`.
    Everything is made in a temporary folder that replaces the output only
    when all of it succeeded: a failure never leaves half a published site.
    With a secret key (--key or $MINISIGN_SECRET_KEY) it also signs, and the
    pages link the signature; without one they link no signature.
    """
    from buildinfo.buildinfo import BuildInfoError, read as read_build
    from sitetools.printed import PrintError
    from sitetools.publish import IntegrityError, publish as add_integrity_files
    from sitetools.zim import ZimError

    names = published_names()
    output = os.path.abspath(output or CONFIG["deploy_path"])
    # One instant for Pelican and the manifest, even without SOURCE_DATE_EPOCH.
    env = dict(os.environ)
    if not env.get("SOURCE_DATE_EPOCH", "").strip():
        env["SOURCE_DATE_EPOCH"] = str(int(time.time()))
    summary = {}
    from sitetools.signing import SigningError, sign as minisign_sign

    signer = signing_key(key)
    index = search_index(CONFIG["settings_publish"])

    def add_integrity(staging):
        # The search index first: the manifest and SHA256SUMS cover it.
        if index(staging) != 0:
            return 1
        try:
            info = read_build({"PATH": CONFIG["content"]}, environ=env)
            summary.update(add_integrity_files(staging, info, names))
            if signer:
                minisign_sign(staging, key_file=key)
        except (BuildInfoError, IntegrityError, PrintError, ZimError, SigningError, OSError) as exc:
            print(f"publish: {exc}", file=sys.stderr)
            return 1
        return 0

    args = ["-s", CONFIG["settings_publish"], *publish_build_args(signer)]
    code = pelican_build(args, output=output, env=env, after=add_integrity)
    if code != 0:
        raise Exit(f"publish failed (see above); {output} was left as it was", code=code)
    print(f"publish: {summary['file_count']} site files, build {summary['build_id']}; "
          f"wrote {names.manifest}, {', '.join(names.bundles)} and {names.sums}"
          f"{' and ' + names.signature if signer else ' (not signed: no key)'} in {output}")
    report_reach(summary)


def report_reach(summary):
    """What publish printed and packed beyond the site (issue 12), and how long it took."""
    if not summary.get("printed") and not summary.get("zim"):
        return
    timings = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in summary.get("timings", {}).items())
    print(f"publish: {len(summary.get('printed', []))} PDFs of printed material"
          f"{', ' + summary['zim'] if summary.get('zim') else ''}" + (f" ({timings})" if timings else ""))
    for note in summary.get("notes", []):
        print(f"publish: note: {note}")


@task(name="zim-illustration")
def zim_illustration(c):
    """Draw theme/static/favicon.svg as the ZIM file's 48x48 PNG illustration (Chromium, Playwright).

    The PNG is committed (OFFLINE["illustration"]) so that every publish packs the same bytes;
    run this after changing the favicon.
    """
    from offline.plugin import illustration_path
    from sitetools.illustration import draw

    settings = settings_for()
    target = illustration_path(settings)
    draw(os.path.join(settings["THEME"], "static", "favicon.svg"), target)
    print(f"zim-illustration: wrote {os.path.relpath(target, HERE)}")


@task(help={"key": "minisign secret key file (default: the MINISIGN_SECRET_KEY variable, "
                   "which holds the key file's contents)",
            "output": "the published folder (default output/)"})
def sign(c, key=None, output=None):
    """Sign the output's SHA256SUMS with minisign, writing SHA256SUMS.minisig."""
    from sitetools.signing import SigningError, sign as minisign_sign

    output = os.path.abspath(output or CONFIG["deploy_path"])
    try:
        path = minisign_sign(output, key_file=key)
    except SigningError as exc:
        raise Exit(f"sign: {exc}") from exc
    print(f"sign: wrote {path}")


@task(help={"path": "folder of the copy to check",
            "sums": "its SHA256SUMS if the folder has none (e.g. an unpacked archive)",
            "signature": "the signature (default: the SHA256SUMS file + .minisig)",
            "public_key": "minisign public key (default keys/minisign.pub)"})
def verify(c, path, sums=None, signature=None, public_key=None):
    """Check a copy against its signed SHA256SUMS: name every missing, extra or changed file.

    Exit status 1 on a bad signature or any difference.
    """
    from sitetools.signing import SigningError
    from sitetools.verify import verify as check_copy

    try:
        report = check_copy(path, public_key or CONFIG["public_key"], sums=sums, signature=signature)
    except (SigningError, OSError) as exc:
        raise Exit(f"verify: {exc}") from exc
    for note in report.notes:
        print(f"verify: {note}")
    for problem in report.problems:
        print(f"verify: {problem}")
    if not report.ok:
        raise Exit(f"verify: {path} is NOT a faithful copy ({len(report.problems)} problems)", code=1)
    print(f"verify: {path} is a faithful, signed copy")


def refuse_key_from_a_copy(key, settings):
    """check-mirrors compares the mirrors with what the campaign signed: a key
    taken from a copy of the site (the built output every mirror copies)
    would vouch for that copy.  (verify refuses a key inside the folder it checks.)"""
    from sitetools.signing import key_inside, key_inside_message

    for folder in {CONFIG["deploy_path"], settings["OUTPUT_PATH"]}:
        if os.path.isdir(folder) and key_inside(key, folder):
            raise Exit(f"check-mirrors: {key_inside_message(key, folder)}")


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


@task(help={"sizes": "statements per language, comma-separated (default 300,600)",
            "runs": "alternating runs per size, medians (default 3)",
            "memory_pieces": "statements per language of the peak-memory build; 0 skips it (default 1000)",
            "json": "also write the results to this file"})
def bench(c, sizes="300,600", runs=3, memory_pieces=1000, json=""):
    """Build time against stock Pelican + i18n-subsites, growth, rebuild, memory, page weight."""
    args = [sys.executable, str(HERE / "benchmarks" / "bench.py"), "--sizes", sizes, "--runs", str(runs),
            "--memory-pieces", str(memory_pieces)]
    if json:
        args += ["--json", json]
    code = subprocess.run(args).returncode
    if code:
        raise Exit("a benchmark goal was missed (see above)", code=code)


@task(help={"target": "name of one target in deploy/targets.yml (repeatable)",
            "all": "deploy every target", "output": "folder to deploy (default output/)",
            "targets": "targets file (default deploy/targets.yml)",
            "list": "print the configured target names as JSON (for a CI matrix) and stop"},
      iterable=["target"])
def deploy(c, target=None, all=False, output=None, targets=None, list=False):
    """Publish the built output to deploy targets; a failing target does not stop the others.

    Secrets come only from environment variables named in the targets file.
    Exit status 1 when any target failed (each one's result is printed).
    """
    from sitetools import deploy as deploytools

    path = targets or CONFIG["targets"]
    try:
        configured = deploytools.load_targets(path, base=str(HERE))
    except deploytools.DeployConfigError as exc:
        raise Exit(str(exc)) from exc
    if list:
        import json

        print(json.dumps(sorted(configured)))
        return
    if all and not configured:
        print(f"no deploy targets configured in {path}")
        return
    names = sorted(configured) if all else [*(target or [])]
    if not names:
        raise Exit(f"name a target with --target NAME or use --all (targets in {path}: "
                   f"{', '.join(configured) or 'none configured'})")
    unknown = [name for name in names if name not in configured]
    if unknown:
        raise Exit(f"unknown target {', '.join(unknown)}; {path} has: {', '.join(configured) or 'none'}")
    try:
        results = deploytools.deploy(configured, names, output or CONFIG["deploy_path"],
                                     artefacts=published_names())
    except deploytools.DeployError as exc:
        raise Exit(str(exc)) from exc
    for result in results:
        print(f"{'ok    ' if result.ok else 'FAILED'} {result.name}: {result.message}")
    failed = [result.name for result in results if not result.ok]
    if failed:
        raise Exit(f"deploy failed for: {', '.join(failed)}", code=1)


@task(help={"target": "name of an rsync target in deploy/targets.yml",
            "targets": "targets file (default deploy/targets.yml)"})
def rollback(c, target, targets=None):
    """Switch an rsync target back to its previous release (one atomic symlink switch)."""
    from sitetools import deploy as deploytools

    path = targets or CONFIG["targets"]
    try:
        configured = deploytools.load_targets(path, base=str(HERE))
        if target not in configured:
            raise Exit(f"unknown target {target}; {path} has: {', '.join(configured) or 'none'}")
        print(deploytools.rollback(target, configured[target]))
    except (deploytools.DeployConfigError, deploytools.DeployError) as exc:
        raise Exit(f"rollback {target}: {exc}") from exc


@task(help={"path": "folder to precompress (default output/)"})
def precompress(c, path=None):
    """Write .gz and .br twins beside text files, for nginx gzip_static/brotli_static.

    Run it after `invoke sign`: the twins are not in SHA256SUMS (see README).
    """
    from sitetools.precompress import precompress as write_twins

    folder = path or CONFIG["deploy_path"]
    if not os.path.isdir(folder):
        raise Exit(f"{folder} does not exist: build first")
    count = write_twins(folder)
    print(f"precompressed {count} files in {folder}")


@task(name="check-mirrors",
      help={"mirrors": "mirror list (default: MIRRORS['file'] in the content folder, content/mirrors.yml)",
            "max_age": "hours after which a mirror's build is stale (default 48)",
            "sample": "how many random files to compare per mirror (default 5)",
            "json": "also write the report as JSON to this file ('-' prints JSON instead of the table)",
            "public_key": "minisign public key (default keys/minisign.pub)",
            "seed": "seed of the random sample (default: random)",
            "timeout": "seconds per request (default 20)",
            "ipfs_gateway": "HTTP gateway for ipfs:// mirrors, e.g. http://127.0.0.1:8080",
            "tor_proxy": "SOCKS proxy for .onion mirrors, e.g. 127.0.0.1:9050"})
def check_mirrors(c, mirrors=None, max_age=48.0, sample=5, json=None, public_key=None, seed=None,
                  timeout=20.0, ipfs_gateway="", tor_proxy=""):
    """Check every mirror: fresh, stale, tampered or unreachable; exit 1 if an official one is not fresh."""
    from mirrors.data import MirrorListError, load_mirrors
    from mirrors.plugin import list_path
    from sitecore.artefacts import artefacts
    from sitetools import check_mirrors as check

    settings = settings_for(CONFIG["settings_publish"])
    try:
        listed = load_mirrors(mirrors or list_path(settings)).mirrors
    except MirrorListError as exc:
        raise Exit(str(exc)) from exc
    key = public_key or CONFIG["public_key"]
    if listed and not os.path.isfile(key):
        raise Exit(f"no minisign public key at {key}: pass --public-key")
    refuse_key_from_a_copy(key, settings)
    reports = check.check_all(listed, key, max_age_hours=float(max_age), sample=int(sample),
                              seed=None if seed is None else int(seed), timeout=float(timeout),
                              ipfs_gateway=ipfs_gateway, tor_proxy=tor_proxy, names=artefacts(settings))
    document = check.as_json(reports)
    if json == "-":
        print(document, end="")
    else:
        print(check.table(reports) if reports else "no mirrors listed")
        if json:
            Path(json).write_text(document, encoding="utf-8")
    bad = check.failed_official(reports)
    if bad:
        raise Exit(f"{len(bad)} official mirror(s) not fresh: " + ", ".join(f"{r.url} ({r.status})" for r in bad),
                   code=1)
