"""Publish one built output to every configured target.

Targets live in one YAML file (``deploy/targets.yml``)::

    targets:
      NAME:
        kind: git-pages | rsync | s3 | ipfs | local
        ...kind's fields (below)

Secrets never go in the file: a field ending in ``_env`` names the
environment variable that holds the secret (CI passes it in).

git-pages       remote (URL or path) or remote_env; branch (gh-pages); cname;
                the branch gets the output plus ``.nojekyll`` (and ``CNAME``).
rsync           dest (``[user@]host:/path`` or a local path); ssh_key_env,
                ssh_port, known_hosts_env; keep (3).  Each deploy uploads into
                ``dest/releases/<release>/`` (hard-linking unchanged files of
                the current release), then atomically renames a new symlink
                over ``dest/current`` and points ``dest/previous`` at the old
                one.  The web server's root is ``dest/current``.
                precompress (false): add .gz/.br twins (see precompress.py).
s3              bucket; prefix (""); endpoint_url (AWS when empty) or
                endpoint_url_env; region (us-east-1); access_key_env
                (AWS_ACCESS_KEY_ID); secret_key_env (AWS_SECRET_ACCESS_KEY);
                delete (true); cache_control.
ipfs            out (folder for the CAR and its record).  Writes
                ``<build id>.car`` and ``<build id>.car.json`` (root CID,
                import settings, tool version) and ``latest.json``.
local           path (a folder, a USB stick); delete (true); precompress (false).
"""

import datetime
import json
import logging
import mimetypes
import os
import shlex
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml
from integrity import sha256_file

logger = logging.getLogger(__name__)

KIND_FIELDS = {
    "git-pages": {"remote", "remote_env", "branch", "cname", "message"},
    "rsync": {"dest", "ssh_key_env", "ssh_port", "known_hosts_env", "keep", "precompress"},
    "s3": {"bucket", "prefix", "endpoint_url", "endpoint_url_env", "region", "access_key_env",
           "secret_key_env", "delete", "cache_control"},
    "ipfs": {"out"},
    "local": {"path", "delete", "precompress"},
}
REQUIRED = {
    "git-pages": [("remote", "remote_env")],
    "rsync": [("dest",)],
    "s3": [("bucket",)],
    "ipfs": [("out",)],
    "local": [("path",)],
}

# Content types a browser needs right; the rest come from `mimetypes`.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".svg": "image/svg+xml",
    ".ics": "text/calendar; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".minisig": "text/plain; charset=utf-8",
    ".pub": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".car": "application/vnd.ipld.car",
    ".gz": "application/gzip",
    ".br": "application/x-brotli",
    ".zip": "application/zip",
    ".zim": "application/x-zim",
}
NAME_TYPES = {"SHA256SUMS": "text/plain; charset=utf-8", "CNAME": "text/plain; charset=utf-8"}

IPFS_TOOL_DIR = Path(__file__).resolve().parents[2] / "tools" / "ipfs"
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


class DeployError(RuntimeError):
    """A target could not be deployed; the message says why."""


class DeployConfigError(ValueError):
    """The targets file is malformed; the message lists every problem."""


@dataclass
class Result:
    name: str
    ok: bool
    message: str


# ---------------------------------------------------------------- config

def load_targets(path, base=None):
    """{name: settings} from the targets file; DeployConfigError on any problem.

    Relative local paths (ipfs `out`, local `path`, a local rsync `dest`) are
    taken from `base` (the project folder for the tasks; else the current one).
    """
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise DeployConfigError(f"{path}: no targets file") from exc
    except yaml.YAMLError as exc:
        raise DeployConfigError(f"{path}: not valid YAML: {exc}") from exc
    data = data or {}
    if not isinstance(data, dict) or set(data) - {"targets"}:
        raise DeployConfigError(f"{path}: the file must be a mapping with one key, 'targets'")
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        raise DeployConfigError(f"{path}: 'targets' must map names to settings")
    problems = []
    for name, conf in targets.items():
        if not isinstance(conf, dict):
            problems.append(f"target {name!r}: settings must be a mapping")
            continue
        kind = conf.get("kind")
        if kind not in KIND_FIELDS:
            problems.append(f"target {name!r}: kind must be one of {', '.join(KIND_FIELDS)}, got {kind!r}")
            continue
        for key in sorted(set(conf) - KIND_FIELDS[kind] - {"kind"}):
            problems.append(f"target {name!r}: unknown {kind} setting {key!r} "
                            f"(known: {', '.join(sorted(KIND_FIELDS[kind]))})")
        for alternatives in REQUIRED[kind]:
            if not any(conf.get(key) for key in alternatives):
                problems.append(f"target {name!r}: {kind} needs {' or '.join(alternatives)}")
    if problems:
        raise DeployConfigError(f"{path}: " + "; ".join(problems))
    if base is not None:
        for conf in targets.values():
            for key in ("out", "path", "dest"):
                value = conf.get(key)
                if value and not os.path.isabs(value) and not (key == "dest" and is_remote(value)):
                    conf[key] = os.path.join(base, value)
    return targets


