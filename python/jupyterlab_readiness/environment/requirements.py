"""What a notebook needs installed: the third-party modules it imports and the packages it
installs with pip or conda from its cells (shell escapes, ``%pip``, ``%%bash``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from ..notebook.facts import CellFacts, Magic, cell_facts
from ..notebook.model import Notebook
from ..notebook.names import STDLIB_MODULES


def third_party_modules(notebook: Notebook, is_local: Callable[[str], bool]) -> list[str]:
    """Top-level modules the notebook imports that some distribution must provide: not those it
    imports only under a ``try`` whose handler catches ImportError, since it runs without them."""
    tops = {
        imp.module.split(".")[0]
        for cell in notebook.code_cells()
        for imp in cell_facts(cell.source).imports
        if imp.module and not imp.relative and not imp.optional
    }
    return sorted(top for top in tops if top not in STDLIB_MODULES and not is_local(top))


def installed_names(facts: CellFacts) -> list[str]:
    """The distribution names a cell's pip/conda installs name (versions and extras dropped)."""
    names = []
    for magic in facts.magics:
        for _, _, specs in install_commands(magic):
            names += [name for name in map(spec_name, specs) if name]
    return names


def direct_installs(facts: CellFacts) -> list[tuple[int, str, bool]]:
    """(line in the cell, normalised distribution, whether it follows a branch) for each install
    of a cell from a URL or a path whose distribution its text names: ``pip install 'pkg @
    git+https://…@v1.2'``, ``-e git+…#egg=pkg``, ``./libs/pkg``, a wheel's URL. Exact — pip
    installs what it points to — unless it is a repository URL with no tag or commit."""
    return [(found.line, found.key, found.floating) for found in direct_references(facts)]


class DirectInstall(NamedTuple):
    """One install of a cell from a URL or a path (see direct_installs)."""

    line: int  # in the cell
    key: str  # the normalised distribution
    target: str  # the URL or path, as written (``git+https://…@v1.2#egg=pkg``, ``./libs/pkg``)
    floating: bool  # a repository URL with no tag or commit
    text: str  # the reference as pip reads it: ``pkg[extra] @ git+…``, ``-e git+…``, ``./libs/pkg``

    @property
    def local(self) -> bool:
        """A path on this machine (``./libs/pkg``, ``file:///…``, ``git+file://…``), not a URL
        another machine can install from."""
        scheme, separator, _ = self.target.partition("://")
        return not separator or scheme.rsplit("+", 1)[-1].lower() == "file"


def direct_references(facts: CellFacts) -> list[DirectInstall]:
    """What direct_installs reads, with the URL or path and the reference's text."""
    from .requirement_lines import follows_a_branch, parse_requirement, reference_key

    found = []
    for magic in facts.magics:
        for line, references in _commands(magic, references=True):
            for reference in references:
                requirement = parse_requirement(reference, comments=True)
                if requirement.reference:
                    key, target = requirement.key, requirement.target or reference
                else:
                    key, target = reference_key(reference), reference
                if key:
                    found.append(DirectInstall(line, key, target, follows_a_branch(target), reference))
    return found


def notebook_direct_references(notebook: Notebook) -> list[tuple[int, DirectInstall]]:
    """(cell index, install) of each install from a URL or a path in the notebook, in the cells'
    order (direct_references of each code cell)."""
    return [
        (cell.index, install)
        for cell in notebook.code_cells()
        for install in direct_references(cell_facts(cell.source))
    ]


def spec_name(spec: str) -> str | None:
    """The distribution a pip/conda requirement spec names (``pandas`` of ``pandas[excel]>=2``)."""
    match = _REQUIREMENT_NAME.match(spec)
    return match.group(0) if match else None


# pip/conda options that consume the next token
_VALUE_OPTIONS = frozenset(
    [
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--upgrade-strategy",
        "--progress-bar",
        "--src",
        "-C",
        "--config-settings",
        "--global-option",
        "--no-binary",
        "--only-binary",
        "--trusted-host",
        "--proxy",
        "--retries",
        "--timeout",
        "--log",
        "--cache-dir",
        "--report",
        "-n",
        "--name",
        "-p",
        "--channel",
        "--override-channels",
        "--file",
    ]
)
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
# > log, >>log, 2>/dev/null, 2>&1, &>x, < input: group 1 is what follows the operator, if glued
_REDIRECT = re.compile(r"^(?:\d*|&)(?:>>?|<)(.*)$")


