"""The campaign's canonical address (CANONICAL_URL) and absolute URLs from it.

Pages, feeds' links and every copy stay relative whatever this says: an
absolute URL appears only where a reader's browser never loads it and the
format requires one (calendars, JSON-LD, canonical and hreflang links,
sitemaps, feeds' ids, share metadata, printed QR codes).  Empty means no
absolute URL at all, never an invented domain.
"""

from urllib.parse import urlsplit

from .config import ConfigError
from .state import is_main_site


def canonical_url(settings):
    """CANONICAL_URL without its trailing slash, checked; '' when unset."""
    value = settings.get("CANONICAL_URL") or ""
    if not isinstance(value, str):
        raise ConfigError(f"CANONICAL_URL must be a string such as 'https://example.org', got {value!r}")
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"CANONICAL_URL must be an absolute http(s) address such as "
                          f"'https://example.org' or 'https://example.org/campaign', got {value!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"CANONICAL_URL may hold no query, fragment or login, got {value!r}")
    return value.rstrip("/")


def site_prefix(settings):
    """The folder of this (sub-)site under the canonical address: '' or 'de/'."""
    return "" if is_main_site(settings) else settings["DEFAULT_LANG"] + "/"


def absolute_url(settings, url):
    """The canonical address of output path `url` of this sub-site, or ''."""
    base = canonical_url(settings)
    if not base:
        return ""
    return f"{base}/{site_prefix(settings)}{url}"
