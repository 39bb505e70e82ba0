"""The IPFS root CID of a folder, computed without IPFS tooling.

A second implementation of what ``ipfs-car@3.1.0 pack --no-wrap`` does
(``@ipld/unixfs`` with CIDv1, sha2-256, raw leaves, 1 MiB fixed chunks, a
balanced layout of at most 1024 children, plain directories up to 1000
entries), written from the UnixFS and dag-pb specifications.  The deploy
step checks that both agree, so the import settings recorded beside a CID
are known to describe it; the tests compare both on the real site.
"""

import base64
import hashlib
from pathlib import Path

CHUNK = 1024 * 1024
WIDTH = 1024
SHARD_THRESHOLD = 1000
RAW, DAG_PB, SHA2_256 = 0x55, 0x70, 0x12


class UnsupportedLayout(ValueError):
    """A folder this implementation does not cover (a sharded directory)."""


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number, wire, payload):
    """One protobuf field: wire 0 = varint (payload int), 2 = bytes."""
    key = varint((number << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def cid_bytes(codec, data):
    digest = hashlib.sha256(data).digest()
    return varint(1) + varint(codec) + varint(SHA2_256) + varint(len(digest)) + digest


def cid_string(cid):
    """Multibase base32 (lower case, no padding), prefix 'b'."""
    return "b" + base64.b32encode(cid).decode("ascii").lower().rstrip("=")


def pb_node(data, links):
    """dag-pb PBNode: links (sorted by name bytes) before data."""
    out = bytearray()
    for name, cid, tsize in sorted(links, key=lambda link: link[0]):
        link = field(1, 2, cid) + field(2, 2, name) + field(3, 0, tsize)
        out += field(2, 2, link)
    out += field(1, 2, data)
    return bytes(out)


class Link:
    """A linked block: its CID, its content size and the size of its whole DAG."""

    def __init__(self, cid, content_size, dag_size):
        self.cid, self.content_size, self.dag_size = cid, content_size, dag_size


def file_link(path):
    leaves = []
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk and leaves:
                break
            leaves.append(Link(cid_bytes(RAW, chunk), len(chunk), len(chunk)))
            if len(chunk) < CHUNK:
                break
    level = leaves
    while len(level) > 1:
        parents = []
        for start in range(0, len(level), WIDTH):
            group = level[start:start + WIDTH]
            size = sum(link.content_size for link in group)
            data = field(1, 0, 2) + field(3, 0, size) + b"".join(field(4, 0, link.content_size) for link in group)
            block = pb_node(data, [(b"", link.cid, link.dag_size) for link in group])
            parents.append(Link(cid_bytes(DAG_PB, block), size, len(block) + sum(link.dag_size for link in group)))
        level = parents
    return level[0]


def dir_link(path, hidden=False):
    entries = []
    for child in sorted(Path(path).iterdir()):
        if not hidden and child.name.startswith("."):
            continue
        if child.is_dir():
            link = dir_link(child, hidden)
            if link is None:
                continue  # ipfs-car packs files: an empty folder leaves no trace
        elif child.is_file():
            link = file_link(child)
        else:
            continue
        entries.append((child.name.encode("utf-8"), link))
    if not entries:
        return None
    if len(entries) > SHARD_THRESHOLD:
        raise UnsupportedLayout(f"{path} has {len(entries)} entries: ipfs-car would shard it (HAMT)")
    block = pb_node(field(1, 0, 1), [(name, link.cid, link.dag_size) for name, link in entries])
    return Link(cid_bytes(DAG_PB, block), 0, len(block) + sum(link.dag_size for _name, link in entries))


def folder_cid(path, hidden=False):
    """Root CID (CIDv1 base32) of the folder's contents, as ipfs-car --no-wrap makes it."""
    link = dir_link(path, hidden)
    if link is None:
        raise UnsupportedLayout(f"{path} holds no files")
    return cid_string(link.cid)