def install_commands(magic: Magic) -> Iterator[tuple[int, str, list[str]]]:
    """(line in the cell, "pip" | "conda", requirement specs) for each install a magic runs."""
    yield from _commands(magic)


def _commands(magic: Magic, *, references: bool = False) -> Iterator[Any]:
    """What ``install_commands`` yields; with ``references``, (line, the URLs and paths each pip
    install names, with ``pkg @`` before a URL and ``-e`` before an editable one) instead."""
    if magic.kind == "line" and magic.name in ("pip", "conda", "mamba"):
        lines = [(magic.line, f"{magic.name} {magic.args}")]
    elif magic.kind == "shell":
        lines = [(magic.line, magic.args)]
    elif magic.kind == "cell" and magic.name in ("bash", "sh", "script", "system"):
        lines = [(magic.line + 1 + i, text) for i, text in enumerate(magic.body.splitlines())]
    else:
        return
    import shlex  # here, not at start-up: only shell lines get this far

    for line, text in lines:
        if "install" not in text:  # every install names it (`pip install`, `conda install` …): no shell split
            continue
        text = _without_comment(text)
        try:
            tokens = shlex.split(text)
        except ValueError:
            tokens = text.split()
        if references:
            for tool, _, found in _installs_in(_split_separators(tokens), references=True):
                if tool == "pip" and found:
                    yield line, found
            continue
        for tool, specs, _ in _installs_in(_split_separators(tokens)):
            yield line, tool, specs


def _without_comment(text: str) -> str:
    """The shell line before its comment: a ``#`` that starts a word, outside quotes (shlex would
    also cut at the ``#`` of ``git+https://…#egg=pkg``, and lose what follows)."""
    if "#" not in text:
        return text
    quote = ""
    escaped = False
    word_start = True
    for index, char in enumerate(text):
        literal = escaped
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and word_start:
            return text[:index]
        word_start = not quote and not literal and char.isspace()
    return text


def _split_separators(tokens: list[str]) -> list[str]:
    # shlex keeps "pkg==1;" as one word: split a trailing ";" or "&" off so it ends the command.
    out: list[str] = []
    for token in tokens:
        if len(token) > 1 and token[-1] in ";&" and not token.endswith("&&"):
            out.extend((token[:-1], token[-1]))
        else:
            out.append(token)
    return out


def _installs_in(tokens: list[str], *, references: bool = False) -> Iterator[tuple[str, list[str], list[str]]]:
    """(tool, requirement specs, URLs and paths: only with ``references``) of each install."""
    i = 0
    while i < len(tokens):
        tool = _tool(tokens, i)
        if tool is None:
            i += 1
            continue
        tool_name, install_at = tool
        if install_at >= len(tokens) or tokens[install_at] != "install":
            i += 1
            continue
        specs: list[str] = []
        found: list[str] = []
        j = install_at + 1
        while j < len(tokens) and tokens[j] not in _SEPARATORS:
            token = tokens[j]
            redirect = _REDIRECT.match(token)
            if redirect:
                j += 1 if redirect.group(1) else 2  # "2>/dev/null" is whole; "> log" takes the next word
                continue
            if token.startswith("-"):
                if references and token in ("-e", "--editable") and j + 1 < len(tokens):
                    found.append(f"-e {tokens[j + 1]}")
                elif references and token.startswith("--editable="):
                    found.append(f"-e {token.partition('=')[2]}")
                j += 2 if token in _VALUE_OPTIONS else 1
                continue
            if _direct_reference_at(tokens, j):
                width = 3 if tokens[j + 1] == "@" else 2  # pkg @ git+https://…, unquoted: a URL, not pkg's spec
                if references:
                    found.append(" ".join(tokens[j : j + width]))
                j += width
                continue
            if not _is_path_or_url(token) and not token.startswith(("$", "{")):
                specs.append(token)
            elif references and not token.startswith(("$", "{")):
                found.append(token)
            j += 1
        if specs or found:
            yield tool_name, specs, found
        i = j


