"""`invoke check-mirrors`: is each copy of the site fresh and faithful?

For each mirror, as Tor Project's mirror checker does: fetch the trace file
(``MIRRORS["trace"]``, default ``trace.json``: which build it serves, and
when that build was made), ``SHA256SUMS`` and ``SHA256SUMS.minisig``
(verified with the real ``minisign -V`` against the project's public key),
then a random sample of the files the sums list (always including the trace
and ``index.html``) and their ``.gz``/``.br`` twins where the server has
them.  The names come from ``sitecore.artefacts``.  Each mirror is then:

- ``unreachable``: the trace, the sums or a sampled file could not be fetched
  (network error, timeout, HTTP error other than 404);
- ``tampered``: no or a bad signature, or a file that is missing or differs
  from the signed sums (a twin that does not decompress to it counts too);
- ``stale``: faithful, but its build is older than the allowed age;
- ``fresh``: faithful and recent.
"""

import datetime
import hashlib
import json
import random
import subprocess
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from sitecore.artefacts import Artefacts, SumsError, parse_sums

from .precompress import decompress

STATUSES = ("fresh", "stale", "tampered", "unreachable")


class Unreachable(Exception):
    """A fetch failed for a reason other than 'not found'."""


class NotFound(Exception):
    """The server answered 404 (or 410)."""


@dataclass
class Report:
    url: str
    kind: str
    official: bool
    status: str = "unreachable"
    reason: str = ""
    build_id: str = ""
    commit: str = ""
    built: str = ""
    age_hours: float = None
    checked_files: list = field(default_factory=list)


