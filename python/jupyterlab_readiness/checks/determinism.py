"""Inputs that change from run to run: the wall clock and random draws nobody seeded."""

from __future__ import annotations

from collections.abc import Iterator

from ..notebook.clocks import MAY_READ_CLOCK, reads_clock
from .context import CellScope, Context, Hit, Local, ResolvedCall


def wall_clock(ctx: Context) -> Iterator[Hit]:
    return ctx.per_cell("wall-clock", _wall_clock_in)


def _wall_clock_in(ctx: Context, scope: CellScope) -> Iterator[Local]:
    for rc in ctx.calls(scope):
        name = rc.qualname
        if name is None or name not in MAY_READ_CLOCK or not reads_clock(name, rc.call.args, bool(rc.call.kwargs)):
            continue
        yield (
            rc.call.line,
            f"`{_shown(rc)}` reads the current date/time: a rerun tomorrow computes something else, and a failed run "
            "cannot be replayed.",
            "Make the date a parameter (e.g. `run_date = date(2024, 1, 31)` in a parameters cell) and pass it in; "
            "read the clock only at the entry point that schedules the run.",
        )


# Random draws from each library's global generator, and the call that seeds it.
_GLOBAL_DRAWS = {
    "random": (
        frozenset(
            {
                "random",
                "randint",
                "randrange",
                "choice",
                "choices",
                "shuffle",
                "sample",
                "uniform",
                "gauss",
                "normalvariate",
                "lognormvariate",
                "expovariate",
                "betavariate",
                "gammavariate",
                "triangular",
                "vonmisesvariate",
                "paretovariate",
                "weibullvariate",
                "getrandbits",
                "randbytes",
                "binomialvariate",
            }
        ),
        frozenset({"random.seed"}),
    ),
    "numpy.random": (
        frozenset(
            {
                "rand",
                "randn",
                "randint",
                "random",
                "random_sample",
                "ranf",
                "sample",
                "random_integers",
                "choice",
                "shuffle",
                "permutation",
                "bytes",
                "normal",
                "uniform",
                "binomial",
                "poisson",
                "exponential",
                "beta",
                "gamma",
                "multinomial",
                "multivariate_normal",
                "lognormal",
                "laplace",
                "logistic",
                "geometric",
                "standard_normal",
                "standard_cauchy",
                "standard_t",
                "chisquare",
                "dirichlet",
                "triangular",
                "weibull",
                "rayleigh",
                "pareto",
                "negative_binomial",
                "hypergeometric",
                "vonmises",
                "wald",
                "zipf",
                "power",
                "f",
                "gumbel",
                "logseries",
                "noncentral_chisquare",
                "noncentral_f",
                "standard_exponential",
                "standard_gamma",
            }
        ),
        frozenset({"numpy.random.seed"}),
    ),
    "torch": (
        frozenset(
            {
                "rand",
                "randn",
                "randint",
                "randperm",
                "rand_like",
                "randn_like",
                "randint_like",
                "normal",
                "bernoulli",
                "multinomial",
                "poisson",
            }
        ),
        frozenset(
            {
                "torch.manual_seed",
                "torch.random.manual_seed",
                "lightning.seed_everything",
                "pytorch_lightning.seed_everything",
                "lightning.pytorch.seed_everything",
                "transformers.set_seed",
            }
        ),
    ),
    "tensorflow.random": (
        frozenset({"normal", "uniform", "shuffle", "truncated_normal", "categorical", "gamma", "poisson"}),
        frozenset(
            {
                "tensorflow.random.set_seed",
                "tensorflow.set_random_seed",
                "tensorflow.compat.v1.set_random_seed",
                "keras.utils.set_random_seed",
                "tensorflow.keras.utils.set_random_seed",
            }
        ),
    ),
}
_SEED_FAMILY = {seed: family for family, (_, seeds) in _GLOBAL_DRAWS.items() for seed in seeds}
# The call that seeds each family's global generator, as the suggestion and the fix write it.
SEED_CALL = {
    "random": "seed",
    "numpy.random": "seed",
    "torch": "manual_seed",
    "tensorflow.random": "set_seed",
}
# Generators that are non-deterministic when created without a seed, seeded globally or not.
_GENERATORS = frozenset(
    {
        "numpy.random.default_rng",
        "numpy.random.RandomState",
        "numpy.random.SeedSequence",
        "numpy.random.PCG64",
        "numpy.random.MT19937",
        "numpy.random.Philox",
        "numpy.random.SFC64",
        "random.Random",
    }
)
# Library calls that draw from numpy's global generator unless given random_state.
_NEEDS_RANDOM_STATE = frozenset(
    {"sklearn.model_selection.train_test_split", "sklearn.utils.shuffle", "sklearn.utils.resample"}
)


