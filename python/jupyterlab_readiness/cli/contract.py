"""``jupyter-readiness contract``: the handoff verdict of every notebook of the paths given (or of
those changed since a git ref), as text, JSON or markdown for a pull-request comment or a CI job
summary. Exit codes: 0 every notebook is ready, 1 one is not, 2 an unreadable notebook, an invalid
contract or bad usage (every other notebook is still judged and reported)."""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import sys
from pathlib import Path
from typing import TextIO

from .codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from .text import printable

PROG = "jupyter-readiness"


def run_contract(args: argparse.Namespace) -> int:
    from ..contract.replies import ContractRun
    from ..files import Root
    from ..handoff.judge import judge, project_contract
    from ..handoff.orphans import orphaned_waivers
    from ..handoff.source import ProjectContract
    from ..handoff.verdict import failed_verdict
    from ..lint.selection import SelectionError, Shard, select_notebooks
    from ..notebook.model import NotebookError, read_notebook

    try:
        shard = Shard.parse(args.shard) if args.shard is not None else None
        selection = select_notebooks(args.paths, shard=shard, changed_since=args.changed_since)
    except SelectionError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    root, today = Root(None), dt.date.today()
    verdicts = []
    projects: dict[Path, ProjectContract | str] = {}  # a folder's contract, looked up once
    for path, problem in selection.notebooks:
        if problem is not None:
            verdicts.append(failed_verdict(str(path), problem))
            continue
        try:
            notebook = read_notebook(path)
        except NotebookError as exc:
            verdicts.append(failed_verdict(str(path), f"cannot read the notebook: {exc}"))
            continue
        project = projects.get(path.parent)
        if project is None:
            project = projects[path.parent] = project_contract(path.parent, root)
        verdicts.append(judge(notebook, path, str(path), root, today=today, memoize=False, project=project))
    if not selection.notebooks and not selection.found and args.changed_since is None:
        print(f"{PROG}: error: no notebooks (*.ipynb) found in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    orphans = orphaned_waivers(p for p in projects.values() if not isinstance(p, str))
    run = ContractRun(verdicts, args.changed_since, orphaned_waivers=orphans)
    write(run, args.format, sys.stdout, args.shard)
    if any(v.error for v in verdicts):
        return EXIT_USAGE
    return EXIT_OK if all(v.ready for v in verdicts) else EXIT_FINDINGS


def write(run, fmt: str, out: TextIO, shard: str | None = None) -> None:
    if fmt == "json":
        from ..contract.report import to_dict

        out.write(json.dumps(to_dict(run), ensure_ascii=False) + "\n")
    elif fmt == "markdown":
        out.write(markdown(run, shard))
    else:
        from .text import wants_colour

        out.write(text(run, wants_colour(out), shard))


def _nothing(run, shard: str | None, code=lambda s: s) -> str:
    """Why there is no verdict: nothing changed, or this shard got none of the notebooks (a CI
    matrix wider than the tree): both are exit 0, and the sentence must not claim the wrong one."""
    if shard is None:
        return f"No notebook changed since {code(run.changed_since or '')}."
    changed = f"changed since {code(run.changed_since)} " if run.changed_since else ""
    return f"No notebook {changed}in shard {code(shard)}."


# ---------------------------------------------------------------- text


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _headline(verdict) -> str:
    if verdict.error:
        return "cannot be judged"
    total = len(verdict.clauses)
    if verdict.ready:
        return f"ready: {'every clause met' if total != 1 else 'its clause is met'} ({total})"
    return f"not ready: {verdict.unmet} of {_plural(total, 'clause')} unmet"


def text(run, colour: bool, shard: str | None = None) -> str:
    paint = (lambda code, s: f"\033[{code}m{s}\033[0m") if colour else (lambda code, s: s)
    lines: list[str] = []
    if not run.notebooks:
        return _nothing(run, shard) + "\n"
    for verdict in run.notebooks:
        if verdict.error:
            # neither ready nor not: nothing judged it (the error names the file), as the summary counts it
            lines.append(f"{paint('1', printable(verdict.path))}  {paint('33;1', 'CANNOT BE JUDGED')}")
            lines.extend(f"  {paint('31', line)}" for line in printable(verdict.error, lines=True).splitlines())
        else:
            word = paint("31;1", "NOT READY") if not verdict.ready else paint("32;1", "READY")
            source = f"contract: {printable(verdict.contract)}" if verdict.contract else "the default contract"
            counts = _headline(verdict).split(": ", 1)[-1]
            lines.append(f"{paint('1', printable(verdict.path))}  {word}  {counts}  ({source})")
        for clause in verdict.clauses:
            mark = paint("32", "✓") if clause.met else paint("31", "✗")
            lines.append(f"  {mark} {clause.title}: {printable(clause.reason)}")
        for waiver in verdict.waivers:
            where = f"cell {printable(waiver.cell)}" if waiver.cell else "the notebook"
            state = {"applied": f"applied to {_plural(waiver.findings, 'finding')}"}.get(waiver.status, waiver.status)
            lines.append(f"  waiver {waiver.check} in {where}: {state} ({printable(waiver.reason)})")
            if waiver.note:
                lines.append(f"    {paint('33', printable(waiver.note))}")
        lines.append("")
    for orphan in run.orphaned_waivers:
        lines.append(paint("33", _orphan(orphan)))
    if run.orphaned_waivers:
        lines.append("")
    ready = sum(1 for v in run.notebooks if v.ready)
    failed = sum(1 for v in run.notebooks if v.error)
    summary = (
        f"{_plural(len(run.notebooks), 'notebook')}: {ready} ready, {len(run.notebooks) - ready - failed} not ready"
    )
    if failed:
        summary += f", {failed} cannot be judged"
    lines.append(paint("1", summary))
    return "\n".join(lines) + "\n"


def _orphan(orphan, code=lambda s: f"`{printable(s)}`") -> str:
    where = f"cell {code(orphan.cell)} of " if orphan.cell else ""
    return (
        f"{code(orphan.contract)}: the waiver of {code(orphan.check)} for {where}{code(orphan.notebook)} names no "
        "notebook (renamed or deleted?): it accepts nothing; point it at the notebook's new path, or remove it."
    )


# ---------------------------------------------------------------- markdown

_MAX_MARKDOWN = 60_000  # a GitHub comment holds 65,536 characters
_MAX_ORPHANS = 20


def _cell(value: str) -> str:
    """Text for a markdown table cell: HTML escaped (``<your-key>`` would vanish as a tag), one line."""
    return html.escape(printable(" ".join(value.split())), quote=False).replace("|", "\\|")


def _code(value: str) -> str:
    return f"<code>{html.escape(printable(value))}</code>"


def markdown(run, shard: str | None = None) -> str:
    """One table per notebook, the ones not ready first; ready ones folded."""
    if not run.notebooks:
        return f"## Handoff contract\n\n{_nothing(run, shard, _code)}\n"
    ready = sum(1 for v in run.notebooks if v.ready)
    parts = [f"## Handoff contract: {ready} of {_plural(len(run.notebooks), 'notebook')} ready\n"]
    if run.changed_since:
        parts.append(f"Notebooks changed since {_code(run.changed_since)}.\n")
    if run.orphaned_waivers:
        listed = [f"- ⚠️ {_orphan(o, _code)}" for o in run.orphaned_waivers[:_MAX_ORPHANS]]
        more = len(run.orphaned_waivers) - _MAX_ORPHANS
        if more > 0:  # a renamed folder can leave hundreds: the verdicts must still fit the comment
            listed.append(
                f"- ⚠️ … and {_plural(more, 'more waiver')} naming no notebook: run `{PROG} contract` for them"
            )
        parts.append("\n".join(listed) + "\n")
    ordered = sorted(run.notebooks, key=lambda v: (v.ready, v.error is None))
    out, brief, dropped = "\n".join(parts), 0, 0
    room = _MAX_MARKDOWN - 400  # for the sentences below
    briefs = [_brief_markdown(v) for v in ordered]
    after = sum(len(b) + 1 for b in briefs)  # the headlines of the notebooks after this one
    for shown, verdict in enumerate(ordered):
        after -= len(briefs[shown]) + 1
        # Whole sections only: a table cut after its header reads as a notebook without clauses,
        # and a cut <details> swallows what follows. A section is shown while room is left for the
        # headlines of the notebooks after it (up to half the comment), so every verdict is named
        # before any notebook's details fill the comment (one with hundreds of waivers).
        section = _notebook_markdown(verdict)
        if len(out) + len(section) + min(after, room // 2) > room:
            section = briefs[shown]
            if len(out) + len(section) > room:
                dropped = len(ordered) - shown
                break
            brief += 1
        out += "\n" + section
    size = "to keep this within a comment's size"
    if brief:
        out += f"\nThe details of {_plural(brief, 'notebook')} are left out {size}: run `{PROG} contract`.\n"
    if dropped:
        out += f"\n… and {_plural(dropped, 'more notebook')}, left out {size}: run `{PROG} contract` for them.\n"
    return out


def _brief_markdown(verdict) -> str:
    mark = "⚠️" if verdict.error else "✅" if verdict.ready else "❌"
    return f"- {mark} {_code(verdict.path)}: {_headline(verdict)}\n"


def _notebook_markdown(verdict) -> str:
    name = _code(verdict.path)
    if verdict.error:
        quoted = "\n".join(f"> {_cell(line)}" for line in verdict.error.splitlines())
        return f"### ⚠️ {name}: cannot be judged\n\n{quoted}\n"
    source = f"contract {_code(verdict.contract)}" if verdict.contract else "the default contract"
    rows = ["| | Clause | Why |", "|---|---|---|"]
    rows += [f"| {'✅' if c.met else '❌'} | {_cell(c.title)} | {_cell(c.reason)} |" for c in verdict.clauses]
    table = "\n".join(rows)
    waivers = ""
    if verdict.waivers:
        lines = ["| Check | Cell | Status | Reason |", "|---|---|---|---|"]
        for w in verdict.waivers:
            status = w.status + (f": {w.note}" if w.note else "")
            cell = _code(w.cell) if w.cell else "notebook"
            lines.append(f"| {_code(w.check)} | {cell} | {_cell(status)} | {_cell(w.reason)} |")
        waivers = "\n\n**Waivers**\n\n" + "\n".join(lines)
    details = f"{source} · score {verdict.score}/100\n\n{table}{waivers}\n"
    if verdict.ready:
        return f"<details><summary>✅ {name}: {_headline(verdict)}</summary>\n\n{details}\n</details>\n"
    return f"### ❌ {name}: {_headline(verdict)}\n\n{details}"
