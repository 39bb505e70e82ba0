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


def build_atomically(output, run_build):
    """Call run_build(temporary_output) -> exit status; swap it in on 0.

    Returns the exit status.  On failure the temporary folder is removed and
    `output` is left exactly as it was.
    """
    output = os.path.abspath(output)
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="." + os.path.basename(output) + ".new-", dir=parent)
    try:
        status = run_build(staging)
        if status == 0:
            replace_dir(staging, output)
        return status
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging, ignore_errors=True)
