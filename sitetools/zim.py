"""`invoke publish`: the whole site as one ZIM file (``site.zim``), for Kiwix readers.

ZIM is the format Kiwix opens on Android, iOS and desktop without a
connection.  The file holds what the archives hold: every site file and
``manifest.json``, at their paths in the site, with ``index.html`` as the
main page, and metadata from the build (plugins/offline): title and
description in the main language and, as ``Title-<tag>`` and
``Description-<tag>``, in every language; the language list (ISO 639-3);
creator and publisher; the date of ``SOURCE_DATE_EPOCH``; the favicon as a
48x48 illustration.

**What the ZIM cannot hold.**  ``SHA256SUMS`` lists the ZIM, and the
signature covers ``SHA256SUMS``; a file cannot hold its own checksum, so,
like the archives, the ZIM holds neither, nor the archives, nor itself
(``Artefacts.beside_copy``).  Pages that link to them (the verify and
copies pages) are packed with those links pointing to the files at the
canonical address (``CANONICAL_URL``), or, without one, as plain text: a
reader in Kiwix gets no dead link.  Every other file is packed byte for
byte as ``manifest.json`` lists it.

**Reproducible.**  libzim gives every file a random UUID, and the two
Xapian indexes inside it (titles and full text) random UUIDs of their
own; with more than one worker thread its full-text index also takes the
pages in the order the threads finish.  So a file with a full-text index
(``OFFLINE["index"]``, the default) is written by one worker, one without
by every core, and then each of
those UUIDs is replaced by one derived from the file's content (SHA-256 of
the file with the UUIDs zeroed) and the closing MD5 checksum is computed
again (``normalise_ids``, from the ZIM and Xapian glass formats).  libzim's
own reader checks the result (``Archive.check()``).  Two publishes of one
commit with one ``SOURCE_DATE_EPOCH`` give the same bytes.

**Time.**  libzim compresses with zstd, at a level it does not let a
caller choose, in its worker threads: measured here, about 6 s of CPU for
the 1,600 pages of 300 pieces x 5 languages.  That is most of this step;
the full-text index adds little CPU (0.6 s) but keeps it on one core.
"""

import hashlib
import html
import json
import os
import posixpath
import shutil
import struct
import tempfile
from html.parser import HTMLParser
from importlib.metadata import version

from selectolax.lexbor import LexborHTMLParser
from sitecore.artefacts import PUBLISH_INPUTS, Artefacts

from .deploy.s3 import content_type

SOURCES = "offline"
META = "offline.json"
PAGE_META = "metadata.html"
META_FORMAT = 1
# Kinds of files already compressed: zstd would spend time for nothing.
STORED = (".pdf", ".png", ".jpg", ".jpeg", ".webp", ".gz", ".br", ".zip", ".woff2")

HEADER = struct.Struct("<IHH16sIIQQQQIIQ")
ZIM_MAGIC = 0x044D495A
GLASS_MAGIC = b"\x0f\x0dXapian Glass"
GLASS_UUID = slice(16, 32)  # after the 14-byte magic and the 2-byte format version
XAPIAN_PATHS = {"fulltext/xapian", "title/xapian"}


class ZimError(RuntimeError):
    """The ZIM file cannot be written; the message says why."""


# ------------------------------------------------------------ inputs from the build

def _page_metadata(path):
    """(lang, title, description) of one language's metadata.html."""
    with open(path, encoding="utf-8") as handle:
        tree = LexborHTMLParser(handle.read())
    title = tree.css_first("head > title")
    description = tree.css_first('head > meta[name="description"]')
    return {
        "bcp47": tree.css_first("html").attributes.get("lang") or "",
        "title": title.text(strip=True) if title else "",
        "description": (description.attributes.get("content") or "").strip() if description else "",
    }


def read_inputs(root, inputs=PUBLISH_INPUTS):
    """What the build left for the ZIM (plugins/offline), or None when it left nothing."""
    base = os.path.join(root, inputs, SOURCES)
    path = os.path.join(base, META)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as handle:
        meta = json.load(handle)
    if meta.get("format") != META_FORMAT:
        raise ZimError(f"zim: {path}: format {meta.get('format')!r}, expected {META_FORMAT}; "
                       f"build and publish with the same version of the project")
    for lang in meta["languages"]:
        page = os.path.join(root, *lang["folder"].split("/"), inputs, SOURCES, PAGE_META)
        if not os.path.isfile(page):
            raise ZimError(f"zim: the build wrote no metadata for {lang['code']} ({page})")
        lang.update(_page_metadata(page))
    with open(os.path.join(base, meta["illustration"]), "rb") as handle:
        meta["illustration_png"] = handle.read()
    return meta


