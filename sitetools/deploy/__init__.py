"""`invoke deploy` / `invoke rollback`: publish one built output to every configured target.

Targets live in one YAML file (``deploy/targets.yml``)::

    targets:
      NAME:
        kind: git-pages | rsync | s3 | ipfs | local
        ...the kind's fields

Each kind is one module here (``git_pages``, ``rsync``, ``s3``, ``ipfs``,
``local``) with one class that declares its fields, their types and
defaults, and which are required (``base.Kind``); the loader checks every
target against its kind's declaration and names the file, the target and
the field of each problem.  Secrets never go in the file: a field ending in
``_env`` names the environment variable that holds the secret (CI passes it
in).  The output's trace, sums and signature are uploaded after the other
files, by the names ``sitecore.artefacts`` gives them.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from sitecore.artefacts import Artefacts

from .base import DeployConfigError, DeployError, Kind, Output, Result, Target  # noqa: F401
from .git_pages import GitPages
from .ipfs import Ipfs
from .local import Local
from .rsync import Rsync
from .s3 import S3

logger = logging.getLogger(__name__)

KINDS = {kind.KIND: kind for kind in (GitPages, Rsync, S3, Ipfs, Local)}


def check_target(name, conf):
    """(kind class or None, problems) of one target's settings."""
    if not isinstance(conf, dict):
        return None, [f"target {name!r}: settings must be a mapping"]
    kind = KINDS.get(conf.get("kind"))
    if kind is None:
        return None, [f"target {name!r}: kind must be one of {', '.join(KINDS)}, got {conf.get('kind')!r}"]
    return kind, kind.check(name, conf)


def load_targets(path, base=None):
    """{name: settings} from the targets file, defaults filled in; DeployConfigError on any problem.

    Every problem of every target is reported at once, each naming the file,
    the target and the field.  Relative local paths (ipfs `out`, local
    `path`, a local rsync `dest`) are taken from `base` (the project folder
    for the tasks; else they stay relative to the current folder).
    """
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise DeployConfigError(f"{path}: no targets file") from exc
    except yaml.YAMLError as exc:
        raise DeployConfigError(f"{path}: not valid YAML: {exc}") from exc
    except ValueError as exc:
        # YAML reads 2024-13-01 as a date, and constructing it fails.
        raise DeployConfigError(f"{path}: a value written like a date is no date ({exc}); "
                                "write a real date, or put the value in quotes") from exc
    data = data or {}
    if not isinstance(data, dict) or set(data) - {"targets"}:
        raise DeployConfigError(f"{path}: the file must be a mapping with one key, 'targets'")
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        raise DeployConfigError(f"{path}: 'targets' must map names to settings")
    problems, checked = [], {}
    for name, conf in targets.items():
        kind, found = check_target(name, conf)
        problems += found
        if kind is not None and not found:
            checked[name] = kind.settings(conf, base)
    if problems:
        raise DeployConfigError(f"{path}: " + "; ".join(problems))
    return checked


def target(name, conf):
    """The Target for one target's settings; DeployConfigError naming every problem."""
    kind, problems = check_target(name, conf)
    if problems:
        raise DeployConfigError("; ".join(problems))
    return kind, Target(name, kind.KIND, kind.settings(conf))


def deploy_one(name, conf, output, names=Artefacts()):
    """Deploy one target; a Result whatever happens.

    `output` is the built folder, `names` the site's Artefacts (which files
    are the trace and the sums, uploaded last).
    """
    try:
        kind, checked = target(name, conf)
        message = kind().deploy(Output(Path(output), names), checked)
    except (DeployConfigError, DeployError, OSError) as exc:
        return Result(name, False, str(exc))
    except Exception as exc:  # noqa: BLE001 - one target's bug must not stop the others
        logger.exception("deploy: target %s failed unexpectedly", name)
        return Result(name, False, f"unexpected {type(exc).__name__}: {exc}")
    return Result(name, True, message)


def deploy(targets, names, output, parallel=True, artefacts=Artefacts()):
    """Deploy the named targets, in parallel; one failing does not stop the others."""
    output = Path(output)
    if not (output / "index.html").is_file():
        raise DeployError(f"{output} has no built site (no index.html): run `invoke build` first")
    if not (output / artefacts.sums).is_file():
        logger.warning("deploy: %s has no %s: run `invoke publish` and `invoke sign` first "
                       "so that mirrors can be checked", output, artefacts.sums)
    if not parallel or len(names) < 2:
        return [deploy_one(name, targets[name], output, artefacts) for name in names]
    with ThreadPoolExecutor(max_workers=min(8, len(names))) as pool:
        return list(pool.map(lambda name: deploy_one(name, targets[name], output, artefacts), names))


def rollback(name, conf):
    """Switch an rsync target back to its previous release; a message saying which is current."""
    kind, checked = target(name, conf)
    if kind is not Rsync:
        raise DeployError(f"target {name!r} is {checked.kind}: only rsync targets keep a previous release")
    return Rsync().rollback(checked)