def is_remote(dest):
    """`[user@]host:/path` rather than a local path."""
    host, sep, _path = dest.partition(":")
    return bool(sep) and "/" not in host


def from_env(conf, key, required=True):
    """The secret named by conf[key] (an environment variable name)."""
    var = conf.get(key)
    if not var:
        return None
    value = os.environ.get(var)
    if not value and required:
        raise DeployError(f"environment variable {var} ({key}) is not set")
    return value


def output_files(output):
    """Every file of the output, relative POSIX paths, sorted."""
    output = Path(output)
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())


def read_trace(output):
    try:
        with open(Path(output) / "trace.json", encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def redact(text, secrets):
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def run(cmd, secrets=(), **kwargs):
    """Run a command; DeployError with its output (secrets masked) when it fails."""
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)
    except FileNotFoundError as exc:
        raise DeployError(f"{cmd[0]} is not installed") from exc
    except subprocess.CalledProcessError as exc:
        shown = " ".join(shlex.quote(str(part)) for part in cmd)
        message = f"`{shown}` failed: {(exc.stderr or exc.stdout).strip()}"
        # Not chained: the original exception holds the command line, secrets included.
        raise DeployError(redact(message, secrets)) from None


# ---------------------------------------------------------------- git pages

def deploy_git_pages(name, conf, output):
    remote = conf.get("remote") or from_env(conf, "remote_env")
    secrets = [remote] if conf.get("remote_env") else []
    branch = conf.get("branch") or "gh-pages"
    trace = read_trace(output)
    message = conf.get("message") or f"Site build {trace.get('build_id', '')} ({trace.get('commit', '')[:10]})".strip()
    env = {**os.environ, "GIT_AUTHOR_NAME": "site deploy", "GIT_AUTHOR_EMAIL": "deploy@localhost",
           "GIT_COMMITTER_NAME": "site deploy", "GIT_COMMITTER_EMAIL": "deploy@localhost"}
    if trace.get("epoch"):
        stamp = f"@{trace['epoch']} +0000"
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    with tempfile.TemporaryDirectory(prefix="deploy-git-") as tmp:
        work = Path(tmp) / "tree"
        shutil.copytree(output, work, symlinks=False)
        (work / ".nojekyll").write_text("", encoding="utf-8")
        if conf.get("cname"):
            (work / "CNAME").write_text(conf["cname"].strip() + "\n", encoding="utf-8")
        git = ["git", "-C", str(work)]
        run([*git, "init", "-q", "-b", branch], env=env)
        run([*git, "config", "core.autocrlf", "false"], env=env)
        parent = []
        fetched = subprocess.run([*git, "fetch", "-q", "--depth=1", remote, f"refs/heads/{branch}"],
                                 capture_output=True, text=True, env={**env, "GIT_TERMINAL_PROMPT": "0"})
        if fetched.returncode == 0:
            parent = ["-p", run([*git, "rev-parse", "FETCH_HEAD"], env=env).stdout.strip()]
        run([*git, "add", "-A", "-f", "."], env=env)
        tree = run([*git, "write-tree"], env=env).stdout.strip()
        commit = run([*git, "commit-tree", tree, *parent, "-m", message], env=env).stdout.strip()
        run([*git, "push", "-q", "--force", remote, f"{commit}:refs/heads/{branch}"], secrets=secrets,
            env={**env, "GIT_TERMINAL_PROMPT": "0"})
    return f"pushed {commit[:10]} to branch {branch}"


# ---------------------------------------------------------------- rsync

