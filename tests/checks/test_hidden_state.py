"""hidden-state: scope analysis of what a fresh top-to-bottom run defines before each read."""

from __future__ import annotations

import pytest

from helpers.notebooks import code, findings_of, md


def hidden(check, *sources: str) -> list[tuple[int | None, int | None]]:
    return findings_of(check(*(code(s) for s in sources)), "hidden-state")


def test_read_before_any_definition_fires_with_the_cell_that_defines_it(check):
    report = check(code("total = price * 2"), md("## later"), code("price = 10"))
    assert findings_of(report, "hidden-state") == [(0, 1)]
    finding = report.findings[[f.check for f in report.findings].index("hidden-state")]
    assert "`price`" in finding.message and "cell 3 below" in finding.message  # cells counted from 1 in messages
    assert "cell 3" in finding.suggestion


def test_defined_above_is_fine_and_builtins_and_ipython_names_are_always_defined(check):
    assert hidden(check, "x = 1", "print(len([x]))", "display(x); get_ipython(); In; Out; _") == []


def test_name_read_nowhere_defined(check):
    report = check(code("df.head()"))
    assert findings_of(report, "hidden-state") == [(0, 1)]
    assert "no cell defines it" in report.findings[0].message


def test_only_first_read_per_cell_reported(check):
    assert hidden(check, "a = b + b\nc = b") == [(0, 1)]


def test_function_bodies_resolve_at_call_time_but_defaults_and_decorators_do_not(check):
    assert hidden(check, "def f():\n    return later\n", "later = 1") == []
    assert hidden(check, "def f(x=default):\n    return x\n", "default = 1") == [(0, 1)]
    assert hidden(check, "@deco\ndef f():\n    pass\n", "deco = 1") == [(0, 1)]
    assert hidden(check, "g = lambda: later", "later = 2") == []


def test_comprehension_scope(check):
    assert hidden(check, "squares = [n * n for n in range(3)]\ntotal = sum(n for n in squares)") == []
    assert hidden(check, "pairs = {k: v for k, v in items}") == [(0, 1)]
    assert hidden(check, "ys = [x for x in range(3) if x > limit]") == [(0, 1)]
    # the comprehension variable does not leak to the module
    assert hidden(check, "ys = [q for q in range(3)]\nprint(q)") == [(0, 2)]


def test_walrus_binds_in_enclosing_scope(check):
    assert hidden(check, "if (n := 10) > 5:\n    pass\nprint(n)") == []
    assert hidden(check, "vals = [y := 5, y ** 2]\nprint(y)") == []
    assert hidden(check, "hits = [m for x in range(3) if (m := x)]\nprint(m)") == []


def test_del_unbinds_at_top_level(check):
    assert hidden(check, "x = 1\ndel x\nprint(x)") == [(0, 3)]
    assert hidden(check, "x = 1", "del x", "print(x)") == [(2, 1)]
    # a conditional del may not happen: never guess
    assert hidden(
        check,
        "x = 1\nif flag_set:\n    del x\nprint(x)",
    ) == [(0, 2)]


def test_augmented_assignment_reads_first(check):
    assert hidden(check, "counter += 1") == [(0, 1)]
    assert hidden(check, "counter = 0", "counter += 1") == []


def test_with_except_for_targets_bind(check):
    assert hidden(check, "with open('f') as fh:\n    data = fh.read()\nprint(data)") == []
    assert hidden(check, "try:\n    pass\nexcept ValueError as err:\n    print(err)") == []
    assert hidden(check, "for i, row in enumerate([1]):\n    last = row\nprint(i, last)") == []


def test_loop_body_reads_names_bound_later_in_the_same_loop(check):
    assert hidden(check, "prev = None\nfor v in range(3):\n    if prev:\n        pass\n    prev = v") == []
    assert hidden(check, "for v in range(3):\n    if v:\n        print(acc)\n    acc = v") == []
    # but a name the loop never binds is still hidden state
    assert hidden(check, "for v in range(3):\n    print(missing)") == [(0, 2)]
    # a while test runs before the body ever binds its name
    assert hidden(check, "while n < 3:\n    n = 5") == [(0, 1)]


def test_class_bodies(check):
    assert hidden(check, "class Config:\n    rate = 0.1\n    doubled = rate * 2\n\nprint(Config.doubled)") == []
    assert hidden(check, "class Model(Base):\n    pass", "Base = object") == [(0, 1)]
    # names bound in a class body are not module names
    assert hidden(check, "class C:\n    inner = 1\nprint(inner)") == [(0, 3)]
    assert hidden(check, "class C:\n    def method(self):\n        return later\n", "later = 1") == []


def test_star_import_means_unknown_names_are_never_guessed(check):
    assert hidden(check, "from pylab import *", "plot(linspace(0, 1))") == []
    assert hidden(check, "early_read", "from os.path import *", "join('a')") == [(0, 1)]


def test_percent_run_and_pylab_bring_unknown_names(check):
    assert hidden(check, "%run setup.py", "model.fit()") == []
    assert hidden(check, "%pylab inline", "plot(linspace(0, 1))") == []


def test_global_in_function_binds_module_name(check):
    assert hidden(check, "def setup():\n    global cfg\n    cfg = {}\n", "setup()", "print(cfg)") == []


def test_imports_bind(check):
    assert hidden(check, "import os.path\nos.getcwd()", "from collections import OrderedDict as OD\nOD()") == []


def test_match_statement_captures(check):
    assert (
        hidden(
            check,
            "match {'k': 1}:\n    case {'k': value, **rest}:\n        print(value, rest)\n    case [first, *others]:\n        print(first, others)",
        )
        == []
    )


def test_magics_do_not_hide_definitions(check):
    assert hidden(check, "%time result = sum(range(10))", "print(result)") == []
    assert hidden(check, "files = !ls", "print(files)") == []
    assert hidden(check, "%%capture captured\nprint('x')", "captured.show()") == []
    assert hidden(check, "%%time\nmodel = 1", "print(model)") == []


def test_annotations_are_read_at_definition_time(check):
    assert hidden(check, "def f(x: Frame) -> None:\n    pass", "Frame = dict") == [(0, 1)]
    assert hidden(check, "limit: int = 3\nprint(limit)") == []


def test_cells_with_syntax_errors_are_skipped_not_blamed(check):
    report = check(code("x = (1,"), code("y = 2\nprint(y)"))
    assert findings_of(report, "hidden-state") == []
    assert findings_of(report, "syntax-error") == [(0, 1)]


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    nonlocal_name = 1\n    def g():\n        nonlocal nonlocal_name\n        nonlocal_name = 2\n",
        "async def main():\n    async with lock:\n        await thing()\n",
    ],
)
def test_nested_scopes_do_not_leak(check, source):
    assert hidden(check, source) == []


def test_walrus_value_is_read_before_the_target_binds(check):
    assert hidden(check, "if (n := n + 1):\n    pass") == [(0, 1)]
