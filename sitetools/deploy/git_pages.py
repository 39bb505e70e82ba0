"""git-pages: the output as one commit on a branch of any git remote (GitHub, GitLab, Codeberg Pages)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import Kind, from_env, run


class GitPages(Kind):
    """Commits the output plus ``.nojekyll`` (and ``CNAME``) on top of the branch, and pushes.

    remote (URL or path) or remote_env (the variable holding it, when it
    carries a token); branch (gh-pages); cname; message (the commit's).
    """

    KIND = "git-pages"
    FIELDS = {
        "remote": (str, None),
        "remote_env": (str, None),
        "branch": (str, "gh-pages"),
        "cname": (str, None),
        "message": (str, None),
    }
    REQUIRED = (("remote", "remote_env"),)

    def deploy(self, output, target):
        remote = target.get("remote") or from_env(target, "remote_env")
        secrets = [remote] if target.get("remote_env") else []
        branch = target.get("branch") or "gh-pages"
        trace = output.trace()
        message = (target.get("message")
                   or f"Site build {trace.get('build_id', '')} ({str(trace.get('commit', ''))[:10]})".strip())
        env = {**os.environ, "GIT_AUTHOR_NAME": "site deploy", "GIT_AUTHOR_EMAIL": "deploy@localhost",
               "GIT_COMMITTER_NAME": "site deploy", "GIT_COMMITTER_EMAIL": "deploy@localhost"}
        if trace.get("epoch"):
            stamp = f"@{trace['epoch']} +0000"
            env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        with tempfile.TemporaryDirectory(prefix="deploy-git-") as tmp:
            work = Path(tmp) / "tree"
            shutil.copytree(output.path, work, symlinks=False)
            (work / ".nojekyll").write_text("", encoding="utf-8")
            if target.get("cname"):
                (work / "CNAME").write_text(target["cname"].strip() + "\n", encoding="utf-8")
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
