"""Writing a waiver into a contract file, format-preserving (tomlkit: comments, order and layout
of everything else kept). A waiver of the same check, notebook and cell replaces that one's
reason and expiry instead of adding a second; the file must still be a valid contract after."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

import tomlkit
from tomlkit.items import AoT, Array, InlineTable, Table

from .source import TABLE
from .spec import ContractError, notebook_key, parse

NEW_STANDALONE = """\
# The handoff contract of the notebooks in this folder and below (jupyterlab-readiness): the
# clauses a notebook must meet to be READY, and the findings the team accepts in writing.
# Clauses not written here keep their default (see the README's "Handoff contract").
"""


@dataclass(frozen=True)
class NewWaiver:
    check: str
    notebook: str  # relative to the contract file's folder, posix
    cell: str | None
    reason: str
    expires: dt.date | None

    def table(self) -> dict[str, Any]:
        values: dict[str, Any] = {"check": self.check, "notebook": self.notebook}
        if self.cell is not None:
            values["cell"] = self.cell
        values["reason"] = self.reason
        if self.expires is not None:
            values["expires"] = self.expires
        return values


def with_waiver(
    text: str | None, kind: Literal["standalone", "pyproject"], waiver: NewWaiver, where: str
) -> tuple[str, bool]:
    """(the file's new text, whether an existing waiver was replaced). ``text`` None: a new file;
    ``where`` names it in messages. Raises ContractError when the file is not valid TOML, would
    not be a valid contract, or cannot be edited without changing other keys."""
    original = text if text is not None else (NEW_STANDALONE if kind == "standalone" else "")
    # tomlkit writes the lines it adds with \n: a file written on Windows would end up with both
    crlf = 0 < original.count("\r\n") == original.count("\n")
    bom = "\ufeff" if original.startswith("\ufeff") else ""  # tomlkit refuses it; the file keeps it
    original = original.removeprefix(bom)
    if crlf:
        original = original.replace("\r\n", "\n")
    try:
        doc = tomlkit.parse(original)
    except tomlkit.exceptions.ParseError as exc:
        raise ContractError([f"{where}: not valid TOML: {exc}"]) from None
    try:
        replaced = _add(_contract_table(doc, kind), waiver)
    except ContractError as exc:
        raise ContractError([f"{where}: {problem}" for problem in exc.problems]) from None
    out = tomlkit.dumps(doc)
    if "\n\n\n" not in original:
        out = re.sub(r"\n{3,}", "\n\n", out)
    out = out.rstrip("\n") + "\n"
    _check_result(original, out, kind, waiver, where)
    return bom + (out.replace("\n", "\r\n") if crlf else out), replaced


def _contract_table(doc: Any, kind: str) -> Any:
    """The container of the contract's keys, created (as implicit tables, so no empty header is
    written) where it is missing."""
    if kind == "standalone":
        return doc
    container = doc
    for key in TABLE:
        if key not in container:
            container.add(key, tomlkit.table(is_super_table=True))
        container = container[key]
        if not isinstance(container, (Table, InlineTable, dict)):
            raise ContractError([f"[{'.'.join(TABLE)}]: {key} is not a table"])
    return container


def _same(entry: Any, waiver: NewWaiver) -> bool:
    return (
        entry.get("check") == waiver.check
        and _notebook(entry.get("notebook")) == waiver.notebook
        and entry.get("cell") == waiver.cell
    )


def _notebook(value: Any) -> Any:
    """As the contract reads it, so a hand-written ``./reports/x.ipynb`` is the entry a new waiver replaces."""
    return notebook_key(value) if isinstance(value, str) and value.strip() else value


def _add(contract: Any, waiver: NewWaiver) -> bool:
    values = waiver.table()
    waivers = contract.get("waivers")
    if waivers is None and isinstance(contract, InlineTable):
        # an array of tables cannot live inside an inline table: tomlkit would write invalid TOML
        inline = tomlkit.inline_table()
        inline.update(values)
        array = tomlkit.array()
        array.append(inline)
        contract.append("waivers", array)
        return False
    if waivers is None:
        aot = tomlkit.aot()
        aot.append(_table(values))
        contract.add("waivers", aot)
        return False
    if not isinstance(waivers, (AoT, Array)) or not all(isinstance(e, (Table, InlineTable)) for e in waivers):
        raise ContractError(["waivers: must be an array of waiver tables"])
    for entry in waivers:
        if _same(entry, waiver):
            entry["reason"] = waiver.reason
            if waiver.expires is not None:
                entry["expires"] = waiver.expires
            elif "expires" in entry:
                del entry["expires"]
            return True
    if isinstance(waivers, AoT):
        if len(waivers) and not waivers[-1].as_string().endswith("\n\n"):
            waivers[-1].add(tomlkit.nl())  # a blank line between the last waiver and the new one
        waivers.append(_table(values))
    else:
        inline = tomlkit.inline_table()
        inline.update(values)
        waivers.append(inline)
    return False


def _table(values: dict[str, Any]) -> Table:
    table = tomlkit.table()
    for key, value in values.items():
        table.add(key, value)
    table.add(tomlkit.nl())
    return table


def _check_result(original: str, text: str, kind: str, waiver: NewWaiver, where: str) -> None:
    """The new text says what the old one said, plus the waiver, and is a valid contract; else
    nothing is written (tomlkit cannot edit every layout, e.g. a contract written in dotted keys)."""
    from ..compat import toml_loads

    prefix = TABLE if kind == "pyproject" else ()
    expected: Any = toml_loads(original)
    container = expected
    for key in prefix:
        container = container.setdefault(key, {})
    entries = container.setdefault("waivers", [])
    for entry in entries:
        if _same(entry, waiver):  # (the notebook as the file names it: the edit keeps it)
            entries[entries.index(entry)] = {**waiver.table(), "notebook": entry["notebook"]}
            break
    else:
        entries.append(waiver.table())
    actual: Any = toml_loads(text)
    if actual != expected:
        raise ContractError(
            [f"{where}: the waiver cannot be added without changing other keys of the file: write it by hand"]
        )
    table = actual
    for key in prefix:
        table = table[key]
    parse(table, where, text, prefix)
