"""Export to package with a team's own Copier template for the scaffolding (``--template``, the
REST body's ``template``, or ``template`` in ``[tool.jupyter-readiness]``).

The template gets every variable of ``render.project_variables`` as Copier data, renders into a
scratch folder with the copier library, and its files come back as ``{relative path: text}``:
``plan`` treats them like the built-in template's (preview, conflicts, manifest). The computed
modules are laid over them afterwards by ``render``. ``.copier-answers.yml`` is always written in
Copier's own format (``_commit``, ``_src_path``, then the answers to the questions the template
declares), so ``copier update`` can bring a later version of the template in.

Safety: a template is data, never code. Copier's tasks are skipped (with a note), its Jinja
extensions and migrations refused (``unsafe=False`` and no user settings, so no "trusted" list
turns them on); Copier itself
refuses symbolic links and paths that leave the template or the destination. A folder must be
under the server's root; a URL (https, ``gh:``, ``gl:``) only comes from the command line or the
project's configuration, never from a request body (see ``is_url``), and is cloned in the
worker, never on the event loop.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...files import OutsideRoot, Root
from ...lint.config import ConfigError, project_setting
from ..errors import ActionRefused

ANSWERS_FILE = ".copier-answers.yml"
_CONFIG_FILES = ("copier.yml", "copier.yaml")
# A git URL Copier may clone: https and its GitHub/GitLab shorthands. Not file://, ssh or git's
# ext:: transports (a local path or a command in disguise), and no user:token@ (it would be written
# into .copier-answers.yml).
_URL = re.compile(r"(https://|gh:|gl:)[\w.~:/%+-]+", re.ASCII)
# A scaffolding this large is not a project template.
MAX_FILES = 500
MAX_BYTES = 8 * 1024 * 1024
# Copier's answers file as the template its documentation recommends renders it (the header, then
# ``to_nice_yaml``: sorted keys, indent 4), so `copier update` rewrites it in the same format.
_ANSWERS_HEADER = "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"


class BadTemplate(ActionRefused):
    """A template that cannot be used: not found, not a Copier template, or one that does not
    render. The message never repeats the path or URL that was given."""


@dataclass(frozen=True)
class TemplateSource:
    location: str  # a resolved folder, or a URL
    is_url: bool


def is_url(value: str) -> bool:
    """Whether ``value`` is meant as a URL (``scheme://``, ``gh:``, ``gl:``, ``git@``, git's
    ``transport::address``)."""
    return "://" in value or "::" in value or value.startswith(("gh:", "gl:", "git@", "git+"))


def resolve(value: str, root: Root, base: Path | None = None) -> TemplateSource:
    """Where the template is. ``value``: a folder (relative to the server root; for the command
    line, to the current folder; from the configuration, to its pyproject.toml's folder) or a URL."""
    if is_url(value):
        if not _URL.fullmatch(value):
            raise BadTemplate("The template URL is refused: use an https:// git URL (or gh:/gl: shorthand).")
        return TemplateSource(value, True)
    try:
        folder = root.confine(base / value) if base is not None else root.resolve(value)
    except OutsideRoot:
        raise BadTemplate("The template folder is refused: it is outside the server root.") from None
    if not folder.is_dir():
        raise BadTemplate("The template folder does not exist.")
    if not any((folder / name).is_file() for name in _CONFIG_FILES):
        raise BadTemplate("The template folder is not a Copier template: it has no copier.yml.")
    _refuse_special_files(folder)
    return TemplateSource(str(folder), False)


def _refuse_special_files(folder: Path) -> None:
    """Copier opens every file of the template to copy it: a FIFO would keep the worker waiting for
    a writer forever, a device would be read without end."""
    seen = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            seen += 1
            if seen > 10 * MAX_FILES:
                raise BadTemplate(f"The template folder holds far more than {MAX_FILES} files.")
            mode = os.lstat(os.path.join(directory, name)).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
                raise BadTemplate("The template folder holds a FIFO, socket or device: a template holds files only.")


def chosen(request_template: str | None, notebook_dir: Path, root: Root) -> TemplateSource | None:
    """The template an export uses: the request's, else the project's ``template`` setting, else
    None (the built-in one)."""
    if request_template is not None:
        return resolve(request_template, root)
    try:
        setting = project_setting(notebook_dir, "template", root.ceiling)
    except ConfigError as exc:
        raise BadTemplate(f"configuration error: {exc}") from None
    if setting is None:
        return None
    value, folder = setting
    if not isinstance(value, str) or not value:
        raise BadTemplate("[tool.jupyter-readiness] template must be a folder or a URL (a string).")
    return resolve(value, root, base=folder)


def recorded_source(source: TemplateSource, out: Path) -> str:
    """``_src_path`` in the answers file: a URL as it is; a folder relative to the package's folder
    (``copier update`` runs there), which shows no server path and survives moving both together."""
    return source.location if source.is_url else os.path.relpath(source.location, out).replace(os.sep, "/")


def render_template(
    source: TemplateSource, variables: Mapping[str, Any], src_path: str, notes: list[str] | None = None
) -> dict[str, str]:
    """The template's files rendered with ``variables``, and ``.copier-answers.yml`` with
    ``src_path`` as its ``_src_path``. ``notes``: gets what the export left undone (its tasks)."""
    import copier
    from copier.errors import CopierError, ForbiddenPathError, UnsafeTemplateError
    from jinja2 import TemplateError
    from plumbum import ProcessExecutionError

    if source.is_url:
        # git asks for a password on the terminal when a repository is private: in a server that
        # would wait forever; fail instead.
        os.environ.setdefault("GIT_TERMINAL_PROMPT", "0")
    with tempfile.TemporaryDirectory(prefix="readiness-template-") as scratch:
        destination = Path(scratch) / "project"
        try:
            worker = copier.run_copy(
                source.location,
                destination,
                data=dict(variables),
                settings=copier.Settings(),  # not the user's: their trust list would allow extensions
                defaults=True,
                overwrite=True,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
                cleanup_on_error=False,
            )
            answers = _answers(worker, src_path)
            if worker.template.tasks and notes is not None:
                notes.append(
                    f"The template's {len(worker.template.tasks)} task(s) were not run (the export runs no template "
                    "code): run them yourself in the package's folder if it needs them."
                )
        except ProcessExecutionError:  # git, cloning a URL (a local folder is copied, not cloned)
            raise BadTemplate(
                "The template could not be fetched: git could not clone it (no network, no such repository, or no "
                "access)."
            ) from None
        except UnsafeTemplateError:
            raise BadTemplate(
                "The template uses Jinja extensions or migrations, which run code: the export never runs a template's "
                "code."
            ) from None
        except ForbiddenPathError:
            raise BadTemplate("The template refers to a path outside itself or outside the project.") from None
        except TemplateError as exc:
            raise BadTemplate(f"The template does not render: {_jinja_reason(exc)}.") from None
        except (CopierError, OSError, ValueError) as exc:
            raise BadTemplate(f"The template cannot be used ({type(exc).__name__}).") from None
        except Exception as exc:  # noqa: BLE001 - git and YAML errors of a template nobody vetted
            raise BadTemplate(f"The template cannot be read ({type(exc).__name__}).") from None
        files = _read_tree(destination)
    # Always ours, even when the template renders one: its _src_path would be a scratch path.
    files[ANSWERS_FILE] = _ANSWERS_HEADER + yaml.safe_dump(
        answers, indent=4, allow_unicode=True, default_flow_style=False
    )
    return files


def _answers(worker: Any, src_path: str) -> dict[str, Any]:
    """What Copier remembers for ``copier update``: where the template came from, then the answers
    to the questions its copier.yml declares (the other variables are passed again each export)."""
    answers: dict[str, Any] = {}
    template = worker.template
    if template.commit is not None:
        answers["_commit"] = template.commit
    answers["_src_path"] = src_path
    secret = template.secret_questions
    for name in template.questions_data:
        if name in worker.answers.combined and name not in secret and not name.startswith("_"):
            answers[name] = worker.answers.combined[name]
    return answers


def _jinja_reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or type(exc).__name__
    line = getattr(exc, "lineno", None)
    return f"{message.splitlines()[0][:200]}{f' (line {line})' if line else ''}"


def _read_tree(folder: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    total = 0
    for directory, folders, names in os.walk(folder):
        folders.sort()
        for name in sorted(names):
            path = Path(directory, name)
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                raise BadTemplate("The template makes a symbolic link: the export writes only files.")
            total += path.stat().st_size
            if len(files) >= MAX_FILES or total > MAX_BYTES:
                raise BadTemplate(f"The template makes more than {MAX_FILES} files or {MAX_BYTES >> 20} MB.")
            try:
                files[relative] = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                raise BadTemplate(
                    "The template makes a file that is not UTF-8 text: the export writes text only."
                ) from None
    return files
