"""Hidden-state and syntax scenarios, each checked against a real IPython kernel by
tests/test_scope_kernel.py.

The facts behind them come from the behaviours that other tools' public test suites pin down —
pyflakes (test_undefined_names.py), ruff's F821 fixtures, ipyflow, nbgather, Julynter — rewritten
here as small notebooks; none of their code is used. A hidden-state scenario is a list of cell
sources run top to bottom in a fresh namespace, and its label is the first NameError: (cell index,
name), or None when every cell runs. A scenario has at most one NameError (the run stops there, so
a second could not be verified) and raises nothing else.

What the suite does not hold, by design of the check (each is a miss, never a false alarm):
- reads in branches a run does not take: the check reports a read wherever it is (`if flag:
  print(x)` with x undefined is reported), so every read in these scenarios runs;
- callees that are not certain: aliases (`g = f; g()`), decorated functions, functions passed as
  arguments, functions nested in functions, methods reached through `self` or a base class;
- names a function binds with `global`: bound from the `def` on, whether or not it is called;
- names bound by `%timeit`/`%%timeit` (IPython binds them in a throwaway scope).
"""

from __future__ import annotations

from typing import NamedTuple


class Scenario(NamedTuple):
    id: str
    cells: list[str]
    expect: tuple[int, str] | None  # first NameError: (cell, name)
    fact: str = ""  # where the behaviour comes from


S = Scenario

