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

Deterministic for one ruff version: exporting twice gives the same bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
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


def compile_all(files: dict[str, str]) -> None:
    """Raises ExportRefused naming the first generated module that does not compile."""
    for path, text in files.items():
        if path.endswith(".py"):
            try:
                compile(text, path, "exec", dont_inherit=True)
            except SyntaxError as exc:
                raise ExportRefused(
                    f"Could not generate a valid module ({path}: {exc.msg}, line {exc.lineno}); nothing was written. "
                    "Please report this."
                ) from None


def styled(files: dict[str, str], package: str) -> tuple[dict[str, str], list[str]]:
    """The files with their Python ones sorted, formatted and checked by ruff, and warnings. Raises
    ExportRefused when a module the export wrote uses a name it does not define."""
    ruff = ruff_binary()
    if ruff is None:
        compile_all(files)
        return files, ["ruff is not installed here: the generated files were not formatted with it."]
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    config = ["--isolated", "--no-cache", "--config", f"lint.isort.known-first-party=['{package}']"]
    with tempfile.TemporaryDirectory(prefix="readiness-export-") as scratch:
        folder = Path(scratch)
        for path, text in python.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        # ruff works on its copies in its own processes while this one compiles the same texts:
        # the two overlap on two CPUs. A module that does not compile still refuses the plan
        # (once ruff is done with the scratch folder), as if it had been compiled first.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness-ruff") as pool:
            passes = pool.submit(_ruff_passes, ruff, folder, config)
            compile_all(files)
            try:
                report = passes.result()
            except (OSError, subprocess.SubprocessError) as exc:
                return files, [f"ruff failed on the generated files ({type(exc).__name__}): they were not formatted."]
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


def _ruff_passes(ruff: str, folder: Path, config: list[str]) -> str:
    """Formatted, then imports sorted and checked in one pass: the check's JSON report."""
    _ruff(ruff, folder, "format", "--isolated", "--no-cache", "--quiet", ".")
    return _ruff(
        ruff,
        folder,
        "check",
        *config,
        "--extend-select",
        "I",
        "--fixable",
        "I",
        "--fix",
        "--output-format",
        "json",
        "--exit-zero",
        ".",
    )


def _exempt(text: str, codes: list[str]) -> str:
    """The file-level exemption, after the header comment (line 1)."""
    head, _, rest = text.partition("\n")
    return f"{head}\n# ruff: noqa: {', '.join(codes)} - {NOQA_REASON}\n{rest}"


def _ruff(ruff: str, folder: Path, *args: str) -> str:
    done = subprocess.run(  # ruff itself, on files this process just wrote
        [ruff, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise subprocess.SubprocessError(done.stderr.strip()[:200])
    return done.stdout