# ------------------------------------------------------------ pages as the ZIM holds them

class _Anchors(HTMLParser):
    """Start tags of <a> elements, with where they are in the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.anchors.append((self.getpos(), self.get_starttag_text(), attrs))


def link_target(page, href):
    """The root-relative path a relative link on `page` names, or None for other links."""
    if not href or href.startswith(("#", "/", "\\")) or ":" in href.split("/", 1)[0]:
        return None
    path = href.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    return None if target.startswith("../") else target


def _start_tag(attrs):
    parts = ["<a"]
    for name, value in attrs:
        parts.append(f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"')
    return "".join(parts) + ">"


def rewrite_links(page, text, absent, canonical):
    """`text` of `page` with each link to a file in `absent` pointing to the canonical address, or
    made plain text when there is none; None when the page links to none of them."""
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    line_starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            line_starts.append(index + 1)
    edits = []
    for (line, column), raw, attrs in parser.anchors:
        href = dict(attrs).get("href")
        target = link_target(page, href or "")
        if target not in absent:
            continue
        if canonical:
            kept = [(k, f"{canonical}/{target}" if k == "href" else v) for k, v in attrs if k != "download"]
        else:
            kept = [(k, v) for k, v in attrs if k not in ("href", "download", "type")]
        start = line_starts[line - 1] + column
        if text[start:start + len(raw)] != raw:
            raise ZimError(f"zim: {page}: cannot locate the link {raw!r}")
        edits.append((start, start + len(raw), _start_tag(kept)))
    if not edits:
        return None
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


def page_title(data):
    node = LexborHTMLParser(data.decode("utf-8")).css_first("head > title")
    return node.text(strip=True) if node else ""


def zim_mimetype(path):
    kind = content_type(path)
    # Kiwix and libzim's indexer look for exactly "text/html".
    return "text/html" if kind.startswith("text/html") else kind


# ------------------------------------------------------------ writing

def _items(root, members, absent, canonical):
    """(path, title, mimetype, bytes or None for the file itself, front article?, compress?) per member."""
    names = [os.path.basename(name) for name in absent]
    for rel in members:
        full = os.path.join(root, rel)
        kind = zim_mimetype(rel)
        data, title = None, rel
        if kind == "text/html":
            with open(full, "rb") as handle:
                raw = handle.read()
            title = page_title(raw) or rel
            if any(name.encode() in raw for name in names):
                changed = rewrite_links(rel, raw.decode("utf-8"), absent, canonical)
                data = changed.encode("utf-8") if changed is not None else None
        front = kind == "text/html" and posixpath.basename(rel) != "404.html"
        yield rel, title, kind, data, front, not rel.lower().endswith(STORED)


def zim_workers(index, wanted=None):
    """libzim's worker threads: one with a full-text index (threads that index side by side add
    pages to it in the order they finish: a different file each time); else every core."""
    if index:
        return 1
    return wanted or max(1, min(4, os.cpu_count() or 1))


def write_zim(root, target, members, meta, build, names=Artefacts(), workers=None):
    """Write the ZIM of `members` (paths under root) to `target`; returns its UUID (hex)."""
    from libzim.writer import Creator, FileProvider, Hint, Item, StringProvider

    class SiteItem(Item):
        def __init__(self, path, title, kind, data, front, compress):
            super().__init__()
            self.path, self.title, self.kind = path, title, kind
            self.data, self.front, self.compress = data, front, compress

        def get_path(self):
            return self.path

        def get_title(self):
            return self.title

        def get_mimetype(self):
            return self.kind

        def get_contentprovider(self):
            if self.data is None:
                return FileProvider(os.path.join(root, self.path))
            return StringProvider(self.data)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.front, Hint.COMPRESS: self.compress}

    languages = meta["languages"]
    main = languages[0]
    absent = {*names.beside_copy}
    date = build.time.strftime("%Y-%m-%d")
    with tempfile.TemporaryDirectory(prefix="zim-") as work:
        scratch = os.path.join(work, os.path.basename(target))
        creator = Creator(scratch).config_nbworkers(zim_workers(meta["index"], workers))
        creator.config_indexing(bool(meta["index"]), main["iso639_3"])
        with creator:
            creator.set_mainpath(meta["main_path"])
            creator.add_illustration(48, meta["illustration_png"])
            codes = []
            for lang in languages:
                if lang["iso639_3"] not in codes:
                    codes.append(lang["iso639_3"])
            metadata = {
                "Title": main["title"],
                "Description": main["description"],
                "Language": ",".join(codes),
                "Creator": main["title"],
                "Publisher": main["title"],
                "Date": date,
                "Name": meta["name"],
                "Scraper": f"python-libzim {version('libzim')}",
            }
            if meta["canonical_url"]:
                metadata["Source"] = meta["canonical_url"]
            long_lines = [f"{lang['title']}: {lang['description']}" for lang in languages]
            metadata["LongDescription"] = "\n".join(long_lines)
            for lang in languages:
                metadata[f"Title-{lang['bcp47']}"] = lang["title"]
                metadata[f"Description-{lang['bcp47']}"] = lang["description"]
            for key, value in metadata.items():
                if value:
                    creator.add_metadata(key, value)
            for item in _items(root, members, absent, meta["canonical_url"]):
                creator.add_item(SiteItem(*item))
        uuid = normalise_ids(scratch)
        shutil.move(scratch, target)
    return uuid


# ------------------------------------------------------------ reproducible identifiers

def _glass_uuid_offsets(data, header):
    """Offsets of the UUIDs of the Xapian databases inside the ZIM (stored uncompressed)."""
    _magic, _major, _minor, _uuid, entries, clusters, path_ptr, _title_ptr, cluster_ptr, *_rest = header
    cluster_at = struct.unpack_from(f"<{clusters}Q", data, cluster_ptr)
    offsets = []
    for pointer in struct.unpack_from(f"<{entries}Q", data, path_ptr):
        mimetype, = struct.unpack_from("<H", data, pointer)
        if mimetype >= 0xFFFD:  # redirect, link target or deleted entry: no content
            continue
        namespace = chr(data[pointer + 3])
        cluster, blob = struct.unpack_from("<II", data, pointer + 8)
        end = data.index(b"\0", pointer + 16)
        path = data[pointer + 16:end].decode("utf-8")
        if namespace != "X" or path not in XAPIAN_PATHS:
            continue
        start = cluster_at[cluster]
        info = data[start]
        if info & 0x0F != 1:
            raise ZimError(f"zim: the Xapian index X/{path} is compressed (cluster type {info & 0x0F}); "
                           f"libzim stores it uncompressed")
        size = 8 if info & 0x10 else 4
        fmt = "<Q" if size == 8 else "<I"
        blob_at = struct.unpack_from(fmt, data, start + 1 + blob * size)[0]
        position = start + 1 + blob_at
        if data[position:position + len(GLASS_MAGIC)] != GLASS_MAGIC:
            raise ZimError(f"zim: X/{path} is not a Xapian glass database")
        offsets.append(position + GLASS_UUID.start)
    return sorted(offsets)


def normalise_ids(path):
    """Replace the ZIM's and its Xapian indexes' random UUIDs by ones derived from the content,
    and write the closing checksum again; returns the ZIM's new UUID (hex)."""
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    header = HEADER.unpack_from(data, 0)
    if header[0] != ZIM_MAGIC:
        raise ZimError(f"zim: {path} is not a ZIM file")
    checksum_at = header[-1]
    fields = [8, *_glass_uuid_offsets(data, header)]
    for offset in fields:
        data[offset:offset + 16] = bytes(16)
    seed = hashlib.sha256(data[:checksum_at]).digest()
    for number, offset in enumerate(fields):
        data[offset:offset + 16] = hashlib.sha256(seed + number.to_bytes(2, "big")).digest()[:16]
    data[checksum_at:checksum_at + 16] = hashlib.md5(data[:checksum_at]).digest()
    with open(path, "wb") as handle:
        handle.write(data)
    from libzim.reader import Archive

    archive = Archive(path)
    if not archive.check():
        raise ZimError(f"zim: libzim finds {path} damaged after its identifiers were set")
    return bytes(data[8:24]).hex()