class RsyncTarget:
    """A release folder layout reached by rsync, with commands run over ssh (or locally)."""

    def __init__(self, conf, keyfile=None, known_hosts=None):
        dest = conf["dest"]
        if is_remote(dest):
            host, _sep, path = dest.partition(":")
            self.host, self.path = host, path.rstrip("/") or "/"
        else:
            self.host, self.path = None, os.path.abspath(dest)
        self.keep = max(2, int(conf.get("keep", 3)))
        ssh = ["ssh", "-o", "BatchMode=yes"]
        if conf.get("ssh_port"):
            ssh += ["-p", str(conf["ssh_port"])]
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

    def deploy(self, output, release):
        q = shlex.quote
        old = self.current()
        self.sh(f"set -e; mkdir -p {q(self.path)}/releases")
        cmd = ["rsync", "-rlt", "--checksum", "--delete", "--chmod=D755,F644", "--protect-args"]
        if self.host:
            cmd += ["-e", " ".join(q(part) for part in self.ssh)]
        if old:
            cmd += [f"--link-dest=../{old}"]
        cmd += [str(output).rstrip("/") + "/", self.location(f"releases/{release}/")]
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
    trace = read_trace(output)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{now}-{trace.get('build_id') or 'build'}"


def _rsync_target(conf, tmp):
    keyfile = known = None
    key = from_env(conf, "ssh_key_env")
    if key:
        keyfile = os.path.join(tmp, "key")
        with open(os.open(keyfile, os.O_WRONLY | os.O_CREAT, 0o600), "w", encoding="utf-8") as handle:
            handle.write(key.strip() + "\n")
    hosts = from_env(conf, "known_hosts_env")
    if hosts:
        known = os.path.join(tmp, "known_hosts")
        Path(known).write_text(hosts.strip() + "\n", encoding="utf-8")
    return RsyncTarget(conf, keyfile, known)


def staged(conf, output, tmp):
    """The folder to upload: the output, or a copy with precompressed twins."""
    if not conf.get("precompress"):
        return output
    from .precompress import precompress

    stage = Path(tmp) / "stage"
    shutil.copytree(output, stage)
    precompress(stage)
    return stage


def deploy_rsync(name, conf, output):
    with tempfile.TemporaryDirectory(prefix="deploy-ssh-") as tmp:
        target = _rsync_target(conf, tmp)
        output = staged(conf, output, tmp)
        release = release_name(output)
        old = target.deploy(output, release)
    return f"release {release} is current" + (f" (previous: {old})" if old else "")


def rollback(name, conf):
    if conf.get("kind") != "rsync":
        raise DeployError(f"target {name!r} is {conf.get('kind')}: only rsync targets keep a previous release")
    with tempfile.TemporaryDirectory(prefix="deploy-ssh-") as tmp:
        now, was = _rsync_target(conf, tmp).rollback()
    return f"release {now} is current again (was {was})"


# ---------------------------------------------------------------- S3

def content_type(relpath):
    name = relpath.rsplit("/", 1)[-1]
    if name in NAME_TYPES:
        return NAME_TYPES[name]
    suffix = os.path.splitext(name)[1].lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def upload_order(files):
    """Assets first, then pages, then the files that say which build this is."""
    last = {"SHA256SUMS", "SHA256SUMS.minisig", "manifest.json", "trace.json"}

    def rank(path):
        if path in last:
            return 3
        if path.endswith(".html"):
            return 2 if path != "index.html" else 2.5
        return 1

    return sorted(files, key=lambda path: (rank(path), path))


def s3_client(conf):
    import boto3
    from botocore.config import Config

    endpoint = conf.get("endpoint_url") or from_env(conf, "endpoint_url_env", required=False) or None
    access = from_env({"access_key_env": "AWS_ACCESS_KEY_ID", **conf}, "access_key_env")
    secret = from_env({"secret_key_env": "AWS_SECRET_ACCESS_KEY", **conf}, "secret_key_env")
    return boto3.client("s3", endpoint_url=endpoint, region_name=conf.get("region") or "us-east-1",
                        aws_access_key_id=access, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 3}, s3={"addressing_style": "path"}))


def deploy_s3(name, conf, output):
    from botocore.exceptions import BotoCoreError, ClientError

    bucket = conf["bucket"]
    prefix = (conf.get("prefix") or "").strip("/")
    prefix = prefix + "/" if prefix else ""
    files = output_files(output)
    try:
        client = s3_client(conf)
        for relpath in upload_order(files):
            extra = {"ContentType": content_type(relpath)}
            if conf.get("cache_control"):
                extra["CacheControl"] = conf["cache_control"]
            client.upload_file(str(Path(output) / relpath), bucket, prefix + relpath, ExtraArgs=extra)
        removed = 0
        if conf.get("delete", True):
            wanted = {prefix + relpath for relpath in files}
            stale = []
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                stale += [item["Key"] for item in page.get("Contents", []) if item["Key"] not in wanted]
            for start in range(0, len(stale), 1000):
                chunk = stale[start:start + 1000]
                client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in chunk]})
            removed = len(stale)
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"S3 {bucket}/{prefix}: {exc}") from exc
    return f"uploaded {len(files)} files to s3://{bucket}/{prefix}, removed {removed} stale"


