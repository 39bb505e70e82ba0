"""`invoke verify`: check a copy of the site (a folder) against its signed SHA256SUMS."""

import json
import os

from sitecore.artefacts import MANIFEST, SIGNATURE, SUMS, SumsError, read_sums, sha256_file

from .publish import IntegrityError, list_files
from .signing import check_signature, key_inside, key_inside_message


class Report:
    """What `verify` found: problems (the copy is not faithful) and notes."""

    def __init__(self):
        self.problems = []
        self.notes = []

    @property
    def ok(self):
        return not self.problems


def public_key_id_of(path):
    """The ID inside a minisign public key file, or '' (minisign then says what is wrong)."""
    from integrity.plugin import PublicKeyError, read_public_key

    try:
        return read_public_key(path)["id"]
    except PublicKeyError:
        return ""


def verify(folder, public_key, sums=None, signature=None):
    """Compare `folder` with the signed checksums; return a Report.

    `sums` defaults to folder/SHA256SUMS and `signature` to the sums file
    plus `.minisig`; pass them for an unpacked bundle, which holds neither.
    Every file SHA256SUMS lists must be present and unchanged, except the
    archives (files neither in manifest.json nor manifest.json itself),
    which a copy made from an archive does not hold; every other file of
    the folder is reported as extra.
    """
    report = Report()
    if not os.path.isdir(folder):
        report.problems.append(f"{folder}: no such folder")
        return report
    if key_inside(public_key, folder):
        report.problems.append(key_inside_message(public_key, folder))
        return report
    sums = sums or os.path.join(folder, SUMS)
    signature = signature or sums + ".minisig"
    if not os.path.isfile(sums):
        report.problems.append(f"missing: {SUMS} (pass --sums with the copy's {SUMS})")
        return report
    key_id = public_key_id_of(public_key)
    if key_id:
        report.notes.append(f"key: ID {key_id} ({public_key}); compare it with the ID the campaign publishes "
                            "on its accounts and printed material")
    ok, message = check_signature(sums, signature, public_key)
    if ok:
        report.notes.append(f"signature: good ({message.splitlines()[-1] if message else 'minisign accepted it'})")
    else:
        report.problems.append(f"bad signature: {message}")
    try:
        expected = read_sums(sums)
    except SumsError as exc:
        report.problems.append(str(exc))
        return report
    site = set()
    manifest_path = os.path.join(folder, MANIFEST)
    if os.path.isfile(manifest_path) and sha256_file(manifest_path) == expected.get(MANIFEST):
        with open(manifest_path, encoding="utf-8") as handle:
            site = {entry["path"] for entry in json.load(handle)["files"]}
    try:
        present = set(list_files(folder)) - {SUMS, SIGNATURE}
    except IntegrityError as exc:
        report.problems.append(str(exc))
        return report
    for rel, digest in sorted(expected.items()):
        optional = site and rel not in site and rel != MANIFEST
        if rel not in present:
            if optional:
                report.notes.append(f"not in this copy (optional): {rel}")
            else:
                report.problems.append(f"missing: {rel}")
        elif sha256_file(os.path.join(folder, rel)) != digest:
            report.problems.append(f"changed: {rel}")
    for rel in sorted(present - set(expected)):
        report.problems.append(f"extra: {rel}")
    return report
