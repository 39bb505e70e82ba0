"""rsync: releases side by side on a server, switched atomically, with rollback.

Each deploy uploads into ``dest/releases/<time>-<build id>/``, hard-linking
the files that did not change from the current release, then renames a new
symlink over ``dest/current`` (one atomic ``rename``: readers see the old or
the new release, never a mix) and points ``dest/previous`` at the old one.
The web server's root is ``dest/current``.  Commands run over ssh, or
locally when ``dest`` is a local path; the server needs GNU coreutils
(``mv -T``).
"""

import datetime
import os
import shlex
import tempfile
from pathlib import Path

from .base import DeployError, Kind, from_env, is_remote, run, staged


class RsyncTarget:
    """A release folder layout reached by rsync, with commands run over ssh (or locally)."""

    def __init__(self, target, keyfile=None, known_hosts=None):
        dest = target["dest"]
        if is_remote(dest):
            host, _sep, path = dest.partition(":")
            self.host, self.path = host, path.rstrip("/") or "/"
        else:
            self.host, self.path = None, os.path.abspath(dest)
        self.keep = max(2, int(target.get("keep")))
        ssh = ["ssh", "-o", "BatchMode=yes"]
        if target.get("ssh_port"):
            ssh += ["-p", str(target["ssh_port"])]
        if keyfile:
            ssh += ["-i", keyfile, "-o", "IdentitiesOnly=yes"]
        if known_hosts:
            ssh += ["-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=yes"]
        self.ssh = ssh

    def sh(self, script):
        """Run a POSIX shell script where the files live; its stdout."""
        if self.host is None:
            return run(["sh", "-c", script]).stdout
        return run([*self.ssh, self.host, script]).stdout

    def location(self, sub):
        path = f"{self.path}/{sub}"
        return f"{self.host}:{path}" if self.host else path

    def current(self):
        out = self.sh(f"cd {shlex.quote(self.path)} 2>/dev/null && readlink current || true").strip()
        return out.rsplit("/", 1)[-1] if out else None

    def previous(self):
        out = self.sh(f"cd {shlex.quote(self.path)} 2>/dev/null && readlink previous || true").strip()
        return out.rsplit("/", 1)[-1] if out else None

    def switch(self, release, previous):
        """Point `current` at releases/<release> with one atomic rename."""
        q = shlex.quote
        script = (f"set -e; cd {q(self.path)}; test -d releases/{q(release)}; "
                  f"ln -sfn releases/{q(release)} .current.new; mv -T .current.new current")
        if previous:
            script += f"; ln -sfn releases/{q(previous)} .previous.new; mv -T .previous.new previous"
        self.sh(script)

    def deploy(self, folder, release):
        q = shlex.quote
        old = self.current()
        self.sh(f"set -e; mkdir -p {q(self.path)}/releases")
        # No -t: a file is hard-linked from --link-dest only when every
        # preserved attribute matches, and a new build writes every file
        # anew, so with times preserved nothing would ever match and each
        # release would be a full copy.  --checksum compares the contents
        # instead: an unchanged file becomes a link to the previous release
        # (keeping that file's time, so caches of it stay valid), and a
        # changed one is uploaded with the time of its upload.
        cmd = ["rsync", "-rl", "--checksum", "--delete", "--chmod=D755,F644", "--protect-args"]
        if self.host:
            cmd += ["-e", " ".join(q(part) for part in self.ssh)]
        if old:
            cmd += [f"--link-dest=../{old}"]
        cmd += [str(folder).rstrip("/") + "/", self.location(f"releases/{release}/")]
        run(cmd)
        self.switch(release, old)
        self.prune()
        return old

    def releases(self):
        out = self.sh(f"cd {shlex.quote(self.path)}/releases 2>/dev/null && ls -1 || true")
        return sorted(line for line in out.splitlines() if line)

    def prune(self):
        keep = {self.current(), self.previous()}
        old = [r for r in self.releases() if r not in keep]
        for release in old[: max(0, len(old) - (self.keep - 2))]:
            self.sh(f"rm -rf {shlex.quote(self.path)}/releases/{shlex.quote(release)}")

    def rollback(self):
        current, previous = self.current(), self.previous()
        if not previous:
            raise DeployError("no previous release to roll back to")
        self.switch(previous, current)
        return previous, current


def release_name(output):
    """Sortable and unique: deploy time (UTC) then the build id."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{now}-{output.trace().get('build_id') or 'build'}"


class Rsync(Kind):
    """dest (``[user@]host:/path`` or a local path); ssh_key_env, known_hosts_env
    (variables holding the private key and the known_hosts lines); ssh_port;
    keep (3 releases, current and previous always among them); precompress
    (false): add .gz/.br twins (see sitetools/precompress.py)."""

    KIND = "rsync"
    FIELDS = {
        "dest": (str, None),
        "ssh_key_env": (str, None),
        "ssh_port": (int, None),
        "known_hosts_env": (str, None),
        "keep": (int, 3),
        "precompress": (bool, False),
    }
    REQUIRED = (("dest",),)
    PATHS = ("dest",)

    @classmethod
    def is_local_path(cls, key, value):
        return not is_remote(value)

    @staticmethod
    def connect(target, tmp):
        """The RsyncTarget, with the key and known hosts from the environment written into `tmp`."""
        keyfile = known = None
        key = from_env(target, "ssh_key_env")
        if key:
            keyfile = os.path.join(tmp, "key")
            with open(os.open(keyfile, os.O_WRONLY | os.O_CREAT, 0o600), "w", encoding="utf-8") as handle:
                handle.write(key.strip() + "\n")
        hosts = from_env(target, "known_hosts_env")
        if hosts:
            known = os.path.join(tmp, "known_hosts")
            Path(known).write_text(hosts.strip() + "\n", encoding="utf-8")
        return RsyncTarget(target, keyfile, known)

    def deploy(self, output, target):
        with tempfile.TemporaryDirectory(prefix="deploy-ssh-") as tmp:
            releases = self.connect(target, tmp)
            output = staged(target, output, tmp)
            release = release_name(output)
            old = releases.deploy(output.path, release)
        return f"release {release} is current" + (f" (previous: {old})" if old else "")

    def rollback(self, target):
        with tempfile.TemporaryDirectory(prefix="deploy-ssh-") as tmp:
            now, was = self.connect(target, tmp).rollback()
        return f"release {now} is current again (was {was})"