class Fetcher:
    def __init__(self, timeout=20, ipfs_gateway="", tor_proxy=""):
        self.timeout = timeout
        self.ipfs_gateway = ipfs_gateway.rstrip("/")
        self.tor_proxy = tor_proxy

    def base(self, url):
        """The HTTP(S) base URL a mirror URL is fetched from."""
        parts = urlsplit(url)
        if parts.scheme in ("ipfs", "ipns"):
            if not self.ipfs_gateway:
                raise Unreachable("ipfs:// address and no --ipfs-gateway given")
            return f"{self.ipfs_gateway}/{parts.scheme}/{parts.netloc}{parts.path}".rstrip("/") + "/"
        return url.rstrip("/") + "/"

    def get(self, url):
        host = urlsplit(url).hostname or ""
        if host.endswith(".onion"):
            return self._get_tor(url)
        request = urllib.request.Request(url, headers={"User-Agent": "check-mirrors", "Accept-Encoding": "identity"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                raise NotFound(f"{url}: HTTP {exc.code}") from exc
            raise Unreachable(f"{url}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise Unreachable(f"{url}: {getattr(exc, 'reason', exc)}") from exc

    def _get_tor(self, url):
        if not self.tor_proxy:
            raise Unreachable(f"{url}: onion address and no --tor-proxy given")
        cmd = ["curl", "--silent", "--show-error", "--fail-with-body", "--max-time", str(self.timeout),
               "--socks5-hostname", self.tor_proxy, "--write-out", "\n%{http_code}", url]
        try:
            result = subprocess.run(cmd, capture_output=True, timeout=self.timeout + 5)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise Unreachable(f"{url}: {exc}") from exc
        body, _sep, code = result.stdout.rpartition(b"\n")
        if code.strip() in (b"404", b"410"):
            raise NotFound(f"{url}: HTTP {code.decode()}")
        if result.returncode != 0:
            raise Unreachable(f"{url}: {result.stderr.decode(errors='replace').strip()}")
        return body


def verify_signature(sums, signature, public_key):
    """True when the real minisign accepts the signature of `sums`."""
    with tempfile.TemporaryDirectory(prefix="check-mirrors-") as tmp:
        sums_path, sig_path = Path(tmp) / "SHA256SUMS", Path(tmp) / "SHA256SUMS.minisig"
        sums_path.write_bytes(sums)
        sig_path.write_bytes(signature)
        result = subprocess.run(["minisign", "-V", "-q", "-p", str(public_key), "-m", str(sums_path),
                                 "-x", str(sig_path)], capture_output=True, text=True)
    return result.returncode == 0


def check_mirror(mirror, fetcher, public_key, max_age, now, sample, rng, names=Artefacts()):
    """A Report for one mirror (duck-typed: url, kind, official); `names` are the site's Artefacts."""
    report = Report(mirror.url, mirror.kind, mirror.official)
    try:
        base = fetcher.base(mirror.url)
        try:
            raw_trace = fetcher.get(base + quote(names.trace))
            trace = json.loads(raw_trace)
        except NotFound as exc:
            raise Unreachable(f"no {names.trace} ({exc})") from exc
        except ValueError:
            report.status, report.reason = "tampered", f"{names.trace} is not JSON"
            return report
        report.build_id = str(trace.get("build_id", ""))
        report.commit = str(trace.get("commit", ""))
        report.built = str(trace.get("time", ""))
        try:
            sums_raw = fetcher.get(base + quote(names.sums))
            signature = fetcher.get(base + quote(names.signature))
        except NotFound as exc:
            report.status, report.reason = "tampered", f"signed sums missing ({exc})"
            return report
        if not verify_signature(sums_raw, signature, public_key):
            report.status, report.reason = "tampered", "SHA256SUMS signature is not valid for the project's key"
            return report
        try:
            sums = parse_sums(sums_raw, names.sums)
        except SumsError as exc:
            report.status, report.reason = "tampered", str(exc)
            return report
        if names.trace in sums and hashlib.sha256(raw_trace).hexdigest() != sums[names.trace]:
            report.status, report.reason = "tampered", f"{names.trace} differs from the signed sums"
            return report
        required = [p for p in ("index.html",) if p in sums]
        others = sorted(set(sums) - set(required) - {names.trace})
        chosen = required + rng.sample(others, min(sample, len(others)))
        for relpath in chosen:
            report.checked_files.append(relpath)
            url = base + quote(relpath)
            try:
                body = fetcher.get(url)
            except NotFound:
                report.status, report.reason = "tampered", f"{relpath} is missing"
                return report
            if hashlib.sha256(body).hexdigest() != sums[relpath]:
                report.status, report.reason = "tampered", f"{relpath} differs from the signed sums"
                return report
            for suffix in (".gz", ".br"):
                try:
                    twin = fetcher.get(url + suffix)
                except NotFound:
                    continue
                try:
                    original = decompress(suffix, twin)
                except Exception:  # gzip/brotli raise several unrelated types
                    original = None
                if original is None or hashlib.sha256(original).hexdigest() != sums[relpath]:
                    report.status, report.reason = "tampered", f"{relpath}{suffix} does not decompress to the signed file"
                    return report
    except Unreachable as exc:
        report.status, report.reason = "unreachable", str(exc)
        return report
    try:
        built = datetime.datetime.fromtimestamp(int(trace["epoch"]), datetime.timezone.utc)
    except (KeyError, TypeError, ValueError, OverflowError):
        report.status, report.reason = "tampered", f"{names.trace} has no valid epoch"
        return report
    age = now - built
    report.age_hours = round(age.total_seconds() / 3600, 1)
    if age > max_age:
        report.status, report.reason = "stale", f"build is {report.age_hours} h old (limit {max_age.total_seconds() / 3600:g} h)"
    else:
        report.status, report.reason = "fresh", ""
    return report


def check_one(mirror, *args):
    """check_mirror, with any unexpected failure reported on that mirror only."""
    try:
        return check_mirror(mirror, *args)
    except Exception as exc:  # noqa: BLE001 - one odd server must not hide the others' results
        return Report(mirror.url, mirror.kind, mirror.official, "unreachable",
                      f"check failed: {type(exc).__name__}: {exc}")


def check_all(mirrors, public_key, max_age_hours=48.0, sample=5, seed=None, timeout=20,
              ipfs_gateway="", tor_proxy="", now=None, names=Artefacts()):
    """Reports for every mirror, checked in parallel, in the list's order.

    `names` are the site's Artefacts (``sitecore.artefacts.artefacts(settings)``):
    which file is the trace, which the sums and their signature.
    """
    fetcher = Fetcher(timeout, ipfs_gateway, tor_proxy)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    max_age = datetime.timedelta(hours=max_age_hours)
    seeds = random.Random(seed)
    rngs = [random.Random(seeds.random()) for _ in mirrors]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(check_one, mirror, fetcher, public_key, max_age, now, sample, rng, names)
                   for mirror, rng in zip(mirrors, rngs)]
        return [future.result() for future in futures]


def table(reports):
    rows = [("STATUS", "OFFICIAL", "KIND", "BUILD", "AGE (h)", "URL", "REASON")]
    for r in reports:
        rows.append((r.status, "yes" if r.official else "no", r.kind, r.build_id or "-",
                     "-" if r.age_hours is None else f"{r.age_hours:g}", r.url, r.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
                     for row in rows)


def as_json(reports, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return json.dumps({
        "checked_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "summary": {status: sum(r.status == status for r in reports) for status in STATUSES},
        "mirrors": [asdict(r) for r in reports],
    }, indent=2) + "\n"


def failed_official(reports):
    return [r for r in reports if r.official and r.status != "fresh"]
