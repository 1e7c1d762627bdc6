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

Both passes run in processes of their own, side by side, on copies in a scratch folder: the
compiler and a driver that runs ruff's two passes back to back. Compiling the ``steps.py`` of a
1,000-cell notebook takes the best part of a second, all of it inside one call that holds this
process's interpreter lock: on the server's worker thread it would stall every other request
(``server/workers.py``) for as long.

Deterministic for one ruff version: exporting twice gives the same bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

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


def _refusal(path: str, message: str, line: int | None) -> ExportRefused:
    return ExportRefused(
        f"Could not generate a valid module ({path}: {message}, line {line}); nothing was written. Please report this."
    )


def compile_all(files: dict[str, str]) -> None:
    """Raises ExportRefused naming the first generated module that does not compile (in this
    process: where no other can be started)."""
    for path, text in files.items():
        if path.endswith(".py"):
            try:
                compile(text, path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                raise _refusal(path, getattr(exc, "msg", None) or str(exc), getattr(exc, "lineno", None)) from None


# Compiles the files it reads from its input ({path: text} as JSON, in order) and prints, for the
# first that does not compile, [path, message, line] as JSON. Run isolated (no site, no user
# paths), with the compiler's warnings about the notebook's code silenced.
_COMPILER = """
import json, sys
for path, text in json.load(sys.stdin).items():
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        print(json.dumps([path, getattr(exc, "msg", None) or str(exc), getattr(exc, "lineno", None)]))
        break
"""

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


def _start(script: str, folder: Path, *args: str, reads: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-W", "ignore", "-c", script, *args],
        cwd=folder,
        stdin=subprocess.PIPE if reads else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str], given: str | None = None) -> str | Exception:
    """What the process printed (``given``: its input), or why it printed nothing usable (it failed
    or ran out of time)."""
    try:
        out, err = process.communicate(given, timeout=2 * _TIMEOUT + 10)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        return exc
    if process.returncode not in (0, 1):
        return subprocess.SubprocessError(err.strip()[:200])
    return out


def _ruff_failed(exc: Exception) -> str:
    return f"ruff failed on the generated files ({type(exc).__name__}): they were not formatted."


def styled(files: dict[str, str], package: str) -> tuple[dict[str, str], list[str]]:
    """The files with their Python ones sorted, formatted and checked by ruff, and warnings. Raises
    ExportRefused when a module does not compile, or when a module the export wrote uses a name it
    does not define."""
    ruff = ruff_binary()
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    config = ["--isolated", "--no-cache", "--config", f"lint.isort.known-first-party=['{package}']"]
    check = [*config, "--extend-select", "I", "--fixable", "I", "--fix", "--output-format", "json", "--exit-zero", "."]
    with tempfile.TemporaryDirectory(prefix="readiness-export-") as scratch:
        folder = Path(scratch)
        for path, text in python.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        # The compiler reads the texts from its input: ruff rewrites the files meanwhile.
        try:
            compiler: subprocess.Popen[str] | None = _start(_COMPILER, folder, reads=True)
        except OSError:
            compiler = None
        try:
            passes = _start(_RUFF, folder, ruff, str(_TIMEOUT), *check) if ruff is not None else None
        except OSError as exc:
            passes = exc
        if compiler is None:
            compile_all(python)
            failure = ""
        else:
            failure = _finish(compiler, json.dumps(python))
        # (a module that does not compile refuses the plan once ruff is done with the scratch folder)
        report = _finish(passes) if isinstance(passes, subprocess.Popen) else passes
        if isinstance(failure, Exception):  # the compiler could not tell: ask it here
            compile_all(python)
        elif failure:
            path, message, line = json.loads(failure)
            raise _refusal(path, message, line)
        if report is None:
            return files, ["ruff is not installed here: the generated files were not formatted with it."]
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


def _exempt(text: str, codes: list[str]) -> str:
    """The file-level exemption, after the header comment (line 1)."""
    head, _, rest = text.partition("\n")
    return f"{head}\n# ruff: noqa: {', '.join(codes)} - {NOQA_REASON}\n{rest}"
