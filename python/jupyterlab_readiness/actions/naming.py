"""What to call the things an action creates (modules, functions, packages) and whether a name can
be used. The one name validator: its reasons never repeat the name they refuse (a server reply
must not echo what was sent)."""

from __future__ import annotations

import ast
import keyword
import re
import unicodedata

from ..notebook.model import Notebook
from ..notebook.names import BUILTINS, IPYTHON_HISTORY, STDLIB_MODULES
from ..notebook.parse import cell_tree


def module_name_problem(
    name: str, imported: set[str], reserved: frozenset[str] = frozenset(), *, kind: str = "module"
) -> str | None:
    """Why ``name`` cannot name a new module or package (``kind``) of a notebook that imports
    ``imported``; None when it can. ``reserved``: names already taken by the thing being made."""
    if kind == "module" and name.endswith(".py"):
        return "Give the module name without `.py`."
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        return (
            f"That is not a valid {kind} name: use lower-case letters, digits and underscores, not starting with a "
            "digit, and not a Python keyword."
        )
    if name != name.lower():
        return f"{kind.capitalize()} names are lower case in Python (PEP 8): use the lower-case form."
    if name in STDLIB_MODULES or name in imported or name in reserved:
        return (
            f"A {kind} of that name would shadow a module Python or this notebook imports"
            + (", or a module of the package itself" if reserved else "")
            + ": choose another name, e.g. with a suffix such as `_steps`."
        )
    return None


def function_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a new function; None when it can."""
    if not name.isidentifier() or keyword.iskeyword(name):
        return (
            "That is not a valid function name: use letters, digits and underscores, not starting with a digit, "
            "and not a Python keyword."
        )
    if name in BUILTINS or name in IPYTHON_HISTORY or (name.startswith("__") and name.endswith("__")):
        return "That function name is a Python builtin or a special name: choose another."
    return None


def snake(text: str, max_words: int = 8) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    while words and words[0][0].isdigit():
        words.pop(0)
    return "_".join(words[:max_words])


# Words a name from a heading can do without (articles), and words a name must not end on (a
# heading cut after its fifth word may stop mid-phrase: ``adding_a_weekday_column_to``).
_ARTICLES = frozenset({"a", "an", "the"})
_DANGLING = frozenset(
    {"to", "of", "in", "on", "for", "with", "and", "or", "by", "from", "at", "as", "into", "onto", "over", "under"}
    | {"about", "than", "then", "via", "vs", "per", "its", "is", "are", "be", "our", "your", "their", "this", "that"}
    | {"these", "those", "my", "we", "it", "not", "but", "so", "if", "when", "using", "each", "all", "some"}
)
# Headings that say where a section is, not what it does: no name for a function.
_ORDINAL_WORDS = frozenset(
    {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "last", "next"}
    | {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "final", "finally", "then"}
    | {"step", "part", "section", "chapter", "stage", "phase", "task", "exercise", "question", "example", "cell"}
    | {"misc", "miscellaneous", "other", "others", "more", "untitled", "notes", "note", "todo", "extra", "bonus"}
)


def heading_name(heading: str, max_words: int = 5) -> str:
    """A function name from a heading: snake case without articles, at most ``max_words`` words,
    never ending on a word that leaves a phrase hanging (``to``, ``of``, ``and`` …). "" when the
    heading says only where a section is (``First``, ``Part 2``, ``Next step``)."""
    every = [w for w in snake(heading, max_words=64).split("_") if w]
    if not every:  # a heading of symbols only
        return ""
    # an article goes, unless a number follows it (``A 3-D line``: a name cannot start with a digit)
    words = [w for w, after in zip(every, [*every[1:], ""], strict=True) if w not in _ARTICLES or after[:1].isdigit()]
    if all(w in _ORDINAL_WORDS or w.isdigit() for w in words):
        return ""
    words = words[:max_words]
    while len(words) > 1 and words[-1] in _DANGLING:
        words.pop()
    return "_".join(words)


def heading_above(notebook: Notebook, first: int) -> str | None:
    for cell in reversed(notebook.cells[:first]):
        if cell.cell_type != "markdown":
            continue
        headings = [m.group(1) for m in re.finditer(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", cell.source, re.MULTILINE)]
        headings += [
            m.group(1) for m in re.finditer(r"<h[1-6][^>]*>(.*?)</h[1-6]>", cell.source, re.IGNORECASE | re.DOTALL)
        ]
        if headings:
            return re.sub(r"<[^>]+>|[`*_\[\]()]", " ", headings[-1])
    return None


def first_assigned_name(source: str) -> str | None:
    tree = cell_tree(source)
    if tree is None:
        return None
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name) and not node.id.startswith("_"):
                        return node.id
    return None