def _tool(tokens: list[str], i: int) -> tuple[str, int] | None:
    """("pip", index of "install") when a pip/conda invocation starts at token i."""
    token = tokens[i].rsplit("/", 1)[-1]
    if token in ("pip", "pip3") or token.startswith("pip3."):
        return "pip", i + 1
    if token in ("conda", "mamba", "micromamba"):
        return "conda", i + 1
    if (
        i + 2 < len(tokens)
        and tokens[i + 1] == "-m"
        and tokens[i + 2] == "pip"
        and ("python" in token or "executable" in token)
    ):
        return "pip", i + 3
    if token in ("uv",) and i + 2 < len(tokens) and tokens[i + 1] == "pip":
        return "pip", i + 2
    return None


def _direct_reference_at(tokens: list[str], j: int) -> bool:
    """Whether ``tokens[j]`` is the name of a PEP 508 direct reference the shell split into words
    (``pkg @ url``, ``pkg @url``)."""
    return j + 1 < len(tokens) and (tokens[j + 1] == "@" or tokens[j + 1].startswith("@")) and tokens[j] != "@"


def _is_path_or_url(token: str) -> bool:
    # pip reads a name with a slash as a path (`libs/pkg`); a marker after ";" may hold one
    requirement = token.split(";", 1)[0]
    return (
        "://" in token
        or token.startswith((".", "/", "~"))
        or "/" in requirement
        or "\\" in requirement
        or requirement.endswith((".whl", ".tar.gz", ".zip"))
        or requirement.rstrip().endswith("@")
    )


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


# pandas' optional dependencies a call names by itself: pandas imports them when the call runs, so
# the notebook never imports them. (method, file suffix or None) → module; an ``engine=`` keyword
# names the module instead (through _ENGINES).
_PANDAS_OPTIONAL = {
    ("read_parquet", None): "pyarrow",
    ("to_parquet", None): "pyarrow",
    ("read_feather", None): "pyarrow",
    ("to_feather", None): "pyarrow",
    ("read_orc", None): "pyarrow",
    ("to_orc", None): "pyarrow",
    ("read_excel", None): "openpyxl",
    ("read_excel", ".xls"): "xlrd",
    ("read_excel", ".ods"): "odf",
    ("read_excel", ".xlsb"): "pyxlsb",
    ("to_excel", None): "openpyxl",
    ("to_excel", ".ods"): "odf",
    ("ExcelWriter", None): "openpyxl",
    ("read_html", None): "lxml",
    ("read_xml", None): "lxml",
    ("to_xml", None): "lxml",
    ("to_markdown", None): "tabulate",
    ("read_hdf", None): "tables",
    ("to_hdf", None): "tables",
    ("HDFStore", None): "tables",
}
_ENGINES = {"pyarrow": "pyarrow", "fastparquet": "fastparquet", "openpyxl": "openpyxl", "xlsxwriter": "xlsxwriter"}
_ENGINES |= {"xlrd": "xlrd", "odf": "odf", "pyxlsb": "pyxlsb", "calamine": "python_calamine", "lxml": "lxml"}
# interpolate(method=...) values that need SciPy.
_SCIPY_METHODS = frozenset(
    {"krogh", "piecewise_polynomial", "spline", "pchip", "akima", "cubicspline", "from_derivatives"}
    | {"nearest", "zero", "slinear", "quadratic", "cubic", "barycentric", "polynomial"}
)


def optional_modules(notebook: Notebook) -> list[str]:
    """Modules a notebook that imports pandas needs without importing them: the optional
    dependencies its pandas calls name (``read_parquet`` → pyarrow, ``to_excel`` → openpyxl,
    ``interpolate(method="cubic")`` → scipy). Only what the call itself says: never a guess about
    what a value computed at run time selects."""
    cells = [cell_facts(cell.source) for cell in notebook.code_cells()]
    if not any(imp.module and imp.module.split(".")[0] == "pandas" for facts in cells for imp in facts.imports):
        return []
    found: set[str] = set()
    for facts in cells:
        for call in facts.calls:
            method = call.parts[-1] if call.parts else None
            if method == "interpolate":
                kind = call.kwargs.get("method")
                if isinstance(kind, str) and kind in _SCIPY_METHODS:
                    found.add("scipy")
                continue
            if (method, None) not in _PANDAS_OPTIONAL:
                continue
            engine = call.kwargs.get("engine")
            if isinstance(engine, str):
                if engine in _ENGINES:
                    found.add(_ENGINES[engine])
                continue
            path = call.args[0] if call.args and isinstance(call.args[0], str) else ""
            suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else None
            found.add(_PANDAS_OPTIONAL.get((method, suffix), _PANDAS_OPTIONAL[(method, None)]))
    return sorted(found)
