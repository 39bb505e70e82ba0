"""The search index: Pagefind over a built site (`invoke build`, `invoke publish`).

Pagefind is an external program that reads finished HTML, so it runs after
Pelican, on the staged output (``tasks.pelican_build``'s ``after`` step):
a failed index build fails the whole build and the previous output stays
as it was.  ``publish`` builds the index before it writes the manifest,
the archives and ``SHA256SUMS``, so that they cover it.

The program is the extended build from the pinned PyPI package
``pagefind-bin-extended`` (requirements.txt), run with this Python
(``python -m pagefind_bin_extended``): the extended build is the one that
segments Chinese into words.  It reads only what the theme marks with
``data-pagefind-body`` (the article of each piece), makes one index per
``<html lang>``, and writes it into ``SEARCH["bundle"]`` at the output root.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time

PACKAGE = "pagefind_bin_extended"
ENTRY = "pagefind-entry.json"
MARK = b"data-pagefind-body"
# What the search page's script uses of Pagefind's bundle: its search API
# (pagefind.js and its worker), the entry file, each language's metadata,
# WebAssembly and index and fragment chunks.  Pagefind also writes its own
# ready-made interfaces (pagefind-ui.js, ...); they are removed, so that the
# site holds no script it does not run.
KEEP = re.compile(r"pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[a-z0-9_-]+\.pf_meta"
                  r"|wasm\.[a-z0-9_-]+\.pagefind|(?:index|fragment|filter)/[a-z0-9_-]+\.pf_(?:index|fragment|filter)")


class SearchIndexError(RuntimeError):
    """The index could not be built, or does not hold what the site needs."""


def command(root, bundle):
    return [sys.executable, "-m", PACKAGE, "--site", str(root), "--output-subdir", bundle,
            # Result links name their file (…/index.html), like every link of the site.
            "--keep-index-url", "--quiet"]


def expected_languages(settings):
    """Pagefind's names of the table's languages: each <html lang>, in lower case."""
    return {entry["bcp47"].lower(): code for code, entry in settings["LANGUAGES"].items()}


def marked_pages(root):
    """{<html lang> in lower case: how many pages} of the pages that carry data-pagefind-body.

    Read with the HTML5 parser the allowlist uses (Lexbor), as Pagefind
    reads them: the mark in a piece's text or code is not the attribute.
    """
    from selectolax.lexbor import LexborHTMLParser

    counts = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            if not name.endswith(".html"):
                continue
            with open(os.path.join(dirpath, name), "rb") as handle:
                raw = handle.read()
            if MARK not in raw:
                continue
            tree = LexborHTMLParser(raw.decode("utf-8", "replace"))
            if tree.css_first("[data-pagefind-body]") is None:
                continue
            html = tree.css_first("html")
            lang = ((html.attributes.get("lang") if html is not None else None) or "unknown").lower()
            counts[lang] = counts.get(lang, 0) + 1
    return counts


def canonical_entry(path):
    """Rewrite Pagefind's entry file with sorted keys; returns its data.

    Pagefind writes its languages in hash-map order, which changes from run
    to run; every other file it writes depends only on the pages.  Sorted,
    two builds of the same site give the same bytes (SHA256SUMS, publish).
    """
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return data


def prune(bundle):
    """Remove what Pagefind wrote beyond KEEP (its ready-made interfaces)."""
    for dirpath, dirnames, filenames in os.walk(bundle, topdown=False):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if not KEEP.fullmatch(os.path.relpath(full, bundle).replace(os.sep, "/")):
                os.remove(full)
        if dirpath != bundle and not os.listdir(dirpath):
            os.rmdir(dirpath)


def build_index(root, settings):
    """Index the built site at `root`; returns {"pages": {lang code: count}, "seconds": s, "bundle"}.

    Raises SearchIndexError when Pagefind is missing or fails, when its
    index leaves out a language of the table or holds one that is not in it
    (a page with the wrong <html lang>), or when it indexed other pages than
    the marked ones.  A site with no piece at all gets no index: Pagefind
    would then read every page, 404 pages included.
    """
    from search.plugin import config

    bundle = config(settings)["bundle"]
    if importlib.util.find_spec(PACKAGE) is None:
        raise SearchIndexError(f"Pagefind is not installed: `pip install -r requirements.txt` "
                               f"(package pagefind-bin-extended)")
    target = os.path.join(root, bundle)
    if os.path.lexists(target):
        raise SearchIndexError(f"{target} already exists: the site itself has a file or folder named "
                               f"{bundle!r}; choose another SEARCH['bundle']")
    started = time.monotonic()
    marked = marked_pages(root)
    if not marked:
        return {"pages": {}, "seconds": time.monotonic() - started, "bundle": bundle}
    result = subprocess.run(command(root, bundle), capture_output=True, text=True)
    if result.returncode != 0:
        if os.path.isdir(target):
            shutil.rmtree(target)
        raise SearchIndexError(f"Pagefind failed (exit status {result.returncode}):\n"
                               f"{(result.stderr or result.stdout).strip()}")
    try:
        indexed = canonical_entry(os.path.join(target, ENTRY))["languages"]
    except (OSError, ValueError, KeyError) as exc:
        raise SearchIndexError(f"Pagefind wrote no readable {bundle}/{ENTRY}: {exc}") from exc
    wanted = expected_languages(settings)
    missing = sorted(set(wanted) - set(indexed))
    unknown = sorted(set(indexed) - set(wanted))
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"no pages indexed in {', '.join(wanted[tag] for tag in missing)}")
        if unknown:
            problems.append(f"pages indexed under languages not in LANGUAGES: {', '.join(unknown)}")
        raise SearchIndexError("the search index is incomplete: " + "; ".join(problems))
    counted = {tag: indexed[tag]["page_count"] for tag in indexed}
    if counted != marked:
        raise SearchIndexError(f"Pagefind indexed {counted} pages per language, but the pages that carry "
                               f"data-pagefind-body are {marked}")
    prune(target)
    pages = {wanted[tag]: counted[tag] for tag in sorted(counted)}
    return {"pages": pages, "seconds": time.monotonic() - started, "bundle": bundle}
