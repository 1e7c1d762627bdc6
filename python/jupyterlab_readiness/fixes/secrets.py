"""Fix for a credential in a cell: every credential the check finds in the cell is read from an
environment variable instead (``os.environ["API_KEY"]``), so the fix's source holds none of them,
and the saved outputs of every code cell that show one of them (its repr, a print, a traceback
quoting the line, another cell's printed config) are cleared: else the file still holds it. The
note says which cells' outputs go and reminds to rotate the credential. The value itself is never
written anywhere: not in the fix, not in the note."""

from __future__ import annotations

import ast
import re

from ..checks.context import Hit, cells_label
from ..checks.secrets import (
    cells_showing,
    environ_default_call,
    is_passphrase,
    is_password_argument,
    is_secret,
    shape_of,
)
from ..contract.fixes import ClearOutputs, Edit, Fix, ReplaceSource
from ..contract.report import Finding
from ..notebook.model import Cell
from ..notebook.rewrite import Span, apply_edits, free_name, outermost_edits, span
from .view import FixEnv, Tree, cell_of, ordered, tree_of

# A credential's shape → the variable its vendor's tools read.
_ENV_OF_SHAPE = {
    "an AWS access key": "AWS_ACCESS_KEY_ID",
    "a GitHub token": "GITHUB_TOKEN",
    "a GitLab token": "GITLAB_TOKEN",
    "a Slack token": "SLACK_TOKEN",
    "a Slack webhook URL": "SLACK_WEBHOOK_URL",
    "a Stripe secret key": "STRIPE_API_KEY",
    "an Anthropic key": "ANTHROPIC_API_KEY",
    "an OpenAI key": "OPENAI_API_KEY",
    "a Google API key": "GOOGLE_API_KEY",
    "a Hugging Face token": "HF_TOKEN",
    "a Twilio API key": "TWILIO_API_KEY",
    "a SendGrid key": "SENDGRID_API_KEY",
    "an npm token": "NPM_TOKEN",
    "a PyPI upload token": "PYPI_TOKEN",
    "an Azure storage account key": "AZURE_STORAGE_KEY",
    "an Azure AD client secret": "AZURE_CLIENT_SECRET",
    "a JSON Web Token": "JWT",
    "a private key": "PRIVATE_KEY",
    "a password in a connection URL": "DATABASE_URL",
    "a password in a connection string": "CONNECTION_STRING",
}


def hardcoded_secret(env: FixEnv, finding: Finding, hit: Hit) -> list[Fix]:
    cell = cell_of(env.ctx, finding)
    if cell is None:
        return []
    return env.once(("secret", cell.index), lambda: _from_environment(env, cell))


def _from_environment(env: FixEnv, cell: Cell) -> list[Fix]:
    tree = tree_of(cell.source)
    if tree is None or _os_is_taken(env, tree):
        return []
    lines = {f.line for f, _ in env.of_check("hardcoded-secret") if f.cell_index == cell.index}
    spans: list[Span] = []
    used: set[str] = set()
    values: set[str] = set()
    for node, replaced, name in _credentials(tree):
        if node.lineno not in lines or not tree.editable(replaced):
            continue
        variable = free_name(_variable(name, node.value), used)
        used.add(variable)
        values.add(node.value)
        spans.append(span(replaced, f'os.environ["{variable}"]'))
    if not spans:
        return []
    source = apply_edits(cell.source, outermost_edits(spans))
    if not _imports_os(env, cell.index, tree, min(s[0] for s in spans)):
        # nothing may come before a cell magic (%%time, %%capture): the import goes below its line,
        # which the credential's line follows
        start = source.find("\n", source.find("%%")) + 1 if source.lstrip().startswith("%%") else 0
        source = source[:start] + "import os\n" + source[start:]
    variables = ", ".join(f"`{v}`" for v in sorted(used))
    edits: list[Edit] = [ReplaceSource(cell_index=cell.index, cell_id=cell.cell_id, source=source)]
    showing = sorted({index for cells in cells_showing(env.ctx.notebook, values).values() for index in cells})
    cleared = ""
    if showing:
        cells = env.ctx.notebook.cells
        edits += [ClearOutputs(cell_index=i, cell_id=cells[i].cell_id) for i in showing]
        cleared = f" It also clears the saved outputs of {cells_label(showing)}: they show the credential."
    return [
        Fix(
            "secret-from-environment",
            "Read the credential from an environment variable",
            False,
            ordered(edits),
            note=f"Set {variables} where the notebook runs (the scheduler's secrets, or a .env file kept out of "
            f"version control) or the cell stops with a KeyError.{cleared} The value that was written here stays "
            "in the notebook's history (git, copies): revoke it and issue a new one.",
        )
    ]


