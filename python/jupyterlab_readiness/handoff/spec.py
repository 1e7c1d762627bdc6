"""The handoff contract a team writes: its clauses, its waivers, the default contract, and the
validation that turns a mistake in the file into one clear line (which line, which key, what is
allowed).

Declared in ``[tool.jupyter-readiness.contract]`` of the project's pyproject.toml or at the top of a
``readiness-contract.toml``. A declared contract starts from the default one: each key written
replaces the default's value, so ``min-score = 80`` alone means "the default contract, and a score
of at least 80"; a clause is turned off by writing its off value (``no-secrets = false``,
``checklist = []``, ``max-severity = {}``). Keys are kebab-case, as in the rest of pyproject.toml::

    [tool.jupyter-readiness.contract]
    checklist = ["pinned-environment", "idempotent-writes"]   # checklist items that must pass
    max-severity = { all = "warning", hidden-state = "none" }  # per check, per item, or all
    min-score = 80
    no-secrets = true
    parameters-cell = true
    rehearsed = true
    rehearsal-max-age-days = 30
    exported-tests-pass = true

    [[tool.jupyter-readiness.contract.waivers]]
    check = "unpinned-import"
    notebook = "analysis.ipynb"      # relative to the folder of the file the contract is in
    cell = "a1b2c3"                  # a cell id; leave it out to waive the check in the whole notebook
    reason = "internal wheel, pinned by the platform team"
    expires = 2026-06-30             # optional: the waiver stops counting after this day
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..checks.registry import BY_ID, CHECKLIST, CHECKS

Tolerance = Literal["none", "info", "warning", "error"]
TOLERANCES: tuple[str, ...] = ("none", "info", "warning", "error")

# The dynamic checks of a rehearsal (two fresh runs), with the checklist item each counts towards.
REHEARSAL_CHECKS: dict[str, str] = {spec.id: spec.item for spec in CHECKS if spec.rehearsal}
ITEMS: dict[str, str] = dict(CHECKLIST)
ALL = "all"


def item_of(check_id: str) -> str | None:
    """The checklist item a check counts towards (None for an id nobody knows)."""
    spec = BY_ID.get(check_id)
    return spec.item if spec is not None else REHEARSAL_CHECKS.get(check_id)


def known_checks() -> list[str]:
    return sorted(set(BY_ID) | set(REHEARSAL_CHECKS))


def _check_id(value: str) -> str:
    if item_of(value) is None:
        raise PydanticCustomError(
            "unknown_check",
            "unknown check id '{id}' (known: {known})",
            {"id": value, "known": ", ".join(known_checks())},
        )
    return value


def _item_id(value: str) -> str:
    if value not in ITEMS:
        raise PydanticCustomError(
            "unknown_item", "unknown checklist item '{id}' (known: {known})", {"id": value, "known": ", ".join(ITEMS)}
        )
    return value


def _target(value: str) -> str:
    if value != ALL and value not in ITEMS and item_of(value) is None:
        raise PydanticCustomError(
            "unknown_target",
            "'{id}' is neither 'all', a checklist item ({items}) nor a check id (known: {known})",
            {"id": value, "items": ", ".join(ITEMS), "known": ", ".join(known_checks())},
        )
    return value


def _iso_date(value: Any) -> Any:
    """A TOML date (``2026-06-30``) or the same written as a string."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_format", "a date is written 2026-06-30") from None
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_format", "a date is written 2026-06-30, without a time")
    return value


def notebook_key(value: str) -> str:
    """A waiver's notebook as waivers are matched by it: ``./reports\\x.ipynb`` is ``reports/x.ipynb``."""
    return PurePosixPath(value.replace("\\", "/")).as_posix()


def _relative_notebook(value: str) -> str:
    path = PurePosixPath(notebook_key(value))
    if not value.strip() or path.is_absolute() or ".." in path.parts or ":" in value:
        raise PydanticCustomError(
            "notebook_path", "the notebook is named relative to the folder of the contract file, inside it"
        )
    return path.as_posix()


CheckId = Annotated[str, AfterValidator(_check_id)]
ItemId = Annotated[str, AfterValidator(_item_id)]
Target = Annotated[str, AfterValidator(_target)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
NotebookName = Annotated[str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_relative_notebook)]
CellId = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Day = Annotated[dt.date, BeforeValidator(_iso_date)]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


_MODEL = ConfigDict(extra="forbid", strict=True, alias_generator=_kebab, populate_by_name=True, frozen=True)


class Waiver(BaseModel):
    """A known finding the team accepts, in writing: until ``expires`` (inclusive), if given."""

    model_config = _MODEL

    check: CheckId = Field(description="a check id")
    notebook: NotebookName = Field(description="a notebook path relative to the contract file's folder")
    cell: CellId | None = Field(default=None, description="a cell id (leave it out to waive the whole notebook)")
    reason: Text = Field(description="a non-empty text saying why the finding is accepted")
    expires: Day | None = Field(default=None, description="a date (2026-06-30)")

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


