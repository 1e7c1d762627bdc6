"""``jupyter-readiness ci init``: write a ready CI workflow into the user's repository. Idempotent
(the same files twice write nothing the second time); an existing file that differs is a
conflict, and nothing at all is written unless ``force``.

GitHub: ``.github/workflows/readiness.yml``. GitLab: the job in ``.gitlab/readiness.gitlab-ci.yml``
and a ``.gitlab-ci.yml`` that includes it when the repository has none; an existing
``.gitlab-ci.yml`` is never rewritten — the reply says which line to add to it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from ... import __version__
from ...contract.replies import CiFile, CiInitReply
from ...files import OutsideRoot, Root, Unreadable
from ..plan import Plan
from . import templates

GITHUB_WORKFLOW = ".github/workflows/readiness.yml"
GITLAB_ROOT = ".gitlab-ci.yml"


def plan(
    provider: Literal["github", "gitlab"], repository: Path, root: Root, *, force: bool = False
) -> Plan[CiInitReply]:
    version = __version__
    wanted: dict[str, str] = {}
    notes: list[str] = []
    if provider == "github":
        wanted[GITHUB_WORKFLOW] = templates.github_workflow(version, _push_branches(repository, root))
    else:
        existing = _existing(repository / GITLAB_ROOT, root)
        ours = existing is None or existing == templates.gitlab_root(version)
        stage = "test" if ours else _gitlab_stage(existing)
        wanted[templates.GITLAB_INCLUDE] = templates.gitlab_job(version, stage)
        if ours:
            wanted[GITLAB_ROOT] = templates.gitlab_root(version)
        else:
            if stage != "test":
                notes.append(f"the job runs in the stage {stage}: {GITLAB_ROOT} declares no stage test")
            if templates.GITLAB_INCLUDE not in existing:
                notes.append(f"add to {GITLAB_ROOT}: include: [{{local: {templates.GITLAB_INCLUDE}}}]")
    reply = CiInitReply(provider, [], [], notes)
    writes: dict[Path, str] = {}
    for relative, text in wanted.items():
        path = root.confine(repository / relative)
        existing = _existing(path, root)
        if existing == text:
            status = "unchanged"
        elif existing is None:
            status = "create"
        elif force:
            status = "overwrite"
        else:
            status = "conflict"
            reply.conflicts.append(relative)
        reply.files.append(CiFile(relative, status, text))
        if status in ("create", "overwrite"):
            writes[path] = text
    return Plan(reply, {} if reply.conflicts else writes)


def _gitlab_stage(pipeline: str) -> str:
    """The stage for the job in a pipeline the team wrote: ``test`` (GitLab's default, where a job
    without a stage goes) unless its ``stages`` leave it out — a job in an undeclared stage makes
    the whole pipeline invalid — then the first stage it declares (not ``.pre``: a pipeline of only
    ``.pre`` jobs, as a merge request's may be, does not run at all)."""
    import yaml

    try:
        stages = yaml.safe_load(pipeline).get("stages")
    except (yaml.YAMLError, AttributeError, RecursionError):
        return "test"
    if not isinstance(stages, list) or "test" in stages:
        return "test"
    declared = [s for s in stages if isinstance(s, str) and s.strip() and s not in (".pre", ".post")]
    return declared[0] if declared else "test"


def _push_branches(repository: Path, root: Root) -> tuple[str, ...]:
    """The branch whose pushes are judged: the clone's default branch (``origin/HEAD``, which
    ``git clone`` records) when it has another name than main or master, else those two."""
    try:
        head = root.read_text(repository / ".git" / "refs" / "remotes" / "origin" / "HEAD")
    except (OutsideRoot, Unreadable):
        head = None
    found = _ORIGIN_HEAD.fullmatch(head.strip()) if head else None
    if found is None or found[1] in templates.DEFAULT_BRANCHES:
        return templates.DEFAULT_BRANCHES
    return (found[1],)


# The branch a symbolic origin/HEAD names, when YAML and a shell would read it as written.
_ORIGIN_HEAD = re.compile(r"ref: refs/remotes/origin/([A-Za-z0-9][A-Za-z0-9._/-]{0,99})")


def _existing(path: Path, root: Root) -> str | None:
    """The file's text, its line breaks as ours: a checkout with ``core.autocrlf`` (Windows) has
    our own workflow with CRLF, which is the same file, not a conflict."""
    try:
        text = root.read_text(path)
        return text.replace("\r\n", "\n") if text is not None else None
    except Unreadable:
        return "\x00"  # a folder or a binary file there: not ours, a conflict
