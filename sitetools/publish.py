"""`invoke publish`: add manifest.json, the offline bundles and SHA256SUMS to a built site.

The site is meant to be copied: onto mirrors, sub-paths of shared hosts,
USB sticks.  After Pelican has written the site, ``publish`` adds to the
output root:

- ``manifest.json``: build id, commit, SOURCE_DATE_EPOCH, and the sha256 and
  size of every *site file* (everything Pelican wrote);
- ``site.zip`` and ``site.tar.gz``: reproducible archives of the site files
  plus ``manifest.json``, under one top folder ``site/``;
- ``site.zim``: the same files as one ZIM file for Kiwix readers
  (``sitetools/zim.py``);
- ``SHA256SUMS`` (BSD format of ``sha256sum --tag``): every file of the
  output, i.e. the site files, ``manifest.json``, both archives and the ZIM.

Before the manifest, it turns what the build left in ``publish-inputs/``
folders into site files (each language's leaflet and poster as PDF,
``sitetools/printed.py``), reads the ZIM's metadata from there, and removes
those folders: no copy holds them.

``SHA256SUMS`` is what ``invoke sign`` signs (``SHA256SUMS.minisig``), so
the signature covers everything; nothing covers ``SHA256SUMS`` or its
signature, and the archives contain neither, which breaks every cycle.
The names come from ``sitecore.artefacts``.
"""

import datetime
import gzip
import io
import json
import os
import shutil
import tarfile
import time
import zipfile

from sitecore.artefacts import ARCHIVE_ROOT, Artefacts, sha256_file, sums_line

MANIFEST_FORMAT = 1
DEFAULT_NAMES = Artefacts()


class IntegrityError(RuntimeError):
    """The output cannot be checksummed."""


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


def site_files(root, names=DEFAULT_NAMES):
    return [p for p in list_files(root) if p not in names.not_site_files]


def write_manifest(root, build, names=DEFAULT_NAMES):
    """manifest.json: the build and every site file's sha256 and size."""
    files = []
    for rel in site_files(root, names):
        full = os.path.join(root, rel)
        files.append({"path": rel, "sha256": sha256_file(full), "size": os.path.getsize(full)})
    manifest = {
        "format": MANIFEST_FORMAT,
        "build_id": build.id,
        "commit": build.commit,
        "source_date_epoch": build.epoch,
        "build_time": build.time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "file_count": len(files),
        "covers": (f"every file of the site except {names.manifest}, {names.sums}, {names.signature}, "
                   f"{', '.join(names.bundles)} and {names.zim}"),
        "files": files,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    with open(os.path.join(root, names.manifest), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return manifest


def bundle_members(root, names=DEFAULT_NAMES):
    """What the archives hold: the site files and manifest.json, sorted."""
    return sorted([*site_files(root, names), names.manifest], key=lambda p: p.encode("utf-8"))


def zip_time(epoch):
    """A ZIP timestamp (local fields, read as UTC; ZIP cannot go before 1980)."""
    moment = datetime.datetime.fromtimestamp(max(epoch, 315532800), datetime.timezone.utc)
    return moment.timetuple()[:6]


def write_zip(root, target, epoch, names=DEFAULT_NAMES):
    stamp = zip_time(epoch)
    with zipfile.ZipFile(target, "w") as archive:
        for rel in bundle_members(root, names):
            info = zipfile.ZipInfo(f"{ARCHIVE_ROOT}/{rel}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the mode below is read
            info.external_attr = (0o100644 << 16)
            with open(os.path.join(root, rel), "rb") as handle:
                archive.writestr(info, handle.read(), compresslevel=9)


def write_tar_gz(root, target, epoch, names=DEFAULT_NAMES):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for rel in bundle_members(root, names):
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


def sums_text(root, names=DEFAULT_NAMES):
    return "".join(sums_line(rel, sha256_file(os.path.join(root, rel)))
                   for rel in list_files(root) if rel not in (names.sums, names.signature))


def write_sums(root, names=DEFAULT_NAMES):
    with open(os.path.join(root, names.sums), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(sums_text(root, names))


def remove_inputs(root, names=DEFAULT_NAMES):
    """Remove every folder the build wrote for publish to consume (print HTML, ZIM metadata)."""
    for dirpath, dirnames, _filenames in os.walk(root):
        for name in [d for d in dirnames if d == names.inputs]:
            shutil.rmtree(os.path.join(dirpath, name))
            dirnames.remove(name)


def publish(root, build, names=DEFAULT_NAMES):
    """Add manifest.json, site.zip, site.tar.gz, site.zim and SHA256SUMS to a built site.

    Files from an earlier run (and a stale signature) are removed first, so
    the result depends only on the site files and the build.  `names` are
    the site's Artefacts (``sitecore.artefacts.artefacts(settings)``).
    """
    for name in names.not_site_files:
        path = os.path.join(root, name)
        if os.path.exists(path):
            os.remove(path)
    from .printed import write_pdfs
    from .zim import read_inputs, write_zim

    timings = {}
    started = time.perf_counter()
    printed, notes = write_pdfs(root, names.inputs)
    timings["PDFs"] = time.perf_counter() - started
    offline = read_inputs(root, names.inputs)
    remove_inputs(root, names)
    manifest = write_manifest(root, build, names)
    zip_name, tar_name = names.bundles
    write_zip(root, os.path.join(root, zip_name), build.epoch, names)
    write_tar_gz(root, os.path.join(root, tar_name), build.epoch, names)
    if offline is not None:
        started = time.perf_counter()
        write_zim(root, os.path.join(root, names.zim), bundle_members(root, names), offline, build, names)
        timings["ZIM"] = time.perf_counter() - started
    write_sums(root, names)
    return {**manifest, "printed": printed, "zim": names.zim if offline is not None else "", "timings": timings,
            "notes": [f"printed: {note}" for note in notes]}
