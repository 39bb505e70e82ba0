"""local: a copy of the output in a folder (a USB stick, a share), stale files removed."""

import os
import shutil
import tempfile
from pathlib import Path

from .base import Kind, staged


class Local(Kind):
    """Copies the output to `path`; delete (true) removes files the output no longer has;
    precompress (false) adds .gz/.br twins (see sitetools/precompress.py)."""

    KIND = "local"
    FIELDS = {"path": (str, None), "delete": (bool, True), "precompress": (bool, False)}
    REQUIRED = (("path",),)
    PATHS = ("path",)

    def deploy(self, output, target):
        with tempfile.TemporaryDirectory(prefix="deploy-local-") as tmp:
            return self.copy(staged(target, output, tmp), target)

    def copy(self, output, target):
        dest = Path(target["path"])
        dest.mkdir(parents=True, exist_ok=True)
        files = output.upload_order()
        for relpath in files:
            copied = dest / relpath
            copied.parent.mkdir(parents=True, exist_ok=True)
            # Each file appears whole: a reader of the folder never sees half of one.
            tmp = copied.with_name(f".{copied.name}.deploy-tmp")
            shutil.copyfile(Path(output.path) / relpath, tmp)
            os.replace(tmp, copied)
        removed = 0
        if target.get("delete"):
            wanted = set(files)
            for path in sorted(dest.rglob("*"), reverse=True):
                rel = path.relative_to(dest).as_posix()
                if path.is_file() and rel not in wanted:
                    path.unlink()
                    removed += 1
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        return f"copied {len(files)} files to {dest}, removed {removed} stale"
