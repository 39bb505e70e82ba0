"""Benchmarks for the site's speed and size goals (`invoke bench`).

Goals are checked here, not in timed tests, because a loaded CI machine
makes timed tests flaky.  Speed claims are ratios measured side by side in
one run: the project and stock Pelican + pelican-i18n-subsites (default
theme, no other plugin) build the same synthetic corpus, alternately, and
the medians are compared.

The corpus: PIECES statements in every language of the table, plus the
site's real pages (every language), with Title, Slug, Lang, Date and
Summary written in each file, so both builds read the same facts.

What is measured:
- cold builds (empty cache) of ours and stock at each size, alternating,
  with the median wall time and the ratio stock / ours;
- linearity: ours at the largest size against the smallest;
- an incremental build: `invoke build`'s way (sitetools.atomic: into the
  folder of the site before last, then swapped in) after one content file
  changed, with the cache and output of earlier builds, against our cold
  build of the same size;
- peak memory (max RSS of the build process) of ours at --memory-pieces;
- Markdown conversions per source file (from the build's debug log);
- page weight: the median page, gzipped, with its stylesheet gzipped;
- `invoke publish` at the smallest size, once, in a copy of the project:
  the site with its search index, printed material, ZIM, manifest,
  archives and checksums (reported, no goal).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOALS = {
    # At 300 x 5, stock Pelican + i18n-subsites takes at least this many times ours.
    "speedup_vs_stock": (">=", 5.0),
    # Twice the pieces take at most this many times as long (linear growth).
    "growth_double_pieces": ("<=", 2.2),
    # A rebuild after one changed file, as a share of a cold build.
    "incremental_share_of_cold": ("<=", 0.40),
    # Peak memory of a build of --memory-pieces x every language.
    "peak_memory_mb": ("<=", 400),
    # Markdown conversions per source file: body and Summary, once each.
    "conversions_per_file": ("<=", 2.0),
    # A reader on a slow connection: the median page and its CSS, gzipped.
    "median_page_gzip_bytes": ("<=", 4_000),
}
EPOCH = "1700000000"
CONVERSIONS_RE = re.compile(r"sitecore: (\d+) Markdown conversions? for (\d+) files?")


def synthetic_content(folder, pieces, languages):
    """PIECES statements x languages, plus the real pages, under folder."""
    for index in range(pieces):
        for code in languages:
            path = folder / "statements" / f"piece-{index:04d}.{code}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            body = "\n\n".join(f"Paragraph {p} of piece {index} in {code}, with *emphasis* and a "
                               f"[link](https://example.org/{index}). " * 6 for p in range(6))
            path.write_text(
                f"Title: Piece {index} ({code})\nSlug: piece-{index:04d}\nLang: {code}\n"
                f"Date: 2024-01-{index % 28 + 1:02d}\nSummary: Summary of piece {index}.\n\n{body}\n",
                encoding="utf-8",
            )
    shutil.copytree(ROOT / "content" / "pages", folder / "pages")


def our_settings(content, output, work):
    conf = work / "ours.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nOUTPUT_PATH = {str(output)!r}\n"
        f"CACHE_PATH = {str(work / 'cache')!r}\n"
        f"I18N_GETTEXT_LOCALEDIR = {str(work / 'cache' / 'locale')!r}\n",
        encoding="utf-8",
    )
    return conf


def stock_settings(content, output, work, languages, default_lang):
    """Stock Pelican + i18n-subsites: default theme, no other plugin, no cache."""
    conf = work / "stock.py"
    subsites = {code: {} for code in languages if code != default_lang}
    conf.write_text(
        f"PATH = {str(content)!r}\nOUTPUT_PATH = {str(output)!r}\n"
        f"CACHE_PATH = {str(work / 'stock-cache')!r}\n"
        "SITENAME = 'Benchmark'\nSITEURL = ''\nRELATIVE_URLS = True\nTIMEZONE = 'UTC'\n"
        f"DEFAULT_LANG = {default_lang!r}\nI18N_SUBSITES = {subsites!r}\n"
        "PLUGINS = ['pelican.plugins.i18n_subsites']\n"
        "ARTICLE_PATHS = ['statements']\nPAGE_PATHS = ['pages']\n"
        "READERS = {'rst': None}\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "TRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
        "LOAD_CONTENT_CACHE = False\nCACHE_CONTENT = False\n",
        encoding="utf-8",
    )
    return conf


def run_pelican(content, conf, output, debug=False):
    """(wall seconds, peak RSS in MB, log text) of one build in a child process."""
    # (Pelican's plain log handler drops debug records: the rich one, wide.)
    cmd = [sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o", str(output),
           *(["--debug"] if debug else ["--log-handler", "plain", "-q"])]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "BUILD_COMMIT": "bench", "COLUMNS": "400"}
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=conf.parent)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read()
    if process.returncode != 0:
        raise SystemExit(f"bench: the build failed ({' '.join(cmd)}):\n{text[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, text


def run_build_task(content, conf, output):
    """Wall seconds of one build as `invoke build` and livereload run it
    (sitetools.atomic: into the folder of the site before last, pruned,
    then swapped in)."""
    from sitetools.atomic import build_atomically

    start = time.perf_counter()
    status = build_atomically(str(output), lambda staging: run_pelican(content, conf, Path(staging)) and 0)
    if status != 0:
        raise SystemExit("bench: the build failed")
    return time.perf_counter() - start


PROJECT_SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "output", "cache", "content", "node_modules",
                                      ".output*", "__pycache__", "*.pyc", "*.mo", "dist", "benchmarks")


def publish_seconds(content, work):
    """Wall seconds of `invoke publish` (site, search index, printed material,
    ZIM, manifest, archives, checksums) of `content` in a copy of the project."""
    project = work / "project"
    shutil.copytree(ROOT, project, ignore=PROJECT_SKIP)
    shutil.copytree(content, project / "content")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "BUILD_COMMIT": "bench"}
    env.pop("MINISIGN_SECRET_KEY", None)  # unsigned: a bench holds no secret key
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "invoke", "publish"], cwd=project, env=env,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"bench: invoke publish failed:\n{(result.stdout + result.stderr)[-3000:]}")
    shutil.rmtree(project)
    return seconds


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    return path


def page_weight(output):
    """Median over HTML pages of gzip(page) + gzip(its stylesheets)."""
    css = {p: len(gzip.compress(p.read_bytes(), 9, mtime=0)) for p in output.rglob("*.css")}
    css_total = sum(css.values())
    sizes = [len(gzip.compress(p.read_bytes(), 9, mtime=0)) + css_total
             for p in output.rglob("*.html") if p.name != "404.html"]
    return int(statistics.median(sizes)), len(sizes)


def measure(sizes, runs, memory_pieces, languages, default_lang, log=print, publish=True):
    results = {"languages": len(languages), "runs": runs, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp = Path(tmp)
        for pieces in sizes:
            work = tmp / f"n{pieces}"
            work.mkdir()
            content = work / "content"
            synthetic_content(content, pieces, languages)
            ours_out, stock_out = work / "ours-out", work / "stock-out"
            ours = our_settings(content, ours_out, work)
            stock = stock_settings(content, stock_out, work, languages, default_lang)
            ours_times, stock_times = [], []
            for run in range(runs):
                # Alternate, so that a slow moment of the machine hits both.
                fresh(work / "cache")
                ours_times.append(run_pelican(content, ours, fresh(ours_out))[0])
                stock_times.append(run_pelican(content, stock, fresh(stock_out))[0])
                log(f"  {pieces} x {len(languages)} run {run + 1}: ours {ours_times[-1]:.2f} s, "
                    f"stock {stock_times[-1]:.2f} s")
            entry = {
                "files": pieces * len(languages) + len(list((content / "pages").glob("*.md"))),
                "ours_seconds": round(statistics.median(ours_times), 2),
                "stock_seconds": round(statistics.median(stock_times), 2),
            }
            entry["speedup_vs_stock"] = round(entry["stock_seconds"] / entry["ours_seconds"], 2)
            # Incremental, as an editor meets it: `invoke build` after one
            # file changed, with the cache and the output of earlier builds.
            changed = content / "statements" / f"piece-{pieces // 2:04d}.{default_lang}.md"
            site = fresh(work / "site")
            for _ in range(2):  # an output and the site before last, as after any two builds
                run_build_task(content, ours, site)
            incremental = []
            for run in range(runs):
                with changed.open("a", encoding="utf-8") as handle:
                    handle.write(f"\nOne more paragraph, edit {run}.\n")
                incremental.append(run_build_task(content, ours, site))
            entry["incremental_seconds"] = round(statistics.median(incremental), 2)
            entry["incremental_share_of_cold"] = round(entry["incremental_seconds"] / entry["ours_seconds"], 2)
            # Conversions, from a cold debug build.
            fresh(work / "cache")
            _seconds, _rss, text = run_pelican(content, ours, fresh(ours_out), debug=True)
            found = CONVERSIONS_RE.findall(text)
            if found:
                conversions, files = map(int, found[-1])
                entry["conversions"] = conversions
                entry["conversions_per_file"] = round(conversions / files, 2)
            entry["median_page_gzip_bytes"], entry["pages"] = page_weight(ours_out)
            if publish and pieces == min(sizes):
                entry["publish_seconds"] = round(publish_seconds(content, work), 2)
            results["sizes"][pieces] = entry
            log(f"  {pieces} x {len(languages)}: {json.dumps(entry)}")
            shutil.rmtree(work)
        if memory_pieces:
            work = tmp / f"m{memory_pieces}"
            work.mkdir()
            content = work / "content"
            synthetic_content(content, memory_pieces, languages)
            _seconds, rss, _text = run_pelican(content, our_settings(content, work / "out", work), work / "out")
            results["memory_pieces"] = memory_pieces
            results["peak_memory_mb"] = round(rss, 1)
            log(f"  {memory_pieces} x {len(languages)}: peak memory {rss:.0f} MB")
    return results


def judge(results):
    """{goal: (value, ok)} for the goals that were measured."""
    sizes = results["sizes"]
    smallest = sizes[min(sizes)]
    values = {
        "speedup_vs_stock": smallest["speedup_vs_stock"],
        "incremental_share_of_cold": smallest["incremental_share_of_cold"],
        "conversions_per_file": max((e.get("conversions_per_file", float("inf")) for e in sizes.values())),
        "median_page_gzip_bytes": smallest["median_page_gzip_bytes"],
    }
    if len(sizes) > 1:
        largest = sizes[max(sizes)]
        values["growth_double_pieces"] = round(
            (largest["ours_seconds"] / smallest["ours_seconds"]) * (min(sizes) * 2 / max(sizes)), 2)
    if "peak_memory_mb" in results:
        values["peak_memory_mb"] = results["peak_memory_mb"]
    verdict = {}
    for key, value in values.items():
        op, goal = GOALS[key]
        verdict[key] = (value, value >= goal if op == ">=" else value <= goal)
    return verdict


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="300,600", help="statements per language, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per size (medians)")
    parser.add_argument("--memory-pieces", type=int, default=1000, help="size of the memory build; 0 to skip")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--no-publish", action="store_true", help="skip timing `invoke publish` at the smallest size")
    args = parser.parse_args(argv)

    import pelicanconf

    languages = list(pelicanconf.LANGUAGES)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    print(f"bench: {', '.join(f'{s} x {len(languages)}' for s in sizes)}, {args.runs} runs each, "
          f"{os.cpu_count()} cores")
    results = measure(sizes, args.runs, args.memory_pieces, languages, pelicanconf.DEFAULT_LANG,
                      publish=not args.no_publish)
    verdict = judge(results)
    print()
    for pieces, entry in results["sizes"].items():
        print(f"{pieces} x {len(languages)} ({entry['files']} files): ours {entry['ours_seconds']} s, "
              f"stock {entry['stock_seconds']} s, stock/ours {entry['speedup_vs_stock']}x; "
              f"one file changed: {entry['incremental_seconds']} s"
              + (f"; invoke publish (with search, printed material, ZIM): {entry['publish_seconds']} s"
                 if "publish_seconds" in entry else ""))
    failures = []
    for key, (value, ok) in verdict.items():
        op, goal = GOALS[key]
        print(f"{key:28} {value:>10} {'ok' if ok else 'FAIL'} (goal {op} {goal})")
        if not ok:
            failures.append(key)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "goals": GOALS,
                                               "verdict": verdict}, indent=2) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