# The keywords a ``.sample`` method of a value takes its seed by.
_SAMPLE_SEEDS = frozenset({"random_state", "random_seed", "seed", "rng"})


def unseeded_random(ctx: Context) -> Iterator[Hit]:
    # Seeding carries from cell to cell, so the seed state in is part of each cell's memo key. A
    # local module starts with what the notebook that imports it seeds (checks/modules.py).
    seeded: frozenset[str] = ctx.seeded_before
    for scope in ctx.scopes:
        hits, seeded = ctx.memo(
            scope.facts,
            ("unseeded-random", scope.aliases_id, seeded),
            lambda scope=scope, before=seeded: _unseeded_in(ctx, scope, before),
        )
        for line, message, suggestion in hits:
            yield Hit(scope.cell.index, line, message, suggestion)


def _unseeded_in(ctx: Context, scope: CellScope, before: frozenset[str]) -> tuple[tuple[Local, ...], frozenset[str]]:
    seeded = set(before)
    hits: list[Local] = []
    for rc in ctx.calls(scope):
        name = rc.qualname
        call = rc.call
        if name is None:
            # ``df.sample(n)``: a method on a value (a DataFrame or Series; module functions such as
            # ``random.sample`` have a resolved name) drawing from numpy's global generator. Other
            # libraries' ``.sample`` take their seed under another name (PyMC ``random_seed``,
            # TensorFlow Probability ``seed``).
            if (
                call.parts[-1] == "sample"
                and len(call.parts) > 1
                and not _SAMPLE_SEEDS.intersection(call.kwargs)
                and "numpy.random" not in seeded
            ):
                hits.append(
                    _hit(rc, "`.sample(...)`", "pass `random_state=42` (or set `np.random.seed(...)` once at the top)")
                )
            continue
        family = _SEED_FAMILY.get(name)
        if family is not None:
            # ``seed()`` and ``seed(None)`` seed from the OS: not reproducible.
            if any(a is not None for a in call.args) or any(v is not None for v in call.kwargs.values()):
                seeded.add(family)
            continue
        if name in _GENERATORS:
            if not call.args and not any(k in ("seed", "x") for k in call.kwargs):
                hits.append(_hit(rc, f"`{_shown(rc)}()`", f"pass a seed: `{_shown(rc)}(42)`"))
            continue
        if name in _NEEDS_RANDOM_STATE:
            if "random_state" not in call.kwargs and "numpy.random" not in seeded:
                hits.append(_hit(rc, f"`{_shown(rc)}`", "pass `random_state=42`"))
            continue
        module, _, func = name.rpartition(".")
        draws = _GLOBAL_DRAWS.get(module)
        if draws is not None and func in draws[0] and module not in seeded:
            seed = f"{module}.{SEED_CALL[module]}"
            hits.append(
                _hit(rc, f"`{_shown(rc)}`", f"call `{seed}(42)` once before the first draw, or use a seeded generator")
            )
    return tuple(hits), frozenset(seeded)


def _hit(rc: ResolvedCall, what: str, fix: str) -> Local:
    return (
        rc.call.line,
        f"{what} draws random numbers with no seed set before it: every run gives different results.",
        f"Make it reproducible: {fix}.",
    )


def _shown(rc: ResolvedCall) -> str:
    return ".".join(p for p in rc.call.parts if p) or (rc.qualname or "")


# -- what the fixes need to know (fixes/determinism.py) -------------------------------------------


def global_draw_family(qualname: str) -> str | None:
    """The library whose global generator a call draws from ("numpy.random"), or None."""
    module, _, func = qualname.rpartition(".")
    draws = _GLOBAL_DRAWS.get(module)
    return module if draws is not None and func in draws[0] else None


def unseeded_generator(qualname: str) -> bool:
    return qualname in _GENERATORS


def needs_random_state(qualname: str) -> bool:
    return qualname in _NEEDS_RANDOM_STATE


def seeded_families(ctx: Context) -> frozenset[str]:
    """The libraries whose global generator the notebook seeds somewhere (a local module's draws,
    run when the notebook calls them, are taken as seeded by it)."""
    seeded: frozenset[str] = ctx.seeded_before
    for scope in ctx.scopes:
        _, seeded = ctx.memo(
            scope.facts,
            ("unseeded-random", scope.aliases_id, seeded),
            lambda scope=scope, before=seeded: _unseeded_in(ctx, scope, before),
        )
    return seeded