HIDDEN_STATE: list[Scenario] = [
    # -- plain reads (pyflakes test_undefined, ruff F821) -------------------------------------
    S("undefined", ["bar"], (0, "bar"), "pyflakes"),
    S("builtin", ["range(10)"], None, "pyflakes"),
    S("read-before-later-cell", ["total = price * 2", "price = 10"], (0, "price"), "Julynter"),
    S("defined-above", ["price = 10", "total = price * 2"], None, "Julynter"),
    S("augmented-undefined", ["counter += 1"], (0, "counter"), "pyflakes"),
    S("ipython-names", ["display(1)\nget_ipython()\nIn, Out, _, __name__"], None, "ruff F821_22"),
    S("dunder-file", ["__file__"], (0, "__file__"), "pyflakes magicGlobalsFile (not in a kernel)"),
    S("dunder-module", ["__module__"], (0, "__module__"), "pyflakes"),
    S("dunder-qualname", ["print(__qualname__)"], (0, "__qualname__"), "pyflakes"),
    # -- comprehensions and lambdas --------------------------------------------------------
    S("listcomp-var", ["[a for a in range(10) if a]"], None, "pyflakes"),
    S("listcomp-var-leak", ["[a for a in range(10)]\na"], (0, "a"), "pyflakes"),
    S("genexp-nested-undefined", ["list(b for b in (a for a in [1, 2, 3] if b) if b)"], (0, "b"), "pyflakes"),
    S("genexp-nested-defined", ["list(b for b in (a for a in [1, 2, 3] if a) if b)"], None, "pyflakes"),
    S("loop-var-in-iterable", ["for i in range(i):\n    print(i)"], (0, "i"), "pyflakes"),
    S("comp-var-in-iterable", ["[42 for i in range(i)]"], (0, "i"), "pyflakes"),
    S("lambda-in-dictcomp", ["fs = {lambda: id(x) for x in range(3)}"], None, "pyflakes"),
    S("lambda-not-called", ["fs = [lambda: id(y) for x in range(3)]"], None, "pyflakes (reported there; never runs)"),
    S("lambda-default", ["f = lambda x=undefined_default: x"], (0, "undefined_default"), "pyflakes"),
    S("walrus-in-if", ["if (n := 10) > 5:\n    pass\nprint(n)"], None, "ruff"),
    S("walrus-leaks-from-comprehension", ["hits = [m for x in range(3) if (m := x)]\nprint(m)"], None, "ruff"),
    S("star-unpack", ["a, *b = range(10)\nprint(a, b)"], None, "pyflakes"),
    # -- class bodies ----------------------------------------------------------------------
    S(
        "class-module-name",
        ["class Foo:\n    where = __module__\n    name = __qualname__"],
        None,
        "pyflakes magicModuleInClassScope",
    ),
    S(
        "class-genexp-first-iterable",
        ["class A:\n    T = range(10)\n    L = [x for x in T]\n    Z = list(x for x in T)"],
        None,
        "pyflakes definedInClass",
    ),
    S(
        "class-name-not-seen-in-comprehension",
        ["class A:\n    T = [1]\n    L = [x for x in range(3) if x in T]"],
        (0, "T"),
        "Python scoping",
    ),
    S("class-name-not-global", ["class C:\n    inner = 1", "print(inner)"], (1, "inner"), "pyflakes"),
    S("class-base-later", ["class Model(Base):\n    pass", "Base = object"], (0, "Base"), "Julynter"),
    S("metaclass-imported", ["from abc import ABCMeta\nclass A(metaclass=ABCMeta):\n    pass"], None, "pyflakes"),
    S(
        "dunder-class-in-method",
        [
            "class Test(object):\n    def __init__(self):\n        print(__class__.__name__)\n        self.x = 1",
            "t = Test()",
        ],
        None,
        "pyflakes dunderClass",
    ),
    # -- except targets (pyflakes undefinedExceptionName*) ---------------------------------
    S(
        "except-name-after",
        ["try:\n    raise ValueError('ve')\nexcept ValueError as exc:\n    pass\nexc"],
        (0, "exc"),
        "pyflakes",
    ),
    S(
        "except-name-copied",
        ["try:\n    raise ValueError('ve')\nexcept ValueError as exc:\n    e = exc\ne"],
        None,
        "pyflakes",
    ),
    S(
        "except-name-obscures-local",
        ["exc = 'Original value'\ntry:\n    raise ValueError('ve')\nexcept ValueError as exc:\n    pass\nexc"],
        (0, "exc"),
        "pyflakes (skipped there)",
    ),
    S(
        "except-name-then-rebound",
        ["try:\n    raise ValueError('ve')\nexcept ValueError as exc:\n    pass\nprint(exc)\nexc = 'Original value'"],
        (0, "exc"),
        "pyflakes",
    ),
    S(
        "except-name-across-cells",
        ["exc = 'Original value'", "try:\n    raise ValueError('ve')\nexcept ValueError as exc:\n    pass", "exc"],
        (2, "exc"),
        "pyflakes, across cells",
    ),
    S(
        "except-not-entered-keeps-binding",
        ["exc = 'kept'\ntry:\n    pass\nexcept ValueError as exc:\n    pass\nprint(exc)"],
        None,
        "Python semantics",
    ),
    S(
        "except-not-entered-never-bound",
        ["try:\n    pass\nexcept ValueError as exc:\n    pass\nprint(exc)"],
        (0, "exc"),
        "Python semantics",
    ),
    S(
        "except-del-in-handler",
        ["try:\n    raise KeyError\nexcept Exception as exc:\n    del exc"],
        None,
        "pyflakes delExceptionInExcept",
    ),
    S(
        "except-body-may-not-raise",
        ["err = 1", "try:\n    {}.pop(1, None)\nexcept KeyError as err:\n    pass", "print(err)"],
        None,
        "Python semantics",
    ),
    # -- NameError handlers (pyflakes undefinedWithErrorHandler) ---------------------------
    S("guard-nameerror", ["try:\n    socket_map\nexcept NameError:\n    socket_map = {}"], None, "pyflakes"),
    S(
        "guard-tuple",
        ["try:\n    _memoryview.contiguous\nexcept (NameError, AttributeError):\n    pass"],
        None,
        "pyflakes",
    ),
    S(
        "guard-bare-except",
        ["try:\n    socket_map\nexcept:\n    socket_map = {}"],
        None,
        "pyflakes (reported there; caught)",
    ),
    S(
        "guard-exception",
        ["try:\n    socket_map\nexcept Exception:\n    socket_map = {}"],
        None,
        "pyflakes (reported there; caught)",
    ),
    S(
        "guard-wrong-type",
        ["try:\n    socket_map\nexcept ValueError:\n    socket_map = {}"],
        (0, "socket_map"),
        "pyflakes",
    ),
    # -- del --------------------------------------------------------------------------------
    S("del-then-read", ["a = 1; del a; a"], (0, "a"), "pyflakes"),
    S("del-undefined", ["del a"], (0, "a"), "pyflakes"),
    S("del-across-cells", ["x = 1", "del x", "print(x)"], (2, "x"), "Julynter"),
    S("del-and-read-in-one-cell", ["x = 1", "del x\nprint(x)"], (1, "x"), "Python semantics"),
    S("del-then-rebound", ["x = 1", "del x", "x = 2", "print(x)"], None, "Julynter"),
    S("del-under-if-false", ["test = True\nif False:\n    del(test)\nassert(test)"], None, "pyflakes delConditional"),
    S(
        "del-nested-under-if-false",
        [
            "import contextlib\ntest = True\nif False:\n    with contextlib.nullcontext():\n        "
            "del(test)\nassert(test)"
        ],
        None,
        "pyflakes delConditionalNested",
    ),
    S("del-in-while-false", ["foo = 'bar'\nwhile False:\n    del foo\nassert foo"], None, "pyflakes delWhile"),
    # -- __main__ (always true in a notebook) ----------------------------------------------
    S("main-binds", ['if __name__ == "__main__":\n    config = {"a": 1}', "print(config)"], None, "issue 14"),
    S("main-deletes", ['x = 1\nif __name__ == "__main__":\n    del x', "print(x)"], (1, "x"), "issue 14"),
    S(
        "main-else-never-runs",
        ['if __name__ == "__main__":\n    pass\nelse:\n    print(never_defined)'],
        None,
        "issue 14",
    ),
    S(
        "main-calls-function",
        ["def main():\n    return settings", 'if __name__ == "__main__":\n    main()', "settings = {}"],
        (1, "settings"),
        "issue 14",
    ),
    # -- loops ------------------------------------------------------------------------------
    S(
        "loop-binds-for-next-iteration",
        ["prev = None\nfor v in range(3):\n    if prev:\n        pass\n    prev = v"],
        None,
        "ipyflow",
    ),
    S("loop-read-in-branch", ["for v in range(3):\n    if v:\n        print(acc)\n    acc = v"], None, "ipyflow"),
    S("loop-read-first-iteration", ["for v in range(3):\n    print(acc)\n    acc = v"], (0, "acc"), "Python semantics"),
    S("loop-missing", ["for v in range(3):\n    print(missing)"], (0, "missing"), "pyflakes"),
    S("while-test", ["while n < 3:\n    n = 5"], (0, "n"), "pyflakes"),
    # -- functions called across cells (nbgather, ipyflow) ---------------------------------
    S("def-then-call-before-global", ["def f():\n    return zzz", "f()", "zzz = 1"], (1, "zzz"), "issue 16"),
    S("def-then-call-after-global", ["def f():\n    return zzz", "zzz = 1", "f()"], None, "issue 16"),
    S("def-not-called", ["def f():\n    return later", "later = 1"], None, "pyflakes functionsNeedGlobalScope"),
    S("call-same-cell-before-global", ["def f():\n    return zzz\nf()\nzzz = 1"], (0, "zzz"), "issue 16"),
    S(
        "call-transitive",
        ["def f():\n    return g()", "def g():\n    return zzz", "f()", "zzz = 1"],
        (2, "zzz"),
        "nbgather",
    ),
    S(
        "call-transitive-callee-missing",
        ["def f():\n    return g()", "f()", "def g():\n    return 1"],
        (1, "g"),
        "nbgather",
    ),
    S(
        "call-late-binding",
        ["def g():\n    return zzz", "def f():\n    return g()", "def g():\n    return 1", "f()"],
        None,
        "ipyflow",
    ),
    S(
        "call-mutual-recursion",
        ["def f(n):\n    return g(n - 1) if n else zzz", "def g(n):\n    return f(n)", "f(3)"],
        (2, "zzz"),
        "cycles",
    ),
    S("call-recursion-fine", ["def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)", "fact(5)"], None, "cycles"),
    S(
        "call-locals-and-params",
        [
            "def f(a, *b, c=1, **d):\n    e = a\n    for i in b:\n        e += i\n    return [x for x in d], e, c",
            "f(1, 2, k=3)",
        ],
        None,
        "pyflakes definedAsStarArgs",
    ),
    S(
        "call-closure",
        ["def outer():\n    val = 1\n    def inner():\n        return val\n    return inner()", "outer()"],
        None,
        "pyflakes globalFromNestedScope",
    ),
    S(
        "call-nested-class",
        [
            "def f(foo):\n    class C:\n        bar = foo\n        def g(self):\n            return foo\n    return "
            "C()",
            "f(123).g()",
        ],
        None,
        "pyflakes nestedClass",
    ),
    S(
        "call-global-declared-read",
        ["def get():\n    global state\n    return state", "get()", "state = 1"],
        (1, "state"),
        "pyflakes",
    ),
    S(
        "call-global-assigned",
        ["def setup():\n    global cfg\n    cfg = {}", "setup()", "print(cfg)"],
        None,
        "pyflakes definedByGlobal",
    ),
    S(
        "call-global-in-module-scope",
        ["global x\ndef foo():\n    return x", "foo()"],
        (1, "x"),
        "pyflakes globalInGlobalScope",
    ),
    S(
        "call-in-loop-later-binding",
        ["def f():\n    return acc", "acc = 0\nfor i in range(3):\n    acc = f() + i"],
        None,
        "ipyflow",
    ),
    S(
        "call-in-loop-first-iteration",
        ["def f():\n    return seen", "for i in range(3):\n    f()\n    seen = i"],
        (1, "seen"),
        "Python semantics",
    ),
    S(
        "call-in-loop-branch",
        ["def f():\n    return seen", "for i in range(3):\n    if i:\n        f()\n    seen = i"],
        None,
        "ipyflow",
    ),
    S(
        "call-generator",
        ["def gen():\n    yield zzz", "g = gen()", "zzz = 1", "next(g)"],
        None,
        "a generator's call runs nothing",
    ),
    S(
        "call-default-evaluated-at-def",
        ["def f(x=default):\n    return x", "default = 1"],
        (0, "default"),
        "pyflakes keywordOnlyArgsUndefined",
    ),
    S("kwonly-default", ["def f(*, a, b=default_c):\n    print(a, b)"], (0, "default_c"), "pyflakes"),
    S("annotation-evaluated", ["def func(a: note1) -> None:\n    pass"], (0, "note1"), "pyflakes annotationUndefined"),
    S(
        "future-annotations",
        ["from __future__ import annotations", "def f(x: Later) -> Later:\n    return x", "class Later:\n    pass"],
        None,
        "PEP 563",
    ),
    S("decorator-evaluated", ["@deco\ndef f():\n    pass", "def deco(fn):\n    return fn"], (0, "deco"), "pyflakes"),
    S(
        "decorator-body-runs",
        ["def deco(fn):\n    return registry.append(fn) or fn", "@deco\ndef f():\n    pass", "registry = []"],
        (1, "registry"),
        "Python semantics",
    ),
    # -- methods of module-level classes --------------------------------------------------
    S(
        "method-call-before-global",
        ["class Model:\n    def predict(self, x):\n        return x * weight", "Model().predict(2)", "weight = 3"],
        (1, "weight"),
        "ipyflow",
    ),
    S(
        "init-before-global",
        ["class Model:\n    def __init__(self):\n        self.w = weight", "m = Model()", "weight = 3"],
        (1, "weight"),
        "ipyflow",
    ),
    S(
        "classmethod-before-global",
        ["class K:\n    @classmethod\n    def make(cls):\n        return cls(), size", "K.make()", "size = 1"],
        (1, "size"),
        "ipyflow",
    ),
    S(
        "method-reads-class-attr-bare",
        ["class C:\n    rate = 2\n    def m(self):\n        return rate", "C().m()"],
        (1, "rate"),
        "pyflakes functionsNeedGlobalScope",
    ),
    S(
        "method-reads-class-attr-qualified",
        ["class C:\n    rate = 2\n    def m(self):\n        return C.rate * factor", "C().m()", "factor = 2"],
        (1, "factor"),
        "Python scoping",
    ),
    S(
        "method-qualname",
        ["class Foo:\n    def bar(self):\n        return __qualname__", "Foo().bar()"],
        (1, "__qualname__"),
        "pyflakes magicQualnameInClassScope",
    ),
    S(
        "method-defined-later-global-ok",
        ["class Model:\n    def predict(self, x):\n        return x * weight", "weight = 3", "Model().predict(2)"],
        None,
        "ipyflow",
    ),
    # -- statements ------------------------------------------------------------------------
    S("with-target", ["import io\nwith io.StringIO('a') as fh:\n    data = fh.read()\nprint(data)"], None, "pyflakes"),
    S(
        "try-else-finally",
        ["try:\n    v = 1\nexcept KeyError:\n    pass\nelse:\n    w = v\nfinally:\n    u = 2\nprint(w, u)"],
        None,
        "Python semantics",
    ),
    S("match-captures", ["match {'k': 1}:\n    case {'k': value}:\n        print(value)"], None, "ruff"),
    S("star-import", ["from os.path import *\njoin('a', 'b')"], None, "pyflakes globalImportStar"),
    S(
        "imports-bind",
        ["import os.path\nos.getcwd()", "from collections import OrderedDict as OD\nOD()"],
        None,
        "pyflakes",
    ),
    # -- IPython ---------------------------------------------------------------------------
    S("indented-cell", ["    x = 1\n    y = x + 1", "print(y)"], None, "IPython leading_indent"),
    S("indented-line-magic", ["  %time z = 1", "print(z)"], None, "IPython leading_indent"),
    S("automagic-pwd", ["pwd"], None, "IPython automagic"),
    S("automagic-shadowed-by-variable", ["ls = [1, 2]", "ls"], None, "IPython automagic"),
    S("automagic-shadowed-reads-rest", ["cd = 5", "cd - x"], (1, "x"), "IPython automagic"),
    S("cell-magic-time-binds", ["%%time\nmodel = 1", "print(model)"], None, "ruff (cell magics)"),
    S("shell-capture-binds", ["files = !echo hi", "print(files)"], None, "IPython"),
    S(
        "timeit-options-bind-nothing",
        ["%timeit -n1 -r1 tmp_t = 1", "print(tmp_t)"],
        (1, "tmp_t"),
        "IPython %timeit scope",
    ),
]


