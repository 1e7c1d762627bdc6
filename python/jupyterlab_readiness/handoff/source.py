"""Where a notebook's contract is declared: the nearest folder, from the notebook's upwards (never
above the server's root), that has a ``readiness-contract.toml``, or a ``pyproject.toml`` with a
``[tool.jupyter-readiness]`` table. A pyproject.toml whose table has no ``contract`` means the
default contract (the project has its configuration there and declared no contract); both files
with a contract in one folder is an error (declare it once). Nothing found: the default contract.
Every file is read through the root.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..files import OutsideRoot, Root, Unreadable
from ..lint.config import CONTRACT_FILE, project_folders
from .spec import DEFAULT, Contract, ContractError, parse

STANDALONE = CONTRACT_FILE
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "jupyter-readiness", "contract")


@dataclass(frozen=True)
class ProjectContract:
    contract: Contract
    file: Path | None  # the file it is declared in (None: the default contract)
    shown: str | None  # how a reply names that file
    kind: Literal["standalone", "pyproject"] | None

    @property
    def folder(self) -> Path | None:
        """Waivers name notebooks relative to this folder."""
        return self.file.parent if self.file is not None else None

    def waiver_name(self, notebook_path: Path) -> str | None:
        """How a waiver of this contract names the notebook (None: it is outside the folder)."""
        if self.folder is None:
            return None
        path = Path(notebook_path)
        # the file itself, else (a link out of the folder) the link where it is
        for candidate in (path.resolve(), Root(None).seen_at(path)):
            if candidate.is_relative_to(self.folder):
                return candidate.relative_to(self.folder).as_posix()
        return None


DEFAULT_CONTRACT = ProjectContract(DEFAULT, None, None, None)


def find_contract(directory: Path, root: Root) -> ProjectContract:
    """The contract that applies to notebooks in ``directory``. Raises ContractError (an invalid
    or unreadable contract file, with the file and the line)."""
    found = contract_file(directory, root)
    if found is None:
        return DEFAULT_CONTRACT
    path, kind, data, text = found
    shown = root.shown(path)
    if kind == "pyproject":
        if "contract" not in (project_table(data) or {}):
            return DEFAULT_CONTRACT
        return ProjectContract(_parsed(text, shown, TABLE), path, shown, kind)
    return ProjectContract(_parsed(text, shown, ()), path, shown, kind)


def contract_file(directory: Path, root: Root) -> tuple[Path, Literal["standalone", "pyproject"], Any, str] | None:
    """(file, kind, its TOML data, its text) of the nearest file that declares the contract or
    the project's configuration; None when there is none up to the root."""
    for folder in project_folders(root.confine(Path(directory)), root.ceiling):
        standalone = _read(folder / STANDALONE, root)
        pyproject = _read(folder / PYPROJECT, root)
        project = project_table(pyproject[1]) if pyproject is not None else None
        if standalone is not None:
            if isinstance(project, dict) and "contract" in project:
                raise ContractError(
                    [
                        f"{root.shown(folder / STANDALONE)}: the contract is also declared in "
                        f"{root.shown(folder / PYPROJECT)} [tool.jupyter-readiness.contract]: declare it once"
                    ]
                )
            return folder / STANDALONE, "standalone", standalone[1], standalone[0]
        if isinstance(project, dict):
            assert pyproject is not None
            return folder / PYPROJECT, "pyproject", pyproject[1], pyproject[0]
    return None


def waiver_file(directory: Path, root: Root) -> tuple[Path, Literal["standalone", "pyproject"], str | None]:
    """(file, kind, its text or None) where a new waiver for a notebook in ``directory`` goes: the
    file the contract is declared in; else the project's pyproject.toml (the nearest one, up to
    the root or the repository's top); else a new readiness-contract.toml beside the notebook."""
    found = contract_file(directory, root)
    if found is not None:
        path, kind, _, text = found
        return path, kind, text
    directory = root.confine(Path(directory))
    for folder in project_folders(directory, root.ceiling):
        if _read(folder / PYPROJECT, root) is not None:
            return folder / PYPROJECT, "pyproject", root.read_text(folder / PYPROJECT)
    return directory / STANDALONE, "standalone", None


def project_table(data: Any) -> dict[str, Any] | None:
    """``[tool.jupyter-readiness]`` of a pyproject.toml's data, when it is a table."""
    tool = data.get("tool") if isinstance(data, dict) else None
    table = tool.get("jupyter-readiness") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _read(path: Path, root: Root) -> tuple[str, dict[str, Any]] | None:
    """(text, data) of a TOML file; None when there is none. One that leads outside the root is
    never read, and not passed over either: the contract it may declare would be."""
    try:
        text = root.read_text(path)
    except OutsideRoot:
        raise ContractError([f"{root.shown(path)}: cannot read it: outside the server root"]) from None
    except Unreadable as exc:
        raise ContractError([f"{root.shown(path)}: cannot read it: {exc}"]) from None
    if text is None:
        return None
    return text, _toml(text, root.shown(path))


@functools.lru_cache(maxsize=256)
def _toml_cached(text: str, shown: str) -> tuple[dict[str, Any] | None, str | None]:
    from ..compat import toml_loads, toml_problem, tomllib

    try:
        return toml_loads(text), None
    except tomllib.TOMLDecodeError as exc:
        return None, toml_problem(exc, shown, text)


def _toml(text: str, shown: str) -> dict[str, Any]:
    data, problem = _toml_cached(text, shown)
    if problem is not None:
        raise ContractError([problem])
    assert data is not None
    return data


@functools.lru_cache(maxsize=256)
def _parsed_cached(text: str, shown: str, prefix: tuple[str, ...]) -> Contract | tuple[str, ...]:
    table: Any = _toml(text, shown)
    for key in prefix:
        table = table.get(key) if isinstance(table, dict) else None
    try:
        return parse(table, shown, text, prefix)
    except ContractError as exc:
        return tuple(exc.problems)


def _parsed(text: str, shown: str, prefix: tuple[str, ...]) -> Contract:
    """The contract in a file's text, parsed once per text (the sidebar asks on every check)."""
    parsed = _parsed_cached(text, shown, prefix)
    if isinstance(parsed, tuple):
        raise ContractError(list(parsed))
    return parsed
