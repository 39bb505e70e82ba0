"""Write manifest.json, the offline bundles and SHA256SUMS into an output folder."""

import datetime
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import zipfile

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.minisig"
BUNDLES = ("site.zip", "site.tar.gz")
# Top folder inside both archives: unpacking never spills files around.
ARCHIVE_ROOT = "site"
# Files at the output root that are about the site rather than part of it.
NOT_SITE_FILES = frozenset({MANIFEST, SUMS, SIGNATURE, *BUNDLES})
MANIFEST_FORMAT = 1
SUMS_LINE = re.compile(r"^SHA256 \((?P<path>.+)\) = (?P<hex>[0-9a-f]{64})$")


class IntegrityError(RuntimeError):
    """The output cannot be checksummed or a checksum file is malformed."""


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def list_files(root):
    """Every regular file under root, as sorted POSIX paths relative to it.

    Sorted by their UTF-8 bytes, so the order depends neither on the file
    system nor on the locale.
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or not os.path.isfile(full):
                raise IntegrityError(f"{full}: not a regular file; a copy of the site holds only plain files")
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if "\n" in rel or "\\" in rel:
                raise IntegrityError(f"{rel!r}: file names with newlines or backslashes cannot be checksummed")
            found.append(rel)
    return sorted(found, key=lambda p: p.encode("utf-8"))


def site_files(root):
    return [p for p in list_files(root) if p not in NOT_SITE_FILES]


def write_manifest(root, build):
    """manifest.json: the build and every site file's sha256 and size."""
    files = []
    for rel in site_files(root):
        full = os.path.join(root, rel)
        files.append({"path": rel, "sha256": sha256_file(full), "size": os.path.getsize(full)})
    manifest = {
        "format": MANIFEST_FORMAT,
        "build_id": build.id,
        "commit": build.commit,
        "source_date_epoch": build.epoch,
        "build_time": build.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "file_count": len(files),
        "covers": "every file of the site except manifest.json, SHA256SUMS, SHA256SUMS.minisig, "
                  "site.zip and site.tar.gz",
        "files": files,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    with open(os.path.join(root, MANIFEST), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return manifest


def bundle_members(root):
    """What the archives hold: the site files and manifest.json, sorted."""
    return sorted([*site_files(root), MANIFEST], key=lambda p: p.encode("utf-8"))


def zip_time(epoch):
    """A ZIP timestamp (local fields, read as UTC; ZIP cannot go before 1980)."""
    moment = datetime.datetime.fromtimestamp(max(epoch, 315532800), datetime.timezone.utc)
    return moment.timetuple()[:6]


def write_zip(root, target, epoch):
    stamp = zip_time(epoch)
    with zipfile.ZipFile(target, "w") as archive:
        for rel in bundle_members(root):
            info = zipfile.ZipInfo(f"{ARCHIVE_ROOT}/{rel}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is read
            info.external_attr = (0o100644 << 16)
            with open(os.path.join(root, rel), "rb") as handle:
                archive.writestr(info, handle.read(), compresslevel=9)


def write_tar_gz(root, target, epoch):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for rel in bundle_members(root):
            full = os.path.join(root, rel)
            info = tarfile.TarInfo(f"{ARCHIVE_ROOT}/{rel}")
            info.size = os.path.getsize(full)
            info.mtime = epoch
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(full, "rb") as handle:
                archive.addfile(info, handle)
    # gzip -n: no file name and a zero timestamp in the gzip header.
    with open(target, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as packed:
            packed.write(buffer.getvalue())


def sums_text(root):
    lines = []
    for rel in list_files(root):
        if rel in (SUMS, SIGNATURE):
            continue
        lines.append(f"SHA256 ({rel}) = {sha256_file(os.path.join(root, rel))}\n")
    return "".join(lines)


def write_sums(root):
    with open(os.path.join(root, SUMS), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(sums_text(root))


def read_sums(path):
    """{relative path: sha256 hex} from a SHA256SUMS file in BSD tag format."""
    entries = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            match = SUMS_LINE.match(line.rstrip("\n"))
            if not match:
                raise IntegrityError(f"{path}:{number}: not a line of the form 'SHA256 (path) = hex'")
            entries[match["path"]] = match["hex"]
    return entries


def publish(root, build):
    """Add manifest.json, site.zip, site.tar.gz and SHA256SUMS to a built site.

    Files from an earlier run (and a stale signature) are removed first, so
    the result depends only on the site files and the build.
    """
    for name in NOT_SITE_FILES:
        path = os.path.join(root, name)
        if os.path.exists(path):
            os.remove(path)
    manifest = write_manifest(root, build)
    write_zip(root, os.path.join(root, BUNDLES[0]), build.epoch)
    write_tar_gz(root, os.path.join(root, BUNDLES[1]), build.epoch)
    write_sums(root)
    return manifest
