"""`invoke sign`: sign SHA256SUMS, and check signatures, with the real minisign (Ed25519)."""

import json
import os
import shutil
import subprocess
import tempfile

from sitecore.artefacts import MANIFEST, SIGNATURE, SUMS

# CI gets the secret key file's whole contents in this variable.
SECRET_KEY_ENV = "MINISIGN_SECRET_KEY"


class SigningError(RuntimeError):
    """minisign is missing, the key is unusable or signing failed."""


def key_inside(public_key, folder):
    """True when the public key file lies inside `folder` (links resolved).

    A copy can carry a key of its own: whoever changed the files signs them
    with a new key and puts that key beside them, and the check passes.  The
    key must come from elsewhere (its ID compared with the one the campaign
    publishes), so the tools refuse a key from inside what they check.
    """
    key = os.path.realpath(public_key)
    root = os.path.realpath(folder)
    return os.path.commonpath([key, root]) == root


def key_inside_message(public_key, folder):
    return (f"refusing the public key {public_key}: it lies inside {folder}, the copy being checked, and a copy "
            "can carry a key of its own (a changed copy replaces key and signature together); use a key kept "
            "outside it, whose ID you compared with the one the campaign publishes on its accounts and "
            "printed material")


def minisign():
    path = shutil.which("minisign")
    if path is None:
        raise SigningError("minisign is not installed: install the Debian package `minisign` "
                           "(./dev.sh test installs it)")
    return path


def trusted_comment(root):
    """The signed comment: which build these checksums belong to."""
    with open(os.path.join(root, MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    return (f"build {manifest['build_id']} commit {manifest['commit'] or 'unknown'} "
            f"SOURCE_DATE_EPOCH {manifest['source_date_epoch']}")


def sign(root, key_file=None, environ=None):
    """Write root/SHA256SUMS.minisig, with the key from key_file or $MINISIGN_SECRET_KEY.

    The key must be passwordless (`minisign -G -W`): signing never waits
    for a password.
    """
    environ = os.environ if environ is None else environ
    sums = os.path.join(root, SUMS)
    if not os.path.isfile(sums):
        raise SigningError(f"{sums} does not exist: run `invoke publish` first")
    if not os.path.isfile(os.path.join(root, MANIFEST)):
        raise SigningError(f"{root} has no {MANIFEST}: run `invoke publish` first")
    with tempfile.TemporaryDirectory() as tmp:
        if key_file:
            if not os.path.isfile(key_file):
                raise SigningError(f"secret key file {key_file} does not exist")
        elif environ.get(SECRET_KEY_ENV, "").strip():
            key_file = os.path.join(tmp, "secret.key")
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(environ[SECRET_KEY_ENV].strip() + "\n")
        else:
            raise SigningError(f"no secret key: pass --key PATH or set {SECRET_KEY_ENV} "
                               "to the contents of the key file")
        cmd = [minisign(), "-S", "-s", key_file, "-m", sums, "-x", os.path.join(root, SIGNATURE),
               "-t", trusted_comment(root)]
        try:
            result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired as exc:
            raise SigningError("minisign waited for a password: use a passwordless key (minisign -G -W)") from exc
    if result.returncode != 0:
        raise SigningError(f"minisign could not sign: {(result.stderr or result.stdout).strip()}")
    return os.path.join(root, SIGNATURE)


def check_signature(sums, signature, public_key):
    """(ok, message): whether minisign accepts `signature` of `sums` under `public_key`."""
    for path, what in ((signature, "signature"), (public_key, "public key")):
        if not os.path.isfile(path):
            return False, f"{what} {path} does not exist"
    cmd = [minisign(), "-V", "-m", sums, "-x", signature, "-p", public_key]
    result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    text = (result.stdout + result.stderr).strip()
    return result.returncode == 0, text
