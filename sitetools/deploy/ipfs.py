"""ipfs: a CAR file and its root CID, for any IPFS node to import and pin."""

import json
from pathlib import Path

from sitecore.artefacts import sha256_file

from sitetools import PROJECT

from .base import DeployError, Kind, run

IPFS_TOOL_DIR = Path(PROJECT) / "tools" / "ipfs"
# What ipfs-car 3.1.0 does (its unixfs.js); recorded beside every CID so that
# any IPFS node can re-import the folder and get the same root.
IPFS_IMPORT_SETTINGS = {
    "tool": "ipfs-car@3.1.0 pack --no-wrap",
    "cid_version": 1,
    "hash": "sha2-256",
    "raw_leaves": True,
    "chunker": "size-1048576",
    "layout": "balanced, max 1024 children per node",
    "directory_sharding": "HAMT above 1000 entries",
    "wrap": False,
    "hidden_files": "excluded (names starting with '.')",
    "kubo_equivalent": "ipfs add -r --cid-version=1 --raw-leaves --chunker=size-1048576 <folder> (no wrap)",
}


def ipfs_car_bin():
    """The pinned ipfs-car, installed from tools/ipfs/package-lock.json when missing."""
    binary = IPFS_TOOL_DIR / "node_modules" / "ipfs-car" / "bin.js"
    if not binary.is_file():
        run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(IPFS_TOOL_DIR)])
    return ["node", str(binary)]


def pack_car(folder, car_path):
    """Pack `folder` into `car_path` with ipfs-car; the root CID."""
    result = run([*ipfs_car_bin(), "pack", str(folder), "--no-wrap", "--output", str(car_path)])
    cid = result.stdout.strip().splitlines()[-1].strip() if result.stdout.strip() else ""
    if not cid.startswith("bafy"):
        raise DeployError(f"ipfs-car printed no CID: {result.stdout!r}")
    return cid


class Ipfs(Kind):
    """out (folder for the CAR and its record).  Writes ``<build id>.car``,
    ``<build id>.car.json`` (root CID, import settings, CAR checksum) and
    ``latest.json``."""

    KIND = "ipfs"
    FIELDS = {"out": (str, None)}
    REQUIRED = (("out",),)
    PATHS = ("out",)

    def deploy(self, output, target):
        from sitetools.unixfs import UnsupportedLayout, folder_cid

        out = Path(target["out"])
        out.mkdir(parents=True, exist_ok=True)
        trace = output.trace()
        stem = trace.get("build_id") or "site"
        car = out / f"{stem}.car"
        cid = pack_car(output.path, car)
        # Second, independent implementation (sitetools/unixfs.py): a CID
        # that does not match means the recorded settings do not describe it.
        try:
            independent = folder_cid(output.path)
        except UnsupportedLayout as exc:
            check = f"skipped: {exc}"
        else:
            if independent != cid:
                raise DeployError(f"ipfs-car gave {cid} but the same settings recomputed give {independent}")
            check = "same root CID from sitetools/unixfs.py"
        record = {
            "cid": cid,
            "car": car.name,
            "car_sha256": sha256_file(car),
            "car_size": car.stat().st_size,
            "build_id": trace.get("build_id", ""),
            "commit": trace.get("commit", ""),
            "time": trace.get("time", ""),
            "import_settings": IPFS_IMPORT_SETTINGS,
            "independent_check": check,
            "pin": f"ipfs dag import {car.name}  # or: ipfs pin add {cid}",
        }
        text = json.dumps(record, indent=2) + "\n"
        (out / f"{stem}.car.json").write_text(text, encoding="utf-8")
        (out / "latest.json").write_text(text, encoding="utf-8")
        return f"root CID {cid} in {car}"
