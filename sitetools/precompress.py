"""Precompressed twins (``.gz``, ``.br``) of text files, for nginx's
``gzip_static``/``brotli_static``.

Deterministic (gzip without name or time, fixed levels), so the same input
gives the same bytes.  The twins are NOT listed in ``SHA256SUMS``/the
manifest: they are made after signing, at deploy time, in a staging copy
(targets with ``precompress: true``) or by ``invoke precompress`` in a folder
a server serves.  A twin is derived data: ``check-mirrors`` decompresses the
twins of the files it samples and compares them with the signed sums.
"""

import gzip
import io
import os
from pathlib import Path

import brotli

TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".atom", ".ics", ".map")
MIN_SIZE = 256  # smaller files gain nothing


def gzip_bytes(data):
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buffer, mtime=0) as handle:
        handle.write(data)
    return buffer.getvalue()


def brotli_bytes(data):
    return brotli.compress(data, quality=11)


def precompress(folder):
    """Write `<file>.gz` and `<file>.br` beside every text file; the count of files compressed."""
    count = 0
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or not path.name.endswith(TEXT_SUFFIXES) or path.stat().st_size < MIN_SIZE:
            continue
        data = path.read_bytes()
        for suffix, encode in ((".gz", gzip_bytes), (".br", brotli_bytes)):
            twin = path.with_name(path.name + suffix)
            tmp = twin.with_name(f".{twin.name}.tmp")
            tmp.write_bytes(encode(data))
            os.utime(tmp, (path.stat().st_mtime, path.stat().st_mtime))
            os.replace(tmp, twin)
        count += 1
    return count


def decompress(suffix, data):
    """The original bytes of a `.gz` or `.br` twin."""
    if suffix == ".gz":
        return gzip.decompress(data)
    return brotli.decompress(data)
