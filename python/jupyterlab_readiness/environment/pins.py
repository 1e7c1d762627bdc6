"""Exact version pins declared in the project files around a notebook.

Only an exact version counts as a pin (``==1.2.3``, ``===1.2.3``, conda ``=1.2.3``, or any entry of
a lock file): a range still lets tomorrow's run install something the author never ran. A direct
reference (``pkg @ git+…@v1.2``, ``-e git+…#egg=pkg``, ``./libs/pkg``, a wheel's URL) names
exactly what pip installs: it counts too (``PinSet.direct``).
Parsing never raises; a file that cannot be read, or is not valid TOML, JSON or YAML, is reported
in ``PinSet.errors`` (where and why, never the file's content), and its pins are not counted.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

# packaging is imported inside the parsers: only a folder that has pin files pays for it.
if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

from .pep503 import normalize

LOCK_NAME = "requirements-lock.txt"  # what freeze --lock writes, and a pin file like any other


class PinError(NamedTuple):
    """A pin file that could not be read: its path (absolute), the line when the parser gives one,
    and why — never the file's content."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return self.shown(self.file)

    def shown(self, name: str) -> str:
        """``name:line: reason`` (or ``name: reason``), as editors and CI logs link it."""
        return f"{name}:{self.line}: {self.reason}" if self.line is not None else f"{name}: {self.reason}"

    def name_from(self, directory: Path, ceiling: Path | None = None) -> str:
        return file_shown(self.file, directory, ceiling)


