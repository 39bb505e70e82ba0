"""Lighthouse, as search engines and browsers judge pages: 100 in every category.

The pinned Lighthouse (tools/lighthouse, npm ci by ./dev.sh) audits the real
site published with CANONICAL_URL set to the loopback server that serves it
(conftest ``canonical_site``), so the canonical and hreflang links name the
very copy Lighthouse loads, as they do on the campaign's own host.  One
Chrome (Debian's chromium) loads every page once, then audits every page in
turn: home, a statement, an event and a listing, in the default language and
in zh-hant.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, language_folders, only_browser

TOOL = ROOT / "tools" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ["index.html", "statements/campaign-launch.html", "events/launch-meeting.html", "statements/index.html"]
LANGUAGES = ["en", "zh-hant"]


@pytest.fixture(scope="module")
def report(canonical_site, tmp_path_factory):
    site, base = canonical_site
    if not (TOOL / "node_modules" / "lighthouse").is_dir():
        pytest.fail("Lighthouse is not installed: run `npm ci --prefix tools/lighthouse` (./dev.sh test does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (./dev.sh test does)")
    folders = language_folders()
    urls = [f"{base}/{folders[code]}{page}" for code in LANGUAGES for page in PAGES]
    for url in urls:
        assert (site.output / url[len(base) + 1:]).is_file(), url
    out = tmp_path_factory.mktemp("lighthouse") / "report.json"
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # Lighthouse times the pages (blocking time, paints): no other browser of the
    # suite may run meanwhile (tests/conftest.py, `only_browser`).
    with only_browser(tmp_path_factory):
        result = subprocess.run([shutil.which("node") or "node", str(TOOL / "audit.mjs"), str(out), *urls],
                                cwd=TOOL, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(data) == sorted(urls)
    return data


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_scores_100_in_every_category(report, canonical_site, code, page):
    _site, base = canonical_site
    url = f"{base}/{language_folders()[code]}{page}"
    audit = report[url]
    assert audit["runtimeError"] is None, audit["runtimeError"]
    assert audit["lighthouseVersion"] == "12.2.3"
    assert {name: audit["scores"][name] for name in CATEGORIES} == {name: 1 for name in CATEGORIES}, \
        json.dumps(audit["failed"], indent=1, ensure_ascii=False)