class SyntaxScenario(NamedTuple):
    id: str
    source: str
    error: bool  # IPython's transformations + compile reject it
    before: tuple[str, ...] = ()  # cells run first (automagic depends on the names they define)


X = SyntaxScenario

SYNTAX: list[SyntaxScenario] = [
    X("plain", "x = 1", False),
    X("unclosed", "x = (1,", True),
    X("python2-print", 'print "hello"', True),
    X("indented-cell", "    x = 1\n    y = 2", False),
    X("indented-after-blank-lines", "\n\n    x = 1\n    y = 2", False),
    X("indent-ragged", "    x = 1\n  y = 2", True),
    X("first-line-comment-indented", "    # note\nif a:\n    b = 1", True),  # IPython strips the body's indent too
    X("indented-line-magic", "  %matplotlib inline", False),
    X("indented-shell", "    !echo hi", False),
    X("classic-prompt", ">>> x = 1\n>>> y = x", False),
    X("ipython-prompt", "In [1]: x = 5", False),
    X("line-magic", "%matplotlib inline\nimport math", False),
    X("shell", "!pip list", False),
    X("assign-shell", "files = !ls\nn = len(files)", False),
    X("assign-magic", "env = %env", False),
    X("help-suffix", "len?", False),
    X("help-prefix", "?len", False),
    X("cell-magic", "%%bash\nfor f in *.csv; do echo $f; done", False),
    X("cell-magic-later-line", "print(1)\n%%time\nx = 1", False),
    X("time-statement", "%time y = 1 + 1", False),
    X("automagic-cd", "cd /tmp", False),
    X("automagic-pip", "pip install pandas", False),
    X("automagic-run", "run script.py", False),
    X("automagic-ls-flags", "ls -la", False),
    X("automagic-history", "history -n 1", False),
    X("not-automagic-two-lines", "cd ..\nx = 1", True),
    X("not-automagic-trailing-blank", "pip install pandas\n\n", True),
    X("not-automagic-unknown-word", "frobnicate the thing", True),
    X("automagic-shadowed-by-variable", "cd ..", True, ("cd = 'somewhere'",)),
    X("automagic-shadowed-then-deleted", "cd ..", False, ("cd = 'somewhere'", "del cd")),
    X("automagic-other-name-defined", "pip install pandas", False, ("cd = 'somewhere'",)),
    X("autocall-slash", "/print 1", False),
    X("autocall-comma", ",print a b", False),
    X("autocall-semicolon-alone", "x = 1\n;", False),  # a lone ";" line becomes ("")
    X("return-outside", "return 5", True),
    X("yield-outside", "yield 1", True),
    X("break-outside", "break", True),
    X("continue-in-function-in-loop", "for x in range(2):\n    def g():\n        continue", True),
    X("nonlocal-module", "nonlocal x", True),
    X("global-after-assign", "x = 1\nglobal x", False),  # each statement is compiled alone
    X("global-after-assign-in-function", "def f():\n    x = 1\n    global x", True),
    X("duplicate-argument", "def f(a, a):\n    pass", True),
    X("star-assign", "*a = [1]", True),
    X("two-stars", "a, *b, *c = [1, 2, 3]", True),
    X("future-braces", "from __future__ import braces", True),
    X("future-after-statement", "x = 1\nfrom __future__ import annotations", False),  # compiled statement by statement
    X("await-top-level", "import asyncio\nawait asyncio.sleep(0)", False),
    X("await-in-def", "def f():\n    await g()", True),
    X("walrus-rebinds-comprehension-var", "[i := 0 for i in range(3)]", True),
    X("debug-assign", "__debug__ = 1", True),
    X("import-star-in-function", "def f():\n    from os import *", True),
    X("nul-byte", "x = 1\x00", True),
    X("return-in-function", "def f():\n    return 5", False),
    X("global-in-function", "def f():\n    global g\n    g = 1", False),
    X("break-in-loop", "for i in range(3):\n    break", False),
]