def _credentials(tree: Tree) -> list[tuple[ast.Constant, ast.expr, str | None]]:
    """(literal, the expression the environment variable replaces, the name it is bound to) for
    every literal the check takes for a credential: bound, passed, compared or defaulted first,
    then any literal with a credential's shape."""
    collector = _Collector()
    for node in ast.walk(tree.tree):
        collector.visit(node)
    for node in ast.walk(tree.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            collector.consider(node, None)
    return collector.found


class _Collector:
    def __init__(self) -> None:
        self.found: list[tuple[ast.Constant, ast.expr, str | None]] = []
        self.seen: set[int] = set()

    def consider(self, value: ast.expr, name: str | None, replaced: ast.expr | None = None) -> None:
        if (
            isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and id(value) not in self.seen
            and is_secret(value.value, name)
        ):
            self.seen.add(id(value))
            self.found.append((value, replaced or value, name))

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self.consider(node.value, _binding_name(target))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.consider(node.value, _binding_name(node.target))
        elif isinstance(node, ast.keyword) and node.arg:
            self.consider(node.value, node.arg)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    self.consider(value, key.value)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            self.consider(node.comparators[0], _binding_name(node.left))
            self.consider(node.left, _binding_name(node.comparators[0]))
        elif isinstance(node, ast.Call):
            self.call(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = args.posonlyargs + args.args
            for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
                self.consider(default, arg.arg)
            for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                if default is not None:
                    self.consider(default, arg.arg)

    def call(self, node: ast.Call) -> None:
        function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        args = node.args
        if environ_default_call(function) and len(args) == 2 and all(isinstance(a, ast.Constant) for a in args):
            name, value = args[0].value, args[1].value  # type: ignore[attr-defined]
            if isinstance(name, str) and isinstance(value, str) and is_secret(value, name):
                self.seen.add(id(args[1]))
                # os.getenv("DB_PASSWORD", "…") → os.environ["DB_PASSWORD"]
                self.found.append((args[1], node, name))  # type: ignore[arg-type]
            return
        for position, arg in enumerate(args):
            if (
                is_password_argument(function, position)
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
                and id(arg) not in self.seen
                and is_passphrase(arg.value)
            ):
                self.seen.add(id(arg))
                self.found.append((arg, arg, "password"))


def _binding_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        value = target.slice.value
        return value if isinstance(value, str) else None
    return None


def _variable(name: str | None, value: str) -> str:
    """The environment variable's name: the binding's name in upper snake case, else the one the
    credential's vendor uses."""
    if name:
        words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
        words = re.sub(r"[^0-9A-Za-z]+", "_", words).strip("_").upper()
        if words and not words[0].isdigit():
            return words
    return _ENV_OF_SHAPE.get(shape_of(value) or "", "SECRET")


def _os_is_taken(env: FixEnv, tree: Tree) -> bool:
    """``os`` bound to something other than the module somewhere: ``os.environ`` would not be it."""
    for _, facts in env.ctx.code:
        for imp in facts.imports:
            if imp.bound == "os" and imp.target != "os":
                return True
    for node in ast.walk(tree.tree):
        if isinstance(node, ast.Name) and node.id == "os" and isinstance(node.ctx, ast.Store):
            return True
    return False


def _imports_os(env: FixEnv, index: int, tree: Tree, line: int) -> bool:
    """Whether ``os`` is the os module at ``line`` of the cell (imported above, or earlier in it)."""
    for scope in env.ctx.scopes:
        if scope.cell.index == index:
            if scope.aliases.get("os") == "os":
                return True
            break
    return any(
        isinstance(stmt, ast.Import)
        and stmt.lineno < line
        and any(a.name == "os" and a.asname in (None, "os") for a in stmt.names)
        for stmt in tree.tree.body
    )
