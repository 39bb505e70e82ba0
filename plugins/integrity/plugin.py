"""Pelican side: the public key and the verification files, for templates."""

import base64
import binascii
import logging
import posixpath
import re

from jinja2 import pass_context
from pelican import signals

import sitecore
from sitecore import STATE, plugin_config
from sitecore.artefacts import artefacts

logger = logging.getLogger(__name__)

DEFAULTS = {
    # minisign public key file (two lines) shown on the verify page.
    "public_key": "",
    # The key's ID, 16 hexadecimal digits, as the campaign publishes it
    # through channels a mirror cannot change.  It must match public_key;
    # every place the site shows the ID shows this one setting.
    "key_id": "",
    # Slugs of the pages the footer links to (content/pages/<slug>.<lang>.md).
    "verify_page": "verify",
    "copies_page": "copies",
    # True when the publish pipeline adds SHA256SUMS, the signature and the
    # archives to the output (publishconf.py): only then are they linked.
    "published": False,
    # True when that pipeline also signs SHA256SUMS (`invoke publish` with a
    # secret key sets it for its build): only then is the signature linked.
    "signed": False,
}


class PublicKeyError(sitecore.ConfigError):
    """INTEGRITY['public_key'] does not name a readable minisign public key.

    A SystemExit: the build stops with the message and status 1, no traceback.
    """

    def __init__(self, message):
        super().__init__(f"integrity: {message}")


def config(settings):
    conf = plugin_config(settings, "INTEGRITY", DEFAULTS)
    if conf["key_id"] and not re.fullmatch(r"[0-9A-Fa-f]{16}", conf["key_id"]):
        raise PublicKeyError(f"INTEGRITY['key_id'] must be 16 hexadecimal digits "
                             f"(as `minisign -V` prints it), got {conf['key_id']!r}")
    return conf


def key_id(settings):
    """The signing key's ID in upper case, checked against the key; '' when unset."""
    conf = config(settings)
    public_key(conf)
    return conf["key_id"].upper()


class _Key:
    key = None
    read = False


def public_key(conf):
    """The configured key, read once per build."""
    this = STATE.slot("integrity", _Key)
    if not this.read:
        this.key = read_public_key(conf["public_key"]) if conf["public_key"] else None
        this.read = True
    wanted = conf["key_id"].upper()
    if this.key and wanted and this.key["id"] != wanted:
        raise PublicKeyError(f"INTEGRITY['key_id'] is {wanted} but {conf['public_key']} holds key "
                             f"{this.key['id']}: set the ID the campaign publishes for this key")
    if this.key and not wanted:
        raise PublicKeyError(f"INTEGRITY['key_id'] is empty: set it to {this.key['id']}, the ID of "
                             f"{conf['public_key']}, once that ID is published through the campaign's "
                             f"own channels")
    return this.key


def read_public_key(path):
    """{"comment", "key", "text"} of a minisign public key file."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle if line.strip()]
    except OSError as exc:
        raise PublicKeyError(f"INTEGRITY['public_key']: cannot read {path}: {exc.strerror}") from exc
    if len(lines) != 2 or not lines[0].startswith("untrusted comment:"):
        raise PublicKeyError(f"{path}: not a minisign public key (expected a comment line and a key line)")
    return {"comment": lines[0], "key": lines[1], "text": "\n".join(lines) + "\n",
            "id": public_key_id(path, lines[1])}


def public_key_id(path, line):
    """The key ID inside a minisign public key line ("Ed", 8 bytes little-endian, 32 bytes)."""
    try:
        raw = base64.b64decode(line, validate=True)
    except binascii.Error as exc:
        raise PublicKeyError(f"{path}: the key line is not base64: {exc}") from exc
    if len(raw) != 42 or raw[:2] != b"Ed":
        raise PublicKeyError(f"{path}: not a minisign Ed25519 public key")
    return raw[2:10][::-1].hex().upper()


@pass_context
def root_file(context, name):
    """URL of a file at the output root, from the current sub-site's root."""
    main = context.get("main_lang", context["DEFAULT_LANG"])
    root = context["relpath_to_site"](context["DEFAULT_LANG"], main) if "relpath_to_site" in context else "."
    return posixpath.normpath(posixpath.join(root, name))


def add_to_context(generator):
    conf = config(generator.settings)
    key = public_key(conf)
    names = artefacts(generator.settings)
    generator.context["INTEGRITY"] = {
        **conf,
        "key_id": conf["key_id"].upper(),
        "key": key,
        "files": {"sums": names.sums, "signature": names.signature, "manifest": names.manifest,
                  "bundles": list(names.bundles)},
    }
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["root_file"] = root_file


def register():
    sitecore.connect()
    signals.generator_init.connect(add_to_context)
