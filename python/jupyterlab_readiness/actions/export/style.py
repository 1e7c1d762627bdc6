"""Export to package, the last pass over the generated Python files: each must compile, and the
package passes ``ruff check`` and ``ruff format --check`` with ruff's default rules.

The templates are written in ruff's style, but ``steps.py`` holds the notebook's own code, which
only ruff itself can format as ruff does. So when ruff is installed where the export runs (it is in
the notebook environments the benchmark and the tests use), the files are run through it in a
scratch folder: formatted, then imports sorted (``I`` fixes only: removing an "unused" import
could drop one the notebook imports for its side effects) by the pass that checks them (ruff sorts
imports in the formatter's style: two processes rather than three, the same bytes).
What ``ruff check`` still reports in code copied from the notebook (an ambiguous name ``l``, a
variable the notebook never reads) is the notebook's own style: those rules are named in a
file-level ``# ruff: noqa:`` line, with the reason. An undefined name in the code the export wrote
itself (``pipeline.py``, ``cli.py``, ``parameters.py``) is a bug of the export: the plan is
refused rather than write a package that fails at run time.

The compilation (``actions/compiling.py``: a large module is compiled by a process of its own, so
the server's other requests are not kept waiting) and ruff's two passes (one small driver process
runs them back to back, on copies in a scratch folder) run side by side. A large ``steps.py`` is
compiled earlier still, piece by piece while its sections are extracted (``compiling.Pieces``):
only what its pieces do not cover is compiled here.

Deterministic for one ruff version: exporting twice gives the same bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..compiling import Compilation, Pieces
from ..errors import ExportRefused

# Rules ruff reports in the notebook's code that the export leaves as the notebook wrote it.
NOQA_REASON = "the notebook's own code, kept as it ran"
_TIMEOUT = 60
# The package's modules the export writes itself (steps.py holds the notebook's code, and the
# notebook's own modules are copied as they are).
GENERATED_MODULES = (
    *("__init__", "__main__", "parameters", "pipeline", "cli", "displays"),
    *("schemas", "thresholds", "alerts"),
)


def ruff_binary() -> str | None:
    """The ruff executable beside this Python (the ``ruff`` distribution), else on PATH."""
    candidate = Path(sys.executable).parent / "ruff"
    if candidate.is_file():
        return str(candidate)
    try:
        from ruff.__main__ import find_ruff_bin  # optional: only where ruff is installed

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


# Formats, then sorts the imports and checks in one pass, printing the check's JSON report (the
# second pass starts as soon as the first ends). argv: the ruff executable, each pass's timeout,
# the check's arguments.
_RUFF = """
import subprocess as run, sys
ruff, timeout, check = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
try:
    code = run.call([ruff, "format", "--isolated", "--no-cache", "--quiet", "."], timeout=timeout)
    sys.exit(code if code not in (0, 1) else run.call([ruff, "check", *check], timeout=timeout))
except run.TimeoutExpired:
    sys.exit(124)