class Contract(BaseModel):
    """The clauses. Every field's default is the default contract's value."""

    model_config = _MODEL

    checklist: list[ItemId] = Field(
        default=["pinned-environment"], description="a list of checklist item ids that must pass"
    )
    max_severity: dict[Target, Tolerance] = Field(
        default={ALL: "warning"},
        description="a table of 'all', checklist item ids or check ids → none | info | warning | error",
    )
    min_score: Annotated[int, Field(ge=0, le=100)] | None = Field(default=None, description="an integer from 0 to 100")
    no_secrets: bool = Field(default=True, description="true or false")
    parameters_cell: bool = Field(default=False, description="true or false")
    rehearsed: bool = Field(default=False, description="true or false")
    rehearsal_max_age_days: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="a whole number of days, at least 1"
    )
    exported_tests_pass: bool = Field(default=False, description="true or false")
    waivers: list[Waiver] = Field(default=[], description="an array of waiver tables")

    @model_validator(mode="after")
    def _age_needs_rehearsal(self) -> Contract:
        if self.rehearsal_max_age_days is not None and not self.rehearsed:
            raise PydanticCustomError("needs_rehearsed", "rehearsal-max-age-days applies only with rehearsed = true")
        return self


DEFAULT = Contract()
CLAUSE_KEYS: tuple[str, ...] = tuple(_kebab(name) for name in Contract.model_fields)
WAIVER_KEYS: tuple[str, ...] = tuple(_kebab(name) for name in Waiver.model_fields)


class ContractError(ValueError):
    """An invalid contract: every problem on its own line, ``file:line: key: what is wrong``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    def __reduce__(self):  # raised in a server's worker process, re-raised in the server's
        return (ContractError, (self.problems,))


def parse(table: Mapping[str, Any], where: str, text: str | None = None, prefix: tuple[str, ...] = ()) -> Contract:
    """The contract in ``table`` (the parsed TOML table). ``where`` names the file in messages,
    ``text`` is its TOML (for line numbers) and ``prefix`` the path of the table in it."""
    from .lines import key_lines

    if not isinstance(table, Mapping):
        line = key_lines(text, prefix[:-1]).line((prefix[-1],)) if text and prefix else None
        raise ContractError([f"{_at(where, line)}{'.'.join(prefix) or 'contract'}: must be a table of clauses"])
    try:
        return Contract.model_validate(dict(table))
    except ValidationError as exc:
        lines = key_lines(text, prefix) if text is not None else None
        found = []
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if p != "[key]")
            line = lines.line(loc) if lines is not None else None
            found.append((line or 0, f"{_at(where, line)}{_key(prefix, loc)}: {_problem(error, loc)}"))
        raise ContractError([problem for _, problem in sorted(found, key=lambda f: f[0])]) from None


def _at(where: str, line: int | None) -> str:
    return f"{where}:{line}: " if line is not None else f"{where}: "


def _key(prefix: tuple[str, ...], loc: tuple[Any, ...]) -> str:
    key = ".".join(prefix)
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "contract"


_TOML_TYPES = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a number"),
    (str, "a string"),
    (dt.datetime, "a date-time"),
    (dt.date, "a date"),
    (dt.time, "a time"),
    (list, "an array"),
    (dict, "a table"),
)


def _toml_type(value: Any) -> str:
    return next((name for kind, name in _TOML_TYPES if isinstance(value, kind)), type(value).__name__)


def _field(loc: tuple[Any, ...]) -> Any:
    """The pydantic field a location ends in (a clause, or a waiver's key), if any."""
    if not loc:
        return None
    field = Contract.model_fields.get(str(loc[0]).replace("-", "_"))
    if loc[0] == "waivers" and len(loc) >= 3:
        field = Waiver.model_fields.get(str(loc[2]).replace("-", "_"))
    return field


def _problem(error: Mapping[str, Any], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        if len(loc) >= 3 and loc[0] == "waivers":
            return f"unknown key in a waiver (allowed: {', '.join(WAIVER_KEYS)})"
        return f"unknown clause (allowed: {', '.join(CLAUSE_KEYS)})"
    if kind == "missing":
        field = _field(loc)
        return f"missing: a waiver needs {field.description if field else 'it'}"
    if kind in ("unknown_check", "unknown_item", "unknown_target", "date_format", "notebook_path", "needs_rehearsed"):
        return error["msg"]
    if kind == "literal_error":
        return f"must be one of {', '.join(TOLERANCES)}"
    field = _field(loc)
    got = _toml_type(error.get("input"))
    if kind in ("greater_than_equal", "less_than_equal", "string_too_short", "string_too_long") and field:
        return f"must be {field.description}"
    expected = field.description if field is not None and len(loc) <= (3 if loc[0] == "waivers" else 1) else None
    if expected is None:
        expected = {"list_type": "an array", "dict_type": "a table", "model_type": "a table"}.get(
            kind, error["msg"].lower().replace("input should be ", "")
        )
    return f"must be {expected}, not {got}"
