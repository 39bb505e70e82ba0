"""Build into a temporary folder; replace output/ only when the build succeeds.

A failed build (bad content, a crash, Ctrl-C) must never damage the site that
was built before: `invoke serve` and `invoke livereload` keep serving it, and
`publish` never ships half a site.  The new site is written next to output/
(same file system) and swapped in with one rename: on Linux an atomic
exchange (renameat2 RENAME_EXCHANGE), so a reader sees either the old site or
the new one, never a mix or a half-written folder.
"""

import ctypes
import ctypes.util
import os
import shutil
import tempfile

RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(a, b):
    """Swap two paths atomically; False when the platform cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def replace_dir(new, target):
    """Put folder `new` at `target`, removing what was there."""
    if not os.path.isdir(target):
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # `new` now holds the old site
        return
    old = tempfile.mkdtemp(prefix=".old-", dir=os.path.dirname(target))
    os.rmdir(old)
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)


def spare_path(output):
    """Where the site before last is kept, to be overwritten by the next build."""
    return os.path.join(os.path.dirname(output), "." + os.path.basename(output) + ".spare")


def prune_unwritten(folder, marker):
    """Remove what this build did not write: files changed before `marker` was made.

    A reused folder holds the site of the build before last.  Every file a
    build writes gets a new ctime (writing, copying and copying times all
    change it), so what is older than the marker made before the build is
    a page that no longer exists.  Folders left empty go too.
    """
    if not os.path.exists(marker):
        return  # the build emptied the folder itself (DELETE_OUTPUT_DIRECTORY)
    since = os.stat(marker).st_ctime_ns
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            path = os.path.join(root, name)
            if path != marker and os.lstat(path).st_ctime_ns < since:
                os.remove(path)
        for name in dirs:
            path = os.path.join(root, name)
            if not os.path.islink(path) and not os.listdir(path):
                os.rmdir(path)


def build_atomically(output, run_build, after=None, reuse=True):
    """Call run_build(temporary_output) -> exit status; swap it in on 0.

    `after(temporary_output)`, when given, runs on a successful build before
    the swap, once what the build did not write is gone, and returns an
    exit status too.  Returns the exit status.  On failure the temporary
    folder is removed and `output` is left exactly as it was.

    With `reuse`, the folder of the site before last (kept aside after each
    swap) is the temporary folder: the build overwrites its files, which
    costs a fraction of creating them anew on most file systems, and
    whatever it did not write is removed before the swap.
    """
    output = os.path.abspath(output)
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="." + os.path.basename(output) + ".new-", dir=parent)
    spare = spare_path(output)
    if reuse and os.path.isdir(spare) and not os.path.islink(spare):
        os.rmdir(staging)
        os.rename(spare, staging)
    elif os.path.lexists(spare):
        shutil.rmtree(spare, ignore_errors=True)
    marker = os.path.join(staging, ".build-started")
    try:
        with open(marker, "wb"):
            pass
        status = run_build(staging)
        if status == 0:
            prune_unwritten(staging, marker)
            if os.path.exists(marker):
                os.remove(marker)
            if after is not None:
                status = after(staging)
        if status == 0:
            if reuse and os.path.isdir(output) and _exchange(staging, output):
                os.rename(staging, spare)  # `staging` now holds the old site
            else:
                replace_dir(staging, output)
        return status
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging, ignore_errors=True)