"""


def _start_ruff(ruff: str, folder: Path, check: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _RUFF, ruff, str(_TIMEOUT), *check],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> str | Exception:
    """What ruff's passes printed, or why they printed nothing usable (they failed or ran out of
    time)."""
    try:
        out, err = process.communicate(timeout=2 * _TIMEOUT + 10)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        return exc
    if process.returncode not in (0, 1):
        return subprocess.SubprocessError(err.strip()[:200])
    return out


def _refuse_unless_compiled(compilation: Compilation) -> None:
    failure = compilation.failure()
    if failure is not None:
        raise ExportRefused(
            f"Could not generate a valid module ({failure.name}: {failure.message}, line {failure.line}); "
            "nothing was written. Please report this."
        )


def _ruff_failed(exc: Exception) -> str:
    return f"ruff failed on the generated files ({type(exc).__name__}): they were not formatted."


def styled(
    files: dict[str, str],
    package: str,
    meanwhile: Callable[[], None] = lambda: None,
    pieces: dict[str, Pieces] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The files with their Python ones sorted, formatted and checked by ruff, and warnings. Raises
    ExportRefused when a module does not compile, or when a module the export wrote uses a name it
    does not define. ``meanwhile()`` runs while ruff and the compiler work. ``pieces``: {file: the
    Pieces it was made of, compiled while it was made}."""
    ruff = ruff_binary()
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    if ruff is None:
        compilation = Compilation(python, pieces)
        meanwhile()
        _refuse_unless_compiled(compilation)
        return files, ["ruff is not installed here: the generated files were not formatted with it."]
    config = ["--isolated", "--no-cache", "--config", f"lint.isort.known-first-party=['{package}']"]
    check = [*config, "--extend-select", "I", "--fixable", "I", "--fix", "--output-format", "json", "--exit-zero", "."]
    with tempfile.TemporaryDirectory(prefix="readiness-export-") as scratch:
        folder = Path(scratch)
        for path, text in python.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        compilation = Compilation(python, pieces)  # of the texts, not of the files ruff rewrites meanwhile
        try:
            started = _start_ruff(ruff, folder, check)
            meanwhile()
            report = _finish(started)
        except OSError as exc:
            report = exc
        finally:
            # (a module that does not compile refuses the plan once ruff is done with the scratch folder)
            _refuse_unless_compiled(compilation)
        if isinstance(report, Exception):
            return files, [_ruff_failed(report)]
        texts = {path: (folder / path).read_text(encoding="utf-8") for path in python}
    written = {f"src/{package}/{module}.py" for module in GENERATED_MODULES}
    warnings: list[str] = []
    left: dict[str, dict[str, list[str]]] = {}
    for item in json.loads(report or "[]"):
        path = Path(item["filename"]).resolve().relative_to(folder.resolve()).as_posix()
        left.setdefault(path, {}).setdefault(item["code"] or "syntax", []).append(item["message"])
    for path, codes in sorted(left.items()):
        if "F821" in codes and path in written:
            raise ExportRefused(
                f"Could not generate a valid module ({path}: {codes['F821'][0]}); nothing was written. "
                "Please report this."
            )
        if "F821" in codes:
            warnings.append(f"{path}: {'; '.join(dict.fromkeys(codes['F821']))} (as in the notebook).")
        texts[path] = _exempt(texts[path], sorted(codes))
    return {path: texts.get(path, text) for path, text in files.items()}, warnings


def exempted(text: str, name: str) -> str:
    """A module of the notebook's own code that is not the export's (*extract to module*'s):
    ``text`` with the rules ``ruff check`` (its default rules) reports in it named in the
    file-level exemption, in place of the one an earlier extraction wrote; ``text`` as it is where
    ruff is not installed or fails. ``name``: the module's file name, as ruff reports it."""
    ruff = ruff_binary()
    if ruff is None:
        return text
    lines = text.split("\n")
    bare = "\n".join(line for line in lines if not _is_exemption(line))
    check = ["check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero"]
    try:
        done = subprocess.run(
            [ruff, *check, "--stdin-filename", name, "-"],
            input=bare,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
        codes = sorted({item["code"] for item in json.loads(done.stdout or "[]") if item["code"]})
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return text
    if done.returncode != 0:
        return text
    return _exempt(bare, codes) if codes else bare


def _is_exemption(line: str) -> bool:
    return line.startswith("# ruff: noqa: ") and line.endswith(f" - {NOQA_REASON}")


def _exempt(text: str, codes: list[str]) -> str:
    """The file-level exemption, after the header comment (line 1) if there is one, else first."""
    exemption = f"# ruff: noqa: {', '.join(codes)} - {NOQA_REASON}"
    head, _, rest = text.partition("\n")
    if not head.startswith("#"):
        return f"{exemption}\n{text}"
    return f"{head}\n{exemption}\n{rest}"
