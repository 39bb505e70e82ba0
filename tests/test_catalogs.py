"""Every theme string is translated, in every language of the table."""

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT

sys.path.insert(0, str(ROOT))
import pelicanconf  # noqa: E402

OTHER_LANGS = [code for code in pelicanconf.LANGUAGES if code != pelicanconf.DEFAULT_LANG]


@pytest.fixture(scope="module")
def template_ids(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
         "-o", str(pot), str(ROOT)],
        check=True, cwd=ROOT, capture_output=True,
    )
    with open(pot, "rb") as handle:
        ids = {message.id for message in read_po(handle) if message.id}
    assert len(ids) > 20
    return ids


def catalog(code):
    locale = pelicanconf.LANGUAGES[code]["locale"]
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("code", OTHER_LANGS)
def test_catalog_complete(code, template_ids):
    messages = {message.id: message for message in catalog(code) if message.id}
    missing = sorted(template_ids - set(messages))
    untranslated = sorted(mid for mid in template_ids & set(messages) if not messages[mid].string)
    fuzzy = sorted(mid for mid in template_ids & set(messages) if messages[mid].fuzzy)
    assert missing == [], f"{code}: strings not in the catalog (run `invoke catalogs-update`)"
    assert untranslated == [], f"{code}: untranslated strings"
    assert fuzzy == [], f"{code}: fuzzy strings"


def test_committed_template_matches_the_theme(template_ids):
    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        committed = {message.id for message in read_po(handle) if message.id}
    assert committed == template_ids, "run `invoke catalogs-update` and translate the new strings"


@pytest.mark.parametrize("code", OTHER_LANGS)
def test_placeholders_kept(code):
    for message in catalog(code):
        if message.id and "%(" in message.id:
            for name in ("%(language)s",):
                if name in message.id:
                    assert name in message.string, f"{code}: {message.id!r} lost {name}"