def file_shown(file: str, directory: Path, ceiling: Path | None = None) -> str:
    """A pin file relative to ``directory`` ('/'-separated: ``../requirements.txt`` is not the
    notebook's own ``requirements.txt``); only its name when it is outside ``ceiling`` (a server's
    root: no server path in a reply)."""
    path = Path(file)
    if ceiling is not None and not path.is_relative_to(ceiling):
        return path.name
    try:
        return Path(os.path.relpath(path, Path(directory).resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.name


class PinSet(NamedTuple):
    """Exact pins (normalised distribution -> version), the files read, the files that failed and
    the distributions named by a direct reference (a URL or a path: exact, with no version)."""

    pins: Mapping[str, str] = MappingProxyType({})
    files: tuple[str, ...] = ()
    errors: tuple[PinError, ...] = ()
    direct: frozenset[str] = frozenset()
    # named by a repository URL with no tag or commit (``git+https://…/pkg``): not a pin, pip
    # installs whatever the default branch holds (and freeze cannot pin it from an index)
    floating: frozenset[str] = frozenset()

    def pinned(self, dist: str) -> bool:
        key = normalize(dist)
        return key in self.pins or key in self.direct

    def version(self, dist: str) -> str | None:
        return self.pins.get(normalize(dist))


# (path, mtime_ns, size); (path, -1, -1) records that a file was absent.
_Signature = tuple[str, int, int]


def _signature(path: Path) -> _Signature:
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


class _Parse:
    """What parsing one pin file (and the files it includes) produced."""

    __slots__ = ("ceiling", "direct", "errors", "files", "floating", "pins", "signatures")

    def __init__(self, ceiling: Path | None = None) -> None:
        self.ceiling = ceiling  # nothing outside it is read (a server's root)
        self.pins: dict[str, str] = {}
        self.direct: set[str] = set()
        self.floating: set[str] = set()
        self.files: list[str] = []
        self.errors: list[PinError] = []
        self.signatures: list[_Signature] = []

    def read_text(self, path: Path, included_by: Path | None = None) -> str | None:
        # Stat before reading: a write racing the read then leaves a stale signature that
        # forces a re-parse next time, instead of caching old content under the new signature.
        self.signatures.append(_signature(path))
        by = f" (included by {included_by.name})" if included_by is not None else ""
        try:
            real = path.resolve()
        except RuntimeError:  # a link that loops (Python < 3.13; later ones say so at the stat)
            self.error(path, f"{os.strerror(errno.ELOOP)}{by}")
            return None
        if self.ceiling is not None and not real.is_relative_to(self.ceiling):
            self.error(path, f"outside the server root: not read{by}")
            return None
        try:
            info = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            self.error(path, f"no such file{by}")
            return None
        except OSError as exc:
            self.error(path, f"{exc.strerror or type(exc).__name__}{by}")
            return None
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the reader for ever
            self.error(path, f"not a regular file{by}")
            return None
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            self.error(path, f"{reason or type(exc).__name__}{by}")
            return None
        self.files.append(str(path))
        return text

    def pin(self, name: str, version: str) -> None:
        # The first pin seen for a name wins, matching the nearest-file-first merge.
        self.pins.setdefault(normalize(name), version)

    def reference(self, name: str, target: str | None = None) -> None:
        """A direct reference to ``name``: exact, though it has no version — unless ``target`` is a
        repository URL with no tag or commit, which follows a branch."""
        from .requirement_lines import follows_a_branch

        floating = target is not None and follows_a_branch(target)
        (self.floating if floating else self.direct).add(normalize(name))

    def error(self, path: Path, reason: str, line: int | None = None) -> None:
        self.errors.append(PinError(str(path), line, reason))

    def failed(self, path: Path, reason: str, line: int | None = None) -> None:
        """``path`` was read but cannot be parsed: an error, and not a file whose pins count."""
        self.error(path, reason, line)
        if str(path) in self.files:
            self.files.remove(str(path))


# ---------------------------------------------------------------------------------------------
# Requirement strings and requirements files

_COMMENT = re.compile(r"(^|\s+)#.*$")
# -r includes and -c constraints are both followed: an exact constraint pins what pip installs.
_INCLUDE = re.compile(r"^(?:-[rc]\s*|--(?:requirement|constraint)(?:\s*=\s*|\s+))(?P<path>\S.*)$")
_TRAILING_OPTIONS = re.compile(r"\s+--?[A-Za-z].*$")


def _exact_version(specifier: SpecifierSet) -> str | None:
    for spec in specifier:
        if spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*")):
            return spec.version
    return None


# The usual line, ``name==1.2.3``: what packaging returns for it, without importing packaging (the
# import costs a CI run more than checking a few notebooks). Anything else goes to packaging.
_SIMPLE_PIN = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)[ \t]*==[ \t]*([0-9]+(?:\.[0-9]+)*)[ \t]*")


def _requirement_pin(text: str) -> tuple[str, str] | None:
    """``(name, version)`` when the PEP 508 string ``text`` pins an exact version."""
    simple = _SIMPLE_PIN.fullmatch(text)
    if simple is not None:
        return simple.group(1), simple.group(2)
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    version = None if req.url else _exact_version(req.specifier)
    return (req.name, version) if version else None


def _logical_lines(text: str) -> Iterator[str]:
    """pip's line handling: backslash continuations joined, then comments stripped."""
    pending = ""
    for line in text.splitlines():
        if line.endswith("\\") and not _COMMENT.match(line):
            pending += line[:-1]
            continue
        yield _COMMENT.sub("", pending + line).strip()
        pending = ""
    if pending:
        yield _COMMENT.sub("", pending).strip()


# What may be a direct reference (a URL, a path, ``-e``, ``pkg @ …``, an archive's file name): only
# such a line is given to the full reader, the common ``name==1.2.3`` never is.
_MAYBE_REFERENCE = re.compile(r"^(?:-e\b|--editable\b|[.~])|[/\\@]|\.(?:whl|zip|tar|tgz|gz|bz2)\b")


def _requirements_line(line: str, base: Path, parse: _Parse, seen: set[Path], file: Path | None = None) -> None:
    include = _INCLUDE.match(line)
    if include:
        target = include.group("path").strip()
        if "://" not in target:
            _requirements_file(base / target, parse, seen, file)
        return
    if not line:
        return
    if _MAYBE_REFERENCE.search(line) and not _SIMPLE_PIN.fullmatch(line):
        from .requirement_lines import parse_requirement

        requirement = parse_requirement(line, comments=True)
        if requirement.reference:
            if requirement.key:
                parse.reference(requirement.key, requirement.target)
            return
    if line.startswith("-"):  # --index-url, --hash … carry no pin
        return
    pin = _requirement_pin(_TRAILING_OPTIONS.sub("", line))
    if pin:
        parse.pin(*pin)


def _named(path: Path) -> Path:
    """``path`` with its folder's links resolved, not its own: "../x.txt" and "./x.txt" name one
    file, and a pin file that is a link is named as the project names it (what it leads to may be
    outside the root, or nowhere)."""
    try:
        return path.parent.resolve() / path.name
    except RuntimeError:  # a folder on the way loops: read_text says so
        return path


def _real(path: Path) -> Path:
    """The file ``path`` leads to, for the cycle guard (itself when it loops)."""
    try:
        return path.resolve()
    except RuntimeError:
        return path


def _requirements_file(path: Path, parse: _Parse, seen: set[Path], included_by: Path | None = None) -> None:
    path = _named(path)
    if _real(path) in seen:  # pip would recurse forever on a cycle; reading each file once is enough
        return
    seen.add(_real(path))
    text = parse.read_text(path, included_by)
    if text is None:
        return
    for line in _logical_lines(text):
        _requirements_line(line, path.parent, parse, seen, path)


def _parse_requirements(path: Path, parse: _Parse) -> None:
    _requirements_file(path, parse, set())


def included_names(path: Path, text: str, ceiling: Path | None = None) -> frozenset[str]:
    """The distributions (normalised) that the files the requirements ``text`` of ``path``
    includes with ``-r``/``-c``, and what those include, pin exactly or name by a direct reference
    (``-e git+…#egg=pkg``); not ``text``'s own lines."""
    parse = _Parse(ceiling)
    seen = {_real(path)}
    for line in _logical_lines(text):
        include = _INCLUDE.match(line)
        if include and "://" not in include.group("path"):
            _requirements_file(path.parent / include.group("path").strip(), parse, seen, path)
    return frozenset(parse.pins) | frozenset(parse.direct) | frozenset(parse.floating)


# ---------------------------------------------------------------------------------------------
# TOML and JSON manifests and lock files


def _read_toml(path: Path, parse: _Parse) -> dict[str, Any] | None:
    text = parse.read_text(path)
    if text is None:
        return None
    from ..compat import toml_loads, toml_place, tomllib  # here, not at start-up: most folders have no TOML to read

    try:
        return toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, reason = toml_place(exc, text)
        parse.failed(path, reason, line)
        return None


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _array(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _pin_requirement_strings(items: list[Any], parse: _Parse) -> None:
    for item in items:
        # Non-strings are PEP 735 ``{include-group = …}`` tables: the group is read on its own.
        if not isinstance(item, str):
            continue
        pin = _requirement_pin(item)
        if pin:
            parse.pin(*pin)
        elif "@" in item:  # pkg @ git+https://…: a direct reference
            from .requirement_lines import parse_requirement

            requirement = parse_requirement(item, comments=False)
            if requirement.reference and requirement.key:
                parse.reference(requirement.key, requirement.target)


# The keys of a Poetry, Pipfile or lock entry that install from somewhere else than an index: a
# direct reference, exact with no version.
_SOURCE_KEYS = frozenset({"git", "hg", "svn", "bzr", "path", "file", "url", "directory", "editable", "vcs", "archive"})


def _manifest_target(entry: dict[str, Any]) -> str | None:
    """A Poetry or Pipfile entry's repository, as a URL that says whether it names a revision."""
    for vcs in ("git", "hg", "svn", "bzr"):
        if isinstance(entry.get(vcs), str):
            ref = next((entry[k] for k in ("rev", "tag", "branch", "ref") if isinstance(entry.get(k), str)), None)
            return f"{vcs}+{entry[vcs]}" + (f"@{ref}" if ref else "")
    return None


def _from_source(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    return not _SOURCE_KEYS.isdisjoint(entry) or not _SOURCE_KEYS.isdisjoint(_table(entry.get("source")))


def _poetry_exact(constraint: object) -> str | None:
    """Poetry's exact forms: ``"1.2.3"``, ``"==1.2.3"`` or ``{version = "1.2.3"}``."""
    if isinstance(constraint, dict):
        constraint = constraint.get("version")
    if not isinstance(constraint, str):
        return None
    match = re.fullmatch(r"\s*(?:==?)?\s*(\S+)\s*", constraint)
    if not match:
        return None
    from packaging.version import InvalidVersion, Version

    try:
        Version(match.group(1))  # rejects ^, ~, *, ranges and wildcards
    except InvalidVersion:
        return None
    return match.group(1)


def _pin_poetry_table(dependencies: dict[str, Any], parse: _Parse) -> None:
    for name, constraint in dependencies.items():
        version = _poetry_exact(constraint)
        if version and name != "python":
            parse.pin(name, version)
        elif _from_source(constraint):
            parse.reference(name, _manifest_target(constraint))


def _parse_pyproject(path: Path, parse: _Parse) -> None:
    data = _read_toml(path, parse)
    if data is None:
        return
    project = _table(data.get("project"))
    _pin_requirement_strings(_array(project.get("dependencies")), parse)
    for extra in _table(project.get("optional-dependencies")).values():
        _pin_requirement_strings(_array(extra), parse)
    for group in _table(data.get("dependency-groups")).values():
        _pin_requirement_strings(_array(group), parse)

    poetry = _table(_table(data.get("tool")).get("poetry"))
    _pin_poetry_table(_table(poetry.get("dependencies")), parse)
    _pin_poetry_table(_table(poetry.get("dev-dependencies")), parse)
    for group in _table(poetry.get("group")).values():
        _pin_poetry_table(_table(_table(group).get("dependencies")), parse)


def _pipfile_exact(constraint: object) -> str | None:
    if isinstance(constraint, dict):
        constraint = constraint.get("version")
    if not isinstance(constraint, str):
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return _exact_version(SpecifierSet(constraint))
    except InvalidSpecifier:  # "*" and garbage
        return None


def _parse_pipfile(path: Path, parse: _Parse) -> None:
    data = _read_toml(path, parse)
    if data is None:
        return
    for section in ("packages", "dev-packages"):
        for name, constraint in _table(data.get(section)).items():
            version = _pipfile_exact(constraint)
            if version:
                parse.pin(name, version)
            elif _from_source(constraint):
                parse.reference(name, _manifest_target(constraint))


def _parse_pipfile_lock(path: Path, parse: _Parse) -> None:
    text = parse.read_text(path)
    if text is None:
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        parse.failed(path, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
        return
    for section in ("default", "develop"):
        for name, entry in _table(_table(data).get(section)).items():
            version = _table(entry).get("version")
            if isinstance(version, str):
                parse.pin(name, version.removeprefix("===").removeprefix("=="))
            elif _from_source(entry):  # VCS and path entries have no version
                parse.reference(name)


def _toml_lock_parser(array_key: str) -> Callable[[Path, _Parse], None]:
    """uv.lock and poetry.lock list ``[[package]]``, PEP 751 pylock.toml ``[[packages]]``."""

    def parse_lock(path: Path, parse: _Parse) -> None:
        data = _read_toml(path, parse)
        if data is None:
            return
        for package in _array(data.get(array_key)):
            name, version = _table(package).get("name"), _table(package).get("version")
            if isinstance(name, str) and isinstance(version, str):
                parse.pin(name, version)
            elif isinstance(name, str) and _from_source(package):  # a path or VCS entry
                parse.reference(name)

    return parse_lock


# ---------------------------------------------------------------------------------------------
# Conda environment files: a line-based reader for the one shape that matters, because PyYAML
# may not be installed where the linter runs.

# name, then "=v", "==v" or " v", then an optional build ("=py311_0" or " py311_0").
_CONDA_SPEC = re.compile(
    r"(?:\S+::)?(?P<name>[A-Za-z0-9_.\-]+)(?:\s*==?\s*|\s+)(?P<version>[^\s=<>!,|*]+)"
    r"(?:(?:=|\s+)\S+)?"
)
# conda-forge names whose PyPI distribution is called something else.
_CONDA_TO_PYPI = {
    "pytorch": "torch",
    "matplotlib-base": "matplotlib",
    "py-opencv": "opencv-python",
    "opencv": "opencv-python",
    "py-xgboost": "xgboost",
}


def _strip_yaml_comment(line: str) -> str:
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].strip()
    return text


def _conda_pin(spec: str, parse: _Parse) -> None:
    match = _CONDA_SPEC.fullmatch(spec)
    if not match:
        return
    name, version = normalize(match.group("name")), match.group("version")
    parse.pin(name, version)
    if name in _CONDA_TO_PYPI:
        parse.pin(_CONDA_TO_PYPI[name], version)


def _yaml_problem(text: str) -> tuple[int | None, str] | None:
    """(line, why) when ``text`` is not valid YAML (conda would refuse the file); None when it is,
    or when PyYAML is not installed here to tell."""
    try:
        import yaml
    except ImportError:
        return None
    try:
        yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"not valid YAML: {exc.problem or exc.context or 'a syntax error'}"
        return (mark.line + 1, f"{what} (column {mark.column + 1})") if mark else (None, what)
    except yaml.YAMLError:
        return None, "not valid YAML"
    return None


def _parse_environment(path: Path, parse: _Parse) -> None:
    text = parse.read_text(path)
    if text is None:
        return
    problem = _yaml_problem(text)
    if problem is not None:
        parse.failed(path, problem[1], problem[0])
        return
    in_dependencies = False
    pip_indent: int | None = None  # indentation of the "- pip:" item while inside its list
    for raw in text.splitlines():
        line = _strip_yaml_comment(raw)
        body = line.lstrip()
        if not body:
            continue
        indent = len(line) - len(body)
        if indent == 0 and not body.startswith("-"):
            in_dependencies = _unquote(body.partition(":")[0]) == "dependencies"
            pip_indent = None
            continue
        if not in_dependencies or not body.startswith("- "):
            continue
        item = _unquote(body[2:])
        if pip_indent is not None and indent > pip_indent:
            _requirements_line(item, path.parent, parse, {path}, path)
        elif re.fullmatch(r"""['"]?pip['"]?\s*:""", item):
            pip_indent = indent
        else:
            pip_indent = None
            _conda_pin(item, parse)


# ---------------------------------------------------------------------------------------------
# Discovery and caching

_LOCK_PARSERS: dict[str, Callable[[Path, _Parse], None]] = {
    "Pipfile.lock": _parse_pipfile_lock,
    "poetry.lock": _toml_lock_parser("package"),
    "uv.lock": _toml_lock_parser("package"),
    "pylock.toml": _toml_lock_parser("packages"),
}
_MANIFEST_PARSERS: dict[str, Callable[[Path, _Parse], None]] = {
    "pyproject.toml": _parse_pyproject,
    "Pipfile": _parse_pipfile,
    "environment.yml": _parse_environment,
    "environment.yaml": _parse_environment,
}


def _parser_for(name: str) -> Callable[[Path, _Parse], None] | None:
    parser = _LOCK_PARSERS.get(name) or _MANIFEST_PARSERS.get(name)
    if parser:
        return parser
    # fnmatch's "pylock.*.toml" (PEP 751 named lock files) and "requirements*.txt", spelled out:
    # every entry of every folder searched is asked, and a match costs several times as much.
    if name.startswith("pylock.") and name.endswith(".toml") and len(name) >= len("pylock..toml"):
        return _LOCK_PARSERS["pylock.toml"]
    if name.startswith("requirements") and name.endswith(".txt"):
        return _parse_requirements
    return None


def is_pin_file(name: str) -> bool:
    """Whether a file of this name in a notebook's folder (or above) is read for its pins
    (``requirements/*.txt`` aside)."""
    return _parser_for(name) is not None


def _rank(path: Path) -> tuple[int, str]:
    # Within one folder, lock files first: they state what was actually installed.
    is_lock = _parser_for(path.name) in _LOCK_PARSERS.values()
    return (0 if is_lock else 1, str(path))


def _listdir(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:  # absent, or not a directory
        return []


def _mtime(folder: Path) -> int | None:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


# Each folder's pin files, valid while the folder and its requirements/ keep their mtime (adding,
# removing or renaming an entry changes it): a folder of many notebooks is listed once, not once
# per notebook.
_listings: dict[Path, tuple[tuple[int | None, int | None], list[Path]]] = {}


def _pin_files(directory: Path) -> list[Path]:
    requirements_dir = directory / "requirements"
    stamp = (_mtime(directory), _mtime(requirements_dir))
    cached = _listings.get(directory)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    found = [directory / name for name in _listdir(directory) if _parser_for(name)]
    found += [requirements_dir / n for n in _listdir(requirements_dir) if n.endswith(".txt")]
    # Every entry by a pin file's name, a file or not: one that cannot be read (a FIFO, a folder, a
    # link that loops or leads nowhere) is reported by the parse, never passed over.
    files = sorted(found, key=_rank)
    # A change in the same clock tick as the listing would keep the mtime: only a folder left
    # alone for a while is cached (git's "racily clean" rule).
    if all(t is None or time.time_ns() - t > 2_000_000_000 for t in stamp):
        _listings[directory] = (stamp, files)
    return files


class _FileResult(NamedTuple):
    pins: Mapping[str, str]
    files: tuple[str, ...]
    errors: tuple[PinError, ...]
    signatures: tuple[_Signature, ...]
    direct: frozenset[str]
    floating: frozenset[str]


# One entry per pin file (and ceiling), valid while every file it read keeps its (mtime_ns, size):
# a server checks many notebooks of one folder, and a user editing requirements.txt must see it
# re-read.
_cache: dict[tuple[Path, Path | None], _FileResult] = {}


def _parse_file(path: Path, ceiling: Path | None) -> _FileResult:
    cached = _cache.get((path, ceiling))
    if cached and all(_signature(Path(sig[0])) == sig for sig in cached.signatures):
        return cached
    parser = _parser_for(path.name) or _parse_requirements  # requirements/*.txt
    parse = _Parse(ceiling)
    try:
        parser(path, parse)
    except Exception as exc:  # noqa: BLE001 - a linter must survive any malformed project file
        # the exception's type only: its message may quote the file
        parse.failed(path, f"could not be parsed ({type(exc).__name__})")
    result = _FileResult(
        MappingProxyType(parse.pins),
        tuple(parse.files),
        tuple(parse.errors),
        tuple(parse.signatures),
        frozenset(parse.direct),
        frozenset(parse.floating),
    )
    _cache[(path, ceiling)] = result
    return result


def search_dirs(start_dir: Path, ceiling: Path | None = None) -> list[Path]:
    """``start_dir`` and its parents up to the repository root; only ``start_dir`` without one.
    With a ``ceiling`` (a server's root), never above it: the ceiling ends the search like a
    repository root."""
    chain = []
    for directory in (start_dir, *start_dir.parents):
        if ceiling is not None and not directory.is_relative_to(ceiling):
            return chain or [start_dir]
        chain.append(directory)
        if directory == ceiling or (directory / ".git").exists() or (directory / ".hg").exists():
            return chain
    return [start_dir]


def find_pins(start_dir: Path, ceiling: Path | None = None) -> PinSet:
    """Exact pins from the pin files in ``start_dir`` and its parents up to the repository root
    (and no higher than ``ceiling``, where a file above it is never read, includes included).

    The nearest file wins when two pin the same distribution differently.
    """
    pins: dict[str, str] = {}
    files: dict[str, None] = {}
    errors: dict[PinError, None] = {}
    direct: set[str] = set()
    floating: set[str] = set()
    for directory in search_dirs(Path(start_dir).resolve(), ceiling):
        for path in _pin_files(directory):
            result = _parse_file(path, ceiling)
            for name, version in result.pins.items():
                pins.setdefault(name, version)
            files.update(dict.fromkeys(result.files))
            errors.update(dict.fromkeys(result.errors))
            direct |= result.direct
            floating |= result.floating
    return PinSet(MappingProxyType(pins), tuple(files), tuple(errors), frozenset(direct), frozenset(floating))
