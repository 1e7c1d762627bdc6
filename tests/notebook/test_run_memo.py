"""Syntax trees are shared for the length of one run and gone once it ends: an export of a large
notebook leaves none of its trees for the garbage collector to walk again and again."""

from __future__ import annotations

import ast
import gc
import threading
import weakref

from helpers.frame_notebooks import ORDERS
from helpers.notebooks import code, notebook
from jupyterlab_readiness.actions.export import plan as export
from jupyterlab_readiness.contract.requests import ExportRequest
from jupyterlab_readiness.environment.answer import Environment
from jupyterlab_readiness.files import Root
from jupyterlab_readiness.notebook.parse import cell_tree, python_tree
from jupyterlab_readiness.notebook.run_memo import forget, one_run


def _source(tag: str) -> str:
    # a text no other test parses, so no earlier answer is found outside a run
    return f"value_{tag} = {tag!r}.upper()\nprint(value_{tag})\n"


def test_a_tree_is_shared_within_a_run_and_freed_when_it_ends():
    source = _source("shared")
    with one_run():
        tree = cell_tree(source)
        assert cell_tree(source) is tree
        with one_run():  # a run inside a run shares the outer one's trees
            assert cell_tree(source) is tree
        assert cell_tree(source) is tree
        kept = weakref.ref(tree)
        del tree
    assert kept() is None  # reference counting alone freed it: no collection needed


def test_runs_on_other_threads_keep_their_own_trees():
    source = _source("threads")
    seen: dict[str, ast.Module | None] = {}

    def other() -> None:
        with one_run():
            seen["other"] = cell_tree(source)

    with one_run():
        mine = cell_tree(source)
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=30)
        assert seen["other"] is not mine
        assert ast.dump(seen["other"]) == ast.dump(mine)


def test_outside_a_run_a_few_recent_answers_are_kept():
    source = _source("outside")
    assert python_tree(source) is python_tree(source)
    for i in range(300):  # more than the recent answers kept outside a run
        python_tree(_source(f"filler{i}"))
    kept = weakref.ref(python_tree(source))
    for i in range(300):
        python_tree(_source(f"other{i}"))
    assert kept() is None


def _module_trees_naming(marker: str) -> int:
    return sum(
        1
        for obj in gc.get_objects()
        if isinstance(obj, ast.Name) and obj.id == marker  # a node of a tree still alive
    )


def test_an_export_plan_leaves_no_tree_of_the_notebook_alive():
    marker = "orders_marker_for_trees"
    cells = [*ORDERS.cells, code(f"{marker} = 1\nprint({marker})")]
    request = ExportRequest(path="/nonexistent/orders.ipynb", notebook=notebook(*cells), out="/nonexistent/orders")
    reply = export.plan(request, Environment(python="3.11"), Root(None)).reply
    assert reply.refused is None, reply.refused
    assert any(marker in f.text for f in reply.files if f.path.endswith("steps.py"))
    assert _module_trees_naming(marker) == 0


def test_a_run_that_forgets_frees_its_trees_and_computes_again():
    source = _source("forgotten")
    with one_run():
        tree = cell_tree(source)
        kept = weakref.ref(tree)
        del tree
        forget()
        assert kept() is None
        again = cell_tree(source)
        assert again is cell_tree(source)  # remembered again from here on


def test_an_export_plan_frees_its_trees_while_ruff_works(monkeypatch):
    marker = "orders_marker_while_styling"
    cells = [*ORDERS.cells, code(f"{marker} = 1\nprint({marker})")]
    request = ExportRequest(path="/nonexistent/orders.ipynb", notebook=notebook(*cells), out="/nonexistent/orders")
    alive: list[int] = []
    real = export.styled

    def styled(files, package, meanwhile, **rest):
        def then() -> None:
            meanwhile()
            alive.append(_module_trees_naming(marker))

        return real(files, package, meanwhile=then, **rest)

    monkeypatch.setattr(export, "styled", styled)
    reply = export.plan(request, Environment(python="3.11"), Root(None)).reply
    assert reply.refused is None, reply.refused
    assert alive == [0]