# ---------------------------------------------------------------- IPFS

def ipfs_car_bin():
    """The pinned ipfs-car, installed from tools/ipfs/package-lock.json when missing."""
    binary = IPFS_TOOL_DIR / "node_modules" / "ipfs-car" / "bin.js"
    if not binary.is_file():
        run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(IPFS_TOOL_DIR)])
    return ["node", str(binary)]


def pack_car(output, car_path):
    """Pack `output` into `car_path` with ipfs-car; the root CID."""
    result = run([*ipfs_car_bin(), "pack", str(output), "--no-wrap", "--output", str(car_path)])
    cid = result.stdout.strip().splitlines()[-1].strip()
    if not cid.startswith("bafy"):
        raise DeployError(f"ipfs-car printed no CID: {result.stdout!r}")
    return cid


def deploy_ipfs(name, conf, output):
    from .unixfs import UnsupportedLayout, folder_cid

    out = Path(conf["out"])
    out.mkdir(parents=True, exist_ok=True)
    trace = read_trace(output)
    stem = trace.get("build_id") or "site"
    car = out / f"{stem}.car"
    cid = pack_car(output, car)
    # Second, independent implementation (plugins/mirrors/unixfs.py): a CID
    # that does not match means the recorded settings do not describe it.
    try:
        independent = folder_cid(output)
    except UnsupportedLayout as exc:
        check = f"skipped: {exc}"
    else:
        if independent != cid:
            raise DeployError(f"ipfs-car gave {cid} but the same settings recomputed give {independent}")
        check = "same root CID from plugins/mirrors/unixfs.py"
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


# ---------------------------------------------------------------- local folder

def deploy_local(name, conf, output):
    with tempfile.TemporaryDirectory(prefix="deploy-local-") as tmp:
        return _deploy_local(conf, staged(conf, output, tmp))


def _deploy_local(conf, output):
    dest = Path(conf["path"])
    dest.mkdir(parents=True, exist_ok=True)
    files = output_files(output)
    for relpath in files:
        target = dest / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.deploy-tmp")
        shutil.copyfile(Path(output) / relpath, tmp)
        os.replace(tmp, target)
    removed = 0
    if conf.get("delete", True):
        wanted = set(files)
        for path in sorted(dest.rglob("*"), reverse=True):
            rel = path.relative_to(dest).as_posix()
            if path.is_file() and rel not in wanted:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return f"copied {len(files)} files to {dest}, removed {removed} stale"


KINDS = {
    "git-pages": deploy_git_pages,
    "rsync": deploy_rsync,
    "s3": deploy_s3,
    "ipfs": deploy_ipfs,
    "local": deploy_local,
}


def deploy_one(name, conf, output):
    """Deploy one target; a Result whatever happens."""
    try:
        message = KINDS[conf["kind"]](name, conf, output)
    except (DeployError, OSError) as exc:
        return Result(name, False, str(exc))
    except Exception as exc:  # noqa: BLE001 - one target's bug must not stop the others
        logger.exception("deploy: target %s failed unexpectedly", name)
        return Result(name, False, f"unexpected {type(exc).__name__}: {exc}")
    return Result(name, True, message)


def deploy(targets, names, output, parallel=True):
    """Deploy the named targets, in parallel; one failing does not stop the others."""
    output = Path(output)
    if not (output / "index.html").is_file():
        raise DeployError(f"{output} has no built site (no index.html): run `invoke build` first")
    if not (output / "SHA256SUMS").is_file():
        logger.warning("deploy: %s has no SHA256SUMS: run `invoke publish` and `invoke sign` first "
                       "so that mirrors can be checked", output)
    if not parallel or len(names) < 2:
        return [deploy_one(name, targets[name], output) for name in names]
    with ThreadPoolExecutor(max_workers=min(8, len(names))) as pool:
        return list(pool.map(lambda name: deploy_one(name, targets[name], output), names))
