"""One requirement as pip reads it: a requirements file's logical line (with its comments,
options, ``-e`` and bare URLs or paths) or a PEP 508 string (``pyproject.toml``). Shared by the
pins the check reads and by freeze's merging, so both agree on what a line says; a URL or a path
(``pkg @ git+…``, ``-e git+…#egg=pkg``, ``./libs/pkg``, a wheel's URL) is a direct reference,
exact already. ``packaging`` is imported only when a line needs it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .pep503 import normalize

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Requirement:
    """What one requirement (a requirements file's logical line, or a pyproject.toml entry) says."""

    key: str | None = None  # the normalised distribution it is about; None: none (comment, option…)
    direct: bool = False  # left as written: a direct reference, or a line that is not PEP 508
    reference: bool = False  # a URL or a path (``pkg @ git+…``, ``-e …``, ``./libs/pkg``): exact already
    target: str | None = None  # that URL or path
    marker: str | None = None  # its environment marker, normalised
    exact: str | None = None  # the version it pins exactly (``==2.2.2``), if it does
    span: tuple[int, int] | None = None  # where ``name[extras]specifier`` is in the text


# A comment starts at the line's start or after whitespace (``#`` inside a URL is a fragment);
# options (``--hash=…``) after whitespace.
_COMMENT = re.compile(r"(?:^|\s)#")
_OPTION = re.compile(r"\s--?[A-Za-z]")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s*)(?P<target>\S.*)$")
_ARCHIVE = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar")
# A bare URL (``git+https://…``) or path (``./libs/pkg``): a PEP 508 name cannot be followed by
# ``://``, nor start with these characters.
_BARE_LOCATION = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[./~\\]")


def parse_requirement(text: str, *, comments: bool) -> Requirement:
    """Read with ``packaging``, as pip reads it; ``comments``: a requirements file's line (with
    comments, options, ``-e`` and bare URLs or paths), else a PEP 508 string."""
    body = text
    if comments:
        comment = _COMMENT.search(body)
        body = body[: comment.start()] if comment else body
        editable = _EDITABLE.match(body.strip())
        if editable:
            target = _OPTION.split(editable.group("target"), maxsplit=1)[0].strip()
            return Requirement(reference_key(target), direct=True, reference=True, target=target)
        if body.lstrip().startswith("-"):  # -r, -c, --index-url …: about no distribution here
            return Requirement()
        option = _OPTION.search(body)
        body = body[: option.start()] if option else body
    stripped = body.strip()
    if not stripped:
        return Requirement()
    if comments and _BARE_LOCATION.match(stripped):  # no PEP 508 string starts so: packaging need not load
        parsed = None
    else:
        from packaging.requirements import InvalidRequirement
        from packaging.requirements import Requirement as Pep508

        try:
            parsed = Pep508(stripped)
        except InvalidRequirement:
            parsed = None
    name_part = stripped.split(";", 1)[0].rstrip()
    location = "/" in name_part or "\\" in name_part or name_part.startswith((".", "~")) or name_part.endswith(_ARCHIVE)
    if parsed is not None and parsed.url:  # pkg @ git+https://…, pkg @ file:///…
        return Requirement(normalize(parsed.name), direct=True, reference=True, target=parsed.url)
    if comments and location:  # a bare URL or path, as pip takes them: ./libs/pkg, https://…/pkg-1.0-….whl
        target = stripped.split(" ;", 1)[0].strip()
        return Requirement(reference_key(target), direct=True, reference=True, target=target)
    if parsed is None:  # not PEP 508 (a legacy version…): left as written, and never added again
        match = _NAME.match(stripped)
        return Requirement(normalize(match.group(1)) if match else None, direct=True)
    marker = str(parsed.marker) if parsed.marker is not None else None
    specifiers = list(parsed.specifier)
    exact = specifiers[0].version if len(specifiers) == 1 and specifiers[0].operator in ("==", "===") else None
    match = _NAME.match(body)
    end = body.index(";") if ";" in body else len(body)
    end = len(body[:end].rstrip())
    span = (match.start(1), end) if match else None
    return Requirement(normalize(parsed.name), marker=marker, exact=exact, span=span)


def reference_key(target: str) -> str | None:
    """The distribution a URL or path names, as far as its text tells: its ``#egg=`` fragment, a
    wheel's or an sdist's file name, else its last path segment (``git+https://…/org/pkg@v1.2``,
    ``./libs/pkg``)."""
    from urllib.parse import urlsplit

    location, _, fragment = target.partition("#")
    egg = re.search(r"(?:^|&)egg=([A-Za-z0-9][A-Za-z0-9._-]*)", fragment)
    if egg:
        return normalize(egg.group(1))
    path = urlsplit(location).path if "://" in location else location
    segment = re.split(r"[/\\]", path.rstrip("/\\"))[-1]
    if segment.endswith((".whl", ".tar.gz", ".zip")):
        return _archive_key(segment)
    segment = re.sub(r"\[[^\]]*\]$", "", segment.split("@", 1)[0]).removesuffix(".git")
    return normalize(segment) if _NAME.fullmatch(segment) else None


# PEP 427: a wheel's project name is escaped to these (``-`` written ``_``).
_WHEEL_PROJECT = re.compile(r"[\w\d._]*")


def _archive_key(name: str) -> str | None:
    """The distribution a wheel's or an sdist's file name names (None: not a valid one), read as
    ``packaging.utils`` reads it (whose import, with its platform tags, costs more than a check of
    a notebook: the version alone needs ``packaging``)."""
    from packaging.version import InvalidVersion, Version

    if name.endswith(".whl"):
        stem = name[:-4]
        dashes = stem.count("-")
        if dashes not in (4, 5):
            return None
        project, version, *rest = stem.split("-", dashes - 2)
        if "__" in project or not _WHEEL_PROJECT.fullmatch(project) or (dashes == 5 and not rest[0][:1].isdigit()):
            return None
    else:  # .tar.gz or .zip: a PEP 440 version has no dash, so the last one ends the name
        stem = name[:-7] if name.endswith(".tar.gz") else name[:-4]
        project, dash, version = stem.rpartition("-")
        if not dash:
            return None
    try:
        Version(version)
    except InvalidVersion:
        return None
    return normalize(project)


_VCS = ("git+", "hg+", "svn+", "bzr+")


def follows_a_branch(target: str) -> bool:
    """Whether a direct reference is a repository URL with no tag, branch or commit after ``@``
    (``git+https://github.com/org/pkg``): pip then installs whatever its default branch holds
    that day. A file, an archive's URL, a local path or a URL with ``@v1.2`` names one thing."""
    from urllib.parse import urlsplit

    location = target.partition("#")[0]
    if not location.startswith(_VCS):
        return False
    return "@" not in urlsplit(location.split("+", 1)[1]).path  # git+ssh://git@host/…: the user is not a ref
